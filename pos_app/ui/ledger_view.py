"""The Ledger screen, for the store owner or accountant: the journal (newest first, filtered
by dates and account, read a page at a time) beside the trial balance, which says plainly
whether debits equal credits. New manual entries are posted from here, as the person
signed in at this till (someone without the journal right brings a manager's approval)."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import PosError
from ..domain.staff import Permission
from ..services.store import Store
from .acting import acting
from .background import Background
from .feedback import ERROR_STYLE, InlineMessage, failure_text
from .journal_dialog import ManualJournalDialog
from .ledger_filters import JournalFilterBar, utc_bounds
from .ledger_models import JournalFilter, JournalModel, TrialBalanceModel
from .money import format_money
from .station import Station

__all__ = ["LedgerView", "demo", "utc_bounds"]

log = logging.getLogger(__name__)


class LedgerView(QWidget):
    def __init__(self, store: Store, station: Station, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.station = station
        self.background = Background(self)
        self._dialog: ManualJournalDialog | None = None

        # -- filters ------------------------------------------------------------------
        self.filterBar = JournalFilterBar()
        self.fromDateEdit = self.filterBar.fromDateEdit
        self.toDateEdit = self.filterBar.toDateEdit
        self.accountFilterCombo = self.filterBar.accountFilterCombo
        self.clearFiltersButton = self.filterBar.clearFiltersButton
        self.newJournalEntryButton = QPushButton("New journal entry (Ctrl+J)")
        self.newJournalEntryButton.setObjectName("newJournalEntryButton")
        self.newJournalEntryButton.setAccessibleName("New journal entry")
        self.newJournalEntryButton.setShortcut(QKeySequence("Ctrl+J"))

        filters = QHBoxLayout()
        filters.addWidget(self.filterBar)
        filters.addStretch(1)
        filters.addWidget(self.newJournalEntryButton)

        self.message = InlineMessage(self, object_name="ledgerMessage")

        # -- journal ------------------------------------------------------------------
        self.journal_model = JournalModel(store, self)
        self.journalTable = QTableView()
        self.journalTable.setObjectName("journalTable")
        self.journalTable.setAccessibleName("Journal")
        self.journalTable.setModel(self.journal_model)
        fit = self._fit  # widths from the font, so they hold at any DPI and font size
        money, code = fit("9,999,999.99"), fit("Code")
        widths = {
            JournalModel.NUMBER: fit("99999"),
            JournalModel.POSTED: fit("2026-12-31 23:59"),
            JournalModel.KIND: fit("Receiving"),
            JournalModel.ACCOUNT_CODE: code,
            JournalModel.ACCOUNT: fit("Accounts receivable"),
            JournalModel.DEBIT: money,
            JournalModel.CREDIT: money,
        }
        self._table_look(self.journalTable, widths, JournalModel.DESCRIPTION)
        self.journalTitle = QLabel("Journal")
        self.journalTitle.setObjectName("journalTitle")
        self._title_look(self.journalTitle)
        self.journalCountLabel = QLabel("")
        self.journalCountLabel.setObjectName("journalCountLabel")
        self.journalCountLabel.setAccessibleName("Transactions shown")

        journal_box = QWidget()
        journal_layout = QVBoxLayout(journal_box)
        journal_layout.setContentsMargins(0, 0, 0, 0)
        journal_head = QHBoxLayout()
        journal_head.addWidget(self.journalTitle)
        journal_head.addStretch(1)
        journal_head.addWidget(self.journalCountLabel)
        journal_layout.addLayout(journal_head)
        journal_layout.addWidget(self.journalTable, 1)

        # -- trial balance --------------------------------------------------------------
        self.trial_balance_model = TrialBalanceModel(self)
        self.trialBalanceTable = QTableView()
        self.trialBalanceTable.setObjectName("trialBalanceTable")
        self.trialBalanceTable.setAccessibleName("Trial balance")
        self.trialBalanceTable.setModel(self.trial_balance_model)
        self.trialBalanceTable.setToolTip("Double-click an account to see its journal entries")
        balance_widths = {
            TrialBalanceModel.CODE: code,
            TrialBalanceModel.TYPE: fit("Liability"),
            TrialBalanceModel.DEBIT: money,
            TrialBalanceModel.CREDIT: money,
            TrialBalanceModel.BALANCE: fit("9,999,999.99 Dr"),
        }
        self._table_look(self.trialBalanceTable, balance_widths, TrialBalanceModel.NAME)
        self.trialBalanceTitle = QLabel("Trial balance")
        self.trialBalanceTitle.setObjectName("trialBalanceTitle")
        self._title_look(self.trialBalanceTitle)
        self.trialBalanceTotalsLabel = QLabel("")
        self.trialBalanceTotalsLabel.setObjectName("trialBalanceTotalsLabel")
        self.trialBalanceTotalsLabel.setAccessibleName("Trial balance totals")
        self.trialBalanceTotalsLabel.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.trialBalanceTotalsLabel.setWordWrap(True)
        self.trialBalanceTotalsLabel.setTextFormat(Qt.TextFormat.PlainText)

        balance_box = QWidget()
        balance_layout = QVBoxLayout(balance_box)
        balance_layout.setContentsMargins(0, 0, 0, 0)
        balance_layout.addWidget(self.trialBalanceTitle)
        balance_layout.addWidget(self.trialBalanceTable, 1)
        balance_layout.addWidget(self.trialBalanceTotalsLabel)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("ledgerSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(journal_box)
        self.splitter.addWidget(balance_box)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        # The trial balance gets what it needs to show every account's name; the journal
        # (the part that grows) gets the rest.
        balance_width = sum(balance_widths.values()) + fit("Card payments clearing") + 4
        self.splitter.setSizes([max(1366 - balance_width, 600), balance_width])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.message)
        layout.addWidget(self.splitter, 1)

        self.setTabOrder(self.clearFiltersButton, self.newJournalEntryButton)
        self.setTabOrder(self.newJournalEntryButton, self.journalTable)
        self.setTabOrder(self.journalTable, self.trialBalanceTable)

        # Typing a date fires on every keystroke: wait for a pause before reading again.
        self._filter_timer = QTimer(self, singleShot=True, interval=250)
        self._filter_timer.timeout.connect(self.apply_filters)
        self.filterBar.changed.connect(self._filters_changed)
        self.filterBar.cleared.connect(self.apply_filters)
        self.newJournalEntryButton.clicked.connect(self.new_journal_entry)
        self.trialBalanceTable.doubleClicked.connect(self._show_account)
        self.journal_model.countChanged.connect(self._show_count)
        self.journal_model.pageLoaded.connect(self._show_count)
        self.journal_model.loadFailed.connect(self.message.show_error)

        self.refresh()

    @staticmethod
    def _table_look(table: QTableView, widths: dict[int, int], stretch: int) -> None:
        """Read-only rows, no grid; the columns in ``widths`` that wide (the reader may
        drag them), ``stretch`` taking the rest."""
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(False)
        table.setShowGrid(False)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        for column, width in widths.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)

    def _fit(self, sample: str) -> int:
        return self.fontMetrics().horizontalAdvance(sample) + 12

    @staticmethod
    def _title_look(label: QLabel) -> None:
        font = label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        label.setFont(font)

    # -- refreshing ---------------------------------------------------------------------
    def activated(self) -> None:
        """Shown again (F4): the books may have moved since, so read them again (unless a
        read started a moment ago, when the view was built, is still on its way)."""
        if not self.busy():
            self.refresh()
        self.journalTable.setFocus()

    def busy(self) -> bool:
        return self.journal_model.busy or self.background.busy()

    def refresh(self) -> None:
        """Two reads on the thread pool: the trial balance (which also lists the accounts
        for the filter) and the journal's first page with its count."""
        self._load_trial_balance()
        self.apply_filters()

    def _accounts_done(self, accounts: list) -> None:
        if not self.filterBar.set_accounts(accounts):
            self._filters_changed()  # the chosen account vanished: show all again

    def _load_trial_balance(self) -> None:
        self.background.submit(
            self.store.trial_balance, self._trial_balance_done, self._failed, key="trial-balance"
        )

    def _trial_balance_done(self, rows: list) -> None:
        self._accounts_done(rows)  # every account is in the trial balance, even unused ones
        self.trial_balance_model.set_rows(rows)
        debits, credits = self.trial_balance_model.totals()
        if debits == credits:
            text = f"Total debits {format_money(debits)} = total credits {format_money(credits)}   ✓ Balanced"
        else:
            text = (
                f"Total debits {format_money(debits)} ≠ total credits {format_money(credits)}   "
                f"⚠ OUT OF BALANCE by {format_money(abs(debits - credits))}: "
                "tell whoever looks after the books"
            )
        self.trialBalanceTotalsLabel.setText(text)
        # Out of balance must not be missed: the error style (on any theme), beside the words.
        self.trialBalanceTotalsLabel.setStyleSheet("" if debits == credits else ERROR_STYLE)
        font = self.trialBalanceTotalsLabel.font()
        font.setBold(True)
        self.trialBalanceTotalsLabel.setFont(font)

    def _failed(self, error: Exception) -> None:
        self.message.show_error(
            failure_text(
                error,
                "The ledger could not be read. Try again in a moment.",
                log,
                "reading the ledger failed",
            )
        )

    # -- filters ----------------------------------------------------------------------------
    def _filters_changed(self, *_args) -> None:
        self._filter_timer.start()

    def current_filter(self) -> JournalFilter | None:
        """The filter the widgets describe, or None (with a message) when it makes no sense."""
        first, last = self.filterBar.dates()
        if first and last and first > last:
            self.message.show_error("The From date is after the To date.", beep=False)
            return None
        since, until = utc_bounds(first, last)
        return JournalFilter(self.filterBar.account_code(), since, until)

    def apply_filters(self) -> None:
        self._filter_timer.stop()
        journal_filter = self.current_filter()
        if journal_filter is None:
            return
        if self.message.is_error:
            self.message.clear_message()
        self.journal_model.reload(journal_filter)

    def clear_filters(self) -> None:
        self.filterBar.clear()  # its ``cleared`` applies the filters

    def _show_account(self, index) -> None:  # noqa: ANN001
        if self.filterBar.choose_account(self.trial_balance_model.code_at(index.row())):
            self.apply_filters()

    def _show_count(self, *_args) -> None:
        model = self.journal_model
        shown, total = model.transaction_count, model.total
        if total is None:  # still counting
            text = f"{shown} transactions" if not model.canFetchMore() else f"Showing {shown}…"
        elif shown < total:
            text = f"Showing {shown} of {total} transactions (scroll for more)"
        else:
            text = f"{total} transaction{'' if total == 1 else 's'}"
        self.journalCountLabel.setText(text)

    # -- manual entries --------------------------------------------------------------------
    def new_journal_entry(self) -> None:
        """Open the dialog without blocking; read the books again once something is posted."""
        if self._dialog is not None:
            self._dialog.raise_()
            return
        try:  # approved before the entry starts: its number is written at once
            _actor, approval = acting(
                self.store, self.station, Permission.POST_JOURNAL, "a manual journal entry", self
            )
        except PosError as exc:
            self.message.show_error(str(exc))
            return
        self._dialog = ManualJournalDialog(self.store, self.station, self, approval=approval)
        self._dialog.finished.connect(self._journal_entry_closed)
        self._dialog.open()

    def _journal_entry_closed(self, result: int) -> None:
        dialog, self._dialog = self._dialog, None
        if dialog is None:
            return
        if result == QDialog.DialogCode.Accepted and dialog.transaction_id is not None:
            self.message.show_info(f"Journal transaction No. {dialog.transaction_id} posted.")
            self.refresh()
        dialog.deleteLater()
        self.journalTable.setFocus()


def demo(store: Store) -> QWidget:
    """The ledger of the demo store: opening capital and stock received, balanced."""
    import time

    from PySide6.QtCore import QCoreApplication

    from .samples import sample_station

    view = LedgerView(store, sample_station(store))
    view.resize(1366, 700)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (
        view.journal_model.busy
        or view.background.busy()
        or view.trial_balance_model.rowCount() == 0
    ):
        QCoreApplication.processEvents()
        time.sleep(0.01)
    return view
