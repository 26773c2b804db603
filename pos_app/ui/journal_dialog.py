"""The manual journal entry dialog: a description and rows of account + debit or credit,
posted only when debits equal credits.

The dialog opens its own unit of work and flushes the transaction header at once, so the
accountant sees the number it will get. Post commits; Esc, Cancel or closing the window
rolls back, leaving nothing behind. The entry is posted as the person signed in at the
till (someone without the journal right brings a manager's ``approval``, asked for before
the dialog opens); the service refuses anyone else before writing anything.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import InvalidInput
from ..domain.staff import Approval
from ..services.journal import ManualJournalEntry
from ..services.store import Store
from .acting import signed_in
from .feedback import InlineMessage, failure_text, went_wrong
from .journal_entries import AccountDelegate, AmountDelegate, EntriesModel
from .money import format_money
from .station import Station

__all__ = ["EntriesModel", "ManualJournalDialog", "demo"]

log = logging.getLogger(__name__)

GENERIC_ERROR = went_wrong("nothing was posted", "Try again, or tell the shop owner.")


class ManualJournalDialog(QDialog):
    """Post a balanced manual journal transaction, or leave without a trace."""

    def __init__(
        self,
        store: Store,
        station: Station,
        parent: QWidget | None = None,
        *,
        approval: Approval | None = None,
    ):
        super().__init__(parent)
        self.station = station
        self.approval = approval
        self.setObjectName("journalDialog")
        self.setWindowTitle("New journal entry")
        self.setModal(True)
        self.setMinimumSize(640, 420)  # explicit: changing hints never resize the window
        self.resize(760, 520)
        self.store = store
        self._uow = None
        self._entry: ManualJournalEntry | None = None
        self._ready = False
        self.transaction_id: int | None = None

        try:
            accounts = store.accounts()
        except Exception as exc:  # noqa: BLE001 - a bug is logged; the dialog opens to say so
            accounts = []
            startup_error = failure_text(
                exc, GENERIC_ERROR, log, "loading the chart of accounts failed"
            )
        else:
            startup_error = None

        self.transactionNumberLabel = QLabel("Journal transaction No. …")
        self.transactionNumberLabel.setObjectName("transactionNumberLabel")
        self.transactionNumberLabel.setAccessibleName("Transaction number")
        font = self.transactionNumberLabel.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.transactionNumberLabel.setFont(font)

        self.descriptionField = QLineEdit()
        self.descriptionField.setObjectName("descriptionField")
        self.descriptionField.setAccessibleName("Description")
        self.descriptionField.setMaxLength(200)
        self.descriptionField.setPlaceholderText("What is this entry for? e.g. Owner's drawing")

        self.model = EntriesModel(accounts, self)
        self.entriesTable = QTableView()
        self.entriesTable.setObjectName("entriesTable")
        self.entriesTable.setAccessibleName("Entries")
        self.entriesTable.setModel(self.model)
        self.entriesTable.setItemDelegateForColumn(
            EntriesModel.ACCOUNT, AccountDelegate(accounts, self.entriesTable)
        )
        amounts = AmountDelegate(self.entriesTable)
        for column in (EntriesModel.DEBIT, EntriesModel.CREDIT):
            self.entriesTable.setItemDelegateForColumn(column, amounts)
        self.entriesTable.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.entriesTable.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.entriesTable.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        header = self.entriesTable.horizontalHeader()
        header.setSectionResizeMode(EntriesModel.ACCOUNT, QHeaderView.ResizeMode.Stretch)
        for column in (EntriesModel.DEBIT, EntriesModel.CREDIT):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, 140)
        self.entriesTable.verticalHeader().setDefaultSectionSize(
            self.entriesTable.fontMetrics().height() + 14
        )

        self.addRowButton = QPushButton("Add row (Ctrl+N)")
        self.addRowButton.setObjectName("addRowButton")
        self.addRowButton.setAccessibleName("Add row")
        self.addRowButton.setShortcut(QKeySequence("Ctrl+N"))
        self.addRowButton.setAutoDefault(False)
        self.removeRowButton = QPushButton("Remove row (Ctrl+Del)")
        self.removeRowButton.setObjectName("removeRowButton")
        self.removeRowButton.setAccessibleName("Remove row")
        self.removeRowButton.setShortcut(QKeySequence("Ctrl+Del"))
        self.removeRowButton.setAutoDefault(False)

        self.debitTotalLabel = QLabel()
        self.debitTotalLabel.setObjectName("debitTotalLabel")
        self.debitTotalLabel.setAccessibleName("Total debits")
        self.creditTotalLabel = QLabel()
        self.creditTotalLabel.setObjectName("creditTotalLabel")
        self.creditTotalLabel.setAccessibleName("Total credits")
        self.differenceLabel = QLabel()
        self.differenceLabel.setObjectName("differenceLabel")
        self.differenceLabel.setAccessibleName("Difference")
        for label in (self.debitTotalLabel, self.creditTotalLabel, self.differenceLabel):
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.hintLabel = QLabel()
        self.hintLabel.setObjectName("confirmHintLabel")
        self.hintLabel.setWordWrap(True)

        self.message = InlineMessage(self, object_name="journalMessage")

        self.confirmButton = QPushButton("Post entry (Ctrl+Enter)")
        self.confirmButton.setObjectName("confirmButton")
        self.confirmButton.setAccessibleName("Post entry")
        self.confirmButton.setAutoDefault(False)
        self.confirmButton.setEnabled(False)
        self.cancelButton = QPushButton("Cancel (Esc)")
        self.cancelButton.setObjectName("cancelButton")
        self.cancelButton.setAccessibleName("Cancel")
        self.cancelButton.setAutoDefault(False)

        form = QFormLayout()
        form.addRow("&Description", self.descriptionField)
        rows = QHBoxLayout()
        rows.addWidget(self.addRowButton)
        rows.addWidget(self.removeRowButton)
        rows.addStretch(1)
        totals = QHBoxLayout()
        totals.addWidget(self.debitTotalLabel)
        totals.addSpacing(18)
        totals.addWidget(self.creditTotalLabel)
        totals.addSpacing(18)
        totals.addWidget(self.differenceLabel)
        totals.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.hintLabel, 1)
        buttons.addWidget(self.cancelButton)
        buttons.addWidget(self.confirmButton)

        layout = QVBoxLayout(self)
        layout.addWidget(self.transactionNumberLabel)
        layout.addLayout(form)
        layout.addWidget(self.entriesTable, 1)
        layout.addLayout(rows)
        layout.addLayout(totals)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self.confirm)
        self.setTabOrder(self.descriptionField, self.entriesTable)
        self.setTabOrder(self.entriesTable, self.addRowButton)
        self.setTabOrder(self.addRowButton, self.removeRowButton)
        self.setTabOrder(self.removeRowButton, self.cancelButton)
        self.setTabOrder(self.cancelButton, self.confirmButton)

        self.addRowButton.clicked.connect(self.add_row)
        self.removeRowButton.clicked.connect(self.remove_row)
        self.confirmButton.clicked.connect(self.confirm)
        self.cancelButton.clicked.connect(self.reject)
        self.descriptionField.textChanged.connect(self._update_state)
        self.model.dataChanged.connect(self._cells_changed)
        self.model.rowsInserted.connect(self._update_state)
        self.model.rowsRemoved.connect(self._update_state)

        if startup_error:
            self.message.show_error(startup_error)
        else:
            self._begin()
        self._update_state()
        self.descriptionField.setFocus()

    # -- opening and closing --------------------------------------------------------------
    @classmethod
    def ask(
        cls,
        store: Store,
        station: Station,
        parent: QWidget | None = None,
        *,
        approval: Approval | None = None,
    ) -> int | None:
        """Show the dialog; the posted transaction's id, or None when nothing was posted."""
        dialog = cls(store, station, parent, approval=approval)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return dialog.transaction_id
            return None
        finally:
            dialog.deleteLater()

    def _begin(self) -> None:
        """Open the unit of work and flush the header, to show the number it will get."""
        try:
            if self._entry is None:
                self._uow = uow = self.store.unit_of_work()
                # Deleted with its parent while still open: no transaction outlives it.
                self.destroyed.connect(lambda *_args, uow=uow: uow.close())
                self._entry = ManualJournalEntry(
                    self._uow, actor=signed_in(self.station), approval=self.approval
                )
            number = self._entry.begin()
        except Exception as exc:  # noqa: BLE001 - a bug is logged, the dialog says so
            self._ready = False
            self.transactionNumberLabel.setText("Journal transaction No. (not available)")
            self.message.show_error(
                failure_text(exc, GENERIC_ERROR, log, "starting a manual journal entry failed")
            )
        else:
            self._ready = True
            self.transactionNumberLabel.setText(f"Journal transaction No. {number}")

    def done(self, result: int) -> None:
        """Every way out ends here: roll back whatever was not posted, free the connection."""
        self._release()
        super().done(result)

    def closeEvent(self, event) -> None:  # noqa: ANN001
        # A dialog closed without ever being shown (a demo, a test) skips done().
        super().closeEvent(event)
        self._release()

    def _release(self) -> None:
        if self._uow is not None:
            uow, self._uow = self._uow, None
            try:
                uow.close()
            except Exception:  # noqa: BLE001 - closing must never keep the dialog open
                log.exception("closing the journal entry's unit of work failed")

    # -- rows -------------------------------------------------------------------------------
    def add_row(self) -> None:
        row = self.model.add_row()
        index = self.model.index(row, EntriesModel.ACCOUNT)
        self.entriesTable.setFocus()
        self.entriesTable.setCurrentIndex(index)
        self.entriesTable.scrollTo(index)

    def remove_row(self) -> None:
        current = self.entriesTable.currentIndex()
        row = current.row() if current.isValid() else self.model.rowCount() - 1
        if row < 0:
            return
        self.model.remove_row(row)
        if self.model.rowCount():
            self.entriesTable.setCurrentIndex(
                self.model.index(
                    min(row, self.model.rowCount() - 1),
                    current.column() if current.isValid() else 0,
                )
            )

    # -- live state -------------------------------------------------------------------------
    def _cells_changed(self, top_left: QModelIndex, _bottom_right: QModelIndex) -> None:
        row = top_left.row()
        problems = [
            self.model.cell_problem(row, column) for column in range(self.model.columnCount())
        ]
        problems = [p for p in problems if p]
        if problems:
            self.message.show_error(f"Row {row + 1}: {problems[0]}")
        elif self.message.is_error and not self.model.problems():
            self.message.clear_message()
        self._update_state()

    def _update_state(self, *_args) -> None:
        debits, credits = self.model.totals()
        difference = debits - credits
        self.debitTotalLabel.setText(f"Debits {format_money(debits)}")
        self.creditTotalLabel.setText(f"Credits {format_money(credits)}")
        if difference == 0 and debits > 0:
            self.differenceLabel.setText(f"Difference {format_money(0)} ✓ Balanced")
        elif difference > 0:
            self.differenceLabel.setText(
                f"Difference {format_money(difference)} ⚠ debits exceed credits"
            )
        elif difference < 0:
            self.differenceLabel.setText(
                f"Difference {format_money(-difference)} ⚠ credits exceed debits"
            )
        else:
            self.differenceLabel.setText(f"Difference {format_money(0)}")
        hint = self._why_not_ready(difference)
        self.hintLabel.setText(hint or "Ready to post.")
        self.confirmButton.setEnabled(hint is None)
        self.removeRowButton.setEnabled(self.model.rowCount() > 0)

    def _why_not_ready(self, difference: int) -> str | None:
        if not self._ready:
            return "This entry cannot be posted now."
        if self.model.problems():
            return "Correct the marked cells first."
        if len(self.model.complete_rows()) < 2:
            return "Enter at least two rows, each with an account and a debit or a credit."
        if self.model.incomplete_rows():
            rows = ", ".join(str(r + 1) for r in self.model.incomplete_rows())
            return f"Finish or remove row {rows}: each needs an account and one amount."
        if difference:
            return "Debits and credits must be equal."
        if not self.descriptionField.text().strip():
            return "Describe what this entry is for."
        return None

    # -- posting ----------------------------------------------------------------------------
    def _commit_open_editor(self) -> None:
        """Ctrl+Enter while a cell is being typed in: take what is typed, then post."""
        table = self.entriesTable
        if table.state() != QAbstractItemView.State.EditingState:
            return
        editor = table.indexWidget(table.currentIndex())
        if editor is not None:
            table.commitData(editor)
            table.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def confirm(self) -> None:
        self._commit_open_editor()
        self._update_state()
        if not self.confirmButton.isEnabled() or self._entry is None:
            return
        try:
            postings = self.model.postings()
            transaction_id = self._entry.post(self.descriptionField.text(), postings)
        except InvalidInput as exc:
            self.message.show_error(str(exc))
            if exc.field == "description":
                self.descriptionField.setFocus()
            else:
                self.entriesTable.setFocus()
            self._begin_again()
        except Exception as exc:  # noqa: BLE001 - a bug is logged, the dialog says so
            self.message.show_error(
                failure_text(exc, GENERIC_ERROR, log, "posting a manual journal entry failed")
            )
            self._begin_again()
        else:
            self.transaction_id = transaction_id
            self.accept()

    def _begin_again(self) -> None:
        """After a refused post the header may have been rolled back: show its new number."""
        if self._entry is not None and not self._entry.posted:
            self._begin()
        self._update_state()


def demo(store: Store) -> QWidget:
    """The dialog with an owner's drawing typed in, balanced and ready to post."""
    from .samples import sample_station

    dialog = ManualJournalDialog(store, sample_station(store))
    dialog.descriptionField.setText("Owner's drawing for April")
    model = dialog.model
    model.setData(model.index(0, EntriesModel.ACCOUNT), "3000")
    model.setData(model.index(0, EntriesModel.DEBIT), "150")
    model.setData(model.index(1, EntriesModel.ACCOUNT), "1000")
    model.setData(model.index(1, EntriesModel.CREDIT), "150.00")
    return dialog
