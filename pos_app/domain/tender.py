"""How a sale is paid: cards take what they say, cash covers the rest and gives change."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .errors import InvalidInput, TenderShort
from .money import check_amount, format_amount


class TenderKind(str, enum.Enum):
    CASH = "cash"
    CARD = "card"


@dataclass(frozen=True)
class Tender:
    """What the customer hands over: cash given, or a card payment of an amount."""

    kind: TenderKind
    amount: int  # cash: the amount given; card: the amount charged

    @classmethod
    def cash(cls, given: int) -> Tender:
        return cls(TenderKind.CASH, check_amount(given, "cash given"))

    @classmethod
    def card(cls, amount: int) -> Tender:
        return cls(TenderKind.CARD, check_amount(amount, "card amount", allow_zero=False))


@dataclass(frozen=True)
class Payment:
    """A tender as booked: ``applied`` goes to the sale, ``change`` goes back to the customer."""

    kind: TenderKind
    applied: int
    given: int
    change: int


def cash_due(amount: int, step: int) -> int:
    """What is due in cash when cash is rounded to ``step`` cents (0 = no rounding): the
    nearest multiple of the step, halves up (2.47 -> 2.45, 2.48 -> 2.50 with a step of 5)."""
    if step <= 1 or amount <= 0:
        return amount
    return (2 * amount + step) // (2 * step) * step


def settle(total: int, tenders: list[Tender], *, cash_step: int = 0) -> list[Payment]:
    """Apply tenders to ``total``; refuse if they fall short or a card overpays.

    Cards first (a card cannot be over-charged), then cash covers what is left, and any
    excess cash is change. With a ``cash_step`` what cash covers is rounded to the step
    first (cards are never rounded), so the applied amounts add up to ``total`` plus the
    cash rounding; without one they add up to ``total`` exactly. Nothing is due on a zero
    total (a free sample): it needs no tender, and a zero cash tender leaves no payment.
    """
    if not tenders:
        if total == 0:
            return []
        raise TenderShort("Choose how the customer pays.", "tender")
    remaining = total
    payments: list[Payment] = []
    rounded = False
    for tender in sorted(tenders, key=lambda t: t.kind != TenderKind.CARD):
        if tender.kind == TenderKind.CARD:
            if tender.amount > remaining:
                raise InvalidInput(
                    f"The card amount {format_amount(tender.amount)} is more than the "
                    f"{format_amount(remaining)} due.",
                    "card amount",
                )
            payments.append(Payment(TenderKind.CARD, tender.amount, tender.amount, 0))
            remaining -= tender.amount
        else:
            if not rounded:  # the cash part of the sale is rounded once
                remaining, rounded = cash_due(remaining, cash_step), True
            applied = min(tender.amount, remaining)
            payments.append(
                Payment(TenderKind.CASH, applied, tender.amount, tender.amount - applied)
            )
            remaining -= applied
    if remaining > 0:
        raise TenderShort(
            f"{format_amount(remaining)} is still due: the tenders do not cover the total.",
            "tender",
        )
    return [p for p in payments if p.applied or p.given]


def cash_rounding_of(total: int, payments: list[Payment]) -> int:
    """What cash rounding added to (or took off) ``total``: paid minus due."""
    return sum(p.applied for p in payments) - total
