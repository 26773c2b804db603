"""The product dialog: typed with keys, every bad field explained in place, nothing half-saved."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from pos_app.ui.product_dialog import ProductDialog
from tests.factories import snapshot
from tests.ui.stations import signed_in

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def opened(qtbot, store, product_id=None) -> ProductDialog:
    dialog = ProductDialog(store, signed_in(store), product_id)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    return dialog


def type_into(qtbot, dialog: ProductDialog, **texts: str) -> None:
    """Select what is there and type over it, as a person would."""
    for key, text in texts.items():
        field = dialog.fields[key]
        if field.text():
            field.selectAll()
            qtbot.keyClick(field, Qt.Key.Key_Backspace)
        qtbot.keyClicks(field, text)


def test_add_a_product_with_keys(qtbot, store):
    dialog = opened(qtbot, store)
    assert dialog.objectName() == "productDialog"
    assert dialog.fields["sku"].hasFocus()
    # Tab walks the fields in order, as typed from a supplier's sheet
    qtbot.keyClicks(dialog.fields["sku"], "MANGO-1")
    for key, text in [
        ("barcode", "7770001"),
        ("name", "Mango chutney"),
        ("price", "4.50"),
        ("cost", "2,10"),
        ("tax_rate", "8.875"),
    ]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is dialog.fields[key]
        QApplication.focusWidget().selectAll()
        qtbot.keyClicks(dialog.fields[key], text)
    qtbot.keyClick(dialog.fields["tax_rate"], Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = store.product(dialog.saved_id)
    assert (saved.sku, saved.barcode, saved.name) == ("MANGO-1", "7770001", "Mango chutney")
    assert (saved.unit_price, saved.unit_cost, saved.tax_rate_ppm) == (450, 210, 88_750)
    assert saved.active and saved.stock_on_hand == 0
    assert not dialog.uow.is_open  # closed with the dialog


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        ("price", "abc", "The price must be a number such as 12.50."),
        ("price", "0", "The price must be more than zero."),
        ("price", "1.234", "The price has more than two decimal places."),
        ("cost", "-1", "The cost cannot be negative."),
        ("tax_rate", "150", "The tax rate must be between 0 and 100 %."),
        ("name", "", "The name cannot be empty."),
        ("name", "   ", "The name cannot be empty."),
        ("sku", "", "The SKU must be 1 to 32 letters, digits, dots, dashes or underscores."),
        ("sku", "has space", "The SKU must be 1 to 32"),
        ("barcode", "12 34", "The barcode must be 1 to 32"),
        ("sku", "CHAI", "SKU CHAI is already used by Chai."),
        ("barcode", "5000002", "Barcode 5000002 is already used by Aniseed Syrup."),
    ],
)
def test_a_bad_field_is_explained_next_to_it_and_nothing_is_stored(
    qtbot, shop, db, key, text, message
):
    before = snapshot(db)
    dialog = opened(qtbot, shop)
    good = {"sku": "NEW", "barcode": "", "name": "New thing", "price": "3.00"}
    type_into(qtbot, dialog, **{**good, key: text})
    qtbot.keyClick(dialog.fields["name"], Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    error = dialog.errors[key]
    assert error.isVisible() and error.is_error
    assert error.text().startswith(message)
    assert error.objectName() == {"tax_rate": "taxError"}.get(key, f"{key}Error")
    assert dialog.fields[key].hasFocus()  # straight back where the fix is typed
    others = [e for k, e in dialog.errors.items() if k != key]
    assert not any(e.isVisible() for e in others)
    assert snapshot(db) == before

    # fixing the field clears its message; saving then works
    type_into(qtbot, dialog, **{key: good.get(key, {"cost": "0", "tax_rate": "0"}.get(key))})
    assert not error.isVisible()
    qtbot.keyClick(dialog.fields[key], Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert shop.lookup("NEW").name == "New thing"


def test_every_bad_field_is_shown_at_once(qtbot, store):
    dialog = opened(qtbot, store)
    type_into(qtbot, dialog, sku="A B", name="", price="abc", cost="-1", tax_rate="150")
    dialog.saveButton.click()
    assert {k for k, e in dialog.errors.items() if e.isVisible()} == {
        "sku",
        "name",
        "price",
        "cost",
        "tax_rate",
    }
    assert dialog.fields["sku"].hasFocus()  # the first one in the form
    assert store.count_products() == 0


def test_edit_the_price_of_a_product(qtbot, shop):
    chai = shop.lookup("CHAI")
    dialog = opened(qtbot, shop, chai.product_id)
    assert dialog.windowTitle() == "Edit product"
    assert dialog.fields["price"].text() == "18.00"
    assert dialog.fields["tax_rate"].text() == "20"
    assert dialog.stockValue.text().startswith("12 ")  # shown, not editable
    assert type(dialog.stockValue).__name__ == "QLabel"
    type_into(qtbot, dialog, price="19.50")
    qtbot.keyClick(dialog.fields["price"], Qt.Key.Key_Enter)
    assert dialog.result() == QDialog.DialogCode.Accepted
    after = shop.product(chai.product_id)
    assert after.unit_price == 1950
    assert (after.sku, after.unit_cost, after.stock_on_hand) == ("CHAI", 1000, 12)
    assert shop.check().ok


def test_keeping_its_own_sku_and_barcode_is_not_a_duplicate(qtbot, shop):
    tofu = shop.lookup("TOFU")
    dialog = opened(qtbot, shop, tofu.product_id)
    dialog.activeCheck.setChecked(False)
    dialog.saveButton.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert not shop.product(tofu.product_id).active


def test_escape_cancels_without_saving(qtbot, shop, db):
    before = snapshot(db)
    dialog = opened(qtbot, shop, shop.lookup("CHAI").product_id)
    type_into(qtbot, dialog, price="99.00", name="Changed")
    qtbot.keyClick(dialog.fields["name"], Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert not dialog.uow.is_open
    assert snapshot(db) == before


def test_ask_returns_none_when_cancelled(qtbot, shop, monkeypatch):
    monkeypatch.setattr(ProductDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    assert ProductDialog.ask(shop, signed_in(shop)) is None


def test_demo_has_a_field_in_error(qtbot, shop):
    from pos_app.ui.product_dialog import demo

    dialog = demo(shop)
    qtbot.addWidget(dialog)
    assert dialog.errors["price"].text().startswith("The price must be a number")
