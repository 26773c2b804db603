"""The cart a cashier builds: lines priced when scanned, totals always derivable.

Lines carry the price, tax rate and cost as they were when scanned; that snapshot is what
the sale stores, so a price edited mid-sale never changes a receipt after the fact. The
figures come from the pricing engine (domain/pricing.py) under the cart's ``rules``; line and
sale discounts and price overrides are checked against the cashier's rights when given and
again when the sale is confirmed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import InvalidInput, NotFound
from .money import MAX_QUANTITY, format_amount, parse_quantity
from .pricing import (
    DEFAULT_RULES,
    Discount,
    DiscountKind,
    PriceLine,
    PricedLine,
    Pricing,
    PricingRules,
    TaxBand,
    check_price,
    over_limit,
    price,
)
from .staff import Approval, Permission, StaffMember, authorise


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
    """A product, how many, and what was done to its price at the till. Its figures (``net``,
    ``tax`` …) are those of the whole cart's pricing: a sale discount or tax rounded per total
    depends on the other lines too."""

    product: ProductSnapshot
    quantity: int
    discount: Discount | None = None
    price_override: int | None = None  # a manager's price instead of the catalogue's
    discount_approval: Approval | None = field(default=None, compare=False, repr=False)
    override_approval: Approval | None = field(default=None, compare=False, repr=False)
    cart: Cart | None = field(default=None, compare=False, repr=False)

    @property
    def unit_price(self) -> int:
        """The price charged: the override when there is one."""
        return self.product.unit_price if self.price_override is None else self.price_override

    @property
    def gross(self) -> int:
        return self.unit_price * self.quantity

    def price_line(self) -> PriceLine:
        return PriceLine(
            self.product.unit_price,
            self.quantity,
            self.product.tax_rate_ppm,
            self.discount,
            self.price_override,
        )

    def priced(self) -> PricedLine:
        if self.cart is not None:
            pricing = self.cart.priced()
            for index, line in enumerate(self.cart.lines):
                if line is self:
                    return pricing.lines[index]
        return price([self.price_line()]).lines[0]  # not (or no longer) in a cart

    @property
    def net(self) -> int:
        return self.priced().net

    @property
    def tax(self) -> int:
        return self.priced().tax

    @property
    def total(self) -> int:
        return self.priced().total

    @property
    def cost(self) -> int:
        return self.product.unit_cost * self.quantity


@dataclass(frozen=True)
class Totals:
    subtotal: int  # net of every discount, before tax
    tax: int
    total: int
    cost: int
    items: int
    gross: int = 0  # prices x quantities before discounts (with tax when prices include it)
    line_discount: int = 0
    sale_discount: int = 0
    taxes: tuple[TaxBand, ...] = ()

    @property
    def discount(self) -> int:
        return self.line_discount + self.sale_discount


@dataclass(frozen=True)
class Override:
    """Something done to a price that needed more than a cashier's rights, for the audit log:
    ``approver`` allowed it (a manager who typed their PIN, or the seller holding the right)."""

    permission: Permission
    subject: str
    details: dict
    approver: StaffMember


@dataclass
class Cart:
    lines: list[CartLine] = field(default_factory=list)
    customer_code: str | None = None
    sale_discount: Discount | None = None
    rules: PricingRules = DEFAULT_RULES
    sale_discount_approval: Approval | None = field(default=None, compare=False, repr=False)
    _cache: tuple | None = field(default=None, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        for line in self.lines:
            line.cart = self

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
        line = CartLine(product, quantity, cart=self)
        self.lines.append(line)
        return line

    def set_quantity(self, product_id: int, quantity: int) -> None:
        self._line(product_id).quantity = parse_quantity(quantity)

    def remove(self, product_id: int) -> None:
        self.lines.remove(self._line(product_id))

    def clear(self) -> None:
        self.lines.clear()
        self.customer_code = None
        self.sale_discount = None
        self.sale_discount_approval = None

    def quantities(self) -> dict[int, int]:
        """Units wanted per product: what the stock check and decrement work from."""
        wanted: dict[int, int] = {}
        for line in self.lines:
            wanted[line.product.product_id] = wanted.get(line.product.product_id, 0) + line.quantity
        return wanted

    def is_empty(self) -> bool:
        return not self.lines

    # -- figures ---------------------------------------------------------------------------
    def priced(self) -> Pricing:
        """The engine's figures for the cart as it is now (kept until something changes)."""
        # What the figures depend on; lines and snapshots compare by identity first (cheap),
        # and equal ones price the same anyway.
        key = (
            self.rules,
            self.sale_discount,
            [
                (line, line.product, line.quantity, line.discount, line.price_override)
                for line in self.lines
            ],
        )
        cached = self._cache
        if cached is not None and cached[0] == key:
            return cached[1]
        pricing = price([line.price_line() for line in self.lines], self.sale_discount, self.rules)
        self._cache = (key, pricing)
        return pricing

    def totals(self) -> Totals:
        return _totals(self.priced(), self.lines)

    # -- discounts and overrides (checked again when the sale is confirmed) ----------------
    def discount_line(
        self,
        product_id: int,
        discount: Discount | None,
        *,
        by: StaffMember,
        limit_ppm: int,
        approval: Approval | None = None,
    ) -> StaffMember | None:
        """Give (or with None take back) a line discount. Above ``limit_ppm`` of the line it
        needs someone who may, or their ``approval``: PermissionDenied otherwise. Returns the
        approving manager, if one was needed."""
        line = self._line(product_id)
        if discount is None or discount.is_zero():
            line.discount, line.discount_approval = None, None
            return None
        base = line.gross
        _refuse_more_than(discount, base, "the line's")
        approver = _allow_discount(discount.off(base), base, by, limit_ppm, approval)
        line.discount = discount
        line.discount_approval = approval if approver is not None else None
        return approver

    def discount_sale(
        self,
        discount: Discount | None,
        *,
        by: StaffMember,
        limit_ppm: int,
        approval: Approval | None = None,
    ) -> StaffMember | None:
        """A discount on the whole sale (after line discounts), shared over the lines."""
        if discount is None or discount.is_zero():
            self.sale_discount, self.sale_discount_approval = None, None
            return None
        pricing = self.priced()
        base = pricing.gross - pricing.line_discount
        _refuse_more_than(discount, base, "the sale's")
        approver = _allow_discount(discount.off(base), base, by, limit_ppm, approval)
        self.sale_discount = discount
        self.sale_discount_approval = approval if approver is not None else None
        return approver

    def override_price(
        self,
        product_id: int,
        unit_price: int | None,
        *,
        by: StaffMember,
        approval: Approval | None = None,
    ) -> StaffMember | None:
        """Charge another unit price for a line (None, or the catalogue price, goes back to
        the catalogue's). Always needs the price-override right or a manager's approval."""
        line = self._line(product_id)
        if unit_price is None or unit_price == line.product.unit_price:
            line.price_override, line.override_approval = None, None
            return None
        unit_price = check_price(unit_price)
        approver = authorise(by, Permission.PRICE_OVERRIDE, approval)
        line.price_override = unit_price
        line.override_approval = approval if approver is not None else None
        return approver

    def overrides(self, by: StaffMember, limit_ppm: int) -> list[Override]:
        """Every override in the cart authorised again (the limit may have changed, the cart
        may have been built elsewhere): PermissionDenied if one is no longer allowed.
        What comes back is what the sale writes to the audit log."""
        pricing = self.priced()
        found: list[Override] = []
        limit = Discount.percent(limit_ppm).describe()
        for line, priced in zip(self.lines, pricing.lines, strict=True):
            p = line.product
            subject = f"{p.sku} {p.name}"
            if line.price_override is not None:
                approver = authorise(by, Permission.PRICE_OVERRIDE, line.override_approval)
                found.append(
                    Override(
                        Permission.PRICE_OVERRIDE,
                        subject,
                        {
                            "what": "price override",
                            "sku": p.sku,
                            "catalogue_price": format_amount(p.unit_price),
                            "price": format_amount(line.price_override),
                            "quantity": line.quantity,
                        },
                        approver or by,
                    )
                )
            if line.discount is not None and over_limit(priced.discount, priced.gross, limit_ppm):
                approver = authorise(
                    by, Permission.DISCOUNT_OVER_LIMIT, line.discount_approval
                )
                found.append(
                    Override(
                        Permission.DISCOUNT_OVER_LIMIT,
                        subject,
                        {
                            "what": "line discount",
                            "sku": p.sku,
                            "discount": line.discount.describe(),
                            "amount": format_amount(priced.discount),
                            "of": format_amount(priced.gross),
                            "limit": limit,
                        },
                        approver or by,
                    )
                )
        base = pricing.gross - pricing.line_discount
        if self.sale_discount is not None and over_limit(pricing.sale_discount, base, limit_ppm):
            approver = authorise(by, Permission.DISCOUNT_OVER_LIMIT, self.sale_discount_approval)
            found.append(
                Override(
                    Permission.DISCOUNT_OVER_LIMIT,
                    "whole sale",
                    {
                        "what": "sale discount",
                        "discount": self.sale_discount.describe(),
                        "amount": format_amount(pricing.sale_discount),
                        "of": format_amount(base),
                        "limit": limit,
                    },
                    approver or by,
                )
            )
        return found

    def _line(self, product_id: int) -> CartLine:
        for line in self.lines:
            if line.product.product_id == product_id:
                return line
        raise NotFound("That product is not in the cart.")


def _refuse_more_than(discount: Discount, base: int, whose: str) -> None:
    if discount.kind == DiscountKind.AMOUNT and discount.value > base:
        raise InvalidInput(
            f"The discount {format_amount(discount.value)} is more than {whose} "
            f"{format_amount(base)}.",
            "discount",
        )


def _allow_discount(
    amount_off: int,
    base: int,
    by: StaffMember,
    limit_ppm: int,
    approval: Approval | None,
) -> StaffMember | None:
    if over_limit(amount_off, base, limit_ppm):
        return authorise(by, Permission.DISCOUNT_OVER_LIMIT, approval)
    return None


def _totals(pricing: Pricing, lines: list[CartLine]) -> Totals:
    return Totals(
        subtotal=pricing.subtotal,
        tax=pricing.tax,
        total=pricing.total,
        cost=sum(line.cost for line in lines),
        items=sum(line.quantity for line in lines),
        gross=pricing.gross,
        line_discount=pricing.line_discount,
        sale_discount=pricing.sale_discount,
        taxes=pricing.taxes,
    )


def totals_of(
    lines: list[CartLine],
    sale_discount: Discount | None = None,
    rules: PricingRules = DEFAULT_RULES,
) -> Totals:
    """The figures of these lines priced together: receipts and the ledger use exactly these."""
    return _totals(price([line.price_line() for line in lines], sale_discount, rules), lines)


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
