"""Running a store: staff, till sessions, refunds, discounts, parked sales, audit log, settings.

Existing tables gain columns (who sold, which till session, discounts, cash rounding,
refunded quantities, reversal references); the line's "net" rule now allows discounts and
tax-inclusive prices. On SQLite the altered tables are rebuilt (``migrate._migrating`` turns
foreign keys off around it, as SQLite's documentation prescribes). New accounts: safe and
bank, cash rounding, cash over and short; new gapless counters: refund, z, audit. The audit
log refuses UPDATE and DELETE with triggers on both backends.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )
    op.create_table('staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('pin_hash', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_pins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('cashier', 'manager', 'owner')", name=op.f('ck_staff_role')),
    sa.CheckConstraint('failed_pins >= 0', name=op.f('ck_staff_failed_pins_not_negative')),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_staff_name_not_empty')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff')),
    sa.UniqueConstraint('name', name=op.f('uq_staff_name'))
    )
    op.create_table('audit_log',
    sa.Column('seq', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('approved_by', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=80), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint('length(action) > 0', name=op.f('ck_audit_log_action_not_empty')),
    sa.CheckConstraint('length(hash) = 64 AND length(prev_hash) = 64', name=op.f('ck_audit_log_hash_length')),
    sa.ForeignKeyConstraint(['approved_by'], ['staff.id'], name=op.f('fk_audit_log_approved_by_staff')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_audit_log_staff_id_staff')),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_log')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_log_hash'))
    )
    op.create_table('parked_sales',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('till_name', sa.String(length=40), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('cart', sa.Text(), nullable=False),
    sa.Column('parked_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(cart) > 0', name=op.f('ck_parked_sales_cart_not_empty')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_parked_sales_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parked_sales'))
    )
    with op.batch_alter_table('parked_sales', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parked_sales_till_name'), ['till_name'], unique=False)

    op.create_table('till_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('till_name', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('opened_by', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opening_float', sa.BigInteger(), nullable=False),
    sa.Column('sales_count', sa.Integer(), nullable=False),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('z_no', sa.BigInteger(), nullable=True),
    sa.Column('over_short', sa.BigInteger(), nullable=True),
    sa.CheckConstraint("(status = 'closed') = (closed_at IS NOT NULL)", name=op.f('ck_till_sessions_closed_at_only_when_closed')),
    sa.CheckConstraint("(status = 'closed') = (z_no IS NOT NULL)", name=op.f('ck_till_sessions_z_only_when_closed')),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_till_sessions_status')),
    sa.CheckConstraint('length(till_name) > 0', name=op.f('ck_till_sessions_till_name_not_empty')),
    sa.CheckConstraint('opening_float >= 0', name=op.f('ck_till_sessions_float_not_negative')),
    sa.CheckConstraint('sales_count >= 0', name=op.f('ck_till_sessions_sales_count_not_negative')),
    sa.ForeignKeyConstraint(['closed_by'], ['staff.id'], name=op.f('fk_till_sessions_closed_by_staff')),
    sa.ForeignKeyConstraint(['opened_by'], ['staff.id'], name=op.f('fk_till_sessions_opened_by_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_till_sessions'))
    )
    with op.batch_alter_table('till_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_till_sessions_one_open_per_till', ['till_name'], unique=True, sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
        # Z numbers unique through a partial index, not a constraint: see models.TillSession.
        batch_op.create_index('ix_till_sessions_z_no', ['z_no'], unique=True, sqlite_where=sa.text('z_no IS NOT NULL'), postgresql_where=sa.text('z_no IS NOT NULL'))

    op.create_table('cash_movements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('till_session_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=4), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('in', 'out')", name=op.f('ck_cash_movements_kind')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_cash_movements_amount_positive')),
    sa.CheckConstraint('length(reason) > 0', name=op.f('ck_cash_movements_reason_not_empty')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_cash_movements_staff_id_staff')),
    sa.ForeignKeyConstraint(['till_session_id'], ['till_sessions.id'], name=op.f('fk_cash_movements_till_session_id_till_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cash_movements'))
    )
    with op.batch_alter_table('cash_movements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cash_movements_till_session_id'), ['till_session_id'], unique=False)

    op.create_table('till_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('till_session_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('expected', sa.BigInteger(), nullable=False),
    sa.Column('counted', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("kind IN ('cash', 'card')", name=op.f('ck_till_counts_kind')),
    sa.CheckConstraint('counted >= 0', name=op.f('ck_till_counts_counted_not_negative')),
    sa.ForeignKeyConstraint(['till_session_id'], ['till_sessions.id'], name=op.f('fk_till_counts_till_session_id_till_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_till_counts')),
    sa.UniqueConstraint('till_session_id', 'kind', name=op.f('uq_till_counts_till_session_id'))
    )
    op.create_table('refunds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('refund_no', sa.BigInteger(), nullable=True),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('client_key', sa.String(length=36), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('till_session_id', sa.Integer(), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('authorised_by', sa.Integer(), nullable=True),
    sa.Column('tender', sa.String(length=8), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('subtotal', sa.BigInteger(), nullable=False),
    sa.Column('tax', sa.BigInteger(), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('cash_rounding', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(status = 'completed') = (refund_no IS NOT NULL)", name=op.f('ck_refunds_number_only_when_completed')),
    sa.CheckConstraint("kind IN ('refund', 'void')", name=op.f('ck_refunds_kind')),
    sa.CheckConstraint("status IN ('open', 'completed')", name=op.f('ck_refunds_status')),
    sa.CheckConstraint("tender IN ('cash', 'card')", name=op.f('ck_refunds_tender')),
    sa.CheckConstraint('cash_rounding BETWEEN -99 AND 99', name=op.f('ck_refunds_cash_rounding_range')),
    sa.CheckConstraint('subtotal >= 0 AND tax >= 0 AND total = subtotal + tax', name=op.f('ck_refunds_totals')),
    sa.ForeignKeyConstraint(['authorised_by'], ['staff.id'], name=op.f('fk_refunds_authorised_by_staff')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_refunds_order_id_orders')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_refunds_staff_id_staff')),
    sa.ForeignKeyConstraint(['till_session_id'], ['till_sessions.id'], name=op.f('fk_refunds_till_session_id_till_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds')),
    sa.UniqueConstraint('client_key', name=op.f('uq_refunds_client_key')),
    sa.UniqueConstraint('refund_no', name=op.f('uq_refunds_refund_no'))
    )
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refunds_completed_at'), ['completed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_refunds_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_refunds_till_session_id'), ['till_session_id'], unique=False)

    op.create_table('refund_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('refund_id', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('net', sa.BigInteger(), nullable=False),
    sa.Column('tax', sa.BigInteger(), nullable=False),
    sa.Column('unit_cost', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('net >= 0 AND tax >= 0 AND unit_cost >= 0', name=op.f('ck_refund_lines_not_negative')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_refund_lines_quantity_positive')),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_refund_lines_order_line_id_order_lines')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_refund_lines_product_id_products')),
    sa.ForeignKeyConstraint(['refund_id'], ['refunds.id'], name=op.f('fk_refund_lines_refund_id_refunds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refund_lines')),
    sa.UniqueConstraint('refund_id', 'order_line_id', name=op.f('uq_refund_lines_refund_id'))
    )
    with op.batch_alter_table('refund_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refund_lines_order_line_id'), ['order_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_refund_lines_refund_id'), ['refund_id'], unique=False)

    with op.batch_alter_table('journal_transactions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refund_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('till_session_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reverses_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('staff_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_journal_transactions_refund_id'), ['refund_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_journal_transactions_till_session_id'), ['till_session_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_journal_transactions_refund_id_refunds'), 'refunds', ['refund_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_journal_transactions_staff_id_staff'), 'staff', ['staff_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_journal_transactions_till_session_id_till_sessions'), 'till_sessions', ['till_session_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_journal_transactions_reverses_id_journal_transactions'), 'journal_transactions', ['reverses_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_journal_transactions_kind'), type_='check')
        batch_op.create_check_constraint(
            'kind', "kind IN ('sale', 'shipment', 'receiving', 'manual', 'adjustment', 'refund', 'till')"
        )

    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discount', sa.BigInteger(), nullable=False, server_default=sa.text("0")))
        batch_op.add_column(sa.Column('sale_discount', sa.BigInteger(), nullable=False, server_default=sa.text("0")))
        batch_op.add_column(sa.Column('tax_included', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('refunded_quantity', sa.Integer(), nullable=False, server_default=sa.text("0")))
        batch_op.drop_constraint(batch_op.f('ck_order_lines_net'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_order_lines_tax_not_negative'), type_='check')
        batch_op.create_check_constraint(
            'net',
            "net + CASE WHEN tax_included THEN tax ELSE 0 END"
            " = unit_price * quantity - discount - sale_discount",
        )
        batch_op.create_check_constraint('tax_not_negative', "net >= 0 AND tax >= 0")
        batch_op.create_check_constraint('discounts_not_negative', "discount >= 0 AND sale_discount >= 0")
        batch_op.create_check_constraint('refunded_at_most_sold', "refunded_quantity BETWEEN 0 AND quantity")

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prices_include_tax', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('discount', sa.BigInteger(), nullable=False, server_default=sa.text("0")))
        batch_op.add_column(sa.Column('cash_rounding', sa.BigInteger(), nullable=False, server_default=sa.text("0")))
        batch_op.add_column(sa.Column('staff_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('till_session_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_orders_staff_id'), ['staff_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_till_session_id'), ['till_session_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_orders_staff_id_staff'), 'staff', ['staff_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_orders_till_session_id_till_sessions'), 'till_sessions', ['till_session_id'], ['id'])
        batch_op.create_check_constraint('discount_not_negative', "discount >= 0")
        batch_op.create_check_constraint('cash_rounding_range', "cash_rounding BETWEEN -99 AND 99")
        batch_op.create_check_constraint('tax_rounding', "tax_rounding IN ('line', 'total')")

    with op.batch_alter_table('stock_movements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refund_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_stock_movements_refund_id'), ['refund_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_stock_movements_refund_id_refunds'), 'refunds', ['refund_id'], ['id'])

    _seed()
    _append_only_audit_log()


NEW_ACCOUNTS = [
    ("1020", "Safe and bank", "asset"),
    ("4900", "Rounding of cash totals", "revenue"),
    ("5200", "Till over and short", "expense"),
]
NEW_COUNTERS = ["refund", "z", "audit"]


def _seed() -> None:
    accounts = sa.table(
        "accounts", sa.column("code", sa.String), sa.column("name", sa.String), sa.column("type", sa.String)
    )
    op.bulk_insert(accounts, [{"code": c, "name": n, "type": t} for c, n, t in NEW_ACCOUNTS])
    counters = sa.table("counters", sa.column("name", sa.String), sa.column("value", sa.BigInteger))
    op.bulk_insert(counters, [{"name": name, "value": 0} for name in NEW_COUNTERS])


PG_APPEND_ONLY = """
CREATE FUNCTION audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$
"""


def _append_only_audit_log() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_APPEND_ONLY)
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log"
            " FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log"
                " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    op.execute(
        sa.text("DELETE FROM accounts WHERE code IN ('1020', '4900', '5200')")
    )
    op.execute(sa.text("DELETE FROM counters WHERE name IN ('refund', 'z', 'audit')"))
    with op.batch_alter_table('stock_movements', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_stock_movements_refund_id_refunds'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_stock_movements_refund_id'))
        batch_op.drop_column('refund_id')

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_orders_discount_not_negative'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_orders_cash_rounding_range'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_orders_tax_rounding'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_orders_till_session_id_till_sessions'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_orders_staff_id_staff'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_orders_till_session_id'))
        batch_op.drop_index(batch_op.f('ix_orders_staff_id'))
        batch_op.drop_column('till_session_id')
        batch_op.drop_column('staff_id')
        batch_op.drop_column('cash_rounding')
        batch_op.drop_column('discount')
        batch_op.drop_column('prices_include_tax')

    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_order_lines_net'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_order_lines_tax_not_negative'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_order_lines_discounts_not_negative'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_order_lines_refunded_at_most_sold'), type_='check')
        batch_op.drop_column('refunded_quantity')
        batch_op.drop_column('tax_included')
        batch_op.drop_column('sale_discount')
        batch_op.drop_column('discount')
        batch_op.create_check_constraint('net', "net = unit_price * quantity")
        batch_op.create_check_constraint('tax_not_negative', "tax >= 0")

    with op.batch_alter_table('journal_transactions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_journal_transactions_kind'), type_='check')
        batch_op.create_check_constraint(
            'kind', "kind IN ('sale', 'shipment', 'receiving', 'manual', 'adjustment')"
        )
        batch_op.drop_constraint(batch_op.f('fk_journal_transactions_reverses_id_journal_transactions'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_journal_transactions_till_session_id_till_sessions'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_journal_transactions_staff_id_staff'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_journal_transactions_refund_id_refunds'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_journal_transactions_till_session_id'))
        batch_op.drop_index(batch_op.f('ix_journal_transactions_refund_id'))
        batch_op.drop_column('staff_id')
        batch_op.drop_column('reverses_id')
        batch_op.drop_column('till_session_id')
        batch_op.drop_column('refund_id')

    with op.batch_alter_table('refund_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refund_lines_refund_id'))
        batch_op.drop_index(batch_op.f('ix_refund_lines_order_line_id'))

    op.drop_table('refund_lines')
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refunds_till_session_id'))
        batch_op.drop_index(batch_op.f('ix_refunds_order_id'))
        batch_op.drop_index(batch_op.f('ix_refunds_completed_at'))

    op.drop_table('refunds')
    op.drop_table('till_counts')
    with op.batch_alter_table('cash_movements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cash_movements_till_session_id'))

    op.drop_table('cash_movements')
    with op.batch_alter_table('till_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_till_sessions_z_no', sqlite_where=sa.text('z_no IS NOT NULL'), postgresql_where=sa.text('z_no IS NOT NULL'))
        batch_op.drop_index('ix_till_sessions_one_open_per_till', sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))

    op.drop_table('till_sessions')
    with op.batch_alter_table('parked_sales', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parked_sales_till_name'))

    op.drop_table('parked_sales')
    op.drop_table('audit_log')
    op.drop_table('staff')
    op.drop_table('settings')
