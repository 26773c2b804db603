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
    """Fixed-width lines: items with their discounts, the sale discount, tax per rate (added
    or included, as the sale was priced), total, cash rounding, tenders and change."""
    out = [
        _row(f"Receipt {receipt.receipt_no}", local_time(receipt.completed_at), width),
        _row(f"Order {receipt.order_id}", receipt.customer_code or "", width),
        "-" * width,
    ]
    for line in receipt.lines:
        out.append(_row(line.name, format_money(line.gross), width))
        out.append(
            f"  {line.quantity} x {format_money(line.unit_price)}"
            f"  tax {format_rate(line.tax_rate_ppm)}"
        )
        if line.discount:
            out.append(_row("  Discount", f"-{format_money(line.discount)}", width))
    out.append("-" * width)
    if receipt.sale_discount:
        out.append(_row("Sale discount", f"-{format_money(receipt.sale_discount)}", width))
    bands = receipt.taxes
    if not receipt.prices_include_tax:
        out.append(_row("Subtotal", format_money(receipt.subtotal), width))
        if len(bands) > 1:
            out += [
                _row(
                    f"Tax {format_rate(b.rate_ppm)} on {format_money(b.net)}",
                    format_money(b.tax),
                    width,
                )
                for b in bands
            ]
        else:
            out.append(_row("Tax", format_money(receipt.tax), width))
    out.append(_row("TOTAL", format_money(receipt.total), width))
    if receipt.cash_rounding:
        out.append(_row("Cash rounding", format_money(receipt.cash_rounding), width))
        out.append(_row("Due in cash", format_money(receipt.due), width))
    if receipt.prices_include_tax:
        out += [
            _row(f"  incl. tax {format_rate(b.rate_ppm)}", format_money(b.tax), width)
            for b in bands
        ] or [_row("  incl. tax", format_money(receipt.tax), width)]
    for payment in receipt.payments:
        label = "Cash given" if payment.kind == TenderKind.CASH else "Card"
        out.append(_row(label, format_money(payment.given), width))
    out.append(_row("Change", format_money(receipt.change), width))
    if receipt.cashier:
        where = f" at {receipt.till_name}" if receipt.till_name else ""
        out.append(f"Served by {receipt.cashier}{where}")
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
