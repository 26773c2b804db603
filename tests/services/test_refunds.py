"""Refunds and voids through the service, on SQLite and PostgreSQL.

What must hold: a line never gives back more than was sold; refunding a line in steps gives
back, to the cent, what was paid for it; stock comes back as 'refund' movements; the journal
is reversed (balanced, naming the sale's transaction); refund numbers are gapless across
cancelled drafts; a cashier needs a manager's approval; a closed till refuses; and anything
refused leaves every table as it was.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from pos_app.domain.errors import (
    InvalidInput,
    InvalidState,
    NotFound,
    PermissionDenied,
    TillClosed,
)
from pos_app.domain.staff import Approval, Permission, Role, Shift
from pos_app.domain.tender import Tender, TenderKind
from pos_app.repositories import UnitOfWork
from pos_app.services.refund import Refund, void_sale
from pos_app.services.sale import Checkout
from pos_app.services.staff import approve
from pos_app.services.till import close_till
from tests.factories import assert_clean, product, snapshot, staff, stock_of

CASH, CARD = TenderKind.CASH, TenderKind.CARD


@pytest.fixture
def shop(new_uow, shift):
    """Chai 18.00 (+20 %), cost 10.00; Tofu 23.25 (+5 %), cost 14.00."""
    product(new_uow, "CHAI", name="Chai", price=1800, cost=1000, tax_ppm=200_000, stock=20)
    product(new_uow, "TOFU", name="Tofu", price=2325, cost=1400, tax_ppm=50_000, stock=40)
    return shift


def sell(new_uow, shift: Shift, basket: dict[str, int], *, card: bool = False, discount=None):
    with new_uow() as uow:
        checkout = Checkout(uow, shift=shift)
        for sku, quantity in basket.items():
            checkout.add(sku, quantity)
        if discount is not None:
            checkout.discount_sale(discount)
        total = checkout.totals().total
        due = checkout.cash_due() if hasattr(checkout, "cash_due") else total
        return checkout.confirm([Tender.card(total) if card else Tender.cash(due)])


def q(db, sql: str, **params):
    with db.reader() as session:
        return session.execute(text(sql), params).all()


def lines_by_sku(refund: Refund) -> dict[str, int]:
    return {line.sku: line.order_line_id for line in refund.lines}


def refund(new_uow, shift, receipt_no, wanted: dict[str, int] | None = None, *,
           tender=CASH, reason="Returned by customer", approval=None):
    with new_uow() as uow:
        r = Refund(uow, shift, receipt_no, approval)
        if wanted is None:
            r.refund_all()
        else:
            ids = lines_by_sku(r)
            for sku, units in wanted.items():
                r.set_quantity(ids[sku], units)
        r.begin()
        return r.confirm(tender, reason)


def test_partial_then_the_rest_gives_back_exactly_what_was_paid(db, new_uow, shop):
    from pos_app.domain.pricing import Discount  # a sale discount: nets that do not divide

    sale = sell(new_uow, shop, {"CHAI": 3, "TOFU": 3}, discount=Discount.amount(100))
    paid_net = {line.sku: (line.net, line.tax) for line in sale.lines}
    first = refund(new_uow, shop, sale.receipt_no, {"CHAI": 1, "TOFU": 2})
    second = refund(new_uow, shop, sale.receipt_no, {"CHAI": 1})
    third = refund(new_uow, shop, sale.receipt_no, {"CHAI": 1, "TOFU": 1}, tender=CARD)
    assert [first.refund_no, second.refund_no, third.refund_no] == [1, 2, 3]
    for sku in ("CHAI", "TOFU"):
        back = [
            (line.net, line.tax)
            for r in (first, second, third)
            for line in r.lines
            if line.sku == sku
        ]
        assert (sum(n for n, _ in back), sum(t for _, t in back)) == paid_net[sku]
    assert first.total + second.total + third.total == sale.total
    # everything has come back now
    with pytest.raises(InvalidState, match="already been refunded in full"):
        refund(new_uow, shop, sale.receipt_no)
    assert stock_of(db, "CHAI") == 20 and stock_of(db, "TOFU") == 40
    assert q(db, "SELECT quantity, refunded_quantity FROM order_lines ORDER BY id") == [
        (3, 3),
        (3, 3),
    ]
    assert_clean(db)


def test_stock_comes_back_as_refund_movements(db, new_uow, shop):
    sale = sell(new_uow, shop, {"CHAI": 4})
    assert stock_of(db, "CHAI") == 16
    receipt = refund(new_uow, shop, sale.receipt_no, {"CHAI": 3})
    assert stock_of(db, "CHAI") == 19
    assert q(
        db, "SELECT kind, quantity FROM stock_movements WHERE refund_id = :r",
        r=receipt.refund_id,
    ) == [("refund", 3)]
    assert_clean(db)


def test_journal_reverses_the_sale_and_names_it(db, new_uow, shop):
    sale = sell(new_uow, shop, {"CHAI": 2, "TOFU": 1})
    receipt = refund(new_uow, shop, sale.receipt_no, {"CHAI": 1, "TOFU": 1})
    (sale_txn,) = q(
        db, "SELECT id FROM journal_transactions WHERE order_id = :o", o=sale.order_id
    )
    rows = q(
        db,
        "SELECT kind, reverses_id, till_session_id, staff_id, order_id FROM journal_transactions"
        " WHERE refund_id = :r",
        r=receipt.refund_id,
    )
    assert rows == [("refund", sale_txn[0], shop.session_id, shop.cashier.staff_id, None)]
    entries = dict(
        (code, (debit, credit))
        for code, debit, credit in q(
            db,
            "SELECT a.code, e.debit, e.credit FROM journal_entries e"
            " JOIN accounts a ON a.id = e.account_id JOIN journal_transactions t"
            " ON t.id = e.transaction_id WHERE t.refund_id = :r",
            r=receipt.refund_id,
        )
    )
    chai_net, tofu_net = 1800, 2325
    chai_tax, tofu_tax = 360, 116
    assert entries == {
        "4000": (chai_net + tofu_net, 0),
        "2200": (chai_tax + tofu_tax, 0),
        "1000": (0, chai_net + tofu_net + chai_tax + tofu_tax),
        "1200": (1000 + 1400, 0),
        "5000": (0, 1000 + 1400),
    }
    assert sum(d for d, _ in entries.values()) == sum(c for _, c in entries.values())
    (audit,) = q(db, "SELECT action, staff_id, approved_by FROM audit_log WHERE action = 'refund'")
    assert audit == ("refund", shop.cashier.staff_id, None)
    assert_clean(db)


def test_card_refund_credits_card_clearing(db, new_uow, shop):
    sale = sell(new_uow, shop, {"TOFU": 1}, card=True)
    r = refund(new_uow, shop, sale.receipt_no, tender=CARD)
    assert r.tender == CARD and r.paid == sale.total and r.cash_rounding == 0
    credits = q(
        db,
        "SELECT a.code, e.credit FROM journal_entries e JOIN accounts a ON a.id = e.account_id"
        " JOIN journal_transactions t ON t.id = e.transaction_id"
        " WHERE t.refund_id = :r AND e.credit > 0 ORDER BY a.code",
        r=r.refund_id,
    )
    assert credits == [("1010", sale.total), ("5000", 1400)]
    assert_clean(db)


def test_more_than_sold_is_refused_and_nothing_is_stored(db, new_uow, shop):
    sale = sell(new_uow, shop, {"CHAI": 2})
    refund(new_uow, shop, sale.receipt_no, {"CHAI": 1})
    before = snapshot(db)
    with new_uow() as uow:
        r = Refund(uow, shop, sale.receipt_no)
        (line,) = r.lines
        assert line.remaining == 1
        with pytest.raises(InvalidInput, match="only 1 can still be refunded") as caught:
            r.set_quantity(line.order_line_id, 2)
        assert caught.value.field == "quantity"
    # the database refuses it too, when the screen's figures are stale
    with new_uow() as uow:
        r = Refund(uow, shop, sale.receipt_no)
        r.quantities[line.order_line_id] = 2  # as if read before another till refunded
        r.begin()
        with pytest.raises(InvalidInput, match=r"Line 1 \(Chai\): only 1 can still be refunded"):
            r.confirm(CASH, "Faulty")
    assert snapshot(db) == before


def test_refund_numbers_are_gapless_across_cancelled_drafts(db, new_uow, shop):
    sale = sell(new_uow, shop, {"CHAI": 5})
    with new_uow() as uow:
        r = Refund(uow, shop, sale.receipt_no)
        r.refund_all()
        draft = r.begin()
        assert draft >= 1
        r.cancel()
    assert q(db, "SELECT count(*) FROM refunds") == [(0,)]
    one = refund(new_uow, shop, sale.receipt_no, {"CHAI": 1})
    with new_uow() as uow:  # closed without confirming: rolled back
        r = Refund(uow, shop, sale.receipt_no)
        r.set_quantity(r.lines[0].order_line_id, 1)
        r.begin()
    two = refund(new_uow, shop, sale.receipt_no, {"CHAI": 2})
    assert (one.refund_no, two.refund_no) == (1, 2)
    assert q(db, "SELECT value FROM counters WHERE name = 'refund'") == [(2,)]
    assert q(db, "SELECT refund_no, status FROM refunds ORDER BY refund_no") == [
        (1, "completed"),
        (2, "completed"),
    ]
    assert_clean(db)


def test_a_cashier_needs_a_managers_approval(db, new_uow, shop):
    owner = shop.cashier
    staff(new_uow, "Carl", Role.CASHIER, "5555", by=owner)
    manager = staff(new_uow, "Mia", Role.MANAGER, "7777", by=owner)
    carl_shift = Shift(shop.session_id, shop.till_name, staff_member(new_uow, "Carl"))
    sale = sell(new_uow, shop, {"CHAI": 1})
    before = snapshot(db)
    with new_uow() as uow, pytest.raises(PermissionDenied, match="manager must approve"):
        Refund(uow, carl_shift, sale.receipt_no)
    # an approval for something else does not do
    wrong = Approval(manager, Permission.PRICE_OVERRIDE)
    with new_uow() as uow, pytest.raises(PermissionDenied):
        Refund(uow, carl_shift, sale.receipt_no, wrong)
    assert snapshot(db) == before
    with new_uow() as uow:
        approval = approve(uow, "Mia", "7777", Permission.REFUND)
    r = refund(new_uow, carl_shift, sale.receipt_no, approval=approval)
    assert r.cashier == "Carl" and r.approved_by == "Mia"
    assert q(db, "SELECT staff_id, authorised_by FROM refunds") == [
        (carl_shift.cashier.staff_id, manager.staff_id)
    ]
    assert q(db, "SELECT action, staff_id, approved_by FROM audit_log WHERE action = 'refund'") == [
        ("refund", carl_shift.cashier.staff_id, manager.staff_id)
    ]
    assert_clean(db)


def staff_member(new_uow, name: str):
    from pos_app.repositories.staff import member_of

    with new_uow() as uow:
        return member_of(uow.staff.by_name(name))


def test_void_gives_back_everything_left_and_needs_the_void_right(db, new_uow, shop):
    owner = shop.cashier
    staff(new_uow, "Carl", Role.CASHIER, "5555", by=owner)
    staff(new_uow, "Mia", Role.MANAGER, "7777", by=owner)
    carl = Shift(shop.session_id, shop.till_name, staff_member(new_uow, "Carl"))
    sale = sell(new_uow, shop, {"CHAI": 2, "TOFU": 1}, card=True)
    refund(new_uow, shop, sale.receipt_no, {"CHAI": 1}, tender=CARD)
    with new_uow() as uow, pytest.raises(PermissionDenied):
        void_sale(uow, carl, sale.receipt_no, None, "Rung up twice")
    with new_uow() as uow:
        refund_right = approve(uow, "Mia", "7777", Permission.REFUND)
    with new_uow() as uow, pytest.raises(PermissionDenied):
        void_sale(uow, carl, sale.receipt_no, refund_right, "Rung up twice")
    with new_uow() as uow:
        approval = approve(uow, "Mia", "7777", Permission.VOID_SALE)
    with new_uow() as uow:
        voided = void_sale(uow, carl, sale.receipt_no, approval, "Rung up twice")
    assert voided.kind == "void" and voided.tender == CARD and voided.approved_by == "Mia"
    assert [(line.sku, line.quantity) for line in voided.lines] == [("CHAI", 1), ("TOFU", 1)]
    assert stock_of(db, "CHAI") == 20 and stock_of(db, "TOFU") == 40
    assert q(db, "SELECT kind FROM refunds ORDER BY refund_no") == [("refund",), ("void",)]
    assert q(db, "SELECT action FROM audit_log WHERE action IN ('refund', 'void')") == [
        ("refund",),
        ("void",),
    ]
    with new_uow() as uow, pytest.raises(InvalidState):
        void_sale(uow, shop, sale.receipt_no, None, "again")
    assert_clean(db)


def test_a_closed_till_refuses_refunds(db, new_uow, shop):
    sale = sell(new_uow, shop, {"CHAI": 1})
    with new_uow() as uow:
        r = Refund(uow, shop, sale.receipt_no)
        r.refund_all()
        r.begin()
        r.cancel()  # SQLite: the draft holds the write lock, so no closing can cross it
        with new_uow() as other:
            close_till(other, shop.cashier, shop.session_id, {CASH: sale.total, CARD: 0})
        before = snapshot(db)
        with pytest.raises(TillClosed, match="closed meanwhile"):
            r.confirm(CASH, "Faulty")
    assert snapshot(db) == before
    with new_uow() as uow, pytest.raises(TillClosed):
        Refund(uow, None, sale.receipt_no)  # type: ignore[arg-type]
    assert_clean(db)


def test_unknown_receipts_and_junk_are_refused(db, new_uow, shop):
    sale = sell(new_uow, shop, {"CHAI": 1})
    before = snapshot(db)
    with new_uow() as uow:
        with pytest.raises(NotFound, match="no sale with receipt number 99"):
            Refund(uow, shop, "99")
        for junk in ("", "abc", "-1", "0", "1.5", True, None, "1; DROP TABLE orders"):
            with pytest.raises(InvalidInput) as caught:
                Refund(uow, shop, junk)  # type: ignore[arg-type]
            assert caught.value.field == "receipt"
        r = Refund(uow, shop, f"#{sale.receipt_no}")
        for reason in ("", "   ", "x" * 201, "bad\x00"):
            r.refund_all()
            with pytest.raises(InvalidInput) as caught:
                r.confirm(CASH, reason)
            assert caught.value.field == "reason"
        with pytest.raises(InvalidInput) as caught:
            r.confirm("cheque", "Faulty")
        assert caught.value.field == "tender"
        r.quantities.clear()
        with pytest.raises(InvalidInput, match="Nothing to refund"):
            r.confirm(CASH, "Faulty")
    assert snapshot(db) == before


def test_cash_refund_is_rounded_to_the_cash_step(db, new_uow, shop):
    from dataclasses import replace

    with new_uow() as uow:
        settings = uow.settings.load()
        uow.settings.save(replace(settings, cash_rounding_step=5))
        uow.commit()
    product(new_uow, "GUM", name="Gum", price=101, cost=50, tax_ppm=0, stock=10)
    sale = sell(new_uow, shop, {"GUM": 2}, card=True)  # 2.02, by card: not rounded
    r = refund(new_uow, shop, sale.receipt_no, {"GUM": 1})  # 1.01 back in cash: 1.00
    assert (r.total, r.paid, r.cash_rounding) == (101, 100, -1)
    entries = q(
        db,
        "SELECT a.code, e.debit, e.credit FROM journal_entries e JOIN accounts a"
        " ON a.id = e.account_id JOIN journal_transactions t ON t.id = e.transaction_id"
        " WHERE t.refund_id = :r ORDER BY a.code",
        r=r.refund_id,
    )
    assert ("4900", 0, 1) in entries and ("1000", 0, 100) in entries
    r2 = refund(new_uow, shop, sale.receipt_no, {"GUM": 1}, tender=CARD)
    assert (r2.total, r2.paid, r2.cash_rounding) == (101, 101, 0)
    assert_clean(db)


def test_a_confirm_retried_with_the_same_key_returns_the_same_refund(db, new_uow, shop):
    sale = sell(new_uow, shop, {"CHAI": 2})
    with new_uow() as uow:
        r = Refund(uow, shop, sale.receipt_no, client_key="k-1")
        r.set_quantity(r.lines[0].order_line_id, 1)
        r.begin()
        first = r.confirm(CASH, "Faulty")
    with new_uow() as uow:  # e.g. after a lost connection, the screen tries again
        again = Refund(uow, shop, sale.receipt_no, client_key="k-1")
        again.set_quantity(again.lines[0].order_line_id, 1)
        second = again.confirm(CASH, "Faulty")
    assert second.refund_no == first.refund_no and second.refund_id == first.refund_id
    assert q(db, "SELECT count(*) FROM refunds") == [(1,)]
    assert_clean(db)


def test_the_refund_receipt_reads_back_the_same(db, new_uow, shop):
    sale = sell(new_uow, shop, {"CHAI": 2, "TOFU": 1})
    made = refund(new_uow, shop, sale.receipt_no, {"TOFU": 1, "CHAI": 1})
    with UnitOfWork(db.writer) as uow:
        stored = uow.refunds.by_number(made.refund_no)
    assert stored == made
    assert stored.receipt_no == sale.receipt_no and stored.till_name == shop.till_name


def test_the_check_finds_refunds_tampered_with(db, new_uow, shop):
    from pos_app.services.integrity_refunds import refund_problems

    sale = sell(new_uow, shop, {"CHAI": 2, "TOFU": 1})
    made = refund(new_uow, shop, sale.receipt_no, {"CHAI": 1})
    assert_clean(db)
    tampering = [
        ("UPDATE order_lines SET refunded_quantity = 0", "marked refunded but its refund lines"),
        (
            "UPDATE refunds SET subtotal = subtotal + 1, total = total + 1",
            "differ from its lines",
        ),
        ("UPDATE journal_transactions SET reverses_id = NULL WHERE refund_id IS NOT NULL",
         "does not reverse its sale"),
        ("UPDATE counters SET value = value + 1 WHERE name = 'refund'", "refund counter is at"),
        ("UPDATE refunds SET tender = 'card'", "paid back"),
    ]
    for sql, expected in tampering:
        with db.writer() as session:
            session.execute(text(sql))
            problems = refund_problems(session)
            session.rollback()
        assert any(expected in p for p in problems), (sql, problems)
    assert made.refund_no == 1
    assert_clean(db)
