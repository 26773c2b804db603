"""`pos-app check` reports damage in words on both backends (PostgreSQL's SUMs come back
as Decimal: a report must never crash on them)."""

from __future__ import annotations

from sqlalchemy import text

from pos_app.domain.tender import Tender
from pos_app.services.integrity import run_check
from pos_app.services.sale import Checkout
from tests.factories import product


def test_tampered_sale_is_reported_not_crashed(db, new_uow, shift):
    product(new_uow, "CHAI", price=1000, stock=5)
    with new_uow() as uow:
        checkout = Checkout(uow, shift=shift)
        checkout.add("CHAI", 2)
        receipt = checkout.confirm([Tender.cash(5000)])
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE payments SET applied = applied + 1, given = given + 1"))
        conn.execute(text("UPDATE order_lines SET quantity = 3, net = 3000"))
    with db.reader() as session:
        report = run_check(session)
    assert not report.ok
    text_ = " ".join(report.problems)
    assert f"receipt {receipt.receipt_no}" in text_.lower() or str(receipt.order_id) in text_
    assert "payments" in text_ and "differ" in text_


def test_a_paid_sale_without_its_journal_is_found_a_free_sample_is_not(db, new_uow, shift):
    """A sale whose amounts are all zero posts nothing; any other sale must have its journal."""
    from pos_app.domain.money import PPM
    from pos_app.domain.pricing import Discount

    product(new_uow, "CHAI", price=1000, stock=5)
    product(new_uow, "SACHET", price=250, cost=0, stock=5)
    with new_uow() as uow:  # the owner's shift: no approval needed for 100 %
        checkout = Checkout(uow, shift=shift)
        sachet = checkout.add("SACHET")
        checkout.discount_line(sachet.product_id, Discount.percent(PPM))
        checkout.confirm([Tender.cash(0)])
    with new_uow() as uow:
        checkout = Checkout(uow, shift=shift)
        checkout.add("CHAI", 2)
        paid = checkout.confirm([Tender.cash(5000)])
    with db.reader() as session:
        assert run_check(session).ok
    with db.engine.begin() as conn:
        where = "transaction_id IN (SELECT id FROM journal_transactions WHERE order_id = :o)"
        conn.execute(text(f"DELETE FROM journal_entries WHERE {where}"), {"o": paid.order_id})
        conn.execute(
            text("DELETE FROM journal_transactions WHERE order_id = :o"), {"o": paid.order_id}
        )
    with db.reader() as session:
        report = run_check(session)
    assert report.problems == [f"Sale {paid.order_id} has no journal transaction."]
