"""Refunds against a receipt: what each line can still give back, and how the money goes back.

A sale's stored line figures (net and tax after every discount) are final; a refund gives
back a share of them in proportion to the units returned. Shares are cumulative: after ``r``
of ``Q`` units have come back, exactly ``round_half_up(net * r / Q)`` of the net has been
given back, so the refund that brings the last unit back pays exactly what is left and a
line refunded in any number of steps returns, to the cent, what the customer paid for it.
No float anywhere; the same rule for the tax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from .errors import InvalidInput
from .money import MAX_QUANTITY, format_amount
from .postings import TENDER_ACCOUNT, Accounts, Posting, balanced, credit, debit
from .tender import TenderKind

MAX_REASON = 200
MAX_RECEIPT_NO = 2**31 - 1
_RECEIPT_RE = re.compile(r"(?:receipt|rcpt|no\.?|r|#)?\s*#?\s*0*(\d{1,10})", re.IGNORECASE)


def round_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` to a whole number, halves up (both non-negative)."""
    return (2 * numerator + denominator) // (2 * denominator)


def cash_rounded(amount: int, step: int) -> int:
    """``amount`` to the nearest multiple of ``step`` cents, halves up (0 or 1: as it is).
    The sale's rule, so a cash sale refunded in full pays back what the customer paid."""
    if step <= 1 or amount <= 0:
        return amount
    return (2 * amount + step) // (2 * step) * step


def parse_receipt_no(text: object) -> int:
    """A receipt number as typed or scanned: "17", "#17", "Receipt 17", "R00017"."""
    if isinstance(text, bool):
        raise InvalidInput("Type or scan a receipt number such as 17.", "receipt")
    if isinstance(text, int):
        number = text
    else:
        if not isinstance(text, str) or "\x00" in text:
            raise InvalidInput("Type or scan a receipt number such as 17.", "receipt")
        match = _RECEIPT_RE.fullmatch(text.strip())
        if match is None:
            raise InvalidInput("Type or scan a receipt number such as 17.", "receipt")
        number = int(match.group(1))
    if not 1 <= number <= MAX_RECEIPT_NO:
        raise InvalidInput("There is no receipt with that number.", "receipt")
    return number


def parse_refund_quantity(text: object, *, left: int, what: str = "This line") -> int:
    """How many to give back of a line: 0 (none) up to what is still left to refund."""
    if isinstance(text, bool):
        raise InvalidInput("The quantity must be a whole number.", "quantity")
    if isinstance(text, int):
        value = text
    else:
        cleaned = str(text).strip() if isinstance(text, str) else None
        if cleaned == "":
            return 0
        if cleaned is None or not re.fullmatch(r"\+?\d{1,9}", cleaned):
            raise InvalidInput("The quantity must be a whole number such as 1.", "quantity")
        value = int(cleaned)
    if value < 0:
        raise InvalidInput("The quantity cannot be negative.", "quantity")
    if value > min(left, MAX_QUANTITY):
        if left <= 0:
            raise InvalidInput(f"{what}: everything sold has already been refunded.", "quantity")
        raise InvalidInput(
            f"{what}: only {left} can still be refunded, not {value}.", "quantity"
        )
    return value


def parse_reason(text: object) -> str:
    """Why the goods came back (kept on the refund and in the audit log)."""
    if not isinstance(text, str):
        raise InvalidInput("Say why the customer is getting money back.", "reason")
    reason = " ".join(text.split())
    if not reason:
        raise InvalidInput("Say why the customer is getting money back.", "reason")
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"The reason is at most {MAX_REASON} characters.", "reason")
    if any(not ch.isprintable() for ch in reason):
        raise InvalidInput("The reason cannot contain control characters.", "reason")
    return reason


def parse_tender(value: object) -> TenderKind:
    if isinstance(value, TenderKind):
        return value
    try:
        return TenderKind(str(value).strip().lower())
    except ValueError:
        raise InvalidInput("Pay the refund back in cash or to the card.", "tender") from None


@dataclass(frozen=True)
class RefundableLine:
    """One line of the original sale: what was sold and what has come back so far."""

    order_line_id: int
    line_no: int
    product_id: int
    sku: str
    name: str
    quantity: int  # sold
    refunded: int  # already refunded (committed refunds)
    unit_price: int
    tax_rate_ppm: int
    net: int  # the line's stored net, after every discount
    tax: int
    unit_cost: int
    refunded_net: int = 0
    refunded_tax: int = 0

    @property
    def remaining(self) -> int:
        return self.quantity - self.refunded

    @property
    def label(self) -> str:
        return f"Line {self.line_no} ({self.name})"

    def amounts(self, units: int) -> tuple[int, int]:
        """(net, tax) given back for ``units`` more: the cumulative share after them less
        what earlier refunds gave; the last unit takes exactly what is left."""
        if units <= 0:
            return 0, 0
        after = min(self.refunded + units, self.quantity)
        if after >= self.quantity:
            return max(0, self.net - self.refunded_net), max(0, self.tax - self.refunded_tax)
        net = round_half_up(self.net * after, self.quantity) - self.refunded_net
        tax = round_half_up(self.tax * after, self.quantity) - self.refunded_tax
        return (
            min(max(0, net), self.net - self.refunded_net),
            min(max(0, tax), self.tax - self.refunded_tax),
        )


@dataclass(frozen=True)
class RefundFigures:
    subtotal: int
    tax: int
    cost: int
    items: int

    @property
    def total(self) -> int:
        return self.subtotal + self.tax


def figures(lines: list[RefundableLine], quantities: dict[int, int]) -> RefundFigures:
    """What giving back ``quantities`` (by order line id) comes to."""
    subtotal = tax = cost = items = 0
    for line in lines:
        units = quantities.get(line.order_line_id, 0)
        if units:
            net, line_tax = line.amounts(units)
            subtotal, tax = subtotal + net, tax + line_tax
            cost += line.unit_cost * units
            items += units
    return RefundFigures(subtotal, tax, cost, items)


def refund_postings(
    *, net: int, tax: int, cost: int, tender: TenderKind, paid: int
) -> list[Posting]:
    """The sale reversed: Dr revenue and tax payable, Cr the tender with what is paid back
    (cash rounding to Cash rounding: a debit when more is paid back than the refund, a
    credit when less), and the goods back on the shelf: Dr inventory / Cr COGS at the cost
    they were sold at. Empty when there is nothing to post (a free item at zero cost)."""
    rounding = paid - (net + tax)
    postings = [
        p
        for p in (
            debit(Accounts.SALES_REVENUE, net),
            debit(Accounts.SALES_TAX_PAYABLE, tax),
            debit(Accounts.CASH_ROUNDING, rounding) if rounding > 0 else None,
            credit(TENDER_ACCOUNT[tender], paid),
            credit(Accounts.CASH_ROUNDING, -rounding) if rounding < 0 else None,
            debit(Accounts.INVENTORY, cost),
            credit(Accounts.COST_OF_GOODS_SOLD, cost),
        )
        if p is not None
    ]
    return balanced(postings) if postings else []


@dataclass(frozen=True)
class RefundReceiptLine:
    name: str
    sku: str
    quantity: int
    unit_price: int
    net: int
    tax: int
    tax_rate_ppm: int

    @property
    def total(self) -> int:
        return self.net + self.tax


@dataclass(frozen=True)
class RefundReceipt:
    """What the customer signs or takes away: built from stored values only."""

    refund_id: int
    refund_no: int
    kind: str  # 'refund' | 'void'
    receipt_no: int  # the original sale's
    order_id: int
    completed_at: datetime
    lines: tuple[RefundReceiptLine, ...]
    subtotal: int
    tax: int
    total: int
    cash_rounding: int
    tender: TenderKind
    reason: str
    cashier: str = ""
    approved_by: str = ""
    till_name: str = ""

    @property
    def paid(self) -> int:
        """What went back to the customer: the total, cash-rounded when paid in cash."""
        return self.total + self.cash_rounding

    @property
    def title(self) -> str:
        return f"{'Void' if self.kind == 'void' else 'Refund'} {self.refund_no}"

    def describe(self) -> str:
        how = "cash" if self.tender == TenderKind.CASH else "card"
        return f"{self.title} paid: {format_amount(self.paid)} ({how})"


@dataclass(frozen=True)
class RefundableSale:
    """A completed sale as the refund screen shows it, with what has come back so far."""

    order_id: int
    receipt_no: int
    completed_at: datetime
    subtotal: int
    tax: int
    total: int
    cash_rounding: int
    paid_by: dict[str, int]  # tender kind -> applied
    cashier: str
    till_name: str
    customer_code: str | None
    lines: tuple[RefundableLine, ...]

    @property
    def tender(self) -> TenderKind:
        """How the customer paid most of it: the refund goes back the same way by default."""
        if not self.paid_by:
            return TenderKind.CASH
        kind = max(sorted(self.paid_by), key=lambda k: (self.paid_by[k], k == "cash"))
        return TenderKind(kind)

    @property
    def fully_refunded(self) -> bool:
        return all(line.remaining <= 0 for line in self.lines)

    def line(self, order_line_id: int) -> RefundableLine:
        for line in self.lines:
            if line.order_line_id == order_line_id:
                return line
        raise InvalidInput("That line is not on this receipt.", "line")
