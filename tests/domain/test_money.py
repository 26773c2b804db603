"""Money, quantities and tax rates: exact parsing and the one rounding rule (no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain.errors import InvalidInput
from pos_app.domain.money import (
    MAX_AMOUNT,
    MAX_QUANTITY,
    check_amount,
    check_rate,
    format_amount,
    format_rate,
    parse_amount,
    parse_quantity,
    parse_rate,
    tax_on,
)


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("12.5", 1250),
        ("12,50", 1250),
        ("  3 ", 300),
        ("0", 0),
        ("0.01", 1),
        (".5", 50),
        ("5.", 500),
        ("+3", 300),
        ("12.500", 1250),  # trailing zeros are not extra precision
        ("1 000", 100_000),
        ("1\u00a0000,25", 100_025),
        ("1000000000.00", MAX_AMOUNT),
        (7, 700),  # an int from code is whole major units
        (Decimal("2.25"), 225),
    ],
)
def test_parse_amount_accepts(text, minor):
    assert parse_amount(text) == minor


@pytest.mark.parametrize(
    "text",
    [
        "0.001",
        "12.0000000000000000000000000001",  # must not be rounded away to 12.00
        "abc",
        "1e5",
        "1E5",
        "-1",
        "-0.01",
        "NaN",
        "nan",
        "Infinity",
        "-Infinity",
        "inf",
        "",
        "   ",
        ",",
        "12.5.1",
        "12,5,0",
        "1_000",
        "0x10",
        "1000000000.01",  # one cent above the limit
        "9" * 40,
        "9" * 400 + ".5",
        Decimal("NaN"),
        Decimal("sNaN"),
        Decimal("Infinity"),
        Decimal("1.005"),
        Decimal("1E+999999"),
        10**12,
        -1,
        True,
        None,
    ],
)
def test_parse_amount_refuses(text):
    with pytest.raises(InvalidInput) as caught:
        parse_amount(text, "price")
    assert caught.value.field == "price"
    assert str(caught.value)  # a sentence fit for a cashier


def test_parse_amount_zero_can_be_refused():
    assert parse_amount("0") == 0
    with pytest.raises(InvalidInput):
        parse_amount("0", allow_zero=False)
    with pytest.raises(InvalidInput):
        parse_amount("0.00", allow_zero=False)


def test_parse_amount_messages_say_what_is_wrong():
    with pytest.raises(InvalidInput, match="two decimal places"):
        parse_amount("0.001")
    with pytest.raises(InvalidInput, match="negative"):
        parse_amount("-1")
    with pytest.raises(InvalidInput, match="too large"):
        parse_amount("1" + "0" * 20)


@given(st.integers(min_value=0, max_value=MAX_AMOUNT))
def test_parse_amount_round_trips_format_amount(minor):
    assert parse_amount(format_amount(minor)) == minor
    assert parse_amount(format_amount(minor).replace(".", ",")) == minor


@given(st.decimals(allow_nan=True, allow_infinity=True))
def test_parse_amount_is_exact_or_refuses(value):
    """Never rounds: whatever it accepts is exactly the amount that was typed."""
    for candidate in (value, str(value)):
        try:
            minor = parse_amount(candidate)
        except InvalidInput:
            continue
        assert 0 <= minor <= MAX_AMOUNT
        assert Decimal(minor) / 100 == value


@given(st.text(max_size=30))
def test_parse_amount_never_raises_anything_but_invalid_input(text):
    try:
        minor = parse_amount(text)
    except InvalidInput:
        return
    assert isinstance(minor, int) and 0 <= minor <= MAX_AMOUNT


def test_check_amount():
    assert check_amount(0) == 0
    assert check_amount(MAX_AMOUNT) == MAX_AMOUNT
    for bad in (-1, MAX_AMOUNT + 1, 1.5, "100", True, None):
        with pytest.raises(InvalidInput):
            check_amount(bad)
    with pytest.raises(InvalidInput):
        check_amount(0, allow_zero=False)


@pytest.mark.parametrize(
    ("text", "quantity"),
    [("3", 3), (" 7 ", 7), ("+3", 3), ("0003", 3), (1, 1), (MAX_QUANTITY, MAX_QUANTITY)],
)
def test_parse_quantity_accepts(text, quantity):
    assert parse_quantity(text) == quantity


@pytest.mark.parametrize(
    "text",
    ["0", "-1", "1.5", "1,5", "abc", "", "1e3", str(MAX_QUANTITY + 1), "9" * 12, 0, -4, True, 2.0],
)
def test_parse_quantity_refuses(text):
    with pytest.raises(InvalidInput) as caught:
        parse_quantity(text)
    assert caught.value.field == "quantity"


@pytest.mark.parametrize(
    ("text", "ppm"),
    [
        ("8.875", 88_750),
        ("20", 200_000),
        ("20%", 200_000),
        (" 7,5 % ", 75_000),
        ("0", 0),
        ("100", 1_000_000),
        ("0.0001", 1),
        (5, 50_000),
        (Decimal("8.875"), 88_750),
    ],
)
def test_parse_rate_accepts(text, ppm):
    assert parse_rate(text) == ppm


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "",
        "NaN",
        "Infinity",
        "-1",
        "-0.0001",
        "100.0001",
        "101",
        "0.00001",
        "8.87500000000000000000000000001",
        "1e999999",  # used to escape as decimal.Overflow
        "-1e999999",
        True,
    ],
)
def test_parse_rate_refuses(text):
    with pytest.raises(InvalidInput) as caught:
        parse_rate(text)
    assert caught.value.field == "tax rate"


@given(st.text(max_size=20))
def test_parse_rate_never_raises_anything_but_invalid_input(text):
    try:
        ppm = parse_rate(text)
    except InvalidInput:
        return
    assert 0 <= ppm <= 1_000_000


def test_check_rate():
    assert check_rate(0) == 0 and check_rate(1_000_000) == 1_000_000
    for bad in (-1, 1_000_001, 0.5, "20", True):
        with pytest.raises(InvalidInput):
            check_rate(bad)


@pytest.mark.parametrize(
    ("net", "rate", "tax"),
    [
        (1000, 200_000, 200),
        (0, 200_000, 0),
        (1234, 0, 0),
        (25, 200_000, 5),  # exact
        (5, 100_000, 1),  # 0.5 -> 1 (half up, not banker's)
        (15, 100_000, 2),  # 1.5 -> 2
        (25, 100_000, 3),  # 2.5 -> 3 (banker's rounding would give 2)
        (1, 500_000, 1),  # 0.5 -> 1
        (3, 500_000, 2),  # 1.5 -> 2
        (4, 100_000, 0),  # 0.4 -> 0
        (6, 100_000, 1),  # 0.6 -> 1
        (1000, 88_750, 89),  # 88.75 -> 89
        (200, 88_750, 18),  # 17.75 -> 18
        (100, 88_750, 9),  # 8.875 -> 9
        (40, 88_750, 4),  # 3.55 -> 4
        (1000, 1_000_000, 1000),
        (10**16, 1_000_000, 10**16),  # the largest line net stays exact
    ],
)
def test_tax_on_rounds_half_up(net, rate, tax):
    assert tax_on(net, rate) == tax


@given(
    st.integers(min_value=0, max_value=10**12),
    st.integers(min_value=0, max_value=10**12),
    st.integers(min_value=0, max_value=1_000_000),
)
def test_tax_on_is_monotone_in_net(a, b, rate):
    low, high = sorted((a, b))
    assert tax_on(low, rate) <= tax_on(high, rate)


@given(
    st.integers(min_value=0, max_value=10**12),
    st.integers(min_value=0, max_value=1_000_000),
    st.integers(min_value=0, max_value=1_000_000),
)
def test_tax_on_is_monotone_in_rate(net, r1, r2):
    low, high = sorted((r1, r2))
    assert tax_on(net, low) <= tax_on(net, high)


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=1_000_000))
def test_tax_on_is_within_half_a_cent_and_rounds_half_up(net, rate):
    tax = tax_on(net, rate)
    exact_times_ppm = net * rate  # the exact tax, times 1_000_000, in integers
    # |tax - exact| <= 0.5, and exactly 0.5 only rounds up
    assert 2 * abs(tax * 1_000_000 - exact_times_ppm) <= 1_000_000
    if 2 * (exact_times_ppm % 1_000_000) == 1_000_000:
        assert tax * 1_000_000 > exact_times_ppm
    assert 0 <= tax <= net


@pytest.mark.parametrize(
    ("minor", "text"),
    [
        (0, "0.00"),
        (5, "0.05"),
        (50, "0.50"),
        (100, "1.00"),
        (123_456, "1234.56"),
        (-5, "-0.05"),
        (-123_456, "-1234.56"),
        (MAX_AMOUNT, "1000000000.00"),
    ],
)
def test_format_amount(minor, text):
    assert format_amount(minor) == text


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_format_amount_is_exact(minor):
    assert Decimal(format_amount(minor)) * 100 == minor


def test_format_rate():
    assert format_rate(200_000) == "20 %"
    assert format_rate(88_750) == "8.875 %"
    assert format_rate(0) == "0 %"
    assert format_rate(1) == "0.0001 %"
