"""The pricing engine: discounts, tax in or on prices, rounding per line or per total, cash
rounding, and the cart's discount and override rights. Properties first, then the worked
examples a shop owner would check by hand."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pos_app.domain.cart import Cart, ProductSnapshot
from pos_app.domain.errors import InvalidInput, PermissionDenied, TenderShort
from pos_app.domain.money import PPM, tax_on
from pos_app.domain.postings import Accounts, sale_postings
from pos_app.domain.pricing import (
    Discount,
    DiscountKind,
    PriceLine,
    PricingRules,
    over_limit,
    parse_discount,
    price,
    round_half_up,
    round_to_whole,
    share_out,
)
from pos_app.domain.staff import Approval, Permission, Role, StaffMember
from pos_app.domain.tender import Tender, TenderKind, cash_due, cash_rounding_of, settle

RULES = [
    PricingRules(False, "line"),
    PricingRules(False, "total"),
    PricingRules(True, "line"),
    PricingRules(True, "total"),
]

rates = st.sampled_from([0, 50_000, 88_750, 200_000, 1_000_000]) | st.integers(0, PPM)
discounts = st.none() | st.builds(Discount.percent, st.integers(0, PPM)) | st.builds(
    Discount.amount, st.integers(0, 50_000)
)
lines_strategy = st.lists(
    st.builds(
        PriceLine,
        unit_price=st.integers(0, 200_000),
        quantity=st.integers(1, 50),
        tax_rate_ppm=rates,
        discount=discounts,
        price_override=st.none() | st.integers(0, 200_000),
    ),
    max_size=10,
)
rules_strategy = st.sampled_from(RULES)


def exact_tax(amount: int, rate: int, inclusive: bool) -> Fraction:
    return Fraction(amount * rate, PPM + rate if inclusive else PPM)


@settings(max_examples=400)
@given(lines_strategy, discounts, rules_strategy)
def test_sums_always_add_up(lines, sale_discount, rules):
    pricing = price(lines, sale_discount, rules)
    assert len(pricing.lines) == len(lines)
    assert pricing.subtotal == sum(p.net for p in pricing.lines)
    assert pricing.tax == sum(p.tax for p in pricing.lines)
    assert pricing.total == sum(p.net + p.tax for p in pricing.lines)
    assert pricing.gross == sum(p.gross for p in pricing.lines)
    assert pricing.line_discount == sum(p.discount for p in pricing.lines)
    assert pricing.sale_discount == sum(p.sale_discount for p in pricing.lines)  # exact share
    assert sum(b.tax for b in pricing.taxes) == pricing.tax
    assert sum(b.net for b in pricing.taxes) == pricing.subtotal
    for given_line, p in zip(lines, pricing.lines, strict=True):
        assert p.gross == given_line.price * given_line.quantity
        assert 0 <= p.discount <= p.gross  # never more than the line
        assert 0 <= p.sale_discount <= p.gross - p.discount
        assert p.net >= 0 and p.tax >= 0
        # The database's CHECK on every stored line.
        assert p.net + (p.tax if p.tax_included else 0) == p.gross - p.discount - p.sale_discount
        assert p.tax_included is rules.prices_include_tax
        # Every line's tax is its exact tax floored or ceiled.
        exact = exact_tax(p.amount, p.tax_rate_ppm, rules.prices_include_tax)
        assert exact - 1 < p.tax < exact + 1
    after_line = pricing.gross - pricing.line_discount
    assert 0 <= pricing.sale_discount <= after_line


@given(lines_strategy, discounts)
def test_prices_with_tax_total_what_the_shelf_says_less_discounts(lines, sale_discount):
    for rules in (RULES[2], RULES[3]):
        pricing = price(lines, sale_discount, rules)
        assert pricing.total == pricing.gross - pricing.line_discount - pricing.sale_discount


@given(lines_strategy, discounts, st.booleans())
def test_per_line_and_per_total_differ_by_at_most_a_cent_a_line(lines, sale_discount, inclusive):
    per_line = price(lines, sale_discount, PricingRules(inclusive, "line"))
    per_total = price(lines, sale_discount, PricingRules(inclusive, "total"))
    assert abs(per_line.tax - per_total.tax) <= len(lines)
    # Discounts do not depend on where tax is rounded.
    assert [p.sale_discount for p in per_line.lines] == [p.sale_discount for p in per_total.lines]
    if not inclusive:
        assert per_line.subtotal == per_total.subtotal


@given(lines_strategy, discounts, st.booleans())
def test_per_total_rounds_each_rate_once(lines, sale_discount, inclusive):
    pricing = price(lines, sale_discount, PricingRules(inclusive, "total"))
    for band in pricing.taxes:
        amount = sum(p.amount for p in pricing.lines if p.tax_rate_ppm == band.rate_ppm)
        expected = exact_tax(amount, band.rate_ppm, inclusive)
        assert band.tax == round_half_up(expected.numerator, expected.denominator)


@given(lines_strategy)
def test_per_line_tax_on_prices_without_tax_is_the_one_rounding_rule(lines):
    pricing = price(lines)
    for p in pricing.lines:
        assert p.tax == tax_on(p.net, p.tax_rate_ppm)


@given(st.integers(0, 10**9), st.lists(st.integers(0, 10**6), max_size=12))
def test_share_out_is_exact_and_fair(whole, weights):
    total = sum(weights)
    whole = min(whole, total)
    shares = share_out(whole, weights)
    assert sum(shares) == (whole if total else 0)
    for share, weight in zip(shares, weights, strict=True):
        assert 0 <= share <= weight
        if total:
            assert abs(Fraction(whole * weight, total) - share) < 1


def test_share_out_gives_the_odd_cent_to_the_largest_remainder_then_the_first():
    assert share_out(1000, [1, 1, 1]) == [334, 333, 333]
    assert share_out(100, [1, 2]) == [33, 67]
    assert round_to_whole([5, 5, 5], 10, 2) == [1, 1, 0]


def test_round_half_up():
    assert [round_half_up(n, 10) for n in (14, 15, 16, 25, 0)] == [1, 2, 2, 3, 0]


# -- worked examples --------------------------------------------------------------------------
def test_price_with_tax_included_takes_the_tax_out():
    # 12.00 with 20 % in it: 2.00 tax, 10.00 net.
    (line,) = price([PriceLine(1200, 1, 200_000)], rules=PricingRules(True, "line")).lines
    assert (line.net, line.tax, line.total) == (1000, 200, 1200)


def test_rounding_per_total_rounds_once_per_rate():
    # Three lines of 0.05 at 10 %: per line 0.01 each = 0.03; per total round(0.015) = 0.02,
    # shared back so the lines still add up (the first two lines get the cents).
    lines = [PriceLine(5, 1, 100_000) for _ in range(3)]
    assert price(lines, rules=PricingRules(False, "line")).tax == 3
    per_total = price(lines, rules=PricingRules(False, "total"))
    assert per_total.tax == 2
    assert [p.tax for p in per_total.lines] == [1, 1, 0]


def test_a_sale_discount_is_shared_in_proportion_to_the_lines():
    lines = [PriceLine(1000, 1, 200_000), PriceLine(2000, 1, 200_000), PriceLine(1000, 1, 0)]
    pricing = price(lines, Discount.amount(1000))
    assert [p.sale_discount for p in pricing.lines] == [250, 500, 250]
    assert [p.net for p in pricing.lines] == [750, 1500, 750]
    assert pricing.tax == 150 + 300
    assert pricing.total == 3000 + 450


def test_line_discount_then_sale_discount_then_tax():
    # 2 x 18.00 with 10 % off = 32.40; then 10 % off the sale: 3.24 off; tax 20 % on 29.16.
    pricing = price(
        [PriceLine(1800, 2, 200_000, Discount.percent(100_000))], Discount.percent(100_000)
    )
    (line,) = pricing.lines
    assert (line.gross, line.discount, line.sale_discount, line.net) == (3600, 360, 324, 2916)
    assert line.tax == 583  # 5.832
    assert pricing.total == 2916 + 583


def test_price_override_replaces_the_catalogue_price():
    (line,) = price([PriceLine(1800, 2, 0, price_override=1500)]).lines
    assert (line.price, line.gross, line.net) == (1500, 3000, 3000)


def test_discounts_never_take_off_more_than_there_is():
    assert Discount.amount(5000).off(1200) == 1200
    assert Discount.percent(PPM).off(1234) == 1234
    assert Discount.percent(333_333).off(100) == 33
    pricing = price([PriceLine(500, 1, 200_000, Discount.amount(9999))], Discount.amount(1))
    assert (pricing.line_discount, pricing.sale_discount, pricing.total) == (500, 0, 0)


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("10", "percent", Discount.percent(100_000)),
        ("12,5 %", "percent", Discount.percent(125_000)),
        ("2.50", "amount", Discount.amount(250)),
        ("", "amount", None),
        ("0", "percent", None),
    ],
)
def test_parse_discount(text, kind, expected):
    assert parse_discount(text, kind) == expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [("101", "percent"), ("-1", "percent"), ("abc", "percent"), ("1.234", "amount"),
     ("-2", "amount"), ("0.0000001", "percent"), ("nan", "percent")],
)
def test_parse_discount_refuses(text, kind):
    with pytest.raises(InvalidInput):
        parse_discount(text, kind)


def test_describe_and_limit():
    assert Discount.percent(125_000).describe() == "12.5 %"
    assert Discount.amount(250).describe() == "2.50"
    assert Discount(DiscountKind.AMOUNT, 1).describe() == "0.01"
    assert not over_limit(100, 1000, 100_000)  # exactly 10 % is within a 10 % limit
    assert over_limit(101, 1000, 100_000)


# -- cash rounding ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("amount", "step", "due"),
    [(1002, 5, 1000), (1003, 5, 1005), (1007, 5, 1005), (1008, 5, 1010), (1025, 10, 1030),
     (1024, 10, 1020), (1049, 100, 1000), (1050, 100, 1100), (2, 5, 0), (1234, 0, 1234)],
)
def test_cash_due_rounds_half_up_to_the_step(amount, step, due):
    assert cash_due(amount, step) == due


def test_settle_rounds_only_the_cash_part():
    payments = settle(1002, [Tender.cash(2000)], cash_step=5)
    assert payments[0].applied == 1000 and payments[0].change == 1000
    assert cash_rounding_of(1002, payments) == -2
    payments = settle(1003, [Tender.card(1003)], cash_step=5)
    assert cash_rounding_of(1003, payments) == 0
    payments = settle(1003, [Tender.card(500), Tender.cash(600)], cash_step=5)
    assert [(p.kind, p.applied) for p in payments] == [
        (TenderKind.CARD, 500), (TenderKind.CASH, 505)
    ]
    assert cash_rounding_of(1003, payments) == 2
    with pytest.raises(TenderShort):
        settle(1003, [Tender.cash(1000)], cash_step=5)  # 10.05 due in cash


@given(st.integers(1, 10**7), st.sampled_from([0, 5, 10, 50, 100]))
def test_cash_rounding_is_within_half_a_step_and_posts_balanced(total, step):
    payments = settle(total, [Tender.cash(total + 100)], cash_step=step)
    rounding = cash_rounding_of(total, payments)
    assert -step / 2 < rounding <= step / 2 if step else rounding == 0
    postings = sale_postings(net=total, tax=0, cost=0, payments=payments, cash_rounding=rounding)
    if rounding:
        side = [p for p in postings if p.account_code == Accounts.CASH_ROUNDING]
        assert len(side) == 1
        assert side[0].credit - side[0].debit == rounding


# -- the cart: rights and figures --------------------------------------------------------------
CASHIER = StaffMember(2, "Cara", Role.CASHIER)
MANAGER = StaffMember(3, "Max", Role.MANAGER)
LIMIT = 100_000  # 10 %


def snap(pid: int, price_: int = 1000, rate: int = 200_000) -> ProductSnapshot:
    return ProductSnapshot(pid, f"SKU{pid}", None, f"Product {pid}", price_, rate, 500)


def test_a_cashier_gives_a_discount_up_to_the_limit_alone():
    cart = Cart()
    cart.add(snap(1), 2)
    assert cart.discount_line(1, Discount.percent(LIMIT), by=CASHIER, limit_ppm=LIMIT) is None
    assert cart.lines[0].net == 1800 and cart.totals().line_discount == 200
    assert cart.overrides(CASHIER, LIMIT) == []  # within the limit: nothing to audit


def test_above_the_limit_needs_a_manager():
    cart = Cart()
    cart.add(snap(1), 2)
    with pytest.raises(PermissionDenied):
        cart.discount_line(1, Discount.amount(500), by=CASHIER, limit_ppm=LIMIT)
    assert cart.lines[0].discount is None
    wrong = Approval(MANAGER, Permission.PRICE_OVERRIDE)  # approved something else
    with pytest.raises(PermissionDenied):
        cart.discount_line(1, Discount.amount(500), by=CASHIER, limit_ppm=LIMIT, approval=wrong)
    approval = Approval(MANAGER, Permission.DISCOUNT_OVER_LIMIT)
    approver = cart.discount_line(
        1, Discount.amount(500), by=CASHIER, limit_ppm=LIMIT, approval=approval
    )
    assert approver == MANAGER
    (override,) = cart.overrides(CASHIER, LIMIT)
    assert override.approver == MANAGER and override.details["what"] == "line discount"
    # A manager needs nobody; the override is still recorded, as theirs.
    assert cart.discount_line(1, Discount.amount(600), by=MANAGER, limit_ppm=LIMIT) is None
    assert [o.approver for o in cart.overrides(MANAGER, LIMIT)] == [MANAGER]
    with pytest.raises(PermissionDenied):  # a cashier confirming it would need an approval
        cart.overrides(CASHIER, LIMIT)


def test_a_discount_larger_than_the_line_is_refused():
    cart = Cart()
    cart.add(snap(1))
    with pytest.raises(InvalidInput) as caught:
        cart.discount_line(1, Discount.amount(1001), by=MANAGER, limit_ppm=LIMIT)
    assert caught.value.field == "discount"
    with pytest.raises(InvalidInput):
        cart.discount_sale(Discount.amount(1001), by=MANAGER, limit_ppm=LIMIT)


def test_sale_discount_and_price_override_rights():
    cart = Cart()
    cart.add(snap(1), 2)
    cart.add(snap(2, 500, 50_000))
    cart.discount_sale(Discount.amount(250), by=CASHIER, limit_ppm=LIMIT)  # 10 % of 25.00
    with pytest.raises(PermissionDenied):
        cart.discount_sale(Discount.amount(251), by=CASHIER, limit_ppm=LIMIT)
    assert cart.totals().sale_discount == 250
    with pytest.raises(PermissionDenied):
        cart.override_price(1, 900, by=CASHIER)
    approval = Approval(MANAGER, Permission.PRICE_OVERRIDE)
    assert cart.override_price(1, 900, by=CASHIER, approval=approval) == MANAGER
    assert cart.lines[0].unit_price == 900 and cart.totals().gross == 2300
    with pytest.raises(PermissionDenied):  # 2.50 off is now more than 10 % of 23.00
        cart.overrides(CASHIER, LIMIT)
    cart.discount_sale(Discount.amount(230), by=CASHIER, limit_ppm=LIMIT)
    (override,) = cart.overrides(CASHIER, LIMIT)
    assert override.details["catalogue_price"] == "10.00" and override.details["price"] == "9.00"
    cart.override_price(1, None, by=CASHIER)  # back to the catalogue price: no right needed
    assert cart.lines[0].price_override is None
    cart.clear()
    assert cart.sale_discount is None


def test_cart_figures_follow_every_change():
    cart = Cart()
    cart.add(snap(1), 1)
    cart.add(snap(2), 1)
    cart.discount_sale(Discount.amount(100), by=MANAGER, limit_ppm=LIMIT)
    assert [line.net for line in cart.lines] == [950, 950]
    cart.lines[0].quantity = 3  # the table edits quantities in place
    assert [line.net for line in cart.lines] == [2925, 975]
    cart.rules = PricingRules(True, "total")
    assert cart.totals().total == 4000 - 100
    removed = cart.lines.pop()
    assert removed.net == 1000  # priced alone once it left the cart
    assert cart.totals().sale_discount == 100
