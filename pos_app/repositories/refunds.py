"""Refunds and voids: the draft row, taking lines back, restocking and the gapless number.

Over-refunding is refused by the database itself: a line's ``refunded_quantity`` goes up
only by ``UPDATE … WHERE refunded_quantity + :n <= quantity`` (PostgreSQL re-checks that on
the row another till just committed, READ COMMITTED), with the CHECK constraint as the
backstop. Rows are touched in one order (order lines by id, products by id, the 'refund'
counter, the till session, the audit counter last), so two tills never deadlock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session, aliased

from ..domain.refund import (
    RefundableLine,
    RefundableSale,
    RefundReceipt,
    RefundReceiptLine,
)
from ..domain.tender import TenderKind
from ..persistence.models import (
    Customer,
    JournalTransaction,
    Order,
    OrderLine,
    PaymentRow,
    Product,
    Refund,
    RefundLine,
    Staff,
    StockMovement,
    TillSession,
    utcnow,
)

REFUND_COUNTER = "refund"

# Built once, like the sale's statements.
_OPEN = insert(Refund).returning(Refund.id)
_TAKE_BACK = (
    update(OrderLine)
    .where(
        OrderLine.id == bindparam("line_id"),
        OrderLine.refunded_quantity + bindparam("units") <= OrderLine.quantity,
    )
    .values(refunded_quantity=OrderLine.refunded_quantity + bindparam("units"))
)
_RESTOCK = (
    update(Product)
    .where(Product.id == bindparam("product_id"))
    .values(stock_on_hand=Product.stock_on_hand + bindparam("units"))
)
_LINES = insert(RefundLine)
_MOVEMENTS = insert(StockMovement)


@dataclass(frozen=True)
class RefundRow:
    """One refund in a list (newest first)."""

    refund_id: int
    refund_no: int
    kind: str
    receipt_no: int
    completed_at: datetime
    total: int
    paid: int
    tender: str
    cashier: str
    reason: str


class RefundRepository:
    def __init__(self, session: Session):
        self.session = session

    # -- reading a sale to refund -----------------------------------------------------------
    def sale(self, receipt_no: int) -> RefundableSale | None:
        """The completed sale with this receipt number, each line with what came back."""
        head = self.session.execute(
            select(
                Order.id,
                Order.receipt_no,
                Order.completed_at,
                Order.created_at,
                Order.subtotal,
                Order.tax,
                Order.total,
                Order.cash_rounding,
                Staff.name,
                TillSession.till_name,
                Order.customer_id,
            )
            .outerjoin(Staff, Staff.id == Order.staff_id)
            .outerjoin(TillSession, TillSession.id == Order.till_session_id)
            .where(
                Order.receipt_no == receipt_no,
                Order.kind == "sale",
                Order.status == "completed",
            )
        ).first()
        if head is None:
            return None
        order_id = head[0]
        customer_code = None
        if head.customer_id is not None:
            customer_code = self.session.scalar(
                select(Customer.code).where(Customer.id == head.customer_id)
            )
        paid_by = {
            kind: int(amount)
            for kind, amount in self.session.execute(
                select(PaymentRow.kind, func.sum(PaymentRow.applied))
                .where(PaymentRow.order_id == order_id)
                .group_by(PaymentRow.kind)
            )
        }
        return RefundableSale(
            order_id=order_id,
            receipt_no=head.receipt_no,
            completed_at=head.completed_at or head.created_at,
            subtotal=head.subtotal,
            tax=head.tax,
            total=head.total,
            cash_rounding=head.cash_rounding or 0,
            paid_by=paid_by,
            cashier=head.name or "",
            till_name=head.till_name or "",
            customer_code=customer_code,
            lines=tuple(self.lines(order_id=order_id)),
        )

    def lines(
        self, *, order_id: int | None = None, line_ids: Iterable[int] | None = None
    ) -> list[RefundableLine]:
        """Lines of a sale (or these lines) with the units, net and tax already given back.
        Read after ``take_back`` has locked them, this is exact: every earlier refund of
        these lines has committed (or is ours)."""
        given = (
            select(
                RefundLine.order_line_id,
                func.sum(RefundLine.net).label("net"),
                func.sum(RefundLine.tax).label("tax"),
            )
            .group_by(RefundLine.order_line_id)
            .subquery()
        )
        query = (
            select(
                OrderLine.id,
                OrderLine.line_no,
                OrderLine.product_id,
                Product.sku,
                Product.name,
                OrderLine.quantity,
                OrderLine.refunded_quantity,
                OrderLine.unit_price,
                OrderLine.tax_rate_ppm,
                OrderLine.net,
                OrderLine.tax,
                OrderLine.unit_cost,
                func.coalesce(given.c.net, 0),
                func.coalesce(given.c.tax, 0),
            )
            .join(Product, Product.id == OrderLine.product_id)
            .outerjoin(given, given.c.order_line_id == OrderLine.id)
            .order_by(OrderLine.order_id, OrderLine.line_no)
        )
        if order_id is not None:
            query = query.where(OrderLine.order_id == order_id)
        if line_ids is not None:
            query = query.where(OrderLine.id.in_(list(line_ids)))
        # SUM of BIGINT is NUMERIC on PostgreSQL: back to int cents
        return [
            RefundableLine(*row[:-2], int(row[-2]), int(row[-1]))
            for row in self.session.execute(query)
        ]

    def sale_journal_id(self, order_id: int) -> int | None:
        """The sale's journal transaction, which a refund reverses."""
        return self.session.scalar(
            select(JournalTransaction.id)
            .where(JournalTransaction.order_id == order_id, JournalTransaction.kind == "sale")
            .order_by(JournalTransaction.id)
            .limit(1)
        )

    # -- writing ----------------------------------------------------------------------------
    def open(
        self,
        *,
        order_id: int,
        client_key: str,
        staff_id: int,
        till_session_id: int,
        kind: str,
        tender: str,
    ) -> int:
        """The draft row (not committed): its id is the "Refund draft N" on screen."""
        return (
            self.session.connection()
            .execute(
                _OPEN,
                {
                    "kind": kind,
                    "status": "open",
                    "client_key": client_key,
                    "order_id": order_id,
                    "staff_id": staff_id,
                    "till_session_id": till_session_id,
                    "tender": tender,
                    "reason": "",
                    "subtotal": 0,
                    "tax": 0,
                    "total": 0,
                    "cash_rounding": 0,
                    "created_at": utcnow(),
                },
            )
            .scalar_one()
        )

    def completed_by_key(self, client_key: str) -> int | None:
        return self.session.scalar(
            select(Refund.id).where(Refund.client_key == client_key, Refund.status == "completed")
        )

    def take_back(self, order_line_id: int, units: int) -> bool:
        """Count ``units`` more as refunded on the line, only if that stays within what was
        sold; row-locks the line until commit. False: not that many are left."""
        return (
            self.session.connection()
            .execute(_TAKE_BACK, {"line_id": order_line_id, "units": units})
            .rowcount
            == 1
        )

    def add_lines(self, refund_id: int, rows: list[dict]) -> None:
        self.session.connection().execute(
            _LINES, [{"refund_id": refund_id, **row} for row in rows]
        )

    def restock(self, refund_id: int, quantities: Mapping[int, int]) -> None:
        """Goods back on the shelf, products in ascending id order, each a 'refund' movement."""
        connection = self.session.connection()
        for product_id in sorted(quantities):
            connection.execute(
                _RESTOCK, {"product_id": product_id, "units": quantities[product_id]}
            )
        connection.execute(
            _MOVEMENTS,
            [
                {
                    "product_id": product_id,
                    "quantity": quantities[product_id],
                    "kind": "refund",
                    "refund_id": refund_id,
                    "note": "",
                    "created_at": utcnow(),
                }
                for product_id in sorted(quantities)
                if quantities[product_id]
            ],
        )

    def complete(
        self,
        refund_id: int,
        *,
        refund_no: int,
        tender: str,
        reason: str,
        subtotal: int,
        tax: int,
        cash_rounding: int,
        authorised_by: int | None,
    ) -> datetime:
        completed_at = utcnow()
        self.session.connection().execute(
            update(Refund)
            .where(Refund.id == refund_id)
            .values(
                status="completed",
                refund_no=refund_no,
                tender=tender,
                reason=reason,
                subtotal=subtotal,
                tax=tax,
                total=subtotal + tax,
                cash_rounding=cash_rounding,
                authorised_by=authorised_by,
                completed_at=completed_at,
            )
        )
        return completed_at

    # -- reading refunds back ---------------------------------------------------------------
    def receipt(self, refund_id: int) -> RefundReceipt | None:
        cashier, approver = aliased(Staff), aliased(Staff)
        head = self.session.execute(
            select(
                Refund,
                Order.receipt_no,
                cashier.name,
                approver.name,
                TillSession.till_name,
            )
            .join(Order, Order.id == Refund.order_id)
            .outerjoin(cashier, cashier.id == Refund.staff_id)
            .outerjoin(approver, approver.id == Refund.authorised_by)
            .outerjoin(TillSession, TillSession.id == Refund.till_session_id)
            .where(Refund.id == refund_id, Refund.status == "completed")
        ).first()
        if head is None:
            return None
        refund, receipt_no, cashier_name, approver_name, till_name = head
        lines = self.session.execute(
            select(
                Product.name,
                Product.sku,
                RefundLine.quantity,
                OrderLine.unit_price,
                RefundLine.net,
                RefundLine.tax,
                OrderLine.tax_rate_ppm,
            )
            .join(OrderLine, OrderLine.id == RefundLine.order_line_id)
            .join(Product, Product.id == RefundLine.product_id)
            .where(RefundLine.refund_id == refund_id)
            .order_by(OrderLine.line_no)
        ).all()
        return RefundReceipt(
            refund_id=refund.id,
            refund_no=refund.refund_no,
            kind=refund.kind,
            receipt_no=receipt_no,
            order_id=refund.order_id,
            completed_at=refund.completed_at,
            lines=tuple(RefundReceiptLine(*row) for row in lines),
            subtotal=refund.subtotal,
            tax=refund.tax,
            total=refund.total,
            cash_rounding=refund.cash_rounding,
            tender=TenderKind(refund.tender),
            reason=refund.reason,
            cashier=cashier_name or "",
            approved_by=approver_name or "",
            till_name=till_name or "",
        )

    def by_number(self, refund_no: int) -> RefundReceipt | None:
        refund_id = self.session.scalar(select(Refund.id).where(Refund.refund_no == refund_no))
        return None if refund_id is None else self.receipt(refund_id)

    def recent(self, limit: int = 50, *, order_id: int | None = None) -> list[RefundRow]:
        query = (
            select(
                Refund.id,
                Refund.refund_no,
                Refund.kind,
                Order.receipt_no,
                Refund.completed_at,
                Refund.total,
                Refund.total + Refund.cash_rounding,
                Refund.tender,
                Staff.name,
                Refund.reason,
            )
            .join(Order, Order.id == Refund.order_id)
            .outerjoin(Staff, Staff.id == Refund.staff_id)
            .where(Refund.status == "completed")
            .order_by(Refund.refund_no.desc())
            .limit(max(0, int(limit)))
        )
        if order_id is not None:
            query = query.where(Refund.order_id == order_id)
        return [
            RefundRow(*row[:8], row[8] or "", row[9] or "") for row in self.session.execute(query)
        ]
