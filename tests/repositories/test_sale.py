"""The till's main path, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from pos_app.domain.errors import (
    InvalidInput,
    NotFound,
    OutOfStock,
    TenderShort,
    TillClosed,
)
from pos_app.domain.postings import Accounts
from pos_app.domain.tender import Tender, TenderKind
from pos_app.repositories import UnitOfWork
from pos_app.services.sale import Checkout
from tests.factories import assert_clean, product, snapshot, stock_of


@pytest.fixture
def shop(new_uow):
    product(new_uow, "CHAI", price=1800, cost=1000, tax_ppm=200_000, stock=12, barcode="5000001")
    product(new_uow, "SYRUP", price=1000, cost=500, tax_ppm=50_000, stock=2, barcode="5000002")
    return new_uow


def count(db, table: str) -> int:
    with db.reader() as session:
        return session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608


def test_order_number_is_shown_before_confirm_and_sale_commits_whole(db, shop, shift):
    with shop() as uow:
        checkout = Checkout(uow, shift=shift)
        order_id = checkout.begin()
        assert isinstance(order_id, int) and order_id > 0
        checkout.add("5000001", 2)
        checkout.add("SYRUP")
        totals = checkout.totals()
        assert (totals.subtotal, totals.tax, totals.total) == (4600, 770, 5370)
        receipt = checkout.confirm([Tender.cash(10_000)])
    assert receipt.order_id == order_id
    assert receipt.receipt_no == 1
    assert receipt.change == 10_000 - 5370
    assert stock_of(db, "CHAI") == 10 and stock_of(db, "SYRUP") == 1
    with db.reader() as session:
        status = session.execute(
            text("SELECT status, receipt_no, total FROM orders WHERE id = :id"), {"id": order_id}
        ).one()
    assert tuple(status) == ("completed", 1, 5370)
    with UnitOfWork(db.writer) as uow:
        assert uow.ledger.balance_of(Accounts.CASH) == 5370
        assert uow.ledger.balance_of(Accounts.SALES_REVENUE) == -4600
        assert uow.ledger.balance_of(Accounts.SALES_TAX_PAYABLE) == -770
        assert uow.ledger.balance_of(Accounts.COST_OF_GOODS_SOLD) == 2500
        assert uow.sales.receipt(order_id) == receipt  # a reprint matches the original
    assert_clean(db)


def test_cancel_leaves_no_trace_and_receipt_numbers_stay_gapless(db, shop, shift):
    before = snapshot(db)
    with shop() as uow:
        checkout = Checkout(uow, shift=shift)
        order_id = checkout.begin()
        checkout.add("CHAI")
        checkout.cancel()
    assert snapshot(db) == before
    with shop() as uow:
        assert uow.sales.get(order_id) is None
    with shop() as uow:  # forgetting to confirm is a cancel too
        Checkout(uow, shift=shift).begin()
    assert snapshot(db) == before
    for _ in range(2):
        with shop() as uow:
            checkout = Checkout(uow, shift=shift)
            checkout.begin()
            checkout.add("CHAI")
            checkout.confirm([Tender.card(checkout.totals().total)])
    with db.reader() as session:
        numbers = session.execute(
            text("SELECT receipt_no FROM orders ORDER BY receipt_no")
        ).scalars()
        assert list(numbers) == [1, 2]
    assert_clean(db)


def test_short_stock_rolls_back_everything_and_names_each_product(db, shop, shift):
    before = snapshot(db)
    with shop() as uow:
        checkout = Checkout(uow, shift=shift)
        checkout.begin()
        checkout.add("CHAI", 20)
        checkout.add("SYRUP", 5)
        with pytest.raises(OutOfStock) as caught:
            checkout.confirm([Tender.cash(1_000_000)])
        short = {(s.sku, s.requested, s.available) for s in caught.value.shortages}
        assert short == {("CHAI", 20, 12), ("SYRUP", 5, 2)}
        assert "CHAI" in str(caught.value) and "SYRUP" in str(caught.value)
        assert snapshot(db) == before
        # The same unit of work goes on: fix the quantities and confirm.
        checkout.set_quantity(checkout.cart.lines[0].product.product_id, 12)
        checkout.remove(checkout.cart.lines[1].product.product_id)
        receipt = checkout.confirm([Tender.card(checkout.totals().total)])
    assert receipt.receipt_no == 1
    assert stock_of(db, "CHAI") == 0
    assert_clean(db)


def test_bad_input_is_refused_and_changes_nothing(db, shop, shift):
    before = snapshot(db)
    with shop() as uow:
        checkout = Checkout(uow, shift=shift)
        checkout.begin()
        with pytest.raises(NotFound):
            checkout.add("NO-SUCH-CODE")
        with pytest.raises(InvalidInput):
            checkout.add("CHAI", 0)
        with pytest.raises(InvalidInput):
            checkout.add("CHAI", -3)
        with pytest.raises(InvalidInput):
            checkout.add("CHAI", 10**9)
        with pytest.raises(InvalidInput):
            checkout.confirm([Tender.cash(100)])  # empty cart
        checkout.add("CHAI")
        with pytest.raises(TenderShort):
            checkout.confirm([Tender.cash(100)])
        with pytest.raises(InvalidInput):
            checkout.confirm([Tender.card(10**6)])  # card over the amount due
        with pytest.raises(InvalidInput):
            Tender.cash(-5)
    assert snapshot(db) == before


def test_confirm_retried_with_same_key_never_records_twice(db, shop, shift):
    with shop() as uow:
        first = Checkout(uow, shift=shift, client_key="11111111-2222-3333-4444-555555555555")
        first.begin()
        first.add("CHAI")
        receipt = first.confirm([Tender.cash(5000)])
    # A till that lost the answer retries the same sale on a new unit of work.
    with shop() as uow:
        again = Checkout(uow, shift=shift, client_key="11111111-2222-3333-4444-555555555555")
        again.add("CHAI")
        second = again.confirm([Tender.cash(5000)])
    assert second.receipt_no == receipt.receipt_no
    assert second.order_id == receipt.order_id
    assert count(db, "orders") == 1
    assert stock_of(db, "CHAI") == 11
    assert_clean(db)


def test_mixed_tenders_card_then_cash_with_change(db, shop, shift):
    with shop() as uow:
        checkout = Checkout(uow, shift=shift)
        checkout.add("CHAI", 2)  # 36.00 + 7.20 tax = 43.20
        receipt = checkout.confirm([Tender.cash(2000), Tender.card(3000)])
    kinds = {p.kind: p for p in receipt.payments}
    assert kinds[TenderKind.CARD].applied == 3000
    assert kinds[TenderKind.CASH].applied == 1320 and kinds[TenderKind.CASH].change == 680
    assert_clean(db)


def test_customer_on_a_sale_must_exist(db, shop, shift):
    with shop() as uow:
        checkout = Checkout(uow, shift=shift)
        checkout.cart.customer_code = "NOBODY"
        with pytest.raises(NotFound):
            checkout.begin()
    assert count(db, "orders") == 0


def test_a_sale_records_its_cashier_and_till_session(db, shop, shift):
    with shop() as uow:
        checkout = Checkout(uow, shift=shift)
        checkout.add("CHAI")
        receipt = checkout.confirm([Tender.cash(5000)])
    assert (receipt.cashier, receipt.till_name) == ("Olive", "Till 1")
    with db.reader() as session:
        row = session.execute(
            text("SELECT staff_id, till_session_id FROM orders WHERE id = :id"),
            {"id": receipt.order_id},
        ).one()
        sales_count = session.execute(
            text("SELECT sales_count FROM till_sessions WHERE id = :id"),
            {"id": shift.session_id},
        ).scalar_one()
    assert tuple(row) == (shift.cashier.staff_id, shift.session_id)
    assert sales_count == 1
    assert_clean(db)


def close_till_behind_the_cashiers_back(new_uow, session_id: int) -> None:
    """What closing the till from another till or the back office commits (by SQL)."""
    with new_uow() as closer:
        with closer.guard():
            closer.session.execute(
                text(
                    "UPDATE till_sessions SET status = 'closed', z_no = 1, "
                    "closed_at = CURRENT_TIMESTAMP WHERE id = :id"
                ),
                {"id": session_id},
            )
        closer.commit()


@pytest.mark.parametrize("when", ["before begin", "after begin"])
def test_a_sale_whose_till_was_closed_meanwhile_stores_nothing(db, shop, shift, when):
    """The cashier's shift went stale: the till was closed elsewhere before the sale
    committed. An open header holds the session row (the SQLite write lock; on PostgreSQL
    the foreign key's share lock), so a closing cannot commit under it: "after begin" is the
    header rolled back (a lost connection, a busy database) and the sale confirmed again."""
    before = snapshot(db)
    with shop() as uow:
        checkout = Checkout(uow, shift=shift)
        if when == "after begin":
            checkout.begin()
            checkout.add("CHAI", 2)
            uow.rollback()
            close_till_behind_the_cashiers_back(shop, shift.session_id)
        else:
            close_till_behind_the_cashiers_back(shop, shift.session_id)
            checkout.begin()  # the dialog still opens and shows a number
            checkout.add("CHAI", 2)
        closed = snapshot(db)
        with pytest.raises(TillClosed):
            checkout.confirm([Tender.cash(10_000)])
        assert checkout.receipt is None
        assert snapshot(db) == closed
    assert snapshot(db) == closed
    assert {t: rows for t, rows in closed.items() if t != "till_sessions"} == {
        t: rows for t, rows in before.items() if t != "till_sessions"
    }
    assert count(db, "orders") == 0 and stock_of(db, "CHAI") == 12
    assert_clean(db)


def test_no_sale_without_an_open_till_session(shop):
    with shop() as uow:
        with pytest.raises(TypeError):
            Checkout(uow)  # type: ignore[call-arg]
        with pytest.raises(TillClosed):
            Checkout(uow, shift=None)  # type: ignore[arg-type]
