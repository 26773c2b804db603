"""Orders (till sales and customer orders), receipts and the gapless receipt counter."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, exists, insert, select, update
from sqlalchemy.orm import Session, selectinload

from ..domain.cart import Cart
from ..domain.pricing import DEFAULT_RULES, PricingRules
from ..domain.receipt import Receipt, ReceiptLine
from ..domain.tender import Payment, TenderKind
from ..persistence.models import Counter, Order, OrderLine, PaymentRow, Staff, utcnow
from ..persistence.prepared import Prepared

RECEIPT_COUNTER = "receipt"

# Built once: composing a statement costs more Python than running it on a till's database
# (and on SQLite, running it through SQLAlchemy more than running it: see Prepared).
_BUMP_COUNTER = Prepared(
    update(Counter)
    .where(Counter.name == bindparam("counter"))
    .values(value=Counter.value + 1)
    .returning(Counter.value)
)
# The header is written only while its cashier is still switched on: the check costs no
# round trip of its own (INSERT … SELECT … WHERE EXISTS; no row back: switched off).
_HEADER = ("kind", "status", "client_key", "customer_id", "staff_id", "till_session_id")
_OPEN_SALE = Prepared(
    insert(Order)
    .from_select(
        _HEADER,
        select(*(bindparam(name, type_=Order.__table__.c[name].type) for name in _HEADER)).where(
            exists().where(Staff.id == bindparam("staff_id"), Staff.active)
        ),
    )
    .returning(Order.id)
)
# SET from the parameters
_COMPLETE = Prepared(update(Order).where(Order.id == bindparam("order_id")))
_LINES = Prepared(insert(OrderLine))
_PAYMENTS = Prepared(insert(PaymentRow))
_COMPLETED_BY_KEY = select(Order).where(
    Order.client_key == bindparam("client_key"), Order.status != "open"
)


class SalesRepository:
    def __init__(self, session: Session):
        self.session = session

    def add(self, order: Order) -> Order:
        self.session.add(order)
        return order

    def open_sale(
        self,
        client_key: str,
        customer_id: int | None = None,
        *,
        staff_id: int,
        till_session_id: int | None = None,
    ) -> int | None:
        """Write a till sale's open header and return its number: one Core INSERT … RETURNING,
        no object for the session to flush and track (the sale never reads it back). None,
        and nothing written, if the cashier ``staff_id`` has been switched off meanwhile."""
        return _OPEN_SALE.execute(
            self.session.connection(),
            {
                "kind": "sale",
                "status": "open",
                "client_key": client_key,
                "customer_id": customer_id,
                "staff_id": staff_id,
                "till_session_id": till_session_id,
            },
        ).scalar_one_or_none()

    def get(self, order_id: int) -> Order | None:
        return self.session.get(Order, order_id)

    def with_lines(self, order_id: int) -> Order | None:
        return self.session.scalars(
            select(Order)
            .where(Order.id == order_id)
            .execution_options(populate_existing=True)
            .options(
                selectinload(Order.lines).selectinload(OrderLine.product),
                selectinload(Order.payments),
                selectinload(Order.customer),
                selectinload(Order.staff),
                selectinload(Order.till_session),
            )
        ).first()

    def claim_for_shipping(self, order_id: int) -> bool:
        """Mark an open customer order shipped; False if another till got there first."""
        claimed = self.session.execute(
            update(Order)
            .where(Order.id == order_id, Order.kind == "customer_order", Order.status == "open")
            .values(status="shipped", completed_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        return claimed == 1

    def completed_by_key(self, client_key: str) -> Order | None:
        """The sale already recorded under this idempotency key, if its commit went through."""
        return self.session.scalars(_COMPLETED_BY_KEY, {"client_key": client_key}).first()

    def by_receipt_no(self, receipt_no: int) -> Order | None:
        return self.session.scalars(select(Order).where(Order.receipt_no == receipt_no)).first()

    def next_number(self, counter: str = RECEIPT_COUNTER) -> int:
        """Bump the counter row in this transaction: a rollback gives the number back."""
        # Core, not ORM-enabled: nothing in the session mirrors the counter row.
        value = _BUMP_COUNTER.execute(
            self.session.connection(), {"counter": counter}
        ).scalar_one_or_none()
        if value is None:
            raise LookupError(f"counter {counter!r} is missing; run 'pos-app db upgrade'")
        return value

    def current_number(self, counter: str) -> int | None:
        """The counter's value without bumping it (for checks and reports)."""
        return self.session.scalar(select(Counter.value).where(Counter.name == counter))

    def add_lines(self, order_id: int, cart: Cart) -> None:
        """The cart's lines in one multi-row INSERT (no objects: nothing reads them back)."""
        _LINES.execute_many(self.session.connection(), line_rows(order_id, cart))

    def add_payments(self, order_id: int, payments: Iterable[Payment]) -> None:
        _PAYMENTS.execute_many(
            self.session.connection(),
            [
                {
                    "order_id": order_id,
                    "kind": p.kind.value,
                    "applied": p.applied,
                    "given": p.given,
                    "change": p.change,
                }
                for p in payments
            ],
        )

    def complete_sale(
        self,
        order_id: int,
        *,
        receipt_no: int,
        subtotal: int,
        tax: int,
        discount: int = 0,
        cash_rounding: int = 0,
        rules: PricingRules = DEFAULT_RULES,
    ) -> datetime:
        """Mark an open sale completed with one UPDATE, with the rules it was priced by;
        returns its completion time."""
        completed_at = utcnow()
        _COMPLETE.execute(
            self.session.connection(),
            {
                "order_id": order_id,
                "status": "completed",
                "receipt_no": receipt_no,
                "subtotal": subtotal,
                "tax": tax,
                "total": subtotal + tax,
                "discount": discount,
                "cash_rounding": cash_rounding,
                "tax_rounding": rules.tax_rounding,
                "prices_include_tax": rules.prices_include_tax,
                "completed_at": completed_at,
            },
        )
        return completed_at

    def customer_orders(self, status: str | None = "open") -> list[Order]:
        query = (
            select(Order)
            .where(Order.kind == "customer_order")
            .options(selectinload(Order.customer), selectinload(Order.lines))
            .order_by(Order.id.desc())
        )
        if status:
            query = query.where(Order.status == status)
        return list(self.session.scalars(query))

    def recent_sales(self, limit: int = 50) -> list[Order]:
        return list(
            self.session.scalars(
                select(Order)
                .where(Order.kind == "sale", Order.status == "completed")
                .order_by(Order.receipt_no.desc())
                .limit(limit)
            )
        )

    def receipt(self, order_id: int) -> Receipt:
        order = self.with_lines(order_id)
        if order is None or order.receipt_no is None:
            raise LookupError(f"order {order_id} has no receipt")
        return receipt_of(order)


def lines_for(cart: Cart) -> list[OrderLine]:
    """The cart's lines as stored: price, tax and cost as they were when scanned, and each
    line's final net and tax after every discount (what refunds give back)."""
    return [OrderLine(**row) for row in line_rows(None, cart)]


def line_rows(order_id: int | None, cart: Cart) -> list[dict]:
    """The same lines as ``lines_for``, as rows for a bulk INSERT."""
    rows = []
    for line_no, (line, priced) in enumerate(
        zip(cart.lines, cart.priced().lines, strict=True), start=1
    ):
        row = {
            "line_no": line_no,
            "product_id": line.product.product_id,
            "quantity": line.quantity,
            "unit_price": priced.price,
            "tax_rate_ppm": priced.tax_rate_ppm,
            "net": priced.net,
            "tax": priced.tax,
            "unit_cost": line.product.unit_cost,
            "discount": priced.discount,
            "sale_discount": priced.sale_discount,
            "tax_included": priced.tax_included,
        }
        if order_id is not None:
            row["order_id"] = order_id
        rows.append(row)
    return rows


def receipt_of(order: Order) -> Receipt:
    """A receipt from the stored sale alone: a reprint equals the original."""
    return Receipt(
        order_id=order.id,
        receipt_no=order.receipt_no or 0,
        completed_at=order.completed_at or order.created_at,
        lines=tuple(
            ReceiptLine(
                name=line.product.name,
                sku=line.product.sku,
                quantity=line.quantity,
                unit_price=line.unit_price,
                net=line.net,
                tax=line.tax,
                tax_rate_ppm=line.tax_rate_ppm,
                discount=line.discount or 0,
                sale_discount=line.sale_discount or 0,
                tax_included=bool(line.tax_included),
            )
            for line in order.lines
        ),
        subtotal=order.subtotal,
        tax=order.tax,
        total=order.total,
        payments=tuple(
            Payment(TenderKind(p.kind), p.applied, p.given, p.change) for p in order.payments
        ),
        customer_code=order.customer.code if order.customer else None,
        cashier=order.staff.name if order.staff else "",
        till_name=order.till_session.till_name if order.till_session else "",
        sale_discount=order.discount or 0,
        cash_rounding=order.cash_rounding or 0,
        prices_include_tax=bool(order.prices_include_tax),
        tax_rounding=order.tax_rounding or "line",
    )
