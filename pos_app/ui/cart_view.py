"""The Sell screen: the till's main screen, built for a cashier with a barcode scanner.

The scan field always has the focus: a scanner types the code and presses Enter, and the
line appears (or its quantity goes up). Every button and dialog hands the focus back to
the scan field, and errors are inline messages, never dialogs that would swallow the next
scan. F12 takes payment in ``CheckoutDialog``; F9 saves the cart as a customer order.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.cart import Cart, parse_scan
from ..domain.errors import InvalidInput, PosError
from ..domain.receipt import Receipt, ReceiptLine
from ..domain.tender import Tender, settle
from ..services.customer_orders import save_order
from ..services.store import CustomerRow, Store
from .background import Background
from .cart_model import NAME, QUANTITY, CartTableModel
from .checkout_dialog import CheckoutDialog, scaled_font
from .feedback import InlineMessage
from .money import format_money
from .receipt_view import ReceiptText

log = logging.getLogger(__name__)

GENERIC_ERROR = "Something went wrong; nothing was changed. Try again."
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class CartView(QWidget):
    """Scan, adjust, pay. ``model.cart`` is the sale being built."""

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.background = Background(self)
        self.model = CartTableModel(parent=self)
        self.model.totalsChanged.connect(self._update_totals)
        self.model.invalidInput.connect(self._quantity_refused)
        self.checkout_dialog: CheckoutDialog | None = None
        self.last_receipt: Receipt | None = None
        self._build()
        self._shortcuts()
        self._update_totals()
        self.refresh_customers()

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.scanField = QLineEdit()
        self.scanField.setObjectName("scanField")
        self.scanField.setAccessibleName("Scan or type a barcode or SKU")
        self.scanField.setPlaceholderText("Scan or type a barcode or SKU — 3*code adds three")
        self.scanField.setFont(scaled_font(self, 1.6))
        self.scanField.setMaxLength(80)
        self.scanField.setClearButtonEnabled(True)
        self.scanField.returnPressed.connect(self.scan)
        self.scanField.installEventFilter(self)
        scan_caption = QLabel("&Scan")
        scan_caption.setBuddy(self.scanField)
        scan_caption.setFont(scaled_font(self, 1.2, bold=True))
        scan_row = QHBoxLayout()
        scan_row.addWidget(scan_caption)
        scan_row.addWidget(self.scanField, 1)

        self.message = InlineMessage(self, object_name="cartMessage")

        self.cartTable = QTableView()
        self.cartTable.setObjectName("cartTable")
        self.cartTable.setAccessibleName("Cart lines")
        self.cartTable.setModel(self.model)
        self.cartTable.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.cartTable.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.cartTable.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.cartTable.setAlternatingRowColors(True)
        self.cartTable.setWordWrap(False)
        self.cartTable.setFont(scaled_font(self, 1.15))
        self.cartTable.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        header = self.cartTable.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(90)
        self.cartTable.installEventFilter(self)
        self.cartTable.itemDelegate().closeEditor.connect(lambda *_: self._focus_later())

        self.removeLineButton = self._button("Remove line  Del", "removeLineButton")
        self.removeLineButton.clicked.connect(self.remove_selected_line)
        self.quantityButton = self._button("Quantity  F7", "quantityButton")
        self.quantityButton.clicked.connect(self.edit_quantity)
        keys_hint = QLabel("↑ ↓ choose a line")
        keys_hint.setObjectName("cartKeysHint")
        keys_hint.setEnabled(False)
        line_row = QHBoxLayout()
        line_row.addWidget(self.removeLineButton)
        line_row.addWidget(self.quantityButton)
        line_row.addStretch(1)
        line_row.addWidget(keys_hint)

        left = QVBoxLayout()
        left.addLayout(scan_row)
        left.addWidget(self.message)
        left.addWidget(self.cartTable, 1)
        left.addLayout(line_row)

        self.customerCombo = QComboBox()
        self.customerCombo.setObjectName("customerCombo")
        self.customerCombo.setAccessibleName("Customer")
        self.customerCombo.addItem("No customer", None)
        self.customerCombo.setMinimumContentsLength(18)
        self.customerCombo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.customerCombo.activated.connect(lambda _i: self.focus_scan())
        customer_caption = QLabel("C&ustomer")
        customer_caption.setBuddy(self.customerCombo)

        self.subtotalLabel = self._figure("subtotalLabel", "Subtotal", 1.2)
        self.taxLabel = self._figure("taxLabel", "Tax", 1.2)
        self.itemsLabel = self._figure("itemsLabel", "Items", 1.2)
        self.totalLabel = self._figure("totalLabel", "Total", 3.4, bold=True)
        total_caption = QLabel("TOTAL")
        total_caption.setFont(scaled_font(self, 1.4, bold=True))
        figures = QFormLayout()
        figures.addRow(customer_caption, self.customerCombo)
        figures.addRow("Items", self.itemsLabel)
        figures.addRow("Subtotal", self.subtotalLabel)
        figures.addRow("Tax", self.taxLabel)
        figures.addRow(total_caption, self.totalLabel)

        self.payButton = self._button("Pay  F12", "payButton")
        self.payButton.setFont(scaled_font(self, 1.8, bold=True))
        self.payButton.setMinimumHeight(72)
        self.payButton.clicked.connect(self.pay)
        self.saveOrderButton = self._button("Save as order  F9", "saveOrderButton")
        self.saveOrderButton.clicked.connect(self.save_as_order)

        self.lastReceiptPanel = QFrame()
        self.lastReceiptPanel.setObjectName("lastReceiptPanel")
        self.lastReceiptPanel.setFrameShape(QFrame.Shape.StyledPanel)
        self.lastReceiptLabel = QLabel("No sale yet")
        self.lastReceiptLabel.setObjectName("lastReceiptLabel")
        self.lastReceiptLabel.setFont(scaled_font(self, 1.1, bold=True))
        self.lastChangeLabel = QLabel("")
        self.lastChangeLabel.setObjectName("lastChangeLabel")
        self.lastChangeLabel.setAccessibleName("Change to give")
        self.lastChangeLabel.setFont(scaled_font(self, 2.0, bold=True))
        self.lastChangeLabel.setAlignment(RIGHT)
        self.receiptText = ReceiptText(object_name="receiptText")
        panel = QVBoxLayout(self.lastReceiptPanel)
        panel.setContentsMargins(8, 6, 8, 8)
        head = QHBoxLayout()
        head.addWidget(self.lastReceiptLabel, 1)
        head.addWidget(self.lastChangeLabel)
        panel.addLayout(head)
        panel.addWidget(self.receiptText, 1)

        right = QVBoxLayout()
        right.addLayout(figures)
        right.addWidget(self.payButton)
        right.addWidget(self.saveOrderButton)
        right.addWidget(self.lastReceiptPanel, 1)
        right_box = QWidget()
        right_box.setObjectName("cartSidePanel")
        right_box.setLayout(right)
        right_box.setFixedWidth(max(400, right_box.fontMetrics().horizontalAdvance("M") * 34))

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(left, 1)
        layout.addWidget(right_box)
        self.setTabOrder(self.scanField, self.cartTable)
        self.setTabOrder(self.cartTable, self.customerCombo)
        self.setFocusProxy(self.scanField)

    def _button(self, text: str, name: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.split("  ")[0])
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a click leaves the focus in the scan field
        button.setMinimumHeight(36)
        return button

    def _figure(self, name: str, accessible: str, factor: float, *, bold: bool = False) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setAccessibleName(accessible)
        label.setFont(scaled_font(self, factor, bold=bold))
        label.setAlignment(RIGHT)
        return label

    def _shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for key, slot in (
            ("F12", self.pay),
            ("F9", self.save_as_order),
            ("F7", self.edit_quantity),
        ):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(context)
            shortcut.activated.connect(slot)

    # -- focus ----------------------------------------------------------------------------
    def activated(self) -> None:
        """Called by the main window each time the Sell screen is shown."""
        self.focus_scan()
        self.refresh_customers()

    def showEvent(self, event) -> None:  # noqa: ANN001
        super().showEvent(event)
        self._focus_later()

    def hideEvent(self, event) -> None:  # noqa: ANN001
        """Let a read still running finish before the view can be torn down: a worker
        thread must never signal an object that is being deleted."""
        if self.background.busy():
            self.background.wait(3000)
        super().hideEvent(event)

    def focus_scan(self) -> None:
        if self.checkout_dialog is not None:
            return  # the dialog owns the keyboard until it closes
        self.scanField.setFocus(Qt.FocusReason.OtherFocusReason)
        self.scanField.selectAll()

    def _focus_later(self) -> None:
        QTimer.singleShot(0, self, self.focus_scan)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return super().eventFilter(watched, event)
        key_event: QKeyEvent = event  # type: ignore[assignment]
        key = key_event.key()
        if watched is self.scanField:
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self._move_selection(-1 if key == Qt.Key.Key_Up else 1)
                return True
            if key == Qt.Key.Key_Delete and not self.scanField.text():
                self.remove_selected_line()
                return True
        elif (
            watched is self.cartTable
            and self.cartTable.state() != QAbstractItemView.State.EditingState
        ):
            if key == Qt.Key.Key_Delete:
                self.remove_selected_line()
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.edit_quantity()
                return True
            text = key_event.text()
            if (
                text
                and text.isprintable()
                and not key_event.modifiers()
                & ~Qt.KeyboardModifier.KeypadModifier
                & ~Qt.KeyboardModifier.ShiftModifier
            ):
                # A scan while the table had the focus still lands in the scan field.
                self.scanField.setFocus(Qt.FocusReason.OtherFocusReason)
                self.scanField.insert(text)
                return True
        return super().eventFilter(watched, event)

    # -- scanning -------------------------------------------------------------------------
    def scan(self) -> None:
        """Enter in the scan field: add what was scanned, or say clearly why not."""
        text = self.scanField.text()
        if not text.strip():
            return
        try:
            quantity, code = parse_scan(text)
            product = self.store.lookup(code)
            if product is None:
                raise InvalidInput(
                    f"No product with barcode or SKU “{code}”. Check the code and scan again.",
                    "code",
                )
            row = self.model.add(product, quantity)
        except PosError as exc:
            self.message.show_error(str(exc))
            self.scanField.selectAll()  # the next scan replaces the bad one
            return
        except Exception:  # noqa: BLE001 - a bug: logged, the till keeps working
            log.exception("scan of %r failed", text)
            self.message.show_error(GENERIC_ERROR)
            self.scanField.selectAll()
            return
        self.message.clear_message()
        self.scanField.clear()
        self.cartTable.selectRow(row)
        self.cartTable.scrollTo(self.model.index(row, NAME))

    # -- lines ------------------------------------------------------------------------------
    def selected_row(self) -> int | None:
        rows = self.cartTable.selectionModel().selectedRows()
        if rows:
            return rows[0].row()
        current = self.cartTable.currentIndex()
        return current.row() if current.isValid() else None

    def _move_selection(self, step: int) -> None:
        count = self.model.rowCount()
        if not count:
            return
        row = self.selected_row()
        row = count - 1 if row is None else max(0, min(count - 1, row + step))
        self.cartTable.selectRow(row)
        self.cartTable.scrollTo(self.model.index(row, NAME))

    def remove_selected_line(self) -> None:
        row = self.selected_row()
        if row is None:
            self.message.show_info("Choose a line with ↑ ↓ first, then press Delete.", seconds=4)
        else:
            name = self.model.line(row).product.name
            self.model.remove_row(row)
            if self.model.rowCount():
                self.cartTable.selectRow(min(row, self.model.rowCount() - 1))
            self.message.show_info(f"Removed {name}.", seconds=4)
        self.focus_scan()

    def edit_quantity(self) -> None:
        """F7 (or Enter on the table): type the new quantity in place, Enter to keep it."""
        row = self.selected_row()
        if row is None:
            self.message.show_info("Choose a line with ↑ ↓ first, then press F7.", seconds=4)
            self.focus_scan()
            return
        index = self.model.index(row, QUANTITY)
        self.cartTable.setCurrentIndex(index)
        self.cartTable.setFocus(Qt.FocusReason.OtherFocusReason)
        self.cartTable.edit(index)

    def _quantity_refused(self, text: str) -> None:
        self.message.show_error(f"{text} The quantity was not changed.")

    def _update_totals(self) -> None:
        totals = self.model.cart.totals()
        self.subtotalLabel.setText(format_money(totals.subtotal))
        self.taxLabel.setText(format_money(totals.tax))
        self.totalLabel.setText(format_money(totals.total))
        self.itemsLabel.setText(str(totals.items))

    # -- customers ------------------------------------------------------------------------
    def refresh_customers(self) -> None:
        self.background.submit(
            self.store.customers, self.set_customers, self._customers_failed, key="customers"
        )

    def set_customers(self, customers: list[CustomerRow]) -> None:
        current = self.customerCombo.currentData()
        self.customerCombo.blockSignals(True)
        self.customerCombo.clear()
        self.customerCombo.addItem("No customer", None)
        for c in customers:
            self.customerCombo.addItem(f"{c.code} — {c.company}", c.code)
        index = self.customerCombo.findData(current) if current else 0
        self.customerCombo.setCurrentIndex(max(0, index))
        self.customerCombo.blockSignals(False)

    def _customers_failed(self, exc: Exception) -> None:
        text = str(exc) if isinstance(exc, PosError) else "The customer list could not be read."
        self.message.show_error(text, beep=False)

    def select_customer(self, code: str | None) -> bool:
        index = self.customerCombo.findData(code) if code else 0
        if index < 0:
            return False
        self.customerCombo.setCurrentIndex(index)
        return True

    # -- paying -----------------------------------------------------------------------------
    def pay(self) -> None:
        """F12: open the checkout dialog (non-blocking; its ``finished`` brings us back)."""
        if self.checkout_dialog is not None:
            return
        if self.model.cart.is_empty():
            self.message.show_info("The cart is empty: scan a product first.", seconds=4)
            self.focus_scan()
            return
        self.model.cart.customer_code = self.customerCombo.currentData()
        dialog = CheckoutDialog(self.store, self.model.cart, self)
        self.checkout_dialog = dialog
        dialog.finished.connect(lambda _result, d=dialog: self._checkout_finished(d))
        dialog.open()

    def _checkout_finished(self, dialog: CheckoutDialog) -> None:
        self.checkout_dialog = None
        receipt, shortage = dialog.receipt, dialog.shortage
        dialog.deleteLater()
        if receipt is not None:
            self.model.clear()
            self.customerCombo.setCurrentIndex(0)
            self.show_receipt(receipt)
            self.message.show_info(
                f"Receipt {receipt.receipt_no} paid. Change {format_money(receipt.change)}."
                " Next customer, please.",
                seconds=8,
            )
        elif shortage is not None:
            rows = self.model.mark_short(shortage.shortages)
            short = "; ".join(
                f"{s.name}: {s.requested} wanted, only {s.available} in stock"
                for s in shortage.shortages
            )
            self.message.show_error(
                f"Not enough stock, nothing was sold. {short}. "
                "Fix the marked lines (F7 changes the quantity) and press F12 again."
            )
            if rows:
                self.cartTable.selectRow(rows[0])
        else:
            self.message.show_info("Payment cancelled. The cart is kept.", seconds=4)
        # The till window must be the active one again, or the next scan goes nowhere.
        self.window().activateWindow()
        self.focus_scan()

    def show_receipt(self, receipt: Receipt) -> None:
        self.last_receipt = receipt
        self.lastReceiptLabel.setText(
            f"Receipt {receipt.receipt_no} · Total {format_money(receipt.total)}"
        )
        self.lastChangeLabel.setText(f"Change {format_money(receipt.change)}")
        self.receiptText.show_receipt(receipt)

    # -- customer orders --------------------------------------------------------------------
    def save_as_order(self) -> None:
        """F9: keep the cart as an order for the chosen customer, unpaid and unshipped."""
        if self.model.cart.is_empty():
            self.message.show_info("The cart is empty: scan the order's products first.", seconds=4)
            self.focus_scan()
            return
        code = self.customerCombo.currentData()
        if not code:
            self.message.show_error("Choose the customer first (Alt+U), then press F9 again.")
            self.customerCombo.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.model.cart.customer_code = code
        try:
            with self.store.unit_of_work() as uow:
                order_id = save_order(uow, self.model.cart, code)
        except PosError as exc:
            self.message.show_error(str(exc))
            self.focus_scan()
            return
        except Exception:  # noqa: BLE001 - a bug: logged, the cart is kept
            log.exception("saving the order failed")
            self.message.show_error("Something went wrong; the order was not saved. Try again.")
            self.focus_scan()
            return
        self.model.clear()
        self.customerCombo.setCurrentIndex(0)
        self.message.show_info(f"Order {order_id} saved for {code}.", seconds=8)
        self.focus_scan()


# -- samples for screenshots and demos (nothing is written) -------------------------------
def sample_cart(store: Store, *, skip: int = 0, quantities: tuple[int, ...] = (2, 1, 3)) -> Cart:
    """A cart of a few products in stock, for demos."""
    cart = Cart()
    rows = [r for r in store.products("", limit=40) if r.active and r.stock_on_hand >= 3]
    for row, quantity in zip(rows[skip:], quantities, strict=False):
        product = store.lookup(row.sku)
        if product is not None:
            cart.add(product, quantity)
    return cart


def sample_receipt(store: Store) -> Receipt:
    """What a receipt looks like, built from sample lines (not stored)."""
    cart = sample_cart(store, skip=5, quantities=(1, 2))
    if cart.is_empty():  # a small store: take what there is
        cart = sample_cart(store, quantities=(1, 2))
    totals = cart.totals()
    given = -(-totals.total // 5000) * 5000
    return Receipt(
        order_id=41,
        receipt_no=17,
        completed_at=datetime.now(timezone.utc),
        lines=tuple(
            ReceiptLine(
                l.product.name,
                l.product.sku,
                l.quantity,
                l.product.unit_price,
                l.net,
                l.tax,
                l.product.tax_rate_ppm,
            )
            for l in cart.lines  # noqa: E741
        ),
        subtotal=totals.subtotal,
        tax=totals.tax,
        total=totals.total,
        payments=tuple(settle(totals.total, [Tender.cash(given)])) if totals.total else (),
    )


def demo(store: Store) -> QWidget:
    """Three products scanned (one twice), the customer list loaded, a last receipt shown."""
    view = CartView(store)
    view.set_customers(store.customers())
    for row in [r for r in store.products("", limit=40) if r.stock_on_hand >= 3][:3]:
        view.scanField.setText(row.barcode or row.sku)
        view.scan()
    first = view.model.line(0).product if view.model.rowCount() else None
    if first is not None:
        view.scanField.setText(f"2*{first.barcode or first.sku}")
        view.scan()
    receipt = sample_receipt(store)
    view.show_receipt(receipt)
    view.message.show_info(
        f"Receipt {receipt.receipt_no} paid. Change {format_money(receipt.change)}."
        " Next customer, please.",
        seconds=0,
    )
    return view
