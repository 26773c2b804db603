"""A cashier's sale driven through the real widgets, on SQLite and PostgreSQL.

Keys go where a cashier's keys go: the scanner types into the scan field and presses
Enter, F12 opens the checkout, Enter confirms, Esc cancels.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from sqlalchemy import text

from pos_app.domain.errors import ConnectionLost, DatabaseBusy
from pos_app.repositories import UnitOfWork
from pos_app.services import sale
from pos_app.ui.app import create_main_window
from pos_app.ui.cart_view import CartView
from pos_app.ui.checkout_dialog import CheckoutDialog
from pos_app.ui.checkout_dialog import demo as checkout_demo
from pos_app.ui.money import format_money
from tests.factories import snapshot, stock_of

CHAI, SYRUP, TOFU = "5000001", "5000002", "5000003"


@pytest.fixture
def till(qtbot, shop, station) -> CartView:
    """The Sell screen in the till's window, shown, active and focused, as the cashier finds it
    (signed in, with the till open)."""
    window = create_main_window(shop, station)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    with qtbot.waitExposed(window):
        window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    view = window.view_named("cartView")
    assert isinstance(view, CartView) and view.isVisible()
    qtbot.waitUntil(lambda: not view.background.busy())
    qtbot.waitUntil(view.scanField.hasFocus)
    return view


def scan(qtbot, view: CartView, code: str) -> None:
    qtbot.keyClicks(view.scanField, code)
    qtbot.keyClick(view.scanField, Qt.Key.Key_Return)


def press_pay(qtbot, view: CartView) -> CheckoutDialog:
    qtbot.keyClick(view.scanField, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: view.checkout_dialog is not None)
    dialog = view.checkout_dialog
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(dialog.cashGivenField.hasFocus)
    return dialog


def wait_closed(qtbot, view: CartView) -> None:
    qtbot.waitUntil(lambda: view.checkout_dialog is None)
    qtbot.waitUntil(view.scanField.hasFocus)


def count(db, sql: str, **params) -> int:
    with db.reader() as session:
        return session.execute(text(sql), params).scalar_one()


def order_number(dialog: CheckoutDialog) -> int:
    label = dialog.orderNumberLabel.text()
    assert label.startswith("Order "), label
    return int(label.split()[1])


def test_cashier_scans_pays_exact_cash_and_the_sale_is_stored(qtbot, till, db):
    for code in (CHAI, TOFU, CHAI):
        scan(qtbot, till, code)
    assert till.model.rowCount() == 2
    assert [(line.product.sku, line.quantity) for line in till.model.cart.lines] == [
        ("CHAI", 2),
        ("TOFU", 1),
    ]
    total = 3600 + 720 + 2325 + 116  # tax per line, rounded half-up: 23.25 * 5 % = 1.1625
    assert till.totalLabel.text() == format_money(total)
    assert till.subtotalLabel.text() == format_money(5925)
    assert till.taxLabel.text() == format_money(836)

    dialog = press_pay(qtbot, till)
    order_id = order_number(dialog)  # read before confirming
    assert dialog.findChild(type(dialog.totalLabel), "checkoutTotalLabel").text() == format_money(
        total
    )
    # The header exists only inside the dialog's transaction: nobody else sees it yet.
    assert count(db, "SELECT count(*) FROM orders WHERE id = :id", id=order_id) == 0
    assert count(db, "SELECT count(*) FROM orders WHERE status = 'completed'") == 0
    assert dialog.changeLabel.text() == format_money(0)

    qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_Return)  # empty field: exact cash
    wait_closed(qtbot, till)

    receipt = till.last_receipt
    assert receipt is not None and receipt.order_id == order_id
    assert receipt.total == total and receipt.change == 0
    assert f"Receipt {receipt.receipt_no}" in till.lastReceiptLabel.text()
    assert till.lastChangeLabel.text() == f"Change {format_money(0)}"
    assert f"Receipt {receipt.receipt_no}" in till.receiptText.toPlainText()
    assert till.model.rowCount() == 0 and till.totalLabel.text() == format_money(0)
    assert till.scanField.hasFocus()

    with UnitOfWork(db.writer) as uow:
        stored = uow.sales.receipt(order_id)
    assert stored.total == total and stored.receipt_no == receipt.receipt_no
    assert [(line.sku, line.quantity) for line in stored.lines] == [("CHAI", 2), ("TOFU", 1)]
    assert [(p.kind.value, p.applied, p.change) for p in stored.payments] == [("cash", total, 0)]
    assert stock_of(db, "CHAI") == 10 and stock_of(db, "TOFU") == 39
    assert till.store.check().ok


def test_cash_given_shows_change_live(qtbot, till, db):
    scan(qtbot, till, CHAI)
    dialog = press_pay(qtbot, till)
    qtbot.keyClicks(dialog.cashGivenField, "20")
    assert dialog.changeLabel.text() == format_money(2160 - 2000) + " short"
    qtbot.keyClicks(dialog.cashGivenField, ".5")
    assert dialog.changeLabel.text() == format_money(2160 - 2050) + " short"
    dialog.cashGivenField.clear()
    qtbot.keyClicks(dialog.cashGivenField, "50")
    assert dialog.changeLabel.text() == format_money(5000 - 2160)
    qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_Return)
    wait_closed(qtbot, till)
    assert till.last_receipt.change == 2840
    assert till.lastChangeLabel.text() == f"Change {format_money(2840)}"
    with UnitOfWork(db.writer) as uow:
        payments = uow.sales.receipt(till.last_receipt.order_id).payments
    assert [(p.given, p.applied, p.change) for p in payments] == [(5000, 2160, 2840)]


def test_card_payment_by_shortcut(qtbot, till, db):
    scan(qtbot, till, "2*" + TOFU)
    dialog = press_pay(qtbot, till)
    qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_F6)
    assert dialog.cardButton.isChecked() and not dialog.cashGivenField.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    wait_closed(qtbot, till)
    assert [p.kind.value for p in till.last_receipt.payments] == ["card"]
    assert stock_of(db, "TOFU") == 38


def test_escape_cancels_and_leaves_no_trace(qtbot, till, db):
    scan(qtbot, till, CHAI)
    scan(qtbot, till, SYRUP)
    before = snapshot(db)
    dialog = press_pay(qtbot, till)
    order_number(dialog)
    qtbot.keyClicks(dialog.cashGivenField, "100")
    qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_Escape)
    wait_closed(qtbot, till)
    assert dialog.receipt is None and dialog._uow is None  # the unit of work was closed
    assert snapshot(db) == before
    assert stock_of(db, "CHAI") == 12
    assert [line.product.sku for line in till.model.cart.lines] == ["CHAI", "SYRUP"]
    assert "cancelled" in till.message.text()
    # The lock is given back: a second checkout works straight away.
    dialog = press_pay(qtbot, till)
    qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_Return)
    wait_closed(qtbot, till)
    assert till.last_receipt.receipt_no == 1


def test_short_stock_names_the_product_and_keeps_the_cart(qtbot, till, db):
    scan(qtbot, till, "3*" + SYRUP)
    scan(qtbot, till, CHAI)
    before = snapshot(db)
    dialog = press_pay(qtbot, till)
    qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_Return)
    wait_closed(qtbot, till)
    assert dialog.receipt is None
    message = till.message.text()
    assert till.message.is_error
    assert "Aniseed Syrup" in message and "only 2 in stock" in message
    assert snapshot(db) == before
    assert [(line.product.sku, line.quantity) for line in till.model.cart.lines] == [
        ("SYRUP", 3),
        ("CHAI", 1),
    ]
    assert till.model.short_rows() == [0]
    assert "only 2 in stock" in till.model.index(0, 0).data()
    assert till.selected_row() == 0

    # Fix the quantity in place with the keyboard: F7, type 2, Enter.
    qtbot.keyClick(till.scanField, Qt.Key.Key_F7)
    qtbot.waitUntil(
        lambda: (
            isinstance(QApplication.focusWidget(), QLineEdit)
            and QApplication.focusWidget() is not till.scanField
        )
    )
    editor = QApplication.focusWidget()
    assert editor.selectedText() == "3"
    qtbot.keyClicks(editor, "2")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(till.scanField.hasFocus)
    assert till.model.cart.lines[0].quantity == 2
    assert till.model.short_rows() == []

    dialog = press_pay(qtbot, till)
    qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_Return)
    wait_closed(qtbot, till)
    assert till.last_receipt is not None
    assert stock_of(db, "SYRUP") == 0 and stock_of(db, "CHAI") == 11
    assert till.store.check().ok


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("999999", "No product with barcode or SKU “999999”"),
        ("0*" + CHAI, "at least 1"),
        ("abc*", "No product"),
        ("999999*" + CHAI, "cannot be more than"),
    ],
)
def test_bad_scans_say_why_and_keep_the_focus(qtbot, till, typed, expected):
    scan(qtbot, till, typed)
    assert till.message.is_error and expected in till.message.text()
    assert till.model.rowCount() == 0
    assert till.scanField.hasFocus()
    assert till.scanField.selectedText() == typed  # the next scan replaces it
    scan(qtbot, till, CHAI)
    assert till.model.rowCount() == 1 and not till.message.isVisible()


def test_bad_cash_given_is_refused(qtbot, till, db):
    scan(qtbot, till, CHAI)
    dialog = press_pay(qtbot, till)
    qtbot.keyClicks(dialog.cashGivenField, "12abc")
    assert dialog.changeLabel.text() == "—"
    qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.receipt is None
    assert dialog.message.is_error and "number" in dialog.message.text()
    assert dialog.cashGivenField.hasFocus()
    dialog.cashGivenField.clear()
    qtbot.keyClicks(dialog.cashGivenField, "5")
    qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_Return)
    assert dialog.isVisible() and "short" in dialog.message.text()
    qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_Escape)
    wait_closed(qtbot, till)
    assert count(db, "SELECT count(*) FROM orders") == 0


@pytest.mark.parametrize("error", [DatabaseBusy, ConnectionLost])
def test_busy_or_lost_database_at_confirm_can_be_retried(qtbot, till, db, monkeypatch, error):
    real_confirm = sale.Checkout.confirm
    calls = []

    def flaky_confirm(self, tenders):
        calls.append(1)
        if len(calls) == 1:
            self.uow.rollback()  # what a failed commit leaves behind
            self._order = None
            raise error("The database is busy with another till or window.")
        return real_confirm(self, tenders)

    monkeypatch.setattr(sale.Checkout, "confirm", flaky_confirm)
    scan(qtbot, till, CHAI)
    dialog = press_pay(qtbot, till)
    qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.message.is_error
    assert "try again" in dialog.message.text()
    qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_Return)
    wait_closed(qtbot, till)
    assert till.last_receipt is not None and len(calls) == 2
    assert stock_of(db, "CHAI") == 11
    assert count(db, "SELECT count(*) FROM orders") == 1
    assert till.store.check().ok


def test_unexpected_error_is_logged_and_the_dialog_stays_usable(qtbot, till, db, monkeypatch):
    def broken(self, tenders):
        raise RuntimeError("bug")

    scan(qtbot, till, CHAI)
    dialog = press_pay(qtbot, till)
    monkeypatch.setattr(sale.Checkout, "confirm", broken)
    qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_Return)
    assert dialog.isVisible() and "went wrong" in dialog.message.text()
    qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_Escape)
    wait_closed(qtbot, till)
    assert count(db, "SELECT count(*) FROM orders") == 0


def test_pay_on_an_empty_cart_only_hints(qtbot, till):
    qtbot.keyClick(till.scanField, Qt.Key.Key_F12)
    assert till.checkout_dialog is None
    assert "empty" in till.message.text()
    assert till.scanField.hasFocus()


def test_demo_dialog_holds_no_transaction(qtbot, shop, db):
    dialog = checkout_demo(shop)
    qtbot.addWidget(dialog)
    assert dialog.orderNumberLabel.text().startswith("Order ")
    assert dialog.cashGivenField.text()
    assert dialog._uow is None
    assert count(db, "SELECT count(*) FROM orders") == 0


def test_busy_database_when_the_dialog_opens_is_retried_with_enter(qtbot, till, db, monkeypatch):
    real_begin = sale.Checkout.begin
    calls = []

    def flaky_begin(self):
        calls.append(1)
        if len(calls) == 1:
            raise DatabaseBusy("The database is busy with another till or window.")
        return real_begin(self)

    monkeypatch.setattr(sale.Checkout, "begin", flaky_begin)
    scan(qtbot, till, CHAI)
    dialog = press_pay(qtbot, till)
    assert dialog.orderNumberLabel.text() == "Order —"
    assert dialog.message.is_error and "busy" in dialog.message.text()
    qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_Return)  # retry: the number appears
    assert dialog.isVisible() and dialog.receipt is None
    order_id = order_number(dialog)
    qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_Return)  # now take the payment
    wait_closed(qtbot, till)
    assert till.last_receipt.order_id == order_id
    assert stock_of(db, "CHAI") == 11


def test_pay_without_an_open_till_says_so_and_opens_nothing(qtbot, till, db):
    till.station.set_shift(None)  # signed in, but the till is not open
    scan(qtbot, till, CHAI)
    qtbot.keyClick(till.scanField, Qt.Key.Key_F12)
    assert till.checkout_dialog is None
    assert till.message.is_error and "Open the till" in till.message.text()
    assert till.scanField.hasFocus() and till.model.rowCount() == 1
    assert count(db, "SELECT count(*) FROM orders") == 0


def test_a_till_closed_elsewhere_refuses_the_sale_in_place(qtbot, till, db, caplog):
    """Another till (or the back office) closed this till's session: the cashier is told in
    the dialog, nothing is stored, and Esc takes her back to the cart."""
    with UnitOfWork(db.writer) as uow, uow.guard():
        uow.session.execute(
            text(
                "UPDATE till_sessions SET status = 'closed', z_no = 1, "
                "closed_at = CURRENT_TIMESTAMP WHERE id = :id"
            ),
            {"id": till.station.shift.session_id},
        )
        uow.commit()
    before = snapshot(db)
    scan(qtbot, till, CHAI)
    dialog = press_pay(qtbot, till)
    qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.receipt is None
    assert dialog.message.is_error and "closed" in dialog.message.text()
    assert snapshot(db) == before
    qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_Escape)
    wait_closed(qtbot, till)
    assert till.last_receipt is None and till.model.rowCount() == 1
    assert snapshot(db) == before
    assert [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")] == []
