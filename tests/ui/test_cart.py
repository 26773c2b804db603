"""The cart table and the Sell screen's line handling, without taking payment."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from pos_app.domain.cart import Cart, ProductSnapshot
from pos_app.domain.errors import Shortage
from pos_app.ui.cart_model import LINE_TOTAL, NAME, QUANTITY, UNIT_PRICE, CartTableModel
from pos_app.ui.cart_view import CartView
from pos_app.ui.cart_view import demo as cart_demo
from pos_app.ui.money import format_money

CHAI = ProductSnapshot(1, "CHAI", "5000001", "Chai", 1800, 200_000, 1000, 12)
SYRUP = ProductSnapshot(2, "SYRUP", "5000002", "Aniseed Syrup", 1000, 50_000, 500, 2)


def test_model_passes_qtmodeltester_through_adds_edits_and_removes(qtmodeltester):
    model = CartTableModel(Cart())
    qtmodeltester.check(model)
    model.add(CHAI)
    model.add(SYRUP, 3)
    model.add(CHAI, 2)  # same product: the line grows, no new row
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert model.index(0, QUANTITY).data() == "3"
    assert model.index(0, UNIT_PRICE).data() == format_money(1800)
    assert model.index(0, LINE_TOTAL).data() == format_money(5400 + 1080)
    assert model.index(0, UNIT_PRICE).data(Qt.ItemDataRole.TextAlignmentRole) & int(
        Qt.AlignmentFlag.AlignRight
    )
    assert model.flags(model.index(0, QUANTITY)) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(0, NAME)) & Qt.ItemFlag.ItemIsEditable
    model.mark_short([Shortage(2, "SYRUP", "Aniseed Syrup", 3, 2)])
    qtmodeltester.check(model)
    model.remove_row(0)
    qtmodeltester.check(model)
    model.clear()
    qtmodeltester.check(model)
    assert model.rowCount() == 0


def test_quantity_edits_are_validated_and_bad_ones_keep_the_old_value():
    model = CartTableModel(Cart())
    model.add(CHAI)
    refused: list[str] = []
    model.invalidInput.connect(refused.append)
    index = model.index(0, QUANTITY)
    assert model.setData(index, "4")
    assert model.cart.lines[0].quantity == 4
    for bad in ("0", "-1", "2.5", "abc", "", "100001"):
        assert not model.setData(index, bad)
        assert model.cart.lines[0].quantity == 4
    assert len(refused) == 6 and "at least 1" in refused[0]
    assert not model.setData(model.index(0, NAME), "Tea")  # only the quantity is editable


def test_short_mark_clears_when_quantity_fits():
    model = CartTableModel(Cart())
    model.add(SYRUP, 3)
    assert model.mark_short([Shortage(2, "SYRUP", "Aniseed Syrup", 3, 2)]) == [0]
    assert "only 2 in stock" in model.index(0, NAME).data()
    assert model.index(0, NAME).data(Qt.ItemDataRole.BackgroundRole) is not None
    model.set_quantity(0, 2)
    assert model.short_rows() == [] and model.index(0, NAME).data() == "Aniseed Syrup"


@pytest.fixture
def view(qtbot, shop, station) -> CartView:
    view = CartView(shop, station)
    qtbot.addWidget(view)
    view.setMinimumSize(1024, 680)  # as inside the main window
    with qtbot.waitExposed(view):
        view.show()
    with qtbot.waitActive(view):
        view.activateWindow()
    qtbot.waitUntil(lambda: not view.background.busy())
    qtbot.waitUntil(view.scanField.hasFocus)
    return view


def scan(qtbot, view: CartView, code: str) -> None:
    qtbot.keyClicks(view.scanField, code)
    qtbot.keyClick(view.scanField, Qt.Key.Key_Return)


def test_totals_labels_follow_the_lines(qtbot, view):
    assert view.totalLabel.text() == format_money(0)
    scan(qtbot, view, "5000001")
    scan(qtbot, view, "2*SYRUP")  # a SKU works as well as a barcode
    assert view.subtotalLabel.text() == format_money(1800 + 2000)
    assert view.taxLabel.text() == format_money(360 + 100)
    assert view.totalLabel.text() == format_money(4260)
    assert view.itemsLabel.text() == "3"
    assert view.totalLabel.font().pointSizeF() > view.subtotalLabel.font().pointSizeF()
    assert view.totalLabel.alignment() & Qt.AlignmentFlag.AlignRight


def test_delete_key_and_button_remove_the_selected_line(qtbot, view):
    for code in ("5000001", "5000002", "5000003"):
        scan(qtbot, view, code)
    assert view.selected_row() == 2  # the last scanned line is selected
    qtbot.keyClick(view.scanField, Qt.Key.Key_Up)
    assert view.selected_row() == 1
    qtbot.keyClick(view.scanField, Qt.Key.Key_Delete)  # empty scan field: Delete removes
    assert [line.product.sku for line in view.model.cart.lines] == ["CHAI", "TOFU"]
    assert "Removed Aniseed Syrup" in view.message.text()
    qtbot.mouseClick(view.removeLineButton, Qt.MouseButton.LeftButton)
    assert [line.product.sku for line in view.model.cart.lines] == ["CHAI"]
    assert view.scanField.hasFocus()  # clicks give the focus back to the scanner
    # Delete on the table itself also removes the line.
    view.cartTable.setFocus()
    view.cartTable.selectRow(0)
    qtbot.keyClick(view.cartTable, Qt.Key.Key_Delete)
    assert view.model.rowCount() == 0
    qtbot.waitUntil(view.scanField.hasFocus)
    assert view.totalLabel.text() == format_money(0)


def test_quantity_edited_in_place_and_bad_value_refused(qtbot, view):
    scan(qtbot, view, "5000003")
    qtbot.keyClick(view.scanField, Qt.Key.Key_F7)
    editor = view.cartTable.indexWidget(view.model.index(0, QUANTITY))
    assert editor is not None and editor.hasFocus() and editor.selectedText() == "1"
    qtbot.keyClicks(editor, "abc")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(view.scanField.hasFocus)
    assert view.model.cart.lines[0].quantity == 1
    assert view.message.is_error and "quantity was not changed" in view.message.text()
    qtbot.keyClick(view.scanField, Qt.Key.Key_F7)
    editor = view.cartTable.indexWidget(view.model.index(0, QUANTITY))
    qtbot.keyClicks(editor, "5")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(view.scanField.hasFocus)
    assert view.model.cart.lines[0].quantity == 5
    assert view.totalLabel.text() == format_money(5 * 2325 + 581)  # 116.25 * 5 % rounds half-up


def test_typing_into_the_table_goes_to_the_scan_field(qtbot, view):
    scan(qtbot, view, "5000001")
    view.cartTable.setFocus()
    qtbot.keyClicks(view.cartTable, "5000003")
    assert view.scanField.hasFocus() and view.scanField.text() == "5000003"
    qtbot.keyClick(view.scanField, Qt.Key.Key_Return)
    assert view.model.rowCount() == 2


def test_customer_list_and_save_needs_a_customer(qtbot, view, db):
    assert view.customerCombo.itemText(0) == "No customer"
    assert view.customerCombo.findData("ALFKI") > 0
    assert "Alfreds Futterkiste" in view.customerCombo.itemText(
        view.customerCombo.findData("ALFKI")
    )
    scan(qtbot, view, "5000001")
    qtbot.keyClick(view.scanField, Qt.Key.Key_F9)
    assert view.message.is_error and "customer" in view.message.text()
    assert view.model.rowCount() == 1


def test_demo_shows_lines_and_a_receipt(qtbot, shop):
    widget = cart_demo(shop)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: not widget.background.busy())
    assert widget.model.rowCount() == 2  # the products with at least 3 in stock
    assert widget.model.cart.lines[0].quantity == 3  # scanned once, then 2* more
    assert widget.last_receipt is not None and "Receipt" in widget.receiptText.toPlainText()
