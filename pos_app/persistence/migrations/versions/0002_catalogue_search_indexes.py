"""Catalogue search that stays fast with 100,000 products.

SQLite: the name index becomes (name, sku, barcode), so a search walks one covering index
in name order and tests all three columns there, fetching table rows only for matches
(rare and no-match strings went from ~250 ms to ~30 ms). PostgreSQL: pg_trgm GIN indexes
on lower(name), lower(sku) and barcode answer LIKE '%text%' without a scan. The migration
runs as the database owner; till roles never need CREATE.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TRIGRAM_INDEXES = {
    "ix_products_name_trgm": "lower(name)",
    "ix_products_sku_trgm": "lower(sku)",
    "ix_products_barcode_trgm": "barcode",
}


def upgrade() -> None:
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index("ix_products_name")
        batch_op.create_index("ix_products_search", ["name", "sku", "barcode"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, expression in TRIGRAM_INDEXES.items():
            op.execute(f"CREATE INDEX {name} ON products USING gin ({expression} gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in TRIGRAM_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
        # the extension stays: other databases' objects may use it, and it costs nothing
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index("ix_products_search")
        batch_op.create_index("ix_products_name", ["name"], unique=False)
