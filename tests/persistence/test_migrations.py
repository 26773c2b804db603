"""Models and migrations never drift, migrations go down and up, constraints really exist."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import (
    CheckConstraint,
    Column,
    Integer,
    MetaData,
    create_engine,
    inspect,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from pos_app.domain.postings import STANDARD_CHART
from pos_app.persistence.engine import Database
from pos_app.persistence.migrate import current_revision, head_revision, is_up_to_date, upgrade
from pos_app.persistence.models import SQLITE_SEARCH_TABLES, Base
from pos_app.repositories import UnitOfWork
from tests.factories import product, snapshot

# -- helpers -----------------------------------------------------------------------------


def differences(engine, metadata: MetaData = Base.metadata) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": not_search_index}
        )
        return compare_metadata(context, metadata)


def not_search_index(name, type_, parent_names) -> bool:  # noqa: ANN001
    """SQLite's FTS5 search tables (and their shadow tables) are not mapped: migration 0005."""
    return type_ != "table" or not name.startswith(SQLITE_SEARCH_TABLES)


def downgrade(engine, revision: str = "base") -> None:
    from pos_app.persistence.migrate import downgrade as run_downgrade

    run_downgrade(engine, revision)


def app_tables(engine) -> set[str]:
    tables = {t for t in inspect(engine).get_table_names() if not_search_index(t, "table", {})}
    return tables - {"alembic_version"}


def named_checks(engine) -> dict[str, set[str]]:
    inspector = inspect(engine)
    return {
        table: {c["name"] for c in inspector.get_check_constraints(table)}
        for table in Base.metadata.tables
    }


def model_checks() -> dict[str, set[str]]:
    return {
        name: {str(c.name) for c in table.constraints if isinstance(c, CheckConstraint)}
        for name, table in Base.metadata.tables.items()
    }


@pytest.fixture
def scratch_pg_url(postgres_url):
    """A PostgreSQL database of our own, so going down to base never disturbs other tests."""
    url = make_url(postgres_url)
    scratch = url.set(database=f"{url.database}_migrations")
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{scratch.database}"'))
    yield scratch.render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
    return request.getfixturevalue("scratch_pg_url")


# -- no drift ------------------------------------------------------------------------------


def test_migrated_schema_matches_the_models(db):
    assert is_up_to_date(db.engine)
    assert differences(db.engine) == []


def test_check_constraints_match_the_models_by_name(db):
    assert named_checks(db.engine) == model_checks()
    assert "ck_products_stock_not_negative" in named_checks(db.engine)["products"]
    assert "ck_journal_entries_one_side" in named_checks(db.engine)["journal_entries"]


def test_the_comparison_would_notice_drift(db):
    """Guard against a vacuous comparison: a model change must show up as a difference."""
    drifted = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(drifted)
    drifted.tables["products"].append_column(Column("shelf", Integer, nullable=True))
    drifted.remove(drifted.tables["counters"])
    found = differences(db.engine, drifted)
    kinds = {(d[0], getattr(d[-1], "name", None)) for d in found if isinstance(d, tuple)}
    assert ("add_column", "shelf") in kinds
    assert ("remove_table", "counters") in kinds


# -- down and up again ---------------------------------------------------------------------


def test_downgrade_to_base_and_upgrade_again(empty_url):
    db = Database.connect(empty_url)
    try:
        assert current_revision(db.engine) is None
        upgrade(db.engine)
        assert current_revision(db.engine) == head_revision()
        tables = app_tables(db.engine)
        assert tables == set(Base.metadata.tables)

        downgrade(db.engine, "base")
        assert current_revision(db.engine) is None
        assert app_tables(db.engine) == set()
        if db.backend == "postgresql":
            with db.engine.connect() as conn:
                assert (
                    conn.scalar(
                        text(
                            "SELECT count(*) FROM pg_proc WHERE proname = 'journal_transaction_balances'"
                        )
                    )
                    == 0
                )

        upgrade(db.engine)
        assert current_revision(db.engine) == head_revision()
        assert app_tables(db.engine) == tables
        assert differences(db.engine) == []
        assert named_checks(db.engine) == model_checks()
        with db.engine.connect() as conn:  # seeds exactly once again
            assert conn.scalar(text("SELECT count(*) FROM accounts")) == len(STANDARD_CHART)
            assert sorted(conn.execute(text("SELECT name, value FROM counters")).all()) == [
                ("audit", 0),
                ("receipt", 0),
                ("refund", 0),
                ("z", 0),
            ]
        upgrade(db.engine)  # already at head: nothing to do
        assert current_revision(db.engine) == head_revision()
    finally:
        db.dispose()


KEPT_TABLES = (
    "products",
    "customers",
    "purchases",
    "purchase_lines",
    "orders",
    "order_lines",
    "payments",
    "stock_movements",
    "journal_transactions",
    "journal_entries",
)


def row_ids(db: Database) -> dict[str, list[int]]:
    with db.engine.connect() as conn:
        return {
            table: list(conn.scalars(text(f"SELECT id FROM {table} ORDER BY id")))  # noqa: S608
            for table in KEPT_TABLES
        }


def populate(db: Database) -> None:
    """A store in use, built at head through the services: receivings, customer orders with
    lines (one shipped), a till sale in a till session, a manual journal and a stock count."""
    from pos_app.domain.cart import Cart
    from pos_app.domain.postings import Accounts, Posting
    from pos_app.domain.tender import Tender
    from pos_app.services.catalogue import record_count
    from pos_app.services.customer_orders import save_order, ship_order
    from pos_app.services.journal import post_journal
    from pos_app.services.sale import Checkout
    from tests.factories import customer, open_shift, owner, receive

    new_uow = lambda: UnitOfWork(db.writer)  # noqa: E731
    olive = owner(new_uow)
    product(new_uow, "CHAI", price=1800, cost=1000, stock=30)
    product(new_uow, "TOFU", price=2325, cost=1400, tax_ppm=50_000, stock=20)
    receive(new_uow, {"CHAI": (10, 1100), "TOFU": (5, 1500)}, supplier="Exotic Liquids")
    customer(new_uow, "ALFKI")
    orders = []
    for lines in ({"CHAI": 2, "TOFU": 1}, {"TOFU": 3}):
        with new_uow() as uow:
            cart = Cart()
            for sku, quantity in lines.items():
                cart.add(uow.catalogue.sellable(sku), quantity)
            orders.append(save_order(uow, cart, "ALFKI", actor=olive))
    with new_uow() as uow:
        ship_order(uow, orders[0], actor=olive)
    shift = open_shift(new_uow)
    with new_uow() as uow:
        checkout = Checkout(uow, shift=shift)
        checkout.add("CHAI", 3)
        checkout.add("TOFU")
        checkout.confirm([Tender.cash(20_000)])
    with new_uow() as uow:
        post_journal(
            uow,
            "Owner's float",
            [Posting(Accounts.CASH, debit=5000), Posting(Accounts.OWNER_EQUITY, credit=5000)],
            actor=olive,
        )
    with new_uow() as uow:
        record_count(uow, uow.catalogue.by_sku("CHAI").id, 30, actor=olive)


def test_a_populated_store_keeps_every_row_down_to_0003_and_up_again(empty_url):
    """0004 alters orders, order lines, journal transactions and stock movements (SQLite
    rebuilds each table): no row may go with it, nor cascade away with a dropped table."""
    from tests.factories import assert_clean

    db = Database.connect(empty_url)
    try:
        upgrade(db.engine)
        populate(db)
        assert_clean(db)
        before = row_ids(db)
        assert all(before.values()), before  # every kept table has rows to lose
        assert len(before["order_lines"]) == 5 and len(before["orders"]) == 3

        downgrade(db.engine, "0003")
        assert current_revision(db.engine) == "0003"
        assert "till_sessions" not in app_tables(db.engine)
        assert row_ids(db) == before
        if db.backend == "sqlite":
            with db.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1

        upgrade(db.engine)
        assert current_revision(db.engine) == head_revision()
        assert row_ids(db) == before
        assert differences(db.engine) == []
        with db.engine.connect() as conn:  # the sale's till session went with 0004's tables
            assert conn.scalar(
                text("SELECT count(*) FROM orders WHERE till_session_id IS NOT NULL")
            ) == 0
    finally:
        db.dispose()


# -- constraints really exist --------------------------------------------------------------


@pytest.fixture
def stocked(db, new_uow):
    product(new_uow, "CHAI", price=1800, cost=1000, stock=5)
    return db


def refused(db, sql: str, params: dict | None = None, *, match: str | None = None) -> None:
    """The statement fails with IntegrityError (naming ``match``) and changes nothing."""
    before = snapshot(db)
    with pytest.raises(IntegrityError, match=match), db.engine.begin() as conn:
        conn.execute(text(sql), params or {})
    assert snapshot(db) == before


def test_negative_stock_is_refused_by_the_database(stocked):
    refused(
        stocked,
        "INSERT INTO products (sku, name, unit_price, unit_cost, tax_rate_ppm, stock_on_hand,"
        " active, created_at) VALUES ('NEG', 'Negative', 100, 0, 0, -1, :t, :now)",
        {"t": True, "now": "2026-01-01 00:00:00"},
        match="ck_products_stock_not_negative",
    )
    refused(
        stocked,
        "UPDATE products SET stock_on_hand = -1 WHERE sku = 'CHAI'",
        match="ck_products_stock_not_negative",
    )


def test_a_journal_entry_with_both_sides_is_refused(stocked):
    both = (
        "INSERT INTO journal_entries (transaction_id, account_id, debit, credit) "
        "SELECT (SELECT min(id) FROM journal_transactions), id, {d}, {c} "
        "FROM accounts WHERE code = '1000'"
    )
    one_side = "ck_journal_entries_one_side"
    refused(stocked, both.format(d=500, c=500), match=one_side)
    refused(stocked, both.format(d=0, c=0), match=one_side)
    refused(stocked, both.format(d=-5, c=0), match=one_side)
    refused(stocked, "UPDATE journal_entries SET credit = 7 WHERE debit > 0", match=one_side)


@pytest.mark.parametrize(
    ("sql", "match"),
    [
        ("UPDATE products SET unit_price = 0", "ck_products_price_positive"),
        ("UPDATE products SET unit_cost = -1", "ck_products_cost_not_negative"),
        ("UPDATE products SET tax_rate_ppm = 1000001", "ck_products_tax_rate_range"),
        ("UPDATE products SET sku = ''", "ck_products_sku_not_empty"),
        ("UPDATE products SET name = ''", "ck_products_name_not_empty"),
        ("UPDATE stock_movements SET quantity = 0", "ck_stock_movements_quantity_not_zero"),
        ("UPDATE stock_movements SET kind = 'theft'", "ck_stock_movements_kind"),
        ("UPDATE purchases SET status = 'lost'", "ck_purchases_status"),
        ("UPDATE purchase_lines SET quantity = 0", "ck_purchase_lines_quantity_positive"),
        ("UPDATE journal_transactions SET kind = 'whatever'", "ck_journal_transactions_kind"),
        ("UPDATE counters SET value = -1", "ck_counters_value_not_negative"),
        ("UPDATE accounts SET type = 'mystery'", "ck_accounts_type"),
        # foreign keys are enforced on SQLite too (PRAGMA foreign_keys)
        ("UPDATE stock_movements SET product_id = 999999", "(?i)foreign key"),
        ("INSERT INTO accounts (code, name, type) VALUES ('1000', 'Twice', 'asset')", "(?i)unique"),
    ],
)
def test_other_rules_are_database_constraints_too(stocked, sql, match):
    refused(stocked, sql, match=match)


@pytest.mark.postgres
def test_postgresql_refuses_to_commit_an_unbalanced_transaction(pg_db):
    product(lambda: UnitOfWork(pg_db.writer), "CHAI", price=1800, cost=1000, stock=5)
    before = snapshot(pg_db)
    with pytest.raises(IntegrityError, match="unbalanced"), pg_db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO journal_entries (transaction_id, account_id, debit, credit) "
                "SELECT (SELECT min(id) FROM journal_transactions), id, 123, 0 "
                "FROM accounts WHERE code = '1000'"
            )
        )
        # accepted here: the balance trigger is deferred to commit
        assert conn.scalar(text("SELECT count(*) FROM journal_entries WHERE debit = 123")) == 1
    assert snapshot(pg_db) == before
