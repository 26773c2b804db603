"""The Reports screen driven with the keyboard: choose a report, type the days, press Enter,
read the table and the chart, export the CSV; slow reports show a bar and superseded ones
are dropped; cashiers are refused."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from PySide6.QtCore import QDate, Qt, QThreadPool
from PySide6.QtGui import QColor, QPalette

from pos_app.domain.cart import Cart
from pos_app.domain.errors import PermissionDenied
from pos_app.domain.local_time import LocalZone
from pos_app.domain.staff import Role
from pos_app.domain.tender import Tender
from pos_app.persistence.models import Order
from pos_app.services.reports import ByDay, ByProduct, ReportKind, ReportRequest
from pos_app.services.sale import Checkout
from pos_app.ui.bar_chart import BarChart, axis_range, nice_step
from pos_app.ui.money import format_money
from pos_app.ui.reports_view import REFUSAL, ReportsView
from pos_app.ui.station import Station
from tests.factories import machine_zone, staff

# Midday UTC: the same calendar day at any offset this machine may have.
MAR2 = datetime(2026, 3, 2, 12, tzinfo=UTC)
MAR5 = datetime(2026, 3, 5, 12, tzinfo=UTC)


def sell(new_uow, shift, items: dict[str, int], at: datetime) -> None:
    from sqlalchemy import update

    with new_uow() as uow:
        checkout = Checkout(uow, Cart(), shift=shift)
        for code, quantity in items.items():
            checkout.add(code, quantity)
        order_id = checkout.confirm([Tender.card(checkout.totals().total)]).order_id
    with new_uow() as uow:
        uow.session.execute(update(Order).where(Order.id == order_id).values(completed_at=at))
        uow.commit()


@pytest.fixture
def sales(shop, new_uow, shift):
    """Chai ×2 and Tofu ×1 on 2 March; Chai ×1 on 5 March (all by Olive, card)."""
    sell(new_uow, shift, {"CHAI": 2, "TOFU": 1}, MAR2)
    sell(new_uow, shift, {"CHAI": 1}, MAR5)
    return shop


@pytest.fixture
def station(shift):
    station = Station("Till 1")
    station.sign_in(shift.cashier, shift)
    return station


def make_view(qtbot, store, station) -> ReportsView:
    view = ReportsView(store, station)
    qtbot.addWidget(view)
    # Threads enough for every report a test holds back at once (the global pool may
    # have only as many as the machine has cores).
    view.background.pool = QThreadPool(view)
    view.background.pool.setMaxThreadCount(4)
    view.resize(1366, 700)
    view.show()
    qtbot.waitExposed(view)
    return view


def type_date(qtbot, edit, text: str) -> None:
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit, text)


def wait_done(qtbot, view: ReportsView) -> None:
    qtbot.waitUntil(lambda: not view.running and view.model.result is not None, timeout=10_000)


def cells(model, column: int) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_choose_type_enter_read_chart_and_export(qtbot, sales, station, tmp_path, qtmodeltester):
    view = make_view(qtbot, sales, station)
    view.kindCombo.setFocus()
    qtbot.keyClick(view.kindCombo, Qt.Key.Key_Down)  # By day -> By product
    assert view.kind() is ReportKind.BY_PRODUCT
    type_date(qtbot, view.fromDateEdit, "2026-03-01")
    type_date(qtbot, view.toDateEdit, "2026-03-04")
    qtbot.keyClick(view.toDateEdit, Qt.Key.Key_Return)
    wait_done(qtbot, view)

    model = view.model
    qtmodeltester.check(model)
    assert view.titleLabel.text() == "Sales by product, 2026-03-01 to 2026-03-04"
    assert cells(model, ByProduct.SKU) == ["CHAI", "TOFU", "Total"]
    assert cells(model, ByProduct.QUANTITY) == ["2", "1", "3"]
    assert cells(model, ByProduct.NET) == [format_money(v) for v in (3600, 2325, 5925)]
    assert model.index(2, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert model.value(0, ByProduct.NET) == 3600

    assert view.chart.bar_count() == 2  # one bar per product, no bar for the totals
    assert view.chart.labels() == ("Chai", "Tofu") and view.chart.values() == (3600, 2325)
    rects = view.chart.bar_rects()
    assert rects[0].width() > rects[1].width() > 0  # lying bars, longest first

    path = view.export_to(tmp_path / "products.csv")
    assert path is not None
    assert path.read_bytes() == (
        "\ufeffSKU,Product,Sold,Returned,Quantity,Sold for,Refunded,Net\r\n"
        "CHAI,Chai,2,0,2,36.00,0.00,36.00\r\n"
        "TOFU,Tofu,1,0,1,23.25,0.00,23.25\r\n"
        "Total,,3,0,3,59.25,0.00,59.25\r\n"
    ).encode()
    assert view.message.text().startswith("Saved 2 rows")

    # another kind for the same days runs at once
    view.kindCombo.setFocus()
    qtbot.keyClick(view.kindCombo, Qt.Key.Key_Up)  # By day
    qtbot.waitUntil(lambda: view.model.result.request.kind is ReportKind.BY_DAY)
    wait_done(qtbot, view)
    qtmodeltester.check(model)
    assert cells(model, ByDay.DAY) == [
        "2026-03-01",
        "2026-03-02",
        "2026-03-03",
        "2026-03-04",
        "Total",
    ]
    total = 2 * 2160 + 2441  # Chai 18.00 + 20 %, Tofu 23.25 + 5 % (rounded per line)
    assert model.value(1, ByDay.TOTAL) == total and model.value(4, ByDay.SALES) == 1
    assert view.chart.bar_count() == 4 and not view.chart.horizontal
    assert [r.height() > 2 for r in view.chart.bar_rects()] == [False, True, False, False]


def test_quick_buttons_and_export_through_the_dialog(qtbot, sales, station, tmp_path, monkeypatch):
    view = make_view(qtbot, sales, station)
    qtbot.mouseClick(view.todayButton, Qt.MouseButton.LeftButton)
    wait_done(qtbot, view)
    today = QDate.currentDate()
    assert (view.fromDateEdit.date(), view.toDateEdit.date()) == (today, today)
    assert view.model.value(0, ByDay.SALES) == 0  # the sales were in March 2026

    qtbot.mouseClick(view.monthButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.model.rowCount() == today.daysInMonth() + 1)
    assert view.fromDateEdit.date() == QDate(today.year(), today.month(), 1)

    qtbot.mouseClick(view.weekButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.model.rowCount() == 8)
    assert view.fromDateEdit.date().daysTo(view.toDateEdit.date()) == 6

    chosen = tmp_path / "week"
    monkeypatch.setattr(view, "ask_export_path", lambda suggested: str(chosen))
    qtbot.mouseClick(view.exportButton, Qt.MouseButton.LeftButton)
    text = (tmp_path / "week.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "Day,Sales,Sales total,Refunds,Refunded,Net,Tax,Total"
    assert len(text.splitlines()) == 9


def test_from_after_to_is_told_in_place(qtbot, sales, station):
    view = make_view(qtbot, sales, station)
    view.set_days(date(2026, 3, 5), date(2026, 3, 1))
    view.toDateEdit.setFocus()
    qtbot.keyClick(view.toDateEdit, Qt.Key.Key_Enter)
    assert view.message.is_error and "after" in view.message.text()
    assert not view.running and view.model.result is None


class SlowStore:
    """The real store, but each report waits for the test to let it go."""

    def __init__(self, store):
        self.store = store
        self.gates: dict[tuple, threading.Event] = {}  # (kind, first, last) -> its gate
        self._lock = threading.Lock()

    def report(self, request, actor):  # noqa: ANN001
        gate = threading.Event()
        with self._lock:
            self.gates[(request.kind, request.first, request.last)] = gate
        assert gate.wait(10)
        return self.store.report(request, actor)

    def let_go(self, kind, first, last) -> None:  # noqa: ANN001
        self.gates[(kind, first, last)].set()


def test_slow_report_shows_progress_and_a_newer_one_supersedes_it(qtbot, sales, station):
    slow = SlowStore(sales)
    view = make_view(qtbot, slow, station)
    march, first_half = (date(2026, 3, 1), date(2026, 3, 31)), (date(2026, 3, 1), date(2026, 3, 15))
    view.set_days(*march)
    view.run()
    assert not view.runButton.isEnabled()
    qtbot.waitUntil(view.progressBar.isVisible)  # after a moment, not at once
    assert view.progressBar.minimum() == view.progressBar.maximum() == 0  # indeterminate

    view.choose_kind(ReportKind.BY_CASHIER)  # changed while running: runs again
    view.set_days(*first_half)
    view.kindCombo.setFocus()
    qtbot.keyClick(view.kindCombo, Qt.Key.Key_Return)  # Enter also starts another
    qtbot.waitUntil(lambda: len(slow.gates) == 3)
    slow.let_go(ReportKind.BY_CASHIER, *first_half)  # the newest answers first …
    qtbot.waitUntil(lambda: view.model.result is not None)
    assert view.model.result.request.kind is ReportKind.BY_CASHIER
    assert view.model.result.request.last == first_half[1]
    assert view.model.index(0, 0).data() == "Olive"
    assert not view.progressBar.isVisible() and view.runButton.isEnabled()
    slow.let_go(ReportKind.BY_DAY, *march)  # … the stale ones later: dropped
    slow.let_go(ReportKind.BY_CASHIER, *march)
    view.background.wait()
    qtbot.wait(100)  # their (ignored) answers reach the UI thread
    assert view.model.result.request.last == first_half[1]


def test_cashiers_are_refused_on_screen_and_by_the_service(qtbot, sales, station, new_uow, shift):
    view = make_view(qtbot, sales, station)
    view.activated()
    wait_done(qtbot, view)
    cara = staff(new_uow, "Cara", Role.CASHIER, "2468", by=shift.cashier)

    station.sign_in(cara)
    assert view.pages.currentWidget() is view.refusalLabel
    assert view.refusalLabel.text() == REFUSAL
    assert view.model.rowCount() == 0 and view.chart.bar_count() == 0  # figures gone
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert not view.running and view.model.result is None

    request = ReportRequest(ReportKind.BY_DAY, date(2026, 3, 1), date(2026, 3, 31))
    with pytest.raises(PermissionDenied):
        sales.report(request, cara)
    with pytest.raises(PermissionDenied):
        sales.report(request, None)

    station.sign_out()
    assert view.refusalLabel.text() == "Sign in to see reports."
    station.sign_in(shift.cashier, shift)
    assert view.pages.currentIndex() == 0


def test_result_for_someone_who_signed_out_meanwhile_is_dropped(qtbot, sales, station):
    slow = SlowStore(sales)
    view = make_view(qtbot, slow, station)
    view.run()
    qtbot.waitUntil(lambda: len(slow.gates) == 1)
    station.sign_out()
    next(iter(slow.gates.values())).set()
    qtbot.waitUntil(lambda: not view.running)
    assert view.model.result is None and view.chart.bar_count() == 0


def test_ctrl_g_opens_reports_from_the_main_window(qtbot, sales, station):
    from pos_app.ui.main_window import MainWindow

    window = MainWindow(sales, station)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitActive(window):  # shortcuts need an active window
        window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    view = window.view_named("reportsView")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is view)
    wait_done(qtbot, view)  # this month by day, run when first shown
    assert view.model.result.request.kind is ReportKind.BY_DAY


# -- the chart on its own ---------------------------------------------------------------


def test_axis_steps_are_round_figures():
    assert nice_step(10_000) == 2_000
    assert nice_step(12_345) == 5_000
    assert nice_step(1) == 1
    assert axis_range([]) == (0, 100, 20)
    assert axis_range([-1_200, 4_800]) == (-2_000, 6_000, 2_000)


@pytest.mark.parametrize("dark", [False, True])
def test_chart_paints_in_light_and_dark_palettes(qtbot, dark):
    chart = BarChart()
    qtbot.addWidget(chart)
    if dark:
        palette = chart.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor("#202124"))
        palette.setColor(QPalette.ColorRole.Base, QColor("#171717"))
        palette.setColor(QPalette.ColorRole.WindowText, QColor("#e8eaed"))
        chart.setPalette(palette)
    chart.resize(600, 300)
    chart.set_series("Total per day", ["1 Mar", "2 Mar", "3 Mar"], [12_000, -2_500, 0])
    image = chart.grab().toImage()
    base = chart.palette().color(QPalette.ColorRole.Base)
    up, down = chart.bar_rects()[0], chart.bar_rects()[1]
    assert up.bottom() == pytest.approx(down.top())  # both meet the zero line
    assert QColor(image.pixel(up.center().toPoint())) == chart.palette().color(
        QPalette.ColorRole.Highlight
    )
    assert QColor(image.pixel(down.center().toPoint())) not in (base, QColor(image.pixel(2, 2)))
    assert QColor(image.pixel(2, 2)) == base
    assert "3 bars" in chart.accessibleDescription()


def test_days_are_this_computers_across_the_change_of_the_clocks(
    qtbot, shop, new_uow, shift, station
):
    """London goes to summer time on 29 March 2026: 23:30 UTC on the 28th is 23:30 that
    day on the shop's clocks, 23:30 UTC on the 29th is 00:30 on the 30th."""
    sell(new_uow, shift, {"TOFU": 1}, datetime(2026, 3, 28, 23, 30, tzinfo=UTC))
    sell(new_uow, shift, {"CHAI": 1}, datetime(2026, 3, 29, 23, 30, tzinfo=UTC))
    view = make_view(qtbot, shop, station)
    view.choose_kind(ReportKind.BY_DAY)
    with machine_zone("Europe/London"):
        type_date(qtbot, view.fromDateEdit, "2026-03-28")
        type_date(qtbot, view.toDateEdit, "2026-03-30")
        qtbot.keyClick(view.toDateEdit, Qt.Key.Key_Return)
        wait_done(qtbot, view)
        assert view.request().zone == LocalZone()
    assert [view.model.value(r, ByDay.SALES) for r in range(4)] == [1, 0, 1, 2]
