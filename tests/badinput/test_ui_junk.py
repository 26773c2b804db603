"""Junk typed (or pasted) into the real widgets, on SQLite and PostgreSQL.

Every screen must answer with an inline message or a valid outcome: no exception may escape
a slot (pytest-qt fails the test), none may be swallowed as a bug either (the screens log
those with ``log.exception`` and show a generic sentence: caught here through ``caplog``),
the screen keeps working afterwards, and refused input leaves the database as it was.
Pasting is how NUL, RTL overrides and 5,000-character strings reach a field, so most junk
goes in with ``setText`` and is then submitted with a real key press.
"""

from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from pos_app.domain.errors import InvalidInput
from pos_app.domain.money import parse_amount, parse_quantity
from pos_app.ui.cart_model import QUANTITY
from pos_app.ui.cart_view import CartView
from pos_app.ui.catalogue_view import CatalogueView
from pos_app.ui.journal_dialog import EntriesModel, ManualJournalDialog
from pos_app.ui.product_dialog import ProductDialog
from pos_app.ui.receiving_dialog import ReceivingDialog
from tests.factories import snapshot, stock_of
from tests.ui.conftest import shop, station, store  # noqa: F401 - the UI tests' small shop
from tests.ui.stations import signed_in

from .strategies import JUNK, nasty_text

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def junk_shop(shop):  # noqa: F811 - the fixture imported above
    """Three products with barcodes (CHAI 12 in stock) and one customer, as in tests/ui."""
    return shop


HAND_PICKED = [
    "'; DROP TABLE products; --",
    "1 OR 1=1",
    "%",
    "_",
    "\\",
    "a\x00b",
    "\x07",
    "\u202eevil",
    "👨‍👩‍👧‍👦",
    "e\u0301",
    "x" * 5000,
    "   ",
    "-5",
    "1e999999",
    "NaN",
    "0",
]


def junk_sample(n: int = 5) -> list[str]:
    """A few derandomised Hypothesis examples on top of the hand-picked ones (UI is slow)."""
    found: list[str] = []

    @JUNK.__class__(JUNK, max_examples=n, phases=["generate"])
    @given(st.one_of(nasty_text, st.text(min_size=1, max_size=30)))
    def collect(value):
        found.append(value)

    collect()
    return HAND_PICKED + found[:n]


@pytest.fixture
def no_swallowed_bugs(caplog):
    """Screens turn a surprise into a generic message and log it: that is still a bug."""
    caplog.set_level(logging.ERROR, logger="pos_app")
    yield
    errors = [
        r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("pos_app")
    ]
    assert not errors, [r.getMessage() for r in errors]


def shown(qtbot, widget):
    qtbot.addWidget(widget)
    with qtbot.waitExposed(widget):
        widget.show()
    with qtbot.waitActive(widget):
        widget.activateWindow()
    return widget


@pytest.fixture
def cart_view(qtbot, junk_shop, station) -> CartView:  # noqa: F811
    view = shown(qtbot, CartView(junk_shop, station))
    qtbot.waitUntil(lambda: not view.background.busy())
    qtbot.waitUntil(view.scanField.hasFocus)
    yield view
    qtbot.waitUntil(lambda: not view.background.busy())


def test_scan_field_junk_is_explained_inline(qtbot, cart_view, db, no_swallowed_bugs):
    view, before = cart_view, snapshot(db)
    for typed in junk_sample():
        view.scanField.setText(typed)
        qtbot.keyClick(view.scanField, Qt.Key.Key_Return)
        if typed.strip():
            assert view.message.is_error, typed
            assert "went wrong" not in view.message.text()
        assert view.model.rowCount() == 0
    qtbot.keyClicks(view.scanField, "5000001")  # still a working till
    qtbot.keyClick(view.scanField, Qt.Key.Key_Return)
    assert view.model.rowCount() == 1 and not view.message.is_error
    assert snapshot(db) == before


def test_quantity_editor_junk_keeps_the_old_quantity(qtbot, cart_view, no_swallowed_bugs):
    view = cart_view
    qtbot.keyClicks(view.scanField, "5000001")
    qtbot.keyClick(view.scanField, Qt.Key.Key_Return)
    for typed in junk_sample() + ["7", "١٢"]:
        expected = view.model.cart.lines[0].quantity
        try:
            expected = parse_quantity(typed)
            refused = False
        except InvalidInput:
            refused = True
        qtbot.keyClick(view.scanField, Qt.Key.Key_F7)
        editor = view.cartTable.indexWidget(view.model.index(0, QUANTITY))
        assert editor is not None and editor.hasFocus()
        editor.setText(typed)
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        qtbot.waitUntil(view.scanField.hasFocus)
        assert view.model.cart.lines[0].quantity == expected, typed
        if refused:  # (a later good edit leaves the old message up: seen, left alone)
            assert view.message.is_error, typed
    assert view.model.cart.lines[0].quantity == 12


def test_cash_given_junk_is_refused_and_nothing_is_sold(qtbot, cart_view, db, no_swallowed_bugs):
    view, before = cart_view, snapshot(db)
    qtbot.keyClicks(view.scanField, "5000001")
    qtbot.keyClick(view.scanField, Qt.Key.Key_Return)
    qtbot.keyClick(view.scanField, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: view.checkout_dialog is not None)
    dialog = view.checkout_dialog
    qtbot.waitUntil(dialog.cashGivenField.hasFocus)
    for typed in junk_sample() + ["1.00", "21,5"]:  # the last two are short of 21.60
        try:
            enough = parse_amount(typed[:20]) >= 2160
        except InvalidInput:
            enough = False
        if enough or not typed.strip():
            continue  # would (rightly) take the payment; the valid path is tested elsewhere
        dialog.cashGivenField.setText(typed)
        qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_Return)
        assert view.checkout_dialog is dialog and dialog.isVisible(), typed
        assert dialog.message.is_error and "went wrong" not in dialog.message.text(), typed
        assert snapshot(db) == before
    qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: view.checkout_dialog is None)
    assert snapshot(db) == before


def test_product_dialog_junk_is_shown_next_to_the_field(qtbot, junk_shop, db, no_swallowed_bugs):
    good = {
        "sku": "NEW",
        "barcode": "",
        "name": "New thing",
        "price": "3.00",
        "cost": "1",
        "tax_rate": "20",
    }
    dialog = shown(qtbot, ProductDialog(junk_shop, signed_in(junk_shop), None))
    saved = 0
    for key in good:
        for typed in junk_sample(3):
            before = snapshot(db)
            texts = {**good, "sku": f"NEW{saved}", key: typed}
            for field_key, value in texts.items():
                dialog.fields[field_key].setText(value)
            qtbot.keyClick(dialog.fields["name"], Qt.Key.Key_Return)
            if dialog.result() == QDialog.DialogCode.Accepted:  # the junk was fine here
                stored = junk_shop.product_by_code(texts["sku"].strip())
                assert stored is not None and stored.name == " ".join(texts["name"].split())
                assert stored.unit_price == parse_amount(texts["price"])
                saved += 1
                dialog = shown(qtbot, ProductDialog(junk_shop, signed_in(junk_shop), None))
                continue
            shown_errors = [k for k, e in dialog.errors.items() if e.isVisible() and e.is_error]
            assert shown_errors or dialog.message.is_error, (key, typed)
            assert "unexpected" not in dialog.message.text()
            assert snapshot(db) == before, (key, typed)
    dialog.reject()


def test_receiving_dialog_junk_is_refused_in_place(qtbot, junk_shop, db, no_swallowed_bugs):
    before = snapshot(db)
    dialog = shown(qtbot, ReceivingDialog(junk_shop, signed_in(junk_shop)))
    for typed in junk_sample():
        dialog.codeField.setText(typed)
        qtbot.keyClick(dialog.codeField, Qt.Key.Key_Return)
        if typed.strip():
            assert dialog.lineMessage.is_error, typed
    for field in ("quantityField", "unitCostField"):
        for typed in junk_sample(3):
            dialog.codeField.setText("CHAI")
            qtbot.keyClick(dialog.codeField, Qt.Key.Key_Return)
            lines = dialog.linesModel.rowCount()
            getattr(dialog, field).setText(typed)
            qtbot.keyClick(getattr(dialog, field), Qt.Key.Key_Return)
            if dialog.linesModel.rowCount() == lines:
                assert dialog.lineMessage.is_error, (field, typed)
    for typed in ["", "   ", "a\x00b", "\x07bell", "x" * 81]:
        dialog.supplierField.setText(typed)
        dialog.confirmButton.click()
        assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted, typed
        assert dialog.supplierError.is_error or dialog.lineMessage.is_error, typed
        assert snapshot(db) == before
    qtbot.keyClick(dialog.codeField, Qt.Key.Key_Escape)
    assert snapshot(db) == before and stock_of(db, "CHAI") == 12


def test_journal_amount_cells_refuse_junk(qtbot, junk_shop, db, no_swallowed_bugs):
    before = snapshot(db)
    dialog = shown(qtbot, ManualJournalDialog(junk_shop, signed_in(junk_shop)))
    model, table = dialog.model, dialog.entriesTable
    model.setData(model.index(0, EntriesModel.ACCOUNT), "3000")
    model.setData(model.index(1, EntriesModel.ACCOUNT), "1000")
    model.setData(model.index(1, EntriesModel.CREDIT), "5")
    dialog.descriptionField.setText("Owner's drawing")
    for typed in junk_sample() + ["0", "5,001"]:
        index = model.index(0, EntriesModel.DEBIT)
        table.setCurrentIndex(index)
        table.edit(index)
        editor = QApplication.focusWidget()
        assert editor is not None and editor.objectName() == "amountEditor"
        editor.setText(typed)
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: table.state() != table.State.EditingState)
        if typed.strip():
            assert model.cell_problem(0, EntriesModel.DEBIT) or model.totals() != (500, 500)
            assert not dialog.confirmButton.isEnabled(), typed
        dialog.confirmButton.click()
        assert dialog.isVisible() and dialog.transaction_id is None, typed
    assert snapshot(db) == before
    dialog.reject()


def test_catalogue_search_takes_any_text(qtbot, junk_shop, no_swallowed_bugs):
    view = shown(qtbot, CatalogueView(junk_shop, signed_in(junk_shop)))
    qtbot.waitUntil(lambda: view.model.rowCount() == 3)
    for typed in junk_sample() + ["chai"]:
        view.searchField.setText(typed)
        qtbot.waitUntil(
            lambda: (
                not view.model.background.busy() and view.resultCountLabel.text() != "Searching…"
            ),
            timeout=5000,
        )
        qtbot.waitUntil(
            lambda typed=typed: view.model.rowCount() == min(junk_shop.count_products(typed), 200),
            timeout=5000,
        )
    assert view.model.rowCount() == 1
    view.searchField.clear()
    qtbot.waitUntil(lambda: view.model.rowCount() == 3)
    qtbot.waitUntil(lambda: not view.model.background.busy())
