"""A checkout left open past the server's ``idle_in_transaction_session_timeout``.

PostgreSQL ends a session whose transaction sits idle too long; a checkout dialog that
flushed its header and was then forgotten meets exactly that. It must still end well:
``confirm`` says "left open too long" (``ConnectionLost``), nothing half-written is left,
and confirming again (a new header on a fresh connection) or a new checkout succeeds —
in the service and in the real dialog, where the cashier just presses Enter again.

The timeout is set for this test's own engine only (``options=-c …`` on its URL), never
on the server.
"""

from __future__ import annotations

import time
from functools import partial

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import text

from pos_app.domain.cart import Cart
from pos_app.domain.errors import ConnectionLost
from pos_app.domain.tender import Tender
from pos_app.persistence.engine import Database
from pos_app.repositories import UnitOfWork
from pos_app.services.sale import Checkout
from pos_app.services.store import Store
from pos_app.ui.checkout_dialog import CheckoutDialog
from tests.factories import assert_clean, open_shift, product, snapshot, stock_of

pytestmark = pytest.mark.postgres

TIMEOUT_MS = 600
LEFT_OPEN = "left open too long"


@pytest.fixture
def impatient_db(pg_db, pg_url):
    """The shop's database through an engine whose sessions give up idle transactions fast."""
    new_uow = partial(UnitOfWork, pg_db.writer)
    product(new_uow, "CHAI", price=1800, cost=1000, stock=12, barcode="5000001")
    product(new_uow, "TOFU", price=2325, cost=1400, tax_ppm=50_000, stock=40)
    separator = "&" if "?" in pg_url else "?"
    db = Database.connect(
        f"{pg_url}{separator}options=-c%20idle_in_transaction_session_timeout%3D{TIMEOUT_MS}"
    )
    with db.reader() as session:
        assert session.execute(text("SHOW idle_in_transaction_session_timeout")).scalar() == (
            f"{TIMEOUT_MS}ms"
        )
    yield db
    db.dispose()


@pytest.fixture
def shift(pg_db):
    """The open till session these sales are made in (PostgreSQL only, unlike conftest's)."""
    return open_shift(partial(UnitOfWork, pg_db.writer))


def wait_past_timeout() -> None:
    time.sleep(TIMEOUT_MS / 1000 * 2.5)


def test_confirm_after_the_server_ended_an_idle_checkout_says_so_and_works_again(
    pg_db, impatient_db, shift
):
    before = snapshot(pg_db)
    with UnitOfWork(impatient_db.writer) as uow:
        checkout = Checkout(uow, shift=shift)
        first_number = checkout.begin()
        checkout.add("CHAI", 2)
        wait_past_timeout()  # the cashier walked away
        with pytest.raises(ConnectionLost, match=LEFT_OPEN):
            checkout.confirm([Tender.cash(5000)])
        assert checkout.receipt is None
        assert snapshot(pg_db) == before  # nothing half-written

        # Enter again: the same checkout re-begins on a fresh connection and commits
        receipt = checkout.confirm([Tender.cash(5000)])
    assert receipt.receipt_no == 1 and receipt.order_id != first_number
    assert stock_of(pg_db, "CHAI") == 10

    # a new checkout, left open too long before even scanning, then started again
    with UnitOfWork(impatient_db.writer) as uow:
        checkout = Checkout(uow, shift=shift)
        checkout.begin()
        wait_past_timeout()
        with pytest.raises(ConnectionLost, match=LEFT_OPEN):
            checkout.add("TOFU")
        checkout.add("TOFU")
        assert checkout.confirm([Tender.card(checkout.totals().total)]).receipt_no == 2
    with pg_db.reader() as session:
        assert session.execute(text("SELECT count(*) FROM orders")).scalar_one() == 2
    assert_clean(pg_db)


def test_the_cashier_sees_why_and_presses_enter_again(
    qtbot, caplog, pg_db, impatient_db, shift
):
    store = Store(impatient_db)
    cart = Cart()
    with UnitOfWork(impatient_db.writer) as uow:  # priced the way the selling screen does
        Checkout(uow, cart, shift=shift).add("CHAI", 3)
    before = snapshot(pg_db)
    dialog = CheckoutDialog(store, cart, shift)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    assert dialog.orderNumberLabel.text().startswith("Order ")
    wait_past_timeout()

    qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_Return)  # exact cash
    assert dialog.receipt is None and dialog.isVisible()
    assert dialog.message.is_error
    assert LEFT_OPEN in dialog.message.text() and "Enter" in dialog.message.text()
    assert snapshot(pg_db) == before

    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_Return)
    assert dialog.receipt is not None and dialog.receipt.receipt_no == 1
    assert dialog.receipt.total == 3 * 2160
    assert stock_of(pg_db, "CHAI") == 9
    assert [r.getMessage() for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")] == []
    assert_clean(pg_db)
