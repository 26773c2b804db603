"""Reports on a small known store, exact to the cent, on SQLite and PostgreSQL.

Five till sales over three UTC days (card, cash, one split card + cash, one exactly at
midnight) by two cashiers, and a shipped customer order that no till report may count.
``refunded`` adds two refunds and a void (and an unfinished refund that must not count).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import uuid

import pytest
from sqlalchemy import event, select, update

from pos_app.domain.cart import Cart
from pos_app.domain.errors import InvalidInput
from pos_app.domain.staff import Role, Shift, StaffMember
from pos_app.domain.tender import Tender
from pos_app.persistence.models import (
    Order,
    OrderLine,
    Product,
    Refund,
    RefundLine,
    TillSession,
)
from pos_app.repositories.reports import (
    NO_CASHIER,
    CashierSales,
    DaySales,
    ProductSales,
    ReportsRepository,
    TenderTakings,
)
from pos_app.services.customer_orders import save_order, ship_order
from pos_app.services.sale import Checkout
from pos_app.services.store import Store
from tests.factories import assert_clean, customer, open_shift, product, staff

MAR1 = datetime(2026, 3, 1, tzinfo=UTC)
MAR3 = datetime(2026, 3, 3, tzinfo=UTC)


def sell(
    new_uow, at: datetime, items: dict[str, int], tenders: list[Tender], *, shift: Shift
) -> int:
    with new_uow() as uow:
        checkout = Checkout(uow, Cart(), shift=shift)
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
def olive(shift) -> StaffMember:
    return shift.cashier  # the owner, selling on Till 1


@pytest.fixture
def cara(new_uow, olive) -> StaffMember:
    return staff(new_uow, "Cara", Role.CASHIER, "2468", by=olive)


@pytest.fixture
def store(db, new_uow, shift, cara) -> Store:
    till2 = open_shift(new_uow, till="Till 2", cashier=cara)
    product(new_uow, "TEA", price=1000, cost=600, tax_ppm=200_000, stock=20)
    product(new_uow, "JAM", price=250, cost=100, tax_ppm=0, stock=20)
    sell(new_uow, MAR1 + timedelta(hours=9), {"TEA": 2}, [Tender.card(2400)], shift=shift)
    sell(
        new_uow,
        MAR1 + timedelta(hours=23, minutes=30),
        {"JAM": 1},
        [Tender.cash(500)],
        shift=shift,
    )
    sell(
        new_uow,
        MAR1 + timedelta(days=1, hours=10),
        {"TEA": 1, "JAM": 2},
        [Tender.card(1700)],
        shift=shift,
    )
    sell(
        new_uow,
        MAR1 + timedelta(days=1, hours=12),
        {"TEA": 1},
        [Tender.card(200), Tender.cash(1000)],
        shift=till2,
    )
    # midnight: belongs to 3 March
    sell(new_uow, MAR3, {"JAM": 4}, [Tender.cash(1000)], shift=till2)
    customer(new_uow)
    with new_uow() as uow:
        cart = Cart()
        cart.add(uow.catalogue.sellable("TEA"), 3)
        order_id = save_order(uow, cart, "ALFKI", actor=shift.cashier)
    with new_uow() as uow:
        ship_order(uow, order_id, actor=shift.cashier)
    _complete_at(new_uow, order_id, MAR1 + timedelta(days=1, hours=11))
    with new_uow() as uow:  # the tills were opened before the (back-dated) sales
        uow.session.execute(update(TillSession).values(opened_at=MAR1 - timedelta(days=1)))
        uow.commit()
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
        ("1020", 0, 0),  # safe and bank
        ("1100", 3600, 0),  # the shipped customer order, billed
        ("1200", 12_000 + 2_000, 2400 + 700 + 1800),  # received; sold and shipped at cost
        ("2000", 0, 14_000),
        ("2200", 0, 800 + 600),
        ("3000", 0, 0),
        ("4000", 0, 5750 + 3000),
        ("5000", 2400 + 700 + 1800, 0),
        ("5100", 0, 0),
        ("4900", 0, 0),  # cash rounding
        ("5200", 0, 0),  # cash over and short
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


# -- by cashier, date ranges in local days, refunds netted ----------------------------------

MAR2 = MAR1 + timedelta(days=1)
UTC_PLUS_1 = 60
UTC_MINUS_10 = -600


def give_back(
    new_uow,
    receipt_order_id: int,
    items: dict[str, int],
    *,
    at: datetime | None,
    tender: str,
    by: StaffMember,
    approved_by: StaffMember | None = None,
    kind: str = "refund",
) -> int:
    """A refund (or a void) as the refund service stores it, written straight in SQL; ``at``
    None leaves it unfinished (no number, not completed)."""
    with new_uow() as uow:
        session = uow.session
        lines = {
            sku: line
            for line, sku in session.execute(
                select(OrderLine, Product.sku)
                .join(Product, Product.id == OrderLine.product_id)
                .where(OrderLine.order_id == receipt_order_id)
            )
        }
        refund = Refund(
            kind=kind,
            status="open" if at is None else "completed",
            client_key=str(uuid.uuid4()),
            order_id=receipt_order_id,
            staff_id=by.staff_id,
            authorised_by=approved_by.staff_id if approved_by else None,
            tender=tender,
            refund_no=None if at is None else uow.sales.next_number("refund"),
            completed_at=at,
        )
        session.add(refund)
        session.flush()
        for sku, quantity in items.items():
            line = lines[sku]
            net, tax = line.net * quantity // line.quantity, line.tax * quantity // line.quantity
            session.add(
                RefundLine(
                    refund_id=refund.id,
                    order_line_id=line.id,
                    product_id=line.product_id,
                    quantity=quantity,
                    net=net,
                    tax=tax,
                    unit_cost=line.unit_cost,
                )
            )
            refund.subtotal += net
            refund.tax += tax
            line.refunded_quantity += quantity
        refund.total = refund.subtotal + refund.tax
        uow.commit()
        return refund.id


@pytest.fixture
def refunded(store, new_uow, olive, cara) -> Store:
    """The known store plus: one Tea of the first sale back to the card at 18:00 on 2 March
    (Olive); two Jams of the midnight sale back in cash at 00:30 on 3 March (Cara, approved
    by Olive); the 23:30 sale voided at 23:45 on 1 March (Olive); and a refund never
    finished (ignored)."""
    with store.db.reader() as session:
        orders = session.scalars(
            select(Order.id).where(Order.kind == "sale").order_by(Order.completed_at)
        ).all()
    give_back(
        new_uow, orders[0], {"TEA": 1}, at=MAR2 + timedelta(hours=18), tender="card", by=olive
    )
    give_back(
        new_uow,
        orders[4],
        {"JAM": 2},
        at=MAR3 + timedelta(minutes=30),
        tender="cash",
        by=cara,
        approved_by=olive,
    )
    give_back(
        new_uow,
        orders[1],
        {"JAM": 1},
        at=MAR1 + timedelta(hours=23, minutes=45),
        tender="cash",
        by=olive,
        kind="void",
    )
    give_back(new_uow, orders[2], {"TEA": 1}, at=None, tender="cash", by=olive)
    return store


def test_sales_by_cashier_with_average_sale(store, olive, cara):
    assert store.sales_by_cashier(date(2026, 3, 1), date(2026, 3, 3)) == [
        CashierSales(cara.staff_id, "Cara", 2, 2000, 200, 2200),
        CashierSales(olive.staff_id, "Olive", 3, 3750, 600, 4350),
    ]
    cara_row, olive_row = store.sales_by_cashier(date(2026, 3, 1), date(2026, 3, 3))
    assert (cara_row.average_sale, olive_row.average_sale) == (1100, 1450)
    # the period's last day is included; 3 March holds only Cara's midnight sale
    assert store.sales_by_cashier(date(2026, 3, 3), date(2026, 3, 3)) == [
        CashierSales(cara.staff_id, "Cara", 1, 1000, 0, 1000)
    ]
    assert store.sales_by_cashier(date(2026, 3, 4), date(2026, 3, 31)) == []


def test_average_sale_rounds_half_a_cent_up():
    assert CashierSales(1, "A", 3, 0, 0, 1000).average_sale == 333  # 333.33…
    assert CashierSales(1, "A", 2, 0, 0, 1001).average_sale == 501  # 500.5
    assert CashierSales(1, "A", 3, 0, 0, 1001, 1, 1).average_sale == 334  # refunds aside
    assert CashierSales(None, NO_CASHIER, 0, -500, 0, -500, 1, 500).average_sale == 0


def test_sales_with_no_cashier_recorded_come_last(db, store, new_uow, olive, cara):
    with new_uow() as uow:  # a sale rung up before tills had sign-in
        uow.session.execute(
            update(Order).where(Order.completed_at == MAR3).values(staff_id=None)
        )
        uow.commit()
    assert store.sales_by_cashier(date(2026, 3, 2), date(2026, 3, 3)) == [
        CashierSales(cara.staff_id, "Cara", 1, 1000, 200, 1200),
        CashierSales(olive.staff_id, "Olive", 1, 1500, 200, 1700),
        CashierSales(None, NO_CASHIER, 1, 1000, 0, 1000),
    ]


def test_refunds_are_netted_on_the_day_they_were_given(refunded):
    assert refunded.sales_by_day(date(2026, 3, 1), date(2026, 3, 3)) == [
        DaySales(date(2026, 3, 1), 2, 2000, 400, 2400, 1, 250),  # the 23:45 void
        DaySales(date(2026, 3, 2), 2, 1500, 200, 1700, 1, 1200),  # a Tea back at 18:00
        DaySales(date(2026, 3, 3), 1, 500, 0, 500, 1, 500),  # two Jams back at 00:30
    ]
    assert refunded.sales_by_day(date(2026, 3, 1), date(2026, 3, 1))[0].sales_total == 2650


def test_local_days_at_a_utc_offset_bound_sales_and_refunds(refunded):
    # UTC+1: 23:30 and 23:45 UTC on 1 March are 00:30 and 00:45 on 2 March
    assert refunded.sales_by_day(
        date(2026, 3, 1), date(2026, 3, 3), utc_offset_minutes=UTC_PLUS_1
    ) == [
        DaySales(date(2026, 3, 1), 1, 2000, 400, 2400),
        DaySales(date(2026, 3, 2), 3, 1500, 200, 1700, 2, 1450),
        DaySales(date(2026, 3, 3), 1, 500, 0, 500, 1, 500),
    ]
    # UTC-10: 10:00 UTC on 2 March is local midnight, the first instant of 2 March
    assert refunded.sales_by_day(
        date(2026, 3, 1), date(2026, 3, 2), utc_offset_minutes=UTC_MINUS_10
    ) == [
        DaySales(date(2026, 3, 1), 1, 0, 0, 0, 1, 250),
        DaySales(date(2026, 3, 2), 3, 2000, 200, 2200, 2, 1700),
    ]
    # the same local day through every report: 2 March at UTC+1 is 23:00 1 March to 23:00
    # 2 March UTC (the 23:30 sale and the 23:45 void in, nothing of 3 March)
    day = (date(2026, 3, 2), date(2026, 3, 2))
    assert refunded.takings_by_tender(*day, utc_offset_minutes=UTC_PLUS_1) == [
        TenderTakings("cash", 2, 250 + 1000 - 250, 1, 250),
        TenderTakings("card", 2, 1700 + 200 - 1200, 1, 1200),
    ]
    assert refunded.sales_by_product(*day, utc_offset_minutes=UTC_PLUS_1) == [
        ProductSales(1, "TEA", "Tea", 1, 1000, 1, 1000),
        ProductSales(2, "JAM", "Jam", 2, 500, 1, 250),
    ]


def test_takings_by_tender_net_of_refunds_paid_back(refunded):
    takings = refunded.takings_by_tender(date(2026, 3, 1), date(2026, 3, 3))
    assert takings == [
        TenderTakings("cash", 3, 250 + 1000 + 1000 - 250 - 500, 2, 750),
        TenderTakings("card", 3, 2400 + 1700 + 200 - 1200, 1, 1200),
    ]
    assert [t.taken for t in takings] == [2250, 4300]


def test_products_net_of_returns(refunded):
    assert refunded.sales_by_product(date(2026, 3, 1), date(2026, 3, 3)) == [
        ProductSales(1, "TEA", "Tea", 3, 3000, 1, 1000),
        ProductSales(2, "JAM", "Jam", 4, 1000, 3, 750),
    ]
    # the midnight sale of four Jams and two of them back half an hour later
    assert refunded.sales_by_product(date(2026, 3, 3), date(2026, 3, 3)) == [
        ProductSales(2, "JAM", "Jam", 2, 500, 2, 500)
    ]
    # returned in a period with no sale of it: a negative line
    assert refunded.sales_by_product(MAR2 + timedelta(hours=17), MAR2 + timedelta(hours=19)) == [
        ProductSales(1, "TEA", "Tea", -1, -1000, 1, 1000)
    ]
    tea, jam = refunded.sales_by_product(date(2026, 3, 1), date(2026, 3, 3))
    assert (tea.sold, tea.sales_net, jam.sold, jam.sales_net) == (4, 4000, 7, 1750)


def test_refunds_count_against_whoever_gave_them(refunded, olive, cara):
    assert refunded.sales_by_cashier(date(2026, 3, 1), date(2026, 3, 3)) == [
        CashierSales(cara.staff_id, "Cara", 2, 1500, 200, 1700, 1, 500),
        CashierSales(olive.staff_id, "Olive", 3, 2500, 400, 2900, 2, 1450),
    ]
    # a period with only a refund: no sales, negative figures, no average
    assert refunded.sales_by_cashier(MAR2 + timedelta(hours=17), MAR2 + timedelta(hours=19)) == [
        CashierSales(olive.staff_id, "Olive", 0, -1000, -200, -1200, 1, 1200)
    ]


def test_each_new_report_is_one_query_with_refunds(db, refunded):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # noqa: ANN001
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with db.reader() as session:
            reports = ReportsRepository(session)
            for report in (
                lambda: reports.sales_by_cashier(date(2026, 3, 1), date(2026, 3, 3)),
                lambda: reports.takings_by_tender(date(2026, 3, 1), date(2026, 3, 3)),
                lambda: reports.sales_by_product(date(2026, 3, 1), date(2026, 3, 3), limit=10),
                lambda: reports.sales_by_day(
                    date(2026, 3, 1), date(2026, 3, 3), utc_offset_minutes=UTC_PLUS_1
                ),
            ):
                statements.clear()
                report()
                assert len(statements) == 1, statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.sales_by_cashier(date(2026, 3, 2), date(2026, 3, 1)),
        lambda s: s.sales_by_cashier(date(2026, 3, 1), MAR3),  # a day and an instant
        lambda s: s.takings_by_tender(date(2026, 3, 1), date(2026, 3, 1), utc_offset_minutes=1.5),
        lambda s: s.sales_by_product(
            date(2026, 3, 1), date(2026, 3, 1), utc_offset_minutes=-19 * 60
        ),
    ],
)
def test_bad_local_periods_are_refused_with_a_sentence(store, call):
    with pytest.raises(InvalidInput):
        call(store)


def test_a_refund_given_through_the_refund_service_is_netted(db, new_uow, shift):
    """End to end: a sale and a partial refund as the till writes them, reported today."""
    from pos_app.services.refund import Refund as RefundService

    product(new_uow, "TEA", price=1000, cost=600, tax_ppm=200_000, stock=5)
    with new_uow() as uow:
        checkout = Checkout(uow, Cart(), shift=shift)
        checkout.add("TEA", 3)
        receipt = checkout.confirm([Tender.card(3600)])
    with new_uow() as uow:
        refund = RefundService(uow, shift, receipt.receipt_no)
        refund.set_quantity(refund.lines[0].order_line_id, 1)
        refund.confirm("card", "Damaged")
    assert_clean(db)
    store = Store(db)
    today = datetime.now(UTC).date()
    days = (today - timedelta(days=1), today + timedelta(days=1))
    olive = shift.cashier
    assert store.takings_by_tender(*days) == [
        TenderTakings("cash", 0, 0),
        TenderTakings("card", 1, 3600 - 1200, 1, 1200),
    ]
    assert store.sales_by_product(*days) == [ProductSales(1, "TEA", "Tea", 2, 2000, 1, 1000)]
    assert store.sales_by_cashier(*days) == [
        CashierSales(olive.staff_id, "Olive", 1, 2000, 400, 2400, 1, 1200)
    ]
    by_day = store.sales_by_day(*days)
    assert (sum(d.sales for d in by_day), sum(d.refunds for d in by_day)) == (1, 1)
    assert (sum(d.net for d in by_day), sum(d.total for d in by_day)) == (2000, 2400)
