"""Taking payment for the cart: one dialog, one unit of work, one transaction.

The dialog opens its unit of work as it opens and writes the order header at once, so the
cashier can read the order number to the customer before confirming. Enter confirms and
commits; Esc, closing the window or any error rolls everything back. The cart itself is
never changed here: the selling screen clears it only when a receipt comes back.

When the store rounds cash (to 0.05, say) the dialog shows what is due in cash beside the
total: paying cash takes that amount, a card always the exact total.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..domain.cart import Cart
from ..domain.errors import (
    ConcurrencyConflict,
    ConnectionLost,
    DatabaseBusy,
    InvalidInput,
    OutOfStock,
    SignInAgain,
    TenderShort,
)
from ..domain.money import format_amount
from ..domain.receipt import Receipt
from ..domain.settings import StoreSettings
from ..domain.staff import Shift
from ..domain.tender import Tender, cash_due
from ..repositories.unit_of_work import UnitOfWork
from ..services.sale import Checkout
from ..services.store import Store
from .feedback import InlineMessage, failure_text, went_wrong
from .money import format_money, format_rate, parse_money
from .samples import sample_cart, sample_shift

log = logging.getLogger(__name__)

RETRY_HINT = "Press Enter to try again, or Esc to cancel the payment."
GENERIC_ERROR = went_wrong("the sale was not saved", RETRY_HINT)


def scaled_font(widget: QWidget, factor: float, *, bold: bool = False) -> QFont:
    """The widget's font scaled, so big figures follow the system's size and DPI."""
    font = QFont(widget.font())
    size = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
    font.setPointSizeF(size * factor)
    font.setBold(bold)
    return font


class CheckoutDialog(QDialog):
    """Pay for ``cart``: cash (default) or card. ``receipt`` is set when the sale committed;
    ``shortage`` is set when stock ran short (the dialog then closes, nothing was stored)."""

    def __init__(
        self,
        store: Store,
        cart: Cart,
        shift: Shift,
        parent: QWidget | None = None,
        *,
        settings: StoreSettings | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("checkoutDialog")
        self.setWindowTitle("Take payment")
        self.setModal(True)
        self.store = store
        self.cart = cart
        self.shift = shift
        self.receipt: Receipt | None = None
        self.shortage: OutOfStock | None = None
        # The cashier was switched off since signing in: nothing is sold, the Sell screen
        # says so and signs them out.
        self.sign_in_again: SignInAgain | None = None
        self.checkout: Checkout | None = None
        self._uow: UnitOfWork | None = None
        self._begun = False
        # The settings the cart was priced by (the Sell screen's); else the sale reads them.
        self._settings = settings
        self._total = cart.totals().total
        self._build()
        self._start()
        self._show_figures()

    @classmethod
    def ask(
        cls,
        store: Store,
        cart: Cart,
        shift: Shift,
        parent: QWidget | None = None,
        *,
        settings: StoreSettings | None = None,
    ) -> Receipt | None:
        """Blocking form for callers that do not need the open dialog; None if not paid."""
        dialog = cls(store, cart, shift, parent, settings=settings)
        try:
            dialog.exec()
            return dialog.receipt
        finally:
            dialog.deleteLater()

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        totals = self.cart.totals()

        self.orderNumberLabel = QLabel("Order …")
        self.orderNumberLabel.setObjectName("orderNumberLabel")
        self.orderNumberLabel.setFont(scaled_font(self, 1.4, bold=True))
        self.orderNumberLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        items = QLabel(f"{totals.items} item{'s' if totals.items != 1 else ''}")
        items.setObjectName("checkoutItemsLabel")
        items.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        header = QHBoxLayout()
        header.addWidget(self.orderNumberLabel, 1)
        header.addWidget(items)

        due_caption = QLabel("Total due")
        self.totalLabel = QLabel(format_money(totals.total))
        self.totalLabel.setObjectName("checkoutTotalLabel")
        self.totalLabel.setAccessibleName("Total due")
        self.totalLabel.setFont(scaled_font(self, 3.0, bold=True))
        self.totalLabel.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.breakdownLabel = breakdown = QLabel()
        breakdown.setObjectName("checkoutBreakdownLabel")
        breakdown.setAlignment(Qt.AlignmentFlag.AlignRight)
        breakdown.setWordWrap(True)
        self.cashDueLabel = QLabel()
        self.cashDueLabel.setObjectName("cashDueLabel")
        self.cashDueLabel.setAccessibleName("Due in cash")
        self.cashDueLabel.setFont(scaled_font(self, 1.8, bold=True))
        self.cashDueLabel.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.cashDueCaption = QLabel("Due in cash")

        self.cashButton = self._tender_button("Cash  F5", "cashButton", "F5")
        self.cardButton = self._tender_button("Card  F6", "cardButton", "F6")
        self.cashButton.setChecked(True)
        self.tenderGroup = QButtonGroup(self)
        self.tenderGroup.setExclusive(True)
        self.tenderGroup.addButton(self.cashButton)
        self.tenderGroup.addButton(self.cardButton)
        self.tenderGroup.buttonToggled.connect(self._tender_changed)
        tenders = QHBoxLayout()
        tenders.addWidget(self.cashButton)
        tenders.addWidget(self.cardButton)

        self.cashGivenField = QLineEdit()
        self.cashGivenField.setObjectName("cashGivenField")
        self.cashGivenField.setAccessibleName("Cash given")
        self.cashGivenField.setPlaceholderText(f"{format_money(totals.total)} (exact)")
        self.cashGivenField.setToolTip("Type what the customer hands over; Enter on empty = exact")
        self.cashGivenField.setFont(scaled_font(self, 1.8))
        self.cashGivenField.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.cashGivenField.setMaxLength(20)
        self.cashGivenField.textChanged.connect(self._update_change)
        self.cashCaption = QLabel("Cash &given")
        self.cashCaption.setBuddy(self.cashGivenField)

        self.changeLabel = QLabel()
        self.changeLabel.setObjectName("changeLabel")
        self.changeLabel.setAccessibleName("Change due")
        self.changeLabel.setFont(scaled_font(self, 2.2, bold=True))
        self.changeLabel.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self.form = form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(due_caption, self.totalLabel)
        form.addRow("", breakdown)
        form.addRow(self.cashDueCaption, self.cashDueLabel)
        form.addRow("Paid by", tenders)
        form.addRow(self.cashCaption, self.cashGivenField)
        form.addRow("Change", self.changeLabel)

        self.message = InlineMessage(self, object_name="checkoutMessage")

        self.confirmButton = QPushButton("Confirm  Enter")
        self.confirmButton.setObjectName("confirmButton")
        self.confirmButton.setAccessibleName("Confirm payment")
        self.confirmButton.setDefault(True)
        self.confirmButton.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.confirmButton.setMinimumHeight(44)
        self.confirmButton.clicked.connect(self.confirm)
        self.cancelButton = QPushButton("Cancel  Esc")
        self.cancelButton.setObjectName("cancelButton")
        self.cancelButton.setAccessibleName("Cancel payment")
        self.cancelButton.setAutoDefault(False)
        self.cancelButton.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cancelButton.setMinimumHeight(44)
        self.cancelButton.clicked.connect(self.reject)
        keys = QLabel("Empty cash field + Enter = exact cash")
        keys.setObjectName("checkoutKeysHint")
        keys.setEnabled(False)
        keys.setAlignment(Qt.AlignmentFlag.AlignCenter)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancelButton)
        buttons.addWidget(keys, 1)
        buttons.addWidget(self.confirmButton)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self._mark_tender()
        self._show_figures()
        # An explicit minimum, set before the window exists, so showing it never has to
        # push size hints to an already created window.
        hint = self.sizeHint()
        self.setMinimumSize(max(560, hint.width()), hint.height())
        self.cashGivenField.setFocus()

    def _tender_button(self, text: str, name: str, key: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.split()[0])
        button.setCheckable(True)
        button.setAutoDefault(False)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Enter must never toggle the tender
        # A QShortcut, not button.setShortcut(): that one clicks after a 100 ms animation,
        # and an Enter pressed within it would confirm with the old tender.
        shortcut = QShortcut(QKeySequence(key), self)
        shortcut.activated.connect(lambda: button.setChecked(True))
        button.setMinimumHeight(40)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        return button

    # -- the transaction ----------------------------------------------------------------
    def _start(self) -> None:
        """Open the unit of work and write the header; a failure leaves a retry on Enter."""
        try:
            if self._uow is None:
                self._uow = self.store.unit_of_work()
                self.checkout = Checkout(
                    self._uow, self.cart, shift=self.shift, settings=self._settings
                )
            order_id = self.checkout.begin()
        except SignInAgain as exc:
            self.sign_in_again = exc
            self.orderNumberLabel.setText("Order —")
            self.message.show_error(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - a bug is logged, the dialog stays usable
            self.orderNumberLabel.setText("Order —")
            self.message.show_error(
                failure_text(
                    exc, GENERIC_ERROR, log, "could not start the checkout", then=RETRY_HINT
                )
            )
            return
        self._begun = True
        self.orderNumberLabel.setText(f"Order {order_id}")

    @property
    def order_id(self) -> int | None:
        return self.checkout.order_id if self.checkout is not None else None

    # -- what is due ----------------------------------------------------------------------
    def _cash_step(self) -> int:
        settings = self._settings
        if settings is None and self.checkout is not None and self._begun:
            settings = self._settings = self.checkout.settings  # read by begin()
        return settings.cash_rounding_step if settings is not None else 0

    def _due(self) -> int:
        """What the chosen tender must cover: the total, cash-rounded when paying cash."""
        if self.cashButton.isChecked():
            return cash_due(self._total, self._cash_step())
        return self._total

    def _show_figures(self) -> None:
        """Total, discounts and tax, and the cash due when cash is rounded (the sale may
        have just priced the cart by the store's rules: figures are read again)."""
        totals = self.checkout.totals() if self._begun else self.cart.totals()
        self._total = totals.total
        self.totalLabel.setText(format_money(totals.total))
        inclusive = self.cart.rules.prices_include_tax
        parts = [f"{'Net' if inclusive else 'Subtotal'} {format_money(totals.subtotal)}"]
        if totals.discount:
            parts.insert(0, f"Discounts −{format_money(totals.discount)}")
        taxes = [b for b in totals.taxes if b.rate_ppm]
        if len(taxes) > 1:
            parts += [f"Tax {format_rate(b.rate_ppm)} {format_money(b.tax)}" for b in taxes]
        else:
            parts.append(f"Tax {format_money(totals.tax)}")
        if inclusive:
            parts.append("(tax included in prices)")
        self.breakdownLabel.setText("   ".join(parts))
        due = cash_due(self._total, self._cash_step())
        self.cashDueLabel.setText(format_money(due))
        self.cashDueLabel.setToolTip(
            f"Cash is rounded to {format_money(self._cash_step())}: "
            f"{format_money(due - self._total)} on {format_money(self._total)}"
        )
        rounded = due != self._total
        self.form.setRowVisible(self.cashDueLabel, rounded)
        self.cashGivenField.setPlaceholderText(f"{format_money(due)} (exact)")
        self._update_change()

    def confirm(self) -> None:
        """Enter: commit the sale with the chosen tender, or say why not."""
        if self.receipt is not None:
            return
        if not self._begun:
            self._start()
            if self.sign_in_again is not None:
                self.reject()
                return
            if self._begun:
                self.message.show_info("Ready again. Press Enter to take the payment.")
            return
        try:
            tenders = self._tenders()
        except InvalidInput as exc:
            self.message.show_error(str(exc))
            self._focus_cash(select=True)
            return
        try:
            receipt = self.checkout.confirm(tenders)
        except OutOfStock as exc:
            self.shortage = exc  # the selling screen marks the short lines
            log.info("checkout stopped: %s", exc)
            self.reject()
            return
        except TenderShort as exc:
            self.message.show_error(str(exc))
            self._focus_cash(select=True)
            return
        except SignInAgain as exc:
            self.sign_in_again = exc
            log.info("checkout refused: %s", exc)
            self.reject()
            return
        except (DatabaseBusy, ConnectionLost, ConcurrencyConflict) as exc:
            self.orderNumberLabel.setText("Order — (a new number is taken on retry)")
            self.message.show_error(f"{exc} {RETRY_HINT}")
            return
        except Exception as exc:  # noqa: BLE001 - a bug is logged, the dialog stays usable
            self.message.show_error(
                failure_text(exc, GENERIC_ERROR, log, "checkout confirm failed")
            )
            return
        self.receipt = receipt
        self.orderNumberLabel.setText(f"Order {receipt.order_id}")
        self.accept()

    def _tenders(self) -> list[Tender]:
        if self.cardButton.isChecked():  # a free sample: nothing to charge to a card
            return [Tender.card(self._total)] if self._total else []
        due = self._due()
        text = self.cashGivenField.text().strip()
        given = due if not text else parse_money(text, "cash given")
        if given < due:
            raise TenderShort(
                f"The cash given is {format_money(due - given)} short of the "
                f"{format_money(due)} due.",
                "cash given",
            )
        return [Tender.cash(given)]

    def done(self, result: int) -> None:
        """Every way out ends here: anything not committed is rolled back."""
        self._release()
        super().done(result)

    def _release(self) -> None:
        checkout, uow = self.checkout, self._uow
        self.checkout, self._uow = None, None
        try:
            if checkout is not None and self.receipt is None:
                checkout.cancel()
        except Exception:  # noqa: BLE001 - the connection may be gone; close() still runs
            log.warning("cancel failed", exc_info=True)
        finally:
            if uow is not None:
                uow.close()

    # -- live feedback ------------------------------------------------------------------
    def _tender_changed(self, _button=None, checked: bool = True) -> None:  # noqa: ANN001
        self._mark_tender()
        if not checked:
            return
        cash = self.cashButton.isChecked()
        self.cashGivenField.setEnabled(cash)
        self.cashCaption.setEnabled(cash)
        self.message.clear_message()
        self._update_change()
        if cash:
            self._focus_cash(select=True)

    def _mark_tender(self) -> None:
        """The chosen tender says so in words too, not only by its pressed look."""
        for button, text in ((self.cashButton, "Cash  F5"), (self.cardButton, "Card  F6")):
            button.setText(f"✔ {text}" if button.isChecked() else text)

    def _update_change(self) -> None:
        if self.cardButton.isChecked():
            self.changeLabel.setText(format_money(0))
            self.changeLabel.setToolTip(f"Card charged {format_money(self._total)}")
            return
        text = self.cashGivenField.text().strip()
        if not text:
            self.changeLabel.setText(format_money(0))
            return
        try:
            given = parse_money(text, "cash given")
        except InvalidInput:
            self.changeLabel.setText("—")
            return
        due = self._due()
        if given < due:
            self.changeLabel.setText(f"{format_money(due - given)} short")
        else:
            self.changeLabel.setText(format_money(given - due))
            if self.message.is_error:
                self.message.clear_message()

    def _focus_cash(self, *, select: bool = False) -> None:
        self.cashGivenField.setFocus(Qt.FocusReason.OtherFocusReason)
        if select:
            self.cashGivenField.selectAll()


def demo(store: Store) -> QWidget:
    """The dialog on a cart of three products with cash given (not exec'd, nothing held)."""
    cart = sample_cart(store)
    dialog = CheckoutDialog(store, cart, sample_shift(store))
    total = cart.totals().total
    given = -(-total // 5000) * 5000  # the next 50.00 note up
    dialog.cashGivenField.setText(format_amount(given))
    # A screenshot must not hold the database's write lock: give the transaction back now.
    order_id = dialog.order_id
    dialog._release()
    dialog.orderNumberLabel.setText(f"Order {order_id}" if order_id else "Order 42")
    return dialog
