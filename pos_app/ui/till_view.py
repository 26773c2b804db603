"""The Till screen (Ctrl+T): this till's shift from opening to closing.

Closed, it asks for the opening float (type it, Enter). Open, it shows who opened it and
with what, and offers cash in, cash out, the X report (running totals by tender, F5) and
closing with the counted cash and card totals, which gives the Z report. Beside it, the
recent sessions of every till: choose one to read its X or Z report again. Print report
(Ctrl+P) prints the report on show the way receipts go (ui/receipt_printing.py); the Z is
printed once by itself on closing when this till has a receipt printer.

Everything goes through ``services.till`` (which checks who may do what) and ``Store``
reads; the Sell screen follows the ``Station``'s shift, set here on opening and closing.
"""

from __future__ import annotations

import logging
from datetime import datetime

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import InvalidInput
from ..domain.staff import Permission, Shift
from ..domain.tender import TenderKind
from ..domain.till import TillReport, TillSessionSummary, TillState, till_report_text
from ..services.store import Store
from ..services.till import open_till
from .feedback import InlineMessage, failure_text, went_wrong
from .money import format_money, parse_money
from .receipt_printing import ReceiptPrinter
from .station import Station
from .table_models import Index, TableModel
from .till_dialogs import TENDER_NAMES, CashMovementDialog, CloseTillDialog, over_short_text

log = logging.getLogger(__name__)

CASH_IN_KEY, CASH_OUT_KEY, X_REPORT_KEY, CLOSE_KEY = "Ctrl+I", "Ctrl+O", "F5", "Ctrl+E"
PRINT_KEY = "Ctrl+P"
PRINT_WIDTH = 42  # characters on an 80 mm receipt roll


def local_time(when: datetime | None) -> str:
    return "" if when is None else when.astimezone().strftime("%Y-%m-%d %H:%M")


def _signed_money(minor: int | None) -> str:
    if minor is None:
        return "—"
    return ("+" if minor > 0 else "") + format_money(minor)


class TenderFiguresModel(TableModel):
    """One row per tender and a total: float, sales, refunds, cash in/out, expected, and
    once closed what was counted and the difference."""

    HEADERS = (
        "Tender",
        "Float",
        "Sales",
        "Refunds",
        "Cash in",
        "Cash out",
        "Expected",
        "Counted",
        "Over/short",
    )
    NUMERIC = frozenset(range(1, 9))
    COUNTED, OVER_SHORT = 7, 8

    def __init__(self, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self._rows: list[tuple] = []

    def show(self, report: TillReport | None) -> None:
        rows: list[tuple] = []
        if report is not None:
            for figures in report.tenders:
                rows.append(
                    (
                        TENDER_NAMES[figures.tender],
                        figures.opening_float,
                        figures.sales,
                        -figures.refunds,
                        figures.cash_in,
                        -figures.cash_out,
                        figures.expected,
                        figures.counted,
                        figures.over_short,
                    )
                )
            closed = report.is_closed
            rows.append(
                (
                    "Total",
                    report.opening_float,
                    report.taken,
                    -report.refunds_total,
                    report.tender(TenderKind.CASH).cash_in,
                    -report.tender(TenderKind.CASH).cash_out,
                    report.expected_total,
                    sum(t.counted or 0 for t in report.tenders) if closed else None,
                    report.over_short,
                )
            )
        self.set_rows(rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        value = self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return value
            if index.column() == self.OVER_SHORT:
                return _signed_money(value) if value is not None else "—"
            return "—" if value is None else format_money(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.alignment(index.column())
        if role == Qt.ItemDataRole.FontRole and index.row() == len(self._rows) - 1:
            font = QFont()
            font.setBold(True)  # the total row
            return font
        return None


class SessionsModel(TableModel):
    """Recent till sessions, newest first."""

    HEADERS = ("Session", "Till", "Opened", "Opened by", "Closed at", "Z", "Sales", "Over/short")
    NUMERIC = frozenset({0, 5, 6, 7})

    def __init__(self, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self._rows: list[TillSessionSummary] = []

    def session_at(self, row: int) -> TillSessionSummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, session_id: int) -> int:
        for row, summary in enumerate(self._rows):
            if summary.session_id == session_id:
                return row
        return -1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        s = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                str(s.session_id),
                s.till_name,
                local_time(s.opened_at),
                s.opened_by,
                local_time(s.closed_at) if s.status == "closed" else "still open",
                "" if s.z_no is None else str(s.z_no),
                str(s.sales_count),
                _signed_money(s.over_short) if s.status == "closed" else "",
            )[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.alignment(index.column())
        return None


class TillReportPanel(QWidget):
    """An X or Z report on screen: the tenders table, the sales totals, the slip as printed
    and its Print button (what printing does is the Till screen's business)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.report: TillReport | None = None
        self.titleLabel = QLabel("No report yet")
        self.titleLabel.setObjectName("reportTitle")
        font = self.titleLabel.font()
        font.setBold(True)
        font.setPointSizeF((font.pointSizeF() if font.pointSizeF() > 0 else 10.0) * 1.3)
        self.titleLabel.setFont(font)
        self.subtitleLabel = QLabel()
        self.subtitleLabel.setObjectName("reportSubtitle")
        self.subtitleLabel.setWordWrap(True)
        self.printButton = QPushButton(f"Print report  {PRINT_KEY}")
        self.printButton.setObjectName("printReportButton")
        self.printButton.setAccessibleName("Print report")
        self.printButton.setToolTip("Print the report on show on the receipt printer")
        self.printButton.setAutoDefault(False)
        self.printButton.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay on the list
        self.printMessage = InlineMessage(self, object_name="reportPrintMessage")

        self.model = TenderFiguresModel(self)
        self.tendersTable = QTableView()
        self.tendersTable.setObjectName("tenderFiguresTable")
        self.tendersTable.setAccessibleName("Figures by tender")
        self.tendersTable.setModel(self.model)
        self.tendersTable.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.tendersTable.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tendersTable.verticalHeader().setVisible(False)
        header = self.tendersTable.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        rows = 3  # cash, card, total
        height = self.tendersTable.verticalHeader().defaultSectionSize()
        self.tendersTable.setFixedHeight(header.sizeHint().height() + rows * height + 4)

        self.totals: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        items = [
            ("sales", "Sales"),
            ("net", "Net"),
            ("tax", "Tax"),
            ("gross", "Total with tax"),
            ("discounts", "Discounts given"),
            ("refunds", "Refunds"),
            ("cashIn", "Cash in"),
            ("cashOut", "Cash out"),
        ]
        for position, (key, text) in enumerate(items):
            caption = QLabel(text)
            value = QLabel("—")
            value.setObjectName(f"{key}Total")
            value.setAccessibleName(text)
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            row, column = divmod(position, 2)
            grid.addWidget(caption, row, column * 2)
            grid.addWidget(value, row, column * 2 + 1)
            self.totals[key] = value
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        # What the receipt printer prints for this report (domain.till.till_report_text).
        self.printoutTitle = QLabel("As printed")
        self.printoutTitle.setObjectName("printoutTitle")
        self.printout = QPlainTextEdit()
        self.printout.setObjectName("reportPrintout")
        self.printout.setAccessibleName("Report as printed")
        self.printout.setReadOnly(True)
        self.printout.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.printout.setFont(mono)
        self.printout.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.printout.setMaximumWidth(
            QFontMetrics(mono).horizontalAdvance("M" * (PRINT_WIDTH + 4)) + 24
        )

        heading = QHBoxLayout()
        heading.addWidget(self.titleLabel, 1)
        heading.addWidget(self.printButton)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(heading)
        layout.addWidget(self.subtitleLabel)
        layout.addWidget(self.printMessage)
        layout.addWidget(self.tendersTable)
        layout.addLayout(grid)
        layout.addSpacing(8)
        layout.addWidget(self.printoutTitle)
        layout.addWidget(self.printout, 1)
        self.show_report(None)

    def show_report(self, report: TillReport | None) -> None:
        previous = self.report
        if (previous and previous.session_id) != (report and report.session_id):
            self.printMessage.clear_message()  # what it said was about another report
        self.report = report
        self.printButton.setEnabled(report is not None)
        self.model.show(report)
        closed = report is not None and report.is_closed
        self.tendersTable.setColumnHidden(TenderFiguresModel.COUNTED, not closed)
        self.tendersTable.setColumnHidden(TenderFiguresModel.OVER_SHORT, not closed)
        lines = [] if report is None else till_report_text(report, PRINT_WIDTH, money=format_money)
        self.printout.setPlainText("\n".join(lines))
        if report is None:
            self.titleLabel.setText("No report yet")
            self.subtitleLabel.setText("Open the till to start a session.")
            for value in self.totals.values():
                value.setText("—")
            return
        self.titleLabel.setText(f"{report.title} — {report.till_name}")
        opened = (
            f"Session {report.session_id}, opened {local_time(report.opened_at)} "
            f"by {report.opened_by}"
        )
        if closed:
            self.subtitleLabel.setText(
                f"{opened}; closed {local_time(report.closed_at)} by {report.closed_by}. "
                f"Over/short {over_short_text(report.over_short)}."
            )
        else:
            self.subtitleLabel.setText(
                f"{opened}; figures as of {local_time(datetime.now().astimezone())}."
            )
        t = self.totals
        t["sales"].setText(str(report.sales_count))
        t["net"].setText(format_money(report.net))
        t["tax"].setText(format_money(report.tax))
        t["gross"].setText(format_money(report.gross))
        t["discounts"].setText(format_money(report.discounts))
        t["refunds"].setText(f"{report.refunds_count} · {format_money(report.refunds_total)}")
        cash = report.tender(TenderKind.CASH)
        t["cashIn"].setText(f"{report.cash_in_count} · {format_money(cash.cash_in)}")
        t["cashOut"].setText(f"{report.cash_out_count} · {format_money(cash.cash_out)}")


class TillView(QWidget):
    def __init__(self, store: Store, station: Station, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.station = station
        self.state: TillState | None = None
        self.dialog: CashMovementDialog | CloseTillDialog | None = None
        self._syncing = False

        # -- this till ------------------------------------------------------------------
        self.tillNameLabel = QLabel(station.till_name)
        self.tillNameLabel.setObjectName("tillNameLabel")
        font = self.tillNameLabel.font()
        font.setBold(True)
        font.setPointSizeF((font.pointSizeF() if font.pointSizeF() > 0 else 10.0) * 1.6)
        self.tillNameLabel.setFont(font)
        self.tillStateLabel = QLabel()
        self.tillStateLabel.setObjectName("tillStateLabel")
        self.tillStateLabel.setAccessibleName("Till state")
        self.tillStateLabel.setWordWrap(True)

        self.floatField = QLineEdit()
        self.floatField.setObjectName("floatField")
        self.floatField.setAccessibleName("Opening float")
        self.floatField.setPlaceholderText(format_money(0))
        self.floatField.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.floatField.setMaxLength(20)
        self.floatField.setMaximumWidth(self.fontMetrics().horizontalAdvance("9,999,999.99") * 2)
        self.floatField.returnPressed.connect(self.open_till)
        self.floatField.textEdited.connect(lambda _t: self._clear_error())
        self.openButton = QPushButton("Open till  Enter")
        self.openButton.setObjectName("openTillButton")
        self.openButton.setAccessibleName("Open till")
        self.openButton.setAutoDefault(False)
        self.openButton.clicked.connect(self.open_till)
        self.openRow = QWidget()
        self.openRow.setObjectName("openTillRow")
        open_layout = QFormLayout(self.openRow)
        open_layout.setContentsMargins(0, 0, 0, 0)
        float_row = QHBoxLayout()
        float_row.addWidget(self.floatField)
        float_row.addWidget(self.openButton)
        float_row.addStretch(1)
        caption = QLabel("Opening &float")
        caption.setBuddy(self.floatField)
        open_layout.addRow(caption, float_row)

        self.cashInButton = self._action("Cash in", CASH_IN_KEY, "cashInButton", self.cash_in)
        self.cashOutButton = self._action("Cash out", CASH_OUT_KEY, "cashOutButton", self.cash_out)
        self.xReportButton = self._action("X report", X_REPORT_KEY, "xReportButton", self.x_report)
        self.closeTillButton = self._action(
            "Close till…", CLOSE_KEY, "closeTillButton", self.close_till
        )
        actions = QHBoxLayout()
        for button in (self.cashInButton, self.cashOutButton, self.xReportButton):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.closeTillButton)

        self.message = InlineMessage(self, object_name="tillMessage")

        # -- reports --------------------------------------------------------------------
        self.reportPanel = TillReportPanel()
        self.reportPanel.setObjectName("tillReportPanel")
        self.printer = ReceiptPrinter(store, self)
        printed = self.reportPanel.printMessage
        self.printer.done.connect(lambda text: printed.show_info(text, seconds=8))
        self.printer.failed.connect(lambda text: printed.show_error(text, beep=False))
        self.reportPanel.printButton.clicked.connect(self.print_report)
        print_key = QShortcut(QKeySequence(PRINT_KEY), self)
        print_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        print_key.activated.connect(
            lambda: (
                self.reportPanel.printButton.isEnabled() and self.reportPanel.printButton.click()
            )
        )
        self.sessionsModel = SessionsModel(self)
        self.sessionsTable = QTableView()
        self.sessionsTable.setObjectName("tillSessionsTable")
        self.sessionsTable.setAccessibleName("Recent till sessions")
        self.sessionsTable.setModel(self.sessionsModel)
        self.sessionsTable.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.sessionsTable.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.sessionsTable.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.sessionsTable.verticalHeader().setVisible(False)
        self.sessionsTable.horizontalHeader().setStretchLastSection(True)
        self.sessionsTable.selectionModel().currentRowChanged.connect(self._session_chosen)
        sessions_title = QLabel("Recent sessions (choose one to see its report)")
        sessions_title.setObjectName("sessionsTitle")
        sessions = QWidget()
        sessions_layout = QVBoxLayout(sessions)
        sessions_layout.setContentsMargins(0, 0, 0, 0)
        sessions_layout.addWidget(sessions_title)
        sessions_layout.addWidget(self.sessionsTable)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("tillSplitter")
        splitter.addWidget(self.reportPanel)
        splitter.addWidget(sessions)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([720, 620])
        splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tillNameLabel)
        layout.addWidget(self.tillStateLabel)
        layout.addWidget(self.openRow)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)

        station.changed.connect(self.refresh)
        self.refresh()

    def _action(self, text: str, key: str, name: str, slot) -> QPushButton:  # noqa: ANN001
        button = QPushButton(f"{text}  {key}")
        button.setObjectName(name)
        button.setAccessibleName(text.rstrip("…"))
        button.setAutoDefault(False)
        button.setMinimumHeight(36)
        button.clicked.connect(slot)
        shortcut = QShortcut(QKeySequence(key), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(lambda: button.isEnabled() and button.click())
        return button

    # -- state ------------------------------------------------------------------------------
    def activated(self) -> None:
        """Shown (Ctrl+T): fresh figures, and the float field ready when the till is closed."""
        self.refresh()
        self._focus_home()

    def _focus_home(self) -> None:
        """The float field while closed, else the sessions list: keys keep working here."""
        if self.state is not None and not self.state.is_open and self.floatField.isEnabled():
            self.floatField.setFocus()
        else:
            self.sessionsTable.setFocus()

    def refresh(self) -> None:
        """Read this till's state and the recent sessions, and show the current report."""
        if self._syncing:
            return
        try:
            self.state = self.store.till_state(self.station.till_name)
            recent = self.store.recent_till_sessions(50)
        except Exception as exc:  # noqa: BLE001 - say it in place, keep the screen usable
            self.message.show_error(
                failure_text(exc, went_wrong("the till's state was not read"), log, "till state")
            )
            return
        self._follow_session()
        self.tillNameLabel.setText(self.station.till_name)
        self._show_state()
        self.sessionsModel.set_rows(recent)
        self.sessionsTable.resizeColumnsToContents()
        self.sessionsTable.horizontalHeader().setStretchLastSection(True)
        # Open: this session's X report. Closed: the report being read (fresh: it may have
        # been closed meanwhile), else the newest session's.
        shown = self.reportPanel.report
        if self.state.is_open:
            self.show_session(self.state.session_id)
        elif shown is not None:
            self.show_session(shown.session_id)
        else:
            self.show_session(recent[0].session_id if recent else None)

    def _follow_session(self) -> None:
        """Keep the Station's shift on this till's open session (another screen or another
        computer may have opened or closed it), so the Sell screen knows."""
        staff, shift, state = self.station.staff, self.station.shift, self.state
        wanted = state.session_id if state is not None and staff is not None else None
        current = shift.session_id if shift is not None else None
        if wanted == current:
            return
        self._syncing = True
        try:
            self.station.set_shift(
                Shift(wanted, self.station.till_name, staff) if wanted is not None else None
            )
        finally:
            self._syncing = False

    def _show_state(self) -> None:
        state, staff = self.state, self.station.staff
        is_open = state.is_open
        if is_open:
            self.tillStateLabel.setText(
                f"Open since {local_time(state.opened_at)}, opened by {state.opened_by} "
                f"with a float of {format_money(state.opening_float)} · "
                f"{state.sales_count} sale{'s' if state.sales_count != 1 else ''}"
            )
        elif state.last_z_no is not None:
            self.tillStateLabel.setText(
                f"Closed · last Z report {state.last_z_no} at {local_time(state.last_closed_at)}. "
                "Count the float into the drawer and type it to open."
            )
        else:
            self.tillStateLabel.setText(
                "Closed · never opened. Count the float into the drawer and type it to open."
            )
        if staff is None:
            self.tillStateLabel.setText(self.tillStateLabel.text() + " Sign in first (Ctrl+L).")
        self.openRow.setVisible(not is_open)
        may = self.station.may
        self.floatField.setEnabled(not is_open and may(Permission.OPEN_TILL))
        self.openButton.setEnabled(not is_open and may(Permission.OPEN_TILL))
        self.cashInButton.setEnabled(is_open and may(Permission.CASH_IN_OUT))
        self.cashOutButton.setEnabled(is_open and may(Permission.CASH_IN_OUT))
        self.xReportButton.setEnabled(is_open)
        self.closeTillButton.setEnabled(is_open and may(Permission.CLOSE_TILL))

    def show_session(self, session_id: int | None) -> None:
        """Show a session's report (X while open, Z once closed) and select it in the list."""
        report = None
        if session_id is not None:
            try:
                report = self.store.till_report(session_id)
            except Exception as exc:  # noqa: BLE001
                self.message.show_error(
                    failure_text(exc, went_wrong("the report was not read"), log, "till report")
                )
                return
        self.reportPanel.show_report(report)
        if session_id is not None:
            row = self.sessionsModel.row_of(session_id)
            if row >= 0 and self.sessionsTable.currentIndex().row() != row:
                selection = self.sessionsTable.selectionModel()
                selection.blockSignals(True)
                self.sessionsTable.selectRow(row)
                selection.blockSignals(False)

    def _session_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        summary = self.sessionsModel.session_at(current.row())
        if summary is not None:
            self.show_session(summary.session_id)

    def _clear_error(self) -> None:
        if self.message.is_error:
            self.message.clear_message()

    # -- actions ----------------------------------------------------------------------------
    def _shift(self) -> Shift | None:
        """The open session on this till, as the signed-in person; says why not if none."""
        if self.station.staff is None:
            self.message.show_error("Sign in first (Ctrl+L).")
            return None
        state = self.state
        if state is None or not state.is_open:
            self.message.show_error(f"{self.station.till_name} is closed: open it with a float.")
            return None
        return Shift(state.session_id, self.station.till_name, self.station.staff)

    def open_till(self) -> None:
        """Enter in the float field: open a session with that float."""
        staff = self.station.staff
        if staff is None:
            self.message.show_error("Sign in first (Ctrl+L).")
            return
        text = self.floatField.text().strip()
        try:
            if not text:
                raise InvalidInput(
                    "Type the opening float (0 if the drawer starts empty).", "opening float"
                )
            amount = parse_money(text, "opening float")
            with self.store.unit_of_work() as uow:
                shift = open_till(uow, staff, self.station.till_name, amount)
        except Exception as exc:  # noqa: BLE001 - a PosError is said in place; a bug logged
            self.message.show_error(
                failure_text(exc, went_wrong("the till was not opened"), log, "open till")
            )
            self.floatField.setFocus()
            self.floatField.selectAll()
            return
        self.floatField.clear()
        self.station.set_shift(shift)  # refreshes this screen through station.changed
        self.refresh()
        self._focus_home()
        self.message.show_info(f"{shift.till_name} is open with a float of {format_money(amount)}.")

    def cash_in(self) -> None:
        self._move_cash("in")

    def cash_out(self) -> None:
        self._move_cash("out")

    def _move_cash(self, kind: str) -> None:
        if self.dialog is not None:
            return
        shift = self._shift()
        if shift is None:
            return
        dialog = CashMovementDialog(self.store, shift, kind, self)
        self._open_dialog(dialog, self._cash_moved)

    def _cash_moved(self, dialog: CashMovementDialog) -> None:
        if dialog.movement_id is None:
            return
        self.refresh()
        word = "put in" if dialog.kind == "in" else "taken out"
        amount = dialog.amountField.text().strip()
        try:
            amount = format_money(parse_money(amount))
        except InvalidInput:  # pragma: no cover - it was stored, so it parsed
            pass
        self.message.show_info(f"{amount} {word}: {' '.join(dialog.reasonField.text().split())}.")

    def x_report(self) -> None:
        """F5: the open session's running figures, fresh from the database."""
        if self._shift() is None:
            return
        self.refresh()
        self.show_session(self.state.session_id)
        self.message.show_info("X report up to date.", seconds=3)

    def print_report(self) -> str:
        """Ctrl+P: print the report on show (the X, the Z just made or a past one). Never
        blocks: an ESC/POS job runs off this thread and answers in the panel."""
        report = self.reportPanel.report
        if report is None:
            self.reportPanel.printMessage.show_info("There is no report to print yet.", seconds=4)
            return "skipped"
        self.reportPanel.printMessage.clear_message()
        return self.printer.print_report(report)

    def close_till(self) -> None:
        if self.dialog is not None:
            return
        shift = self._shift()
        if shift is None:
            return
        try:
            figures = self.store.till_report(shift.session_id)
        except Exception as exc:  # noqa: BLE001
            self.message.show_error(
                failure_text(exc, went_wrong("the figures were not read"), log, "close figures")
            )
            return
        dialog = CloseTillDialog(self.store, shift.cashier, figures, self)
        self._open_dialog(dialog, self._closed)

    def _closed(self, dialog: CloseTillDialog) -> None:
        report = dialog.report
        if report is None:
            return
        shift = self.station.shift
        if shift is not None and shift.session_id == report.session_id:
            self.station.set_shift(None)
        self.refresh()
        self.show_session(report.session_id)
        self.message.show_info(
            f"{report.till_name} closed: Z report {report.z_no}, "
            f"over/short {over_short_text(report.over_short)}.",
            seconds=0,
        )
        # Once, by itself, when this till has a receipt printer; Print report does it again.
        self.printer.print_report(report, automatic=True)

    def _open_dialog(self, dialog, finished) -> None:  # noqa: ANN001
        """Open (not exec) the dialog; ``finished(dialog)`` runs when it closes."""
        self.dialog = dialog

        def done(_result: int) -> None:
            self.dialog = None
            try:
                finished(dialog)
            finally:
                dialog.deleteLater()
                self.window().activateWindow()  # back from the dialog: keys work here again
                self._focus_home()

        dialog.finished.connect(done)
        dialog.open()


def demo(store: Store) -> QWidget:
    """The Till screen on the demo till, open, with a few sales and a cash in (stored in the
    demo database, once)."""
    from ..domain.tender import Tender
    from ..services.sale import Checkout
    from ..services.till import cash_in
    from .samples import DEMO_TILL, sample_cart, sample_shift

    shift = sample_shift(store)
    figures = store.till_report(shift.session_id)
    if figures is not None and figures.sales_count == 0:
        for skip, card in ((0, False), (3, True), (6, False)):
            cart = sample_cart(store, skip=skip, quantities=(1, 2))
            if cart.is_empty():
                continue
            with store.unit_of_work() as uow:
                checkout = Checkout(uow, cart, shift=shift)
                total = checkout.totals().total
                checkout.confirm([Tender.card(total) if card else Tender.cash(total)])
        with store.unit_of_work() as uow:
            cash_in(uow, shift, 2_000, "Coins from the bank")
    station = Station(DEMO_TILL)
    station.sign_in(shift.cashier, shift)
    view = TillView(store, station)
    view.setObjectName("tillView")
    station.setParent(view)  # lives as long as the screen
    return view
