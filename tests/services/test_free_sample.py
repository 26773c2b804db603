"""A free sample (a 100 % line discount on an item that cost nothing) through the services,
on SQLite and PostgreSQL: it is rung up like any sale (receipt number, stock down, counted
in its till session) but posts no journal transaction, since every amount is zero; its
refund gives the stock back and posts nothing either; `pos-app check` stays clean."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from pos_app.domain.cart import Cart
from pos_app.domain.money import PPM
from pos_app.domain.postings import Accounts
from pos_app.domain.pricing import Discount
from pos_app.domain.staff import Permission, Role
from pos_app.domain.tender import Payment, Tender, TenderKind
from pos_app.services.customer_orders import save_order, ship_order
from pos_app.services.refund import Refund, void_sale
from pos_app.services.sale import Checkout
from pos_app.services.staff import approve
from pos_app.services.till import close_till
from tests.factories import assert_clean, customer, open_shift, product, staff, stock_of

CASH, CARD = TenderKind.CASH, TenderKind.CARD
FREE = Discount.percent(PPM)


@pytest.fixture
def team(new_uow):
    """A sample sachet (2.50 + 20 %, cost 0) and chai (cost 10.00); Cara sells on Till 1,
    Max (5678) approves her discounts above the store's limit."""
    owner = staff(new_uow, "Olive", Role.OWNER, "1234")
    product(new_uow, "SACHET", price=250, cost=0, tax_ppm=200_000, stock=10)
    product(new_uow, "CHAI", price=1800, cost=1000, tax_ppm=200_000, stock=10)
    staff(new_uow, "Max", Role.MANAGER, "5678", by=owner)
    cashier = staff(new_uow, "Cara", Role.CASHIER, "2468", by=owner)
    return open_shift(new_uow, till="Till 1", cashier=cashier)


def give_away(new_uow, shift, sku: str = "SACHET", quantity: int = 1, tenders=None):
    with new_uow() as other:  # asked before the sale holds the database (SQLite)
        approval = approve(other, "Max", "5678", Permission.DISCOUNT_OVER_LIMIT)
    with new_uow() as uow:
        checkout = Checkout(uow, shift=shift)
        item = checkout.add(sku, quantity)
        checkout.discount_line(item.product_id, FREE, approval)
        assert checkout.totals().total == 0
        return checkout.confirm([Tender.cash(0)] if tenders is None else tenders)


def q(db, sql: str, **params):
    with db.reader() as session:
        return session.execute(text(sql), params).all()


def journal_of(db, **column) -> list:
    ((name, value),) = column.items()
    return q(db, f"SELECT id FROM journal_transactions WHERE {name} = :v", v=value)


def assert_trial_balance_balanced(new_uow) -> None:
    with new_uow() as uow:
        rows = uow.ledger.trial_balance()
        uow.rollback()
    assert sum(r.debit for r in rows) == sum(r.credit for r in rows)


def test_a_free_sample_gets_a_receipt_and_stock_but_no_journal(db, new_uow, team):
    receipt = give_away(new_uow, team, quantity=2)
    assert receipt.receipt_no == 1
    assert (receipt.subtotal, receipt.tax, receipt.total) == (0, 0, 0)
    assert receipt.payments == ()  # a zero cash tender leaves no payment row
    assert stock_of(db, "SACHET") == 8
    assert q(db, "SELECT status, receipt_no, total FROM orders") == [("completed", 1, 0)]
    assert q(db, "SELECT quantity, discount, net, tax FROM order_lines") == [(2, 500, 0, 0)]
    assert q(db, "SELECT count(*) FROM payments") == [(0,)]
    assert q(db, "SELECT quantity, kind FROM stock_movements WHERE kind = 'sale'") == [(-2, "sale")]
    assert journal_of(db, order_id=receipt.order_id) == []
    assert q(db, "SELECT sales_count FROM till_sessions WHERE id = :s", s=team.session_id) == [(1,)]
    # a paid sale after it numbers on and posts as usual
    with new_uow() as uow:
        checkout = Checkout(uow, shift=team)
        checkout.add("CHAI")
        paid = checkout.confirm([Tender.cash(5000)])
    assert paid.receipt_no == 2 and len(journal_of(db, order_id=paid.order_id)) == 1
    assert_trial_balance_balanced(new_uow)
    assert_clean(db)


def test_a_free_sample_needs_no_tender_and_gives_back_all_cash_handed_over(db, new_uow, team):
    none = give_away(new_uow, team, tenders=[])
    handed = give_away(new_uow, team, tenders=[Tender.cash(500)])
    assert none.payments == ()
    assert handed.payments == (Payment(CASH, 0, 500, 500),) and handed.change == 500
    assert [none.receipt_no, handed.receipt_no] == [1, 2]
    assert stock_of(db, "SACHET") == 8
    assert q(db, "SELECT count(*) FROM journal_transactions WHERE order_id IS NOT NULL") == [(0,)]
    with new_uow() as uow:  # the drawer is as it was: nothing expected, nothing over or short
        report = close_till(uow, team.cashier, team.session_id, {CASH: 0, CARD: 0})
    assert (report.sales_count, report.net, report.discounts) == (2, 0, 500)
    assert q(db, "SELECT count(*) FROM journal_transactions") == [(1,)]  # the stock received
    assert_clean(db)


@pytest.mark.parametrize("tender", [CASH, CARD])
def test_refunding_a_free_sample_gives_the_stock_back_and_posts_nothing(db, new_uow, team, tender):
    receipt = give_away(new_uow, team, quantity=3)
    with new_uow() as other:
        approval = approve(other, "Max", "5678", Permission.REFUND)
    with new_uow() as uow:
        refund = Refund(uow, team, receipt.receipt_no, approval)
        refund.set_quantity(refund.lines[0].order_line_id, 2)
        assert refund.paid_back(tender) == 0
        refund.begin()
        back = refund.confirm(tender, "Customer changed their mind")
    assert (back.refund_no, back.total, back.cash_rounding) == (1, 0, 0)
    assert stock_of(db, "SACHET") == 9
    assert journal_of(db, refund_id=back.refund_id) == []
    with new_uow() as other:
        void_ok = approve(other, "Max", "5678", Permission.VOID_SALE)
    with new_uow() as uow:  # the last one comes back with a void
        voided = void_sale(uow, team, receipt.receipt_no, void_ok, "Rung up twice")
    assert (voided.refund_no, voided.kind, voided.total) == (2, "void", 0)
    assert stock_of(db, "SACHET") == 10
    assert q(db, "SELECT count(*) FROM journal_transactions WHERE refund_id IS NOT NULL") == [(0,)]
    assert_trial_balance_balanced(new_uow)
    assert_clean(db)


def test_a_free_item_that_cost_something_still_posts_its_cost(db, new_uow, team):
    receipt = give_away(new_uow, team, "CHAI", 2)
    assert receipt.total == 0
    entries = q(
        db,
        "SELECT a.code, e.debit, e.credit FROM journal_entries e"
        " JOIN accounts a ON a.id = e.account_id"
        " JOIN journal_transactions t ON t.id = e.transaction_id"
        " WHERE t.order_id = :o ORDER BY a.code",
        o=receipt.order_id,
    )
    assert entries == [(Accounts.INVENTORY, 0, 2000), (Accounts.COST_OF_GOODS_SOLD, 2000, 0)]
    with new_uow() as other:
        approval = approve(other, "Max", "5678", Permission.VOID_SALE)
    with new_uow() as uow:
        voided = void_sale(uow, team, receipt.receipt_no, approval, "Wrong item")
    (reversal,) = journal_of(db, refund_id=voided.refund_id)
    assert q(db, "SELECT reverses_id FROM journal_transactions WHERE id = :t", t=reversal[0]) == [
        journal_of(db, order_id=receipt.order_id)[0]
    ]
    assert stock_of(db, "CHAI") == 10
    assert_trial_balance_balanced(new_uow)
    assert_clean(db)


def test_shipping_a_free_customer_order_posts_nothing(db, new_uow, team):
    owner = staff(new_uow, "Olive", Role.OWNER, "1234")
    customer(new_uow, "ALFKI")
    with new_uow() as uow:
        sachet = uow.catalogue.sellable("SACHET")
        uow.rollback()
    cart = Cart()
    cart.add(sachet, 4)
    cart.discount_line(sachet.product_id, FREE, by=owner, limit_ppm=0)
    assert cart.totals().total == 0
    with new_uow() as uow:
        order_id = save_order(uow, cart, "ALFKI", actor=owner)
    with new_uow() as uow:
        ship_order(uow, order_id, actor=owner)
    assert q(db, "SELECT status FROM orders WHERE id = :o", o=order_id) == [("shipped",)]
    assert stock_of(db, "SACHET") == 6
    assert journal_of(db, order_id=order_id) == []
    assert_trial_balance_balanced(new_uow)
    assert_clean(db)
