"""SQLite as a shop with two windows (or two processes) sees it.

A writer unit of work takes SQLite's write lock up front (BEGIN IMMEDIATE). Another
process that wants to write meanwhile waits at most its busy timeout and then gets
``DatabaseBusy`` — a sentence for the cashier, never a raw ``OperationalError`` and never
a hang — whichever screen it was on; reading goes on (WAL). When the first dialog closes,
the second can write. And a unit of work that met a database error is rolled back and
usable again: ``PendingRollbackError`` never reaches a caller (on both backends).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from pos_app.domain.cart import Cart
from pos_app.domain.errors import DatabaseBusy, DuplicateValue, InvalidState, OutOfStock
from pos_app.domain.staff import Role, Shift
from pos_app.domain.tender import Tender
from pos_app.persistence.engine import Database
from pos_app.persistence.models import Product
from pos_app.repositories import UnitOfWork
from pos_app.repositories.catalogue import snapshot_of
from pos_app.services.customer_orders import save_order, ship_order
from pos_app.services.sale import Checkout
from tests.factories import (
    assert_clean,
    customer,
    open_shift,
    owner,
    product,
    snapshot,
    staff,
    stock_of,
)

ROOT = Path(__file__).resolve().parents[2]
BUSY_TIMEOUT_S = 0.5
# generous: the busy timeout plus interpreter and disk noise on a loaded CI machine
MAX_WAIT_S = 4.0

# Runs in a second process: tries each screen's write while the test holds the lock.
SECOND_TILL = r"""
import json, sys, time
from pos_app.domain.cart import Cart
from pos_app.domain.catalogue import CustomerDraft, ProductDraft
from pos_app.domain.postings import Accounts, credit, debit
from pos_app.domain.tender import Tender
from pos_app.persistence.engine import Database
from pos_app.repositories import UnitOfWork
from pos_app.repositories.catalogue import snapshot_of
from pos_app.services.catalogue import add_customer, add_product, record_count
from pos_app.services.customer_orders import save_order, ship_order
from pos_app.services.journal import ManualJournalEntry, post_journal
from pos_app.services.receiving import Receiving
from pos_app.services.sale import Checkout
from pos_app.domain.staff import Role, Shift, StaffMember
from sqlalchemy import text

url, timeout, actions = sys.argv[1], float(sys.argv[2]), sys.argv[3].split(",")
# This till's open session, opened before the test took the lock (see the ``tills`` fixture).
session_id, till_name, staff_id, staff_name, role = json.loads(sys.argv[4])
SHIFT = Shift(session_id, till_name, StaffMember(staff_id, staff_name, Role(role)))
ACTOR = SHIFT.cashier  # the owner: she may receive, count and post too
db = Database.connect(url, busy_timeout_s=timeout)

def read(uow):
    with db.reader() as session:
        return session.execute(text("SELECT count(*) FROM products")).scalar_one()

def checkout_scan(uow):  # the first thing a cashier does: scan
    checkout = Checkout(uow, shift=SHIFT)
    checkout.add("CHAI")
    return checkout.confirm([Tender.card(checkout.totals().total)]).receipt_no

def checkout_begin(uow):  # the order number shown when the dialog opens
    return Checkout(uow, shift=SHIFT).begin()

def checkout_for_customer(uow):  # a sale on account names the customer first
    checkout = Checkout(uow, shift=SHIFT)
    checkout.cart.customer_code = "ALFKI"
    return checkout.begin()

def receiving_scan(uow):
    receiving = Receiving(uow, "Exotic Liquids", actor=ACTOR)
    receiving.add("CHAI", 5, 900)
    return receiving.confirm()

def receiving_begin(uow):
    return Receiving(uow, "Exotic Liquids", actor=ACTOR).begin()

def new_product(uow):
    return add_product(uow, ProductDraft("TOFU", "Tofu", 2325, 1500), actor=ACTOR)

def new_customer(uow):
    return add_customer(uow, CustomerDraft("BONAP", "Bon app'"), actor=ACTOR)

def stock_count(uow):
    return record_count(uow, 1, 3, actor=ACTOR)

def journal(uow):
    postings = [debit(Accounts.CASH, 100), credit(Accounts.OWNER_EQUITY, 100)]
    return post_journal(uow, "Float", postings, actor=ACTOR)

def journal_begin(uow):
    return ManualJournalEntry(uow, actor=ACTOR).begin()

def order_save(uow):
    checkout = Checkout(uow, shift=SHIFT)
    checkout.add("CHAI")
    return save_order(uow, checkout.cart, "ALFKI", actor=ACTOR)

def order_ship(uow):
    return ship_order(uow, 1, actor=ACTOR)

results = []
for name in actions:
    started = time.monotonic()
    try:
        with UnitOfWork(db.writer) as uow:
            value = globals()[name](uow)
        outcome = "ok"
    except Exception as exc:
        outcome, value = type(exc).__module__ + "." + type(exc).__name__, str(exc)
    results.append({"action": name, "outcome": outcome, "value": value,
                    "elapsed": time.monotonic() - started})
db.dispose()
print(json.dumps(results))
"""

WRITES = (
    "checkout_scan",
    "checkout_begin",
    "checkout_for_customer",
    "receiving_scan",
    "receiving_begin",
    "new_product",
    "new_customer",
    "stock_count",
    "journal",
    "journal_begin",
    "order_save",
    "order_ship",
)
BUSY = "pos_app.domain.errors.DatabaseBusy"


def second_till(
    url: str, shift: Shift, actions: list[str], timeout: float = BUSY_TIMEOUT_S
) -> dict:
    """Run actions in another process selling in ``shift``; a hang fails the test instead
    of blocking CI."""
    till = json.dumps(
        [
            shift.session_id,
            shift.till_name,
            shift.cashier.staff_id,
            shift.cashier.name,
            Role(shift.cashier.role).value,
        ]
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", SECOND_TILL, url, str(timeout), ",".join(actions), till],
            check=False,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the second till hung instead of giving up", pytrace=False)
    assert done.returncode == 0, done.stderr
    return {r["action"]: r for r in json.loads(done.stdout.strip().splitlines()[-1])}


@pytest.fixture
def shop(sqlite_db):
    new_uow = lambda: UnitOfWork(sqlite_db.writer)
    product(new_uow, "CHAI", price=1800, cost=1000, stock=12, barcode="5000001")
    customer(new_uow, "ALFKI")
    olive = owner(new_uow)
    with new_uow() as uow:  # an open customer order (id 1) for the shipping screen
        cart = Cart()
        cart.add(uow.catalogue.sellable("CHAI"), 2)
        assert save_order(uow, cart, "ALFKI", actor=olive) == 1
    return new_uow


@pytest.fixture
def tills(shop) -> tuple[Shift, Shift]:
    """Olive's open sessions on this till and on the second one (the other window or
    process), opened before any test takes the write lock."""
    olive = staff(shop)
    return (
        open_shift(shop, till="Till 1", cashier=olive),
        open_shift(shop, till="Till 2", cashier=olive),
    )


def test_sqlite_pragmas_are_on(sqlite_url):
    db = Database.connect(sqlite_url, busy_timeout_s=1.25)
    try:
        for factory in (db.reader, db.writer):
            with factory() as session:
                assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
                assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
                assert session.execute(text("PRAGMA busy_timeout")).scalar() == 1250
                assert session.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        # the foreign keys are really enforced
        with db.engine.connect() as conn, pytest.raises(IntegrityError):
            conn.execute(
                text(
                    "INSERT INTO stock_movements (product_id, quantity, kind, note, created_at)"
                    " VALUES (999, 1, 'adjustment', '', '2026-01-01')"
                )
            )
    finally:
        db.dispose()


@pytest.mark.slow
def test_a_second_process_gets_database_busy_while_a_dialog_holds_the_write_lock(
    sqlite_db, sqlite_url, shop, tills
):
    this_till, other_till = tills
    before = snapshot(sqlite_db)
    with shop() as holder:
        checkout = Checkout(holder, shift=this_till)
        checkout.begin()  # flushed: this dialog now holds the write lock
        checkout.add("CHAI", 2)

        # reading from another connection in this process still works (WAL) …
        other = Database.connect(sqlite_url, busy_timeout_s=BUSY_TIMEOUT_S)
        try:
            with other.reader() as session:
                assert session.execute(text("SELECT count(*) FROM products")).scalar() == 1
        finally:
            other.dispose()

        # … and in another process, while every kind of write is refused there
        started = time.monotonic()
        results = second_till(sqlite_url, other_till, ["read", *WRITES])
        wall = time.monotonic() - started
        assert results["read"]["outcome"] == "ok" and results["read"]["value"] == 1
        for name in WRITES:
            outcome = results[name]
            assert outcome["outcome"] == BUSY, (name, outcome)
            assert BUSY_TIMEOUT_S * 0.8 <= outcome["elapsed"] <= MAX_WAIT_S, (name, outcome)
            assert "busy" in outcome["value"].lower()
        assert wall < 60

        # the first dialog was not disturbed and confirms
        receipt = checkout.confirm([Tender.cash(5000)])
    assert receipt.receipt_no == 1
    assert stock_of(sqlite_db, "CHAI") == 10

    # with the dialog closed, the second process writes
    results = second_till(sqlite_url, other_till, ["checkout_scan", "journal"])
    assert results["checkout_scan"] == {**results["checkout_scan"], "outcome": "ok", "value": 2}
    assert results["journal"]["outcome"] == "ok"
    assert stock_of(sqlite_db, "CHAI") == 9
    assert snapshot(sqlite_db) != before
    assert_clean(sqlite_db)


def test_a_cancelled_dialog_releases_the_lock(sqlite_db, sqlite_url, shop, tills):
    this_till, other_till = tills
    holder = shop().open()
    checkout = Checkout(holder, shift=this_till)
    checkout.begin()
    checkout.cancel()  # rollback: the lock goes with it even though the dialog is still open
    results = second_till(sqlite_url, other_till, ["checkout_scan"])
    assert results["checkout_scan"]["outcome"] == "ok", results
    holder.close()
    assert_clean(sqlite_db)


def test_the_same_unit_of_work_goes_on_after_database_busy(
    sqlite_db, sqlite_url, shop, tills
):
    this_till, other_till = tills
    second = Database.connect(sqlite_url, busy_timeout_s=0.2)
    try:
        with shop() as holder, UnitOfWork(second.writer) as waiting:
            Checkout(holder, shift=this_till).begin()
            checkout = Checkout(waiting, shift=other_till)
            with pytest.raises(DatabaseBusy):
                checkout.begin()
            with pytest.raises(DatabaseBusy):
                checkout.add("CHAI")
            holder.close()  # the first dialog closes
            checkout.add("CHAI", 3)
            receipt = checkout.confirm([Tender.card(checkout.totals().total)])
        assert receipt.receipt_no == 1
    finally:
        second.dispose()
    assert stock_of(sqlite_db, "CHAI") == 9
    assert_clean(sqlite_db)


# -- PendingRollbackError never reaches a caller (both backends) --------------------------
@pytest.fixture
def little_shop(new_uow):
    product(new_uow, "CHAI", price=1800, cost=1000, stock=3, barcode="5000001")
    product(new_uow, "SYRUP", price=1000, cost=500, stock=1)
    customer(new_uow, "ALFKI")
    return new_uow


def test_unit_of_work_is_usable_after_out_of_stock(db, little_shop, shift):
    before = snapshot(db)
    with little_shop() as uow:
        checkout = Checkout(uow, shift=shift)
        checkout.begin()
        checkout.add("CHAI", 5)
        with pytest.raises(OutOfStock):
            checkout.confirm([Tender.cash(100_000)])
        assert snapshot(db) == before
        # a new sale on the same unit of work (same dialog, next customer)
        again = Checkout(uow, shift=shift)
        again.add("SYRUP")
        assert again.confirm([Tender.cash(2000)]).receipt_no == 1

        # a customer order that cannot ship, then one that can, on the same unit of work
        chai = snapshot_of(uow.catalogue.by_sku("CHAI"))
        short = Cart()
        short.add(chai, 4)
        order_id = save_order(uow, short, "ALFKI", actor=shift.cashier)
        with pytest.raises(OutOfStock):
            ship_order(uow, order_id, actor=shift.cashier)
        small = Cart()
        small.add(chai, 2)
        other_id = save_order(uow, small, "ALFKI", actor=shift.cashier)
        ship_order(uow, other_id, actor=shift.cashier)
        with pytest.raises(InvalidState):
            ship_order(uow, other_id, actor=shift.cashier)
        assert uow.catalogue.by_sku("CHAI").sku == "CHAI"
    assert stock_of(db, "CHAI") == 1
    assert stock_of(db, "SYRUP") == 0
    assert_clean(db)


def test_unit_of_work_is_usable_after_an_integrity_error(db, little_shop, shift):
    before = snapshot(db)
    with little_shop() as uow:
        checkout = Checkout(uow, shift=shift)
        checkout.begin()
        uow.session.add(
            Product(
                sku="CHAI",
                name="Second chai",
                unit_price=1,
                unit_cost=0,
                tax_rate_ppm=0,
                stock_on_hand=0,
                active=True,
            )
        )
        with pytest.raises(DuplicateValue) as caught:
            uow.flush()  # duplicate SKU: the unit of work is rolled back, not left pending
        assert isinstance(caught.value.__cause__, IntegrityError)
        assert snapshot(db) == before
        # every kind of use works again without PendingRollbackError
        assert uow.catalogue.by_code("5000001").sku == "CHAI"
        checkout = Checkout(uow, shift=shift)
        checkout.add("CHAI")
        receipt = checkout.confirm([Tender.card(checkout.totals().total)])
        assert receipt.receipt_no == 1

        # a stock-level CHECK violation written directly: same story
        with pytest.raises(IntegrityError), uow.guard():
            uow.session.execute(text("UPDATE products SET stock_on_hand = -1 WHERE sku = 'CHAI'"))
        assert uow.catalogue.by_sku("CHAI") is not None
        third = Checkout(uow, shift=shift)
        third.add("CHAI")
        assert third.confirm([Tender.cash(5000)]).receipt_no == 2
    assert stock_of(db, "CHAI") == 1
    assert_clean(db)
