"""The Staff screen (Ctrl+U): who works here, and the audit log of sensitive actions.

Managing staff is an owner's job, and the services refuse anyone else whatever this screen
shows; others see the list read-only with a sentence saying why (and may change their own
PIN). The audit log (managers and owners) is read a page at a time, newest first; "Verify
chain" walks every row's hash from the first one, off the UI thread, and says whether the
log is intact or which rows were changed or removed.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
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

from ..domain.staff import Permission, StaffMember
from ..services.staff import set_active
from ..services.store import AuditRow, StaffRow, Store
from .background import Background
from .feedback import InlineMessage, failure_text, went_wrong
from .ledger_models import local_time
from .money import format_money
from .staff_dialogs import ROLE_NAMES, AddPersonDialog, PinDialog
from .station import Station
from .table_models import Index, TableModel

log = logging.getLogger(__name__)

PAGE = 50
ROW_ROLE = Qt.ItemDataRole.UserRole + 1

ACTION_NAMES = {
    "till.open": "Till opened",
    "till.close": "Till closed",
    "drawer.open": "Drawer opened",
    "cash.in": "Cash in",
    "cash.out": "Cash out",
    "refund": "Refund",
    "void": "Sale voided",
    "override": "Manager override",
    "price.change": "Price changed",
    "product.add": "Product added",
    "product.change": "Product changed",
    "stock.count": "Stock counted",
    "stock.receive": "Stock received",
    "journal.manual": "Journal entry",
    "customer.add": "Customer added",
    "settings.change": "Settings changed",
    "staff.add": "Person added",
    "staff.pin": "PIN changed",
    "staff.active": "Switched on",
    "staff.inactive": "Switched off",
}


def action_text(action: str) -> str:
    return ACTION_NAMES.get(action, action)


# details keys whose whole numbers are amounts in cents
MONEY_KEYS = frozenset(
    {"float", "amount", "total", "expected", "counted", "over_short", "price", "old_price",
     "new_price", "discount", "refund", "change", "cost", "old_cost", "new_cost", "value"}
)


def _value_text(key: str, value: object) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {_value_text(key, v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_value_text(key, v) for v in value)
    if key in MONEY_KEYS and isinstance(value, int) and not isinstance(value, bool):
        return format_money(value)
    return str(value)


def details_text(details: str) -> str:
    """'role: manager · float: 100.00' from the stored canonical JSON (as is otherwise)."""
    try:
        values = json.loads(details)
    except ValueError:
        return details
    if not isinstance(values, dict):
        return details
    return " · ".join(f"{key}: {_value_text(key, value)}" for key, value in values.items())


def status_text(row: StaffRow) -> str:
    if not row.active:
        return "Switched off"
    if row.locked_until is not None and row.locked_until > datetime.now(UTC):
        return f"Locked until {row.locked_until.astimezone().strftime('%H:%M')} (wrong PINs)"
    return "Active"


class StaffTableModel(TableModel):
    HEADERS = ("Name", "Role", "Status", "Added")
    NAME, ROLE, STATUS, ADDED = range(4)

    def __init__(self, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self._rows: list[StaffRow] = []

    def row(self, index: int) -> StaffRow:
        return self._rows[index]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == self.NAME:
                return row.name
            if column == self.ROLE:
                return row.role.title()
            if column == self.STATUS:
                return status_text(row)
            if column == self.ADDED:
                return local_time(row.created_at)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.alignment(index.column())
        if role == ROW_ROLE:
            return row
        return None


class AuditTableModel(TableModel):
    HEADERS = ("No.", "When", "Who", "Approved by", "Action", "Subject", "Details")
    SEQ, WHEN, WHO, APPROVER, ACTION, SUBJECT, DETAILS = range(7)
    NUMERIC = frozenset({SEQ})

    def __init__(self, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self._rows: list[AuditRow] = []

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                self.SEQ: f"{row.seq:,}",
                self.WHEN: local_time(row.at),
                self.WHO: row.staff_name or "",
                self.APPROVER: row.approver_name or "",
                self.ACTION: action_text(row.action),
                self.SUBJECT: row.subject,
                self.DETAILS: details_text(row.details),
            }[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == self.ACTION:
            return row.action
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.alignment(column)
        if role == ROW_ROLE:
            return row
        return None


def _title(text: str, object_name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(object_name)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.2)
    label.setFont(font)
    return label


def _table(
    name: str, accessible: str, model: TableModel, stretch: int, widths: dict[int, str]
) -> QTableView:
    """A read-only row-selecting table; ``widths`` are sample texts a column must fit."""
    table = QTableView()
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    metrics = table.fontMetrics()
    vertical = table.verticalHeader()
    vertical.setVisible(False)
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vertical.setDefaultSectionSize(metrics.height() + 10)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for column, sample in widths.items():
        header.resizeSection(column, metrics.horizontalAdvance(sample) + 24)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


class StaffView(QWidget):
    def __init__(self, store: Store, station: Station, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.station = station
        self.background = Background(self)
        self.dialog: QDialog | None = None
        self.audit_offset = 0
        self.audit_total = 0

        # -- staff ----------------------------------------------------------------------
        self.staffTitle = _title("Staff", "staffTitle")
        self.permissionNote = QLabel("")
        self.permissionNote.setObjectName("staffPermissionNote")
        self.permissionNote.setAccessibleName("What you may do here")
        self.addButton = self._button("Add a person (Ctrl+N)", "addPersonButton", "Add a person")
        # a shortcut of this screen only (another screen may use Ctrl+N for its own "new")
        add_key = QShortcut(QKeySequence("Ctrl+N"), self, self.add_person)
        add_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.pinButton = self._button("New PIN…", "newPinButton", "New PIN")
        self.activeButton = self._button("Switch off", "switchActiveButton", "Switch off")
        self.message = InlineMessage(self, object_name="staffMessage")
        self.staff_model = StaffTableModel(self)
        self.staffTable = _table(
            "staffTable",
            "Staff",
            self.staff_model,
            StaffTableModel.ADDED,
            {
                StaffTableModel.NAME: "M" * 16,
                StaffTableModel.ROLE: "Manager",
                StaffTableModel.STATUS: "Locked until 23:59 (wrong PINs)",
            },
        )

        self.auditHiddenNote = QLabel("Only managers and owners see the audit log.")
        self.auditHiddenNote.setObjectName("auditHiddenNote")
        staff_head = QHBoxLayout()
        staff_head.addWidget(self.staffTitle)
        staff_head.addWidget(self.permissionNote, 1)
        for button in (self.addButton, self.pinButton, self.activeButton):
            staff_head.addWidget(button)
        staff_box = QWidget()
        staff_layout = QVBoxLayout(staff_box)
        staff_layout.setContentsMargins(0, 0, 0, 0)
        staff_layout.addLayout(staff_head)
        staff_layout.addWidget(self.staffTable, 1)
        staff_layout.addWidget(self.auditHiddenNote)  # in place of the log for cashiers

        # -- audit log ------------------------------------------------------------------
        self.auditTitle = _title("Audit log", "auditTitle")
        self.auditCountLabel = QLabel("")
        self.auditCountLabel.setObjectName("auditCountLabel")
        self.auditCountLabel.setAccessibleName("Audit rows shown")
        self.newerButton = self._button("◀ Newer", "newerAuditButton", "Newer audit rows")
        self.olderButton = self._button("Older ▶", "olderAuditButton", "Older audit rows")
        self.verifyButton = self._button("Verify chain", "verifyChainButton", "Verify chain")
        self.verifyMessage = InlineMessage(self, object_name="verifyMessage")
        self.verifyMessage.setAccessibleName("Audit chain")
        self.audit_model = AuditTableModel(self)
        self.auditTable = _table(
            "auditTable",
            "Audit log",
            self.audit_model,
            AuditTableModel.DETAILS,
            {
                AuditTableModel.SEQ: "99,999",
                AuditTableModel.WHEN: "2026-12-31 23:59",
                AuditTableModel.WHO: "M" * 10,
                AuditTableModel.APPROVER: "M" * 10,
                AuditTableModel.ACTION: "Manager override",
                AuditTableModel.SUBJECT: "Receipt 99999: price of NW-001",
            },
        )
        audit_head = QHBoxLayout()
        audit_head.addWidget(self.auditTitle)
        audit_head.addWidget(self.auditCountLabel, 1)
        for button in (self.newerButton, self.olderButton, self.verifyButton):
            audit_head.addWidget(button)
        self.audit_box = QWidget()
        audit_layout = QVBoxLayout(self.audit_box)
        audit_layout.setContentsMargins(0, 0, 0, 0)
        audit_layout.addLayout(audit_head)
        audit_layout.addWidget(self.verifyMessage)
        audit_layout.addWidget(self.auditTable, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("staffSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(staff_box)
        self.splitter.addWidget(self.audit_box)
        self.splitter.setSizes([220, 480])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message)
        layout.addWidget(self.splitter, 1)

        self.addButton.clicked.connect(self.add_person)
        self.pinButton.clicked.connect(self.new_pin)
        self.activeButton.clicked.connect(self.switch_active)
        self.newerButton.clicked.connect(lambda: self.show_audit_page(self.audit_offset - PAGE))
        self.olderButton.clicked.connect(lambda: self.show_audit_page(self.audit_offset + PAGE))
        self.verifyButton.clicked.connect(self.verify_chain)
        self.staffTable.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.staffTable.doubleClicked.connect(lambda _i: self.new_pin())
        station.changed.connect(self.refresh)
        self.refresh()

    @staticmethod
    def _button(text: str, name: str, accessible: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(accessible)
        return button

    # -- who may do what ------------------------------------------------------------------
    @property
    def actor(self) -> StaffMember | None:
        return self.station.staff

    @property
    def is_owner(self) -> bool:
        return self.station.may(Permission.MANAGE_STAFF)

    def activated(self) -> None:
        self.refresh()
        self.staffTable.setFocus()

    def refresh(self) -> None:
        if self.station.staff is None:
            self.permissionNote.setText("Sign in to manage staff.")
        elif self.is_owner:
            self.permissionNote.setText("")
        else:
            self.permissionNote.setText(
                "Only an owner can manage staff: you may change your own PIN."
            )
        self.addButton.setEnabled(self.is_owner)
        self.load_staff()
        sees_audit = self.station.may(Permission.VIEW_REPORTS)
        self.audit_box.setVisible(sees_audit)
        self.auditHiddenNote.setVisible(not sees_audit)
        if sees_audit:
            self.show_audit_page(self.audit_offset)
        else:
            self.audit_model.set_rows([])
            self.verifyMessage.clear_message()

    def load_staff(self) -> None:
        selected = self.selected()
        try:
            rows = self.store.staff_rows()
        except Exception as exc:  # noqa: BLE001
            self._failed(exc, "the staff list was not read")
            rows = []
        self.staff_model.set_rows(rows)
        for index, row in enumerate(rows):
            if selected is not None and row.staff_id == selected.staff_id:
                self.staffTable.selectRow(index)
                break
        else:
            if rows:
                self.staffTable.selectRow(0)
        self._update_buttons()

    def selected(self) -> StaffRow | None:
        index = self.staffTable.currentIndex()
        if not index.isValid():
            return None
        return self.staff_model.row(index.row())

    def _update_buttons(self, *_args) -> None:
        row = self.selected()
        own = row is not None and self.actor is not None and row.staff_id == self.actor.staff_id
        self.pinButton.setEnabled(row is not None and (self.is_owner or own))
        self.pinButton.setText("Change my PIN…" if own else "New PIN…")
        self.activeButton.setEnabled(row is not None and self.is_owner and not own)
        switch_on = row is not None and not row.active
        self.activeButton.setText("Switch on" if switch_on else "Switch off")
        self.activeButton.setAccessibleName(self.activeButton.text())

    # -- staff actions -------------------------------------------------------------------
    def add_person(self) -> None:
        if not self.addButton.isEnabled() or self.actor is None or self.dialog is not None:
            return
        self.message.clear_message()
        self._open(AddPersonDialog(self.store, self.actor, self), self._person_added)

    def _person_added(self, dialog: AddPersonDialog) -> None:
        if dialog.added is not None:
            role = ROLE_NAMES.get(dialog.added.role, str(dialog.added.role)).lower()
            self.message.show_info(f"{dialog.added.name} was added as a {role}.")
            self.refresh()

    def new_pin(self) -> None:
        row = self.selected()
        if self.actor is None or row is None or self.dialog is not None:
            return
        if not self.pinButton.isEnabled():
            self.message.show_error("Only an owner can manage staff.", beep=False)
            return
        self.message.clear_message()
        self._open(PinDialog(self.store, self.actor, row.member(), self), self._pin_changed)

    def _pin_changed(self, dialog: PinDialog) -> None:
        if dialog.changed:
            self.message.show_info(f"{dialog.person.name}'s PIN was changed.")
            self.refresh()

    def switch_active(self) -> None:
        row = self.selected()
        if self.actor is None or row is None:
            return
        self.message.clear_message()
        try:
            with self.store.unit_of_work() as uow:
                set_active(uow, self.actor, row.staff_id, not row.active)
        except Exception as exc:  # noqa: BLE001
            self._failed(exc, "nothing was changed")
            return
        if row.active:
            self.message.show_info(f"{row.name} is switched off and can no longer sign in.")
        else:
            self.message.show_info(f"{row.name} is switched on and may sign in again.")
        self.refresh()

    def _open(self, dialog: QDialog, on_accepted) -> None:  # noqa: ANN001
        """Open without blocking; call ``on_accepted(dialog)`` if it was saved."""
        self.dialog = dialog

        def finished(result: int) -> None:
            self.dialog = None
            if result == QDialog.DialogCode.Accepted:
                on_accepted(dialog)
            dialog.deleteLater()
            self.staffTable.setFocus()

        dialog.finished.connect(finished)
        dialog.open()

    def _failed(self, exc: Exception, outcome: str) -> None:
        self.message.show_error(
            failure_text(exc, went_wrong(outcome), log, f"staff screen: {outcome}")
        )

    # -- audit log -----------------------------------------------------------------------
    def show_audit_page(self, offset: int) -> None:
        try:
            total = self.store.count_audit()
            offset = max(0, min(offset, ((max(total, 1) - 1) // PAGE) * PAGE))
            rows = self.store.audit_rows(limit=PAGE, offset=offset)
        except Exception as exc:  # noqa: BLE001
            self._failed(exc, "the audit log was not read")
            return
        self.audit_offset, self.audit_total = offset, total
        self.audit_model.set_rows(rows)
        if total == 0:
            self.auditCountLabel.setText("Nothing recorded yet")
        else:
            last = offset + len(rows)
            self.auditCountLabel.setText(f"Rows {offset + 1:,}–{last:,} of {total:,}, newest first")
        self.newerButton.setEnabled(offset > 0)
        self.olderButton.setEnabled(offset + PAGE < total)

    def verify_chain(self) -> None:
        self.verifyButton.setEnabled(False)
        self.verifyMessage.show_info("Checking every row's hash…", seconds=0)
        self.background.submit(self.store.verify_audit, self._verified, self._verify_failed)

    def _verified(self, result: tuple[int, list[str]]) -> None:
        self.verifyButton.setEnabled(True)
        checked, problems = result
        if not problems:
            self.verifyMessage.show_info(f"Chain intact: {checked:,} rows", seconds=0)
            return
        shown = "; ".join(problems[:5])
        more = f" … and {len(problems) - 5} more" if len(problems) > 5 else ""
        self.verifyMessage.show_error(f"The audit log was tampered with: {shown}{more}")

    def _verify_failed(self, exc: Exception) -> None:
        self.verifyButton.setEnabled(True)
        self.verifyMessage.show_error(
            failure_text(exc, went_wrong("the chain was not checked"), log, "verify chain")
        )

    def hideEvent(self, event) -> None:  # noqa: ANN001
        super().hideEvent(event)
        if self.background.busy():
            self.background.wait(3000)


def demo(store: Store) -> QWidget:
    """The demo store's staff with its owner signed in, the chain just verified."""
    import time

    from PySide6.QtCore import QCoreApplication

    from .samples import DEMO_TILL, sample_shift

    station = Station(DEMO_TILL)
    shift = sample_shift(store)
    station.sign_in(shift.cashier, shift)
    view = StaffView(store, station)
    station.setParent(view)
    view.resize(1366, 700)
    view.verify_chain()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and view.background.busy():
        QCoreApplication.processEvents()
        time.sleep(0.01)
    return view

