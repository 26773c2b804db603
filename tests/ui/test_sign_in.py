"""Signing in with keys: the owner created on a fresh store, the open till taken over, a wrong
PIN and a lockout told in place, Sign out (Ctrl+L) keeping the window and the cart."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from pos_app.domain.staff import Role, StaffMember
from pos_app.services.staff import LOCK_AFTER
from pos_app.ui import app as app_module
from pos_app.ui.app import create_main_window
from pos_app.ui.session_bar import session_text
from pos_app.ui.sign_in_dialog import OWNER_PAGE, SIGN_IN_PAGE, SignInDialog
from pos_app.ui.station import Station
from tests.factories import open_shift, staff


@pytest.fixture
def people(new_uow):
    owner = staff(new_uow, "Olive", Role.OWNER, "1234")
    cashier = staff(new_uow, "Cath", Role.CASHIER, "2468", by=owner)
    return owner, cashier


def opened(qtbot, store, station=None, **kwargs) -> SignInDialog:
    dialog = SignInDialog(store, station or Station("Till 1"), **kwargs)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    return dialog


def sign_in_with_keys(qtbot, dialog: SignInDialog, name: str, pin: str) -> None:
    edit = dialog.nameBox.lineEdit()
    edit.selectAll()
    qtbot.keyClicks(edit, name)
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # Enter on the name goes on to the PIN
    qtbot.keyClicks(dialog.pinField, pin)
    qtbot.keyClick(dialog.pinField, Qt.Key.Key_Return)


def test_a_fresh_store_creates_its_owner(qtbot, store, db):
    station = Station("Till 1")
    dialog = opened(qtbot, store, station)
    assert dialog.page == OWNER_PAGE and dialog.ownerName.hasFocus()
    qtbot.keyClicks(dialog.ownerName, "  Olive   Owner ")
    qtbot.keyClick(dialog.ownerName, Qt.Key.Key_Return)
    assert dialog.ownerPin.hasFocus()
    qtbot.keyClicks(dialog.ownerPin, "2580")
    qtbot.keyClick(dialog.ownerPin, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.ownerPinAgain, "2581")
    qtbot.keyClick(dialog.ownerPinAgain, Qt.Key.Key_Return)
    assert dialog.message.text() == "The two PINs differ: type the same PIN twice."
    assert store.staff_rows() == []
    qtbot.keyClicks(dialog.ownerPinAgain, "2580")
    qtbot.keyClick(dialog.ownerPinAgain, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    [row] = store.staff_rows()
    assert (row.name, row.role, row.active) == ("Olive Owner", "owner", True)
    assert station.staff == StaffMember(row.staff_id, "Olive Owner", Role.OWNER)
    assert station.shift is None  # no session open on Till 1: the Till screen opens it
    assert [r.action for r in store.audit_rows()] == ["staff.add"]


def test_a_short_owner_pin_is_said_in_place(qtbot, store):
    dialog = opened(qtbot, store)
    qtbot.keyClicks(dialog.ownerName, "Olive")
    for field in (dialog.ownerPin, dialog.ownerPinAgain):
        qtbot.keyClicks(field, "12")
    qtbot.keyClick(dialog.ownerPinAgain, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.message.text() == "A PIN is 4 to 8 digits."
    assert store.staff_rows() == []


def test_sign_in_takes_over_the_open_till(qtbot, store, new_uow, people):
    owner, cashier = people
    shift = open_shift(new_uow, till="Till 1", cashier=owner)
    station = Station("Till 1")
    changes = []
    station.changed.connect(lambda: changes.append(station.staff))
    dialog = opened(qtbot, store, station)
    assert dialog.page == SIGN_IN_PAGE and dialog.nameBox.hasFocus()
    assert [dialog.nameBox.itemText(i) for i in range(dialog.nameBox.count())] == [
        "Cath",
        "Olive",
    ]
    sign_in_with_keys(qtbot, dialog, "cath", "2468")  # any case
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.staff == cashier and station.staff == cashier
    assert station.shift is not None
    assert (station.shift.session_id, station.shift.till_name) == (shift.session_id, "Till 1")
    assert station.shift.cashier == cashier  # Cath's sales are hers, in Olive's session
    assert changes == [cashier]
    assert not dialog.uow.is_open


def test_another_till_being_open_is_not_this_one(qtbot, store, new_uow, people):
    owner, _ = people
    open_shift(new_uow, till="Till 2", cashier=owner)
    station = Station("Till 1")
    dialog = opened(qtbot, store, station)
    sign_in_with_keys(qtbot, dialog, "Olive", "1234")
    assert station.staff == owner and station.shift is None


@pytest.mark.parametrize("name", ["Cath", "Nobody"])
def test_wrong_pin_and_unknown_name_look_the_same(qtbot, store, people, name):
    station = Station("Till 1")
    dialog = opened(qtbot, store, station)
    sign_in_with_keys(qtbot, dialog, name, "9999")
    assert dialog.isVisible() and station.staff is None
    assert dialog.message.is_error
    assert dialog.message.text() == "That name and PIN do not match anyone here."
    assert dialog.pinField.text() == "" and dialog.pinField.hasFocus()


def test_locked_out_after_too_many_wrong_pins(qtbot, store, people):
    dialog = opened(qtbot, store)
    for _ in range(LOCK_AFTER):
        sign_in_with_keys(qtbot, dialog, "Cath", "0000")
    sign_in_with_keys(qtbot, dialog, "Cath", "2468")  # even the right PIN now
    assert dialog.isVisible()
    assert dialog.message.text().startswith("Too many wrong PINs: try again in 5 minute")


def test_the_pin_field_takes_digits_only_and_hides_them(qtbot, store, people):
    dialog = opened(qtbot, store)
    qtbot.keyClicks(dialog.pinField, "12ab34-56789")
    assert dialog.pinField.text() == "12345678"  # letters refused, at most 8 digits
    assert dialog.pinField.displayText() != "12345678"


def test_escape_quits_at_start_up_but_not_after_sign_out(qtbot, store, people):
    dialog = opened(qtbot, store)
    qtbot.keyClick(dialog.nameBox, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected and dialog.staff is None
    locked = opened(qtbot, store, locked=True)
    qtbot.keyClick(locked.nameBox, Qt.Key.Key_Escape)
    assert locked.isVisible()
    assert locked.quitButton.text() == "Quit pos-app"
    qtbot.mouseClick(locked.quitButton, Qt.MouseButton.LeftButton)
    assert locked.result() == QDialog.DialogCode.Rejected


def later(qtbot, action) -> None:  # noqa: ANN001
    """Run ``action`` once a modal dialog is up (exec() blocks the test until it closes)."""
    QTimer.singleShot(0, action)


def modal() -> SignInDialog:
    widget = QApplication.activeModalWidget()
    assert isinstance(widget, SignInDialog)
    return widget


def test_sign_out_keeps_the_window_and_the_cart(qtbot, shop, new_uow, people):
    owner, cashier = people
    open_shift(new_uow, till="Till 1", cashier=owner)
    station = Station("Till 1")
    first = SignInDialog(shop, station)
    first._signed_in(owner)
    first.deleteLater()
    window = create_main_window(shop, station)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    status = window.session_bar.label
    assert status.text() == "Signed in: Olive (owner) · Till 1"
    cart = window.view_named("cartView")
    qtbot.keyClicks(cart.scanField, "5000001")
    qtbot.keyClick(cart.scanField, Qt.Key.Key_Return)
    assert cart.model.rowCount() == 1

    seen = []

    def next_person() -> None:
        dialog = modal()
        seen.append((dialog.locked, station.staff))
        sign_in_with_keys(qtbot, dialog, "Cath", "2468")

    later(qtbot, next_person)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert seen == [(True, None)]  # signed out while the prompt was up
    assert station.staff == cashier and station.shift is not None
    assert status.text() == "Signed in: Cath (cashier) · Till 1"
    assert window.isVisible() and cart.model.rowCount() == 1  # the cart is kept


def test_quitting_at_the_sign_out_prompt_closes_the_window(qtbot, store, people):
    owner, _ = people
    station = Station("Till 1")
    station.sign_in(owner)
    window = create_main_window(store, station)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    assert window.session_bar.label.text() == "Signed in: Olive (owner) · Till 1 (closed)"
    later(qtbot, lambda: qtbot.mouseClick(modal().quitButton, Qt.MouseButton.LeftButton))
    qtbot.mouseClick(window.session_bar.button, Qt.MouseButton.LeftButton)
    assert not window.isVisible() and station.staff is None


def test_a_window_without_anyone_signed_in_offers_sign_in(qtbot, store):
    station = Station("Till 1")
    window = create_main_window(store, station)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    assert session_text(station) == "Not signed in · Till 1"
    assert window.session_bar.button.text() == "Sign in (Ctrl+L)"
    window.close()


def test_run_gui_signs_in_first_and_quits_when_asked(qtbot, db_url, monkeypatch, people):
    asked = []

    def quit_at_sign_in(cls, store, station, parent=None, **_kw):  # noqa: ANN001
        asked.append(station.till_name)
        return None

    monkeypatch.setattr(SignInDialog, "ask", classmethod(quit_at_sign_in))
    windows = []
    monkeypatch.setattr(app_module, "create_main_window", lambda *a: windows.append(a))
    assert app_module.run_gui(db_url) == 0
    assert len(asked) == 1 and windows == []


def test_run_gui_opens_the_window_for_whoever_signed_in(qtbot, db_url, monkeypatch, people):
    owner, _ = people

    def signed_in(cls, store, station, parent=None, **_kw):  # noqa: ANN001
        station.sign_in(owner)
        return owner

    monkeypatch.setattr(SignInDialog, "ask", classmethod(signed_in))
    opened_windows = []
    real = app_module.create_main_window

    def create(store, station):  # noqa: ANN001
        window = real(store, station)
        opened_windows.append((window, station.staff))
        QTimer.singleShot(50, window.close)  # the last window closed ends app.exec()
        return window

    monkeypatch.setattr(app_module, "create_main_window", create)
    assert app_module.run_gui(db_url) == 0
    [(window, who)] = opened_windows
    assert who == owner
    window.deleteLater()
