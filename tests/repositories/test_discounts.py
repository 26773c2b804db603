"""Discounts, tax rules, cash rounding and overrides through a real sale, on both backends:
what is stored, what the ledger says, what a reprint shows, and what the audit log keeps."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlalchemy import text

from pos_app.domain.errors import PermissionDenied, TenderShort
from pos_app.domain.postings import Accounts
from pos_app.domain.pricing import Discount
from pos_app.domain.settings import StoreSettings
from pos_app.domain.staff import Approval, Permission, Role
from pos_app.domain.tender import Tender
from pos_app.repositories import UnitOfWork
from pos_app.services.integrity_pricing import check_pricing
from pos_app.services.sale import Checkout
from pos_app.services.staff import approve
from tests.factories import assert_clean, open_shift, product, staff


@pytest.fixture
def shop(new_uow):
    product(new_uow, "CHAI", price=1800, cost=1000, tax_ppm=200_000, stock=50, barcode="5000001")
    product(new_uow, "SYRUP", price=1000, cost=500, tax_ppm=50_000, stock=50, barcode="5000002")
    product(new_uow, "BREAD", price=5, cost=2, tax_ppm=100_000, stock=50, barcode="5000003")
    return new_uow


def use_settings(new_uow, **changes) -> StoreSettings:
    settings = replace(StoreSettings(), **changes)
    with new_uow() as uow:
        uow.settings.save(settings)
        uow.commit()
    return settings


@pytest.fixture
def team(new_uow, shop):
    """An owner, a manager (Max, 5678) and a cashier (Cara, 2468) selling on Till 1."""
    owner = staff(new_uow, "Olive", Role.OWNER, "1234")
    manager = staff(new_uow, "Max", Role.MANAGER, "5678", by=owner)
    cashier = staff(new_uow, "Cara", Role.CASHIER, "2468", by=owner)
    shift = open_shift(new_uow, till="Till 1", cashier=cashier)
    return owner, manager, cashier, shift


def one(db, sql: str, **params):
    with db.reader() as session:
        return session.execute(text(sql), params).one()


def rows(db, sql: str, **params):
    with db.reader() as session:
        return [tuple(r) for r in session.execute(text(sql), params)]


def test_line_and_sale_discounts_are_stored_and_reprinted(db, new_uow, team):
    *_, shift = team
    with new_uow() as uow:
        checkout = Checkout(uow, shift=shift)
        checkout.begin()
        chai = checkout.add("CHAI", 2)
        syrup = checkout.add("SYRUP")
        checkout.discount_line(chai.product_id, Discount.percent(100_000))  # 36.00 -> 32.40
        checkout.discount_sale(Discount.amount(424))  # off 42.40, shared 324 / 100
        totals = checkout.totals()
        assert (totals.gross, totals.line_discount, totals.sale_discount) == (4600, 360, 424)
        assert (totals.subtotal, totals.tax, totals.total) == (3816, 583 + 45, 3816 + 628)
        receipt = checkout.confirm([Tender.card(totals.total)])
    stored = rows(
        db,
        "SELECT unit_price, quantity, discount, sale_discount, net, tax, tax_included"
        " FROM order_lines WHERE order_id = :o ORDER BY line_no",
        o=receipt.order_id,
    )
    assert stored == [(1800, 2, 360, 324, 2916, 583, False), (1000, 1, 0, 100, 900, 45, False)]
    header = one(
        db,
        "SELECT subtotal, tax, total, discount, cash_rounding, tax_rounding,"
        " prices_include_tax FROM orders WHERE id = :o",
        o=receipt.order_id,
    )
    assert tuple(header) == (3816, 628, 4444, 424, 0, "line", False)
    assert [(r.discount, r.sale_discount) for r in receipt.lines] == [(360, 324), (0, 100)]
    assert [(b.rate_ppm, b.net, b.tax) for b in receipt.taxes] == [
        (200_000, 2916, 583), (50_000, 900, 45)
    ]
    with UnitOfWork(db.writer) as uow:
        assert uow.sales.receipt(receipt.order_id) == receipt  # a reprint equals the original
        assert uow.ledger.balance_of(Accounts.SALES_REVENUE) == -3816
        assert uow.ledger.balance_of(Accounts.SALES_TAX_PAYABLE) == -628
        assert uow.ledger.balance_of(Accounts.CARD_CLEARING) == 4444
    assert_clean(db)
    assert syrup.sku == "SYRUP"


def test_tax_included_prices_rounded_per_total_are_stored_with_the_sale(db, new_uow, team):
    *_, shift = team
    use_settings(new_uow, prices_include_tax=True, tax_rounding="total")
    with new_uow() as uow:
        checkout = Checkout(uow, shift=shift)
        checkout.begin()
        for _ in range(3):
            checkout.add("BREAD")  # merges: 3 x 0.05
        checkout.add("CHAI")
        totals = checkout.totals()
        assert totals.total == 15 + 1800  # the shelf price is what is paid
        receipt = checkout.confirm([Tender.cash(2000)])
    header = one(
        db, "SELECT tax_rounding, prices_include_tax, tax FROM orders WHERE id = :o",
        o=receipt.order_id,
    )
    assert tuple(header) == ("total", True, 1 + 300)  # 15 * 10/110 = 1.36 -> 1; 18.00 -> 3.00
    assert receipt.prices_include_tax and receipt.tax_rounding == "total"
    assert all(line.tax_included for line in receipt.lines)
    # A later change of the store's settings never re-prices a stored sale.
    use_settings(new_uow, prices_include_tax=False, tax_rounding="line")
    with UnitOfWork(db.writer) as uow:
        assert uow.sales.receipt(receipt.order_id) == receipt
    assert_clean(db)


def test_cash_rounding_is_paid_stored_and_posted(db, new_uow, team):
    *_, shift = team
    use_settings(new_uow, cash_rounding_step=5)
    with new_uow() as uow:
        checkout = Checkout(uow, shift=shift)
        checkout.begin()
        checkout.add("SYRUP")
        checkout.add("BREAD", 2)  # 10.00 + 0.50 + 0.10 + 0.01 = 10.61
        assert checkout.totals().total == 1061
        assert checkout.cash_due() == 1060
        with pytest.raises(TenderShort):
            checkout.confirm([Tender.cash(1055)])
        receipt = checkout.confirm([Tender.cash(2000)])
    assert (receipt.total, receipt.cash_rounding, receipt.due, receipt.change) == (
        1061, -1, 1060, 940
    )
    assert one(db, "SELECT cash_rounding FROM orders WHERE id = :o", o=receipt.order_id)[0] == -1
    with UnitOfWork(db.writer) as uow:
        assert uow.ledger.balance_of(Accounts.CASH) == 1060
        assert uow.ledger.balance_of(Accounts.CASH_ROUNDING) == 1  # a debit: we took less
        assert uow.sales.receipt(receipt.order_id) == receipt
    # Rounded up, and a card sale (never rounded), in the same store.
    with new_uow() as uow:
        checkout = Checkout(uow, shift=shift)
        checkout.add("BREAD", 3)  # 0.15 + 0.02 = 0.17 -> 0.15 ... 3 x 0.055 = 0.165 -> 0.17
        up = checkout.confirm([Tender.cash(checkout.cash_due())])
    with new_uow() as uow:
        checkout = Checkout(uow, shift=shift)
        checkout.add("CHAI")
        card = checkout.confirm([Tender.card(checkout.totals().total)])
    assert card.cash_rounding == 0
    with UnitOfWork(db.writer) as uow:
        assert uow.ledger.balance_of(Accounts.CASH_ROUNDING) == 1 - up.cash_rounding
    assert_clean(db)


def test_a_cashier_needs_a_manager_above_the_limit_and_the_audit_log_says_who(
    db, new_uow, team
):
    _, manager, cashier, shift = team
    # Asked before the sale holds the database (on SQLite a checkout holds the write lock).
    with new_uow() as other:
        approval = approve(other, "Max", "5678", Permission.DISCOUNT_OVER_LIMIT)
    with new_uow() as other:
        price_ok = approve(other, "Max", "5678", Permission.PRICE_OVERRIDE)
    with new_uow() as uow:
        checkout = Checkout(uow, shift=shift)
        chai = checkout.add("CHAI", 2)
        with pytest.raises(PermissionDenied):
            checkout.discount_line(chai.product_id, Discount.percent(250_000))
        with pytest.raises(PermissionDenied):
            checkout.override_price(chai.product_id, 1500)
        with pytest.raises(PermissionDenied):  # an approval for something else
            checkout.override_price(chai.product_id, 1500, approval)
        assert checkout.override_price(chai.product_id, 1500, price_ok) == manager
        assert checkout.discount_line(chai.product_id, Discount.percent(250_000), approval) == (
            manager
        )
        receipt = checkout.confirm([Tender.card(checkout.totals().total)])
    assert receipt.lines[0].unit_price == 1500 and receipt.lines[0].discount == 750
    audit = rows(
        db,
        "SELECT seq, action, subject, details, staff_id, approved_by FROM audit_log"
        " WHERE action = 'override' ORDER BY seq",
    )
    assert [(a[1], a[4], a[5]) for a in audit] == [
        ("override", cashier.staff_id, manager.staff_id),
        ("override", cashier.staff_id, manager.staff_id),
    ]
    details = [json.loads(a[3]) for a in audit]
    assert [d["what"] for d in details] == ["price override", "line discount"]
    assert details[0]["catalogue_price"] == "18.00" and details[0]["price"] == "15.00"
    assert details[1]["discount"] == "25 %" and details[1]["receipt_no"] == receipt.receipt_no
    assert all(f"Receipt {receipt.receipt_no}" in a[2] for a in audit)
    # Written last: nothing of this sale's comes after them in the audit log.
    last_seq = one(db, "SELECT max(seq) FROM audit_log")[0]
    assert audit[-1][0] == last_seq
    assert_clean(db)


def test_confirm_checks_the_rights_again(db, new_uow, team):
    """A discount allowed when given is refused at confirm if the limit was lowered since;
    nothing is written."""
    *_, shift = team
    use_settings(new_uow, discount_limit_ppm=500_000)
    with new_uow() as uow:
        checkout = Checkout(uow, shift=shift)
        chai = checkout.add("CHAI")
        checkout.discount_line(chai.product_id, Discount.percent(300_000))  # within 50 %
        cart = checkout.cart
        checkout.cancel()
    use_settings(new_uow, discount_limit_ppm=100_000)
    with new_uow() as uow:
        checkout = Checkout(uow, cart, shift=shift)
        with pytest.raises(PermissionDenied):
            checkout.confirm([Tender.card(checkout.totals().total)])
        checkout.cancel()
    assert one(db, "SELECT count(*) FROM orders")[0] == 0
    assert one(db, "SELECT count(*) FROM audit_log WHERE action = 'override'")[0] == 0


def test_a_manager_selling_needs_nobody_but_is_still_recorded(db, new_uow, team):
    _, manager, _, _ = team
    shift = open_shift(new_uow, till="Till 2", cashier=manager)
    with new_uow() as uow:
        checkout = Checkout(uow, shift=shift)
        chai = checkout.add("CHAI")
        assert checkout.override_price(chai.product_id, 1000) is None
        checkout.discount_sale(Discount.percent(500_000))
        receipt = checkout.confirm([Tender.cash(10_000)])
    audit = rows(
        db,
        "SELECT staff_id, approved_by FROM audit_log WHERE action = 'override' ORDER BY seq",
    )
    assert audit == [(manager.staff_id, manager.staff_id)] * 2
    assert receipt.sale_discount == 500 and receipt.total == 500 + 100
    assert_clean(db)


def test_the_check_finds_figures_that_no_longer_follow_the_rules(db, new_uow, team):
    *_, shift = team
    use_settings(new_uow, cash_rounding_step=5)
    with new_uow() as uow:
        checkout = Checkout(uow, shift=shift)
        checkout.add("CHAI")
        checkout.add("BREAD")
        checkout.discount_sale(Discount.amount(100))
        receipt = checkout.confirm([Tender.cash(5000)])
    assert_clean(db)
    with db.writer() as session:
        # A tax "corrected" by hand (still within the table's own CHECKs) ...
        session.execute(
            text("UPDATE order_lines SET tax = tax + 1 WHERE order_id = :o AND line_no = 1"),
            {"o": receipt.order_id},
        )
        # ... and a sale discount that no longer matches its shares.
        session.execute(
            text("UPDATE orders SET discount = discount + 5, tax = tax + 1, total = total + 1"
                 " WHERE id = :o"),
            {"o": receipt.order_id},
        )
        session.commit()
    with db.reader() as session:
        problems = check_pricing(session)
    assert any("line 1" in p and "tax" in p for p in problems), problems
    assert any("sale discount" in p for p in problems), problems


def test_the_pricing_check_is_part_of_pos_app_check(db, monkeypatch):
    import pos_app.services.integrity as integrity

    seen = []
    monkeypatch.setattr(
        integrity, "check_pricing", lambda session: seen.append(session) or ["priced wrong"]
    )
    with db.reader() as session:
        report = integrity.run_check(session)
    assert seen and "priced wrong" in report.problems


def test_the_check_finds_cash_rounding_missing_from_the_ledger(db, new_uow, team):
    *_, shift = team
    use_settings(new_uow, cash_rounding_step=10)
    with new_uow() as uow:
        checkout = Checkout(uow, shift=shift)
        checkout.add("BREAD", 3)
        receipt = checkout.confirm([Tender.cash(100)])
    assert receipt.cash_rounding != 0
    with db.writer() as session:
        session.execute(
            text("UPDATE orders SET cash_rounding = 0 WHERE id = :o"), {"o": receipt.order_id}
        )
        session.commit()
    with db.reader() as session:
        problems = check_pricing(session)
    assert any("cash rounding" in p for p in problems), problems


def test_settings_are_read_once_per_checkout(db, new_uow, team, monkeypatch):
    *_, shift = team
    reads = []
    from pos_app.repositories.settings import SettingsRepository

    original = SettingsRepository.load
    monkeypatch.setattr(
        SettingsRepository, "load", lambda self: reads.append(1) or original(self)
    )
    with new_uow() as uow:
        checkout = Checkout(uow, shift=shift)
        checkout.begin()
        for code in ("CHAI", "SYRUP", "BREAD", "CHAI"):
            checkout.add(code)
        checkout.totals()
        checkout.confirm([Tender.cash(10_000)])
    assert reads == [1]
    # Handed in by the caller: not read at all.
    with new_uow() as uow:
        checkout = Checkout(uow, shift=shift, settings=StoreSettings())
        checkout.add("CHAI")
        checkout.confirm([Tender.cash(10_000)])
    assert reads == [1]
