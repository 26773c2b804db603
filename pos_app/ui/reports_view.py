"""The Reports screen, for a manager or the owner: sales by day, by product, by cashier or
takings by tender for a range of days, as a table with its totals and a bar chart, and
exported to CSV exactly as shown.

Each report is one query, run on the thread pool (``Background``) through ``Store``, which
opens its own short session; a bar moves while a slow one runs. Starting another report
(Enter, a quick button, another kind) supersedes one still running: its answer is dropped.

Cashiers see a refusal, not a manager-approval prompt: reports hold every cashier's takings,
and an approval would leave them on a till screen after the manager walked away. The
service refuses them too (``run_report`` checks ``Permission.VIEW_REPORTS``).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path

from babel.numbers import format_decimal
from PySide6.QtCore import QDate, QLocale, QSettings, QStandardPaths, Qt, QTimer
from PySide6.QtGui import QFont, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import InvalidInput
from ..domain.local_time import LocalZone
from ..domain.staff import Permission
from ..services.reports import (
    ByCashier,
    ByDay,
    ByProduct,
    ByTender,
    Column,
    ColumnKind,
    ReportKind,
    ReportRequest,
    ReportResult,
    export_csv,
)
from ..services.store import Store
from .background import Background
from .bar_chart import BarChart
from .feedback import InlineMessage, failure_text
from .money import format_money, store_locale
from .station import Station
from .table_models import Index, TableModel

__all__ = ["ReportModel", "ReportsView", "demo"]

log = logging.getLogger(__name__)

KINDS = (
    ("By day", ReportKind.BY_DAY),
    ("By product", ReportKind.BY_PRODUCT),
    ("By cashier", ReportKind.BY_CASHIER),
    ("By tender", ReportKind.BY_TENDER),
)
PROGRESS_AFTER_MS = 150  # a quick report never flashes a progress bar
EXPORT_DIR_KEY = "reports/export_dir"  # per-till preference: where the last CSV went
REFUSAL = "Reports are for managers and owners. Ask a manager to sign in to see them."


def _count_text(value: int) -> str:
    """Counts grouped the way money is (the store's locale): 1,234 or 1.234."""
    return format_decimal(value, format="#,##0", locale=store_locale())


class ReportModel(TableModel):
    """The rows of a ``ReportResult`` and its totals row (bold, last), shown the way the
    till shows money. Columns change with the report; the named constants of each report's
    columns are ``ByDay``, ``ByProduct``, ``ByCashier`` and ``ByTender`` (re-exported here).
    """

    LABEL = 0  # the day, product code, cashier or tender each row is about
    BY_DAY, BY_PRODUCT, BY_CASHIER, BY_TENDER = ByDay, ByProduct, ByCashier, ByTender

    def __init__(self, parent=None):  # noqa: ANN001 - QObject parent
        super().__init__(parent)
        self._rows: list[tuple] = []
        self._columns: tuple[Column, ...] = ()
        self.HEADERS: tuple[str, ...] = ()
        self.NUMERIC: frozenset[int] = frozenset()
        self.result: ReportResult | None = None

    def set_result(self, result: ReportResult | None) -> None:
        """Show this report (None: nothing)."""
        self.beginResetModel()
        self.result = result
        self._columns = result.columns if result else ()
        self.HEADERS = tuple(c.name for c in self._columns)
        self.NUMERIC = frozenset(i for i, c in enumerate(self._columns) if c.numeric)
        self._rows = list(result.table()) if result else []
        self.endResetModel()

    def is_totals_row(self, row: int) -> bool:
        return bool(self._rows) and row == len(self._rows) - 1

    def value(self, row: int, column: int) -> object:
        """The figure itself (cents, a date, a count), not its text."""
        return self._rows[row][column]

    def text(self, value: object, column: Column) -> str:
        if value == "" or isinstance(value, str) and column.kind is not ColumnKind.TEXT:
            return str(value)  # "Total" in a date column, blanks in the totals row
        if column.kind is ColumnKind.MONEY:
            return format_money(int(value))  # type: ignore[call-overload]
        if column.kind is ColumnKind.COUNT:
            return _count_text(int(value))  # type: ignore[call-overload]
        if column.kind is ColumnKind.DATE:
            return value.isoformat()  # type: ignore[attr-defined]
        return str(value)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row, column = index.row(), index.column()
        if not (0 <= column < len(self._columns)):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.text(self._rows[row][column], self._columns[column])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.alignment(column)
        if role == Qt.ItemDataRole.FontRole and self.is_totals_row(row):
            font = QFont()
            font.setBold(True)
            return font
        return None


def _date_edit(name: str, accessible: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(QDate(2000, 1, 1))
    edit.setMaximumDate(QDate(2999, 12, 31))
    return edit


def _button(text: str, name: str, accessible: str, tip: str = "") -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(accessible)
    if tip:
        button.setToolTip(tip)
    return button


def this_week(today: date) -> tuple[date, date]:
    """The week holding ``today``, starting on the locale's first day (Monday in most)."""
    first_weekday = QLocale().firstDayOfWeek().value  # 1 = Monday … 7 = Sunday
    back = (today.isoweekday() - first_weekday) % 7
    start = today - timedelta(days=back)
    return start, start + timedelta(days=6)


def this_month(today: date) -> tuple[date, date]:
    start = today.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following - timedelta(days=1)


class ReportsView(QWidget):
    def __init__(self, store: Store, station: Station, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.station = station
        self.background = Background(self)
        self._running: ReportRequest | None = None

        # -- what to report -----------------------------------------------------------------
        self.kindCombo = QComboBox()
        self.kindCombo.setObjectName("reportKindCombo")
        self.kindCombo.setAccessibleName("Report")
        for text, kind in KINDS:
            self.kindCombo.addItem(text, kind)
        self.fromDateEdit = _date_edit("reportFromDateEdit", "From day")
        self.toDateEdit = _date_edit("reportToDateEdit", "To day")
        self.todayButton = _button("Today", "reportTodayButton", "Today")
        self.weekButton = _button("This week", "reportWeekButton", "This week")
        self.monthButton = _button("This month", "reportMonthButton", "This month")
        self.runButton = _button(
            "Run (Enter)", "runReportButton", "Run report", "Run the report for these days"
        )
        self.progressBar = QProgressBar()
        self.progressBar.setObjectName("reportProgressBar")
        self.progressBar.setAccessibleName("Report running")
        self.progressBar.setRange(0, 0)  # indeterminate: one query, no steps to count
        self.progressBar.setTextVisible(False)
        self.progressBar.setFixedWidth(120)
        self.progressBar.setVisible(False)
        self.exportButton = _button(
            "Export CSV…", "exportCsvButton", "Export CSV", "Save the table as a CSV file"
        )
        self.exportButton.setShortcut(QKeySequence("Ctrl+E"))
        self.exportButton.setEnabled(False)

        bar = QHBoxLayout()
        for text, widget in (
            ("&Report", self.kindCombo),
            ("&From", self.fromDateEdit),
            ("&To", self.toDateEdit),
        ):
            label = QLabel(text)
            label.setMinimumWidth(label.fontMetrics().horizontalAdvance(text.replace("&", "")) + 6)
            label.setBuddy(widget)
            bar.addWidget(label)
            bar.addWidget(widget)
            bar.addSpacing(6)
        for widget in (self.todayButton, self.weekButton, self.monthButton):
            bar.addWidget(widget)
        bar.addSpacing(6)
        bar.addWidget(self.runButton)
        bar.addWidget(self.progressBar)
        bar.addStretch(1)
        bar.addWidget(self.exportButton)

        self.message = InlineMessage(self, object_name="reportsMessage")
        self.titleLabel = QLabel("")
        self.titleLabel.setObjectName("reportTitle")
        font = self.titleLabel.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.titleLabel.setFont(font)
        self.summaryLabel = QLabel("")
        self.summaryLabel.setObjectName("reportSummary")
        self.summaryLabel.setAccessibleName("Report totals")
        self.summaryLabel.setTextFormat(Qt.TextFormat.PlainText)
        heading = QHBoxLayout()
        heading.addWidget(self.titleLabel)
        heading.addStretch(1)
        heading.addWidget(self.summaryLabel)

        # -- the answer -------------------------------------------------------------------
        self.chart = BarChart()
        self.chart.setObjectName("reportChart")
        self.model = ReportModel(self)
        self.table = QTableView()
        self.table.setObjectName("reportTable")
        self.table.setAccessibleName("Report")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.horizontalHeader().setHighlightSections(False)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("reportSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.chart)
        self.splitter.addWidget(self.table)
        self.splitter.setSizes([300, 400])

        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.addLayout(bar)
        content_layout.addWidget(self.message)
        content_layout.addLayout(heading)
        content_layout.addWidget(self.splitter, 1)

        self.refusalLabel = QLabel(REFUSAL, alignment=Qt.AlignmentFlag.AlignCenter)
        self.refusalLabel.setObjectName("reportsRefusal")
        self.refusalLabel.setAccessibleName("Reports refused")
        self.refusalLabel.setWordWrap(True)
        self.pages = QStackedWidget()
        self.pages.addWidget(content)
        self.pages.addWidget(self.refusalLabel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

        self.setTabOrder(self.kindCombo, self.fromDateEdit)
        self.setTabOrder(self.fromDateEdit, self.toDateEdit)
        self.setTabOrder(self.toDateEdit, self.runButton)

        self._progress_timer = QTimer(self, singleShot=True, interval=PROGRESS_AFTER_MS)
        self._progress_timer.timeout.connect(self._show_progress)
        self.kindCombo.currentIndexChanged.connect(self._kind_changed)
        self.todayButton.clicked.connect(lambda: self.choose_days(*((date.today(),) * 2)))
        self.weekButton.clicked.connect(lambda: self.choose_days(*this_week(date.today())))
        self.monthButton.clicked.connect(lambda: self.choose_days(*this_month(date.today())))
        self.runButton.clicked.connect(self.run)
        self.exportButton.clicked.connect(self.ask_and_export)
        self.station.changed.connect(self._station_changed)

        self.set_days(*this_month(date.today()))
        self.chart.clear()
        self._station_changed()

    # -- the period and the report --------------------------------------------------------
    def set_days(self, first: date, last: date) -> None:
        self.fromDateEdit.setDate(QDate(first.year, first.month, first.day))
        self.toDateEdit.setDate(QDate(last.year, last.month, last.day))

    def choose_days(self, first: date, last: date) -> None:
        """A quick button: these days, and run at once."""
        self.set_days(first, last)
        self.run()

    def choose_kind(self, kind: ReportKind) -> None:
        self.kindCombo.setCurrentIndex(self.kindCombo.findData(kind))

    def kind(self) -> ReportKind:
        return ReportKind(self.kindCombo.currentData())

    def request(self) -> ReportRequest:
        first = self.fromDateEdit.date().toPython()
        last = self.toDateEdit.date().toPython()
        # days on this computer's clocks, summer time included (the From and To days may
        # have different offsets, and so may the days between)
        return ReportRequest(self.kind(), first, last, zone=LocalZone())

    def _kind_changed(self, _index: int) -> None:
        if self.model.result is not None or self.running:
            self.run()  # another view of the same days

    @property
    def allowed(self) -> bool:
        return self.station.may(Permission.VIEW_REPORTS)

    @property
    def running(self) -> bool:
        return self._running is not None

    def run(self) -> None:
        """Start the report the widgets describe; one still running is superseded."""
        if not self.allowed:
            self._station_changed()
            return
        try:
            request = self.request().validated()
        except InvalidInput as error:  # From after To, too many days: told in place
            self.message.show_error(str(error), beep=False)
            return
        self.message.clear_message()
        actor = self.station.staff
        self._running = request
        self.runButton.setEnabled(False)
        if not self.progressBar.isVisible():
            self._progress_timer.start()
        self.background.submit(
            lambda: self.store.report(request, actor),
            lambda result: self._done(result, actor),
            self._failed,
            key="report",
        )

    def _show_progress(self) -> None:
        if self.running:
            self.progressBar.setVisible(True)

    def _stopped(self) -> None:
        self._running = None
        self._progress_timer.stop()
        self.progressBar.setVisible(False)
        self.runButton.setEnabled(True)

    def _done(self, result: ReportResult, actor) -> None:  # noqa: ANN001
        self._stopped()
        if actor != self.station.staff or not self.allowed:
            return  # someone else signed in meanwhile: not for their eyes
        self.show_result(result)

    def _failed(self, error: Exception) -> None:
        self._stopped()
        self.message.show_error(
            failure_text(
                error,
                "The report could not be read. Try again in a moment.",
                log,
                "running a report failed",
            )
        )

    def show_result(self, result: ReportResult | None) -> None:
        self.model.set_result(result)
        self.exportButton.setEnabled(result is not None)
        if result is None:
            self.titleLabel.setText("")
            self.summaryLabel.setText("")
            self.chart.clear()
            return
        self.titleLabel.setText(result.title)
        self.summaryLabel.setText(self.summary(result))
        chart = result.chart
        self.chart.set_series(chart.title, chart.labels, chart.values, horizontal=chart.horizontal)
        # Figures as wide as they need (a product's name takes what is left), so a short
        # report reads across without a gap between a day and its figures.
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(self.fontMetrics().horizontalAdvance("99,999.99") + 16)
        header.setStretchLastSection(False)
        for column in range(self.model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        if result.request.kind is ReportKind.BY_PRODUCT:
            header.setSectionResizeMode(ByProduct.PRODUCT, QHeaderView.ResizeMode.Stretch)

    def summary(self, result: ReportResult) -> str:
        """The totals that matter, above the table, so nobody scrolls to the last row: the
        first count (sales, items, payments), refunds, and the last money column."""
        picked = [next(i for i, c in enumerate(result.columns) if c.kind is ColumnKind.COUNT)]
        picked += [i for i, c in enumerate(result.columns) if c.name == "Refunded"]
        picked.append(max(i for i, c in enumerate(result.columns) if c.kind is ColumnKind.MONEY))
        return "   ·   ".join(
            f"{result.columns[i].name} {self.model.text(result.totals[i], result.columns[i])}"
            for i in picked
        )

    # -- who may see it ---------------------------------------------------------------------
    def _station_changed(self) -> None:
        if self.allowed:
            self.pages.setCurrentIndex(0)
            return
        self.pages.setCurrentIndex(1)
        self.refusalLabel.setText(REFUSAL if self.station.staff else "Sign in to see reports.")
        self.show_result(None)  # the figures go with the person who could see them

    def activated(self) -> None:
        """Shown (Ctrl+G): the first time, this month's sales by day."""
        if self.allowed and self.model.result is None and not self.running:
            self.run()
        if self.allowed:
            self.kindCombo.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.allowed:
            self.run()
            event.accept()
            return
        super().keyPressEvent(event)

    # -- CSV ----------------------------------------------------------------------------
    def export_to(self, path: str | Path) -> Path | None:
        """Write the report shown to ``path``; None (with the reason shown) if it could not."""
        result = self.model.result
        if result is None:
            self.message.show_error("Run a report first.", beep=False)
            return None
        try:
            written = export_csv(result, path)
        except OSError as error:
            self.message.show_error(f"The file could not be saved: {error.strerror or error}.")
            return None
        QSettings().setValue(EXPORT_DIR_KEY, str(written.parent))
        self.message.show_info(f"Saved {len(result.rows)} rows and the totals to {written}.")
        return written

    def ask_export_path(self, suggested: str) -> str:
        """Where to save (empty if cancelled); replaced in tests."""
        folder = QSettings().value(EXPORT_DIR_KEY, "") or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        path, _filter = QFileDialog.getSaveFileName(
            self, "Export CSV", str(Path(folder) / suggested), "CSV files (*.csv)"
        )
        return path

    def ask_and_export(self) -> None:
        result = self.model.result
        if result is None:
            return
        path = self.ask_export_path(result.request.file_name)
        if path:
            self.export_to(path if path.lower().endswith(".csv") else path + ".csv")


def demo(store: Store) -> QWidget:
    """This month's sales by day in the demo store (a few sales rung up first if none)."""
    import time

    from PySide6.QtCore import QCoreApplication

    from ..domain.tender import Tender
    from ..services.sale import Checkout
    from .samples import sample_cart, sample_shift

    shift = sample_shift(store)
    first, last = this_month(date.today())
    if not any(d.sales for d in store.sales_by_day(first, last)):
        for skip in (0, 3, 6):
            cart = sample_cart(store, skip=skip)
            if cart.is_empty():
                continue
            with store.unit_of_work() as uow:
                checkout = Checkout(uow, cart, shift=shift)
                checkout.confirm([Tender.card(checkout.totals().total)])
    station = Station("Demo till")
    station.sign_in(shift.cashier, shift)
    view = ReportsView(store, station)
    station.setParent(view)
    view.resize(1366, 700)
    view.run()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and view.running:
        QCoreApplication.processEvents()
        time.sleep(0.01)
    return view
