"""Reports in local days across a change of the clocks, on SQLite and PostgreSQL.

Around each change (spring and autumn 2026 in London, New York and Adelaide, whose offset
has half an hour) sales are placed at 23:30 and 00:30 local time on both nights next to the
change day, at the first instant of the period and just outside it at each end; one refund
is given on the change day itself. The period is the day before, the change day and the
day after: each sale must land on its own local day and every figure be exact to the cent.
A single offset for the period (what the reports did before) puts the day after's 00:30
sale on the change day and moves the period's end by an hour.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, update

from pos_app.domain.errors import InvalidInput
from pos_app.domain.local_time import LocalZone
from pos_app.domain.tender import Tender
from pos_app.persistence.models import TillSession
from pos_app.repositories.reports import (
    CashierSales,
    DaySales,
    ProductSales,
    ReportsRepository,
    TenderTakings,
)
from pos_app.services.reports import ReportKind, ReportRequest, run_report
from pos_app.services.store import Store
from tests.factories import assert_clean, machine_zone, product
from tests.repositories.test_reports import give_back, sell

PRICE, TAX, TOTAL = 125, 25, 150  # one Tea, in cents: 20% tax

# (zone, the local day the clocks change): spring forward, then fall back (Adelaide's
# autumn is April, its spring October)
CHANGES = [
    ("Europe/London", date(2026, 3, 29)),
    ("Europe/London", date(2026, 10, 25)),
    ("America/New_York", date(2026, 3, 8)),
    ("America/New_York", date(2026, 11, 1)),
    ("Australia/Adelaide", date(2026, 4, 5)),
    ("Australia/Adelaide", date(2026, 10, 4)),
]

# (days from the change day, local hour, minute, Teas): the period is days -1 to +1
SALES = [
    (-2, 23, 30, 1),  # the night before the period: outside
    (-1, 0, 0, 2),  # the period's first instant: inside
    (-1, 23, 30, 3),
    (0, 0, 30, 4),  # the night before the change
    (0, 23, 30, 5),  # the night after it
    (1, 0, 30, 6),
    (1, 23, 30, 7),
    (2, 0, 0, 8),  # the instant after the period: outside
]


def local(zone: str, day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, datetime.min.time()).replace(
        hour=hour, minute=minute, tzinfo=ZoneInfo(zone)
    )


@pytest.fixture(params=CHANGES, ids=[f"{zone}-{day}" for zone, day in CHANGES])
def change(request, db, new_uow, shift) -> tuple[str, date, Store]:
    """The sales around one change of the clocks, and one Tea of the 23:30 sale the night
    before the change day back to the card at 00:10 on the change day."""
    zone, day = request.param
    product(new_uow, "TEA", price=PRICE, cost=60, tax_ppm=200_000, stock=100)
    orders = []
    for days, hour, minute, teas in SALES:
        at = local(zone, day + timedelta(days=days), hour, minute)
        orders.append(sell(new_uow, at, {"TEA": teas}, [Tender.card(teas * TOTAL)], shift=shift))
    with new_uow() as uow:  # the till was opened before the (back-dated) sales
        opened = local(zone, day - timedelta(days=3), 12, 0)
        uow.session.execute(update(TillSession).values(opened_at=opened))
        uow.commit()
    assert_clean(db)
    give_back(  # written straight in SQL, with no journal: after the check
        new_uow, orders[2], {"TEA": 1}, at=local(zone, day, 0, 10), tender="card", by=shift.cashier
    )
    return zone, day, Store(db)


def test_each_sale_is_on_its_local_day_across_the_change(change):
    zone, day, store = change
    assert store.sales_by_day(day - timedelta(days=1), day + timedelta(days=1), zone=zone) == [
        DaySales(day - timedelta(days=1), 2, (2 + 3) * PRICE, (2 + 3) * TAX, (2 + 3) * TOTAL),
        DaySales(
            day,
            2,
            (4 + 5 - 1) * PRICE,
            (4 + 5 - 1) * TAX,
            (4 + 5 - 1) * TOTAL,
            1,
            TOTAL,
        ),
        DaySales(day + timedelta(days=1), 2, (6 + 7) * PRICE, (6 + 7) * TAX, (6 + 7) * TOTAL),
    ]
    # the change day alone, 23 or 25 hours long
    assert store.sales_by_day(day, day, zone=ZoneInfo(zone)) == [
        DaySales(day, 2, 8 * PRICE, 8 * TAX, 8 * TOTAL, 1, TOTAL)
    ]


def test_the_period_runs_from_local_midnight_to_local_midnight(change):
    zone, day, store = change
    period = (day - timedelta(days=1), day + timedelta(days=1))
    teas = 2 + 3 + 4 + 5 + 6 + 7  # not the 1 before the period nor the 8 after it
    assert store.takings_by_tender(*period, zone=zone) == [
        TenderTakings("cash", 0, 0),
        TenderTakings("card", 6, teas * TOTAL - TOTAL, 1, TOTAL),
    ]
    assert store.sales_by_product(*period, zone=zone) == [
        ProductSales(1, "TEA", "Tea", teas - 1, (teas - 1) * PRICE, 1, PRICE)
    ]
    olive = store.sales_by_cashier(*period, zone=zone)
    assert [(c.sales, c.net, c.tax, c.total, c.refunds, c.refunded) for c in olive] == [
        (6, (teas - 1) * PRICE, (teas - 1) * TAX, (teas - 1) * TOTAL, 1, TOTAL)
    ]
    assert isinstance(olive[0], CashierSales)
    # the change day alone: the two sales and the refund of that day
    assert store.takings_by_tender(day, day, zone=zone)[1] == TenderTakings(
        "card", 2, (4 + 5 - 1) * TOTAL, 1, TOTAL
    )


def test_the_reports_screen_request_carries_the_zone(change, shift):
    zone, day, store = change
    with store.db.reader() as session:
        result = run_report(
            session,
            ReportRequest(ReportKind.BY_DAY, day - timedelta(days=1), day, zone=zone),
            shift.cashier,
        )
    assert [(row[0], row[1]) for row in result.rows] == [(day - timedelta(days=1), 2), (day, 2)]
    assert result.totals[-1] == (2 + 3 + 4 + 5 - 1) * TOTAL


def test_a_year_in_a_zone_with_summer_time_is_one_query(db, new_uow, shift):
    """Every day of 2026 in London, sales at 23:30 and 00:30 local at both ends of summer
    time and in the middle of it: one statement, each sale on its day."""
    zone = "Europe/London"
    product(new_uow, "TEA", price=PRICE, cost=60, tax_ppm=200_000, stock=100)
    days = [date(2026, 1, 1), date(2026, 3, 29), date(2026, 7, 1), date(2026, 10, 25)]
    for day in days:
        for hour, minute in ((0, 30), (23, 30)):
            at = local(zone, day, hour, minute)
            sell(new_uow, at, {"TEA": 1}, [Tender.card(TOTAL)], shift=shift)
    with new_uow() as uow:
        uow.session.execute(update(TillSession).values(opened_at=datetime(2025, 12, 1, tzinfo=UTC)))
        uow.commit()
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # noqa: ANN001
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with db.reader() as session:
            year = ReportsRepository(session).sales_by_day(
                date(2026, 1, 1), date(2026, 12, 31), zone=zone
            )
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 1, statements
    assert len(year) == 365
    assert {d.day: d.sales for d in year if d.sales} == {day: 2 for day in days}
    assert sum(d.total for d in year) == 8 * TOTAL


@pytest.mark.parametrize("zone, day", CHANGES[:2] + CHANGES[4:])
def test_the_machines_own_zone_gives_the_same_days(db, new_uow, shift, zone, day):
    """What the Reports screen passes: LocalZone(), the computer's zone. Set to ``zone``,
    it reports as the named zone does; set elsewhere, differently."""
    product(new_uow, "TEA", price=PRICE, cost=60, tax_ppm=200_000, stock=100)
    for days, hour, minute, teas in SALES:
        at = local(zone, day + timedelta(days=days), hour, minute)
        sell(new_uow, at, {"TEA": teas}, [Tender.card(teas * TOTAL)], shift=shift)
    period = (day - timedelta(days=1), day + timedelta(days=1))
    store = Store(db)
    named = store.sales_by_day(*period, zone=zone)
    assert [d.sales for d in named] == [2, 2, 2]
    with machine_zone(zone):
        assert store.sales_by_day(*period, zone=LocalZone()) == named
        assert store.sales_by_product(*period, zone=LocalZone())[0].quantity == 27
    with machine_zone("Asia/Tokyo"):
        assert store.sales_by_day(*period, zone=LocalZone()) != named


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.sales_by_day(date(2026, 3, 1), date(2026, 3, 2), zone="Nowhere/Atlantis"),
        lambda s: s.sales_by_day(date(2026, 3, 1), date(2026, 3, 2), zone=60),
        lambda s: s.sales_by_product(
            date(2026, 3, 1), date(2026, 3, 2), zone="Europe/London", utc_offset_minutes=60
        ),
        lambda s: s.takings_by_tender(date(2026, 3, 1), date(2026, 3, 2), zone=""),
    ],
)
def test_an_unknown_zone_is_refused_with_a_sentence(db, call):
    with pytest.raises(InvalidInput) as refused:
        call(Store(db))
    assert refused.value.args[0].endswith(".")
