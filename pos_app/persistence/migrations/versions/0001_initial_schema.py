"""Initial schema: catalogue, orders, payments, stock movements, purchases, journal.

Also seeds the standard chart of accounts and the receipt counter, and on PostgreSQL
installs the deferred constraint trigger that refuses to commit an unbalanced journal
transaction.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 15:11:41.123880
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("type", sa.String(length=10), nullable=False),
        sa.CheckConstraint(
            "type IN ('asset', 'liability', 'equity', 'revenue', 'expense')",
            name=op.f("ck_accounts_type"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("code", name=op.f("uq_accounts_code")),
    )
    op.create_table(
        "counters",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("value >= 0", name=op.f("ck_counters_value_not_negative")),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_counters")),
    )
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("company", sa.String(length=80), nullable=False),
        sa.Column("contact", sa.String(length=80), nullable=False),
        sa.Column("country", sa.String(length=40), nullable=False),
        sa.CheckConstraint("length(code) > 0", name=op.f("ck_customers_code_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("code", name=op.f("uq_customers_code")),
    )
    op.create_table(
        "products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=32), nullable=False),
        sa.Column("barcode", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("unit_cost", sa.BigInteger(), nullable=False),
        sa.Column("tax_rate_ppm", sa.Integer(), nullable=False),
        sa.Column("stock_on_hand", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(name) > 0", name=op.f("ck_products_name_not_empty")),
        sa.CheckConstraint("length(sku) > 0", name=op.f("ck_products_sku_not_empty")),
        sa.CheckConstraint("stock_on_hand >= 0", name=op.f("ck_products_stock_not_negative")),
        sa.CheckConstraint(
            "tax_rate_ppm BETWEEN 0 AND 1000000", name=op.f("ck_products_tax_rate_range")
        ),
        sa.CheckConstraint("unit_cost >= 0", name=op.f("ck_products_cost_not_negative")),
        sa.CheckConstraint("unit_price > 0", name=op.f("ck_products_price_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("barcode", name=op.f("uq_products_barcode")),
        sa.UniqueConstraint("sku", name=op.f("uq_products_sku")),
    )
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_products_name"), ["name"], unique=False)

    op.create_table(
        "purchases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier", sa.String(length=80), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("paid_in_cash", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("total_cost", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('open', 'received')", name=op.f("ck_purchases_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchases")),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("client_key", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("receipt_no", sa.Integer(), nullable=True),
        sa.Column("tax_rounding", sa.String(length=10), nullable=False),
        sa.Column("subtotal", sa.BigInteger(), nullable=False),
        sa.Column("tax", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(kind = 'sale' AND status = 'completed') = (receipt_no IS NOT NULL)",
            name=op.f("ck_orders_receipt_only_on_completed_sale"),
        ),
        sa.CheckConstraint("kind IN ('sale', 'customer_order')", name=op.f("ck_orders_kind")),
        sa.CheckConstraint(
            "status IN ('open', 'completed', 'shipped')", name=op.f("ck_orders_status")
        ),
        sa.CheckConstraint(
            "subtotal >= 0 AND tax >= 0 AND total = subtotal + tax", name=op.f("ck_orders_totals")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_orders_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("client_key", name=op.f("uq_orders_client_key")),
        sa.UniqueConstraint("receipt_no", name=op.f("uq_orders_receipt_no")),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_orders_completed_at"), ["completed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_orders_customer_id"), ["customer_id"], unique=False)

    op.create_table(
        "purchase_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purchase_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_cost", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_purchase_lines_quantity_positive")),
        sa.CheckConstraint("unit_cost >= 0", name=op.f("ck_purchase_lines_cost_not_negative")),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_purchase_lines_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["purchase_id"],
            ["purchases.id"],
            name=op.f("fk_purchase_lines_purchase_id_purchases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase_lines")),
    )
    with op.batch_alter_table("purchase_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_purchase_lines_product_id"), ["product_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_purchase_lines_purchase_id"), ["purchase_id"], unique=False
        )

    op.create_table(
        "journal_transactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("purchase_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('sale', 'shipment', 'receiving', 'manual', 'adjustment')",
            name=op.f("ck_journal_transactions_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_journal_transactions_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["purchase_id"],
            ["purchases.id"],
            name=op.f("fk_journal_transactions_purchase_id_purchases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_transactions")),
    )
    with op.batch_alter_table("journal_transactions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_journal_transactions_order_id"), ["order_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_journal_transactions_posted_at"), ["posted_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_journal_transactions_purchase_id"), ["purchase_id"], unique=False
        )

    op.create_table(
        "order_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("tax_rate_ppm", sa.Integer(), nullable=False),
        sa.Column("net", sa.BigInteger(), nullable=False),
        sa.Column("tax", sa.BigInteger(), nullable=False),
        sa.Column("unit_cost", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("net = unit_price * quantity", name=op.f("ck_order_lines_net")),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_order_lines_quantity_positive")),
        sa.CheckConstraint("tax >= 0", name=op.f("ck_order_lines_tax_not_negative")),
        sa.CheckConstraint(
            "unit_price >= 0 AND unit_cost >= 0", name=op.f("ck_order_lines_prices_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_lines_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_order_lines_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_lines")),
        sa.UniqueConstraint("order_id", "line_no", name=op.f("uq_order_lines_order_id")),
    )
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_order_lines_product_id"), ["product_id"], unique=False)

    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("applied", sa.BigInteger(), nullable=False),
        sa.Column("given", sa.BigInteger(), nullable=False),
        sa.Column("change", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("kind IN ('cash', 'card')", name=op.f("ck_payments_kind")),
        sa.CheckConstraint(
            "applied >= 0 AND given >= 0 AND change >= 0", name=op.f("ck_payments_not_negative")
        ),
        sa.CheckConstraint("given = applied + change", name=op.f("ck_payments_change")),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_payments_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payments_order_id"), ["order_id"], unique=False)

    op.create_table(
        "stock_movements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("purchase_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('sale', 'shipment', 'receiving', 'adjustment', 'refund')",
            name=op.f("ck_stock_movements_kind"),
        ),
        sa.CheckConstraint("quantity <> 0", name=op.f("ck_stock_movements_quantity_not_zero")),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_stock_movements_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_stock_movements_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["purchase_id"], ["purchases.id"], name=op.f("fk_stock_movements_purchase_id_purchases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_movements")),
    )
    with op.batch_alter_table("stock_movements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stock_movements_order_id"), ["order_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_stock_movements_product_id"), ["product_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_stock_movements_purchase_id"), ["purchase_id"], unique=False
        )

    op.create_table(
        "journal_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transaction_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("debit", sa.BigInteger(), nullable=False),
        sa.Column("credit", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "(debit > 0 AND credit = 0) OR (credit > 0 AND debit = 0)",
            name=op.f("ck_journal_entries_one_side"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_journal_entries_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["journal_transactions.id"],
            name=op.f("fk_journal_entries_transaction_id_journal_transactions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_entries")),
    )
    with op.batch_alter_table("journal_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_journal_entries_account_transaction", ["account_id", "transaction_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_journal_entries_transaction_id"), ["transaction_id"], unique=False
        )
    _seed_chart_and_counters()
    if op.get_bind().dialect.name == "postgresql":
        op.execute(BALANCE_FUNCTION)
        op.execute(BALANCE_TRIGGER)


CHART = [
    ("1000", "Cash in till", "asset"),
    ("1010", "Card payments clearing", "asset"),
    ("1100", "Accounts receivable", "asset"),
    ("1200", "Inventory at cost", "asset"),
    ("2000", "Accounts payable", "liability"),
    ("2200", "Sales tax payable", "liability"),
    ("3000", "Owner's equity", "equity"),
    ("4000", "Sales revenue", "revenue"),
    ("5000", "Cost of goods sold", "expense"),
    ("5100", "Inventory shrinkage", "expense"),
]

BALANCE_FUNCTION = """
CREATE FUNCTION journal_transaction_balances() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    txn integer;
    difference bigint;
BEGIN
    FOREACH txn IN ARRAY CASE TG_OP
        WHEN 'INSERT' THEN ARRAY[NEW.transaction_id]
        WHEN 'DELETE' THEN ARRAY[OLD.transaction_id]
        ELSE ARRAY[OLD.transaction_id, NEW.transaction_id] END
    LOOP
        SELECT COALESCE(SUM(debit), 0) - COALESCE(SUM(credit), 0) INTO difference
        FROM journal_entries WHERE transaction_id = txn;
        IF difference <> 0 THEN
            RAISE EXCEPTION 'journal transaction % is unbalanced by %', txn, difference
                USING ERRCODE = 'check_violation';
        END IF;
    END LOOP;
    RETURN NULL;
END $$
"""

BALANCE_TRIGGER = """
CREATE CONSTRAINT TRIGGER journal_entries_balance
AFTER INSERT OR UPDATE OR DELETE ON journal_entries
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION journal_transaction_balances()
"""


def _seed_chart_and_counters() -> None:
    accounts = sa.table(
        "accounts",
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("type", sa.String),
    )
    op.bulk_insert(accounts, [{"code": c, "name": n, "type": t} for c, n, t in CHART])
    counters = sa.table("counters", sa.column("name", sa.String), sa.column("value", sa.BigInteger))
    op.bulk_insert(counters, [{"name": "receipt", "value": 0}])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS journal_entries_balance ON journal_entries")
        op.execute("DROP FUNCTION IF EXISTS journal_transaction_balances()")
    with op.batch_alter_table("journal_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_journal_entries_transaction_id"))
        batch_op.drop_index("ix_journal_entries_account_transaction")

    op.drop_table("journal_entries")
    with op.batch_alter_table("stock_movements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stock_movements_purchase_id"))
        batch_op.drop_index(batch_op.f("ix_stock_movements_product_id"))
        batch_op.drop_index(batch_op.f("ix_stock_movements_order_id"))

    op.drop_table("stock_movements")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payments_order_id"))

    op.drop_table("payments")
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_lines_product_id"))

    op.drop_table("order_lines")
    with op.batch_alter_table("journal_transactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_journal_transactions_purchase_id"))
        batch_op.drop_index(batch_op.f("ix_journal_transactions_posted_at"))
        batch_op.drop_index(batch_op.f("ix_journal_transactions_order_id"))

    op.drop_table("journal_transactions")
    with op.batch_alter_table("purchase_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_purchase_lines_purchase_id"))
        batch_op.drop_index(batch_op.f("ix_purchase_lines_product_id"))

    op.drop_table("purchase_lines")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_customer_id"))
        batch_op.drop_index(batch_op.f("ix_orders_completed_at"))

    op.drop_table("orders")
    op.drop_table("purchases")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_products_name"))

    op.drop_table("products")
    op.drop_table("customers")
    op.drop_table("counters")
    op.drop_table("accounts")
