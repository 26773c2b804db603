"""The cart: merging scans, editing lines, totals with per-line tax rounding, scan parsing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain.cart import Cart, ProductSnapshot, parse_scan, totals_of
from pos_app.domain.errors import InvalidInput, NotFound
from pos_app.domain.money import MAX_QUANTITY, tax_on


def snap(pid: int, price: int = 1000, rate: int = 200_000, cost: int = 600) -> ProductSnapshot:
    return ProductSnapshot(
        product_id=pid,
        sku=f"SKU{pid}",
        barcode=f"50000{pid:02d}",
        name=f"Product {pid}",
        unit_price=price,
        tax_rate_ppm=rate,
        unit_cost=cost,
    )


CHAI = snap(1, price=1800, rate=200_000, cost=1000)
SYRUP = snap(2, price=1000, rate=50_000, cost=500)


def test_adding_the_same_product_merges_lines():
    cart = Cart()
    cart.add(CHAI)
    cart.add(SYRUP, 2)
    line = cart.add(CHAI, 3)
    assert [(l.product.sku, l.quantity) for l in cart.lines] == [("SKU1", 4), ("SKU2", 2)]
    assert line is cart.lines[0]
    assert cart.totals().items == 6


def test_merging_cannot_exceed_the_quantity_limit():
    cart = Cart()
    cart.add(CHAI, MAX_QUANTITY)
    with pytest.raises(InvalidInput) as caught:
        cart.add(CHAI, 1)
    assert caught.value.field == "quantity"
    assert cart.lines[0].quantity == MAX_QUANTITY


@pytest.mark.parametrize("quantity", [0, -1, MAX_QUANTITY + 1, "x", True])
def test_add_refuses_bad_quantities_and_leaves_the_cart_alone(quantity):
    cart = Cart()
    cart.add(CHAI)
    with pytest.raises(InvalidInput):
        cart.add(CHAI, quantity)
    with pytest.raises(InvalidInput):
        cart.add(SYRUP, quantity)
    assert [(l.product.product_id, l.quantity) for l in cart.lines] == [(1, 1)]


def test_set_quantity_and_remove():
    cart = Cart()
    cart.add(CHAI)
    cart.add(SYRUP)
    cart.set_quantity(1, 5)
    assert cart.lines[0].quantity == 5
    with pytest.raises(InvalidInput):
        cart.set_quantity(1, 0)
    assert cart.lines[0].quantity == 5
    with pytest.raises(NotFound):
        cart.set_quantity(99, 1)
    cart.remove(1)
    assert [l.product.product_id for l in cart.lines] == [2]
    with pytest.raises(NotFound):
        cart.remove(1)
    cart.customer_code = "ALFKI"
    cart.clear()
    assert cart.is_empty() and cart.customer_code is None


def test_empty_cart_totals_are_zero():
    totals = Cart().totals()
    assert (totals.subtotal, totals.tax, totals.total, totals.cost, totals.items) == (0, 0, 0, 0, 0)


def test_totals_round_tax_per_line_then_sum():
    # Three lines of 0.05 net at 10 %: each line's tax is 0.005 -> 0.01 (half up), so the
    # sale's tax is 0.03, not round(0.015) = 0.02 as rounding the total would give.
    cart = Cart()
    for pid in (1, 2, 3):
        cart.add(snap(pid, price=5, rate=100_000, cost=2))
    totals = cart.totals()
    assert [l.tax for l in cart.lines] == [1, 1, 1]
    assert (totals.subtotal, totals.tax, totals.total, totals.cost) == (15, 3, 18, 6)


def test_totals_of_the_tutorial_basket():
    cart = Cart()
    cart.add(CHAI, 2)  # 36.00 + 7.20
    cart.add(SYRUP)  # 10.00 + 0.50
    totals = cart.totals()
    assert (totals.subtotal, totals.tax, totals.total) == (4600, 770, 5370)
    assert totals.cost == 2500 and totals.items == 3


def test_lines_keep_the_price_they_were_scanned_at():
    cart = Cart()
    cart.add(CHAI)
    cart.add(snap(1, price=9999), 1)  # same product, new price: merges, keeps the first price
    assert cart.lines[0].product.unit_price == 1800
    assert cart.totals().subtotal == 3600


lines_strategy = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=100_000_00),
        st.integers(min_value=0, max_value=1_000_000),
        st.integers(min_value=1, max_value=50),
    ),
    max_size=8,
)


@given(lines_strategy)
def test_totals_are_the_sum_of_rounded_lines(lines):
    cart = Cart()
    for pid, (price, rate, qty) in enumerate(lines, start=1):
        cart.add(snap(pid, price=price, rate=rate), qty)
    totals = totals_of(cart.lines)
    assert totals.subtotal == sum(p * q for p, _, q in lines)
    assert totals.tax == sum(tax_on(p * q, r) for p, r, q in lines)
    assert totals.total == totals.subtotal + totals.tax
    assert totals.items == sum(q for _, _, q in lines)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3*5000112", (3, "5000112")),
        (" 3 * 5000112 ", (3, "5000112")),
        ("5000112", (1, "5000112")),
        ("  5000112  ", (1, "5000112")),
        ("NW-001", (1, "NW-001")),
        ("12*NW-001", (12, "NW-001")),
        (f"{MAX_QUANTITY}*ABC", (MAX_QUANTITY, "ABC")),
        ("x" * 64, (1, "x" * 64)),
    ],
)
def test_parse_scan(text, expected):
    assert parse_scan(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        None,
        "0*5000112",  # zero of something
        f"{MAX_QUANTITY + 1}*5000112",
        "x" * 65,  # longer than any barcode or SKU
        "2*" + "x" * 65,
    ],
)
def test_parse_scan_refuses(text):
    with pytest.raises(InvalidInput):
        parse_scan(text)


@given(st.text(max_size=80))
def test_parse_scan_never_raises_anything_but_invalid_input(text):
    try:
        quantity, code = parse_scan(text)
    except InvalidInput:
        return
    assert 1 <= quantity <= MAX_QUANTITY
    assert code and code == code.strip() and len(code) <= 64
