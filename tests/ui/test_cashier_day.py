"""A whole cashier's day through the real window, with keys only, on SQLite and PostgreSQL.

Cass signs in, opens Till 1 with a float, sells three times (cash, exact cash, card),
parks and resumes a cart, refunds part of a sale with Max's approval, takes cash out,
closes the till with what she counts and reads the Z report. Afterwards the books balance,
stock equals its movements, the audit chain is intact and the Z figures are the day's.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import text

from pos_app.domain.staff import Permission, Role
from pos_app.domain.tender import TenderKind
from pos_app.ui.app import create_main_window
from pos_app.ui.sign_in_dialog import SignInDialog
from pos_app.ui.station import Station
from tests.factories import assert_clean, staff, stock_of

from .approvals import approve_as

ENTER = Qt.Key.Key_Return
CTRL = Qt.KeyboardModifier.ControlModifier


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # noqa: ANN001
    """A key where the focus is (a cashier's keyboard), once a window of ours has it."""
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def type_(qtbot, widget, typed: str, *, enter: bool = True) -> None:  # noqa: ANN001
    qtbot.keyClicks(widget, typed)
    if enter:
        qtbot.keyClick(widget, ENTER)


def scan(qtbot, sell, *codes: str) -> None:  # noqa: ANN001
    for code in codes:
        type_(qtbot, sell.scanField, code)


def pay(qtbot, sell, typed_cash: str | None = None, *, card: bool = False):  # noqa: ANN001
    before = sell.last_receipt
    press(qtbot, Qt.Key.Key_F12)
    qtbot.waitUntil(
        lambda: sell.checkout_dialog is not None and sell.checkout_dialog.order_id is not None
    )
    dialog = sell.checkout_dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    if card:
        press(qtbot, Qt.Key.Key_F6)
        assert not dialog.cashGivenField.isEnabled()
        qtbot.keyClick(dialog, ENTER)  # no field left to type in: the dialog takes the key
    else:
        if typed_cash:
            qtbot.keyClicks(dialog.cashGivenField, typed_cash)
        press(qtbot, ENTER)
    qtbot.waitUntil(lambda: sell.checkout_dialog is None and sell.last_receipt is not before)
    return sell.last_receipt


def test_a_whole_cashier_day_by_keys(qtbot, shop, new_uow, db, monkeypatch):
    olive = staff(new_uow, "Olive", Role.OWNER, "1234")
    max_ = staff(new_uow, "Max", Role.MANAGER, "2345", by=olive)
    staff(new_uow, "Cass", Role.CASHIER, "3456", by=olive)

    # -- signing in -----------------------------------------------------------------------
    station = Station("Till 1")
    dialog = SignInDialog(shop, station)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    name = dialog.nameBox.lineEdit()
    name.selectAll()
    type_(qtbot, name, "Cass")
    type_(qtbot, dialog.pinField, "3456")
    qtbot.waitUntil(lambda: station.staff is not None)
    assert station.staff.name == "Cass" and station.shift is None

    window = create_main_window(shop, station)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    with qtbot.waitExposed(window):
        window.show()
    with qtbot.waitActive(window):
        window.activateWindow()

    # -- opening the till ---------------------------------------------------------------
    qtbot.keyClick(window, Qt.Key.Key_T, CTRL)
    till = window.view_named("tillView")
    qtbot.waitUntil(lambda: till.floatField.isVisible() and till.floatField.hasFocus())
    type_(qtbot, till.floatField, "150")
    qtbot.waitUntil(lambda: station.shift is not None)

    # -- selling ----------------------------------------------------------------------------
    press(qtbot, Qt.Key.Key_F1)
    sell = window.view_named("cartView")
    qtbot.waitUntil(sell.scanField.hasFocus)
    scan(qtbot, sell, "5000001", "5000001", "5000003")  # 2 Chai, 1 Tofu
    first = pay(qtbot, sell, "100")
    assert first.receipt_no == 1 and first.cashier == "Cass" and first.till_name == "Till 1"
    assert first.change == 10_000 - first.total

    scan(qtbot, sell, "5000002")  # a Syrup, then the customer steps aside
    press(qtbot, Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: getattr(sell, "parked_dialog", None) is not None)
    parking = sell.parked_dialog
    qtbot.waitUntil(parking.labelField.hasFocus)
    press(qtbot, ENTER)  # no label
    qtbot.waitUntil(lambda: sell.model.rowCount() == 0 and sell.scanField.hasFocus())
    scan(qtbot, sell, "3*5000003")
    second = pay(qtbot, sell)  # Enter on the empty cash field: the exact amount
    assert second.receipt_no == 2 and second.change == 0

    press(qtbot, Qt.Key.Key_F11)  # the Syrup customer is back
    qtbot.waitUntil(lambda: getattr(sell, "parked_dialog", None) is not None)
    parked = sell.parked_dialog
    qtbot.waitUntil(parked.table.hasFocus)
    press(qtbot, ENTER)
    qtbot.waitUntil(lambda: sell.model.rowCount() == 1 and sell.scanField.hasFocus())
    third = pay(qtbot, sell, card=True)
    assert third.receipt_no == 3 and {p.kind for p in third.payments} == {TenderKind.CARD}

    # -- a refund of one Chai from the first sale, approved by Max -------------------------
    asked = approve_as(monkeypatch, max_)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_R, CTRL)
    refunds = window.view_named("refundView")
    qtbot.waitUntil(refunds.receiptField.hasFocus)
    type_(qtbot, refunds.receiptField, str(first.receipt_no))
    qtbot.waitUntil(refunds.linesTable.hasFocus)
    table = refunds.linesTable
    table.setCurrentIndex(refunds.model.index(0, 4))
    qtbot.keyClicks(table, "1")  # any key starts editing "Refund now"
    qtbot.waitUntil(lambda: table.state() == table.State.EditingState)
    press(qtbot, ENTER)
    qtbot.waitUntil(lambda: table.state() != table.State.EditingState)
    qtbot.keyClick(table, ENTER)
    qtbot.waitUntil(lambda: refunds.last_refund is not None)
    refund = refunds.last_refund
    assert refund.refund_no == 1 and refund.paid == 2160  # 18.00 + 20 %
    assert [a[0] for a in asked] == [Permission.REFUND]

    # -- cash out, then closing with what was counted ------------------------------------------
    qtbot.keyClick(window, Qt.Key.Key_T, CTRL)
    qtbot.waitUntil(till.isVisible)
    qtbot.keyClick(till, Qt.Key.Key_O, CTRL)
    qtbot.waitUntil(lambda: till.dialog is not None)
    moving = till.dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is moving)
    type_(qtbot, moving.amountField, "50")
    type_(qtbot, moving.reasonField, "Bank deposit")
    qtbot.waitUntil(lambda: till.dialog is None)

    expected_cash = 15_000 + first.total + second.total - refund.paid - 5_000
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(till, Qt.Key.Key_E, CTRL)
    qtbot.waitUntil(lambda: till.dialog is not None)
    closing = till.dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is closing)
    cash = closing.countedFields[TenderKind.CASH]
    type_(qtbot, cash, f"{(expected_cash - 20) / 100:.2f}")  # 0.20 short
    type_(qtbot, closing.countedFields[TenderKind.CARD], f"{third.total / 100:.2f}")
    qtbot.waitUntil(lambda: till.dialog is None)
    assert station.shift is None
    assert "Z report 1" in till.message.text() and "0.20" in till.message.text()

    # -- the books ----------------------------------------------------------------------
    assert_clean(db)
    assert stock_of(db, "CHAI") == 12 - 2 + 1
    assert stock_of(db, "TOFU") == 40 - 4
    assert stock_of(db, "SYRUP") == 2 - 1
    with db.reader() as session:
        short = session.execute(
            text(
                "SELECT coalesce(sum(e.debit - e.credit), 0) FROM journal_entries e "
                "JOIN accounts a ON a.id = e.account_id WHERE a.code = '5200'"
            )
        ).scalar_one()
        z = session.execute(
            text("SELECT z_no, over_short, sales_count FROM till_sessions")
        ).one()
        actions = [
            row[0] for row in session.execute(text("SELECT action FROM audit_log ORDER BY seq"))
        ]
    assert int(short) == 20 and tuple(z) == (1, -20, 3)
    assert actions[-4:] == ["refund", "cash.out", "till.close"][-3:] or "till.close" in actions
    assert {"till.open", "refund", "cash.out", "till.close"} <= set(actions)
    assert shop.verify_audit()[1] == []
