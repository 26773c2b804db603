"""The two tutorials as store scenarios, on SQLite and PostgreSQL.

Inventory: customer orders ship all-or-nothing; an order that would take stock below zero
rolls back whole and leaves the order open. Double entry: a receiving or manual journal
entry shows its flushed ID before it is confirmed, and posts balanced entries or nothing.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from pos_app.domain.cart import Cart
from pos_app.domain.errors import (
    InvalidInput,
    InvalidState,
    NotFound,
    OutOfStock,
    Shortage,
    UnbalancedJournal,
)
from pos_app.domain.postings import Accounts, Posting
from pos_app.persistence.models import JournalTransaction, Order, Product, Purchase
from pos_app.repositories.catalogue import snapshot_of
from pos_app.services.customer_orders import save_order, ship_order
from pos_app.services.journal import ManualJournalEntry
from pos_app.services.receiving import Receiving
from tests.factories import assert_clean, customer, owner, product, receive, snapshot, stock_of


def order_cart(new_uow, lines: dict[str, int]) -> Cart:
    cart = Cart()
    with new_uow() as uow:
        for code, quantity in lines.items():
            cart.add(snapshot_of(uow.catalogue.by_code(code)), quantity)
    return cart


def place(new_uow, lines: dict[str, int], customer_code: str = "ALFKI") -> int:
    olive = owner(new_uow)
    cart = order_cart(new_uow, lines)
    with new_uow() as uow:
        return save_order(uow, cart, customer_code, actor=olive)


def status_of(db, order_id: int) -> str:
    with db.reader() as session:
        return session.scalar(select(Order.status).where(Order.id == order_id))


def entries_of(db, **where) -> set[tuple[str, int, int]]:
    """(account code, debit, credit) of the journal transactions matching ``where``."""
    clauses = " AND ".join(f"t.{column} = :{column}" for column in where)
    with db.reader() as session:
        rows = session.execute(
            text(
                "SELECT a.code, e.debit, e.credit FROM journal_entries e "
                "JOIN accounts a ON a.id = e.account_id "
                "JOIN journal_transactions t ON t.id = e.transaction_id "
                f"WHERE {clauses}"
            ),
            where,
        )
        return {tuple(row) for row in rows}


def balance(new_uow, code: str) -> int:
    with new_uow() as uow:
        return uow.ledger.balance_of(code)


@pytest.fixture
def northwind(new_uow):
    """12 Chai and 2 Aniseed Syrup, received the normal way, and customer ALFKI."""
    product(new_uow, "CHAI", name="Chai", price=1800, cost=1000, tax_ppm=200_000, barcode="5000001")
    product(
        new_uow,
        "SYRUP",
        name="Aniseed Syrup",
        price=1000,
        cost=500,
        tax_ppm=50_000,
        barcode="5000002",
    )
    receive(new_uow, {"CHAI": (12, 1000), "SYRUP": (2, 500)}, supplier="Exotic Liquids")
    customer(new_uow, "ALFKI", "Around the Horn")
    return new_uow


# -- inventory tutorial ----------------------------------------------------------------


def test_inventory_tutorial_orders_ship_or_roll_back_whole(db, northwind):
    new_uow = northwind
    olive = owner(new_uow)
    assert (stock_of(db, "CHAI"), stock_of(db, "SYRUP")) == (12, 2)

    order1 = place(new_uow, {"CHAI": 8})
    order2 = place(new_uow, {"CHAI": 3, "SYRUP": 5})
    # saving an order reserves nothing: stock only moves when it ships
    assert (stock_of(db, "CHAI"), stock_of(db, "SYRUP")) == (12, 2)
    assert status_of(db, order1) == status_of(db, order2) == "open"

    with new_uow() as uow:
        ship_order(uow, order1, actor=olive)
    assert (stock_of(db, "CHAI"), stock_of(db, "SYRUP")) == (4, 2)
    assert status_of(db, order1) == "shipped"

    before = snapshot(db)
    with new_uow() as uow:
        with pytest.raises(OutOfStock) as caught:
            ship_order(uow, order2, actor=olive)
        # the unit of work stays usable after the rollback: no PendingRollbackError
        assert uow.catalogue.by_sku("CHAI").stock_on_hand == 4
    assert snapshot(db) == before
    assert (stock_of(db, "CHAI"), stock_of(db, "SYRUP")) == (4, 2)
    assert status_of(db, order2) == "open"
    (short,) = caught.value.shortages
    assert isinstance(short, Shortage)
    assert (short.sku, short.name, short.requested, short.available) == (
        "SYRUP",
        "Aniseed Syrup",
        5,
        2,
    )
    assert "Aniseed Syrup" in str(caught.value) and "2 in stock" in str(caught.value)
    assert "CHAI" not in str(caught.value)  # Chai alone would have fitted

    # a later order for 1 Chai still goes through
    order3 = place(new_uow, {"CHAI": 1})
    with new_uow() as uow:
        ship_order(uow, order3, actor=olive)
    assert (stock_of(db, "CHAI"), stock_of(db, "SYRUP")) == (3, 2)
    assert status_of(db, order3) == "shipped"
    assert status_of(db, order2) == "open"

    # shipping twice is refused and changes nothing
    before = snapshot(db)
    for shipped in (order1, order3):
        with new_uow() as uow, pytest.raises(InvalidState, match="already shipped"):
            ship_order(uow, shipped, actor=olive)
    with new_uow() as uow, pytest.raises(NotFound):
        ship_order(uow, 999_999, actor=olive)
    assert snapshot(db) == before

    # each shipment billed to receivables at the order's prices, cost at the product cost
    assert entries_of(db, order_id=order1) == {
        (Accounts.ACCOUNTS_RECEIVABLE, 17_280, 0),
        (Accounts.SALES_REVENUE, 0, 14_400),
        (Accounts.SALES_TAX_PAYABLE, 0, 2_880),
        (Accounts.COST_OF_GOODS_SOLD, 8_000, 0),
        (Accounts.INVENTORY, 0, 8_000),
    }
    assert entries_of(db, order_id=order2) == set()
    assert balance(new_uow, Accounts.ACCOUNTS_RECEIVABLE) == 17_280 + 2_160
    assert balance(new_uow, Accounts.INVENTORY) == 12 * 1000 + 2 * 500 - 9 * 1000
    with db.reader() as session:
        moved = session.execute(
            text("SELECT order_id, quantity FROM stock_movements WHERE kind = 'shipment'")
        ).all()
    assert sorted(moved) == sorted([(order1, -8), (order3, -1)])
    assert_clean(db)


def test_a_short_order_ships_once_stock_arrives(db, northwind):
    new_uow = northwind
    olive = owner(new_uow)
    order = place(new_uow, {"CHAI": 3, "SYRUP": 5})
    with new_uow() as uow:
        with pytest.raises(OutOfStock):
            ship_order(uow, order, actor=olive)
        receive(new_uow, {"SYRUP": (3, 500)})
        ship_order(uow, order, actor=olive)  # the same unit of work, after its rollback
    assert (stock_of(db, "CHAI"), stock_of(db, "SYRUP")) == (9, 0)
    assert status_of(db, order) == "shipped"
    assert_clean(db)


def test_saving_an_order_checks_customer_and_lines(db, northwind):
    new_uow = northwind
    olive = owner(new_uow)
    before = snapshot(db)
    with new_uow() as uow, pytest.raises(InvalidInput):
        save_order(uow, Cart(), "ALFKI", actor=olive)
    cart = order_cart(new_uow, {"CHAI": 1})
    with new_uow() as uow, pytest.raises(NotFound):
        save_order(uow, cart, "NOBODY", actor=olive)
    assert snapshot(db) == before
    with new_uow() as uow:
        # codes are found whatever the case
        order_id = save_order(uow, cart, " alfki ", actor=olive)
    with new_uow() as uow:
        order = uow.sales.with_lines(order_id)
        assert (order.kind, order.status, order.customer.code) == (
            "customer_order",
            "open",
            "ALFKI",
        )
        assert (order.subtotal, order.tax, order.total, order.receipt_no) == (1800, 360, 2160, None)
    assert_clean(db)


# -- double-entry tutorial -------------------------------------------------------------


@pytest.fixture
def chai(new_uow):
    product(new_uow, "CHAI", name="Chai", price=1800, cost=0, barcode="5000001")
    return new_uow


def purchase_ids(db) -> list[int]:
    with db.reader() as session:
        return list(session.scalars(select(Purchase.id)))


def test_receiving_shows_its_flushed_id_and_leaves_no_trace_when_cancelled(db, chai):
    olive = owner(chai)
    before = snapshot(db)
    with chai() as uow:
        receiving = Receiving(uow, "Exotic Liquids", reference="PO-1", actor=olive)
        purchase_id = receiving.begin()
        assert isinstance(purchase_id, int) and purchase_id > 0
        assert receiving.begin() == purchase_id  # asking again does not make another
        assert receiving.purchase_id == purchase_id
        # visible to this unit of work, not yet to anyone else
        assert uow.purchases.get(purchase_id).status == "open"
        assert purchase_id not in purchase_ids(db)
        receiving.add("CHAI", 5, 1000)
        receiving.cancel()
        assert uow.purchases.get(purchase_id) is None
    assert purchase_id not in purchase_ids(db)
    assert snapshot(db) == before
    with chai() as uow:  # closing without confirming is a cancel too
        receiving = Receiving(uow, "Exotic Liquids", actor=olive)
        forgotten = receiving.begin()
        receiving.add("CHAI", 5, 1000)
    assert forgotten not in purchase_ids(db)
    assert snapshot(db) == before
    assert stock_of(db, "CHAI") == 0


@pytest.mark.parametrize(
    ("paid_in_cash", "source"), [(False, Accounts.ACCOUNTS_PAYABLE), (True, Accounts.CASH)]
)
def test_confirming_a_receiving_posts_inventory_and_raises_stock(db, chai, paid_in_cash, source):
    olive = owner(chai)
    with chai() as uow:
        receiving = Receiving(uow, "Exotic Liquids", paid_in_cash=paid_in_cash, actor=olive)
        shown = receiving.begin()
        receiving.add("5000001", 12, 1000)
        assert receiving.total_cost() == 12_000
        confirmed = receiving.confirm()
        assert receiving.confirm() == confirmed  # confirming twice does nothing more
    assert confirmed == shown
    assert stock_of(db, "CHAI") == 12
    assert entries_of(db, purchase_id=confirmed) == {
        (Accounts.INVENTORY, 12_000, 0),
        (source, 0, 12_000),
    }
    with chai() as uow:
        purchase = uow.purchases.get(confirmed)
        assert (purchase.status, purchase.total_cost, purchase.paid_in_cash) == (
            "received",
            12_000,
            paid_in_cash,
        )
        assert purchase.received_at is not None and purchase.received_at.tzinfo is not None
        assert [(l.quantity, l.unit_cost) for l in purchase.lines] == [(12, 1000)]
        assert uow.stock.movements_total(uow.catalogue.by_sku("CHAI").id) == 12
        assert uow.ledger.balance_of(Accounts.INVENTORY) == 12_000
        assert uow.ledger.balance_of(source) == -12_000
    assert_clean(db)


def test_receiving_refuses_bad_input_and_changes_nothing(db, chai):
    olive = owner(chai)
    before = snapshot(db)
    with pytest.raises(InvalidInput):
        Receiving(chai(), "   ", actor=olive)
    with pytest.raises(InvalidInput):
        Receiving(chai(), "x" * 81, actor=olive)
    with chai() as uow:
        receiving = Receiving(uow, "Exotic Liquids", actor=olive)
        receiving.begin()
        with pytest.raises(InvalidInput):
            receiving.confirm()  # nothing to receive
        with pytest.raises(NotFound):
            receiving.add("NOPE", 1, 100)
        with pytest.raises(InvalidInput):
            receiving.add("CHAI", 0, 100)
        with pytest.raises(InvalidInput):
            receiving.add("CHAI", 1, -100)
    assert snapshot(db) == before


def unit_cost(db, sku: str) -> int:
    with db.reader() as session:
        return session.scalar(select(Product.unit_cost).where(Product.sku == sku))


def test_weighted_average_cost_after_two_receivings(db, chai):
    receive(chai, {"CHAI": (10, 500)})
    assert unit_cost(db, "CHAI") == 500
    receive(chai, {"CHAI": (5, 800)})  # (10*5.00 + 5*8.00) / 15 = 6.00
    assert unit_cost(db, "CHAI") == 600
    receive(chai, {"CHAI": (3, 333)})  # (15*6.00 + 3*3.33) / 18 = 5.555 -> 5.56 (half up)
    assert unit_cost(db, "CHAI") == 556
    assert stock_of(db, "CHAI") == 18
    with chai() as uow:
        assert uow.ledger.balance_of(Accounts.INVENTORY) == 5000 + 4000 + 999
    assert_clean(db)


def test_weighted_average_rounds_half_up_and_restarts_from_empty(db, chai):
    olive = owner(chai)
    receive(chai, {"CHAI": (1, 100)})
    receive(chai, {"CHAI": (1, 101)})  # 100.5 -> 101
    assert unit_cost(db, "CHAI") == 101
    with chai() as uow:  # count the shelf empty: the next receiving sets the cost afresh
        from pos_app.services.catalogue import record_count

        record_count(uow, uow.catalogue.by_sku("CHAI").id, 0, actor=olive)
    receive(chai, {"CHAI": (4, 250)})
    assert unit_cost(db, "CHAI") == 250
    # one product on two lines of one receiving: received at their average
    receive(chai, {"CHAI": (4, 250)})
    with chai() as uow:
        receiving = Receiving(uow, "Supplier", actor=olive)
        receiving.add("CHAI", 1, 300)
        receiving.add("CHAI", 3, 100)
        receiving.confirm()
    assert unit_cost(db, "CHAI") == (8 * 250 + 300 + 300 + 6) // 12  # 2606/12 = 217.17 -> 217
    assert stock_of(db, "CHAI") == 12
    assert_clean(db)


def transaction_ids(db) -> list[int]:
    with db.reader() as session:
        return list(session.scalars(select(JournalTransaction.id)))


CAPITAL = [Posting(Accounts.CASH, debit=500_000), Posting(Accounts.OWNER_EQUITY, credit=500_000)]


def test_manual_journal_entry_shows_its_id_then_posts_balanced(db, new_uow):
    olive = owner(new_uow)
    with new_uow() as uow:
        entry = ManualJournalEntry(uow, actor=olive)
        shown = entry.begin()
        assert isinstance(shown, int) and shown > 0
        assert entry.begin() == shown
        assert shown not in transaction_ids(db)  # flushed, not committed
        posted = entry.post("  Owner's opening capital ", CAPITAL)
        assert entry.post("Owner's opening capital", CAPITAL) == posted  # no double posting
        with pytest.raises(InvalidState):
            entry.begin()
    assert posted == shown
    assert transaction_ids(db) == [posted]
    assert entries_of(db, id=posted) == {
        (Accounts.CASH, 500_000, 0),
        (Accounts.OWNER_EQUITY, 0, 500_000),
    }
    with db.reader() as session:
        txn = session.get(JournalTransaction, posted)
        assert (txn.kind, txn.description) == ("manual", "Owner's opening capital")
    assert balance(new_uow, Accounts.CASH) == 500_000
    assert balance(new_uow, Accounts.OWNER_EQUITY) == -500_000
    assert_clean(db)


def test_manual_journal_entry_refuses_unbalanced_or_unknown_and_changes_nothing(db, new_uow):
    olive = owner(new_uow)
    before = snapshot(db)
    with new_uow() as uow:
        entry = ManualJournalEntry(uow, actor=olive)
        shown = entry.begin()
        with pytest.raises(UnbalancedJournal) as caught:
            entry.post(
                "Typo",
                [
                    Posting(Accounts.CASH, debit=10_000),
                    Posting(Accounts.OWNER_EQUITY, credit=1_000),
                ],
            )
        assert caught.value.field == "entries"
        assert "90.00" in str(caught.value)
        with pytest.raises(UnbalancedJournal):
            entry.post("One-sided", [Posting(Accounts.CASH, debit=10_000)])
        with pytest.raises(UnbalancedJournal):
            entry.post("Empty", [])
        with pytest.raises(NotFound, match="9999"):
            entry.post(
                "Unknown account",
                [Posting("9999", debit=10_000), Posting(Accounts.OWNER_EQUITY, credit=10_000)],
            )
        with pytest.raises(InvalidInput):
            entry.post("", CAPITAL)
        with pytest.raises(InvalidInput):
            entry.post("x" * 201, CAPITAL)
        assert not entry.posted
        assert snapshot(db) == before
        # the dialog goes on: fixed, it posts under the number it showed
        assert entry.post("Owner's opening capital", CAPITAL) == shown
    assert transaction_ids(db) == [shown]
    with new_uow() as uow:
        entry = ManualJournalEntry(uow, actor=olive)
        cancelled = entry.begin()
        entry.cancel()
    assert cancelled not in transaction_ids(db)
    assert transaction_ids(db) == [shown]
    assert_clean(db)
