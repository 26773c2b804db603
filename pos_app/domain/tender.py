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


def settle(total: int, tenders: list[Tender]) -> list[Payment]:
    """Apply tenders to ``total``; refuse if they fall short or a card overpays.

    Cards first (a card cannot be over-charged), then cash covers what is left, and any
    excess cash is change. The applied amounts always add up to ``total`` exactly.
    """
    if not tenders:
        raise TenderShort("Choose how the customer pays.", "tender")
    remaining = total
    payments: list[Payment] = []
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
