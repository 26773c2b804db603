"""Fixtures for driving real widgets: a Store over each backend, with a small shop in it."""

from __future__ import annotations

import pytest

from pos_app.services.store import Store
from tests.factories import customer, product


@pytest.fixture
def store(db) -> Store:
    return Store(db)


@pytest.fixture
def station(qapp, shift):
    """This till ("Till 1") as the window sees it: Olive (owner) signed in, her till
    session open (the ``shift`` fixture), so the Sell screen can take payment."""
    from pos_app.ui.station import Station

    station = Station("Till 1")
    station.sign_in(shift.cashier, shift)
    return station


@pytest.fixture
def shop(store, new_uow) -> Store:
    """Three products with barcodes, one nearly out, and one customer."""
    product(
        new_uow,
        "CHAI",
        name="Chai",
        price=1800,
        cost=1000,
        tax_ppm=200_000,
        stock=12,
        barcode="5000001",
    )
    product(
        new_uow,
        "SYRUP",
        name="Aniseed Syrup",
        price=1000,
        cost=500,
        tax_ppm=50_000,
        stock=2,
        barcode="5000002",
    )
    product(
        new_uow,
        "TOFU",
        name="Tofu",
        price=2325,
        cost=1400,
        tax_ppm=50_000,
        stock=40,
        barcode="5000003",
    )
    customer(new_uow, "ALFKI", "Alfreds Futterkiste")
    return store
