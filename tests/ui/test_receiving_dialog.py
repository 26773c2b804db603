"""Receiving stock: number shown before confirming, Confirm posts, Esc leaves nothing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from pos_app.domain.postings import Accounts
from pos_app.ui.receiving_dialog import ReceivingDialog
from tests.factories import snapshot, stock_of
from tests.ui.stations import signed_in

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def opened(qtbot, store) -> ReceivingDialog:
    dialog = ReceivingDialog(store, signed_in(store))
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    with qtbot.waitActive(dialog):  # Ctrl+Enter is a shortcut: it needs an active window
        dialog.activateWindow()
    return dialog


def balances(store) -> dict[str, tuple[int, int]]:
    return {row.code: (row.debit, row.credit) for row in store.trial_balance()}


def scan_line(qtbot, dialog: ReceivingDialog, code: str, quantity: str, cost: str | None = None):
    """Code, Enter (cost filled in, cursor to quantity), quantity, [Tab, cost], Enter."""
    qtbot.keyClicks(dialog.codeField, code)
    qtbot.keyClick(dialog.codeField, Qt.Key.Key_Return)
    assert dialog.quantityField.hasFocus()
    qtbot.keyClicks(dialog.quantityField, quantity)  # replaces the selected "1"
    last = dialog.quantityField
    if cost is not None:
        qtbot.keyClick(dialog.quantityField, Qt.Key.Key_Tab)
        assert dialog.unitCostField.hasFocus()
        dialog.unitCostField.selectAll()
        qtbot.keyClicks(dialog.unitCostField, cost)
        last = dialog.unitCostField
    qtbot.keyClick(last, Qt.Key.Key_Return)


def test_the_number_is_shown_before_confirming_and_not_committed(qtbot, shop, db):
    before = snapshot(db)
    dialog = opened(qtbot, shop)
    assert dialog.objectName() == "receivingDialog"
    number = dialog.receiving_number
    assert isinstance(number, int)
    assert dialog.receivingNumberLabel.text() == f"Receiving no. {number}"
    assert dialog.supplierField.hasFocus()
    assert snapshot(db) == before  # flushed inside the dialog's transaction only


@pytest.mark.parametrize(
    ("paid_in_cash", "credited"), [(False, Accounts.ACCOUNTS_PAYABLE), (True, Accounts.CASH)]
)
def test_confirm_raises_stock_and_posts_to_the_ledger(qtbot, shop, db, paid_in_cash, credited):
    before = balances(shop)
    dialog = opened(qtbot, shop)
    number = dialog.receiving_number
    qtbot.keyClicks(dialog.supplierField, "Exotic Liquids")
    qtbot.keyClick(dialog.supplierField, Qt.Key.Key_Return)
    assert dialog.codeField.hasFocus()
    if paid_in_cash:
        dialog.paidInCashRadio.click()
        dialog.codeField.setFocus()

    qtbot.keyClicks(dialog.codeField, "5000001")
    qtbot.keyClick(dialog.codeField, Qt.Key.Key_Return)
    assert dialog.unitCostField.text() == "10.00"  # Chai's current cost
    assert "Chai" in dialog.productNameLabel.text()
    assert dialog.quantityField.hasFocus()
    qtbot.keyClicks(dialog.quantityField, "24")
    qtbot.keyClick(dialog.quantityField, Qt.Key.Key_Return)
    assert dialog.codeField.hasFocus() and dialog.codeField.text() == ""
    scan_line(qtbot, dialog, "TOFU", "10", "15.00")

    model = dialog.linesModel
    assert model.rowCount() == 2
    assert [model.index(0, c).data() for c in range(model.columnCount())] == [
        "CHAI",
        "Chai",
        "24",
        "10.00",
        "240.00",
    ]
    assert model.index(1, model.LINE_COST).data() == "150.00"
    assert dialog.totalCostLabel.text() == "2 lines · Total cost 390.00"

    qtbot.keyClick(dialog.codeField, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.confirmed_id == number  # the number shown is the one kept
    assert stock_of(db, "CHAI") == 36 and stock_of(db, "TOFU") == 50
    after = balances(shop)
    inventory_dr = after[Accounts.INVENTORY][0] - before[Accounts.INVENTORY][0]
    source_cr = after[credited][1] - before[credited][1]
    assert inventory_dr == source_cr == 39_000
    assert shop.check().ok


def test_escape_leaves_nothing(qtbot, shop, db):
    before = snapshot(db)
    dialog = opened(qtbot, shop)
    qtbot.keyClicks(dialog.supplierField, "Exotic Liquids")
    scan_line(qtbot, dialog, "CHAI", "5")
    assert dialog.linesModel.rowCount() == 1
    qtbot.keyClick(dialog.codeField, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert not dialog.receiving.uow.is_open
    assert snapshot(db) == before
    assert stock_of(db, "CHAI") == 12
    assert shop.check().ok


def test_line_problems_are_shown_in_place(qtbot, shop):
    dialog = opened(qtbot, shop)
    qtbot.keyClicks(dialog.codeField, "NOPE")
    qtbot.keyClick(dialog.codeField, Qt.Key.Key_Return)
    assert dialog.lineMessage.is_error and "NOPE" in dialog.lineMessage.text()
    assert dialog.codeField.hasFocus()

    dialog.codeField.selectAll()
    qtbot.keyClicks(dialog.codeField, "CHAI")
    assert not dialog.lineMessage.isVisible()  # typing clears the message
    qtbot.keyClick(dialog.codeField, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.quantityField, "0")
    qtbot.keyClick(dialog.quantityField, Qt.Key.Key_Return)
    assert dialog.lineMessage.text() == "The quantity must be at least 1."
    assert dialog.quantityField.hasFocus()

    qtbot.keyClicks(dialog.quantityField, "3")
    dialog.unitCostField.setText("abc")
    qtbot.keyClick(dialog.quantityField, Qt.Key.Key_Return)
    assert dialog.lineMessage.text().startswith("The unit cost must be a number")
    assert dialog.unitCostField.hasFocus()
    assert dialog.linesModel.rowCount() == 0


def test_confirm_needs_a_supplier_and_a_line(qtbot, shop, db):
    before = snapshot(db)
    dialog = opened(qtbot, shop)
    dialog.confirmButton.click()
    assert dialog.supplierError.is_error and "supplier" in dialog.supplierError.text()
    assert dialog.supplierField.hasFocus()
    qtbot.keyClicks(dialog.supplierField, "Exotic Liquids")
    dialog.confirmButton.click()
    assert dialog.lineMessage.text() == "Add at least one product to receive."
    assert dialog.codeField.hasFocus()
    assert dialog.isVisible()
    dialog.reject()
    assert snapshot(db) == before


def test_remove_a_line(qtbot, shop):
    dialog = opened(qtbot, shop)
    scan_line(qtbot, dialog, "CHAI", "2")
    scan_line(qtbot, dialog, "SYRUP", "3")
    assert dialog.totalCostLabel.text() == "2 lines · Total cost 35.00"
    dialog.linesTable.setFocus()
    dialog.linesTable.selectRow(0)
    qtbot.keyClick(dialog.linesTable, Qt.Key.Key_Delete)
    assert dialog.linesModel.rowCount() == 1
    assert dialog.linesModel.index(0, dialog.linesModel.SKU).data() == "SYRUP"
    assert dialog.totalCostLabel.text() == "1 line · Total cost 15.00"
    dialog.removeLineButton.click()
    assert dialog.linesModel.rowCount() == 0
    assert dialog.receiving.lines == []


def test_lines_model_passes_the_model_tester(qtbot, qtmodeltester, shop):
    dialog = opened(qtbot, shop)
    scan_line(qtbot, dialog, "CHAI", "2")
    scan_line(qtbot, dialog, "TOFU", "1")
    qtmodeltester.check(dialog.linesModel)


def test_received_from_the_catalogue_view_with_keys(qtbot, shop, db):
    from pos_app.ui.catalogue_view import CatalogueView

    view = CatalogueView(shop, signed_in(shop))
    qtbot.addWidget(view)
    with qtbot.waitExposed(view):
        view.show()
    with qtbot.waitActive(view):
        view.activateWindow()
    view.activated()
    qtbot.waitUntil(lambda: view.model.rowCount() == 3)
    qtbot.keyClick(
        view.searchField,
        Qt.Key.Key_R,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = view.receivingDialog
    assert dialog is not None
    # the window-modal dialog becomes the active window a moment after it opens
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.keyClicks(dialog.supplierField, "Exotic Liquids")
    scan_line(qtbot, dialog, "SYRUP", "20")
    dialog.confirmButton.click()
    qtbot.waitUntil(lambda: view.receivingDialog is None)
    assert stock_of(db, "SYRUP") == 22
    row = view.model.row_of(shop.lookup("SYRUP").product_id)
    qtbot.waitUntil(lambda: view.model.index(row, view.model.STOCK).data() == "22")
    assert "confirmed" in view.message.text()
    qtbot.waitUntil(lambda: not view.model.background.busy())
    assert view.focusWidget() is view.searchField  # back to the search for the next product


def test_demo_has_two_lines(qtbot, shop):
    from pos_app.ui.receiving_dialog import demo

    dialog = demo(shop)
    qtbot.addWidget(dialog)
    assert dialog.linesModel.rowCount() == 2
    assert dialog.receiving_number is not None
