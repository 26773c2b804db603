"""Discounts, price changes and cash rounding on the Sell screen, driven by keys, on SQLite
and PostgreSQL: Ctrl+D (line), Ctrl+Shift+D (whole sale), Ctrl+O (price), the manager's
approval when a cashier may not, and the cash-rounded amount due in the checkout."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import text

from pos_app.domain.settings import StoreSettings
from pos_app.domain.staff import Permission, Role
from pos_app.ui.cart_model import DISCOUNT, LINE_TOTAL, UNIT_PRICE
from pos_app.ui.cart_view import CartView
from pos_app.ui.discount_dialog import DiscountDialog, PriceDialog
from pos_app.ui.discount_dialog import demo as discount_demo
from pos_app.ui.money import format_money
from pos_app.ui.station import Station
from tests.factories import open_shift, product, staff, stock_of
from tests.ui.approvals import approve_as, refuse_approval

CHAI, SYRUP, TOFU = "5000001", "5000002", "5000003"


def use_settings(new_uow, **changes) -> None:
    with new_uow() as uow:
        uow.settings.save(replace(StoreSettings(), **changes))
        uow.commit()


@pytest.fixture
def people(new_uow, shop):
    owner = staff(new_uow, "Olive", Role.OWNER, "1234")
    manager = staff(new_uow, "Max", Role.MANAGER, "5678", by=owner)
    cashier = staff(new_uow, "Cara", Role.CASHIER, "2468", by=owner)
    return owner, manager, cashier


def shown(qtbot, view: CartView) -> CartView:
    qtbot.addWidget(view)
    view.setMinimumSize(1024, 680)
    with qtbot.waitExposed(view):
        view.show()
    with qtbot.waitActive(view):
        view.activateWindow()
    qtbot.waitUntil(lambda: not view.background.busy())
    qtbot.waitUntil(view.scanField.hasFocus)
    return view


@pytest.fixture
def till(qtbot, shop, new_uow, people) -> CartView:
    """Cara (a cashier) signed in on Till 2 with her session open."""
    _, _, cashier = people
    shift = open_shift(new_uow, till="Till 2", cashier=cashier)
    station = Station("Till 2")
    station.sign_in(cashier, shift)
    return shown(qtbot, CartView(shop, station))


def scan(qtbot, view: CartView, code: str) -> None:
    qtbot.keyClicks(view.scanField, code)
    qtbot.keyClick(view.scanField, Qt.Key.Key_Return)


def answer(qtbot, kind, *keys) -> list:  # noqa: ANN001
    """Once the modal ``kind`` dialog is up (exec() blocks), type ``keys`` into it: text is
    typed into the focused field, Qt keys are pressed (with their modifiers as tuples),
    callables get the dialog."""
    seen: list = []

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            QTimer.singleShot(10, act)
            return
        seen.append(dialog)
        for key in keys:
            target = dialog.focusWidget() or dialog  # the dialog's field, not the screen's
            if callable(key):
                key(dialog)
            elif isinstance(key, str):
                qtbot.keyClicks(target, key)
            elif isinstance(key, tuple):
                qtbot.keyClick(target, key[0], key[1])
            else:
                qtbot.keyClick(target, key)
        # Still open (something was refused)? Close it, so the test fails instead of hanging.
        QTimer.singleShot(0, lambda: dialog.isVisible() and dialog.reject())

    QTimer.singleShot(0, act)
    return seen


def press(qtbot, view: CartView, key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:  # noqa: ANN001
    """A key on the Sell screen that opens a dialog; back when the scanner has the focus."""
    qtbot.keyClick(view.scanField, key, modifiers)
    qtbot.waitUntil(view.scanField.hasFocus)


CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def rows(db, sql: str, **params) -> list[tuple]:
    with db.reader() as session:
        return [tuple(r) for r in session.execute(text(sql), params)]


def test_a_discount_within_the_limit_needs_nobody(qtbot, till, monkeypatch):
    calls = refuse_approval(monkeypatch)
    scan(qtbot, till, f"2*{CHAI}")
    seen = answer(qtbot, DiscountDialog, "10", Qt.Key.Key_Return)
    press(qtbot, till, Qt.Key.Key_D, CTRL)
    assert seen and calls == []
    line = till.model.cart.lines[0]
    assert line.discount is not None and line.net == 3240
    assert till.model.index(0, DISCOUNT).data() == f"−{format_money(360)} (10 %)"
    assert till.model.index(0, LINE_TOTAL).data() == format_money(3240 + 648)
    assert till.side.lineDiscountLabel.isVisible()
    assert till.side.lineDiscountLabel.text() == f"−{format_money(360)}"
    assert till.totalLabel.text() == format_money(3888)
    assert "Discount on Chai: 10 %" in till.message.text()
    qtbot.waitUntil(till.scanField.hasFocus)  # the scanner keeps working


def test_above_the_limit_a_manager_approves_and_the_sale_records_it(
    qtbot, till, monkeypatch, people, db
):
    _, manager, cashier = people
    calls = approve_as(monkeypatch, manager)
    scan(qtbot, till, CHAI)
    answer(qtbot, DiscountDialog, "25", Qt.Key.Key_Return)
    press(qtbot, till, Qt.Key.Key_D, CTRL)
    assert calls == [(Permission.DISCOUNT_OVER_LIMIT, "a 25 % discount on Chai")]
    assert "Approved by Max" in till.message.text()
    assert till.totalLabel.text() == format_money(1350 + 270)
    # Pay in cash, exact: the sale carries the discount and the audit log who approved it.
    qtbot.keyClick(till.scanField, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: till.checkout_dialog is not None)
    dialog = till.checkout_dialog
    qtbot.waitUntil(dialog.cashGivenField.hasFocus)
    assert "Discounts" in dialog.breakdownLabel.text()
    qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.checkout_dialog is None)
    assert till.last_receipt is not None and till.last_receipt.lines[0].discount == 450
    assert rows(db, "SELECT discount, net, tax FROM order_lines") == [(450, 1350, 270)]
    (audit,) = rows(
        db, "SELECT staff_id, approved_by, details FROM audit_log WHERE action = 'override'"
    )
    assert audit[:2] == (cashier.staff_id, manager.staff_id)
    assert json.loads(audit[2])["discount"] == "25 %"
    assert "Discount" in till.receiptText.toPlainText()


def test_an_approved_discount_goes_with_the_cart_into_a_customer_order(
    qtbot, till, monkeypatch, people, db
):
    """F9 keeps the manager's approval: the order's audit row names who allowed it."""
    _, manager, cashier = people
    approve_as(monkeypatch, manager)
    scan(qtbot, till, CHAI)
    answer(qtbot, DiscountDialog, "30", Qt.Key.Key_Return)
    press(qtbot, till, Qt.Key.Key_D, CTRL)
    assert "Approved by Max" in till.message.text()
    till.set_customers(till.store.customers())
    assert till.select_customer("ALFKI")
    qtbot.keyClick(till.scanField, Qt.Key.Key_F9)
    assert till.message.text().endswith("saved for ALFKI."), till.message.text()
    order_id = int(till.message.text().split()[1])
    assert rows(db, "SELECT discount FROM order_lines WHERE order_id = :o", o=order_id) == [(540,)]
    (audit,) = rows(
        db, "SELECT subject, staff_id, approved_by FROM audit_log WHERE action = 'override'"
    )
    assert audit == (f"Order {order_id}: CHAI Chai", cashier.staff_id, manager.staff_id)


def test_no_approval_changes_nothing(qtbot, till, monkeypatch):
    calls = refuse_approval(monkeypatch)
    scan(qtbot, till, CHAI)
    answer(qtbot, DiscountDialog, "50", Qt.Key.Key_Return)
    press(qtbot, till, Qt.Key.Key_D, CTRL)
    assert len(calls) == 1
    assert till.model.cart.lines[0].discount is None
    assert "Not approved" in till.message.text()
    assert till.totalLabel.text() == format_money(2160)


def test_whole_sale_discount_as_an_amount(qtbot, till, monkeypatch):
    refuse_approval(monkeypatch)
    scan(qtbot, till, CHAI)
    scan(qtbot, till, SYRUP)  # 18.00 + 10.00 = 28.00; 2.00 off is within 10 %
    answer(
        qtbot,
        DiscountDialog,
        lambda dialog: qtbot.mouseClick(dialog.amountButton, Qt.MouseButton.LeftButton),
        "2",
        Qt.Key.Key_Return,
    )
    press(qtbot, till, Qt.Key.Key_D, CTRL_SHIFT)
    totals = till.model.cart.totals()
    assert totals.sale_discount == 200
    assert [line.priced().sale_discount for line in till.model.cart.lines] == [129, 71]
    assert till.side.saleDiscountLabel.isVisible()
    assert till.side.saleDiscountLabel.text() == f"−{format_money(200)}"
    assert till.totalLabel.text() == format_money(totals.total)
    assert till.side.taxRatesLabel.isVisible()  # two rates: each one's tax is shown


def test_discount_dialog_checks_what_is_typed_in_place(qtbot):
    dialog = DiscountDialog("Chai", 3600, None, 100_000)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.discountField, "abc")
    assert dialog.message.is_error and "percentage" in dialog.message.text()
    dialog.discountField.clear()
    qtbot.keyClicks(dialog.discountField, "15")
    assert not dialog.message.isVisible()
    assert "5.40 off" in dialog.previewLabel.text() and "manager" in dialog.previewLabel.text()
    dialog.amountButton.setChecked(True)
    dialog.discountField.setText("40")
    assert dialog.message.is_error and "more than" in dialog.message.text()
    qtbot.keyClick(dialog.discountField, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.answer is None  # refused: stays open
    dialog.discountField.setText("")
    qtbot.keyClick(dialog.discountField, Qt.Key.Key_Return)
    assert dialog.answer is not None and dialog.answer.discount is None  # take it back


def test_price_change_needs_a_manager(qtbot, till, monkeypatch, people):
    _, manager, _ = people
    calls = approve_as(monkeypatch, manager)
    scan(qtbot, till, f"2*{CHAI}")
    answer(qtbot, PriceDialog, "15", Qt.Key.Key_Return)
    press(qtbot, till, Qt.Key.Key_O, CTRL)
    assert calls == [(Permission.PRICE_OVERRIDE, "Chai at 15.00 instead of 18.00")]
    assert till.model.cart.lines[0].unit_price == 1500
    assert till.model.index(0, UNIT_PRICE).data() == (
        f"{format_money(1500)} (was {format_money(1800)})"
    )
    assert till.totalLabel.text() == format_money(3600)
    # Back to the catalogue price: an empty field (15.00 is there, selected), no approval.
    answer(qtbot, PriceDialog, Qt.Key.Key_Backspace, Qt.Key.Key_Return)
    press(qtbot, till, Qt.Key.Key_O, CTRL)
    assert till.model.cart.lines[0].price_override is None and len(calls) == 1


def test_discount_keys_without_a_line_say_what_to_do(qtbot, till):
    press(qtbot, till, Qt.Key.Key_D, CTRL)
    assert "Choose a line" in till.message.text()
    press(qtbot, till, Qt.Key.Key_D, CTRL_SHIFT)
    assert "cart is empty" in till.message.text()


def test_cash_is_rounded_in_the_checkout_and_stored(qtbot, shop, new_uow, station, db):
    use_settings(new_uow, cash_rounding_step=5)
    view = shown(qtbot, CartView(shop, station))
    scan(qtbot, view, TOFU)  # 23.25 + 5 % (1.1625 -> 1.16) = 24.41
    assert view.totalLabel.text() == format_money(2441)
    qtbot.keyClick(view.scanField, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: view.checkout_dialog is not None)
    dialog = view.checkout_dialog
    qtbot.waitUntil(dialog.cashGivenField.hasFocus)
    assert dialog.cashDueLabel.isVisible() and dialog.cashDueLabel.text() == format_money(2440)
    qtbot.keyClicks(dialog.cashGivenField, "30")
    assert dialog.changeLabel.text() == format_money(560)
    qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_F6)  # card: the exact total
    assert not dialog.cashDueLabel.isVisible() or dialog.cardButton.isChecked()
    qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_F5)
    qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.checkout_dialog is None)
    receipt = view.last_receipt
    assert (receipt.total, receipt.cash_rounding, receipt.change) == (2441, -1, 560)
    assert rows(db, "SELECT cash_rounding, total FROM orders") == [(-1, 2441)]
    text_shown = view.receiptText.toPlainText()
    assert "Cash rounding" in text_shown and format_money(2440) in text_shown


def test_prices_with_tax_in_them_show_as_such(qtbot, shop, new_uow, station):
    use_settings(new_uow, prices_include_tax=True)
    view = shown(qtbot, CartView(shop, station))
    scan(qtbot, view, CHAI)
    assert view.totalLabel.text() == format_money(1800)  # the shelf price
    assert view.side.taxCaption.text() == "Tax included"
    assert view.taxLabel.text() == format_money(300)


def test_demo_and_screens(qtbot, shop, station, monkeypatch, tmp_path):
    widget = discount_demo(shop)
    qtbot.addWidget(widget)
    widget.show()
    assert "off" in widget.previewLabel.text()
    widget.grab().save(str(tmp_path / "discount.png"))
    view = shown(qtbot, CartView(shop, station))
    scan(qtbot, view, f"2*{CHAI}")
    scan(qtbot, view, TOFU)
    answer(qtbot, DiscountDialog, "10", Qt.Key.Key_Return)
    view.cartTable.selectRow(0)
    press(qtbot, view, Qt.Key.Key_D, CTRL)
    assert view.model.cart.lines[0].discount is not None
    assert not view.grab().isNull()


@pytest.mark.parametrize("by_card", [False, True])
def test_a_free_sample_is_rung_up_with_a_manager_approved_full_discount(
    qtbot, till, monkeypatch, people, db, new_uow, by_card
):
    """100 % off an item that cost nothing: a receipt, stock down, no journal transaction."""
    product(new_uow, "SACHET", name="Tea sachet", price=250, cost=0, stock=5, barcode="5000009")
    _, manager, _ = people
    calls = approve_as(monkeypatch, manager)
    scan(qtbot, till, "2*5000009")
    answer(qtbot, DiscountDialog, "100", Qt.Key.Key_Return)
    press(qtbot, till, Qt.Key.Key_D, CTRL)
    assert calls == [(Permission.DISCOUNT_OVER_LIMIT, "a 100 % discount on Tea sachet")]
    assert till.totalLabel.text() == format_money(0)
    qtbot.keyClick(till.scanField, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: till.checkout_dialog is not None)
    dialog = till.checkout_dialog
    qtbot.waitUntil(dialog.cashGivenField.hasFocus)
    if by_card:
        qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_F6)
        assert dialog.cardButton.isChecked()
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    else:
        qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.checkout_dialog is None)
    receipt = till.last_receipt
    assert receipt is not None and (receipt.receipt_no, receipt.total) == (1, 0)
    assert receipt.payments == ()
    assert stock_of(db, "SACHET") == 3
    assert rows(db, "SELECT discount, net, tax FROM order_lines") == [(500, 0, 0)]
    assert rows(db, "SELECT count(*) FROM journal_transactions WHERE order_id IS NOT NULL") == [
        (0,)
    ]
    assert "Tea sachet" in till.receiptText.toPlainText()
