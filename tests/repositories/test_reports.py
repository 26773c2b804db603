"""Reports on a small known store, exact to the cent, on SQLite and PostgreSQL.

Five till sales over three UTC days (card, cash, one split card + cash, one exactly at
midnight) and a shipped customer order that no till report may count.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import event, update

from pos_app.domain.cart import Cart
from pos_app.domain.errors import InvalidInput
from pos_app.domain.tender import Tender
from pos_app.persistence.models import Order
from pos_app.repositories.reports import (
    DaySales,
    ProductSales,
    ReportsRepository,
    TenderTakings,
)
from pos_app.services.customer_orders import save_order, ship_order
from pos_app.services.sale import Checkout
from pos_app.services.store import Store
from tests.factories import assert_clean, customer, product

MAR1 = datetime(2026, 3, 1, tzinfo=UTC)
MAR3 = datetime(2026, 3, 3, tzinfo=UTC)


def sell(new_uow, at: datetime, items: dict[str, int], tenders: list[Tender]) -> int:
    with new_uow() as uow:
        checkout = Checkout(uow, Cart())
        for code, quantity in items.items():
            checkout.add(code, quantity)
        order_id = checkout.confirm(tenders).order_id
    _complete_at(new_uow, order_id, at)
    return order_id


def _complete_at(new_uow, order_id: int, at: datetime) -> None:
    with new_uow() as uow:
        uow.session.execute(update(Order).where(Order.id == order_id).values(completed_at=at))
        uow.commit()


@pytest.fixture
def store(db, new_uow) -> Store:
    product(new_uow, "TEA", price=1000, cost=600, tax_ppm=200_000, stock=20)
    product(new_uow, "JAM", price=250, cost=100, tax_ppm=0, stock=20)
    sell(new_uow, MAR1 + timedelta(hours=9), {"TEA": 2}, [Tender.card(2400)])
    sell(new_uow, MAR1 + timedelta(hours=23, minutes=30), {"JAM": 1}, [Tender.cash(500)])
    sell(new_uow, MAR1 + timedelta(days=1, hours=10), {"TEA": 1, "JAM": 2}, [Tender.card(1700)])
    sell(
        new_uow,
        MAR1 + timedelta(days=1, hours=12),
        {"TEA": 1},
        [Tender.card(200), Tender.cash(1000)],
    )
    sell(new_uow, MAR3, {"JAM": 4}, [Tender.cash(1000)])  # midnight: belongs to 3 March
    customer(new_uow)
    with new_uow() as uow:
        cart = Cart()
        cart.add(uow.catalogue.sellable("TEA"), 3)
        order_id = save_order(uow, cart, "ALFKI")
    with new_uow() as uow:
        ship_order(uow, order_id)
    _complete_at(new_uow, order_id, MAR1 + timedelta(days=1, hours=11))
    assert_clean(db)
    return Store(db)


def test_takings_by_tender_sum_applied_payments_of_sales_in_the_period(store):
    assert store.takings_by_tender(MAR1, MAR3) == [
        TenderTakings("cash", 2, 250 + 1000),  # change given back is not takings
        TenderTakings("card", 3, 2400 + 1700 + 200),
    ]
    assert store.takings_by_tender(MAR1, MAR1 + timedelta(days=1)) == [
        TenderTakings("cash", 1, 250),
        TenderTakings("card", 1, 2400),
    ]
    # the until bound is exclusive, the since bound inclusive: the midnight sale is 3 March's
    assert store.takings_by_tender(MAR3, MAR3 + timedelta(days=1)) == [
        TenderTakings("cash", 1, 1000),
        TenderTakings("card", 0, 0),
    ]
    assert store.takings_by_tender(MAR1 - timedelta(days=1), MAR1) == [
        TenderTakings("cash", 0, 0),
        TenderTakings("card", 0, 0),
    ]


def test_sales_by_day_lists_every_utc_day_with_counts_and_amounts(store):
    assert store.sales_by_day(date(2026, 3, 1), date(2026, 3, 4)) == [
        DaySales(date(2026, 3, 1), 2, 2250, 400, 2650),
        DaySales(date(2026, 3, 2), 2, 2500, 400, 2900),
        DaySales(date(2026, 3, 3), 1, 1000, 0, 1000),
        DaySales(date(2026, 3, 4), 0, 0, 0, 0),
    ]


def test_sales_by_day_at_a_utc_offset_moves_sales_across_midnight(store):
    # UTC+1: the 23:30 sale is 00:30 on 2 March, the midnight one 01:00 on 3 March
    assert store.sales_by_day(date(2026, 3, 1), date(2026, 3, 3), utc_offset_minutes=60) == [
        DaySales(date(2026, 3, 1), 1, 2000, 400, 2400),
        DaySales(date(2026, 3, 2), 3, 2750, 400, 3150),
        DaySales(date(2026, 3, 3), 1, 1000, 0, 1000),
    ]
    # UTC-10: the 09:00 sale falls on 28 February (outside), the midnight one on 2 March
    assert store.sales_by_day(date(2026, 3, 1), date(2026, 3, 2), utc_offset_minutes=-600) == [
        DaySales(date(2026, 3, 1), 1, 250, 0, 250),
        DaySales(date(2026, 3, 2), 3, 3500, 400, 3900),
    ]


def test_sales_by_product_best_sellers_first(store):
    assert store.sales_by_product(MAR1, MAR3) == [
        ProductSales(1, "TEA", "Tea", 4, 4000),
        ProductSales(2, "JAM", "Jam", 3, 750),
    ]
    assert store.sales_by_product(MAR3, MAR3 + timedelta(days=1), limit=1) == [
        ProductSales(2, "JAM", "Jam", 4, 1000)
    ]


def test_trial_balance_of_the_known_store(store):
    balances = {(a.code, a.debit, a.credit) for a in store.trial_balance()}
    assert balances == {
        ("1000", 250 + 1000 + 1000, 0),  # cash taken
        ("1010", 2400 + 1700 + 200, 0),  # card
        ("1100", 3600, 0),  # the shipped customer order, billed
        ("1200", 12_000 + 2_000, 2400 + 700 + 1800),  # received; sold and shipped at cost
        ("2000", 0, 14_000),
        ("2200", 0, 800 + 600),
        ("3000", 0, 0),
        ("4000", 0, 5750 + 3000),
        ("5000", 2400 + 700 + 1800, 0),
        ("5100", 0, 0),
    }


def test_each_report_is_one_query(db, store):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # noqa: ANN001
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with db.reader() as session:
            reports = ReportsRepository(session)
            for report in (
                lambda: reports.takings_by_tender(MAR1, MAR3),
                lambda: reports.sales_by_day(date(2026, 1, 1), date(2026, 12, 31)),
                lambda: reports.sales_by_product(MAR1, MAR3),
            ):
                statements.clear()
                report()
                assert len(statements) == 1, statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.takings_by_tender(datetime(2026, 3, 1), MAR3),  # naive: which zone?
        lambda s: s.sales_by_product(MAR1, "tomorrow"),
        lambda s: s.sales_by_day(date(2026, 3, 2), date(2026, 3, 1)),
        lambda s: s.sales_by_day(date(2026, 3, 1), date(2026, 3, 2), utc_offset_minutes=24 * 60),
        lambda s: s.sales_by_day(date(2026, 3, 1), date(2026, 3, 2), utc_offset_minutes="60"),
    ],
)
def test_bad_periods_are_refused_with_a_sentence(store, call):
    with pytest.raises(InvalidInput):
        call(store)


def test_an_explicit_zone_is_the_same_instant(store):
    paris = timezone(timedelta(hours=1))
    since = datetime(2026, 3, 2, 0, 30, tzinfo=paris)  # 23:30 UTC on 1 March, inclusive
    assert store.takings_by_tender(since, since + timedelta(minutes=1))[0] == TenderTakings(
        "cash", 1, 250
    )
