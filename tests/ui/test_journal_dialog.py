"""The manual journal entry dialog, driven with the keyboard as an accountant would."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from pos_app.domain.errors import UnbalancedJournal
from pos_app.domain.postings import Accounts
from pos_app.ui.journal_dialog import EntriesModel, ManualJournalDialog, demo
from pos_app.ui.ledger_models import JournalModel
from pos_app.ui.ledger_view import LedgerView
from tests.factories import snapshot
from tests.ui.stations import signed_in

# The account cell's completion list is a popup; the offscreen platform says it cannot
# raise it or grab the keyboard for it, which is harmless here.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")


def activate(qtbot, window) -> None:
    """Shortcuts and typed keys need the window active, as at a real desk."""
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def shown(qtbot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    activate(qtbot, dialog)
    return dialog


@pytest.fixture
def dialog(qtbot, shop) -> ManualJournalDialog:
    return shown(qtbot, ManualJournalDialog(shop, signed_in(shop)))


def keys(qtbot, text: str) -> None:
    """Type into whatever has the focus now (the cell editor the table just opened)."""
    for char in text:
        qtbot.keyClick(QApplication.focusWidget(), char)


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def fill_row(qtbot, dialog, row: int, account: str, debit: str = "", credit: str = "") -> None:
    """Account, Tab, debit, Tab, credit, Enter: each Tab finishes a cell and opens the next."""
    table = dialog.entriesTable
    table.setFocus()
    table.setCurrentIndex(dialog.model.index(row, EntriesModel.ACCOUNT))
    qtbot.keyClick(table, Qt.Key.Key_F2)
    keys(qtbot, account)
    press(qtbot, Qt.Key.Key_Tab)
    keys(qtbot, debit)
    press(qtbot, Qt.Key.Key_Tab)
    keys(qtbot, credit)
    press(qtbot, Qt.Key.Key_Return)  # the delegate closes the editor on the next loop turn
    qtbot.waitUntil(lambda: table.state() != table.State.EditingState)
    # The offscreen platform leaves no window active once the account's completion popup
    # has closed (a real window manager gives activation back): activate it again.
    activate(qtbot, dialog)


def describe(qtbot, dialog, text: str) -> None:
    dialog.descriptionField.setFocus()
    qtbot.keyClicks(dialog.descriptionField, text)


def test_flushed_transaction_number_is_shown_on_open(dialog, shop):
    newest = shop.journal(limit=1)[0].transaction_id
    assert dialog.transactionNumberLabel.text() == f"Journal transaction No. {newest + 1}"
    assert not dialog.confirmButton.isEnabled()
    assert dialog.focusWidget() is dialog.descriptionField


def test_unbalanced_pair_keeps_confirm_disabled_until_balanced(qtbot, dialog):
    describe(qtbot, dialog, "Owner's drawing")
    fill_row(qtbot, dialog, 0, "3000", debit="50")
    fill_row(qtbot, dialog, 1, "cash", credit="40")
    assert dialog.model.index(1, EntriesModel.ACCOUNT).data() == "1000 · Cash in till"
    assert dialog.debitTotalLabel.text() == "Debits 50.00"
    assert dialog.creditTotalLabel.text() == "Credits 40.00"
    assert "10.00" in dialog.differenceLabel.text()
    assert "debits exceed credits" in dialog.differenceLabel.text()
    assert not dialog.confirmButton.isEnabled()
    assert "equal" in dialog.hintLabel.text()

    fill_row(qtbot, dialog, 1, "1000", credit="50.00")
    assert dialog.differenceLabel.text().endswith("✓ Balanced")
    assert dialog.confirmButton.isEnabled()


def test_confirm_posts_and_the_ledger_shows_both_entries(qtbot, dialog, shop):
    number = int(dialog.transactionNumberLabel.text().rsplit(" ", 1)[1])
    describe(qtbot, dialog, "Card takings moved to cash")
    fill_row(qtbot, dialog, 0, "1000", debit="12.50")
    fill_row(qtbot, dialog, 1, "1010", credit="12,50")
    assert dialog.confirmButton.isEnabled()
    with qtbot.waitSignal(dialog.finished) as finished:
        press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert finished.args == [QDialog.DialogCode.Accepted.value]
    assert dialog.transaction_id == number

    newest = shop.journal(limit=1)[0]
    assert newest.transaction_id == number
    assert newest.description == "Card takings moved to cash"
    assert newest.kind == "manual"
    assert [(e.account_code, e.debit, e.credit) for e in newest.entries] == [
        (Accounts.CASH, 1250, 0),
        (Accounts.CARD_CLEARING, 0, 1250),
    ]


def test_escape_posts_nothing(qtbot, shop, db):
    before = snapshot(db)
    dialog = shown(qtbot, ManualJournalDialog(shop, signed_in(shop)))
    describe(qtbot, dialog, "Never mind")
    fill_row(qtbot, dialog, 0, "1000", debit="5")
    fill_row(qtbot, dialog, 1, "3000", credit="5")
    assert dialog.confirmButton.isEnabled()
    dialog.descriptionField.setFocus()
    with qtbot.waitSignal(dialog.finished) as finished:
        qtbot.keyClick(dialog.descriptionField, Qt.Key.Key_Escape)
    assert finished.args == [QDialog.DialogCode.Rejected.value]
    assert dialog.transaction_id is None
    assert snapshot(db) == before


def test_bad_amount_shows_a_message_next_to_the_rows(qtbot, dialog):
    describe(qtbot, dialog, "Typo")
    fill_row(qtbot, dialog, 0, "1000", debit="12.5x")
    assert dialog.message.is_error
    assert "Row 1" in dialog.message.text() and "number such as 12.50" in dialog.message.text()
    cell = dialog.model.index(0, EntriesModel.DEBIT)
    assert cell.data() == "12.5x"  # kept as typed, to be corrected
    assert "12.50" in cell.data(Qt.ItemDataRole.ToolTipRole)
    assert cell.data(Qt.ItemDataRole.DecorationRole) is not None
    assert not dialog.confirmButton.isEnabled()
    assert "marked" in dialog.hintLabel.text()

    fill_row(qtbot, dialog, 0, "1000", debit="12.5")
    assert not dialog.message.isVisible()
    assert dialog.model.index(0, EntriesModel.DEBIT).data() == "12.50"

    fill_row(qtbot, dialog, 1, "3000", debit="3", credit="4")
    assert "either a debit or a credit" in dialog.message.text()
    fill_row(qtbot, dialog, 1, "nothing like it", credit="12.50")
    assert "No single account" in dialog.message.text()
    assert not dialog.confirmButton.isEnabled()


def test_rows_are_added_and_removed_with_keys(qtbot, dialog):
    assert dialog.model.rowCount() == 2
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 3)  # a button's shortcut animates
    assert dialog.entriesTable.currentIndex().row() == 2
    describe(qtbot, dialog, "Three-way")
    fill_row(qtbot, dialog, 0, "5100", debit="7")
    fill_row(qtbot, dialog, 1, "1200", credit="5")
    fill_row(qtbot, dialog, 2, "1000", credit="2")
    assert dialog.confirmButton.isEnabled()
    dialog.entriesTable.setCurrentIndex(dialog.model.index(2, 0))
    press(qtbot, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2)
    assert not dialog.confirmButton.isEnabled()  # 7.00 against 5.00 now


def test_service_refusal_is_shown_inline_and_the_dialog_stays(qtbot, dialog, monkeypatch):
    describe(qtbot, dialog, "Refused")
    fill_row(qtbot, dialog, 0, "1000", debit="1")
    fill_row(qtbot, dialog, 1, "3000", credit="1")

    def refuse(*_args, **_kwargs):
        raise UnbalancedJournal("Debits 1.00 and credits 2.00 differ by 1.00.", "entries")

    monkeypatch.setattr(dialog._entry, "post", refuse)
    dialog.confirmButton.click()
    assert dialog.isVisible()
    assert dialog.message.is_error and "differ by 1.00" in dialog.message.text()
    assert dialog.transaction_id is None


def test_new_journal_entry_from_the_ledger(qtbot, shop):
    """Ctrl+J on the Ledger opens the real dialog; posting refreshes the journal."""
    view = LedgerView(shop, signed_in(shop))
    view.setMinimumSize(1024, 600)
    shown(qtbot, view)
    qtbot.waitUntil(lambda: not view.journal_model.busy and not view.background.busy())
    press(qtbot, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view._dialog is not None and view._dialog.isVisible())
    dialog = view._dialog
    assert dialog.isModal()
    activate(qtbot, dialog)
    describe(qtbot, dialog, "Opening float")
    fill_row(qtbot, dialog, 0, "1000", debit="100")
    fill_row(qtbot, dialog, 1, "3000", credit="100")
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: view.journal_model.index(0, JournalModel.DESCRIPTION).data() == "Opening float"
    )
    assert view._dialog is None
    model = view.journal_model
    assert [model.index(r, JournalModel.ACCOUNT).data() for r in (0, 1)] == [
        "Cash in till",
        "Owner's equity",
    ]
    assert "posted" in view.message.text()
    qtbot.waitUntil(lambda: "✓ Balanced" in view.trialBalanceTotalsLabel.text())
    qtbot.waitUntil(lambda: not view.journal_model.busy and not view.background.busy())


def test_entries_model_passes_qtmodeltester(qtmodeltester, dialog):
    qtmodeltester.check(dialog.model)
    dialog.model.setData(dialog.model.index(0, EntriesModel.ACCOUNT), "1000")
    dialog.model.setData(dialog.model.index(0, EntriesModel.DEBIT), "oops")
    qtmodeltester.check(dialog.model)


def test_demo_is_balanced_and_ready(qtbot, shop):
    dialog = demo(shop)
    qtbot.addWidget(dialog)
    assert dialog.confirmButton.isEnabled()
    assert "Balanced" in dialog.differenceLabel.text()
    assert dialog._uow is not None and dialog._uow.is_open
    dialog.close()  # never shown, so done() is skipped: closing still gives the connection back
    assert dialog._uow is None
