"""What makes a product or customer record acceptable; every refusal names its field."""

from __future__ import annotations

import pytest

from pos_app.domain.catalogue import CustomerDraft, ProductDraft
from pos_app.domain.errors import InvalidInput
from pos_app.domain.money import MAX_AMOUNT

GOOD = {
    "sku": "NW-001",
    "name": "Chai",
    "unit_price": 1800,
    "unit_cost": 1080,
    "tax_rate_ppm": 200_000,
}


def test_product_draft_is_cleaned_up():
    draft = ProductDraft(
        sku="  NW-001 ",
        name="  Chai \t tea\n",
        unit_price=1800,
        unit_cost=0,
        tax_rate_ppm=0,
        barcode=" 2000000000015 ",
        active=1,
    ).validated()
    assert draft == ProductDraft("NW-001", "Chai tea", 1800, 0, 0, "2000000000015", True)


def test_empty_barcode_means_none():
    assert ProductDraft(**GOOD, barcode="").validated().barcode is None
    assert ProductDraft(**GOOD, barcode=None).validated().barcode is None


def test_largest_amounts_are_accepted():
    draft = ProductDraft(**{**GOOD, "unit_price": MAX_AMOUNT, "unit_cost": MAX_AMOUNT})
    assert draft.validated().unit_price == MAX_AMOUNT


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"sku": ""}, "SKU"),
        ({"sku": "   "}, "SKU"),
        ({"sku": "has space"}, "SKU"),
        ({"sku": "-leading-dash"}, "SKU"),
        ({"sku": "x" * 33}, "SKU"),
        ({"sku": "bad/slash"}, "SKU"),
        ({"sku": None}, "SKU"),
        ({"name": ""}, "name"),
        ({"name": " \t "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"name": "bell\x07"}, "name"),
        ({"name": "nul\x00"}, "name"),
        ({"unit_price": 0}, "price"),
        ({"unit_price": -1}, "price"),
        ({"unit_price": MAX_AMOUNT + 1}, "price"),
        ({"unit_price": 12.5}, "price"),  # minor units are whole cents
        ({"unit_price": "12.50"}, "price"),  # text goes through from_text
        ({"unit_price": True}, "price"),
        ({"unit_cost": -1}, "cost"),
        ({"unit_cost": MAX_AMOUNT + 1}, "cost"),
        ({"unit_cost": 0.5}, "cost"),
        ({"tax_rate_ppm": -1}, "tax rate"),
        ({"tax_rate_ppm": 1_000_001}, "tax rate"),
        ({"tax_rate_ppm": 0.2}, "tax rate"),
        ({"barcode": "  "}, "barcode"),
        ({"barcode": "with space"}, "barcode"),
        ({"barcode": "9" * 33}, "barcode"),
    ],
)
def test_product_draft_refuses_each_bad_field(changes, field):
    with pytest.raises(InvalidInput) as caught:
        ProductDraft(**{**GOOD, **changes}).validated()
    assert caught.value.field == field
    assert str(caught.value)


def test_product_from_text():
    draft = ProductDraft.from_text(
        sku="NW-002", name="Chang", price="19,00", cost=" 11.4 ", tax_rate="8.875 %", barcode=""
    )
    assert draft == ProductDraft("NW-002", "Chang", 1900, 1140, 88_750, None, True)
    # the largest price parse_amount accepts is also a valid product price
    big = ProductDraft.from_text(sku="BIG", name="Big", price="1000000000")
    assert big.unit_price == MAX_AMOUNT


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"price": "0"}, "price"),
        ({"price": ""}, "price"),
        ({"price": "abc"}, "price"),
        ({"price": "1.001"}, "price"),
        ({"price": "-3"}, "price"),
        ({"price": "1000000000.01"}, "price"),
        ({"cost": "x"}, "cost"),
        ({"cost": "-1"}, "cost"),
        ({"tax_rate": "abc"}, "tax rate"),
        ({"tax_rate": "101"}, "tax rate"),
        ({"tax_rate": "0.00001"}, "tax rate"),
        ({"sku": "a b"}, "SKU"),
        ({"name": ""}, "name"),
        ({"barcode": "!!"}, "barcode"),
    ],
)
def test_product_from_text_refuses_each_bad_field(changes, field):
    fields = {"sku": "NW-002", "name": "Chang", "price": "19.00", "cost": "11.40", "tax_rate": "20"}
    with pytest.raises(InvalidInput) as caught:
        ProductDraft.from_text(**{**fields, **changes})
    assert caught.value.field == field


def test_customer_draft_is_cleaned_up():
    draft = CustomerDraft(" alfki ", "  Alfreds   Futterkiste ", " Maria Anders ", "").validated()
    assert draft == CustomerDraft("ALFKI", "Alfreds Futterkiste", "Maria Anders", "")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": ""}, "code"),
        ({"code": "   "}, "code"),
        ({"code": None}, "code"),
        ({"code": "ALF-KI"}, "code"),
        ({"code": "TOOLONGCODE1"}, "code"),
        ({"code": "ÄLFKI"}, "code"),
        ({"company": ""}, "company"),
        ({"company": "  "}, "company"),
        ({"company": "x" * 81}, "company"),
        ({"company": "a\x00b"}, "company"),
        ({"contact": "x" * 81}, "contact"),
        ({"contact": "a\x1bb"}, "contact"),
        ({"country": "x" * 41}, "country"),
        ({"country": "\x01"}, "country"),
    ],
)
def test_customer_draft_refuses_each_bad_field(changes, field):
    fields = {"code": "ALFKI", "company": "Alfreds Futterkiste", "contact": "", "country": ""}
    with pytest.raises(InvalidInput) as caught:
        CustomerDraft(**{**fields, **changes}).validated()
    assert caught.value.field == field
