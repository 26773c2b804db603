"""Small dialogs of the Sell screen: a discount (percent or amount) on a line or the whole
sale, and a line's price changed at the till.

They only ask: what they return is given to the cart, which checks the cashier's rights
(a manager approves a discount above the store's limit and every price change, see
``cart_view.py``). The amount off and what is left show as the cashier types, problems show
in place, Enter gives it, an empty field takes a discount (or a changed price) back, Esc
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import InvalidInput
from ..domain.money import format_amount
from ..domain.pricing import Discount, DiscountKind, over_limit, parse_discount
from .feedback import InlineMessage
from .money import format_money, format_rate, parse_money


@dataclass(frozen=True)
class DiscountAnswer:
    discount: Discount | None  # None: no discount (take it back)


@dataclass(frozen=True)
class PriceAnswer:
    unit_price: int | None  # None: the catalogue's price again


def _field(name: str, accessible: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setAccessibleName(accessible)
    field.setMaxLength(20)
    field.setAlignment(Qt.AlignmentFlag.AlignRight)
    font = field.font()
    font.setPointSizeF((font.pointSizeF() if font.pointSizeF() > 0 else 10.0) * 1.5)
    field.setFont(font)
    return field


def _buttons(dialog: QDialog, ok_text: str) -> tuple[QHBoxLayout, QPushButton]:
    ok = QPushButton(ok_text)
    ok.setObjectName("okButton")
    ok.setAccessibleName(ok_text.split("  ")[0])
    ok.setDefault(True)
    ok.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    ok.clicked.connect(dialog.accept)
    cancel = QPushButton("Cancel  Esc")
    cancel.setObjectName("cancelButton")
    cancel.setAccessibleName("Cancel")
    cancel.setAutoDefault(False)
    cancel.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    cancel.clicked.connect(dialog.reject)
    row = QHBoxLayout()
    row.addWidget(cancel)
    row.addStretch(1)
    row.addWidget(ok)
    return row, ok


class DiscountDialog(QDialog):
    """A discount off ``base`` (a line's amount, or the sale's after line discounts)."""

    def __init__(
        self,
        what: str,
        base: int,
        current: Discount | None,
        limit_ppm: int,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("discountDialog")
        self.setWindowTitle("Discount")
        self.base = base
        self.limit_ppm = limit_ppm
        self.answer: DiscountAnswer | None = None

        title = QLabel(f"Discount on {what}")
        title.setObjectName("discountTitle")
        title.setWordWrap(True)
        font = title.font()
        font.setBold(True)
        title.setFont(font)

        self.percentButton = QRadioButton("&Percent")
        self.percentButton.setObjectName("percentButton")
        self.amountButton = QRadioButton("&Amount")
        self.amountButton.setObjectName("amountButton")
        self.kindGroup = QButtonGroup(self)
        self.kindGroup.addButton(self.percentButton)
        self.kindGroup.addButton(self.amountButton)
        kinds = QHBoxLayout()
        kinds.addWidget(self.percentButton)
        kinds.addWidget(self.amountButton)
        kinds.addStretch(1)

        self.discountField = _field("discountField", "Discount")
        self.discountField.setPlaceholderText("empty = no discount")
        self.discountField.setToolTip("10 or 10% is ten percent; with Amount, 2.50 is 2.50 off")
        caption = QLabel("&Discount")
        caption.setBuddy(self.discountField)

        self.previewLabel = QLabel()
        self.previewLabel.setObjectName("discountPreview")
        self.previewLabel.setAccessibleName("Amount off and what is left")
        self.previewLabel.setWordWrap(True)
        self.message = InlineMessage(self, object_name="discountMessage")

        form = QFormLayout()
        form.addRow("Of", QLabel(format_money(base)))
        form.addRow("As", kinds)
        form.addRow(caption, self.discountField)
        form.addRow("", self.previewLabel)
        buttons, self.okButton = _buttons(self, "Give discount  Enter")

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

        if current is not None and current.kind == DiscountKind.AMOUNT:
            self.amountButton.setChecked(True)
            self.discountField.setText(format_amount(current.value))
        else:
            self.percentButton.setChecked(True)
            if current is not None:
                self.discountField.setText(current.describe().removesuffix(" %"))
        self.discountField.selectAll()
        self.discountField.textChanged.connect(self._preview)
        self.kindGroup.buttonToggled.connect(lambda *_: self._kind_changed())
        self._preview()
        self.setMinimumWidth(max(380, self.sizeHint().width()))
        self.discountField.setFocus()

    @classmethod
    def ask(
        cls,
        what: str,
        base: int,
        current: Discount | None,
        limit_ppm: int,
        parent: QWidget | None = None,
    ) -> DiscountAnswer | None:
        """The discount typed (``DiscountAnswer(None)`` to take it back); None if cancelled."""
        dialog = cls(what, base, current, limit_ppm, parent)
        try:
            dialog.exec()
            return dialog.answer
        finally:
            dialog.deleteLater()

    def kind(self) -> DiscountKind:
        return DiscountKind.AMOUNT if self.amountButton.isChecked() else DiscountKind.PERCENT

    def discount(self) -> Discount | None:
        """What the field says, or InvalidInput in the cashier's words."""
        text = self.discountField.text().strip()
        kind = self.kind()
        if text.endswith("%"):
            kind = DiscountKind.PERCENT
        discount = parse_discount(text, kind)
        if discount is not None and discount.kind == DiscountKind.AMOUNT:
            if discount.value > self.base:
                raise InvalidInput(
                    f"The discount {format_money(discount.value)} is more than the "
                    f"{format_money(self.base)} it is taken off.",
                    "discount",
                )
        return discount

    def _kind_changed(self) -> None:
        self._preview()
        self.discountField.setFocus()
        self.discountField.selectAll()

    def _preview(self) -> None:
        try:
            discount = self.discount()
        except InvalidInput as exc:
            self.previewLabel.setText("")
            self.message.show_error(str(exc), beep=False)
            return
        self.message.clear_message()
        if discount is None:
            self.previewLabel.setText("No discount.")
            return
        off = discount.off(self.base)
        text = f"{format_money(off)} off, {format_money(self.base - off)} left."
        if over_limit(off, self.base, self.limit_ppm):
            text += f" Above the {format_rate(self.limit_ppm)} limit: a manager approves it."
        self.previewLabel.setText(text)

    def accept(self) -> None:
        try:
            discount = self.discount()
        except InvalidInput as exc:
            self.message.show_error(str(exc))
            self.discountField.setFocus()
            self.discountField.selectAll()
            return
        self.answer = DiscountAnswer(discount)
        super().accept()


class PriceDialog(QDialog):
    """Another unit price for one line (a manager approves it)."""

    def __init__(
        self,
        name: str,
        catalogue_price: int,
        current: int | None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("priceDialog")
        self.setWindowTitle("Change price")
        self.catalogue_price = catalogue_price
        self.answer: PriceAnswer | None = None

        title = QLabel(f"Price of {name}")
        title.setObjectName("priceTitle")
        title.setWordWrap(True)
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        self.priceField = _field("priceField", "New unit price")
        self.priceField.setPlaceholderText(f"empty = {format_money(catalogue_price)}")
        caption = QLabel("New &price")
        caption.setBuddy(self.priceField)
        if current is not None:
            self.priceField.setText(format_amount(current))
            self.priceField.selectAll()
        self.hintLabel = QLabel("A manager approves every price change at the till.")
        self.hintLabel.setObjectName("priceHint")
        self.hintLabel.setWordWrap(True)
        self.message = InlineMessage(self, object_name="priceMessage")
        self.priceField.textChanged.connect(self._check)

        form = QFormLayout()
        form.addRow("Catalogue price", QLabel(format_money(catalogue_price)))
        form.addRow(caption, self.priceField)
        form.addRow("", self.hintLabel)
        buttons, self.okButton = _buttons(self, "Change price  Enter")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(max(380, self.sizeHint().width()))
        self.priceField.setFocus()

    @classmethod
    def ask(
        cls,
        name: str,
        catalogue_price: int,
        current: int | None,
        parent: QWidget | None = None,
    ) -> PriceAnswer | None:
        """The price typed (``PriceAnswer(None)``: the catalogue's again); None if cancelled."""
        dialog = cls(name, catalogue_price, current, parent)
        try:
            dialog.exec()
            return dialog.answer
        finally:
            dialog.deleteLater()

    def price(self) -> int | None:
        text = self.priceField.text().strip()
        return None if not text else parse_money(text, "price")

    def _check(self) -> None:
        try:
            self.price()
        except InvalidInput as exc:
            self.message.show_error(str(exc), beep=False)
        else:
            self.message.clear_message()

    def accept(self) -> None:
        try:
            price = self.price()
        except InvalidInput as exc:
            self.message.show_error(str(exc))
            self.priceField.setFocus()
            self.priceField.selectAll()
            return
        self.answer = PriceAnswer(None if price == self.catalogue_price else price)
        super().accept()


def demo(store) -> QWidget:  # noqa: ANN001 - a Store
    """A 15 % discount typed on a line of 36.00 (above a 10 % limit)."""
    settings = store.settings()
    dialog = DiscountDialog("Chai (2 × 18.00)", 3600, None, settings.discount_limit_ppm)
    dialog.discountField.setText("15")
    return dialog
