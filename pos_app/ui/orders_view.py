"""The Orders screen: customer orders saved from the till, waiting to be shipped.

The list is read in the background each time the screen is shown; shipping is one short
all-or-nothing transaction (every line's stock is taken, or none is), recorded as done by
the person signed in at this till.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import OutOfStock, PosError
from ..services.customer_orders import ship_order
from ..services.store import OrderRow, Store
from .acting import signed_in
from .background import Background
from .feedback import InlineMessage, failure_text, shortage_text, went_wrong
from .money import format_money
from .receipt_view import local_time
from .samples import sample_cart
from .station import Station
from .table_models import Index, TableModel

log = logging.getLogger(__name__)

ORDER_NO, CUSTOMER, COMPANY, CREATED, LINES, TOTAL, STATUS = range(7)
HEADERS = ("Order no", "Customer", "Company", "Created", "Lines", "Total", "Status")
NUMERIC = frozenset({ORDER_NO, LINES, TOTAL})
FILTERS = (("Open", "open"), ("Shipped", "shipped"), ("All", None))


class OrdersTableModel(TableModel):
    """Read-only rows of ``Store.customer_orders``."""

    HEADERS = HEADERS
    NUMERIC = NUMERIC

    def __init__(self, parent=None):  # noqa: ANN001 - QObject parent
        super().__init__(parent)
        self._rows: list[OrderRow] = []

    def order_at(self, row: int) -> OrderRow:
        return self._rows[row]

    def row_of(self, order_id: int) -> int | None:
        for row, order in enumerate(self._rows):
            if order.order_id == order_id:
                return row
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        order = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                ORDER_NO: str(order.order_id),
                CUSTOMER: order.customer_code,
                COMPANY: order.company,
                CREATED: local_time(order.created_at),
                LINES: str(order.lines),
                TOTAL: format_money(order.total),
                STATUS: order.status.capitalize(),
            }.get(column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.alignment(column)
        return None


class OrdersView(QWidget):
    def __init__(self, store: Store, station: Station, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.station = station
        self.background = Background(self)
        self.model = OrdersTableModel(self)
        self._build()

    def _build(self) -> None:
        self.statusFilter = QComboBox()
        self.statusFilter.setObjectName("statusFilter")
        self.statusFilter.setAccessibleName("Show orders")
        for text, status in FILTERS:
            self.statusFilter.addItem(text, status)
        self.statusFilter.currentIndexChanged.connect(lambda _i: self.refresh())
        show_caption = QLabel("S&how")
        show_caption.setBuddy(self.statusFilter)
        self.refreshButton = QPushButton("Refresh  F5")
        self.refreshButton.setObjectName("refreshOrdersButton")
        self.refreshButton.setAccessibleName("Refresh")
        self.refreshButton.clicked.connect(self.refresh)
        self.countLabel = QLabel("")
        self.countLabel.setObjectName("ordersCountLabel")
        top = QHBoxLayout()
        top.addWidget(show_caption)
        top.addWidget(self.statusFilter)
        top.addWidget(self.refreshButton)
        top.addStretch(1)
        top.addWidget(self.countLabel)

        self.message = InlineMessage(self, object_name="ordersMessage")

        self.ordersTable = QTableView()
        self.ordersTable.setObjectName("ordersTable")
        self.ordersTable.setAccessibleName("Customer orders")
        self.ordersTable.setModel(self.model)
        self.ordersTable.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.ordersTable.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.ordersTable.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.ordersTable.setAlternatingRowColors(True)
        self.ordersTable.verticalHeader().setVisible(False)
        header = self.ordersTable.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COMPANY, QHeaderView.ResizeMode.Stretch)
        self.ordersTable.selectionModel().selectionChanged.connect(
            lambda *_: self._update_buttons()
        )

        self.shipButton = QPushButton("Ship order  F8")
        self.shipButton.setObjectName("shipButton")
        self.shipButton.setAccessibleName("Ship the selected order")
        self.shipButton.setMinimumHeight(40)
        self.shipButton.clicked.connect(self.ship_selected)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.shipButton)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.ordersTable, 1)
        layout.addLayout(bottom)
        self.setFocusProxy(self.ordersTable)

        for key, slot in (("F8", self.ship_selected), ("F5", self.refresh)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self._update_buttons()

    # -- reading ----------------------------------------------------------------------------
    def activated(self) -> None:
        """Called by the main window each time the screen is shown: read the list again."""
        self.refresh()
        self.ordersTable.setFocus(Qt.FocusReason.OtherFocusReason)

    def hideEvent(self, event) -> None:  # noqa: ANN001
        """Let a read still running finish before the view can be torn down: a worker
        thread must never signal an object that is being deleted."""
        if self.background.busy():
            self.background.wait(3000)
        super().hideEvent(event)

    def status(self) -> str | None:
        return self.statusFilter.currentData()

    def refresh(self) -> None:
        status = self.status()
        self.countLabel.setText("Loading…")
        self.background.submit(
            lambda: self.store.customer_orders(status), self.show_rows, self._failed, key="orders"
        )

    def load_now(self) -> None:
        """Read on this thread (screenshots, demos)."""
        self.show_rows(self.store.customer_orders(self.status()))

    def show_rows(self, rows: list[OrderRow]) -> None:
        selected = self.selected_order()
        self.model.set_rows(rows)
        noun = {"open": "open ", "shipped": "shipped "}.get(self.status() or "", "")
        self.countLabel.setText(f"{len(rows)} {noun}order{'s' if len(rows) != 1 else ''}")
        row = self.model.row_of(selected.order_id) if selected else None
        if row is None and rows:
            row = 0
        if row is not None:
            self.ordersTable.selectRow(row)
        self._update_buttons()

    def _failed(self, exc: Exception) -> None:
        self.countLabel.setText("")
        if isinstance(exc, PosError):
            self.message.show_error(str(exc))
        else:
            self.message.show_error("The orders could not be read. Try Refresh (F5).")

    def selected_order(self) -> OrderRow | None:
        rows = self.ordersTable.selectionModel().selectedRows()
        if not rows or rows[0].row() >= self.model.rowCount():
            return None
        return self.model.order_at(rows[0].row())

    def _update_buttons(self) -> None:
        order = self.selected_order()
        self.shipButton.setEnabled(order is not None and order.status == "open")

    # -- shipping ---------------------------------------------------------------------------
    def ship_selected(self) -> None:
        """Take the stock for every line and mark the order shipped, or change nothing."""
        order = self.selected_order()
        if order is None:
            self.message.show_info("Choose an order first.", seconds=4)
            return
        if order.status != "open":
            self.message.show_info(f"Order {order.order_id} is already {order.status}.", seconds=4)
            return
        try:
            actor = signed_in(self.station)
            with self.store.unit_of_work() as uow:
                ship_order(uow, order.order_id, actor=actor)
        except OutOfStock as exc:
            self.message.show_error(
                f"Order {order.order_id} cannot ship, nothing was changed. "
                f"{shortage_text(exc.shortages)}."
            )
            return
        except Exception as exc:  # noqa: BLE001 - a bug is logged, the screen keeps working
            self.message.show_error(
                failure_text(
                    exc,
                    went_wrong("the order was not shipped"),
                    log,
                    f"shipping order {order.order_id} failed",
                )
            )
            if isinstance(exc, PosError):
                self.refresh()
            return
        self.message.show_info(
            f"Order {order.order_id} shipped to {order.customer_code}.", seconds=8
        )
        self.refresh()


def demo(store: Store) -> QWidget:
    """The open orders, with one saved first if the store has none."""
    from .samples import sample_station

    station = sample_station(store)
    if not store.customer_orders("open"):
        from ..services.customer_orders import save_order

        customers = store.customers()
        cart = sample_cart(store, skip=2)
        if cart.is_empty():  # a small store: take what there is
            cart = sample_cart(store)
        if customers and not cart.is_empty():
            with store.unit_of_work() as uow:
                save_order(uow, cart, customers[0].code, actor=signed_in(station))
    view = OrdersView(store, station)
    view.load_now()
    return view
