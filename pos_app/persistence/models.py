"""The store's tables, typed SQLAlchemy 2.0 style.

Money columns hold whole minor units (cents) in BIGINT; tax rates are parts per million.
Every rule that must hold even if a bug slips through is also a database constraint.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Computed,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator):
    """Aware UTC datetimes on both backends (SQLite would otherwise hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:  # noqa: ANN001
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store times in UTC with tzinfo")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:  # noqa: ANN001
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


Money = BigInteger


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (
        CheckConstraint(
            "type IN ('asset', 'liability', 'equity', 'revenue', 'expense')", name="type"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    type: Mapped[str] = mapped_column(String(10))


# Search as you type (migration 0005). PostgreSQL: name, SKU and barcode lower-cased in one
# column the database keeps, each field after a space, fields parted by U+001F (no name or
# code can hold it): "contains" is one LIKE '%text%', a word start one LIKE '% te%', both
# answered by one pg_trgm index. SQLite computes the column when read and stores it nowhere; its search
# index is two FTS5 tables (each with shadow tables ``<name>_data`` ...) kept by triggers and
# not mapped here.
SEARCH_TEXT_SQL = (
    "' ' || lower(name) || '\x1f ' || lower(sku) || '\x1f ' || lower(coalesce(barcode, ''))"
)
SQLITE_SEARCH_TABLES = ("product_search_trigrams", "product_search_words")


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("stock_on_hand >= 0", name="stock_not_negative"),
        CheckConstraint("unit_price > 0", name="price_positive"),
        CheckConstraint("unit_cost >= 0", name="cost_not_negative"),
        CheckConstraint("tax_rate_ppm BETWEEN 0 AND 1000000", name="tax_rate_range"),
        CheckConstraint("length(sku) > 0", name="sku_not_empty"),
        CheckConstraint("length(name) > 0", name="name_not_empty"),
        # Search as you type: name order plus every searched column in one index (SQLite
        # tests the LIKEs there); on PostgreSQL a trigram index for LIKE '%text%', written
        # through at once (no fastupdate list for every search to read).
        Index("ix_products_search", "name", "sku", "barcode"),
        Index(
            "ix_products_search_trgm",
            text("search_text"),  # an expression: Alembic leaves it alone on SQLite
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
            postgresql_with={"fastupdate": "off"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(32), unique=True)
    barcode: Mapped[str | None] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    unit_price: Mapped[int] = mapped_column(Money)
    unit_cost: Mapped[int] = mapped_column(Money, default=0)
    tax_rate_ppm: Mapped[int] = mapped_column(Integer, default=0)
    stock_on_hand: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # Kept by the database (SEARCH_TEXT_SQL), read by searches only. Stored on PostgreSQL for
    # its index; virtual on SQLite, where ALTER TABLE cannot add a stored one and none is read.
    search_text: Mapped[str] = mapped_column(
        Text, Computed(SEARCH_TEXT_SQL, persisted=True), deferred=True
    )


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (CheckConstraint("length(code) > 0", name="code_not_empty"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    company: Mapped[str] = mapped_column(String(80))
    contact: Mapped[str] = mapped_column(String(80), default="")
    country: Mapped[str] = mapped_column(String(40), default="")


class Order(Base):
    """A till sale or a customer order; only completed sales carry a receipt number."""

    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("kind IN ('sale', 'customer_order')", name="kind"),
        CheckConstraint("status IN ('open', 'completed', 'shipped')", name="status"),
        CheckConstraint(
            "(kind = 'sale' AND status = 'completed') = (receipt_no IS NOT NULL)",
            name="receipt_only_on_completed_sale",
        ),
        CheckConstraint("subtotal >= 0 AND tax >= 0 AND total = subtotal + tax", name="totals"),
        CheckConstraint("discount >= 0", name="discount_not_negative"),
        CheckConstraint("cash_rounding BETWEEN -99 AND 99", name="cash_rounding_range"),
        CheckConstraint("tax_rounding IN ('line', 'total')", name="tax_rounding"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open")
    client_key: Mapped[str] = mapped_column(String(36), unique=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    receipt_no: Mapped[int | None] = mapped_column(Integer, unique=True)
    tax_rounding: Mapped[str] = mapped_column(String(10), default="line")
    # How this sale was priced, stored with it so receipts and the ledger never disagree
    # with a later change of the store's settings.
    prices_include_tax: Mapped[bool] = mapped_column(Boolean, default=False)
    subtotal: Mapped[int] = mapped_column(Money, default=0)  # net of discounts, before tax
    tax: Mapped[int] = mapped_column(Money, default=0)
    total: Mapped[int] = mapped_column(Money, default=0)
    discount: Mapped[int] = mapped_column(Money, default=0)  # whole-sale discount given
    # Cash rounding (e.g. to 0.05): what was due is total + cash_rounding.
    cash_rounding: Mapped[int] = mapped_column(BigInteger, default=0)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    till_session_id: Mapped[int | None] = mapped_column(ForeignKey("till_sessions.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)

    customer: Mapped[Customer | None] = relationship()
    staff: Mapped[Staff | None] = relationship()
    till_session: Mapped[TillSession | None] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.line_no", cascade="all, delete-orphan"
    )
    payments: Mapped[list[PaymentRow]] = relationship(
        back_populates="order", cascade="all, delete-orphan"
    )


class OrderLine(Base):
    """Price, tax and cost as they were when sold: receipts never change after the fact."""

    __tablename__ = "order_lines"
    __table_args__ = (
        UniqueConstraint("order_id", "line_no"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price >= 0 AND unit_cost >= 0", name="prices_not_negative"),
        # The line's amount as priced: net, plus the tax when prices include it, is the
        # price times the quantity less the line's discount and its share of a sale discount.
        CheckConstraint(
            "net + CASE WHEN tax_included THEN tax ELSE 0 END"
            " = unit_price * quantity - discount - sale_discount",
            name="net",
        ),
        CheckConstraint("net >= 0 AND tax >= 0", name="tax_not_negative"),
        CheckConstraint("discount >= 0 AND sale_discount >= 0", name="discounts_not_negative"),
        # Refunds can never give back more than was sold (bumped by a conditional UPDATE).
        CheckConstraint("refunded_quantity BETWEEN 0 AND quantity", name="refunded_at_most_sold"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    line_no: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[int] = mapped_column(Money)
    tax_rate_ppm: Mapped[int] = mapped_column(Integer)
    net: Mapped[int] = mapped_column(Money)
    tax: Mapped[int] = mapped_column(Money)
    unit_cost: Mapped[int] = mapped_column(Money, default=0)
    discount: Mapped[int] = mapped_column(Money, default=0)
    sale_discount: Mapped[int] = mapped_column(Money, default=0)
    tax_included: Mapped[bool] = mapped_column(Boolean, default=False)
    refunded_quantity: Mapped[int] = mapped_column(Integer, default=0)

    order: Mapped[Order] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()


class PaymentRow(Base):
    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("kind IN ('cash', 'card')", name="kind"),
        CheckConstraint("applied >= 0 AND given >= 0 AND change >= 0", name="not_negative"),
        CheckConstraint("given = applied + change", name="change"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    applied: Mapped[int] = mapped_column(Money)
    given: Mapped[int] = mapped_column(Money)
    change: Mapped[int] = mapped_column(Money, default=0)

    order: Mapped[Order] = relationship(back_populates="payments")


class Purchase(Base):
    """Goods received from a supplier (the receiving number is shown before confirming)."""

    __tablename__ = "purchases"
    __table_args__ = (CheckConstraint("status IN ('open', 'received')", name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    supplier: Mapped[str] = mapped_column(String(80))
    reference: Mapped[str] = mapped_column(String(40), default="")
    paid_in_cash: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="open")
    total_cost: Mapped[int] = mapped_column(Money, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    received_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    lines: Mapped[list[PurchaseLine]] = relationship(
        back_populates="purchase", cascade="all, delete-orphan"
    )


class PurchaseLine(Base):
    __tablename__ = "purchase_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_cost >= 0", name="cost_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    purchase_id: Mapped[int] = mapped_column(
        ForeignKey("purchases.id", ondelete="CASCADE"), index=True
    )
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_cost: Mapped[int] = mapped_column(Money)

    purchase: Mapped[Purchase] = relationship(back_populates="lines")


class StockMovement(Base):
    """Every change of stock is a row: stock on hand always equals the sum of these."""

    __tablename__ = "stock_movements"
    __table_args__ = (
        CheckConstraint("quantity <> 0", name="quantity_not_zero"),
        CheckConstraint(
            "kind IN ('sale', 'shipment', 'receiving', 'adjustment', 'refund')", name="kind"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    purchase_id: Mapped[int | None] = mapped_column(ForeignKey("purchases.id"), index=True)
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refunds.id"), index=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class JournalTransaction(Base):
    __tablename__ = "journal_transactions"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('sale', 'shipment', 'receiving', 'manual', 'adjustment', 'refund', 'till')",
            name="kind",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    posted_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    description: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    purchase_id: Mapped[int | None] = mapped_column(ForeignKey("purchases.id"), index=True)
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refunds.id"), index=True)
    till_session_id: Mapped[int | None] = mapped_column(ForeignKey("till_sessions.id"), index=True)
    # A reversal (refund) names the transaction it reverses.
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("journal_transactions.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))

    entries: Mapped[list[JournalEntry]] = relationship(
        back_populates="transaction", cascade="all, delete-orphan", order_by="JournalEntry.id"
    )


class JournalEntry(Base):
    """One debit or one credit, never both, never negative (see also the balance trigger)."""

    __tablename__ = "journal_entries"
    __table_args__ = (
        CheckConstraint(
            "(debit > 0 AND credit = 0) OR (credit > 0 AND debit = 0)", name="one_side"
        ),
        Index("ix_journal_entries_account_transaction", "account_id", "transaction_id"),
        # the trial balance sums each account from this index alone (migration 0003)
        Index("ix_journal_entries_account_totals", "account_id", "debit", "credit"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transaction_id: Mapped[int] = mapped_column(
        ForeignKey("journal_transactions.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    debit: Mapped[int] = mapped_column(Money, default=0)
    credit: Mapped[int] = mapped_column(Money, default=0)

    transaction: Mapped[JournalTransaction] = relationship(back_populates="entries")
    account: Mapped[Account] = relationship()


class Counter(Base):
    """Gapless numbers (receipts): bumped in the committing transaction, so a rollback undoes it."""

    __tablename__ = "counters"
    __table_args__ = (CheckConstraint("value >= 0", name="value_not_negative"),)

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Staff(Base):
    """Who works the till. The PIN is stored only as a scrypt hash (see domain/staff.py)."""

    __tablename__ = "staff"
    __table_args__ = (
        CheckConstraint("role IN ('cashier', 'manager', 'owner')", name="role"),
        CheckConstraint("length(name) > 0", name="name_not_empty"),
        CheckConstraint("failed_pins >= 0", name="failed_pins_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    role: Mapped[str] = mapped_column(String(10))
    pin_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_pins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class TillSession(Base):
    """A shift on one till: opened with a float, closed with a count and a Z report number.

    At most one open session per till (a partial unique index). Each sale bumps
    ``sales_count`` with a conditional UPDATE while the session is open, so closing waits
    for a sale being committed and a sale can never land in a closed session.

    Z numbers are unique through a partial unique index, not a UNIQUE constraint: on
    PostgreSQL an UPDATE of a column under a constraint usable by a foreign key takes the
    row's strongest lock (FOR UPDATE), which conflicts with the FOR KEY SHARE every sale's
    order header takes through its till_session_id foreign key; a closing would then wait
    for every checkout in progress (and could starve behind a busy till). Partial indexes
    do not count, so closing needs only FOR NO KEY UPDATE, which waits just for a sale
    being committed.
    """

    __tablename__ = "till_sessions"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        CheckConstraint("(status = 'closed') = (z_no IS NOT NULL)", name="z_only_when_closed"),
        CheckConstraint(
            "(status = 'closed') = (closed_at IS NOT NULL)", name="closed_at_only_when_closed"
        ),
        CheckConstraint("opening_float >= 0", name="float_not_negative"),
        CheckConstraint("length(till_name) > 0", name="till_name_not_empty"),
        CheckConstraint("sales_count >= 0", name="sales_count_not_negative"),
        Index(
            "ix_till_sessions_one_open_per_till",
            "till_name",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index(
            "ix_till_sessions_z_no",
            "z_no",
            unique=True,
            sqlite_where=text("z_no IS NOT NULL"),
            postgresql_where=text("z_no IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    till_name: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(8), default="open")
    opened_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    opening_float: Mapped[int] = mapped_column(Money, default=0)
    sales_count: Mapped[int] = mapped_column(Integer, default=0)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    z_no: Mapped[int | None] = mapped_column(BigInteger)
    over_short: Mapped[int | None] = mapped_column(BigInteger)


class TillCount(Base):
    """At closing: what the till should hold per tender, and what was counted."""

    __tablename__ = "till_counts"
    __table_args__ = (
        UniqueConstraint("till_session_id", "kind"),
        CheckConstraint("kind IN ('cash', 'card')", name="kind"),
        CheckConstraint("counted >= 0", name="counted_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    till_session_id: Mapped[int] = mapped_column(ForeignKey("till_sessions.id"))
    kind: Mapped[str] = mapped_column(String(8))
    expected: Mapped[int] = mapped_column(BigInteger)
    counted: Mapped[int] = mapped_column(Money)


class CashMovement(Base):
    """Cash put into or taken out of a till drawer outside a sale, with the reason."""

    __tablename__ = "cash_movements"
    __table_args__ = (
        CheckConstraint("kind IN ('in', 'out')", name="kind"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("length(reason) > 0", name="reason_not_empty"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    till_session_id: Mapped[int] = mapped_column(ForeignKey("till_sessions.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    kind: Mapped[str] = mapped_column(String(4))
    amount: Mapped[int] = mapped_column(Money)
    reason: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Refund(Base):
    """Goods returned against a receipt (or a whole sale voided), with its own gapless number."""

    __tablename__ = "refunds"
    __table_args__ = (
        CheckConstraint("kind IN ('refund', 'void')", name="kind"),
        CheckConstraint("status IN ('open', 'completed')", name="status"),
        CheckConstraint(
            "(status = 'completed') = (refund_no IS NOT NULL)", name="number_only_when_completed"
        ),
        CheckConstraint("subtotal >= 0 AND tax >= 0 AND total = subtotal + tax", name="totals"),
        CheckConstraint("tender IN ('cash', 'card')", name="tender"),
        CheckConstraint("cash_rounding BETWEEN -99 AND 99", name="cash_rounding_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    refund_no: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    kind: Mapped[str] = mapped_column(String(8), default="refund")
    status: Mapped[str] = mapped_column(String(10), default="open")
    client_key: Mapped[str] = mapped_column(String(36), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    till_session_id: Mapped[int | None] = mapped_column(ForeignKey("till_sessions.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    authorised_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    tender: Mapped[str] = mapped_column(String(8), default="cash")
    reason: Mapped[str] = mapped_column(String(200), default="")
    subtotal: Mapped[int] = mapped_column(Money, default=0)
    tax: Mapped[int] = mapped_column(Money, default=0)
    total: Mapped[int] = mapped_column(Money, default=0)
    cash_rounding: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)


class RefundLine(Base):
    __tablename__ = "refund_lines"
    __table_args__ = (
        UniqueConstraint("refund_id", "order_line_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("net >= 0 AND tax >= 0 AND unit_cost >= 0", name="not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    refund_id: Mapped[int] = mapped_column(ForeignKey("refunds.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    net: Mapped[int] = mapped_column(Money)
    tax: Mapped[int] = mapped_column(Money)
    unit_cost: Mapped[int] = mapped_column(Money, default=0)


class ParkedSale(Base):
    """A cart put aside to serve the next customer; resumed (and deleted) later."""

    __tablename__ = "parked_sales"
    __table_args__ = (CheckConstraint("length(cart) > 0", name="cart_not_empty"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    till_name: Mapped[str] = mapped_column(String(40), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    label: Mapped[str] = mapped_column(String(80), default="")
    cart: Mapped[str] = mapped_column(Text)  # JSON: lines, discounts, customer
    parked_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class AuditEntry(Base):
    """Append-only log of sensitive actions; each row's hash covers the previous row's hash.

    ``seq`` is gapless (the 'audit' counter, bumped last in the writing transaction), so a
    deleted row is a gap and an edited row breaks the chain: ``pos-app check`` finds both.
    Triggers refuse UPDATE and DELETE on both backends.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        CheckConstraint("length(hash) = 64 AND length(prev_hash) = 64", name="hash_length"),
        CheckConstraint("length(action) > 0", name="action_not_empty"),
    )

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(80), default="")
    details: Mapped[str] = mapped_column(Text, default="{}")  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class Setting(Base):
    """Store-wide settings shared by every till (JSON values); per-till ones live in QSettings."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
