"""Till figures without a database: expected amounts, over/short postings, what people type,
and the X/Z slip's layout."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain.errors import InvalidInput
from pos_app.domain.postings import Accounts, Posting
from pos_app.domain.tender import TenderKind
from pos_app.domain.till import (
    TillReport,
    cash_movement_postings,
    check_counts,
    over_short_postings,
    parse_counts,
    parse_movement_amount,
    parse_reason,
    tender_figures,
    till_report_text,
)

CASH, CARD = TenderKind.CASH, TenderKind.CARD
WHEN = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def report(**kw) -> TillReport:  # noqa: ANN003
    cash = tender_figures(CASH, opening_float=10_000, sales=5_000, refunds=700, cash_in=2_000,
                          cash_out=1_500, counted=kw.pop("cash_counted", None))
    card = tender_figures(CARD, sales=3_000, refunds=300, counted=kw.pop("card_counted", None))
    base = dict(session_id=7, till_name="Till 1", opened_by="Olive", opened_at=WHEN,
                opening_float=10_000, sales_count=4, net=7_000, tax=1_000, tenders=(cash, card))
    base.update(kw)
    return TillReport(**base)


def test_expected_cash_is_float_plus_sales_less_refunds_plus_in_less_out():
    r = report()
    assert r.tender(CASH).expected == 10_000 + 5_000 - 700 + 2_000 - 1_500
    assert r.tender(CARD).expected == 3_000 - 300
    assert r.expected_total == 14_800 + 2_700
    assert r.over_short is None and r.title == "X report"


def test_the_float_and_cash_movements_never_belong_to_card():
    card = tender_figures(CARD, opening_float=5, sales=10, cash_in=3, cash_out=2)
    assert (card.opening_float, card.cash_in, card.cash_out, card.expected) == (0, 0, 0, 10)


def test_a_closed_report_adds_up_its_differences():
    r = report(status="closed", z_no=3, closed_by="Max", closed_at=WHEN,
               cash_counted=14_700, card_counted=2_750)
    assert r.tender(CASH).over_short == -100 and r.tender(CARD).over_short == 50
    assert r.over_short == -50 and r.title == "Z report 3"


@pytest.mark.parametrize(
    ("cash", "card", "expected"),
    [
        (0, 0, []),
        (150, 0, [Posting(Accounts.CASH, debit=150),
                  Posting(Accounts.CASH_OVER_SHORT, credit=150)]),
        (-75, 0, [Posting(Accounts.CASH_OVER_SHORT, debit=75), Posting(Accounts.CASH, credit=75)]),
        (0, -20, [Posting(Accounts.CASH_OVER_SHORT, debit=20),
                  Posting(Accounts.CARD_CLEARING, credit=20)]),
        (5, 9, [Posting(Accounts.CASH, debit=5), Posting(Accounts.CASH_OVER_SHORT, credit=5),
                Posting(Accounts.CARD_CLEARING, debit=9),
                Posting(Accounts.CASH_OVER_SHORT, credit=9)]),
    ],
)
def test_over_short_postings(cash, card, expected):
    assert over_short_postings({CASH: cash, CARD: card}) == expected


def test_cash_movement_postings():
    assert cash_movement_postings("in", 500) == [
        Posting(Accounts.CASH, debit=500), Posting(Accounts.SAFE_AND_BANK, credit=500)
    ]
    assert cash_movement_postings("out", 500) == [
        Posting(Accounts.SAFE_AND_BANK, debit=500), Posting(Accounts.CASH, credit=500)
    ]
    for kind, amount in (("sideways", 5), ("in", 0), ("out", -1)):
        with pytest.raises(InvalidInput):
            cash_movement_postings(kind, amount)


def test_what_people_type():
    assert parse_reason("  drop \t to the  safe ") == "drop to the safe"
    assert parse_movement_amount("12,50") == 1_250 and parse_movement_amount(7) == 7
    assert parse_counts({"cash": "100", CARD: "0"}) == {CASH: 10_000, CARD: 0}
    assert check_counts({"cash": 1, "card": 2}) == {CASH: 1, CARD: 2}
    for bad, field in (({CASH: "1"}, "counted card"), ({CASH: "x", CARD: "1"}, "counted cash"),
                       ({CASH: "1", CARD: 1.5}, "counted card")):
        with pytest.raises(InvalidInput) as refused:
            parse_counts(bad)
        assert refused.value.field == field
    for bad in ({"cash": 1}, {"coins": 1, "cash": 1, "card": 1}, {CASH: "1", CARD: 2}):
        with pytest.raises(InvalidInput):
            check_counts(bad)


amounts = st.integers(min_value=0, max_value=10**11)


@given(
    width=st.integers(min_value=0, max_value=80),
    name=st.text(min_size=1, max_size=60),
    sales=amounts, refunds=amounts, float_=amounts, counted=st.none() | amounts,
)
def test_the_slip_never_runs_past_the_paper(width, name, sales, refunds, float_, counted):
    cash = tender_figures(CASH, opening_float=float_, sales=sales, refunds=refunds,
                          counted=counted)
    card = tender_figures(CARD, sales=sales, counted=counted)
    closed = counted is not None
    r = TillReport(7, name, name, WHEN, float_, tenders=(cash, card),
                   status="closed" if closed else "open", z_no=12 if closed else None,
                   closed_by=name if closed else None, closed_at=WHEN if closed else None)
    lines = till_report_text(r, width, store_name=name)
    assert all(len(line) <= max(width, 24) for line in lines)
    text = "\n".join(lines)
    assert ("Z REPORT 12" in text) == closed and ("X REPORT" in text) != closed
