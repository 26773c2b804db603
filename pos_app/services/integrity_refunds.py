"""``pos-app check`` for refunds and voids (called from integrity.run_check).

Each check is one aggregate query: every line's refunded quantity is what its refund lines
add up to and never more than was sold (nor more money than was paid for it); each refund's
totals are its lines'; each completed refund has one balanced 'refund' journal transaction
that reverses its own sale's, with matching amounts; refund numbers are gapless.
"""

from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from ..domain.money import format_amount
from ..domain.postings import TENDER_ACCOUNT, Accounts
from ..domain.tender import TenderKind
from ..persistence.models import (
    Account,
    Counter,
    JournalEntry,
    JournalTransaction,
    OrderLine,
    Refund,
    RefundLine,
)


def refund_problems(session: Session) -> list[str]:
    problems: list[str] = []
    for check in (_refunded_quantities, _refund_totals, _refund_journals, _refund_numbers):
        problems.extend(check(session))
    return problems


def _refunded_quantities(session: Session) -> list[str]:
    """order_lines.refunded_quantity = sum of its refund lines, within what was sold/paid."""
    given = (
        select(
            RefundLine.order_line_id,
            func.sum(RefundLine.quantity).label("units"),
            func.sum(RefundLine.net).label("net"),
            func.sum(RefundLine.tax).label("tax"),
        )
        .group_by(RefundLine.order_line_id)
        .subquery()
    )
    units = func.coalesce(given.c.units, 0)
    net = func.coalesce(given.c.net, 0)
    tax = func.coalesce(given.c.tax, 0)
    rows = session.execute(
        select(
            OrderLine.order_id,
            OrderLine.line_no,
            OrderLine.quantity,
            OrderLine.refunded_quantity,
            units,
            OrderLine.net,
            net,
            OrderLine.tax,
            tax,
        )
        .outerjoin(given, given.c.order_line_id == OrderLine.id)
        .where(
            (OrderLine.refunded_quantity != units)
            | (units > OrderLine.quantity)
            | (net > OrderLine.net)
            | (tax > OrderLine.tax)
            | ((units == OrderLine.quantity) & ((net != OrderLine.net) | (tax != OrderLine.tax)))
        )
        .order_by(OrderLine.order_id, OrderLine.line_no)
    )
    problems = []
    for row in rows:  # SUMs are NUMERIC on PostgreSQL: back to int
        order_id, line_no, sold, refunded, counted, line_net, r_net, line_tax, r_tax = map(int, row)
        label = f"Order {order_id} line {line_no}"
        if refunded != counted:
            problems.append(
                f"{label}: {refunded} marked refunded but its refund lines add up to {counted}."
            )
        if counted > sold:
            problems.append(f"{label}: {counted} refunded of {sold} sold.")
        if r_net > line_net or r_tax > line_tax or (
            counted == sold and (r_net, r_tax) != (line_net, line_tax)
        ):
            problems.append(
                f"{label}: refunds gave back {format_amount(r_net)} + tax {format_amount(r_tax)}"
                f" of {format_amount(line_net)} + tax {format_amount(line_tax)} paid."
            )
    return problems


def _refund_totals(session: Session) -> list[str]:
    lines = (
        select(
            RefundLine.refund_id,
            func.sum(RefundLine.net).label("net"),
            func.sum(RefundLine.tax).label("tax"),
        )
        .group_by(RefundLine.refund_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Refund.id,
            Refund.refund_no,
            Refund.status,
            Refund.subtotal,
            Refund.tax,
            func.coalesce(lines.c.net, 0),
            func.coalesce(lines.c.tax, 0),
            lines.c.refund_id,
        )
        .outerjoin(lines, lines.c.refund_id == Refund.id)
        .order_by(Refund.id)
    )
    problems = []
    for refund_id, number, status, subtotal, tax, net, line_tax, has_lines in rows:
        net, line_tax = int(net), int(line_tax)
        label = f"Refund {number}" if number is not None else f"Refund draft {refund_id}"
        if status != "completed":
            problems.append(f"{label}: an unfinished refund was committed.")
            continue
        if has_lines is None:
            problems.append(f"{label} has no lines.")
        if (subtotal, tax) != (net, line_tax):
            problems.append(
                f"{label}: stored subtotal/tax {format_amount(subtotal)}/{format_amount(tax)}"
                f" differ from its lines {format_amount(net)}/{format_amount(line_tax)}."
            )
    return problems


def _refund_journals(session: Session) -> list[str]:
    """One 'refund' transaction per completed refund, reversing its sale's, amounts matching."""
    account = dict(session.execute(select(Account.code, Account.id)).all())

    def side(code: str, column) -> object:  # noqa: ANN001
        return func.coalesce(
            func.sum(case((JournalEntry.account_id == account.get(code), column), else_=0)), 0
        )

    posted = (
        select(
            JournalTransaction.refund_id.label("refund_id"),
            func.count(func.distinct(JournalTransaction.id)).label("n"),
            func.min(JournalTransaction.kind).label("kind"),
            func.min(JournalTransaction.reverses_id).label("reverses_id"),
            side(Accounts.SALES_REVENUE, JournalEntry.debit).label("revenue"),
            side(Accounts.SALES_TAX_PAYABLE, JournalEntry.debit).label("tax"),
            side(TENDER_ACCOUNT[TenderKind.CASH], JournalEntry.credit).label("cash"),
            side(TENDER_ACCOUNT[TenderKind.CARD], JournalEntry.credit).label("card"),
            side(Accounts.INVENTORY, JournalEntry.debit).label("inventory"),
            func.coalesce(func.sum(JournalEntry.debit), 0).label("debits"),
            func.coalesce(func.sum(JournalEntry.credit), 0).label("credits"),
        )
        .join(JournalEntry, JournalEntry.transaction_id == JournalTransaction.id)
        .where(JournalTransaction.refund_id.is_not(None))
        .group_by(JournalTransaction.refund_id)
        .subquery()
    )
    cost = (
        select(
            RefundLine.refund_id,
            func.sum(RefundLine.unit_cost * RefundLine.quantity).label("cost"),
        )
        .group_by(RefundLine.refund_id)
        .subquery()
    )
    sale_txn = aliased(JournalTransaction)
    sale_journal = (
        select(sale_txn.order_id, func.min(sale_txn.id).label("txn_id"))
        .where(sale_txn.kind == "sale", sale_txn.order_id.is_not(None))
        .group_by(sale_txn.order_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Refund.refund_no,
            Refund.tender,
            Refund.subtotal,
            Refund.tax,
            Refund.total + Refund.cash_rounding,
            func.coalesce(cost.c.cost, 0),
            sale_journal.c.txn_id,
            posted.c.n,
            posted.c.kind,
            posted.c.reverses_id,
            posted.c.revenue,
            posted.c.tax,
            posted.c.cash,
            posted.c.card,
            posted.c.inventory,
            posted.c.debits,
            posted.c.credits,
        )
        .outerjoin(posted, posted.c.refund_id == Refund.id)
        .outerjoin(cost, cost.c.refund_id == Refund.id)
        .outerjoin(sale_journal, sale_journal.c.order_id == Refund.order_id)
        .where(Refund.status == "completed")
        .order_by(Refund.refund_no)
    )
    problems = []
    for (
        number, tender, subtotal, tax, paid, goods, sale_txn_id,
        n, kind, reverses, revenue, p_tax, cash, card, inventory, debits, credits,
    ) in rows:
        label = f"Refund {number}"
        paid, goods = int(paid), int(goods)
        if n is None:
            if subtotal or tax or paid or goods:
                problems.append(f"{label} has no journal transaction.")
            continue
        if n != 1:
            problems.append(f"{label} has {n} journal transactions (one expected).")
        if kind != "refund":
            problems.append(f"{label}: its journal transaction is not a refund.")
        if debits != credits:
            problems.append(f"{label}: its journal transaction does not balance.")
        if reverses != sale_txn_id:
            problems.append(f"{label}: its journal does not reverse its sale's transaction.")
        revenue, p_tax, inventory = int(revenue), int(p_tax), int(inventory)
        paid_back = int(cash if tender == TenderKind.CASH.value else card)
        expected = (subtotal, tax, paid, goods)
        actual = (revenue, p_tax, paid_back, inventory)
        if expected != actual:
            names = ("revenue", "tax", "paid back", "goods back at cost")
            diffs = ", ".join(
                f"{name} {format_amount(a)} vs {format_amount(e)}"
                for name, e, a in zip(names, expected, actual, strict=True)
                if e != a
            )
            problems.append(f"{label}: journal does not match the refund ({diffs}).")
    return problems


def _refund_numbers(session: Session) -> list[str]:
    lowest, highest, count = session.execute(
        select(func.min(Refund.refund_no), func.max(Refund.refund_no), func.count(Refund.refund_no))
    ).one()
    counter = session.scalar(select(Counter.value).where(Counter.name == "refund")) or 0
    problems = []
    if count and (lowest != 1 or highest != count):
        problems.append(
            f"Refund numbers are not gapless: {count} refunds numbered {lowest} to {highest}."
        )
    if counter != (highest or 0):
        problems.append(
            f"The refund counter is at {counter} but the last refund is {highest or 0}."
        )
    return problems
