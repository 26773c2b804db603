"""The cart a cashier builds: lines priced when scanned, totals always derivable.

Lines carry the price, tax rate and cost as they were when scanned; that snapshot is what
the sale stores, so a price edited mid-sale never changes a receipt after the fact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import InvalidInput, NotFound
from .money import MAX_QUANTITY, parse_quantity, tax_on


@dataclass(frozen=True)
class ProductSnapshot:
    """What a sale needs to know of a product at the moment it was scanned."""

    product_id: int
    sku: str
    barcode: str | None
    name: str
    unit_price: int
    tax_rate_ppm: int
    unit_cost: int
    stock_on_hand: int = 0


@dataclass
class CartLine:
    product: ProductSnapshot
    quantity: int

    @property
    def net(self) -> int:
        return self.product.unit_price * self.quantity

    @property
    def tax(self) -> int:
        return tax_on(self.net, self.product.tax_rate_ppm)

    @property
    def total(self) -> int:
        return self.net + self.tax

    @property
    def cost(self) -> int:
        return self.product.unit_cost * self.quantity


@dataclass(frozen=True)
class Totals:
    subtotal: int
    tax: int
    total: int
    cost: int
    items: int


@dataclass
class Cart:
    lines: list[CartLine] = field(default_factory=list)
    customer_code: str | None = None

    def add(self, product: ProductSnapshot, quantity: int = 1) -> CartLine:
        """Scanning a product already in the cart adds to its line rather than a new one."""
        quantity = parse_quantity(quantity)
        for line in self.lines:
            if line.product.product_id == product.product_id:
                new_quantity = line.quantity + quantity
                if new_quantity > MAX_QUANTITY:
                    raise InvalidInput(
                        f"The quantity cannot be more than {MAX_QUANTITY:,}.", "quantity"
                    )
                line.quantity = new_quantity
                return line
        line = CartLine(product, quantity)
        self.lines.append(line)
        return line

    def set_quantity(self, product_id: int, quantity: int) -> None:
        self._line(product_id).quantity = parse_quantity(quantity)

    def remove(self, product_id: int) -> None:
        self.lines.remove(self._line(product_id))

    def clear(self) -> None:
        self.lines.clear()
        self.customer_code = None

    def quantities(self) -> dict[int, int]:
        """Units wanted per product: what the stock check and decrement work from."""
        wanted: dict[int, int] = {}
        for line in self.lines:
            wanted[line.product.product_id] = wanted.get(line.product.product_id, 0) + line.quantity
        return wanted

    def is_empty(self) -> bool:
        return not self.lines

    def totals(self) -> Totals:
        return totals_of(self.lines)

    def _line(self, product_id: int) -> CartLine:
        for line in self.lines:
            if line.product.product_id == product_id:
                return line
        raise NotFound("That product is not in the cart.")


def totals_of(lines: list[CartLine]) -> Totals:
    """Per-line tax rounding, then sums: receipts and the ledger use exactly these figures."""
    subtotal = sum(line.net for line in lines)
    tax = sum(line.tax for line in lines)
    return Totals(
        subtotal=subtotal,
        tax=tax,
        total=subtotal + tax,
        cost=sum(line.cost for line in lines),
        items=sum(line.quantity for line in lines),
    )


_SCAN_RE = re.compile(r"^\s*(?:(\d{1,9})\s*\*\s*)?(\S.*?)\s*$")


def parse_scan(text: str) -> tuple[int, str]:
    """Split what the scan field got: ``"3*5000112"`` is three of 5000112, a bare code is one."""
    match = _SCAN_RE.match(text or "")
    if not match:
        raise InvalidInput("Scan or type a barcode or SKU.", "code")
    quantity = parse_quantity(match.group(1)) if match.group(1) else 1
    code = match.group(2)
    if len(code) > 64:
        raise InvalidInput("That code is too long to be a barcode or SKU.", "code")
    return quantity, code
