"""Double-entry postings: the accounts every store has and the rule that debits equal credits."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import InvalidInput, UnbalancedJournal
from .money import check_amount, format_amount
from .tender import Payment, TenderKind


class AccountType(str, enum.Enum):
    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    REVENUE = "revenue"
    EXPENSE = "expense"


class Accounts:
    """Codes of the standard chart, seeded by the first migration."""

    CASH = "1000"
    CARD_CLEARING = "1010"
    SAFE_AND_BANK = "1020"
    ACCOUNTS_RECEIVABLE = "1100"
    INVENTORY = "1200"
    ACCOUNTS_PAYABLE = "2000"
    SALES_TAX_PAYABLE = "2200"
    OWNER_EQUITY = "3000"
    SALES_REVENUE = "4000"
    CASH_ROUNDING = "4900"
    COST_OF_GOODS_SOLD = "5000"
    INVENTORY_SHRINKAGE = "5100"
    CASH_OVER_SHORT = "5200"


STANDARD_CHART: tuple[tuple[str, str, AccountType], ...] = (
    (Accounts.CASH, "Cash in till", AccountType.ASSET),
    (Accounts.CARD_CLEARING, "Card payments clearing", AccountType.ASSET),
    (Accounts.SAFE_AND_BANK, "Safe and bank", AccountType.ASSET),
    (Accounts.ACCOUNTS_RECEIVABLE, "Accounts receivable", AccountType.ASSET),
    (Accounts.INVENTORY, "Inventory at cost", AccountType.ASSET),
    (Accounts.ACCOUNTS_PAYABLE, "Accounts payable", AccountType.LIABILITY),
    (Accounts.SALES_TAX_PAYABLE, "Sales tax payable", AccountType.LIABILITY),
    (Accounts.OWNER_EQUITY, "Owner's equity", AccountType.EQUITY),
    (Accounts.SALES_REVENUE, "Sales revenue", AccountType.REVENUE),
    (Accounts.CASH_ROUNDING, "Rounding of cash totals", AccountType.REVENUE),
    (Accounts.COST_OF_GOODS_SOLD, "Cost of goods sold", AccountType.EXPENSE),
    (Accounts.INVENTORY_SHRINKAGE, "Inventory shrinkage", AccountType.EXPENSE),
    (Accounts.CASH_OVER_SHORT, "Till over and short", AccountType.EXPENSE),
)

TENDER_ACCOUNT = {TenderKind.CASH: Accounts.CASH, TenderKind.CARD: Accounts.CARD_CLEARING}


@dataclass(frozen=True)
class Posting:
    """One side of a journal transaction: exactly one of debit or credit is positive."""

    account_code: str
    debit: int = 0
    credit: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.account_code, str) or not self.account_code.strip():
            raise InvalidInput("Each entry needs an account code such as 1000.", "account")
        check_amount(self.debit, "debit")
        check_amount(self.credit, "credit")
        if (self.debit > 0) == (self.credit > 0):
            raise InvalidInput("Each entry is either a debit or a credit, and not zero.", "entry")


def balanced(postings: Iterable[Posting]) -> list[Posting]:
    """Refuse an empty or unbalanced set, so nothing unbalanced ever reaches the database."""
    postings = list(postings)
    if len(postings) < 2:
        raise UnbalancedJournal("A journal transaction needs at least two entries.", "entries")
    debits = sum(p.debit for p in postings)
    credits = sum(p.credit for p in postings)
    if debits != credits:
        raise UnbalancedJournal(
            f"Debits {format_amount(debits)} and credits {format_amount(credits)} differ by "
            f"{format_amount(abs(debits - credits))}.",
            "entries",
        )
    return postings


def _nonzero(postings: Iterable[Posting | None]) -> list[Posting]:
    return [p for p in postings if p is not None]


def postable(postings: Iterable[Posting | None]) -> list[Posting]:
    """A business event's non-zero postings, balanced; empty when every amount is zero (a free
    sample at zero cost): there is nothing to record, and an all-zero journal transaction
    is not accounting. Callers skip the journal then; ``balanced`` still refuses an empty
    set for anything typed by hand."""
    found = _nonzero(postings)
    return balanced(found) if found else []


def debit(code: str, amount: int) -> Posting | None:
    return Posting(code, debit=amount) if amount else None


def credit(code: str, amount: int) -> Posting | None:
    return Posting(code, credit=amount) if amount else None


def sale_postings(
    *, net: int, tax: int, cost: int, payments: Iterable[Payment], cash_rounding: int = 0
) -> list[Posting]:
    """Dr tenders / Cr revenue / Cr tax payable, and Dr COGS / Cr inventory at cost.

    Cash rounding (the tenders took ``total + cash_rounding``) goes to Cash rounding: a
    credit when the customer paid a little more, a debit when a little less. Empty when
    every amount is zero (see ``postable``)."""
    by_account: dict[str, int] = {}
    for payment in payments:
        code = TENDER_ACCOUNT[payment.kind]
        by_account[code] = by_account.get(code, 0) + payment.applied
    return postable(
        [*(debit(code, amount) for code, amount in sorted(by_account.items()))]
        + [
            debit(Accounts.CASH_ROUNDING, -cash_rounding) if cash_rounding < 0 else None,
            credit(Accounts.SALES_REVENUE, net),
            credit(Accounts.SALES_TAX_PAYABLE, tax),
            credit(Accounts.CASH_ROUNDING, cash_rounding) if cash_rounding > 0 else None,
            debit(Accounts.COST_OF_GOODS_SOLD, cost),
            credit(Accounts.INVENTORY, cost),
        ]
    )


def invoice_postings(*, net: int, tax: int, cost: int) -> list[Posting]:
    """A shipped customer order: billed to receivables instead of paid at the till. Empty
    when every amount is zero (see ``postable``)."""
    return postable(
        [
            debit(Accounts.ACCOUNTS_RECEIVABLE, net + tax),
            credit(Accounts.SALES_REVENUE, net),
            credit(Accounts.SALES_TAX_PAYABLE, tax),
            debit(Accounts.COST_OF_GOODS_SOLD, cost),
            credit(Accounts.INVENTORY, cost),
        ]
    )


def receiving_postings(*, cost: int, paid_in_cash: bool) -> list[Posting]:
    """Goods received: Dr inventory / Cr cash, or Cr accounts payable when on credit."""
    source = Accounts.CASH if paid_in_cash else Accounts.ACCOUNTS_PAYABLE
    return balanced(_nonzero([debit(Accounts.INVENTORY, cost), credit(source, cost)]))
