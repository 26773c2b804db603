"""The Sell screen: the till's main screen, built for a cashier with a barcode scanner.

The scan field always has the focus: a scanner types the code and presses Enter, and the
line appears (or its quantity goes up). Every button and dialog hands the focus back to
the scan field, and errors are inline messages, never dialogs that would swallow the next
scan. F12 takes payment in ``CheckoutDialog``; F9 saves the cart as a customer order.
Ctrl+D gives the chosen line a discount, Ctrl+Shift+D the whole sale, Ctrl+O changes a
line's price; the cart checks the rights and a manager approves what a cashier may not
(``ManagerApproval``). The store's settings (tax in or on prices, where tax is rounded, the
discount limit, cash rounding) are read when the screen is shown and priced by.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.cart import parse_scan
from ..domain.errors import InvalidInput, PermissionDenied, PosError
from ..domain.pricing import Discount, PricingRules
from ..domain.receipt import Receipt
from ..domain.settings import StoreSettings
from ..domain.staff import Approval, Permission
from ..services.customer_orders import save_order
from ..services.store import CustomerRow, Store
from .acting import signed_in
from .background import Background
from .cart_model import NAME, QUANTITY, CartTableModel
from .cart_side_panel import CartSidePanel, till_button
from .approval_dialog import ManagerApproval
from .checkout_dialog import CheckoutDialog, scaled_font
from .discount_dialog import DiscountDialog, PriceDialog
from .station import Station
from .feedback import InlineMessage, failure_text, shortage_text, went_wrong
from .money import format_money
from .samples import sample_receipt, sample_shift

log = logging.getLogger(__name__)

GENERIC_ERROR = went_wrong("nothing was changed")


class CartView(QWidget):
    """Scan, adjust, pay. ``model.cart`` is the sale being built."""

    def __init__(self, store: Store, station: Station, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.station = station
        self.background = Background(self)
        self.model = CartTableModel(parent=self)
        self.model.totalsChanged.connect(self._update_totals)
        self.model.invalidInput.connect(self._quantity_refused)
        self.checkout_dialog: CheckoutDialog | None = None
        self.last_receipt: Receipt | None = None
        self.settings = StoreSettings()
        self._build()
        self._shortcuts()
        self.load_settings()
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

        self.removeLineButton = till_button("Remove line  Del", "removeLineButton")
        self.removeLineButton.clicked.connect(self.remove_selected_line)
        self.quantityButton = till_button("Quantity  F7", "quantityButton")
        self.quantityButton.clicked.connect(self.edit_quantity)
        keys_hint = QLabel("↑ ↓ choose a line")
        keys_hint.setObjectName("cartKeysHint")
        keys_hint.setEnabled(False)
        line_row = QHBoxLayout()
        line_row.addWidget(self.removeLineButton)
        line_row.addWidget(self.quantityButton)
        self.parkButton = till_button("Park  F10", "parkSaleButton")  # parked_dialog.py
        self.parkButton.clicked.connect(self.park)
        self.resumeButton = till_button("Resume  F11", "resumeSaleButton")
        self.resumeButton.clicked.connect(self.resume)
        line_row.addWidget(self.parkButton)
        line_row.addWidget(self.resumeButton)
        line_row.addStretch(1)
        line_row.addWidget(keys_hint)
        self.discountButton = till_button("Discount  Ctrl+D", "discountButton")
        self.discountButton.clicked.connect(self.discount_line)
        self.saleDiscountButton = till_button("Sale discount  Ctrl+Shift+D", "saleDiscountButton")
        self.saleDiscountButton.clicked.connect(self.discount_sale)
        self.priceButton = till_button("Price  Ctrl+O", "priceButton")
        self.priceButton.clicked.connect(self.override_price)
        price_row = QHBoxLayout()
        price_row.addWidget(self.discountButton)
        price_row.addWidget(self.saleDiscountButton)
        price_row.addWidget(self.priceButton)
        price_row.addStretch(1)

        left = QVBoxLayout()
        left.addLayout(scan_row)
        left.addWidget(self.message)
        left.addWidget(self.cartTable, 1)
        left.addLayout(line_row)
        left.addLayout(price_row)

        self.side = CartSidePanel()
        side = self.side
        self.customerCombo = side.customerCombo
        self.customerCombo.activated.connect(lambda _i: self.focus_scan())
        self.itemsLabel, self.subtotalLabel = side.itemsLabel, side.subtotalLabel
        self.taxLabel, self.totalLabel = side.taxLabel, side.totalLabel
        self.payButton, self.saveOrderButton = side.payButton, side.saveOrderButton
        self.payButton.clicked.connect(self.pay)
        self.saveOrderButton.clicked.connect(self.save_as_order)
        self.lastReceiptPanel, self.lastReceiptLabel = side.lastReceiptPanel, side.lastReceiptLabel
        self.lastChangeLabel, self.receiptText = side.lastChangeLabel, side.receiptText
        from .receipt_actions import ReceiptActions  # Print, PDF, Reprint, Open drawer

        self.receiptActions = ReceiptActions(self.store, self.station, lambda: self.last_receipt)
        side.lastReceiptPanel.layout().addWidget(self.receiptActions)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(left, 1)
        layout.addWidget(side)
        self.setTabOrder(self.scanField, self.cartTable)
        self.setTabOrder(self.cartTable, self.customerCombo)
        self.setFocusProxy(self.scanField)

    def _shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for key, slot in (
            ("F12", self.pay),
            ("F9", self.save_as_order),
            ("F7", self.edit_quantity),
            ("Ctrl+D", self.discount_line),
            ("Ctrl+Shift+D", self.discount_sale),
            ("Ctrl+O", self.override_price),
            ("F10", self.park),
            ("F11", self.resume),
        ):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(context)
            shortcut.activated.connect(slot)

    # -- focus ----------------------------------------------------------------------------
    def activated(self) -> None:
        """Called by the main window each time the Sell screen is shown."""
        self.focus_scan()
        self.refresh_customers()
        self.load_settings()

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
        except Exception as exc:  # noqa: BLE001 - a bug is logged, the till keeps working
            self.message.show_error(
                failure_text(exc, GENERIC_ERROR, log, f"scan of {text!r} failed")
            )
            self.scanField.selectAll()  # the next scan replaces the bad one
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
        self.side.show_totals(
            self.model.cart.totals(), prices_include_tax=self.model.cart.rules.prices_include_tax
        )

    # -- the store's rules, discounts and price changes -----------------------------------------
    def load_settings(self) -> None:
        """Read the store's settings (when shown: an owner may have changed them) and price
        the cart by their rules; a failed read keeps the ones already known."""
        try:
            self.settings = self.store.settings()
        except Exception:  # noqa: BLE001 - a busy database: keep selling with what we have
            log.warning("store settings not read; keeping the last ones", exc_info=True)
        self.model.set_rules(PricingRules.of(self.settings))

    def discount_line(self) -> None:
        """Ctrl+D: a discount on the chosen line (percent or amount)."""
        row = self._chosen_row("Ctrl+D")
        if row is None or not self._signed_in():
            return self.focus_scan()
        line = self.model.line(row)
        answer = DiscountDialog.ask(
            f"{line.product.name} ({line.quantity} × {format_money(line.unit_price)})",
            line.gross,
            line.discount,
            self.settings.discount_limit_ppm,
            self,
        )
        if answer is not None:
            what = (
                f"a {answer.discount.describe()} discount on {line.product.name}"
                if answer.discount is not None
                else ""
            )
            self._allowed(
                Permission.DISCOUNT_OVER_LIMIT,
                what,
                lambda approval: self.model.discount_line(
                    row,
                    answer.discount,
                    by=self.station.staff,
                    limit_ppm=self.settings.discount_limit_ppm,
                    approval=approval,
                ),
                f"Discount on {line.product.name}: {answer.discount.describe()}."
                if answer.discount is not None
                else f"No discount on {line.product.name}.",
            )
        self._back_to_scanning()

    def discount_sale(self) -> None:
        """Ctrl+Shift+D: a discount on the whole sale, shared over its lines."""
        if self.model.cart.is_empty():
            self.message.show_info("The cart is empty: scan the products first.", seconds=4)
            return self.focus_scan()
        if not self._signed_in():
            return self.focus_scan()
        totals = self.model.cart.totals()
        answer = DiscountDialog.ask(
            "the whole sale",
            totals.gross - totals.line_discount,
            self.model.cart.sale_discount,
            self.settings.discount_limit_ppm,
            self,
        )
        if answer is not None:
            what = (
                f"a {answer.discount.describe()} discount on the whole sale"
                if answer.discount is not None
                else ""
            )
            self._allowed(
                Permission.DISCOUNT_OVER_LIMIT,
                what,
                lambda approval: self.model.discount_sale(
                    answer.discount,
                    by=self.station.staff,
                    limit_ppm=self.settings.discount_limit_ppm,
                    approval=approval,
                ),
                f"Sale discount: {answer.discount.describe()}."
                if answer.discount is not None
                else "No sale discount.",
            )
        self._back_to_scanning()

    def override_price(self) -> None:
        """Ctrl+O: another unit price for the chosen line (a manager approves it)."""
        row = self._chosen_row("Ctrl+O")
        if row is None or not self._signed_in():
            return self.focus_scan()
        line = self.model.line(row)
        answer = PriceDialog.ask(
            line.product.name, line.product.unit_price, line.price_override, self
        )
        if answer is not None:
            price = answer.unit_price
            self._allowed(
                Permission.PRICE_OVERRIDE,
                f"{line.product.name} at {format_money(price)} instead of "
                f"{format_money(line.product.unit_price)}"
                if price is not None
                else "",
                lambda approval: self.model.override_price(
                    row, price, by=self.station.staff, approval=approval
                ),
                f"{line.product.name} now {format_money(price)}."
                if price is not None
                else f"{line.product.name} back at {format_money(line.product.unit_price)}.",
            )
        self._back_to_scanning()

    def _allowed(self, permission: Permission, what: str, do, done: str) -> bool:  # noqa: ANN001
        """Do it; if the cashier may not, ask a manager (``ManagerApproval``) and try again
        with their approval. Every outcome is said in the message line."""
        approval: Approval | None = None
        for _ in range(2):
            try:
                approver = do(approval)
            except PermissionDenied:
                if approval is not None:
                    self.message.show_error(f"{approval.approver.name} may not approve that.")
                    return False
                approval = ManagerApproval.ask(self.store, permission, what, self)
                if approval is None:
                    self.message.show_info("Not approved: nothing was changed.", seconds=5)
                    return False
                continue
            except Exception as exc:  # noqa: BLE001 - a bug is logged, the cart is kept
                self.message.show_error(
                    failure_text(exc, GENERIC_ERROR, log, f"{permission.value} failed")
                )
                return False
            suffix = f" Approved by {approver.name}." if approver is not None else ""
            self.message.show_info(done + suffix, seconds=6)
            return True
        return False  # pragma: no cover - the loop returns

    def _back_to_scanning(self) -> None:
        """After a dialog: this window active again and the focus in the scan field."""
        self.window().activateWindow()
        self.focus_scan()

    def _chosen_row(self, key: str) -> int | None:
        row = self.selected_row()
        if row is None:
            self.message.show_info(f"Choose a line with ↑ ↓ first, then press {key}.", seconds=4)
        return row

    def _signed_in(self) -> bool:
        if self.station.staff is None:
            self.message.show_error("Sign in first.")
            return False
        return True

    # -- customers ------------------------------------------------------------------------
    def refresh_customers(self) -> None:
        self.background.submit(
            self.store.customers, self.set_customers, self._customers_failed, key="customers"
        )

    def set_customers(self, customers: list[CustomerRow]) -> None:
        self.side.set_customers(customers)

    def _customers_failed(self, exc: Exception) -> None:
        text = str(exc) if isinstance(exc, PosError) else "The customer list could not be read."
        self.message.show_error(text, beep=False)

    def select_customer(self, code: str | None) -> bool:
        return self.side.select_customer(code)

    # -- paying -----------------------------------------------------------------------------
    def pay(self) -> None:
        """F12: open the checkout dialog (non-blocking; its ``finished`` brings us back)."""
        if self.checkout_dialog is not None:
            return
        if self.model.cart.is_empty():
            self.message.show_info("The cart is empty: scan a product first.", seconds=4)
            self.focus_scan()
            return
        if self.station.shift is None:
            self.message.show_error("Open the till with a float before taking payment.")
            self.focus_scan()
            return
        self.model.cart.customer_code = self.side.customer_code()
        dialog = CheckoutDialog(
            self.store, self.model.cart, self.station.shift, self, settings=self.settings
        )
        if dialog.sign_in_again is not None:  # the header was refused: nothing to pay for
            dialog.reject()  # gives its unit of work back
            dialog.deleteLater()
            self._sign_in_again(dialog.sign_in_again)
            return
        self.checkout_dialog = dialog
        dialog.finished.connect(lambda _result, d=dialog: self._checkout_finished(d))
        dialog.open()

    def _checkout_finished(self, dialog: CheckoutDialog) -> None:
        self.checkout_dialog = None
        receipt, shortage, stale = dialog.receipt, dialog.shortage, dialog.sign_in_again
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
            self.receiptActions.after_sale(receipt)  # prints only if the settings say so
        elif shortage is not None:
            rows = self.model.mark_short(shortage.shortages)
            self.message.show_error(
                f"Not enough stock, nothing was sold. {shortage_text(shortage.shortages)}. "
                "Fix the marked lines (F7 changes the quantity) and press F12 again."
            )
            if rows:
                self.cartTable.selectRow(rows[0])
        elif stale is not None:
            self._sign_in_again(stale)
        else:
            self.message.show_info("Payment cancelled. The cart is kept.", seconds=4)
        # The till window must be the active one again, or the next scan goes nowhere.
        self.window().activateWindow()
        self.focus_scan()

    def _sign_in_again(self, refused: PosError) -> None:
        """The cashier was switched off (or their role lowered) on another till: say so,
        and sign them out here; the cart stays for whoever signs in next."""
        self.message.show_error(f"{refused} Nothing was sold; the cart is kept.")
        self.station.sign_out()

    def show_receipt(self, receipt: Receipt) -> None:
        self.last_receipt = receipt
        self.side.show_receipt(receipt)

    # -- parked sales (the work is in parked_dialog.py) -------------------------------------
    def park(self) -> None:
        """F10: put this cart aside (with an optional label) to serve the next customer."""
        from .parked_dialog import park_cart

        park_cart(self)

    def resume(self) -> None:
        """F11: the parked carts; Enter takes one back (the cart on screen is parked first)."""
        from .parked_dialog import resume_cart

        resume_cart(self)

    # -- customer orders --------------------------------------------------------------------
    def save_as_order(self) -> None:
        """F9: keep the cart as an order for the chosen customer, unpaid and unshipped."""
        if self.model.cart.is_empty():
            self.message.show_info("The cart is empty: scan the order's products first.", seconds=4)
            self.focus_scan()
            return
        code = self.side.customer_code()
        if not code:
            self.message.show_error("Choose the customer first (Alt+U), then press F9 again.")
            self.customerCombo.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.model.cart.customer_code = code
        try:
            actor = signed_in(self.station)
            with self.store.unit_of_work() as uow:
                order_id = save_order(uow, self.model.cart, code, actor=actor)
        except Exception as exc:  # noqa: BLE001 - a bug is logged, the cart is kept
            self.message.show_error(
                failure_text(
                    exc, went_wrong("the order was not saved"), log, "saving the order failed"
                )
            )
            self.focus_scan()
            return
        self.model.clear()
        self.customerCombo.setCurrentIndex(0)
        self.message.show_info(f"Order {order_id} saved for {code}.", seconds=8)
        self.focus_scan()


def demo(store: Store) -> QWidget:
    """Three products scanned (one twice, with a line discount), a sale discount, the
    customer list loaded, a last receipt shown."""
    station = Station("Demo till")
    shift = sample_shift(store)
    station.sign_in(shift.cashier, shift)
    view = CartView(store, station)
    view.set_customers(store.customers())
    for row in [r for r in store.products("", limit=40) if r.stock_on_hand >= 3][:3]:
        view.scanField.setText(row.barcode or row.sku)
        view.scan()
    first = view.model.line(0).product if view.model.rowCount() else None
    if first is not None:
        view.scanField.setText(f"2*{first.barcode or first.sku}")
        view.scan()
        # 10 % off the first line and 1.00 off the sale (the demo's owner may give both).
        limit = view.settings.discount_limit_ppm
        view.model.discount_line(0, Discount.percent(100_000), by=shift.cashier, limit_ppm=limit)
        view.model.discount_sale(Discount.amount(100), by=shift.cashier, limit_ppm=limit)
        view.cartTable.selectRow(0)
    receipt = sample_receipt(store)
    view.show_receipt(receipt)
    view.message.show_info(
        f"Receipt {receipt.receipt_no} paid. Change {format_money(receipt.change)}."
        " Next customer, please.",
        seconds=0,
    )
    return view
