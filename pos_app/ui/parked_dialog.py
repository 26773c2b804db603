"""Parking a cart (F10 on the Sell screen) and taking a parked one back (F11).

F10 asks for an optional label ("Lady in red", "Table 4"), parks the cart and clears it:
"Parked as N". F11 lists every till's parked carts (this till's first, the others marked
with their till), oldest first; Enter takes the chosen one back. If the cart on screen is
not empty it is parked first, in the same transaction, and the message says under which
number: nothing a cashier scanned is ever thrown away, and no question stands in the way
of the customer who came back. Products taken off sale meanwhile are left out and named.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.cart import Cart
from ..domain.parked import MAX_LABEL
from ..services.parked import ParkedSaleRow, Parking, Resumed, park, resume
from ..services.store import Store
from .dialog_buttons import dialog_button
from .feedback import InlineMessage, failure_text, went_wrong
from .money import format_money
from .receipt_view import local_time
from .station import Station
from .table_models import Index, TableModel

if TYPE_CHECKING:
    from .cart_view import CartView

log = logging.getLogger(__name__)


class ParkLabelDialog(QDialog):
    """An optional label for the cart being parked; Enter parks, Esc keeps the cart."""

    def __init__(self, items: int, total: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("parkLabelDialog")
        self.setWindowTitle("Park this sale")
        self.setModal(True)
        self.label = ""
        what = QLabel(f"{items} item{'s' if items != 1 else ''}, {format_money(total)}")
        what.setObjectName("parkWhatLabel")
        self.labelField = QLineEdit()
        self.labelField.setObjectName("parkLabelField")
        self.labelField.setAccessibleName("Label (optional)")
        self.labelField.setPlaceholderText("Label, e.g. the customer's name (optional)")
        self.labelField.setMaxLength(MAX_LABEL)
        caption = QLabel("&Label")
        caption.setBuddy(self.labelField)
        row = QHBoxLayout()
        row.addWidget(caption)
        row.addWidget(self.labelField, 1)
        self.parkButton = dialog_button("Park  Enter", "parkButton", default=True)
        self.parkButton.clicked.connect(self.accept)
        cancel = dialog_button("Cancel  Esc", "parkCancelButton")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(cancel)
        buttons.addStretch(1)
        buttons.addWidget(self.parkButton)
        layout = QVBoxLayout(self)
        layout.addWidget(what)
        layout.addLayout(row)
        layout.addLayout(buttons)
        self.labelField.returnPressed.connect(self.accept)
        hint = self.sizeHint()
        self.setMinimumSize(max(440, hint.width()), hint.height())
        self.labelField.setFocus()

    def accept(self) -> None:
        self.label = self.labelField.text()
        super().accept()

    @classmethod
    def ask(cls, items: int, total: int, parent: QWidget | None = None) -> str | None:
        """The label (maybe empty), or None when cancelled."""
        dialog = cls(items, total, parent)
        try:
            return dialog.label if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


class ParkedModel(TableModel):
    HEADERS = ("No.", "Label", "Items", "Total", "Parked", "By", "Till")
    NUMERIC = frozenset({0, 2, 3})

    def __init__(self, till_name: str, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.till_name = till_name
        self._rows: list[ParkedSaleRow] = []

    def row_at(self, row: int) -> ParkedSaleRow:
        return self._rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                str(row.parked_id),
                row.label or row.description,
                str(row.items),
                format_money(row.total),
                local_time(row.parked_at),
                row.staff_name,
                "this till" if row.till_name == self.till_name else row.till_name,
            )[column]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.alignment(column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.description
        if role == Qt.ItemDataRole.FontRole and column == 6 and row.till_name != self.till_name:
            font = self.parent().font() if self.parent() is not None else None
            if font is not None:
                font.setItalic(True)
                return font
        return None


class ParkedDialog(QDialog):
    """The parked carts; Enter takes the chosen one back. ``resumed`` is set when it did.

    ``current`` is the cart on screen: when it is not empty it is parked in the same
    transaction as the resume (``resumed.parked_as`` tells its number)."""

    def __init__(
        self,
        store: Store,
        station: Station,
        current: Cart | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("parkedDialog")
        self.setWindowTitle("Parked sales")
        self.setModal(True)
        self.store = store
        self.station = station
        self.current = current
        self.resumed: Resumed | None = None
        self.model = ParkedModel(station.till_name, self)

        self.table = QTableView()
        self.table.setObjectName("parkedTable")
        self.table.setAccessibleName("Parked sales")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.resume_selected())
        self.message = InlineMessage(self, object_name="parkedMessage")
        note = QLabel(
            "The cart on screen is parked first." if current and not current.is_empty() else ""
        )
        note.setObjectName("parkedNote")
        self.resumeButton = dialog_button("Resume  Enter", "resumeButton", default=True)
        self.resumeButton.clicked.connect(self.resume_selected)
        cancel = dialog_button("Close  Esc", "parkedCloseButton")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(cancel)
        buttons.addWidget(note, 1)
        buttons.addWidget(self.resumeButton)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.refresh()
        self.setMinimumSize(720, 360)
        self.table.setFocus()

    def refresh(self, *, quiet: bool = False) -> None:
        """Read the list again (``quiet``: keep the message on screen)."""
        try:
            rows = self.store.parked_sales()
        except Exception as exc:  # noqa: BLE001
            self.message.show_error(
                failure_text(exc, went_wrong("the list could not be read"), log, "parked list")
            )
            rows = []
        here = [r for r in rows if r.till_name == self.station.till_name]
        self.model.set_rows(here + [r for r in rows if r.till_name != self.station.till_name])
        if self.model.rowCount():
            self.table.selectRow(0)
        elif not quiet:
            self.message.show_info("No sales are parked.", seconds=0)
        self.resumeButton.setEnabled(bool(self.model.rowCount()))

    def keyPressEvent(self, event) -> None:  # noqa: ANN001
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.resume_selected()
            return
        super().keyPressEvent(event)

    def resume_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        chosen = self.model.row_at(rows[0].row())
        staff = self.station.staff
        current = None
        if self.current is not None and not self.current.is_empty():
            current = Parking(self.station.till_name, staff, self.current)
        try:
            with self.store.unit_of_work() as uow:
                self.resumed = resume(
                    uow,
                    chosen.parked_id,
                    parked_at=chosen.parked_at,
                    staff=staff,
                    park_current=current,
                )
        except Exception as exc:  # noqa: BLE001 - a bug is logged, the list stays
            self.message.show_error(
                failure_text(exc, went_wrong("nothing was resumed"), log, "resume failed")
            )
            self.refresh(quiet=True)
            return
        self.accept()

    @classmethod
    def ask(
        cls,
        store: Store,
        station: Station,
        current: Cart | None = None,
        parent: QWidget | None = None,
    ) -> Resumed | None:
        dialog = cls(store, station, current, parent)
        try:
            dialog.exec()
            return dialog.resumed
        finally:
            dialog.deleteLater()


# -- the Sell screen's two actions -----------------------------------------------------------
def park_cart(view: CartView) -> None:
    """F10: ask for a label, park the cart, clear it: "Parked as N"."""
    if getattr(view, "parked_dialog", None) is not None:
        return
    cart = view.model.cart
    if cart.is_empty():
        view.message.show_info("The cart is empty: there is nothing to park.", seconds=4)
        view.focus_scan()
        return
    if view.station.staff is None:
        view.message.show_error("Sign in first.")
        return
    totals = cart.totals()
    dialog = ParkLabelDialog(totals.items, totals.total, view)
    view.parked_dialog = dialog
    dialog.finished.connect(lambda result, d=dialog: _parked(view, d, result))
    dialog.open()


def _parked(view: CartView, dialog: ParkLabelDialog, result: int) -> None:
    view.parked_dialog = None
    dialog.deleteLater()
    if result == QDialog.DialogCode.Accepted:
        cart = view.model.cart
        cart.customer_code = view.side.customer_code()
        try:
            with view.store.unit_of_work() as uow:
                parked_id = park(
                    uow, view.station.till_name, view.station.staff, cart, dialog.label
                )
        except Exception as exc:  # noqa: BLE001 - the cart is kept
            view.message.show_error(
                failure_text(exc, went_wrong("the sale was not parked"), log, "parking failed")
            )
        else:
            view.model.clear()
            view.customerCombo.setCurrentIndex(0)
            view.message.show_info(f"Parked as {parked_id}. Next customer, please.", seconds=8)
    else:
        view.message.show_info("Not parked: the cart is kept.", seconds=4)
    view.window().activateWindow()
    view.focus_scan()


def resume_cart(view: CartView) -> None:
    """F11: the parked sales; Enter takes one back (parking the cart on screen first)."""
    if getattr(view, "parked_dialog", None) is not None:
        return
    if view.station.staff is None:
        view.message.show_error("Sign in first.")
        return
    view.model.cart.customer_code = view.side.customer_code()
    dialog = ParkedDialog(view.store, view.station, view.model.cart, view)
    view.parked_dialog = dialog
    dialog.finished.connect(lambda _result, d=dialog: _resumed(view, d))
    dialog.open()


def _resumed(view: CartView, dialog: ParkedDialog) -> None:
    view.parked_dialog = None
    dialog.deleteLater()
    resumed = dialog.resumed
    if resumed is not None:
        load_cart(view, resumed.cart)
        said = [f"Resumed {resumed.label or 'the parked sale'}."]
        if resumed.parked_as is not None:
            said.append(f"The cart you had is parked as {resumed.parked_as}.")
        if resumed.dropped:
            said.append("No longer on sale, left out: " + ", ".join(resumed.dropped) + ".")
        if resumed.dropped:
            view.message.show_error(" ".join(said), beep=False)
        else:
            view.message.show_info(" ".join(said), seconds=8)
    view.window().activateWindow()
    view.focus_scan()


def load_cart(view: CartView, cart: Cart) -> None:
    """Put a resumed cart on the Sell screen (the model keeps its own cart object and its
    pricing rules; lines, discounts, overrides and the customer come from ``cart``)."""
    model = view.model
    model.clear()
    for line in cart.lines:
        row = model.add(line.product, line.quantity)
        target = model.cart.lines[row]
        for name in ("discount", "price_override", "discount_approval", "override_approval"):
            if hasattr(line, name) and hasattr(target, name):
                setattr(target, name, getattr(line, name))
    for name in ("sale_discount", "sale_discount_approval"):
        if hasattr(cart, name) and hasattr(model.cart, name):
            setattr(model.cart, name, getattr(cart, name))
    if model.rowCount():
        last = model.index(model.rowCount() - 1, model.columnCount() - 1)
        model.dataChanged.emit(model.index(0, 0), last)
    model.totalsChanged.emit()
    view.select_customer(cart.customer_code)
    model.cart.customer_code = cart.customer_code


def demo(store: Store) -> QWidget:
    """Two carts parked on the demo till and one on another till."""
    from .samples import sample_cart, sample_shift

    shift = sample_shift(store)
    station = Station(shift.till_name)
    station.sign_in(shift.cashier, shift)
    for skip, quantities, till, label in (
        (0, (2, 1), shift.till_name, "Lady in red"),
        (1, (1, 1, 4), shift.till_name, ""),
        (0, (3,), "Till 2", "Table 4"),
    ):
        cart = sample_cart(store, skip=skip, quantities=quantities)
        if not cart.is_empty():
            with store.unit_of_work() as uow:
                park(uow, till, shift.cashier, cart, label)
    return ParkedDialog(store, station)
