"""The Catalogue and Ledger screens act as the person signed in: a cashier may look, and a
manager approves what they save, receive or post (asked at the moment it is needed); a
refused approval changes nothing; with nobody signed in nothing opens. Keys only, on
SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import text

from pos_app.domain.staff import Permission, Role
from pos_app.ui.acting import NOT_APPROVED
from pos_app.ui.catalogue_model import ProductTableModel
from pos_app.ui.catalogue_view import CatalogueView
from pos_app.ui.journal_dialog import EntriesModel
from pos_app.ui.ledger_view import LedgerView
from pos_app.ui.money import format_money
from pos_app.ui.station import Station
from tests.factories import assert_clean, owner, snapshot, staff, stock_of

from .approvals import approve_as, refuse_approval
from .stations import signed_in

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support (propagateSizeHints|raise|grabbing)"
)
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def people(shop, new_uow):
    olive = owner(new_uow)
    return {
        "olive": olive,
        "mia": staff(new_uow, "Mia", Role.MANAGER, "7777", by=olive),
        "carl": staff(new_uow, "Carl", Role.CASHIER, "5555", by=olive),
    }


def shown(qtbot, widget):
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    with qtbot.waitExposed(widget):
        widget.show()
    with qtbot.waitActive(widget):
        widget.activateWindow()
    return widget


def catalogue(qtbot, shop, station: Station) -> CatalogueView:
    view = shown(qtbot, CatalogueView(shop, station))
    qtbot.waitUntil(lambda: view.model.rowCount() == 3)
    return view


def audit(db, action: str) -> list[tuple]:
    with db.reader() as session:
        rows = session.execute(
            text(
                "SELECT details, staff_id, approved_by FROM audit_log "
                "WHERE action = :action ORDER BY seq"
            ),
            {"action": action},
        ).all()
    return [(json.loads(details), who, approver) for details, who, approver in rows]


def price_of(shop, sku: str) -> int:
    return shop.lookup(sku).unit_price


def edit_price(qtbot, view: CatalogueView, name: str, typed: str):
    """Choose the row, Enter opens the product dialog, type the price over, Enter saves."""
    names = [view.model.index(r, ProductTableModel.NAME).data() for r in range(3)]
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(names.index(name), ProductTableModel.NAME))
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    dialog = view.productDialog
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    price = dialog.fields["price"]
    price.setFocus()
    price.selectAll()
    qtbot.keyClicks(price, typed)
    qtbot.keyClick(price, Qt.Key.Key_Return)
    return dialog


def test_a_cashier_changing_a_price_is_asked_for_approval_and_the_audit_names_both(
    qtbot, shop, db, people, monkeypatch
):
    calls = approve_as(monkeypatch, people["mia"])
    view = catalogue(qtbot, shop, signed_in(shop, people["carl"]))
    edit_price(qtbot, view, "Chai", "19.50")
    qtbot.waitUntil(lambda: view.productDialog is None)
    assert calls == [
        (
            Permission.EDIT_CATALOGUE,
            f"a new price for Chai: {format_money(1800)} → {format_money(1950)}",
        )
    ]
    assert price_of(shop, "CHAI") == 1950
    assert view.message.text() == "Saved Chai."
    [(details, who, approver)] = audit(db, "price.change")
    assert details == {"sku": "CHAI", "old_price": 1800, "new_price": 1950}
    assert (who, approver) == (people["carl"].staff_id, people["mia"].staff_id)
    assert_clean(db)


def test_a_refused_approval_leaves_the_price_unchanged(qtbot, shop, db, people, monkeypatch):
    calls = refuse_approval(monkeypatch)
    view = catalogue(qtbot, shop, signed_in(shop, people["carl"]))
    before = snapshot(db)
    dialog = edit_price(qtbot, view, "Chai", "1.00")
    assert [permission for permission, _text in calls] == [Permission.EDIT_CATALOGUE]
    assert view.productDialog is dialog and dialog.isVisible()  # still there to fix or leave
    assert dialog.message.is_error and dialog.message.text() == NOT_APPROVED
    assert dialog.saved_id is None
    qtbot.keyClick(dialog.fields["price"], Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: view.productDialog is None)
    assert price_of(shop, "CHAI") == 1800
    assert snapshot(db) == before


def test_an_owner_saves_without_being_asked(qtbot, shop, db, people, monkeypatch):
    calls = refuse_approval(monkeypatch)
    view = catalogue(qtbot, shop, signed_in(shop, people["olive"]))
    edit_price(qtbot, view, "Tofu", "24.00")
    qtbot.waitUntil(lambda: view.productDialog is None)
    assert calls == []
    assert price_of(shop, "TOFU") == 2400
    [(_details, who, approver)] = audit(db, "price.change")
    assert (who, approver) == (people["olive"].staff_id, None)


def test_with_nobody_signed_in_nothing_opens(qtbot, shop, db, people, monkeypatch):
    calls = refuse_approval(monkeypatch)
    view = catalogue(qtbot, shop, Station("Till 1"))
    qtbot.keyClick(view.searchField, Qt.Key.Key_N, CTRL)
    assert view.productDialog is None
    assert view.message.text() == "Sign in first."
    qtbot.keyClick(view.searchField, Qt.Key.Key_R, CTRL | SHIFT)
    assert view.receivingDialog is None
    assert view.message.text() == "Sign in first."
    assert calls == []


def test_a_cashier_receives_stock_with_a_managers_approval(qtbot, shop, db, people, monkeypatch):
    calls = refuse_approval(monkeypatch)
    view = catalogue(qtbot, shop, signed_in(shop, people["carl"]))
    before = snapshot(db)
    qtbot.keyClick(view.searchField, Qt.Key.Key_R, CTRL | SHIFT)
    assert calls == [(Permission.RECEIVE_STOCK, "receiving a delivery")]
    assert view.receivingDialog is None  # refused: it never opened, no number was taken
    assert view.message.is_error and view.message.text() == NOT_APPROVED
    assert snapshot(db) == before

    approve_as(monkeypatch, people["mia"])
    qtbot.keyClick(view.searchField, Qt.Key.Key_R, CTRL | SHIFT)
    dialog = view.receivingDialog
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.keyClicks(dialog.supplierField, "Exotic Liquids")
    qtbot.keyClick(dialog.supplierField, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.codeField, "CHAI")
    qtbot.keyClick(dialog.codeField, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.quantityField, "6")
    qtbot.keyClick(dialog.quantityField, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.linesModel.rowCount() == 1)
    qtbot.keyClick(dialog.codeField, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: view.receivingDialog is None)
    assert stock_of(db, "CHAI") == 12 + 6
    [(details, who, approver)] = audit(db, "stock.receive")[-1:]
    assert details["supplier"] == "Exotic Liquids" and details["lines"] == 1
    assert (who, approver) == (people["carl"].staff_id, people["mia"].staff_id)
    assert_clean(db)


def test_a_cashier_posts_a_journal_entry_only_with_approval(
    qtbot, shop, db, people, monkeypatch
):
    calls = refuse_approval(monkeypatch)
    view = shown(qtbot, LedgerView(shop, signed_in(shop, people["carl"])))
    qtbot.waitUntil(lambda: not view.journal_model.busy and not view.background.busy())
    before = snapshot(db)
    view.newJournalEntryButton.setFocus()
    qtbot.keyClick(view.newJournalEntryButton, Qt.Key.Key_J, CTRL)
    qtbot.waitUntil(lambda: calls != [])  # a button's shortcut clicks it a moment later
    assert calls == [(Permission.POST_JOURNAL, "a manual journal entry")]
    assert view._dialog is None
    assert view.message.text() == NOT_APPROVED
    assert snapshot(db) == before

    approve_as(monkeypatch, people["mia"])
    qtbot.keyClick(view.newJournalEntryButton, Qt.Key.Key_J, CTRL)
    qtbot.waitUntil(lambda: view._dialog is not None and view._dialog.isVisible())
    dialog = view._dialog
    dialog.descriptionField.setText("Opening float")
    model = dialog.model
    model.setData(model.index(0, EntriesModel.ACCOUNT), "1000")
    model.setData(model.index(0, EntriesModel.DEBIT), "100")
    model.setData(model.index(1, EntriesModel.ACCOUNT), "3000")
    model.setData(model.index(1, EntriesModel.CREDIT), "100")
    assert dialog.confirmButton.isEnabled()
    dialog.confirmButton.click()
    qtbot.waitUntil(lambda: view._dialog is None)
    [(details, who, approver)] = audit(db, "journal.manual")
    assert details["total"] == 10_000
    assert (who, approver) == (people["carl"].staff_id, people["mia"].staff_id)
    assert_clean(db)
