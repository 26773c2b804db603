"""A cashier switched off on another till, as the Sell screen shows it: the sentence, nothing
sold, the cart kept, and this till signed out."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from pos_app.domain.staff import Role
from pos_app.services.staff import set_active
from pos_app.ui.app import create_main_window
from pos_app.ui.cart_view import CartView
from tests.factories import owner, snapshot, staff

CHAI = "5000001"
SAID = "Cath has been switched off: sign in again. Nothing was sold; the cart is kept."


@pytest.fixture
def till(qtbot, shop, station, new_uow):
    """The Sell screen with Cath (cashier) signed in on the open till."""
    cath = staff(new_uow, "Cath", Role.CASHIER, "2468", by=owner(new_uow))
    station.sign_in(cath, station.shift)
    window = create_main_window(shop, station)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    view = window.view_named("cartView")
    assert isinstance(view, CartView)
    qtbot.waitUntil(lambda: not view.background.busy())
    qtbot.waitUntil(view.scanField.hasFocus)
    return view


def switch_off_cath(new_uow, station) -> None:
    with new_uow() as uow:
        set_active(uow, owner(new_uow), station.staff.staff_id, False)


def scan_chai(qtbot, view: CartView) -> None:
    qtbot.keyClicks(view.scanField, CHAI)
    qtbot.keyClick(view.scanField, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)


def assert_refused(view: CartView, station, db, before) -> None:
    assert view.checkout_dialog is None
    assert view.message.is_error and view.message.text() == SAID
    assert station.staff is None and station.shift is None
    assert view.model.rowCount() == 1  # the cart stays for whoever signs in next
    assert snapshot(db) == before


def test_switched_off_before_paying_is_told_and_signed_out(qtbot, till, station, db, new_uow):
    scan_chai(qtbot, till)
    switch_off_cath(new_uow, station)
    before = snapshot(db)
    qtbot.keyClick(till.scanField, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: station.staff is None)
    assert_refused(till, station, db, before)


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_switched_off_while_paying_is_told_and_signed_out(qtbot, till, station, db, new_uow):
    """PostgreSQL only: its open header holds no lock that switching someone off waits for,
    so the owner's change lands while the checkout is open; Enter then refuses the sale. (On
    SQLite the open header holds the write lock: nobody can be switched off under it.)"""
    scan_chai(qtbot, till)
    qtbot.keyClick(till.scanField, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: till.checkout_dialog is not None)
    dialog = till.checkout_dialog
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(dialog.cashGivenField.hasFocus)
    switch_off_cath(new_uow, station)
    before = snapshot(db)
    qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.checkout_dialog is None)
    assert_refused(till, station, db, before)
