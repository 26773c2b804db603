"""The right-hand side of the Sell screen: the customer, the running figures (items,
discounts when there are any, subtotal, tax with its rates, a big total), the Pay and
Save-as-order buttons, and the last receipt with the change to give."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.cart import Totals
from ..domain.receipt import Receipt
from ..services.store import CustomerRow
from .checkout_dialog import scaled_font
from .money import format_money, format_rate
from .receipt_view import ReceiptText
from .table_models import RIGHT


def till_button(text: str, name: str) -> QPushButton:
    """A button of the Sell screen: "Label  Key" text, and never the focus, so a click
    leaves the focus in the scan field."""
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(text.split("  ")[0])
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setMinimumHeight(36)
    return button


class CartSidePanel(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("cartSidePanel")

        self.customerCombo = QComboBox()
        self.customerCombo.setObjectName("customerCombo")
        self.customerCombo.setAccessibleName("Customer")
        self.customerCombo.addItem("No customer", None)
        self.customerCombo.setMinimumContentsLength(18)
        self.customerCombo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        customer_caption = QLabel("C&ustomer")
        customer_caption.setBuddy(self.customerCombo)

        self.subtotalLabel = self._figure("subtotalLabel", "Subtotal", 1.2)
        self.taxLabel = self._figure("taxLabel", "Tax", 1.2)
        self.itemsLabel = self._figure("itemsLabel", "Items", 1.2)
        self.lineDiscountLabel = self._figure("lineDiscountLabel", "Line discounts", 1.2)
        self.saleDiscountLabel = self._figure("saleDiscountLabel", "Sale discount", 1.2)
        self.taxRatesLabel = QLabel()
        self.taxRatesLabel.setObjectName("taxRatesLabel")
        self.taxRatesLabel.setAccessibleName("Tax per rate")
        self.taxRatesLabel.setAlignment(RIGHT)
        self.taxRatesLabel.setWordWrap(True)
        self.totalLabel = self._figure("totalLabel", "Total", 3.4, bold=True)
        total_caption = QLabel("TOTAL")
        total_caption.setFont(scaled_font(self, 1.4, bold=True))
        self.subtotalCaption = QLabel("Subtotal")
        self.taxCaption = QLabel("Tax")
        self.figures = figures = QFormLayout()
        figures.addRow(customer_caption, self.customerCombo)
        figures.addRow("Items", self.itemsLabel)
        figures.addRow("Line discounts", self.lineDiscountLabel)
        figures.addRow("Sale discount", self.saleDiscountLabel)
        figures.addRow(self.subtotalCaption, self.subtotalLabel)
        figures.addRow(self.taxCaption, self.taxLabel)
        figures.addRow("", self.taxRatesLabel)
        figures.addRow(total_caption, self.totalLabel)

        self.payButton = till_button("Pay  F12", "payButton")
        self.payButton.setFont(scaled_font(self, 1.8, bold=True))
        self.payButton.setMinimumHeight(72)
        self.saveOrderButton = till_button("Save as order  F9", "saveOrderButton")

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
        self.setLayout(right)
        self.setFixedWidth(max(400, self.fontMetrics().horizontalAdvance("M") * 34))

    def _figure(self, name: str, accessible: str, factor: float, *, bold: bool = False) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setAccessibleName(accessible)
        label.setFont(scaled_font(self, factor, bold=bold))
        label.setAlignment(RIGHT)
        return label

    def show_totals(self, totals: Totals, *, prices_include_tax: bool = False) -> None:
        """The cart's figures; discount rows and the rates only when there is something."""
        self.subtotalLabel.setText(format_money(totals.subtotal))
        self.taxLabel.setText(format_money(totals.tax))
        self.totalLabel.setText(format_money(totals.total))
        self.itemsLabel.setText(str(totals.items))
        self.lineDiscountLabel.setText(f"−{format_money(totals.line_discount)}")
        self.saleDiscountLabel.setText(f"−{format_money(totals.sale_discount)}")
        self.figures.setRowVisible(self.lineDiscountLabel, bool(totals.line_discount))
        self.figures.setRowVisible(self.saleDiscountLabel, bool(totals.sale_discount))
        self.subtotalCaption.setText("Net of tax" if prices_include_tax else "Subtotal")
        self.taxCaption.setText("Tax included" if prices_include_tax else "Tax")
        bands = [b for b in totals.taxes if b.rate_ppm]
        self.taxRatesLabel.setText(
            "  ·  ".join(f"{format_rate(b.rate_ppm)}: {format_money(b.tax)}" for b in bands)
        )
        self.figures.setRowVisible(self.taxRatesLabel, len(bands) > 1)

    def show_receipt(self, receipt: Receipt) -> None:
        self.lastReceiptLabel.setText(
            f"Receipt {receipt.receipt_no} · Total {format_money(receipt.total)}"
        )
        self.lastChangeLabel.setText(f"Change {format_money(receipt.change)}")
        self.receiptText.show_receipt(receipt)

    # -- customers ------------------------------------------------------------------------
    def customer_code(self) -> str | None:
        return self.customerCombo.currentData()

    def set_customers(self, customers: list[CustomerRow]) -> None:
        """List these customers, keeping the one chosen if it is still there."""
        current = self.customerCombo.currentData()
        self.customerCombo.blockSignals(True)
        self.customerCombo.clear()
        self.customerCombo.addItem("No customer", None)
        for c in customers:
            self.customerCombo.addItem(f"{c.code} — {c.company}", c.code)
        index = self.customerCombo.findData(current) if current else 0
        self.customerCombo.setCurrentIndex(max(0, index))
        self.customerCombo.blockSignals(False)

    def select_customer(self, code: str | None) -> bool:
        index = self.customerCombo.findData(code) if code else 0
        if index < 0:
            return False
        self.customerCombo.setCurrentIndex(index)
        return True
