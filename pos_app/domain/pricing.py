"""The pricing engine: from cart lines to the figures a sale stores, with no database.

Given each line's price (or the price a manager overrode it to), quantity, tax rate and
discount, a discount on the whole sale and the store's rules (prices with or without tax,
tax rounded per line or per total), it returns every line's gross, line discount, share of
the sale discount, net and tax, and the sale's totals with a breakdown per tax rate.

Everything is integer cents. Exact fractions are kept as integer numerator/denominator
pairs (no float, no 28-digit Decimal context to run out of), rounded half-up once, and
amounts shared out over lines (a sale discount, a per-total tax) use the largest remainder
method so the shares add up to the whole to the cent. The stored figures satisfy
``net + (tax if tax_included) = price * quantity - discount - sale_discount`` on every line
and ``subtotal + tax = total`` on the sale, whatever the rules.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .errors import InvalidInput
from .money import PPM, check_amount, format_amount, parse_amount

LINE = "line"
TOTAL = "total"


def round_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half-up to a whole number (both non-negative)."""
    return (2 * numerator + denominator) // (2 * denominator)


def share_out(whole: int, weights: Sequence[int]) -> list[int]:
    """Split ``whole`` in proportion to ``weights`` by the largest remainder: the shares add up
    to ``whole`` exactly, each within one cent of its exact share, ties going to the earlier
    line. ``whole`` must not exceed ``sum(weights)`` unless every weight is zero."""
    total = sum(weights)
    if not whole or not total:
        return [0] * len(weights)
    return round_to_whole([whole * weight for weight in weights], total, whole)


def round_to_whole(numerators: Sequence[int], denominator: int, whole: int) -> list[int]:
    """Round the exact amounts ``n / denominator`` so they add up to ``whole``: each is floored
    and the cents left go to the largest remainders (earlier line first on a tie). With
    ``whole`` = the sum rounded half-up, every share is its exact amount floored or ceiled."""
    shares = []
    remainders = []
    for index, numerator in enumerate(numerators):
        share, remainder = divmod(numerator, denominator)
        shares.append(share)
        remainders.append((-remainder, index))
    left = whole - sum(shares)
    if left:
        for _, index in sorted(remainders)[:left]:
            shares[index] += 1
    return shares


# -- what a cashier types ------------------------------------------------------------------
class DiscountKind(str, enum.Enum):
    PERCENT = "percent"
    AMOUNT = "amount"


@dataclass(frozen=True)
class Discount:
    """A discount as given: a percentage (in ppm) or an amount off (in cents)."""

    kind: DiscountKind
    value: int

    @classmethod
    def percent(cls, ppm: int) -> Discount:
        if isinstance(ppm, bool) or not isinstance(ppm, int) or not 0 <= ppm <= PPM:
            raise InvalidInput("A discount is between 0 and 100 %.", "discount")
        return cls(DiscountKind.PERCENT, ppm)

    @classmethod
    def amount(cls, cents: int) -> Discount:
        return cls(DiscountKind.AMOUNT, check_amount(cents, "discount"))

    def off(self, base: int) -> int:
        """The amount this discount takes off ``base``: never more than ``base``."""
        if base <= 0:
            return 0
        if self.kind == DiscountKind.PERCENT:
            return min(base, round_half_up(base * self.value, PPM))
        return min(base, self.value)

    def is_zero(self) -> bool:
        return self.value == 0

    def describe(self) -> str:
        """"10 %" or "2.50": how a receipt or the audit log names it."""
        if self.kind == DiscountKind.PERCENT:
            return f"{(Decimal(self.value) * 100 / PPM).normalize():f} %"
        return format_amount(self.value)


def parse_discount(text: str, kind: DiscountKind | str) -> Discount | None:
    """What the discount dialog got: "10" (percent) or "2.50" (amount); empty or zero
    means no discount (None)."""
    kind = DiscountKind(kind)
    cleaned = str(text or "").strip().rstrip("%").strip()
    if not cleaned:
        return None
    if kind == DiscountKind.PERCENT:
        try:
            value = Decimal(cleaned.replace(",", "."))
        except ArithmeticError:
            value = None
        if value is None or not value.is_finite():
            raise InvalidInput("Type a percentage such as 10 or 12.5.", "discount")
        if not 0 <= value <= 100:
            raise InvalidInput("A discount is between 0 and 100 %.", "discount")
        ppm = value * PPM / 100
        if ppm != ppm.to_integral_value():
            raise InvalidInput("The percentage has too many decimal places.", "discount")
        discount = Discount.percent(int(ppm))
    else:
        discount = Discount.amount(parse_amount(cleaned, "discount"))
    return None if discount.is_zero() else discount


def over_limit(amount_off: int, base: int, limit_ppm: int) -> bool:
    """More than ``limit_ppm`` of ``base`` taken off: a manager must approve it."""
    return amount_off * PPM > limit_ppm * base


# -- the engine ----------------------------------------------------------------------------
@dataclass(frozen=True)
class PricingRules:
    """How a store prices: stored with every sale so a later change never rewrites one."""

    prices_include_tax: bool = False
    tax_rounding: str = LINE  # 'line' | 'total' (per rate, on the sale's summed amounts)

    def __post_init__(self) -> None:
        if self.tax_rounding not in (LINE, TOTAL):
            raise InvalidInput("Tax is rounded per line or on the total.", "tax_rounding")

    @classmethod
    def of(cls, settings) -> PricingRules:  # noqa: ANN001 - a StoreSettings or a stored sale
        return cls(bool(settings.prices_include_tax), str(settings.tax_rounding))


DEFAULT_RULES = PricingRules()


@dataclass(frozen=True)
class PriceLine:
    """One line as the engine needs it. ``price_override`` (a manager's price at the till)
    replaces ``unit_price`` when set."""

    unit_price: int
    quantity: int
    tax_rate_ppm: int
    discount: Discount | None = None
    price_override: int | None = None

    @property
    def price(self) -> int:
        return self.unit_price if self.price_override is None else self.price_override


@dataclass(frozen=True)
class PricedLine:
    """A line's stored figures. ``gross``, the discounts and ``amount`` are in the store's
    price terms (tax included when ``tax_included``); ``net`` never includes tax."""

    price: int
    quantity: int
    tax_rate_ppm: int
    gross: int
    discount: int
    sale_discount: int
    net: int
    tax: int
    tax_included: bool

    @property
    def amount(self) -> int:
        """What the line comes to after its discounts, in price terms."""
        return self.gross - self.discount - self.sale_discount

    @property
    def total(self) -> int:
        return self.net + self.tax


@dataclass(frozen=True)
class TaxBand:
    """One tax rate's share of a sale: the amounts it was charged on and the tax."""

    rate_ppm: int
    net: int
    tax: int

    @property
    def gross(self) -> int:
        return self.net + self.tax


@dataclass(frozen=True)
class Pricing:
    lines: tuple[PricedLine, ...]
    gross: int  # price x quantity summed, before any discount (price terms)
    line_discount: int
    sale_discount: int
    subtotal: int  # net of discounts, before tax
    tax: int
    taxes: tuple[TaxBand, ...]

    @property
    def total(self) -> int:
        return self.subtotal + self.tax

    @property
    def discount(self) -> int:
        return self.line_discount + self.sale_discount


def tax_bands(lines: Sequence) -> tuple[TaxBand, ...]:  # PricedLine or ReceiptLine
    """Net and tax per rate, highest rate first: the lines' own taxes summed, so the
    breakdown adds up to the sale's tax under either rounding rule."""
    bands: dict[int, list[int]] = {}
    for line in lines:
        band = bands.setdefault(line.tax_rate_ppm, [0, 0])
        band[0] += line.net
        band[1] += line.tax
    return tuple(
        TaxBand(rate, net, tax) for rate, (net, tax) in sorted(bands.items(), reverse=True)
    )


def price(
    lines: Sequence[PriceLine],
    sale_discount: Discount | None = None,
    rules: PricingRules = DEFAULT_RULES,
) -> Pricing:
    """Price a sale. Line discounts come off each line's gross; the sale discount comes off
    what is left and is shared over the lines in proportion; then tax, per line or per rate
    on the summed amounts (allocated back to the lines so they add up to the rate's tax)."""
    gross = [line.price * line.quantity for line in lines]
    line_off = [
        line.discount.off(g) if line.discount is not None else 0
        for line, g in zip(lines, gross, strict=True)
    ]
    after_line = [g - d for g, d in zip(gross, line_off, strict=True)]
    sale_off = sale_discount.off(sum(after_line)) if sale_discount is not None else 0
    sale_shares = share_out(sale_off, after_line) if sale_off else [0] * len(lines)
    amounts = [a - s for a, s in zip(after_line, sale_shares, strict=True)]

    inclusive = rules.prices_include_tax
    # Exact tax of a line = base * rate / denominator: the base is the amount before tax
    # (tax added on top) or with it (tax taken out: rate / (1 + rate)).
    if rules.tax_rounding == LINE:
        taxes = []
        for line, amount in zip(lines, amounts, strict=True):
            rate = line.tax_rate_ppm
            taxes.append(
                round_half_up(amount * rate, PPM + rate if inclusive else PPM) if rate else 0
            )
    else:
        taxes = [0] * len(lines)
        groups: dict[int, list[int]] = {}
        for index, line in enumerate(lines):
            groups.setdefault(line.tax_rate_ppm, []).append(index)
        for rate, indexes in groups.items():
            if not rate:
                continue
            denominator = PPM + rate if inclusive else PPM
            exact = [amounts[i] * rate for i in indexes]  # over the same denominator
            group_tax = round_half_up(sum(exact), denominator)
            for i, share in zip(indexes, round_to_whole(exact, denominator, group_tax)):
                taxes[i] = share

    priced = tuple(
        PricedLine(
            price=line.price,
            quantity=line.quantity,
            tax_rate_ppm=line.tax_rate_ppm,
            gross=g,
            discount=d,
            sale_discount=s,
            net=amount - tax if inclusive else amount,
            tax=tax,
            tax_included=inclusive,
        )
        for line, g, d, s, amount, tax in zip(
            lines, gross, line_off, sale_shares, amounts, taxes, strict=True
        )
    )
    return Pricing(
        lines=priced,
        gross=sum(gross),
        line_discount=sum(line_off),
        sale_discount=sale_off,
        subtotal=sum(p.net for p in priced),
        tax=sum(taxes),
        taxes=tax_bands(priced),
    )


def check_price(cents: int) -> int:
    """A price typed at the till (an override): zero or more, within the money limits."""
    return check_amount(cents, "price")
