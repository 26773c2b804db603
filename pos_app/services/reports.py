"""Reports as a screen shows them and a spreadsheet receives them: which report for which
days, its columns (named, with what kind of figure each holds), rows, totals and the series
its chart draws, and the CSV export of exactly that.

The figures come from ``ReportsRepository`` (one aggregate query each); nothing here reads
sales one by one. Seeing reports needs ``Permission.VIEW_REPORTS`` (managers and owners):
they hold every cashier's takings, so the service refuses anyone else, whatever a screen
shows.

CSV: a header row, then the rows, then the totals row, as on screen; money as plain
``1234.50`` (no grouping, a point, minus for refunds), days as ISO ``2026-03-01``. Written
in UTF-8 *with* a byte-order mark, because Excel — what most shop owners open a CSV with —
reads a file without one in the computer's legacy code page and garbles "Café" or "Zoë";
LibreOffice, Numbers, Google Sheets and Python's ``utf-8-sig`` all take the mark in their
stride. Lines end with CRLF (RFC 4180). A text cell that starts like a formula (``=``,
``+``, ``-``, ``@``) gets a leading apostrophe, so a product named "=HYPERLINK(…)" stays text
in a spreadsheet (OWASP's advice against CSV injection).
"""

from __future__ import annotations

import csv
import enum
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from ..domain.errors import InvalidInput
from ..domain.money import MINOR_PER_MAJOR
from ..domain.staff import Permission, StaffMember, authorise
from ..repositories.reports import ReportsRepository, Zone

MAX_DAYS = 3 * 366 + 1  # three years: more than any owner compares on one screen
TOP_PRODUCTS = 10  # bars in the by-product chart
TOTAL = "Total"


class ReportKind(str, enum.Enum):
    BY_DAY = "day"
    BY_PRODUCT = "product"
    BY_CASHIER = "cashier"
    BY_TENDER = "tender"

    @property
    def title(self) -> str:
        return {
            ReportKind.BY_DAY: "Sales by day",
            ReportKind.BY_PRODUCT: "Sales by product",
            ReportKind.BY_CASHIER: "Sales by cashier",
            ReportKind.BY_TENDER: "Takings by tender",
        }[self]


class ColumnKind(str, enum.Enum):
    TEXT = "text"
    DATE = "date"
    COUNT = "count"  # a number of sales, refunds, payments or items
    MONEY = "money"  # integer cents


@dataclass(frozen=True)
class Column:
    name: str
    kind: ColumnKind

    @property
    def numeric(self) -> bool:
        return self.kind in (ColumnKind.COUNT, ColumnKind.MONEY)


_T, _D, _N, _M = ColumnKind.TEXT, ColumnKind.DATE, ColumnKind.COUNT, ColumnKind.MONEY


class ByDay:
    """Columns of Sales by day. Refunded is negative; Net, Tax and Total are after it."""

    DAY, SALES, SALES_TOTAL, REFUNDS, REFUNDED, NET, TAX, TOTAL = range(8)
    COLUMNS = (
        Column("Day", _D),
        Column("Sales", _N),
        Column("Sales total", _M),
        Column("Refunds", _N),
        Column("Refunded", _M),
        Column("Net", _M),
        Column("Tax", _M),
        Column("Total", _M),
    )


class ByProduct:
    """Columns of Sales by product: amounts before tax; Returned and Refunded negative;
    Quantity and Net after them."""

    SKU, PRODUCT, SOLD, RETURNED, QUANTITY, SOLD_FOR, REFUNDED, NET = range(8)
    COLUMNS = (
        Column("SKU", _T),
        Column("Product", _T),
        Column("Sold", _N),
        Column("Returned", _N),
        Column("Quantity", _N),
        Column("Sold for", _M),
        Column("Refunded", _M),
        Column("Net", _M),
    )


class ByCashier:
    """Columns of Sales by cashier: refunds count against whoever gave them."""

    CASHIER, SALES, SALES_TOTAL, AVERAGE, REFUNDS, REFUNDED, NET, TAX, TOTAL = range(9)
    COLUMNS = (
        Column("Cashier", _T),
        Column("Sales", _N),
        Column("Sales total", _M),
        Column("Average sale", _M),
        Column("Refunds", _N),
        Column("Refunded", _M),
        Column("Net", _M),
        Column("Tax", _M),
        Column("Total", _M),
    )


class ByTender:
    """Columns of Takings by tender: cash net of change; refunds paid back negative."""

    TENDER, PAYMENTS, TAKEN, REFUNDS, REFUNDED, NET = range(6)
    COLUMNS = (
        Column("Tender", _T),
        Column("Payments", _N),
        Column("Taken", _M),
        Column("Refunds", _N),
        Column("Refunded", _M),
        Column("Net", _M),
    )


COLUMNS = {
    ReportKind.BY_DAY: ByDay.COLUMNS,
    ReportKind.BY_PRODUCT: ByProduct.COLUMNS,
    ReportKind.BY_CASHIER: ByCashier.COLUMNS,
    ReportKind.BY_TENDER: ByTender.COLUMNS,
}


@dataclass(frozen=True)
class ReportRequest:
    """Which report, for which local calendar days (``first`` to ``last`` inclusive), in
    which time zone: ``zone`` (a tz database name or a ``tzinfo``; the Reports screen passes
    ``LocalZone()``, this computer's, summer time included) or a fixed
    ``utc_offset_minutes`` (UTC without either)."""

    kind: ReportKind
    first: date
    last: date
    utc_offset_minutes: int = 0
    zone: Zone | None = None

    def validated(self) -> ReportRequest:
        try:
            kind = ReportKind(self.kind)
        except ValueError:
            raise InvalidInput("Choose a report.", "kind") from None
        for name in ("first", "last"):
            value = getattr(self, name)
            if not isinstance(value, date) or isinstance(value, datetime):
                raise InvalidInput("Choose the From and To days.", name)
        if self.first > self.last:
            raise InvalidInput("The From day is after the To day.", "first")
        if (self.last - self.first).days + 1 > MAX_DAYS:
            raise InvalidInput("Choose at most three years at a time.", "last")
        return ReportRequest(kind, self.first, self.last, self.utc_offset_minutes, self.zone)

    @property
    def title(self) -> str:
        if self.first == self.last:
            return f"{ReportKind(self.kind).title}, {self.first.isoformat()}"
        return f"{ReportKind(self.kind).title}, {self.first.isoformat()} to {self.last.isoformat()}"

    @property
    def file_name(self) -> str:
        """A file name that says what is in it: sales-by-day-2026-03-01-to-2026-03-31.csv."""
        stem = ReportKind(self.kind).title.lower().replace(" ", "-")
        return f"{stem}-{self.first.isoformat()}-to-{self.last.isoformat()}.csv"


@dataclass(frozen=True)
class ChartSeries:
    """One bar per label; values in cents (money), negative bars for refunds outweighing
    sales. ``horizontal`` for named things (long labels), upright bars for days."""

    title: str
    labels: tuple[str, ...]
    values: tuple[int, ...]
    horizontal: bool = False


@dataclass(frozen=True)
class ReportResult:
    request: ReportRequest
    columns: tuple[Column, ...]
    rows: tuple[tuple, ...]
    totals: tuple
    chart: ChartSeries

    @property
    def title(self) -> str:
        return self.request.title

    def column(self, name: str) -> int:
        return [c.name for c in self.columns].index(name)

    def table(self) -> tuple[tuple, ...]:
        """What the screen shows and the CSV holds: the rows, then the totals row."""
        return (*self.rows, self.totals)


# -- running ----------------------------------------------------------------------------


def run_report(session: Session, request: ReportRequest, actor: StaffMember | None) -> ReportResult:
    """The report ``request`` asks for, if ``actor`` may see reports (PermissionDenied if
    not, InvalidInput for a period that makes no sense). One query."""
    authorise(actor, Permission.VIEW_REPORTS)  # type: ignore[arg-type] - None: "sign in first"
    request = request.validated()
    reports = ReportsRepository(session)
    build: dict[ReportKind, Callable[[ReportsRepository, ReportRequest], ReportResult]] = {
        ReportKind.BY_DAY: _by_day,
        ReportKind.BY_PRODUCT: _by_product,
        ReportKind.BY_CASHIER: _by_cashier,
        ReportKind.BY_TENDER: _by_tender,
    }
    return build[request.kind](reports, request)


def _sums(rows: Sequence[tuple], columns: Sequence[Column], label_column: int) -> tuple:
    """The totals row: counts and money summed, text left empty, "Total" in the label."""
    totals = []
    for i, column in enumerate(columns):
        if i == label_column:
            totals.append(TOTAL)
        elif column.numeric:
            totals.append(sum(row[i] for row in rows))
        else:
            totals.append("")
    return tuple(totals)


def _by_day(reports: ReportsRepository, request: ReportRequest) -> ReportResult:
    days = reports.sales_by_day(
        request.first,
        request.last,
        utc_offset_minutes=request.utc_offset_minutes,
        zone=request.zone,
    )
    rows = tuple(
        (d.day, d.sales, d.sales_total, d.refunds, -d.refunded, d.net, d.tax, d.total)
        for d in days
    )
    chart = ChartSeries(
        "Total per day, after refunds",
        tuple(f"{d.day.day} {d.day:%b}" for d in days),
        tuple(d.total for d in days),
    )
    return ReportResult(request, ByDay.COLUMNS, rows, _sums(rows, ByDay.COLUMNS, ByDay.DAY), chart)


def _by_product(reports: ReportsRepository, request: ReportRequest) -> ReportResult:
    products = reports.sales_by_product(
        request.first,
        request.last,
        utc_offset_minutes=request.utc_offset_minutes,
        zone=request.zone,
    )
    rows = tuple(
        (p.sku, p.name, p.sold, -p.returned, p.quantity, p.sales_net, -p.refunded, p.net)
        for p in products
    )
    top = products[:TOP_PRODUCTS]
    chart = ChartSeries(
        f"Top {TOP_PRODUCTS} products by net sales, after returns",
        tuple(p.name for p in top),
        tuple(p.net for p in top),
        horizontal=True,
    )
    totals = _sums(rows, ByProduct.COLUMNS, ByProduct.SKU)
    return ReportResult(request, ByProduct.COLUMNS, rows, totals, chart)


def _by_cashier(reports: ReportsRepository, request: ReportRequest) -> ReportResult:
    people = reports.sales_by_cashier(
        request.first,
        request.last,
        utc_offset_minutes=request.utc_offset_minutes,
        zone=request.zone,
    )
    rows = tuple(
        (
            c.name,
            c.sales,
            c.sales_total,
            c.average_sale,
            c.refunds,
            -c.refunded,
            c.net,
            c.tax,
            c.total,
        )
        for c in people
    )
    totals = list(_sums(rows, ByCashier.COLUMNS, ByCashier.CASHIER))
    sales, sales_total = totals[ByCashier.SALES], totals[ByCashier.SALES_TOTAL]
    totals[ByCashier.AVERAGE] = _half_up(sales_total, sales) if sales else 0
    chart = ChartSeries(
        "Total per cashier, after refunds",
        tuple(c.name for c in people),
        tuple(c.total for c in people),
        horizontal=True,
    )
    return ReportResult(request, ByCashier.COLUMNS, rows, tuple(totals), chart)


def _by_tender(reports: ReportsRepository, request: ReportRequest) -> ReportResult:
    tenders = reports.takings_by_tender(
        request.first,
        request.last,
        utc_offset_minutes=request.utc_offset_minutes,
        zone=request.zone,
    )
    rows = tuple(
        (t.kind.title(), t.payments, t.taken, t.refunds, -t.refunded, t.amount) for t in tenders
    )
    chart = ChartSeries(
        "Net takings per tender",
        tuple(t.kind.title() for t in tenders),
        tuple(t.amount for t in tenders),
        horizontal=True,
    )
    totals = _sums(rows, ByTender.COLUMNS, ByTender.TENDER)
    return ReportResult(request, ByTender.COLUMNS, rows, totals, chart)


def _half_up(numerator: int, denominator: int) -> int:
    quotient, remainder = divmod(numerator, denominator)
    return quotient + (1 if 2 * remainder >= denominator else 0)


# -- CSV --------------------------------------------------------------------------------

CSV_ENCODING = "utf-8-sig"  # UTF-8 with a byte-order mark: Excel then reads it as UTF-8
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def plain_money(minor: int) -> str:
    """1234 -> '12.34', -5 -> '-0.05': what a spreadsheet reads as a number anywhere."""
    sign = "-" if minor < 0 else ""
    major, cents = divmod(abs(minor), MINOR_PER_MAJOR)
    return f"{sign}{major}.{cents:02d}"


def csv_cell(value: object, kind: ColumnKind) -> str:
    if value == TOTAL or value == "":
        return str(value)
    if kind is ColumnKind.MONEY:
        return plain_money(int(value))  # type: ignore[call-overload]
    if kind is ColumnKind.COUNT:
        return str(int(value))  # type: ignore[call-overload]
    if kind is ColumnKind.DATE:
        return value.isoformat()  # type: ignore[attr-defined]
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_rows(result: ReportResult) -> list[list[str]]:
    """The header row, each row shown, the totals row — as text cells."""
    kinds = [c.kind for c in result.columns]
    return [[c.name for c in result.columns]] + [
        [csv_cell(v, k) for v, k in zip(row, kinds, strict=True)] for row in result.table()
    ]


def csv_text(result: ReportResult) -> str:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(csv_rows(result))
    return out.getvalue()


def export_csv(result: ReportResult, path: str | Path) -> Path:
    """Write ``result`` to ``path`` (replaced if it exists); OSError if it cannot be."""
    path = Path(path)
    with path.open("w", encoding=CSV_ENCODING, newline="") as out:
        out.write(csv_text(result))
    return path
