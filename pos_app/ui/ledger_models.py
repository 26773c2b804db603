"""Table models of the Ledger screen: the journal (one row per entry, grouped under its
transaction, loaded a page at a time) and the trial balance (one row per account)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication, QPalette

from ..services.store import EntryRow, JournalRow, Store
from .background import Background
from .feedback import failure_text
from .money import format_money
from .table_models import Index, TableModel

log = logging.getLogger(__name__)

TRANSACTION_ID_ROLE = Qt.ItemDataRole.UserRole + 1

KIND_NAMES = {
    "sale": "Sale",
    "shipment": "Shipment",
    "receiving": "Receiving",
    "manual": "Manual",
    "adjustment": "Adjustment",
}


def local_time(moment: datetime) -> str:
    """UTC from the database, shown in the till's own time zone."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _band_brush(band: int):
    """Every other transaction on the palette's alternate base: subtle on light and dark."""
    role = QPalette.ColorRole.AlternateBase if band % 2 else QPalette.ColorRole.Base
    return QGuiApplication.palette().brush(role)


@dataclass(frozen=True)
class JournalFilter:
    account_code: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def as_kwargs(self) -> dict:
        return {"account_code": self.account_code, "since": self.since, "until": self.until}


@dataclass(frozen=True)
class _Line:
    transaction: JournalRow
    entry: EntryRow | None  # None only for a transaction without entries (never in practice)
    first: bool
    band: int


class JournalModel(TableModel):
    """Newest transaction first; each entry is a row, the transaction's number, time,
    description and kind only on its first row, so a transaction reads as one block.

    Pages of ``page_size`` transactions are read on a ``Background`` thread when the view
    asks (``fetchMore``), so a ledger of any size opens at once.
    """

    NUMBER, POSTED, DESCRIPTION, KIND, ACCOUNT_CODE, ACCOUNT, DEBIT, CREDIT = range(8)
    HEADERS = ("No.", "Date", "Description", "Kind", "Code", "Account", "Debit", "Credit")
    NUMERIC = frozenset({NUMBER, DEBIT, CREDIT})
    PAGE_SIZE = 100

    loadingChanged = Signal(bool)
    pageLoaded = Signal()
    countChanged = Signal(int)  # transactions matching the filter
    loadFailed = Signal(str)

    def __init__(self, store: Store, parent=None, *, page_size: int = PAGE_SIZE):  # noqa: ANN001
        super().__init__(parent)
        self._store = store
        self.page_size = page_size
        self._filter = JournalFilter()
        self._rows: list[_Line] = []
        self._transactions = 0
        self._exhausted = True  # nothing to fetch until the first reload()
        self._loading = False
        self._counting = False
        self.total: int | None = None  # of the current filter; None until counted
        self._background = Background(self)

    # -- loading ----------------------------------------------------------------------
    @property
    def filter(self) -> JournalFilter:
        return self._filter

    @property
    def loading(self) -> bool:
        return self._loading

    @property
    def busy(self) -> bool:
        """A page or the count is still on its way (or a superseded read still running)."""
        return self._loading or self._counting or self._background.busy()

    @property
    def transaction_count(self) -> int:
        return self._transactions

    def reload(self, journal_filter: JournalFilter | None = None) -> None:
        """Read the first page and the count again (with a new filter if given), in one
        job; the rows shown now stay until they arrive, so a refresh does not flicker."""
        if journal_filter is not None:
            self._filter = journal_filter
        wanted, limit = self._filter, self.page_size
        self.total, self._counting = None, True
        self._set_loading(True)

        def first_page() -> tuple[list[JournalRow], int]:
            kwargs = wanted.as_kwargs()
            return self._store.journal(limit=limit, offset=0, **kwargs), self._store.count_journal(
                **kwargs
            )

        self._background.submit(first_page, self._first_page_done, self._failed, key="journal")

    def _first_page_done(self, result: tuple[list[JournalRow], int]) -> None:
        rows, count = result
        self.total, self._counting = count, False
        self._page_done(rows, replace=True)
        self.countChanged.emit(count)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._exhausted or self._loading:
            return
        self._load(self._transactions)

    def _load(self, offset: int) -> None:
        wanted, limit = self._filter, self.page_size
        self._set_loading(True)
        self._background.submit(
            lambda: self._store.journal(limit=limit, offset=offset, **wanted.as_kwargs()),
            lambda rows: self._page_done(rows, replace=False),
            self._failed,
            key="journal",  # a newer reload supersedes a page still on its way
        )

    def _page_done(self, rows: list[JournalRow], *, replace: bool) -> None:
        start = 0 if replace else self._transactions
        lines = self._lines_of(rows, start)
        if replace:
            self.beginResetModel()
            self._rows = lines
            self._transactions = len(rows)
            self._exhausted = len(rows) < self.page_size
            self.endResetModel()
        else:
            self._exhausted = len(rows) < self.page_size
            if lines:
                first = len(self._rows)
                self.beginInsertRows(QModelIndex(), first, first + len(lines) - 1)
                self._rows.extend(lines)
                self._transactions += len(rows)
                self.endInsertRows()
        self._set_loading(False)
        self.pageLoaded.emit()

    @staticmethod
    def _lines_of(rows: list[JournalRow], start: int) -> list[_Line]:
        lines: list[_Line] = []
        for number, txn in enumerate(rows, start):
            entries = txn.entries or (None,)
            for position, entry in enumerate(entries):
                lines.append(_Line(txn, entry, position == 0, number))
        return lines

    def _failed(self, error: Exception) -> None:
        self._counting = False
        self._set_loading(False)
        self.loadFailed.emit(
            failure_text(
                error,
                "The journal could not be read. Try again in a moment.",
                log,
                "reading the journal failed",
            )
        )

    def _set_loading(self, loading: bool) -> None:
        if loading != self._loading:
            self._loading = loading
            self.loadingChanged.emit(loading)

    # -- reading rows -------------------------------------------------------------------
    def transaction_at(self, row: int) -> JournalRow | None:
        return self._rows[row].transaction if 0 <= row < len(self._rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        line = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(line, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.DESCRIPTION:
                return line.transaction.description
            if column in (self.ACCOUNT_CODE, self.ACCOUNT) and line.entry is not None:
                return f"{line.entry.account_code} {line.entry.account_name}"
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.alignment(column)
        if role == Qt.ItemDataRole.BackgroundRole:
            return _band_brush(line.band)
        if role == Qt.ItemDataRole.FontRole and line.first and column == self.NUMBER:
            font = QFont()
            font.setBold(True)
            return font
        if role == TRANSACTION_ID_ROLE:
            return line.transaction.transaction_id
        return None

    def _text(self, line: _Line, column: int) -> str:
        txn, entry = line.transaction, line.entry
        if column == self.NUMBER:
            return str(txn.transaction_id) if line.first else ""
        if column == self.POSTED:
            return local_time(txn.posted_at) if line.first else ""
        if column == self.DESCRIPTION:
            return txn.description if line.first else ""
        if column == self.KIND:
            return KIND_NAMES.get(txn.kind, txn.kind.title()) if line.first else ""
        if entry is None:
            return ""
        if column == self.ACCOUNT_CODE:
            return entry.account_code
        if column == self.ACCOUNT:
            return entry.account_name
        if column == self.DEBIT:
            return format_money(entry.debit) if entry.debit else ""
        if column == self.CREDIT:
            return format_money(entry.credit) if entry.credit else ""
        return ""


class TrialBalanceModel(TableModel):
    """Every account with its total debits, total credits and balance (Dr or Cr)."""

    CODE, NAME, TYPE, DEBIT, CREDIT, BALANCE = range(6)
    HEADERS = ("Code", "Account", "Type", "Debit", "Credit", "Balance")
    NUMERIC = frozenset({DEBIT, CREDIT, BALANCE})
    CODE_ROLE = Qt.ItemDataRole.UserRole + 2

    def __init__(self, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self._rows: list = []  # AccountBalance rows from Store.trial_balance()

    def totals(self) -> tuple[int, int]:
        """Total debits and total credits over all accounts: equal when the books balance."""
        return sum(r.debit for r in self._rows), sum(r.credit for r in self._rows)

    def code_at(self, row: int) -> str | None:
        return self._rows[row].code if 0 <= row < len(self._rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.CODE:
                return row.code
            if column == self.NAME:
                return row.name
            if column == self.TYPE:
                return str(row.type).title()
            if column == self.DEBIT:
                return format_money(row.debit)
            if column == self.CREDIT:
                return format_money(row.credit)
            if column == self.BALANCE:
                return balance_text(row.debit - row.credit)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.alignment(column)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.BALANCE:
            return "Dr: debit balance, Cr: credit balance"
        if role == self.CODE_ROLE:
            return row.code
        return None


def balance_text(balance: int) -> str:
    """Accountants read a balance as an amount and a side: '120.00 Dr', '45.00 Cr'."""
    if balance == 0:
        return format_money(0)
    return f"{format_money(abs(balance))} {'Dr' if balance > 0 else 'Cr'}"
