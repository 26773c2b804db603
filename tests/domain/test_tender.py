"""Settling a total with cash and cards (no database)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pos_app.domain.errors import InvalidInput, TenderShort
from pos_app.domain.tender import Payment, Tender, TenderKind, settle

CASH, CARD = TenderKind.CASH, TenderKind.CARD


def test_cash_with_change():
    assert settle(5370, [Tender.cash(10_000)]) == [Payment(CASH, 5370, 10_000, 4630)]


def test_cash_exact():
    assert settle(5370, [Tender.cash(5370)]) == [Payment(CASH, 5370, 5370, 0)]


def test_card_exact():
    assert settle(5370, [Tender.card(5370)]) == [Payment(CARD, 5370, 5370, 0)]


def test_card_over_the_total_is_refused():
    with pytest.raises(InvalidInput) as caught:
        settle(5370, [Tender.card(5371)])
    assert caught.value.field == "card amount"
    assert not isinstance(caught.value, TenderShort)


def test_two_cards_that_together_overpay_are_refused():
    with pytest.raises(InvalidInput):
        settle(1000, [Tender.card(600), Tender.card(600)])


def test_mixed_card_first_then_cash_gives_change():
    payments = settle(4320, [Tender.cash(2000), Tender.card(3000)])
    assert payments == [Payment(CARD, 3000, 3000, 0), Payment(CASH, 1320, 2000, 680)]


def test_mixed_card_covers_all_and_cash_is_all_change():
    payments = settle(1000, [Tender.cash(500), Tender.card(1000)])
    assert payments == [Payment(CARD, 1000, 1000, 0), Payment(CASH, 0, 500, 500)]


def test_two_cash_tenders():
    payments = settle(1500, [Tender.cash(1000), Tender.cash(1000)])
    assert payments == [Payment(CASH, 1000, 1000, 0), Payment(CASH, 500, 1000, 500)]


@pytest.mark.parametrize(
    "tenders",
    [
        [Tender.cash(5369)],
        [Tender.card(5000)],
        [Tender.card(2000), Tender.cash(3000)],
        [Tender.cash(0)],
    ],
)
def test_short_is_refused(tenders):
    with pytest.raises(TenderShort) as caught:
        settle(5370, tenders)
    assert caught.value.field == "tender"
    assert "still due" in str(caught.value)


def test_no_tenders_is_refused():
    with pytest.raises(TenderShort):
        settle(5370, [])


def test_a_zero_total_needs_no_tender_and_leaves_no_empty_payment():
    assert settle(0, []) == []
    assert settle(0, [Tender.cash(0)]) == []
    # cash handed over for a free sample all comes back as change
    assert settle(0, [Tender.cash(500)]) == [Payment(CASH, 0, 500, 500)]


@pytest.mark.parametrize(
    "make",
    [
        lambda: Tender.cash(-1),
        lambda: Tender.card(0),
        lambda: Tender.card(-5),
        lambda: Tender.cash(1.5),
        lambda: Tender.card(True),
        lambda: Tender.cash(10**12),
    ],
)
def test_bad_tenders_cannot_be_made(make):
    with pytest.raises(InvalidInput):
        make()


tenders = st.lists(
    st.one_of(
        st.builds(Tender.cash, st.integers(min_value=0, max_value=100_000)),
        st.builds(Tender.card, st.integers(min_value=1, max_value=100_000)),
    ),
    min_size=1,
    max_size=5,
)


@given(st.integers(min_value=0, max_value=200_000), tenders)
def test_settle_applies_exactly_the_total_or_refuses(total, tendered):
    try:
        payments = settle(total, tendered)
    except TenderShort:
        assert sum(t.amount for t in tendered) < total
        return
    except InvalidInput:
        assert sum(t.amount for t in tendered if t.kind == CARD) > total
        return
    assert sum(p.applied for p in payments) == total
    for p in payments:
        assert p.given == p.applied + p.change
        assert min(p.applied, p.given, p.change) >= 0
        if p.kind == CARD:
            assert p.change == 0
    # only cash gives change, and only what was handed over beyond the total
    assert sum(p.change for p in payments) == sum(t.amount for t in tendered) - total
    assert sum(p.given for p in payments) == sum(t.amount for t in tendered)


@given(st.integers(min_value=1, max_value=200_000), tenders)
def test_settle_does_not_depend_on_tender_order(total, tendered):
    assume(sum(t.amount for t in tendered) >= total)

    def outcome(ts):
        try:
            payments = settle(total, ts)
        except InvalidInput as exc:
            return type(exc)
        by_kind = {}
        for p in payments:
            applied, change = by_kind.get(p.kind, (0, 0))
            by_kind[p.kind] = (applied + p.applied, change + p.change)
        return by_kind

    assert outcome(tendered) == outcome(list(reversed(tendered)))
