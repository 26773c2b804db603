"""What a receipt shows, built only from stored values so a reprint matches the original."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .pricing import TaxBand, tax_bands
from .tender import Payment


@dataclass(frozen=True)
class ReceiptLine:
    name: str
    sku: str
    quantity: int
    unit_price: int  # the price charged (a manager's override when there was one)
    net: int  # after every discount, without tax
    tax: int
    tax_rate_ppm: int
    discount: int = 0  # the line's own discount (in price terms)
    sale_discount: int = 0  # its share of the sale discount (in price terms)
    tax_included: bool = False  # the price included the tax

    @property
    def gross(self) -> int:
        return self.unit_price * self.quantity

    @property
    def total(self) -> int:
        return self.net + self.tax


@dataclass(frozen=True)
class Receipt:
    order_id: int
    receipt_no: int
    completed_at: datetime
    lines: tuple[ReceiptLine, ...]
    subtotal: int
    tax: int
    total: int
    payments: tuple[Payment, ...]
    customer_code: str | None = None
    cashier: str = ""
    till_name: str = ""
    sale_discount: int = 0  # the whole-sale discount (shared over the lines)
    cash_rounding: int = 0  # paid = total + cash_rounding (cash rounded to the store's step)
    prices_include_tax: bool = False
    tax_rounding: str = "line"

    @property
    def change(self) -> int:
        return sum(p.change for p in self.payments)

    @property
    def line_discount(self) -> int:
        return sum(line.discount for line in self.lines)

    @property
    def gross(self) -> int:
        """Prices x quantities before any discount."""
        return sum(line.gross for line in self.lines)

    @property
    def taxes(self) -> tuple[TaxBand, ...]:
        """Net and tax per rate, from the stored lines (they add up to ``tax``)."""
        return tax_bands(self.lines)

    @property
    def due(self) -> int:
        """What the customer paid for the sale: the total after cash rounding."""
        return self.total + self.cash_rounding
