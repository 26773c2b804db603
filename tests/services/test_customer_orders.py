"""Customer orders keep the manager's approval behind a cart's discounts, on SQLite and
PostgreSQL: saving re-checks every override as a sale's confirm does and writes an
'override' audit row naming the approver, in the order's transaction; without the approval
nothing is written."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from pos_app.domain.cart import Cart
from pos_app.domain.errors import PermissionDenied
from pos_app.domain.money import PPM
from pos_app.domain.pricing import Discount
from pos_app.domain.staff import Permission, Role
from pos_app.services.customer_orders import save_order, ship_order
from pos_app.services.staff import approve
from pos_app.services.store import Store
from tests.factories import assert_clean, customer, product, snapshot, staff

LIMIT = 100_000  # the store's default discount limit, 10 %


@pytest.fixture
def people(new_uow):
    owner = staff(new_uow, "Olive", Role.OWNER, "1234")
    manager = staff(new_uow, "Mark", Role.MANAGER, "5678", by=owner)
    cashier = staff(new_uow, "Cath", Role.CASHIER, "2468", by=owner)
    product(new_uow, "CHAI", name="Chai", price=1000, stock=10, by=owner)
    product(new_uow, "TOFU", name="Tofu", price=2000, stock=10, by=owner)
    customer(new_uow, "ALFKI", "Alfreds Futterkiste", by=owner)
    return owner, manager, cashier


def cart_of(new_uow, *codes: str) -> Cart:  # noqa: ANN001
    cart = Cart()
    with new_uow() as uow:
        for code in codes:
            cart.add(uow.catalogue.sellable(code), 2)
        uow.rollback()
    return cart


def product_id(cart: Cart, sku: str) -> int:
    return next(line.product.product_id for line in cart.lines if line.product.sku == sku)


def overrides(db) -> list[tuple]:  # noqa: ANN001
    with db.reader() as session:
        return [
            (subject, json.loads(details), staff_id, approved_by)
            for subject, details, staff_id, approved_by in session.execute(
                text(
                    "SELECT subject, details, staff_id, approved_by FROM audit_log "
                    "WHERE action = 'override' ORDER BY seq"
                )
            )
        ]


def test_a_managers_approved_discount_is_audited_with_the_order(db, new_uow, people):
    _owner, manager, cashier = people
    with new_uow() as uow:
        approval = approve(uow, "Mark", "5678", Permission.DISCOUNT_OVER_LIMIT)
    cart = cart_of(new_uow, "CHAI", "TOFU")
    chai = product_id(cart, "CHAI")
    assert (
        cart.discount_line(
            chai, Discount.percent(300_000), by=cashier, limit_ppm=LIMIT, approval=approval
        )
        == manager
    )
    cart.discount_line(
        product_id(cart, "TOFU"), Discount.percent(50_000), by=cashier, limit_ppm=LIMIT
    )
    with new_uow() as uow:
        order_id = save_order(uow, cart, "ALFKI", actor=cashier)
    # Only the discount above the limit needed (and records) an approval.
    [(subject, details, who, approver)] = overrides(db)
    assert subject == f"Order {order_id}: CHAI Chai"
    assert (who, approver) == (cashier.staff_id, manager.staff_id)
    assert details["what"] == "line discount" and details["discount"] == "30 %"
    assert details["order_id"] == order_id and details["amount"] == "6.00"
    with db.reader() as session:
        assert session.execute(
            text("SELECT discount FROM order_lines WHERE order_id = :o ORDER BY line_no"),
            {"o": order_id},
        ).scalars().all() == [600, 200]
    _, problems = Store(db).verify_audit()
    assert problems == []
    with new_uow() as uow:
        ship_order(uow, order_id, actor=cashier)
    assert_clean(db)


def test_a_discount_above_the_limit_without_approval_is_refused_and_nothing_written(
    db, new_uow, people
):
    """A cart built under a higher limit (or elsewhere) is checked again at saving."""
    _owner, _manager, cashier = people
    cart = cart_of(new_uow, "CHAI")
    cart.discount_line(
        product_id(cart, "CHAI"), Discount.percent(300_000), by=cashier, limit_ppm=PPM
    )
    before = snapshot(db)
    with new_uow() as uow, pytest.raises(PermissionDenied, match="give a discount above the limit"):
        save_order(uow, cart, "ALFKI", actor=cashier)
    assert snapshot(db) == before


def test_an_approval_for_something_else_does_not_allow_the_discount(db, new_uow, people):
    _owner, _manager, cashier = people
    with new_uow() as uow:
        approval = approve(uow, "Mark", "5678", Permission.PRICE_OVERRIDE)
    cart = cart_of(new_uow, "CHAI")
    chai = product_id(cart, "CHAI")
    cart.discount_line(chai, Discount.percent(300_000), by=cashier, limit_ppm=PPM)
    cart.lines[0].discount_approval = approval
    before = snapshot(db)
    with new_uow() as uow, pytest.raises(PermissionDenied):
        save_order(uow, cart, "ALFKI", actor=cashier)
    assert snapshot(db) == before


def test_an_owner_giving_the_discount_herself_is_audited_as_hers(db, new_uow, people):
    owner, _manager, _cashier = people
    cart = cart_of(new_uow, "CHAI")
    cart.discount_line(
        product_id(cart, "CHAI"), Discount.percent(300_000), by=owner, limit_ppm=LIMIT
    )
    with new_uow() as uow:
        order_id = save_order(uow, cart, "ALFKI", actor=owner)
    [(subject, _details, who, approver)] = overrides(db)
    assert subject == f"Order {order_id}: CHAI Chai"
    assert who == approver == owner.staff_id
    assert_clean(db)


def test_a_price_override_and_a_sale_discount_are_audited_too(db, new_uow, people):
    _owner, manager, cashier = people
    with new_uow() as uow:
        price_ok = approve(uow, "Mark", "5678", Permission.PRICE_OVERRIDE)
    with new_uow() as uow:
        discount_ok = approve(uow, "Mark", "5678", Permission.DISCOUNT_OVER_LIMIT)
    cart = cart_of(new_uow, "CHAI", "TOFU")
    cart.override_price(product_id(cart, "TOFU"), 1500, by=cashier, approval=price_ok)
    cart.discount_sale(Discount.percent(200_000), by=cashier, limit_ppm=LIMIT, approval=discount_ok)
    with new_uow() as uow:
        order_id = save_order(uow, cart, "ALFKI", actor=cashier)
    found = overrides(db)
    assert [(s, d["what"], w, a) for s, d, w, a in found] == [
        (f"Order {order_id}: TOFU Tofu", "price override", cashier.staff_id, manager.staff_id),
        (f"Order {order_id}: whole sale", "sale discount", cashier.staff_id, manager.staff_id),
    ]
    _, problems = Store(db).verify_audit()
    assert problems == []


def test_a_plain_order_writes_no_override(db, new_uow, people):
    _owner, _manager, cashier = people
    cart = cart_of(new_uow, "CHAI")
    cart.discount_line(
        product_id(cart, "CHAI"), Discount.percent(LIMIT), by=cashier, limit_ppm=LIMIT
    )
    with new_uow() as uow:
        save_order(uow, cart, "ALFKI", actor=cashier)
    assert overrides(db) == []
