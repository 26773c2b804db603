"""The Ledger screen's filter bar: From and To dates ("Any date" when unset) and an account,
with a button to show everything again. Local calendar days become UTC bounds here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import QDate, QEvent, QObject, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QPushButton, QWidget

ANY_DATE = QDate(2000, 1, 1)  # the dates' minimum, shown as "Any date": no bound


def utc_bounds(first: date | None, last: date | None) -> tuple[datetime | None, datetime | None]:
    """Local calendar days -> [since, until) in UTC: from the first day's local midnight
    to the local midnight after the last day, so the whole last day is included."""
    since = (
        datetime(first.year, first.month, first.day).astimezone().astimezone(UTC) if first else None
    )
    until = None
    if last is not None:
        after = last + timedelta(days=1)
        until = datetime(after.year, after.month, after.day).astimezone().astimezone(UTC)
    return since, until


class _CalendarOpensOnToday(QObject):
    """A date showing "Any date" sits on the year-2000 minimum; its popup should open on
    the current month instead."""

    def __init__(self, edit: QDateEdit):
        super().__init__(edit)
        self.edit = edit

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and self.edit.date() == self.edit.minimumDate():
            today = QDate.currentDate()
            watched.setCurrentPage(today.year(), today.month())
        return False


def _date_edit(name: str, accessible: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(ANY_DATE)
    edit.setMaximumDate(QDate(2999, 12, 31))
    edit.setSpecialValueText("Any date")
    edit.setDate(ANY_DATE)
    calendar = edit.calendarWidget()
    calendar.installEventFilter(_CalendarOpensOnToday(edit))
    return edit


def _date_of(edit: QDateEdit) -> date | None:
    if edit.date() == edit.minimumDate():
        return None
    return edit.date().toPython()


class JournalFilterBar(QWidget):
    """``changed`` fires on every edit (each keystroke in a date): the screen waits for a
    pause before reading again. ``cleared`` fires when Show all puts everything back."""

    changed = Signal()
    cleared = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.fromDateEdit = _date_edit("fromDateEdit", "From date")
        self.toDateEdit = _date_edit("toDateEdit", "To date")
        self.accountFilterCombo = QComboBox()
        self.accountFilterCombo.setObjectName("accountFilterCombo")
        self.accountFilterCombo.setAccessibleName("Account filter")
        self.accountFilterCombo.setMinimumContentsLength(24)
        self.accountFilterCombo.addItem("All accounts", None)
        self.clearFiltersButton = QPushButton("Show all")
        self.clearFiltersButton.setObjectName("clearFiltersButton")
        self.clearFiltersButton.setAccessibleName("Show all transactions")
        self.clearFiltersButton.setToolTip("Clear the date and account filters")

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for text, widget in (
            ("&From", self.fromDateEdit),
            ("&To", self.toDateEdit),
            ("&Account", self.accountFilterCombo),
        ):
            label = QLabel(text)
            # Room for the whole word: Qt measures "&To" a few pixels short of what it draws.
            label.setMinimumWidth(label.fontMetrics().horizontalAdvance(text.replace("&", "")) + 6)
            label.setBuddy(widget)
            layout.addWidget(label)
            layout.addWidget(widget)
            layout.addSpacing(6)
        layout.addWidget(self.clearFiltersButton)

        self.setTabOrder(self.fromDateEdit, self.toDateEdit)
        self.setTabOrder(self.toDateEdit, self.accountFilterCombo)
        self.setTabOrder(self.accountFilterCombo, self.clearFiltersButton)

        self.fromDateEdit.dateChanged.connect(self.changed)
        self.toDateEdit.dateChanged.connect(self.changed)
        self.accountFilterCombo.currentIndexChanged.connect(self.changed)
        self.clearFiltersButton.clicked.connect(self.clear)

    def dates(self) -> tuple[date | None, date | None]:
        """The first and last day chosen, None for "Any date"."""
        return _date_of(self.fromDateEdit), _date_of(self.toDateEdit)

    def account_code(self) -> str | None:
        return self.accountFilterCombo.currentData()

    def set_accounts(self, accounts: Sequence) -> bool:
        """List these accounts (anything with ``code`` and ``name``), keeping the chosen
        one; False when it is gone (the filter then shows all accounts)."""
        combo = self.accountFilterCombo
        current = combo.currentData()
        combo.blockSignals(True)
        try:
            combo.clear()
            combo.addItem("All accounts", None)
            for account in accounts:
                combo.addItem(f"{account.code} · {account.name}", account.code)
            position = combo.findData(current) if current else 0
            combo.setCurrentIndex(max(position, 0))
        finally:
            combo.blockSignals(False)
        return not current or combo.currentData() == current

    def choose_account(self, code: str | None) -> bool:
        """Filter on this account; False if it is not in the list."""
        position = self.accountFilterCombo.findData(code)
        if position < 0:
            return False
        self.accountFilterCombo.setCurrentIndex(position)
        return True

    def clear(self) -> None:
        for edit in (self.fromDateEdit, self.toDateEdit):
            edit.setDate(ANY_DATE)
        self.accountFilterCombo.setCurrentIndex(0)
        self.cleared.emit()
