"""Till sessions (shifts): opening, the sale's check that the session is open, cash
movements, the session's figures (X and Z reports) and closing.

Locks on the session row, on PostgreSQL (SQLite has one writer at a time and needs none):

- a sale bumps ``sales_count`` with a conditional UPDATE (``record_sale``): FOR NO KEY
  UPDATE, held until it commits, taken after the receipt counter;
- a cash movement (and a refund) takes FOR SHARE while the session is open
  (``hold_open``): it conflicts with a sale committing and with a closing, and re-checks
  "still open" after waiting for either;
- closing takes FOR NO KEY UPDATE *before* anything else (``lock_for_closing``), so it
  waits for every sale, refund or cash movement committing on that session, then reads the
  figures (READ COMMITTED: each statement sees what they committed), then bumps the 'z'
  counter, then writes. A sale, refund or movement arriving later waits for the closing and
  then finds the session closed (TillClosed), so nothing lands in a closed session that its
  Z misses.

Why not FOR UPDATE: every order header holds FOR KEY SHARE on its session (the foreign key)
from the moment the checkout opens; FOR UPDATE would wait for checkouts still open and can
starve behind a busy till. FOR NO KEY UPDATE leaves them be: they fail at confirm instead.
(Setting ``z_no`` needs no stronger lock because its uniqueness is a partial index.)

Lock order: the brief's order puts counters before the session row; closing takes its
session row before the 'z' counter. No cycle can form: the only transaction that holds 'z'
is a closing, which already holds its own session row and then waits only for the audit
counter (always last); a sale or refund holds the receipt/refund counter and waits for the
session row but never for 'z'. Taking the session first also means one till's closing,
waiting for its sale in flight, never holds the 'z' counter and so never holds up another
till's closing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, exists, func, insert, select, update
from sqlalchemy.orm import Session, aliased

from ..domain.tender import TenderKind
from ..domain.till import (
    TENDERS,
    TillReport,
    TillSessionSummary,
    TillState,
    tender_figures,
)
from ..persistence.models import (
    CashMovement,
    Order,
    OrderLine,
    PaymentRow,
    Refund,
    Staff,
    TillCount,
    TillSession,
    utcnow,
)
from ..persistence.prepared import Prepared

# Built once: every sale runs it. It also carries the check that the cashier is still
# switched on, so a confirm re-checks them without a statement of its own.
_COUNT_SALE = Prepared(
    update(TillSession)
    .where(
        TillSession.id == bindparam("session_id"),
        TillSession.status == "open",
        exists().where(Staff.id == bindparam("staff_id"), Staff.active),
    )
    .values(sales_count=TillSession.sales_count + 1)
)


class TillRepository:
    def __init__(self, session: Session):
        self.session = session

    def open_session(self, till_name: str, staff_id: int, opening_float: int) -> int:
        row = TillSession(
            till_name=till_name, opened_by=staff_id, opening_float=opening_float, status="open"
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def get(self, session_id: int) -> TillSession | None:
        return self.session.get(TillSession, session_id)

    def open_on(self, till_name: str) -> TillSession | None:
        """The open session on this till, if any (at most one: a partial unique index)."""
        return self.session.scalars(
            select(TillSession).where(
                TillSession.till_name == till_name, TillSession.status == "open"
            )
        ).first()

    def record_sale(self, session_id: int, staff_id: int) -> bool:
        """Count a sale in its session, only while the session is open and its cashier
        ``staff_id`` switched on. Row-locks the session until commit, so closing it waits for
        a sale in flight; False if it is closed or the cashier switched off (the caller tells
        which, on that rare path only)."""
        connection = self.session.connection()
        params = {"session_id": session_id, "staff_id": staff_id}
        return _COUNT_SALE.execute(connection, params).rowcount == 1

    # -- cash movements -------------------------------------------------------------------
    def hold_open(self, session_id: int) -> bool:
        """True if the session is open, and keep it so until commit (FOR SHARE on
        PostgreSQL: a closing waits for us, or we for it and then see it closed). False if
        closed or unknown. For cash movements and refunds: call it before writing anything
        that belongs to the session, after any counter (lock order)."""
        return (
            self.session.execute(
                select(TillSession.id)
                .where(TillSession.id == session_id, TillSession.status == "open")
                .with_for_update(read=True)
            ).first()
            is not None
        )

    def add_movement(
        self, session_id: int, staff_id: int, kind: str, amount: int, reason: str
    ) -> int:
        return self.session.execute(
            insert(CashMovement)
            .values(
                till_session_id=session_id,
                staff_id=staff_id,
                kind=kind,
                amount=amount,
                reason=reason,
                created_at=utcnow(),
            )
            .returning(CashMovement.id)
        ).scalar_one()

    # -- closing --------------------------------------------------------------------------
    def lock_for_closing(self, session_id: int) -> str | None:
        """Lock the session row (FOR NO KEY UPDATE on PostgreSQL, taken first by a closing)
        and return its status, or None if there is no such session."""
        return self.session.execute(
            select(TillSession.status)
            .where(TillSession.id == session_id)
            .with_for_update(key_share=True)
        ).scalar_one_or_none()

    def close(
        self,
        session_id: int,
        *,
        staff_id: int,
        z_no: int,
        expected: dict[TenderKind, int],
        counted: dict[TenderKind, int],
    ) -> datetime | None:
        """Write the counts and mark the session closed; the closing time, or None if it
        was not open (nothing written then)."""
        closed_at = utcnow()
        over_short = sum(counted[t] - expected[t] for t in TENDERS)
        done = self.session.execute(
            update(TillSession)
            .where(TillSession.id == session_id, TillSession.status == "open")
            .values(
                status="closed",
                z_no=z_no,
                closed_by=staff_id,
                closed_at=closed_at,
                over_short=over_short,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if done != 1:
            return None
        self.session.execute(
            insert(TillCount),
            [
                {
                    "till_session_id": session_id,
                    "kind": t.value,
                    "expected": expected[t],
                    "counted": counted[t],
                }
                for t in TENDERS
            ],
        )
        return closed_at

    # -- figures ----------------------------------------------------------------------------
    def report(self, session_id: int) -> TillReport | None:
        """The session's X report (or Z report once closed): a handful of aggregate
        queries, one per group of figures, however many sales the session holds."""
        head = self._heads(TillSession.id == session_id)
        if not head:
            return None
        (row,) = head
        sid = row.session_id
        in_session = (
            Order.till_session_id == sid,
            Order.kind == "sale",
            Order.status == "completed",
        )
        taken = dict(
            self.session.execute(
                select(PaymentRow.kind, func.coalesce(func.sum(PaymentRow.applied), 0))
                .join(Order, Order.id == PaymentRow.order_id)
                .where(*in_session)
                .group_by(PaymentRow.kind)
            ).all()
        )
        discounts = (
            select(func.coalesce(func.sum(OrderLine.discount + OrderLine.sale_discount), 0))
            .join(Order, Order.id == OrderLine.order_id)
            .where(*in_session)
            .scalar_subquery()
        )
        sales_count, net, tax, discount = self.session.execute(
            select(
                func.count(Order.id),
                func.coalesce(func.sum(Order.subtotal), 0),
                func.coalesce(func.sum(Order.tax), 0),
                discounts,
            ).where(*in_session)
        ).one()
        refunds: dict[str, int] = {}
        refunds_count = refunds_net = refunds_tax = 0
        for tender, count, paid, r_net, r_tax in self.session.execute(
            select(
                Refund.tender,
                func.count(Refund.id),
                func.coalesce(func.sum(Refund.total + Refund.cash_rounding), 0),
                func.coalesce(func.sum(Refund.subtotal), 0),
                func.coalesce(func.sum(Refund.tax), 0),
            )
            .where(Refund.till_session_id == sid, Refund.status == "completed")
            .group_by(Refund.tender)
        ):
            refunds[tender] = paid
            refunds_count += count
            refunds_net += r_net
            refunds_tax += r_tax
        moved = {
            kind: (count, total)
            for kind, count, total in self.session.execute(
                select(
                    CashMovement.kind,
                    func.count(CashMovement.id),
                    func.coalesce(func.sum(CashMovement.amount), 0),
                )
                .where(CashMovement.till_session_id == sid)
                .group_by(CashMovement.kind)
            )
        }
        counted: dict[str, int] = {}
        if row.status == "closed":
            counted = dict(
                self.session.execute(
                    select(TillCount.kind, TillCount.counted).where(
                        TillCount.till_session_id == sid
                    )
                ).all()
            )
        cash_in_count, cash_in = moved.get("in", (0, 0))
        cash_out_count, cash_out = moved.get("out", (0, 0))
        tenders = tuple(
            tender_figures(
                t,
                opening_float=row.opening_float,
                sales=int(taken.get(t.value, 0)),
                refunds=int(refunds.get(t.value, 0)),
                cash_in=int(cash_in),
                cash_out=int(cash_out),
                counted=counted.get(t.value),
            )
            for t in TENDERS
        )
        return TillReport(
            session_id=sid,
            till_name=row.till_name,
            opened_by=row.opened_by,
            opened_at=row.opened_at,
            opening_float=row.opening_float,
            sales_count=int(sales_count),
            refunds_count=int(refunds_count),
            net=int(net),
            tax=int(tax),
            discounts=int(discount),
            refunds_net=int(refunds_net),
            refunds_tax=int(refunds_tax),
            cash_in_count=int(cash_in_count),
            cash_out_count=int(cash_out_count),
            tenders=tenders,
            status=row.status,
            z_no=row.z_no,
            closed_by=row.closed_by,
            closed_at=row.closed_at,
        )

    def cash_expected(self, session_id: int) -> int:
        """What the drawer should hold now (for refusing a cash-out larger than that)."""
        report = self.report(session_id)
        return 0 if report is None else report.tender(TenderKind.CASH).expected

    def state(self, till_name: str) -> TillState:
        """This till's open session (if any) and its last closing."""
        heads = self._heads(TillSession.till_name == till_name, TillSession.status == "open")
        last = self.session.execute(
            select(TillSession.z_no, TillSession.closed_at)
            .where(TillSession.till_name == till_name, TillSession.status == "closed")
            .order_by(TillSession.closed_at.desc(), TillSession.id.desc())
            .limit(1)
        ).first()
        last_z, last_at = last if last is not None else (None, None)
        if not heads:
            return TillState(till_name, last_z_no=last_z, last_closed_at=last_at)
        head = heads[0]
        return TillState(
            till_name=till_name,
            session_id=head.session_id,
            opened_by=head.opened_by,
            opened_at=head.opened_at,
            opening_float=head.opening_float,
            sales_count=head.sales_count,
            last_z_no=last_z,
            last_closed_at=last_at,
        )

    def recent(self, limit: int = 20, till_name: str | None = None) -> list[TillSessionSummary]:
        """Newest sessions first, on every till or one."""
        where = [] if till_name is None else [TillSession.till_name == till_name]
        return [
            TillSessionSummary(
                session_id=h.session_id,
                till_name=h.till_name,
                status=h.status,
                opened_by=h.opened_by,
                opened_at=h.opened_at,
                closed_by=h.closed_by,
                closed_at=h.closed_at,
                z_no=h.z_no,
                sales_count=h.sales_count,
                over_short=h.over_short,
            )
            for h in self._heads(*where, limit=limit)
        ]

    def _heads(self, *where, limit: int | None = None) -> list:  # noqa: ANN002
        """Session rows with the names of who opened and closed them, newest first."""
        opener, closer = aliased(Staff), aliased(Staff)
        query = (
            select(
                TillSession.id.label("session_id"),
                TillSession.till_name,
                TillSession.status,
                opener.name.label("opened_by"),
                TillSession.opened_at,
                TillSession.opening_float,
                TillSession.sales_count,
                closer.name.label("closed_by"),
                TillSession.closed_at,
                TillSession.z_no,
                TillSession.over_short,
            )
            .join(opener, opener.id == TillSession.opened_by)
            .outerjoin(closer, closer.id == TillSession.closed_by)
            .where(*where)
            .order_by(TillSession.id.desc())
        )
        if limit is not None:
            query = query.limit(limit)
        return list(self.session.execute(query))
