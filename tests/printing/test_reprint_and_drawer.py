"""A reprint from the sale's record equals the original; opening the drawer without a sale
is authorised and audited before the kick (both backends)."""

from __future__ import annotations

import json

import pytest
from escpos.printer import Dummy

from pos_app.domain.errors import NotFound, PermissionDenied
from pos_app.domain.receipt_layout import receipt_text
from pos_app.domain.settings import PrinterSettings, StoreSettings
from pos_app.domain.staff import Approval, Permission, Role
from pos_app.domain.tender import Tender
from pos_app.services.drawer import open_drawer_without_sale, record_drawer_opening
from pos_app.services.printing import PrinterUnavailable, print_receipt
from pos_app.services.sale import Checkout
from pos_app.services.store import Store
from tests.factories import product, staff

ESCPOS = StoreSettings(printer=PrinterSettings(kind="network", host="192.0.2.10"))


@pytest.fixture
def sold(db, new_uow, shift):
    product(new_uow, "CHAI", price=1800, tax_ppm=200_000, stock=12, name="Chai")
    product(new_uow, "TOFU", price=2325, tax_ppm=50_000, stock=12, name="Tofu")
    with new_uow() as uow:
        checkout = Checkout(uow, shift=shift)
        checkout.begin()
        checkout.add("CHAI", 2)
        checkout.add("TOFU")
        return checkout.confirm([Tender.cash(10_000)])


def test_reprint_equals_the_original_receipt(db, sold):
    copy = Store(db).receipt_by_number(sold.receipt_no)
    assert copy == sold
    assert copy.cashier == "Olive" and copy.till_name == "Till 1"
    original_bytes, copy_bytes = Dummy(), Dummy()
    print_receipt(original_bytes, sold, StoreSettings())
    print_receipt(copy_bytes, copy, StoreSettings())
    assert copy_bytes.output == original_bytes.output
    marked = receipt_text(copy, StoreSettings(), reprint=True)
    assert "REPRINT" in marked and "REPRINT" not in receipt_text(sold, StoreSettings())


def test_reprint_of_an_unknown_number_says_so(db, sold):
    with pytest.raises(NotFound, match="no receipt number 99"):
        Store(db).receipt_by_number(99)


def drawer_rows(db):
    return [r for r in Store(db).audit_rows() if "drawer" in (r.action + r.subject)]


def test_a_manager_opens_the_drawer_and_it_is_recorded(db, new_uow):
    owner = staff(new_uow, "Olive", Role.OWNER, "1234")
    manager = staff(new_uow, "Max", Role.MANAGER, "5678", by=owner)
    kicked = Dummy()
    with new_uow() as uow:
        open_drawer_without_sale(
            uow, manager, ESCPOS, "Till 1", reason="change for the float",
            printer_factory=lambda _p: kicked,
        )
    assert kicked.output == b"\x1bp\x00\x32\x32"
    [row] = drawer_rows(db)
    assert (row.action, row.subject, row.staff_name, row.approver_name) == (
        "drawer.open", "Till 1", "Max", None,
    )
    assert json.loads(row.details) == {"reason": "change for the float", "till": "Till 1"}


def test_a_cashier_needs_a_manager_and_it_is_an_override(db, new_uow):
    owner = staff(new_uow, "Olive", Role.OWNER, "1234")
    manager = staff(new_uow, "Max", Role.MANAGER, "5678", by=owner)
    cashier = staff(new_uow, "Cass", Role.CASHIER, "2468", by=owner)
    kicked = Dummy()
    with new_uow() as uow, pytest.raises(PermissionDenied):
        open_drawer_without_sale(uow, cashier, ESCPOS, "Till 1", printer_factory=lambda _p: kicked)
    assert kicked.output == b"" and drawer_rows(db) == []
    with new_uow() as uow:
        open_drawer_without_sale(
            uow, cashier, ESCPOS, "Till 1",
            approval=Approval(manager, Permission.OPEN_DRAWER),
            printer_factory=lambda _p: kicked,
        )
    assert kicked.output.startswith(b"\x1bp")
    [row] = drawer_rows(db)
    assert (row.action, row.subject, row.staff_name, row.approver_name) == (
        "override", "drawer.open", "Cass", "Max",
    )
    assert Store(db).verify_audit()[1] == []


def test_no_escpos_printer_no_kick_and_no_row(db, new_uow):
    owner = staff(new_uow, "Olive", Role.OWNER, "1234")
    with new_uow() as uow, pytest.raises(PrinterUnavailable, match="ESC/POS"):
        open_drawer_without_sale(uow, owner, StoreSettings(), "Till 1")
    assert drawer_rows(db) == []


def test_a_dead_printer_still_leaves_the_row_of_the_attempt(db, new_uow, tmp_path):
    owner = staff(new_uow, "Olive", Role.OWNER, "1234")
    missing = StoreSettings(
        printer=PrinterSettings(kind="file", file_path=str(tmp_path / "no" / "such" / "lp0"))
    )
    with new_uow() as uow, pytest.raises(PrinterUnavailable):
        open_drawer_without_sale(uow, owner, missing, "Till 1")
    assert len(drawer_rows(db)) == 1


def test_recording_alone_is_one_row_per_opening(db, new_uow):
    owner = staff(new_uow, "Olive", Role.OWNER, "1234")
    for _ in range(3):
        with new_uow() as uow:
            record_drawer_opening(uow, owner, "Till 2")
    assert len(drawer_rows(db)) == 3


def test_a_discounted_cash_rounded_sale_reprints_with_its_discounts(db, new_uow, shift):
    from dataclasses import replace

    from pos_app.domain.cart import Cart
    from pos_app.domain.pricing import Discount
    from pos_app.domain.receipt_layout import pair
    from pos_app.services.settings import save_settings

    product(new_uow, "CHAI", price=1800, tax_ppm=200_000, stock=12, name="Chai")
    product(new_uow, "QUESO", price=2100, tax_ppm=50_000, stock=12, name="Queso")
    settings = replace(StoreSettings(), cash_rounding_step=5, prices_include_tax=True)
    with new_uow() as uow:
        save_settings(uow, shift.cashier, settings)
    store = Store(db)
    cart = Cart()
    cart.add(store.lookup("CHAI"), 2)
    cart.add(store.lookup("QUESO"))
    cart.discount_line(
        cart.lines[0].product.product_id, Discount.percent(100_000),
        by=shift.cashier, limit_ppm=settings.discount_limit_ppm,
    )
    cart.discount_sale(Discount.amount(133), by=shift.cashier, limit_ppm=settings.discount_limit_ppm)
    with new_uow() as uow:
        checkout = Checkout(uow, cart, shift=shift, settings=settings)
        checkout.begin()
        sold = checkout.confirm([Tender.cash(10_000)])
    copy = store.receipt_by_number(sold.receipt_no)
    assert copy == sold
    text = receipt_text(copy, settings, width=42)
    assert pair("  Discount", "-3.60  ", 42).rstrip() in text  # lined up with "36.00 A"
    assert pair("Sale discount", "-1.33", 42) in text
    assert pair("TOTAL", "52.07", 42) in text
    assert pair("Cash rounding", "-0.02", 42) in text
    assert pair("Cash total", "52.05", 42) in text
    assert pair("A Standard 20 % in 31.59", "5.27", 42) in text
    assert pair("Change", "47.95", 42) in text
