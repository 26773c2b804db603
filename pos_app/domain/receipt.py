"""What a receipt shows, built only from stored values so a reprint matches the original."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .tender import Payment


@dataclass(frozen=True)
class ReceiptLine:
    name: str
    sku: str
    quantity: int
    unit_price: int
    net: int
    tax: int
    tax_rate_ppm: int


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

    @property
    def change(self) -> int:
        return sum(p.change for p in self.payments)
