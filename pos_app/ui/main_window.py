"""The till's window: Sell (shown first), Catalogue, Orders and Ledger.

Only the selling screen is built before the window is shown; the other views are built
the first time they are opened, so start-up costs what the cashier needs first. Views get
the ``Store`` and this till's ``Station`` (who is signed in, acting on every change they
make) and nothing else: none of them reaches back into this window.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget, QTabBar, QVBoxLayout, QWidget

from ..services.store import Store
from .station import Station


def _cart_view(store: Store, station: Station) -> QWidget:
    from .cart_view import CartView

    return CartView(store, station)


def _catalogue_view(store: Store, station: Station) -> QWidget:
    from .catalogue_view import CatalogueView

    return CatalogueView(store, station)


def _orders_view(store: Store, station: Station) -> QWidget:
    from .orders_view import OrdersView

    return OrdersView(store, station)


def _ledger_view(store: Store, station: Station) -> QWidget:
    from .ledger_view import LedgerView

    return LedgerView(store, station)


def _till_view(store: Store, station: Station) -> QWidget:
    from .till_view import TillView

    return TillView(store, station)


def _refund_view(store: Store, station: Station) -> QWidget:
    from .refund_view import RefundView

    return RefundView(store, station)


def _staff_view(store: Store, station: Station) -> QWidget:
    from .staff_view import StaffView

    return StaffView(store, station)


def _reports_view(store: Store, station: Station) -> QWidget:
    from .reports_view import ReportsView

    return ReportsView(store, station)


def _settings_view(store: Store, station: Station) -> QWidget:
    from .settings_view import SettingsView

    return SettingsView(store, station)


# Views of issue 5 (till, refunds, reports, settings/staff) register themselves here with
# one line each; each takes the store and this till's Station.
VIEWS: list[tuple[str, str, str, Callable[[Store, Station], QWidget]]] = [
    ("Sell", "F1", "cartView", _cart_view),
    ("Catalogue", "F2", "catalogueView", _catalogue_view),
    ("Orders", "F3", "ordersView", _orders_view),
    ("Ledger", "F4", "ledgerView", _ledger_view),
    ("Till", "Ctrl+T", "tillView", _till_view),
    ("Refunds", "Ctrl+R", "refundView", _refund_view),
    ("Staff", "Ctrl+U", "staffView", _staff_view),
    ("Reports", "Ctrl+G", "reportsView", _reports_view),
    ("Settings", "Ctrl+,", "settingsView", _settings_view),
]


class MainWindow(QMainWindow):
    def __init__(self, store: Store, station: Station | None = None):
        super().__init__()
        self.store = store
        self.station = station if station is not None else Station(parent=self)
        self.setObjectName("mainWindow")
        self.setWindowTitle("pos-app")
        self.setMinimumSize(1024, 680)

        self.tabs = QTabBar()
        self.tabs.setObjectName("viewTabs")
        self.tabs.setAccessibleName("Screens")
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the scan field keeps the focus
        self.tabs.setExpanding(False)
        self.stack = QStackedWidget()
        self.stack.setObjectName("viewStack")
        self._views: dict[int, QWidget] = {}
        for index, (title, key, object_name, _factory) in enumerate(VIEWS):
            self.tabs.addTab(f"{title}  {key}")
            self.tabs.setTabToolTip(index, f"{title} ({key})")
            placeholder = QLabel("Loading…", alignment=Qt.AlignmentFlag.AlignCenter)
            placeholder.setObjectName(f"{object_name}Placeholder")
            self.stack.addWidget(placeholder)
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(lambda i=index: self.tabs.setCurrentIndex(i))
        self.tabs.currentChanged.connect(self.show_view)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(6)
        layout.addWidget(self.tabs)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        backend = "PostgreSQL (shared)" if store.backend == "postgresql" else "SQLite (this till)"
        status = QLabel(f"Database: {backend}")
        status.setObjectName("databaseStatus")
        self.statusBar().addPermanentWidget(status)
        from .session_bar import install_session_bar  # who is signed in; Sign out (Ctrl+L)

        self.session_bar = install_session_bar(self)
        self.show_view(0)

    def view(self, index: int) -> QWidget:
        """The real view at ``index``, built on first use."""
        if index not in self._views:
            title, _key, object_name, factory = VIEWS[index]
            widget = factory(self.store, self.station)
            widget.setObjectName(object_name)
            widget.setAccessibleName(title)
            placeholder = self.stack.widget(index)
            self.stack.insertWidget(index, widget)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self._views[index] = widget
        return self._views[index]

    def view_named(self, object_name: str) -> QWidget:
        for index, (_t, _k, name, _f) in enumerate(VIEWS):
            if name == object_name:
                return self.view(index)
        raise KeyError(object_name)

    def show_view(self, index: int) -> None:
        widget = self.view(index)
        self.stack.setCurrentIndex(index)
        if self.tabs.currentIndex() != index:
            self.tabs.setCurrentIndex(index)
        title = VIEWS[index][0]
        self.setWindowTitle(f"pos-app — {title}")
        activated = getattr(widget, "activated", None)
        if callable(activated):
            activated()  # e.g. refresh lists, put focus in the scan field
