"""``pos-app check``: the invariants a store owner can verify at any time.

Each check is one aggregate query, so it stays fast on a large store; a clean database
reports no problems, and every problem is a sentence naming the record at fault.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ..domain.money import format_amount
from ..domain.postings import TENDER_ACCOUNT, Accounts
from ..persistence.models import (
    Account,
    AuditEntry,
    Counter,
    JournalEntry,
    JournalTransaction,
    Order,
    OrderLine,
    PaymentRow,
    Product,
    StockMovement,
    TillSession,
)
from ..repositories.audit import AuditRepository
from .integrity_pricing import check_pricing
from .integrity_refunds import refund_problems


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        c = self.counts
        figures = (
            f"{c.get('products', 0)} products, {c.get('sales', 0)} sales, "
            f"{c.get('journal_transactions', 0)} journal transactions"
        )
        if self.ok:
            return f"OK: {figures} checked, no problems."
        return f"{len(self.problems)} problem(s) in {figures}."

    def as_dict(self) -> dict:
        return {"ok": self.ok, "problems": self.problems, "counts": self.counts}


def run_check(session: Session) -> CheckReport:
    report = CheckReport()
    report.counts = {
        "products": session.scalar(select(func.count(Product.id))),
        "sales": session.scalar(
            select(func.count(Order.id)).where(Order.kind == "sale", Order.status == "completed")
        ),
        "journal_transactions": session.scalar(select(func.count(JournalTransaction.id))),
        "journal_entries": session.scalar(select(func.count(JournalEntry.id))),
        "stock_movements": session.scalar(select(func.count(StockMovement.id))),
        "till_sessions": session.scalar(select(func.count(TillSession.id))),
        "audit_rows": session.scalar(select(func.count(AuditEntry.seq))),
    }
    for check in (
        _stock,
        _journal_balance,
        _trial_balance,
        _orders,
        _sale_journals,
        _receipts,
        _till_sales,
        _audit_chain,
        check_pricing,  # stored sales re-priced: services/integrity_pricing.py
    ):
        report.problems.extend(check(session))
    report.problems.extend(refund_problems(session))  # refunds and voids
    return report


def _stock(session: Session) -> list[str]:
    moved = (
        select(StockMovement.product_id, func.sum(StockMovement.quantity).label("moved"))
        .group_by(StockMovement.product_id)
        .subquery()
    )
    rows = session.execute(
        select(Product.sku, Product.stock_on_hand, func.coalesce(moved.c.moved, 0))
        .outerjoin(moved, moved.c.product_id == Product.id)
        .where(
            (Product.stock_on_hand < 0) | (Product.stock_on_hand != func.coalesce(moved.c.moved, 0))
        )
        .order_by(Product.sku)
    )
    return [
        f"Product {sku}: stock on hand {stock} but movements add up to {total}."
        if stock >= 0
        else f"Product {sku}: stock on hand is negative ({stock})."
        for sku, stock, total in rows
    ]


def _journal_balance(session: Session) -> list[str]:
    rows = session.execute(
        select(
            JournalTransaction.id,
            func.coalesce(func.sum(JournalEntry.debit), 0),
            func.coalesce(func.sum(JournalEntry.credit), 0),
            func.count(JournalEntry.id),
        )
        .outerjoin(JournalEntry)
        .group_by(JournalTransaction.id)
        .having(
            (
                func.coalesce(func.sum(JournalEntry.debit), 0)
                != func.coalesce(func.sum(JournalEntry.credit), 0)
            )
            | (func.count(JournalEntry.id) < 2)
        )
        .order_by(JournalTransaction.id)
    )
    return [
        f"Journal transaction {txn}: debits {format_amount(d)} and credits "
        f"{format_amount(c)} over {n} entries do not balance."
        if n >= 2
        else f"Journal transaction {txn} has {n} entries (at least two are needed)."
        for txn, d, c, n in rows
    ]


def _trial_balance(session: Session) -> list[str]:
    debits, credits = session.execute(
        select(
            func.coalesce(func.sum(JournalEntry.debit), 0),
            func.coalesce(func.sum(JournalEntry.credit), 0),
        )
    ).one()
    if debits != credits:
        return [
            f"Trial balance: total debits {format_amount(debits)} differ from total credits "
            f"{format_amount(credits)}."
        ]
    return []


def _orders(session: Session) -> list[str]:
    """Stored totals match the lines, and completed sales are paid exactly."""
    problems: list[str] = []
    lines = (
        select(
            OrderLine.order_id,
            func.sum(OrderLine.net).label("net"),
            func.sum(OrderLine.tax).label("tax"),
            func.count(OrderLine.id).label("n"),
        )
        .group_by(OrderLine.order_id)
        .subquery()
    )
    paid = (
        select(PaymentRow.order_id, func.sum(PaymentRow.applied).label("paid"))
        .group_by(PaymentRow.order_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Order.id,
            Order.kind,
            Order.status,
            Order.subtotal,
            Order.tax,
            Order.total + Order.cash_rounding,  # what the tenders took
            func.coalesce(lines.c.net, 0),
            func.coalesce(lines.c.tax, 0),
            func.coalesce(lines.c.n, 0),
            func.coalesce(paid.c.paid, 0),
        )
        .outerjoin(lines, lines.c.order_id == Order.id)
        .outerjoin(paid, paid.c.order_id == Order.id)
        .order_by(Order.id)
    )
    for oid, kind, status, subtotal, tax, total, net, line_tax, n_lines, applied in rows:
        label = f"Order {oid}"
        if kind == "sale" and status == "open":
            problems.append(f"{label}: an unfinished sale was committed.")
            continue
        if not n_lines:  # counted, not summed: a free sample's lines add up to zero
            problems.append(f"{label} has no lines.")
        if (subtotal, tax) != (net, line_tax):
            problems.append(
                f"{label}: stored subtotal/tax {format_amount(subtotal)}/{format_amount(tax)} "
                f"differ from its lines {format_amount(net)}/{format_amount(line_tax)}."
            )
        if kind == "sale" and applied != total:
            problems.append(
                f"{label}: payments {format_amount(applied)} differ from the total {format_amount(total)}."
            )
    return problems


def _sale_journals(session: Session) -> list[str]:
    """Each completed sale or shipped order has exactly one matching journal transaction,
    unless every amount of it is zero (a free sample at zero cost posts nothing)."""
    problems: list[str] = []
    account = {code: id_ for code, id_ in session.execute(select(Account.code, Account.id))}

    def side(code: str, column) -> object:  # noqa: ANN001
        return func.coalesce(
            func.sum(case((JournalEntry.account_id == account.get(code), column), else_=0)), 0
        )

    tender_ids = [account.get(code) for code in TENDER_ACCOUNT.values()]
    posted = (
        select(
            JournalTransaction.order_id.label("order_id"),
            func.count(func.distinct(JournalTransaction.id)).label("n"),
            func.coalesce(
                func.sum(
                    case((JournalEntry.account_id.in_(tender_ids), JournalEntry.debit), else_=0)
                ),
                0,
            ).label("tendered"),
            side(Accounts.ACCOUNTS_RECEIVABLE, JournalEntry.debit).label("billed"),
            side(Accounts.SALES_REVENUE, JournalEntry.credit).label("revenue"),
            side(Accounts.SALES_TAX_PAYABLE, JournalEntry.credit).label("tax"),
            side(Accounts.COST_OF_GOODS_SOLD, JournalEntry.debit).label("cogs"),
        )
        .join(JournalEntry, JournalEntry.transaction_id == JournalTransaction.id)
        .where(JournalTransaction.order_id.is_not(None))
        .group_by(JournalTransaction.order_id)
        .subquery()
    )
    cost = (
        select(OrderLine.order_id, func.sum(OrderLine.unit_cost * OrderLine.quantity).label("cost"))
        .group_by(OrderLine.order_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Order.id,
            Order.kind,
            Order.subtotal,
            Order.tax,
            Order.total + Order.cash_rounding,  # what the tenders took
            func.coalesce(cost.c.cost, 0),
            posted.c.n,
            posted.c.tendered,
            posted.c.billed,
            posted.c.revenue,
            posted.c.tax,
            posted.c.cogs,
        )
        .outerjoin(posted, posted.c.order_id == Order.id)
        .outerjoin(cost, cost.c.order_id == Order.id)
        .where((Order.status != "open") | posted.c.n.is_not(None))
        .order_by(Order.id)
    )
    for oid, kind, subtotal, tax, total, cogs, n, tendered, billed, revenue, ptax, pcogs in rows:
        label = "Sale" if kind == "sale" else "Customer order"
        if n is None:
            if subtotal or tax or total or cogs:
                problems.append(f"{label} {oid} has no journal transaction.")
            continue
        if n != 1:
            problems.append(f"{label} {oid} has {n} journal transactions (one expected).")
        received = tendered if kind == "sale" else billed
        expected = (total, subtotal, tax, cogs)
        actual = (received, revenue, ptax, pcogs)
        if expected != actual:
            names = ("paid/billed", "revenue", "tax", "cost of goods")
            diffs = ", ".join(
                f"{name} {format_amount(a)} vs {format_amount(e)}"
                for name, e, a in zip(names, expected, actual, strict=True)
                if e != a
            )
            problems.append(f"{label} {oid}: journal does not match the order ({diffs}).")
    return problems


def _receipts(session: Session) -> list[str]:
    lowest, highest, count = session.execute(
        select(func.min(Order.receipt_no), func.max(Order.receipt_no), func.count(Order.receipt_no))
    ).one()
    counter = session.scalar(select(Counter.value).where(Counter.name == "receipt")) or 0
    problems: list[str] = []
    if count and (lowest != 1 or highest != count):
        problems.append(
            f"Receipt numbers are not gapless: {count} receipts numbered {lowest} to {highest}."
        )
    if counter != (highest or 0):
        problems.append(
            f"The receipt counter is at {counter} but the last receipt is {highest or 0}."
        )
    return problems


def _till_sales(session: Session) -> list[str]:
    """A till sale names its cashier and its till session together (sales from before
    schema 0004 name neither); the session exists and was open when the sale completed.
    One query over the sales that break a rule, so a clean store returns no rows."""
    half_named = (Order.staff_id.is_(None) & Order.till_session_id.is_not(None)) | (
        Order.staff_id.is_not(None) & Order.till_session_id.is_(None)
    )
    outside = Order.till_session_id.is_not(None) & (
        TillSession.id.is_(None)
        | (Order.completed_at < TillSession.opened_at)
        | (TillSession.closed_at.is_not(None) & (Order.completed_at > TillSession.closed_at))
    )
    rows = session.execute(
        select(
            Order.id,
            Order.receipt_no,
            Order.staff_id,
            Order.till_session_id,
            Order.completed_at,
            TillSession.id,
            TillSession.till_name,
            TillSession.opened_at,
            TillSession.closed_at,
        )
        .outerjoin(TillSession, TillSession.id == Order.till_session_id)
        .where(Order.kind == "sale", Order.completed_at.is_not(None), half_named | outside)
        .order_by(Order.id)
    )
    problems: list[str] = []
    for oid, receipt, staff_id, session_id, completed, found, till, opened, closed in rows:
        label = f"Sale {oid}" + (f" (receipt {receipt})" if receipt is not None else "")
        if staff_id is None and session_id is not None:
            problems.append(f"{label} has a till session but no cashier.")
        elif staff_id is not None and session_id is None:
            problems.append(f"{label} has a cashier but no till session.")
        if session_id is None:
            continue
        if found is None:
            problems.append(f"{label} names till session {session_id}, which does not exist.")
            continue
        if completed < opened or (closed is not None and completed > closed):
            window = f"{opened:%Y-%m-%d %H:%M:%S}–" + (
                f"{closed:%Y-%m-%d %H:%M:%S}" if closed is not None else "still open"
            )
            problems.append(
                f"{label} completed at {completed:%Y-%m-%d %H:%M:%S} UTC, outside till "
                f"session {session_id} on {till} ({window} UTC)."
            )
    return problems


def _audit_chain(session: Session) -> list[str]:
    """Every audit row's hash recomputed in order: an edited row breaks the chain, a deleted
    one leaves a gap (see repositories/audit.py)."""
    return AuditRepository(session).verify()
