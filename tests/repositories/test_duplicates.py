"""A UNIQUE constraint the service's own look-up did not catch (another till won the race)
still reaches the caller as DuplicateValue naming the field, never as a raw IntegrityError."""

from __future__ import annotations

import pytest

from pos_app.domain.errors import DuplicateValue
from pos_app.persistence.models import Customer, Product
from tests.factories import customer, product


def test_racing_duplicate_sku_and_barcode_become_duplicate_value(db, new_uow):
    product(new_uow, "CHAI", barcode="5000001")
    for sku, barcode, field in [("CHAI", None, "SKU"), ("OTHER", "5000001", "barcode")]:
        with new_uow() as uow:
            uow.catalogue.add(Product(sku=sku, barcode=barcode, name="Twin", unit_price=100))
            with pytest.raises(DuplicateValue) as caught:
                uow.flush()
            assert caught.value.field == field
            assert uow.catalogue.by_sku("CHAI") is not None  # the unit of work goes on


def test_racing_duplicate_customer_code_becomes_duplicate_value(db, new_uow):
    customer(new_uow, "ALFKI")
    with new_uow() as uow:
        uow.customers.add(Customer(code="ALFKI", company="Twin", contact="", country=""))
        with pytest.raises(DuplicateValue) as caught:
            uow.flush()
        assert caught.value.field == "code"
