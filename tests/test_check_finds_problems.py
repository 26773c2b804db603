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
