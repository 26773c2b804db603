"""A receipt as text: what the cashier sees after a sale (and, later, what gets printed).

Built only from the ``Receipt`` dataclass, so a reprint from the database reads the same.
"""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from ..domain.receipt import Receipt
from ..domain.tender import TenderKind
from .money import format_money, format_rate
from .samples import sample_receipt

WIDTH = 40


def local_time(moment: datetime) -> str:
    """Stored times are UTC; the till shows its own clock."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _row(left: str, right: str, width: int = WIDTH) -> str:
    space = max(1, width - len(left) - len(right))
    if len(left) + len(right) + 1 > width:
        left = left[: max(1, width - len(right) - 2)] + "…"
        space = 1
    return f"{left}{' ' * space}{right}"


def receipt_text(receipt: Receipt, width: int = WIDTH) -> str:
    """Fixed-width lines: items, totals, tenders and change."""
    out = [
        _row(f"Receipt {receipt.receipt_no}", local_time(receipt.completed_at), width),
        _row(f"Order {receipt.order_id}", receipt.customer_code or "", width),
        "-" * width,
    ]
    for line in receipt.lines:
        out.append(_row(line.name, format_money(line.net + line.tax), width))
        out.append(
            f"  {line.quantity} x {format_money(line.unit_price)}"
            f"  tax {format_rate(line.tax_rate_ppm)}"
        )
    out += [
        "-" * width,
        _row("Subtotal", format_money(receipt.subtotal), width),
        _row("Tax", format_money(receipt.tax), width),
        _row("TOTAL", format_money(receipt.total), width),
    ]
    for payment in receipt.payments:
        label = "Cash given" if payment.kind == TenderKind.CASH else "Card"
        out.append(_row(label, format_money(payment.given), width))
    out.append(_row("Change", format_money(receipt.change), width))
    return "\n".join(out)


class ReceiptText(QPlainTextEdit):
    """Read-only, fixed-width, never takes the focus from the scan field."""

    def __init__(self, parent: QWidget | None = None, *, object_name: str = "receiptText"):
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setAccessibleName("Last receipt")
        self.setReadOnly(True)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setPlaceholderText("The last receipt appears here after payment.")

    def show_receipt(self, receipt: Receipt | None) -> None:
        self.setPlainText("" if receipt is None else receipt_text(receipt))


def demo(store) -> QWidget:  # noqa: ANN001 - a Store
    """A sample receipt (not stored) rendered from the first products of the store."""
    widget = ReceiptText()
    widget.show_receipt(sample_receipt(store))
    widget.resize(420, 480)
    return widget
