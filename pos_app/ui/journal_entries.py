"""The rows of a manual journal entry as a table: each row an account and a debit or a
credit, kept as typed so a bad amount stays on screen to be corrected, with each cell's
problem in words and the live totals; and the cells' editors (an account combo that
completes as you type, an amount line edit)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QApplication,
    QComboBox,
    QCompleter,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QWidget,
)

from ..domain.errors import InvalidInput
from ..domain.postings import Posting
from ..services.store import AccountRow
from .money import format_money, parse_money
from .table_models import RIGHT, Index, TableModel


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


class EntriesModel(TableModel):
    """The rows of one manual journal entry, with per-cell problems and live totals."""

    ACCOUNT, DEBIT, CREDIT = range(3)
    HEADERS = ("Account", "Debit", "Credit")
    NUMERIC = frozenset({DEBIT, CREDIT})
    NUMBERED_ROWS = True

    def __init__(self, accounts: list[AccountRow], parent=None, *, rows: int = 2):  # noqa: ANN001
        super().__init__(parent)
        self.accounts = list(accounts)
        self._by_code = {a.code: a for a in self.accounts}
        self._rows = [EntryDraft() for _ in range(rows)]
        self._warning_icon = None

    # -- structure ------------------------------------------------------------------------
    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

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
            return self.alignment(column)
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
        part of its name, when only one account fits (or only one name starts with it:
        "cash" is Cash in till, not Rounding of cash totals)."""
        text = text.strip()
        if not text:
            return None
        lowered = text.casefold()
        for account in self.accounts:
            if lowered in (account.code.casefold(), account_label(account).casefold()):
                return account.code
        fits = [a for a in self.accounts if a.code.startswith(text) or lowered in a.name.casefold()]
        if len(fits) > 1:
            fits = [a for a in fits if a.name.casefold().startswith(lowered)] or fits
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
