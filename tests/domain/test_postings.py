"""Double-entry postings: one side per entry, balanced sets, the standard postings (no DB)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain.errors import InvalidInput, UnbalancedJournal
from pos_app.domain.postings import (
    STANDARD_CHART,
    TENDER_ACCOUNT,
    Accounts,
    Posting,
    balanced,
    invoice_postings,
    receiving_postings,
    sale_postings,
)
from pos_app.domain.tender import Payment, Tender, TenderKind, settle


def as_set(postings):
    return {(p.account_code, p.debit, p.credit) for p in postings}


def assert_balanced(postings):
    assert sum(p.debit for p in postings) == sum(p.credit for p in postings)
    for p in postings:
        assert (p.debit > 0) != (p.credit > 0)


def test_a_posting_is_a_debit_or_a_credit():
    assert Posting("1000", debit=5).debit == 5
    assert Posting("1000", credit=5).credit == 5


@pytest.mark.parametrize(
    ("debit", "credit"),
    [(0, 0), (5, 5), (1, 1), (-5, 0), (0, -5), (-5, 10), (1.5, 0), (True, 0), (10**12, 0)],
)
def test_a_posting_with_both_sides_none_or_bad_amounts_is_refused(debit, credit):
    with pytest.raises(InvalidInput):
        Posting("1000", debit=debit, credit=credit)


def test_balanced_accepts_equal_sides():
    postings = [
        Posting("1000", debit=700),
        Posting("4000", credit=500),
        Posting("2200", credit=200),
    ]
    assert balanced(postings) == postings
    assert balanced(iter(postings)) == postings  # any iterable


@pytest.mark.parametrize(
    "postings",
    [
        [],
        [Posting("1000", debit=100)],
        [Posting("1000", debit=100), Posting("4000", credit=99)],
        [Posting("1000", debit=100), Posting("4000", debit=100)],
    ],
)
def test_balanced_refuses_empty_single_or_unequal(postings):
    with pytest.raises(UnbalancedJournal) as caught:
        balanced(postings)
    assert caught.value.field == "entries"


def test_unbalanced_message_names_the_difference():
    with pytest.raises(UnbalancedJournal, match=r"1\.00.*0\.99.*0\.01"):
        balanced([Posting("1000", debit=100), Posting("4000", credit=99)])


def test_standard_chart_has_every_account_the_postings_use():
    codes = {code for code, _, _ in STANDARD_CHART}
    named = {v for k, v in vars(Accounts).items() if not k.startswith("_")}
    assert named == codes
    assert set(TENDER_ACCOUNT.values()) <= codes


def test_sale_postings_cash_and_card():
    payments = [
        Payment(TenderKind.CARD, 3000, 3000, 0),
        Payment(TenderKind.CASH, 2370, 5000, 2630),  # change never reaches the books
    ]
    postings = sale_postings(net=4600, tax=770, cost=2500, payments=payments)
    assert_balanced(postings)
    assert as_set(postings) == {
        (Accounts.CASH, 2370, 0),
        (Accounts.CARD_CLEARING, 3000, 0),
        (Accounts.SALES_REVENUE, 0, 4600),
        (Accounts.SALES_TAX_PAYABLE, 0, 770),
        (Accounts.COST_OF_GOODS_SOLD, 2500, 0),
        (Accounts.INVENTORY, 0, 2500),
    }


def test_sale_postings_merge_tenders_of_one_kind_and_skip_zero_lines():
    payments = [Payment(TenderKind.CASH, 300, 300, 0), Payment(TenderKind.CASH, 700, 1000, 300)]
    postings = sale_postings(net=1000, tax=0, cost=0, payments=payments)
    assert as_set(postings) == {(Accounts.CASH, 1000, 0), (Accounts.SALES_REVENUE, 0, 1000)}


@pytest.mark.parametrize("given", [0, 500])
def test_a_free_sample_at_zero_cost_posts_nothing(given):
    """An all-zero journal transaction is not accounting: the sale records none."""
    payments = settle(0, [Tender.cash(given)])
    assert sale_postings(net=0, tax=0, cost=0, payments=payments) == []


def test_a_free_item_with_a_cost_still_posts_its_cost():
    postings = sale_postings(net=0, tax=0, cost=250, payments=settle(0, []))
    assert as_set(postings) == {
        (Accounts.COST_OF_GOODS_SOLD, 250, 0),
        (Accounts.INVENTORY, 0, 250),
    }


def test_a_transaction_typed_by_hand_still_needs_two_entries():
    with pytest.raises(UnbalancedJournal, match="at least two entries"):
        balanced([])


def test_sale_postings_refuse_payments_that_do_not_match():
    with pytest.raises(UnbalancedJournal):
        sale_postings(net=1000, tax=200, cost=0, payments=[Payment(TenderKind.CASH, 1000, 1000, 0)])


def test_invoice_postings_bill_receivables():
    postings = invoice_postings(net=14_400, tax=2_880, cost=8_000)
    assert_balanced(postings)
    assert as_set(postings) == {
        (Accounts.ACCOUNTS_RECEIVABLE, 17_280, 0),
        (Accounts.SALES_REVENUE, 0, 14_400),
        (Accounts.SALES_TAX_PAYABLE, 0, 2_880),
        (Accounts.COST_OF_GOODS_SOLD, 8_000, 0),
        (Accounts.INVENTORY, 0, 8_000),
    }


@pytest.mark.parametrize(
    ("paid_in_cash", "source"), [(False, Accounts.ACCOUNTS_PAYABLE), (True, Accounts.CASH)]
)
def test_receiving_postings(paid_in_cash, source):
    postings = receiving_postings(cost=12_000, paid_in_cash=paid_in_cash)
    assert as_set(postings) == {(Accounts.INVENTORY, 12_000, 0), (source, 0, 12_000)}


def test_receiving_nothing_of_value_posts_nothing():
    with pytest.raises(UnbalancedJournal):
        receiving_postings(cost=0, paid_in_cash=False)


@given(
    st.lists(
        st.tuples(st.integers(min_value=1, max_value=10**7), st.integers(0, 1_000_000)),
        min_size=1,
        max_size=6,
    ),
    st.integers(min_value=0, max_value=10**7),
    st.lists(st.integers(min_value=0, max_value=10**8), max_size=3),
    st.integers(min_value=0, max_value=10**8),
)
def test_sale_postings_always_balance(lines, cost, cards, cash_given):
    from pos_app.domain.money import tax_on

    net = sum(n for n, _ in lines)
    tax = sum(tax_on(n, r) for n, r in lines)
    total = net + tax
    # whatever mix of cards fits, cash covers the rest
    tenders, left = [], total
    for amount in cards:
        amount = min(amount, left)
        if amount:
            tenders.append(Tender.card(amount))
            left -= amount
    tenders.append(Tender.cash(left + cash_given % 10_000))
    payments = settle(total, tenders)
    postings = sale_postings(net=net, tax=tax, cost=cost, payments=payments)
    assert_balanced(postings)
    debits = {p.account_code: p.debit for p in postings if p.debit}
    assert debits.get(Accounts.CASH, 0) + debits.get(Accounts.CARD_CLEARING, 0) == total


@given(
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=0, max_value=10**9),
)
def test_invoice_postings_always_balance(net, tax, cost):
    if net + tax == 0 and cost == 0:  # nothing to post: no transaction at all
        assert invoice_postings(net=net, tax=tax, cost=cost) == []
        return
    if net + tax == 0:  # only the cost side: still two balanced entries
        assert_balanced(invoice_postings(net=net, tax=tax, cost=cost))
        return
    assert_balanced(invoice_postings(net=net, tax=tax, cost=cost))
