"""Parked sales through the service, on SQLite and PostgreSQL (and two tills racing to resume
the same cart on PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from pos_app.domain.cart import Cart
from pos_app.domain.errors import InvalidInput, NotFound, PermissionDenied
from pos_app.domain.parked import rebuild
from pos_app.domain.staff import Approval, Permission, Role
from pos_app.repositories import UnitOfWork
from pos_app.services.parked import Parking, park, parked_sales, resume
from pos_app.services.store import Store
from tests.factories import product, snapshot, staff


@pytest.fixture
def shop(db, new_uow):
    owner = staff(new_uow, "Olive", Role.OWNER, "1234")
    product(new_uow, "CHAI", name="Chai", price=1800, cost=1000, stock=20, barcode="5000001")
    product(new_uow, "TOFU", name="Tofu", price=2325, cost=1400, tax_ppm=50_000, stock=40)
    product(new_uow, "GUM", name="Gum", price=150, cost=50, stock=40)
    return owner


def cart_of(new_uow, basket: dict[str, int], customer: str | None = None) -> Cart:
    cart = Cart()
    with new_uow() as uow:
        for sku, quantity in basket.items():
            cart.add(uow.catalogue.sellable(sku), quantity)
    cart.customer_code = customer
    return cart


def test_park_list_and_resume(db, new_uow, shop):
    cart = cart_of(new_uow, {"CHAI": 2, "TOFU": 1, "GUM": 3})
    total = cart.totals().total
    with new_uow() as uow:
        first = park(uow, "Till 1", shop, cart, "  Lady in   red ")
    with new_uow() as uow:
        second = park(uow, "Till 2", shop, cart_of(new_uow, {"GUM": 1}))
    rows = Store(db).parked_sales()
    assert [r.parked_id for r in rows] == [first, second]
    row = rows[0]
    assert (row.label, row.till_name, row.staff_name, row.items, row.total) == (
        "Lady in red", "Till 1", "Olive", 6, total
    )
    assert row.description == "Chai, Tofu, Gum"
    assert [r.parked_id for r in Store(db).parked_sales("Till 2")] == [second]

    with new_uow() as uow:
        back = resume(uow, first, staff=shop)
    assert back.label == "Lady in red" and back.dropped == []
    assert [(l.product.sku, l.quantity) for l in back.cart.lines] == [
        ("CHAI", 2), ("TOFU", 1), ("GUM", 3)
    ]
    assert back.cart.totals().total == total
    assert [r.parked_id for r in Store(db).parked_sales()] == [second]
    before = snapshot(db)
    with new_uow() as uow, pytest.raises(NotFound, match="no longer parked"):
        resume(uow, first)
    assert snapshot(db) == before


def test_resume_uses_todays_prices_and_names_what_is_gone(db, new_uow, shop):
    cart = cart_of(new_uow, {"CHAI": 1, "TOFU": 2}, customer="ALFKI")
    with new_uow() as uow:
        parked_id = park(uow, "Till 1", shop, cart)
    with db.writer() as session:
        session.execute(text("UPDATE products SET unit_price = 1900 WHERE sku = 'CHAI'"))
        session.execute(text("UPDATE products SET active = false WHERE sku = 'TOFU'"))
        session.commit()
    with new_uow() as uow:
        back = resume(uow, parked_id)
    assert back.dropped == ["Tofu"]
    assert [(l.product.sku, l.product.unit_price) for l in back.cart.lines] == [("CHAI", 1900)]
    assert back.cart.customer_code == "ALFKI"


def test_resuming_parks_the_cart_on_screen_in_the_same_go(db, new_uow, shop):
    with new_uow() as uow:
        waiting = park(uow, "Till 1", shop, cart_of(new_uow, {"GUM": 2}), "first")
    (listed,) = Store(db).parked_sales()
    on_screen = cart_of(new_uow, {"CHAI": 1})
    with new_uow() as uow:
        back = resume(
            uow,
            waiting,
            parked_at=listed.parked_at,
            park_current=Parking("Till 1", shop, on_screen, "second"),
        )
    assert [(l.product.sku, l.quantity) for l in back.cart.lines] == [("GUM", 2)]
    rows = Store(db).parked_sales()
    assert [(r.parked_id, r.label, r.description) for r in rows] == [
        (back.parked_as, "second", "Chai")
    ]
    # a parked cart already gone: the one on screen is not parked either
    before = snapshot(db)
    with new_uow() as uow, pytest.raises(NotFound):  # (SQLite may have given its id out again)
        resume(
            uow,
            waiting,
            parked_at=listed.parked_at,
            park_current=Parking("Till 1", shop, on_screen, "third"),
        )
    assert snapshot(db) == before


def test_discounts_overrides_and_approvals_survive_parking(new_uow, shop):
    from pos_app.domain.pricing import Discount

    manager = staff(new_uow, "Mia", Role.MANAGER, "7777", by=shop)
    cashier = staff(new_uow, "Carl", Role.CASHIER, "5555", by=shop)
    cart = cart_of(new_uow, {"CHAI": 2, "TOFU": 1}, customer="ALFKI")
    approval = Approval(manager, Permission.PRICE_OVERRIDE)
    cart.override_price(cart.lines[1].product.product_id, 2000, by=cashier, approval=approval)
    big = Approval(manager, Permission.DISCOUNT_OVER_LIMIT)
    cart.discount_line(
        cart.lines[0].product.product_id, Discount.percent(250_000), by=cashier,
        limit_ppm=100_000, approval=big,
    )
    cart.discount_sale(Discount.amount(100), by=cashier, limit_ppm=100_000)
    before = cart.totals()
    with new_uow() as uow:
        parked_id = park(uow, "Till 1", cashier, cart)
    with new_uow() as uow:
        back = resume(uow, parked_id, staff=cashier)
    again = back.cart
    assert again.totals() == before
    assert again.lines[0].discount == Discount.percent(250_000)
    assert again.lines[0].discount_approval == big
    assert again.lines[1].price_override == 2000
    assert again.lines[1].override_approval == approval
    assert again.sale_discount == Discount.amount(100)
    # the checkout would find every override still authorised
    assert len(again.overrides(cashier, 100_000)) == 2


def test_junk_is_refused_and_nothing_is_stored(db, new_uow, shop):
    cart = cart_of(new_uow, {"GUM": 1})
    before = snapshot(db)
    with new_uow() as uow:
        for label in ("x" * 81, "tab\tin\x00side", 17):
            with pytest.raises(InvalidInput) as caught:
                park(uow, "Till 1", shop, cart, label)  # type: ignore[arg-type]
            assert caught.value.field == "label"
        with pytest.raises(InvalidInput, match="nothing to park"):
            park(uow, "Till 1", shop, Cart())
        with pytest.raises(InvalidInput):
            park(uow, "", shop, cart)
        with pytest.raises(PermissionDenied):
            park(uow, "Till 1", None, cart)  # type: ignore[arg-type]
        for junk in (0, -1, True, "1", None, 2**70):
            with pytest.raises((InvalidInput, NotFound)):
                resume(uow, junk)  # type: ignore[arg-type]
    assert snapshot(db) == before


def test_an_unreadable_parked_cart_is_refused_cleanly():
    with pytest.raises(InvalidInput, match="cannot be read"):
        rebuild("{not json", {})
    assert rebuild(cart_json_of_nothing(), {}).dropped == ["Ghost"]


def cart_json_of_nothing() -> str:
    return '{"format":1,"lines":[{"product_id":999,"quantity":1,"name":"Ghost"}]}'


@pytest.mark.postgres
def test_two_tills_resuming_the_same_cart_only_one_gets_it(pg_db):
    new_uow = lambda: UnitOfWork(pg_db.writer)  # noqa: E731
    owner = staff(new_uow, "Olive", Role.OWNER, "1234")
    product(new_uow, "GUM", name="Gum", price=150, cost=50, stock=40)
    with new_uow() as uow:
        parked_id = park(uow, "Till 1", owner, cart_of(new_uow, {"GUM": 2}))
    start = threading.Barrier(4)
    results: list = []

    def till() -> None:
        start.wait(10)
        try:
            with new_uow() as uow:
                results.append(resume(uow, parked_id))
        except NotFound as exc:
            results.append(exc)

    threads = [threading.Thread(target=till) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    got = [r for r in results if not isinstance(r, Exception)]
    assert len(results) == 4 and len(got) == 1
    assert [(l.product.sku, l.quantity) for l in got[0].cart.lines] == [("GUM", 2)]
    with new_uow() as uow:
        assert parked_sales(uow) == []
