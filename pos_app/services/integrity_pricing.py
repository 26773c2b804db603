"""``pos-app check``, pricing part: stored sales still obey the pricing engine's rules.

Each sale stores the rules it was priced by (tax included or not, tax rounded per line or
per total) and every line's discount, share of the sale discount, net and tax. Pricing the
stored lines again under the stored rules must give the very same figures, to the cent:
the sale discount is shared out by the same largest-remainder rule whatever way it was
typed, so the stored amount is all that is needed.

Re-pricing happens in Python (the engine is the one rule), so it is bounded: the most
recent ``RECENT_SALES`` completed sales, read in batches. The cheap rules (sale discount =
sum of its shares, cash rounding posted to its account) are checked over every sale in SQL.
"""

from __future__ import annotations

from itertools import groupby

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ..domain.money import format_amount
from ..domain.postings import Accounts
from ..domain.pricing import LINE, TOTAL, Discount, PriceLine, PricingRules, price
from ..persistence.models import Account, JournalEntry, JournalTransaction, Order, OrderLine

RECENT_SALES = 10_000
BATCH = 1_000
MAX_PROBLEMS = 50


def check_pricing(session: Session, *, recent: int = RECENT_SALES) -> list[str]:
    problems = _headers(session) + _cash_rounding(session) + _repriced(session, recent)
    if len(problems) > MAX_PROBLEMS:
        extra = len(problems) - MAX_PROBLEMS
        problems = problems[:MAX_PROBLEMS] + [f"… and {extra} more pricing problem(s)."]
    return problems


def _headers(session: Session) -> list[str]:
    """A sale's discount is the sum of its lines' shares; its lines were priced the same way."""
    lines = (
        select(
            OrderLine.order_id,
            func.sum(OrderLine.sale_discount).label("shared"),
            func.sum(case((OrderLine.tax_included, 1), else_=0)).label("included"),
            func.count(OrderLine.id).label("n"),
        )
        .group_by(OrderLine.order_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Order.id,
            Order.receipt_no,
            Order.discount,
            Order.prices_include_tax,
            lines.c.shared,
            lines.c.included,
            lines.c.n,
        )
        .join(lines, lines.c.order_id == Order.id)
        .where(
            Order.kind == "sale",
            Order.status == "completed",
            (lines.c.shared != Order.discount)
            | (lines.c.included != case((Order.prices_include_tax, lines.c.n), else_=0)),
        )
        .order_by(Order.id)
    )
    problems = []
    for oid, receipt_no, discount, inclusive, shared, included, n in rows:
        shared, included = int(shared), int(included)  # PostgreSQL sums are numeric
        label = f"Sale {oid} (receipt {receipt_no})"
        if shared != discount:
            problems.append(
                f"{label}: sale discount {format_amount(discount)} but its lines' shares add "
                f"up to {format_amount(shared)}."
            )
        else:
            problems.append(
                f"{label}: priced {'with' if inclusive else 'without'} tax in prices, but "
                f"{included} of its {n} lines say otherwise."
            )
    return problems


def _cash_rounding(session: Session) -> list[str]:
    """What cash rounding took or gave is on Rounding of cash totals (4900), Cr when it added."""
    account = session.scalar(select(Account.id).where(Account.code == Accounts.CASH_ROUNDING))
    if account is None:
        return []
    posted = (
        select(
            JournalTransaction.order_id.label("order_id"),
            func.sum(JournalEntry.credit - JournalEntry.debit).label("rounding"),
        )
        .join(JournalEntry, JournalEntry.transaction_id == JournalTransaction.id)
        .where(
            JournalEntry.account_id == account,
            JournalTransaction.order_id.is_not(None),
            JournalTransaction.kind == "sale",
        )
        .group_by(JournalTransaction.order_id)
        .subquery()
    )
    rows = session.execute(
        select(Order.id, Order.receipt_no, Order.cash_rounding, posted.c.rounding)
        .outerjoin(posted, posted.c.order_id == Order.id)
        .where(
            Order.kind == "sale",
            Order.status == "completed",
            Order.cash_rounding != func.coalesce(posted.c.rounding, 0),
        )
        .order_by(Order.id)
    )
    return [
        f"Sale {oid} (receipt {receipt_no}): cash rounding {format_amount(stored)} but "
        f"{format_amount(int(found or 0))} posted to account {Accounts.CASH_ROUNDING}."
        for oid, receipt_no, stored, found in rows
    ]


def _repriced(session: Session, recent: int) -> list[str]:
    """The most recent ``recent`` sales priced again from their stored lines."""
    newest_first = (
        select(
            Order.id,
            Order.receipt_no,
            Order.prices_include_tax,
            Order.tax_rounding,
            Order.discount,
        )
        .where(Order.kind == "sale", Order.status == "completed")
        .order_by(Order.id.desc())
        .limit(recent)
    )
    problems: list[str] = []
    headers = list(session.execute(newest_first))
    for start in range(0, len(headers), BATCH):
        batch = {row[0]: row for row in headers[start : start + BATCH]}
        lines = session.execute(
            select(
                OrderLine.order_id,
                OrderLine.line_no,
                OrderLine.unit_price,
                OrderLine.quantity,
                OrderLine.tax_rate_ppm,
                OrderLine.discount,
                OrderLine.sale_discount,
                OrderLine.net,
                OrderLine.tax,
            )
            .where(OrderLine.order_id.in_(list(batch)))
            .order_by(OrderLine.order_id, OrderLine.line_no)
        )
        for oid, rows in groupby(lines, key=lambda r: r[0]):
            _, receipt_no, inclusive, rounding, discount = batch[oid]
            problems.extend(
                _reprice_one(oid, receipt_no, bool(inclusive), rounding, discount, list(rows))
            )
        if len(problems) > MAX_PROBLEMS:
            break
    return problems


def _reprice_one(
    oid: int, receipt_no: int, inclusive: bool, rounding: str, discount: int, rows: list
) -> list[str]:
    label = f"Sale {oid} (receipt {receipt_no})"
    if rounding not in (LINE, TOTAL):
        return [f"{label}: unknown tax rounding {rounding!r}."]
    pricing = price(
        [
            PriceLine(
                unit_price,
                quantity,
                rate,
                Discount.amount(line_discount) if line_discount else None,
            )
            for _, _, unit_price, quantity, rate, line_discount, _, _, _ in rows
        ],
        Discount.amount(discount) if discount else None,
        PricingRules(inclusive, rounding),
    )
    problems = []
    for row, again in zip(rows, pricing.lines, strict=True):
        line_no, stored = row[1], row[5:9]
        expected = (again.discount, again.sale_discount, again.net, again.tax)
        if tuple(stored) != expected:
            names = ("discount", "sale discount share", "net", "tax")
            diffs = ", ".join(
                f"{name} {format_amount(s)} (expected {format_amount(e)})"
                for name, s, e in zip(names, stored, expected, strict=True)
                if s != e
            )
            problems.append(
                f"{label}, line {line_no}: {diffs} under its rules "
                f"(tax {'in' if inclusive else 'on'} prices, rounded per {rounding})."
            )
    return problems
