"""The Catalogue screen: find products as you type, add or change them, receive stock.

Searching runs in SQL on a worker thread a moment after the last keystroke, and the
table loads page by page, so the screen stays smooth with a very large catalogue.

Changes are made as the person signed in at this till (the ``Station``): a cashier may
look, and a manager approves what they save or receive (the services check it).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import PosError
from ..domain.staff import Permission
from ..services.store import Store
from .acting import acting, signed_in
from .catalogue_model import LOW_STOCK, ProductTableModel
from .feedback import InlineMessage
from .station import Station

SEARCH_DELAY_MS = 200


class CatalogueView(QWidget):
    def __init__(self, store: Store, station: Station, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.station = station
        self.productDialog = None  # the dialog currently open, for tests and support
        self.receivingDialog = None
        self._select_after_search: int | None = None

        self.searchField = QLineEdit()
        self.searchField.setObjectName("searchField")
        self.searchField.setAccessibleName("Search products")
        self.searchField.setPlaceholderText("Search name, SKU or barcode…  (↓ to the list)")
        self.searchField.setClearButtonEnabled(True)
        self.resultCountLabel = QLabel("")
        self.resultCountLabel.setObjectName("resultCountLabel")
        self.resultCountLabel.setAccessibleName("Matching products")
        self.addProductButton = self._button("addProductButton", "&New product  Ctrl+N")
        self.editProductButton = self._button("editProductButton", "&Edit  Enter")
        self.receiveStockButton = self._button("receiveStockButton", "&Receive stock  Ctrl+Shift+R")
        self.addProductButton.clicked.connect(self.add_product)
        self.editProductButton.clicked.connect(self.edit_product)
        self.receiveStockButton.clicked.connect(self.receive_stock)

        self.model = ProductTableModel(store, self)
        self.table = QTableView()
        self.table.setObjectName("productTable")
        self.table.setAccessibleName("Products")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSortingEnabled(False)  # order comes from SQL; sorting would load all
        self.table.setTabKeyNavigation(False)
        rows = self.table.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        self._size_columns()
        self.table.doubleClicked.connect(self._row_chosen)
        self.table.installEventFilter(self)
        self.searchField.installEventFilter(self)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self.model.searchFinished.connect(self._search_finished)
        self.model.searchFailed.connect(self._search_failed)

        self.message = InlineMessage(self, object_name="catalogueMessage")
        legend = QLabel(
            f"<b>Low</b> = {LOW_STOCK} or fewer on hand, <b>Out</b> = none; "
            "greyed rows are inactive (not sold at the till)."
        )
        legend.setObjectName("stockLegend")
        legend.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(QLabel("&Find:", buddy=self.searchField))
        top.addWidget(self.searchField, 1)
        top.addWidget(self.resultCountLabel)
        top.addSpacing(12)
        top.addWidget(self.addProductButton)
        top.addWidget(self.editProductButton)
        top.addWidget(self.receiveStockButton)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addWidget(legend)

        for keys, slot in (("Ctrl+N", self.add_product), ("Ctrl+Shift+R", self.receive_stock)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_search)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.searchField.textChanged.connect(lambda _text: self._timer.start())
        QWidget.setTabOrder(self.searchField, self.table)
        QWidget.setTabOrder(self.table, self.addProductButton)
        QWidget.setTabOrder(self.addProductButton, self.editProductButton)
        QWidget.setTabOrder(self.editProductButton, self.receiveStockButton)
        self._update_buttons()
        self.refresh()

    def _button(self, name: str, text: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.split("  ")[0].replace("&", ""))
        return button

    def _size_columns(self) -> None:
        """Fixed widths from the font: resizing to contents would read every row."""
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        width = self.fontMetrics().horizontalAdvance
        widths = {
            ProductTableModel.SKU: width("NW-0000000") + 24,
            ProductTableModel.BARCODE: width("0000000000000") + 24,
            ProductTableModel.PRICE: width("000,000.00") + 24,
            ProductTableModel.TAX: width("00.000 %") + 24,
            ProductTableModel.STOCK: width("Out  00,000") + 32,
            ProductTableModel.ACTIVE: width("Active") + 24,
        }
        for column, pixels in widths.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, pixels)
        header.setSectionResizeMode(ProductTableModel.NAME, QHeaderView.ResizeMode.Stretch)

    # -- searching ----------------------------------------------------------------------
    def activated(self) -> None:
        """Shown again: fresh numbers (a sale may have changed stock), cursor in search."""
        self.focus_search()
        self.refresh()

    def focus_search(self) -> None:
        self.searchField.setFocus()
        self.searchField.selectAll()

    def refresh(self) -> None:
        self._timer.stop()
        self.resultCountLabel.setText("Searching…")
        self.model.search(self.searchField.text())

    def _search_finished(self, total: int) -> None:
        if self.message.is_error:
            self.message.clear_message()
        text = self.model.text
        if total == 0:
            label = f"No products match “{text}”" if text else "No products yet"
        elif self.model.capped:  # counting stopped there (see COUNT_CAP)
            label = f"{self.model.count_cap - 1:,}+ matches"
        elif text:
            label = f"{total:,} match{'es' if total != 1 else ''}"
        else:
            label = f"{total:,} product{'s' if total != 1 else ''}"
        self.resultCountLabel.setText(label)
        wanted = self._select_after_search
        self._select_after_search = None
        row = self.model.row_of(wanted) if wanted is not None else -1
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        elif self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, ProductTableModel.NAME))
        self._update_buttons()

    def _search_failed(self, text: str) -> None:
        self.resultCountLabel.setText("")
        self.message.show_error(text, beep=False)

    def _update_buttons(self, *_args) -> None:
        self.editProductButton.setEnabled(self.current_product_id() is not None)

    def current_product_id(self) -> int | None:
        index = self.table.currentIndex()
        product = self.model.product_at(index.row()) if index.isValid() else None
        return product.product_id if product else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.table and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.edit_product()
                return True
            if watched is self.searchField:
                if key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown) and self.model.rowCount():
                    self.table.setFocus()
                    if not self.table.currentIndex().isValid():
                        self.table.setCurrentIndex(self.model.index(0, ProductTableModel.NAME))
                    return True
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    if self._timer.isActive():
                        self.refresh()  # search now rather than wait for the pause
                    elif self.current_product_id() is not None:
                        self.edit_product()
                    return True
        return super().eventFilter(watched, event)

    def _row_chosen(self, index: QModelIndex) -> None:
        if index.isValid():
            self.edit_product()

    # -- dialogs ------------------------------------------------------------------------
    def add_product(self) -> None:
        self._open_product_dialog(None)

    def edit_product(self) -> None:
        product_id = self.current_product_id()
        if product_id is None:
            self.message.show_error("Choose a product in the list first.", beep=False)
            return
        self._open_product_dialog(product_id)

    def _open_product_dialog(self, product_id: int | None) -> None:
        from .product_dialog import ProductDialog

        if self.productDialog is not None or self.receivingDialog is not None:
            return
        try:
            signed_in(self.station)  # a cashier may open it; Save asks for approval
        except PosError as exc:
            self.message.show_error(str(exc), beep=False)
            return
        dialog = ProductDialog(self.store, self.station, product_id, self)
        dialog.finished.connect(lambda result, d=dialog: self._product_dialog_done(d, result))
        self.productDialog = dialog
        dialog.open()

    def _product_dialog_done(self, dialog, result: int) -> None:  # noqa: ANN001
        self.productDialog = None
        dialog.deleteLater()
        if dialog.saved_id is not None and result:
            name = dialog.fields["name"].text().strip()
            self.message.show_info(f"Saved {name}.")
            self._select_after_search = dialog.saved_id
            self.refresh()
        self.table.setFocus()

    def receive_stock(self) -> None:
        from .receiving_dialog import ReceivingDialog

        if self.productDialog is not None or self.receivingDialog is not None:
            return
        try:  # approved before the receiving starts: its number is written at once
            _actor, approval = acting(
                self.store, self.station, Permission.RECEIVE_STOCK, "receiving a delivery", self
            )
            dialog = ReceivingDialog(self.store, self.station, self, approval=approval)
        except PosError as exc:
            self.message.show_error(str(exc))
            return
        dialog.finished.connect(lambda result, d=dialog: self._receiving_done(d, result))
        self.receivingDialog = dialog
        dialog.open()

    def _receiving_done(self, dialog, result: int) -> None:  # noqa: ANN001
        self.receivingDialog = None
        dialog.deleteLater()
        if dialog.confirmed_id is not None and result:
            self.message.show_info(f"Receiving {dialog.confirmed_id} confirmed; stock updated.")
            self.refresh()
        self.focus_search()


def _demo_low_stock(store: Store, station: Station) -> None:
    """The demo catalogue is fully stocked; count two products down (posted as shrinkage,
    as a real count would be) so the screenshot shows how low and out of stock look."""
    from ..services.catalogue import record_count

    if any(p.stock_on_hand <= LOW_STOCK for p in store.products("", limit=10_000)):
        return
    for code, counted in (("NW-019", 3), ("NW-026", 0)):
        product = store.product_by_code(code)
        if product is not None:
            with store.unit_of_work() as uow:
                record_count(
                    uow,
                    product.product_id,
                    counted,
                    actor=signed_in(station),
                    note="Demo stock count",
                )


def demo(store: Store) -> QWidget:
    """The catalogue with "ch" typed: Teatime biscuits low, Gumbär Gummibärchen out."""
    from PySide6.QtWidgets import QApplication

    from .samples import sample_station

    station = sample_station(store)
    _demo_low_stock(store, station)
    view = CatalogueView(store, station)
    view.resize(1366, 700)
    view.searchField.setText("ch")
    view.refresh()
    view.model.background.wait(5000)
    QApplication.processEvents()
    return view
