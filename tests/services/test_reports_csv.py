"""Report results and their CSV, byte for byte: a header row, the rows, the totals row;
money as plain 1234.50, days ISO, UTF-8 with a BOM, CRLF; formula-looking text kept text."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update

from pos_app.domain.cart import Cart
from pos_app.domain.errors import InvalidInput, PermissionDenied
from pos_app.domain.staff import Role
from pos_app.domain.tender import Tender
from pos_app.persistence.models import Order
from pos_app.services.reports import (
    ByCashier,
    ByDay,
    ByProduct,
    ByTender,
    ChartSeries,
    ReportKind,
    ReportRequest,
    ReportResult,
    csv_text,
    export_csv,
    plain_money,
    run_report,
)
from pos_app.services.sale import Checkout
from tests.factories import product, staff

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


@pytest.mark.parametrize(
    ("minor", "text"),
    [(0, "0.00"), (5, "0.05"), (123_450, "1234.50"), (-1_200, "-12.00"), (-5, "-0.05"),
     (100_000_000_00, "100000000.00")],
)
def test_money_is_plain(minor, text):
    assert plain_money(minor) == text


def hand_made() -> ReportResult:
    request = ReportRequest(ReportKind.BY_PRODUCT, *MARCH)
    rows = (
        ("NW-001", 'Chai "Royal", 500g', 10, -1, 9, 18_000, -1_800, 16_200),
        ("=1+1", "=HYPERLINK(\"http://x\")", 1, 0, 1, 5, 0, 5),
        ("ZOE", "Zoë's café crème", 2, 0, 2, 123_450, 0, 123_450),
    )
    totals = ("Total", "", 13, -1, 12, 141_455, -1_800, 139_655)
    chart = ChartSeries("t", ("a",), (1,), horizontal=True)
    return ReportResult(request, ByProduct.COLUMNS, rows, totals, chart)


def test_csv_of_a_product_report_exactly():
    assert csv_text(hand_made()) == (
        "SKU,Product,Sold,Returned,Quantity,Sold for,Refunded,Net\r\n"
        'NW-001,"Chai ""Royal"", 500g",10,-1,9,180.00,-18.00,162.00\r\n'
        "'=1+1,\"'=HYPERLINK(\"\"http://x\"\")\",1,0,1,0.05,0.00,0.05\r\n"
        "ZOE,Zoë's café crème,2,0,2,1234.50,0.00,1234.50\r\n"
        "Total,,13,-1,12,1414.55,-18.00,1396.55\r\n"
    )


def test_export_writes_utf8_with_a_bom_for_excel(tmp_path):
    path = export_csv(hand_made(), tmp_path / "out.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfSKU,Product,")
    assert "Zoë's café crème".encode() in raw
    assert raw.decode("utf-8-sig") == csv_text(hand_made())
    assert raw.count(b"\r\n") == 5 and b"\n" not in raw.replace(b"\r\n", b"")


def test_export_to_a_folder_that_does_not_exist_is_an_os_error(tmp_path):
    with pytest.raises(OSError):
        export_csv(hand_made(), tmp_path / "missing" / "out.csv")


def test_requests_say_what_they_are_and_refuse_nonsense():
    request = ReportRequest(ReportKind.BY_DAY, *MARCH)
    assert request.title == "Sales by day, 2026-03-01 to 2026-03-31"
    assert request.file_name == "sales-by-day-2026-03-01-to-2026-03-31.csv"
    one = ReportRequest(ReportKind.BY_TENDER, date(2026, 3, 2), date(2026, 3, 2))
    assert one.title == "Takings by tender, 2026-03-02"
    assert ReportRequest("cashier", *MARCH).validated().kind is ReportKind.BY_CASHIER
    for bad in (
        ReportRequest("weekly", *MARCH),
        ReportRequest(ReportKind.BY_DAY, date(2026, 3, 2), date(2026, 3, 1)),
        ReportRequest(ReportKind.BY_DAY, date(2020, 1, 1), date(2026, 1, 1)),
        ReportRequest(ReportKind.BY_DAY, "2026-03-01", date(2026, 3, 1)),
        ReportRequest(ReportKind.BY_DAY, datetime(2026, 3, 1, tzinfo=UTC), date(2026, 3, 1)),
    ):
        with pytest.raises(InvalidInput):
            bad.validated()


# -- from the database, on both backends ---------------------------------------------------


@pytest.fixture
def march(db, new_uow, shift):
    """Olive sells Tea ×2 (card) on 2 March and Cara Jam ×3 (cash, 10.00 given) on 3 March."""
    product(new_uow, "TEA", price=1000, cost=600, tax_ppm=200_000, stock=20)
    product(new_uow, "JAM", price=250, cost=100, tax_ppm=0, stock=20)
    cara = staff(new_uow, "Cara", Role.CASHIER, "2468", by=shift.cashier)
    from tests.factories import open_shift

    till2 = open_shift(new_uow, till="Till 2", cashier=cara)
    for shift_, items, tender, at in (
        (shift, {"TEA": 2}, Tender.card(2400), datetime(2026, 3, 2, 9, tzinfo=UTC)),
        (till2, {"JAM": 3}, Tender.cash(1000), datetime(2026, 3, 3, 15, tzinfo=UTC)),
    ):
        with new_uow() as uow:
            checkout = Checkout(uow, Cart(), shift=shift_)
            for code, quantity in items.items():
                checkout.add(code, quantity)
            order_id = checkout.confirm([tender]).order_id
        with new_uow() as uow:
            uow.session.execute(update(Order).where(Order.id == order_id).values(completed_at=at))
            uow.commit()
    return db


def run(db, kind: ReportKind, actor, first=date(2026, 3, 1), last=date(2026, 3, 3)):
    with db.reader() as session:
        return run_report(session, ReportRequest(kind, first, last), actor)


def test_every_report_to_csv_exactly(march, shift):
    olive = shift.cashier
    assert csv_text(run(march, ReportKind.BY_DAY, olive)) == (
        "Day,Sales,Sales total,Refunds,Refunded,Net,Tax,Total\r\n"
        "2026-03-01,0,0.00,0,0.00,0.00,0.00,0.00\r\n"
        "2026-03-02,1,24.00,0,0.00,20.00,4.00,24.00\r\n"
        "2026-03-03,1,7.50,0,0.00,7.50,0.00,7.50\r\n"
        "Total,2,31.50,0,0.00,27.50,4.00,31.50\r\n"
    )
    assert csv_text(run(march, ReportKind.BY_PRODUCT, olive)) == (
        "SKU,Product,Sold,Returned,Quantity,Sold for,Refunded,Net\r\n"
        "TEA,Tea,2,0,2,20.00,0.00,20.00\r\n"
        "JAM,Jam,3,0,3,7.50,0.00,7.50\r\n"
        "Total,,5,0,5,27.50,0.00,27.50\r\n"
    )
    assert csv_text(run(march, ReportKind.BY_CASHIER, olive)) == (
        "Cashier,Sales,Sales total,Average sale,Refunds,Refunded,Net,Tax,Total\r\n"
        "Cara,1,7.50,7.50,0,0.00,7.50,0.00,7.50\r\n"
        "Olive,1,24.00,24.00,0,0.00,20.00,4.00,24.00\r\n"
        "Total,2,31.50,15.75,0,0.00,27.50,4.00,31.50\r\n"
    )
    assert csv_text(run(march, ReportKind.BY_TENDER, olive)) == (
        "Tender,Payments,Taken,Refunds,Refunded,Net\r\n"
        "Cash,1,7.50,0,0.00,7.50\r\n"  # 10.00 given, 2.50 change: 7.50 taken
        "Card,1,24.00,0,0.00,24.00\r\n"
        "Total,2,31.50,0,0.00,31.50\r\n"
    )


def test_results_carry_columns_totals_and_chart(march, shift):
    by_day = run(march, ReportKind.BY_DAY, shift.cashier)
    assert [c.name for c in by_day.columns][ByDay.TOTAL] == "Total"
    assert by_day.totals[ByDay.TOTAL] == 3150 and by_day.rows[1][ByDay.DAY] == date(2026, 3, 2)
    assert by_day.chart.labels == ("1 Mar", "2 Mar", "3 Mar")
    assert by_day.chart.values == (0, 2400, 750) and not by_day.chart.horizontal

    by_cashier = run(march, ReportKind.BY_CASHIER, shift.cashier)
    assert [r[ByCashier.CASHIER] for r in by_cashier.rows] == ["Cara", "Olive"]
    assert by_cashier.chart.values == (750, 2400) and by_cashier.chart.horizontal

    by_tender = run(march, ReportKind.BY_TENDER, shift.cashier)
    assert by_tender.column("Net") == ByTender.NET
    assert by_tender.chart.labels == ("Cash", "Card")


def test_only_managers_and_owners_see_reports(march, new_uow, shift):
    manager = staff(new_uow, "Max", Role.MANAGER, "1357", by=shift.cashier)
    cashier = staff(new_uow, "Cid", Role.CASHIER, "8642", by=shift.cashier)
    assert run(march, ReportKind.BY_TENDER, manager).rows
    for who in (cashier, None):
        with pytest.raises(PermissionDenied):
            run(march, ReportKind.BY_TENDER, who)
