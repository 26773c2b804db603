"""``Prepared`` statements write what SQLAlchemy would have written, and fail as it would.

On SQLite they bypass SQLAlchemy's execution path (the driver's cursor); these tests hold
the two paths to the same rows, the same stored text and the same errors, on both backends.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from pos_app.domain.errors import DuplicateValue
from pos_app.persistence.models import Order, Product, StockMovement
from pos_app.persistence.prepared import Prepared
from pos_app.repositories import UnitOfWork
from tests.factories import product

MOVEMENT = insert(StockMovement)
HEADER = insert(Order).returning(Order.id)


@pytest.fixture
def one_product(new_uow) -> int:
    return product(new_uow, "P1", price=100)


def _both_ways(db, statement, rows: list[dict]) -> None:
    """Write ``rows`` once through Connection.execute and once through Prepared."""
    prepared = Prepared(statement)
    with db.writer() as session:
        connection = session.connection()
        for row in rows:
            connection.execute(statement, row)
            prepared.execute(connection, row)
        session.commit()


def test_defaults_types_and_stored_text_match_sqlalchemy(db, one_product):
    """Python-side defaults (created_at, note) are filled in, datetimes stored in the same
    text on SQLite, even a time on the whole second (where isoformat() would differ)."""
    on_the_second = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    rows = [
        {"product_id": one_product, "quantity": 5, "kind": "adjustment"},
        {
            "product_id": one_product,
            "quantity": -2,
            "kind": "adjustment",
            "note": "counted",
            "created_at": on_the_second,
        },
    ]
    _both_ways(db, MOVEMENT, rows)
    with db.reader() as session:
        stored = session.execute(
            text(
                "SELECT quantity, kind, note, CAST(created_at AS TEXT) FROM stock_movements"
                " WHERE kind = 'adjustment' ORDER BY id"
            )
        ).all()
        objects = session.scalars(
            select(StockMovement)
            .where(StockMovement.kind == "adjustment")
            .order_by(StockMovement.id)
        ).all()
    assert len(stored) == 4
    core_default, prepared_default, core_given, prepared_given = stored
    assert core_given == prepared_given  # same text, to the character
    assert prepared_default[:3] == (5, "adjustment", "")
    if db.backend == "sqlite":  # same format, microseconds kept (PostgreSQL trims zeros)
        assert len(prepared_default[3]) == len(core_default[3]) == len(core_given[3])
    assert all(m.created_at.tzinfo is not None for m in objects)
    assert objects[3].created_at == on_the_second
    assert abs((objects[1].created_at - objects[0].created_at).total_seconds()) < 60


def test_returning_booleans_and_literal_values(db):
    """INSERT … RETURNING gives the new id; Boolean and literal-valued binds are converted."""
    prepared = Prepared(HEADER)
    with db.writer() as session:
        connection = session.connection()
        new_id = prepared.execute(
            connection,
            {"kind": "sale", "status": "open", "client_key": "k-1", "prices_include_tax": True},
        ).scalar_one()
        session.commit()
    with db.reader() as session:
        order = session.get(Order, new_id)
        assert (order.client_key, order.prices_include_tax, order.total) == ("k-1", True, 0)
        assert order.tax_rounding == "line"  # the column's Python default


def test_execute_many_counts_every_row_changed(db, one_product):
    bump = Prepared(
        update(Product)
        .where(Product.id == bindparam("pid"))
        .values(stock_on_hand=Product.stock_on_hand + bindparam("n"))
    )
    with db.writer() as session:
        connection = session.connection()
        rows = [{"pid": one_product, "n": 1}, {"pid": one_product, "n": 2}, {"pid": -1, "n": 3}]
        assert bump.execute_many(connection, rows) == 2
        assert bump.execute_many(connection, []) == 0
        assert bump.execute(connection, {"pid": -1, "n": 1}).rowcount == 0
        session.commit()
    with db.reader() as session:
        assert session.get(Product, one_product).stock_on_hand == 3


def test_driver_errors_come_out_as_sqlalchemy_errors_and_domain_errors(db):
    """A UNIQUE violation is SQLAlchemy's IntegrityError, which the unit of work turns into
    DuplicateValue, rolls back and stays usable."""
    prepared = Prepared(HEADER)
    header = {"kind": "sale", "status": "open", "client_key": "same"}
    with UnitOfWork(db.writer) as uow:
        prepared.execute(uow.session.connection(), header)
        uow.commit()
    with UnitOfWork(db.writer) as uow:
        with pytest.raises(IntegrityError):
            prepared.execute(uow.session.connection(), header)
        uow.rollback()
        with pytest.raises(DuplicateValue, match="already been recorded"), uow.guard():
            prepared.execute(uow.session.connection(), header)
        again = prepared.execute(uow.session.connection(), {**header, "client_key": "other"})
        assert again.scalar_one() > 0
        uow.commit()
    with db.reader() as session:
        keys = session.scalars(select(Order.client_key).order_by(Order.id)).all()
    assert keys == ["same", "other"]


def test_check_constraint_refuses_negative_stock(db, one_product):
    set_stock = Prepared(
        update(Product).where(Product.id == bindparam("pid")).values(stock_on_hand=bindparam("n"))
    )
    with db.writer() as session:
        with pytest.raises(IntegrityError):
            set_stock.execute(session.connection(), {"pid": one_product, "n": -1})
        session.rollback()
    with db.reader() as session:
        assert session.get(Product, one_product).stock_on_hand == 0


def test_a_missing_required_value_is_a_programming_error(sqlite_db):
    """Named before anything runs: the statement's WHERE needs ``pid``."""
    statement = Prepared(update(Product).where(Product.id == bindparam("pid")).values(active=False))
    with sqlite_db.writer() as session, pytest.raises(TypeError, match="pid"):
        statement.execute(session.connection(), {})


def test_insert_from_select_where_exists_writes_a_row_only_when_it_holds(db, new_uow):
    """The sale's header: INSERT … SELECT … WHERE EXISTS … RETURNING. The SELECT's binds
    are filled by name (``staff_id`` twice), the columns' Python defaults too; a false
    condition returns no row and writes nothing, on both paths."""
    from pos_app.repositories.sales import _OPEN_SALE
    from tests.factories import owner

    olive = owner(new_uow)
    header = {"kind": "sale", "status": "open", "customer_id": None, "till_session_id": None}
    with db.writer() as session:
        connection = session.connection()
        ids = [
            _OPEN_SALE.execute(
                connection, {**header, "client_key": f"k-{who}", "staff_id": who}
            ).scalar_one_or_none()
            for who in (olive.staff_id, olive.staff_id + 1000)
        ]
        via_core = connection.execute(
            _OPEN_SALE.statement, {**header, "client_key": "core", "staff_id": olive.staff_id}
        ).scalar_one()
        session.commit()
    assert ids[0] is not None and ids[1] is None
    with db.reader() as session:
        orders = session.scalars(select(Order).order_by(Order.id)).all()
        assert [o.id for o in orders] == [ids[0], via_core]
        for order in orders:
            assert (order.staff_id, order.tax_rounding, order.total) == (olive.staff_id, "line", 0)
            assert order.prices_include_tax is False and order.created_at.tzinfo is not None
