"""The manual journal entry dialog: a description and rows of account + debit or credit,
posted only when debits equal credits.

The dialog opens its own unit of work and flushes the transaction header at once, so the
accountant sees the number it will get. Post commits; Esc, Cancel or closing the window
rolls back, leaving nothing behind.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QCompleter,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import InvalidInput, PosError
from ..domain.postings import Posting
from ..services.journal import ManualJournalEntry
from ..services.store import AccountRow, Store
from .feedback import InlineMessage
from .money import format_money, parse_money

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
GENERIC_ERROR = "Something went wrong; nothing was posted. Try again, or tell the shop owner."


def account_label(account: AccountRow) -> str:
    return f"{account.code} · {account.name}"


@dataclass
class EntryDraft:
    """One row as typed: kept as text, so a bad amount stays on screen to be corrected."""

    account_code: str | None = None
    account_text: str = ""  # what was typed when it matched no account
    debit_text: str = ""
    credit_text: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.account_code or self.account_text or self.debit_text or self.credit_text)


class EntriesModel(QAbstractTableModel):
    """The rows of one manual journal entry, with per-cell problems and live totals."""

    ACCOUNT, DEBIT, CREDIT = range(3)
    HEADERS = ("Account", "Debit", "Credit")

    def __init__(self, accounts: list[AccountRow], parent=None, *, rows: int = 2):  # noqa: ANN001
        super().__init__(parent)
        self.accounts = list(accounts)
        self._by_code = {a.code: a for a in self.accounts}
        self._rows = [EntryDraft() for _ in range(rows)]
        self._warning_icon = None

    # -- structure ------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.HEADERS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return LEFT if section == self.ACCOUNT else RIGHT
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def add_row(self) -> int:
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(EntryDraft())
        self.endInsertRows()
        return row

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    def draft(self, row: int) -> EntryDraft:
        return self._rows[row]

    # -- reading and writing cells ----------------------------------------------------------
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        draft, column = self._rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == self.ACCOUNT:
                if draft.account_code:
                    return account_label(self._by_code[draft.account_code])
                return draft.account_text
            text = draft.debit_text if column == self.DEBIT else draft.credit_text
            if (
                role == Qt.ItemDataRole.DisplayRole
                and self.cell_problem(index.row(), column) is None
            ):
                amount = self._amount(text)
                return format_money(amount) if amount else text
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return LEFT if column == self.ACCOUNT else RIGHT
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.cell_problem(index.row(), column)
        if role == Qt.ItemDataRole.DecorationRole and self.cell_problem(index.row(), column):
            return self._warning()
        return None

    def _warning(self):
        if self._warning_icon is None:
            self._warning_icon = QApplication.style().standardIcon(
                QStyle.StandardPixmap.SP_MessageBoxWarning
            )
        return self._warning_icon

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: ANN001
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        if not 0 <= index.row() < len(self._rows):
            return False
        draft, column = self._rows[index.row()], index.column()
        text = "" if value is None else str(value).strip()
        if column == self.ACCOUNT:
            code = self.match_account(text)
            draft.account_code, draft.account_text = code, ("" if code else text)
        elif column == self.DEBIT:
            draft.debit_text = text
        elif column == self.CREDIT:
            draft.credit_text = text
        else:
            return False
        left, right = self.index(index.row(), 0), self.index(index.row(), len(self.HEADERS) - 1)
        self.dataChanged.emit(left, right)  # a problem on one side may clear the other
        return True

    def match_account(self, text: str) -> str | None:
        """An account from what was typed: its label, its code, the start of its code, or
        part of its name, when only one account fits."""
        text = text.strip()
        if not text:
            return None
        lowered = text.casefold()
        for account in self.accounts:
            if lowered in (account.code.casefold(), account_label(account).casefold()):
                return account.code
        fits = [a for a in self.accounts if a.code.startswith(text) or lowered in a.name.casefold()]
        return fits[0].code if len(fits) == 1 else None

    # -- checking -------------------------------------------------------------------------
    @staticmethod
    def _amount(text: str) -> int | None:
        if not text:
            return None
        try:
            return parse_money(text)
        except InvalidInput:
            return None

    def cell_problem(self, row: int, column: int) -> str | None:
        """What is wrong with one cell, in words, or None."""
        draft = self._rows[row]
        if column == self.ACCOUNT:
            if draft.account_text and not draft.account_code:
                return f"No single account matches “{draft.account_text}”: type a code such as 1000 or pick one from the list."
            return None
        text = draft.debit_text if column == self.DEBIT else draft.credit_text
        side = "debit" if column == self.DEBIT else "credit"
        if not text:
            return None
        try:
            amount = parse_money(text, side)
        except InvalidInput as exc:
            return str(exc)
        if amount == 0:
            return f"The {side} must be more than zero (leave it empty instead)."
        if draft.debit_text and draft.credit_text:
            return "A row is either a debit or a credit, not both: clear one of them."
        return None

    def problems(self) -> list[tuple[int, int, str]]:
        return [
            (row, column, message)
            for row in range(len(self._rows))
            for column in range(len(self.HEADERS))
            if (message := self.cell_problem(row, column))
        ]

    def complete_rows(self) -> list[int]:
        """Rows with an account and exactly one valid amount."""
        return [
            row
            for row, draft in enumerate(self._rows)
            if draft.account_code
            and not any(self.cell_problem(row, c) for c in range(len(self.HEADERS)))
            and bool(self._amount(draft.debit_text)) != bool(self._amount(draft.credit_text))
        ]

    def incomplete_rows(self) -> list[int]:
        complete = set(self.complete_rows())
        return [
            row
            for row, draft in enumerate(self._rows)
            if row not in complete and not draft.is_empty
        ]

    def totals(self) -> tuple[int, int]:
        debits = credits = 0
        for row in self.complete_rows():
            draft = self._rows[row]
            debits += self._amount(draft.debit_text) or 0
            credits += self._amount(draft.credit_text) or 0
        return debits, credits

    def postings(self) -> list[Posting]:
        return [
            Posting(
                self._rows[row].account_code,
                debit=self._amount(self._rows[row].debit_text) or 0,
                credit=self._amount(self._rows[row].credit_text) or 0,
            )
            for row in self.complete_rows()
        ]


class _EnterTakesCompletion(QObject):
    """Enter while the completion list is open takes the highlighted account (or the only
    one left) and finishes the cell, instead of merely closing the list."""

    def __init__(self, delegate: QStyledItemDelegate, combo: QComboBox):
        super().__init__(combo)
        self.delegate, self.combo = delegate, combo

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or event.key() not in (
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
        ):
            return False
        completer = self.combo.completer()
        popup = completer.popup() if completer is not None else None
        if popup is None or not popup.isVisible():
            return False
        current = popup.currentIndex()
        if current.isValid():
            text = current.data()
        elif completer.completionCount() == 1:
            text = completer.currentCompletion()
        else:
            return False  # several fit: the list closes and the accountant keeps typing
        popup.hide()
        self.combo.setEditText(text)
        self.delegate.commitData.emit(self.combo)
        self.delegate.closeEditor.emit(self.combo, QAbstractItemDelegate.EndEditHint.NoHint)
        return True


class AccountDelegate(QStyledItemDelegate):
    """The account cell is an editable combo over the chart: pick from the list, or type a
    code or part of a name (the completer narrows the list as you type)."""

    def __init__(self, accounts: list[AccountRow], parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.labels = [account_label(a) for a in accounts]

    def createEditor(self, parent: QWidget, option, index: Index) -> QWidget:  # noqa: ANN001
        combo = QComboBox(parent)
        combo.setObjectName("accountEditor")
        combo.setAccessibleName("Account")
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.addItems(self.labels)
        completer = QCompleter(self.labels, combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        combo.setCompleter(completer)
        combo.lineEdit().installEventFilter(_EnterTakesCompletion(self, combo))
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        text = index.data(Qt.ItemDataRole.EditRole) or ""
        position = editor.findText(text)
        if position >= 0:
            editor.setCurrentIndex(position)
        else:
            editor.setCurrentIndex(-1)
            editor.setEditText(text)
        editor.lineEdit().selectAll()  # typing replaces the account, as in a spreadsheet

    def setModelData(self, editor: QWidget, model, index: Index) -> None:  # noqa: ANN001
        model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)

    def updateEditorGeometry(self, editor: QWidget, option, index: Index) -> None:  # noqa: ANN001
        editor.setGeometry(option.rect)


class AmountDelegate(QStyledItemDelegate):
    """Amounts are typed as text (checked by the model, so a bad one stays visible to fix);
    re-entering a cell selects what is there, so typing replaces it."""

    def createEditor(self, parent: QWidget, option, index: Index) -> QWidget:  # noqa: ANN001
        editor = QLineEdit(parent)
        editor.setObjectName("amountEditor")
        editor.setAccessibleName(
            str(index.model().headerData(index.column(), Qt.Orientation.Horizontal))
        )
        editor.setAlignment(RIGHT)
        editor.setMaxLength(20)
        return editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        editor.setText(index.data(Qt.ItemDataRole.EditRole) or "")
        editor.selectAll()

    def setModelData(self, editor: QWidget, model, index: Index) -> None:  # noqa: ANN001
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)


class ManualJournalDialog(QDialog):
    """Post a balanced manual journal transaction, or leave without a trace."""

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
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
        except PosError as exc:
            accounts, startup_error = [], str(exc)
        except Exception:  # noqa: BLE001 - a bug, logged; the dialog still opens to say so
            log.exception("loading the chart of accounts failed")
            accounts, startup_error = [], GENERIC_ERROR
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
    def ask(cls, store: Store, parent: QWidget | None = None) -> int | None:
        """Show the dialog; the posted transaction's id, or None when nothing was posted."""
        dialog = cls(store, parent)
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
                self._entry = ManualJournalEntry(self._uow)
            number = self._entry.begin()
        except PosError as exc:
            self._ready = False
            self.transactionNumberLabel.setText("Journal transaction No. (not available)")
            self.message.show_error(str(exc))
        except Exception:  # noqa: BLE001 - a bug: log it, say something short
            log.exception("starting a manual journal entry failed")
            self._ready = False
            self.transactionNumberLabel.setText("Journal transaction No. (not available)")
            self.message.show_error(GENERIC_ERROR)
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
        except PosError as exc:
            self.message.show_error(str(exc))
            self._begin_again()
        except Exception:  # noqa: BLE001 - a bug: log it, say something short
            log.exception("posting a manual journal entry failed")
            self.message.show_error(GENERIC_ERROR)
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
    dialog = ManualJournalDialog(store)
    dialog.descriptionField.setText("Owner's drawing for April")
    model = dialog.model
    model.setData(model.index(0, EntriesModel.ACCOUNT), "3000")
    model.setData(model.index(0, EntriesModel.DEBIT), "150")
    model.setData(model.index(1, EntriesModel.ACCOUNT), "1000")
    model.setData(model.index(1, EntriesModel.CREDIT), "150.00")
    return dialog
