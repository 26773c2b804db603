"""The server ends a till's connection in the middle of a sale (PostgreSQL).

``pg_terminate_backend`` from a second connection ends the till's session (a) between the
dialog's flush (``begin()``) and ``confirm``, (b) while ``confirm`` is inside its
transaction, held there by another connection's row lock on the receipt counter, on a
product or on its till session's row so the terminate lands deterministically, and (c)
right after the commit went through, so the till is told the connection was lost although
the sale is recorded.

Every time: the sale is wholly there or wholly absent, the caller gets ``ConnectionLost``
("… try again"), and confirming again — on the same Checkout (its unit of work takes a
fresh pooled connection) or on a new unit of work with the same client key — ends with
exactly one sale, never two.
"""

from __future__ import annotations

import threading
import time
from functools import partial

import pytest
from sqlalchemy import create_engine, text

from pos_app.domain.errors import ConnectionLost
from pos_app.domain.tender import Tender
from pos_app.persistence.engine import Database
from pos_app.repositories import UnitOfWork
from pos_app.services.sale import Checkout
from tests.factories import assert_clean, open_shift, product, snapshot, stock_of

pytestmark = pytest.mark.postgres

LOST = "connection to the database was lost"


@pytest.fixture
def shop(pg_db):
    new_uow = partial(UnitOfWork, pg_db.writer)
    product(new_uow, "CHAI", price=1800, cost=1000, stock=12)
    product(new_uow, "TOFU", price=2325, cost=1400, tax_ppm=50_000, stock=40)
    return pg_db


@pytest.fixture
def shift(pg_db):
    """The till session the sales are made in (PostgreSQL only, unlike conftest's)."""
    return open_shift(partial(UnitOfWork, pg_db.writer))


@pytest.fixture
def till_db(pg_url):
    """The till's own engine, as on a separate machine."""
    db = Database.connect(pg_url)
    yield db
    db.dispose()


@pytest.fixture
def admin(pg_url):
    """The second connection that ends sessions and holds locks."""
    engine = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


def terminate(admin, pid: int) -> None:
    with admin.connect() as conn:  # waits (up to 5 s) until the backend is really gone
        assert conn.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid}).scalar()


def backend_pid(uow: UnitOfWork) -> int:
    return uow.session.execute(text("SELECT pg_backend_pid()")).scalar_one()


def scanned(uow: UnitOfWork, shift) -> Checkout:  # noqa: ANN001
    checkout = Checkout(uow, shift=shift)
    checkout.add("CHAI", 2)
    checkout.add("TOFU", 1)
    return checkout


def sales(db: Database) -> list[tuple]:
    with db.reader() as session:
        return session.execute(
            text("SELECT id, receipt_no, client_key, total FROM orders WHERE status <> 'open'")
        ).all()


def confirm_again(till_db: Database, checkout: Checkout, route: str):
    """The cashier presses Enter again, or the till restarts the sale under the same key."""
    tenders = [Tender.card(checkout.totals().total)]
    if route == "same checkout":
        return checkout.confirm(tenders)
    with UnitOfWork(till_db.writer) as uow:
        again = Checkout(
            uow, checkout.cart, shift=checkout.shift, client_key=checkout.client_key
        )
        return again.confirm(tenders)


def assert_one_sale(shop: Database, till_db: Database, checkout: Checkout, receipt) -> None:
    """Exactly one sale under the key, and every further retry returns that same receipt."""
    for route in ("same checkout", "new unit of work"):
        again = confirm_again(till_db, checkout, route)
        assert (again.order_id, again.receipt_no, again.total) == (
            receipt.order_id,
            receipt.receipt_no,
            receipt.total,
        )
    assert [(key, total) for _id, _no, key, total in sales(shop)] == [
        (checkout.client_key, receipt.total)
    ]
    assert receipt.receipt_no == 1
    assert stock_of(shop, "CHAI") == 10 and stock_of(shop, "TOFU") == 39
    assert_clean(shop)


ROUTES = ["same checkout", "new unit of work"]


@pytest.mark.parametrize("route", ROUTES)
def test_connection_ended_between_begin_and_confirm(shop, till_db, admin, shift, route):
    before = snapshot(shop)
    with UnitOfWork(till_db.writer) as uow:
        checkout = scanned(uow, shift)
        checkout.begin()  # the order number is on the screen
        terminate(admin, backend_pid(uow))
        with pytest.raises(ConnectionLost, match=LOST):
            checkout.confirm([Tender.card(checkout.totals().total)])
        assert checkout.receipt is None
        assert snapshot(shop) == before  # wholly absent
        receipt = confirm_again(till_db, checkout, route)
        assert_one_sale(shop, till_db, checkout, receipt)


def _waiting_on_lock(admin, pid: int) -> bool:
    with admin.connect() as conn:
        return (
            conn.execute(
                text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid"),
                {"pid": pid},
            ).scalar()
            == "Lock"
        )


HOLDS = {
    "receipt counter": "SELECT value FROM counters WHERE name = 'receipt' FOR UPDATE",
    "product row": "SELECT id FROM products WHERE sku = 'TOFU' FOR UPDATE",
    # what the sale's own count in its session waits for (not the header's foreign key)
    "till session row": "SELECT id FROM till_sessions FOR NO KEY UPDATE",
}


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("hold", HOLDS)
def test_connection_ended_while_confirm_is_inside_its_transaction(
    shop, till_db, admin, pg_db, shift, hold, route
):
    before = snapshot(shop)
    blocker = pg_db.engine.connect()
    blocker.begin()
    blocker.execute(text(HOLDS[hold]))  # another till holds what this sale needs next
    outcome: list = []
    try:
        with UnitOfWork(till_db.writer) as uow:
            checkout = scanned(uow, shift)
            checkout.begin()
            pid = backend_pid(uow)
            tenders = [Tender.cash(10_000)]

            def pay() -> None:
                try:
                    outcome.append(checkout.confirm(tenders))
                except Exception as exc:  # noqa: BLE001 - inspected below
                    outcome.append(exc)

            paying = threading.Thread(target=pay)
            paying.start()
            give_up = time.monotonic() + 10
            while not _waiting_on_lock(admin, pid) and time.monotonic() < give_up:
                time.sleep(0.01)
            assert _waiting_on_lock(admin, pid), "confirm never reached the held lock"
            terminate(admin, pid)
            paying.join(timeout=30)
            assert not paying.is_alive(), "confirm hung after its connection was ended"
            assert len(outcome) == 1 and isinstance(outcome[0], ConnectionLost), outcome
            assert LOST in str(outcome[0])
            blocker.rollback()
            assert snapshot(shop) == before  # wholly absent
            receipt = confirm_again(till_db, checkout, route)
            assert_one_sale(shop, till_db, checkout, receipt)
    finally:
        blocker.close()


@pytest.mark.parametrize("route", ROUTES)
def test_commit_went_through_but_the_till_was_told_the_connection_was_lost(
    shop, till_db, admin, monkeypatch, shift, route
):
    """The worst case for a retry: the sale is stored and the till does not know it."""
    dialect = till_db.engine.dialect
    real_commit = dialect.do_commit
    ended: list[int] = []

    def commit_then_lose_the_connection(dbapi_connection) -> None:  # noqa: ANN001
        real_commit(dbapi_connection)
        if not ended:  # only the first commit: the answer is lost on its way back
            ended.append(dbapi_connection.get_backend_pid())
            terminate(admin, ended[0])
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT 1")  # the real driver error a lost answer gives

    monkeypatch.setattr(dialect, "do_commit", commit_then_lose_the_connection)
    with UnitOfWork(till_db.writer) as uow:
        checkout = scanned(uow, shift)
        checkout.begin()
        with pytest.raises(ConnectionLost, match=LOST):
            checkout.confirm([Tender.card(checkout.totals().total)])
        assert ended and checkout.receipt is None
        stored = sales(shop)
        assert len(stored) == 1  # wholly there
        receipt = confirm_again(till_db, checkout, route)
        assert (receipt.order_id, receipt.receipt_no) == stored[0][:2]
        assert_one_sale(shop, till_db, checkout, receipt)
