"""Reports an owner or accountant reads: sales by day, by product, by cashier and takings by
tender, for a period, net of refunds.

Each is one aggregate query computed by the database (no objects loaded, no query per
sale). Sales are bounded by ``orders.completed_at`` and refunds by ``refunds.completed_at``,
so both walk their completion-time index and stay fast over a year of trading. Each side is
summed on its own and the two small summaries are added up (``UNION ALL`` then ``GROUP BY``).
Only completed till sales count (``kind = 'sale'``): customer orders are invoiced, not taken
at the till. A refund (or a void) counts on the day it was given, against whoever gave it,
in the tender it was paid back in: the figures are what the shop really kept.

A period is either two calendar days ``[first, last]`` in the shop's local time or two aware
instants ``[since, until)``. Local time is a real time zone (``zone``: a tz database name, a
``tzinfo`` such as ``LocalZone()`` for this computer's) or a fixed offset in minutes
(``utc_offset_minutes``; UTC without either). In a zone with summer time each end of the
period is converted with its own offset, and sales by day puts each sale on its own local
day: the period is cut where the offset changes (``domain.local_time``) and the day of a
stored UTC time is worked out in SQL with the offset of its stretch (a ``CASE`` on the time,
one branch per stretch: one for a period with no change, three for a year in London).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

from sqlalchemy import Date, Integer, case, cast, func, literal, literal_column, select, union_all
from sqlalchemy.orm import Session

from ..domain.errors import InvalidInput
from ..domain.local_time import OffsetPeriod, local_days, offset_periods, zone_named
from ..domain.tender import TenderKind
from ..persistence.models import Order, OrderLine, PaymentRow, Product, Refund, RefundLine, Staff

_COMPLETED_SALE = (Order.kind == "sale", Order.status == "completed")
_COMPLETED_REFUND = (Refund.status == "completed",)
NO_CASHIER = "(no cashier recorded)"  # sales rung up before tills had sign-in


@dataclass(frozen=True)
class TenderTakings:
    """What one kind of tender brought in: ``amount`` is what was taken (cash net of change
    given back) less what was paid back that way by refunds (``refunded``, positive)."""

    kind: str
    payments: int
    amount: int
    refunds: int = 0
    refunded: int = 0

    @property
    def taken(self) -> int:
        """Taken by sales alone, before refunds."""
        return self.amount + self.refunded


@dataclass(frozen=True)
class DaySales:
    """One day's sales; ``net``, ``tax`` and ``total`` are after that day's refunds, whose
    number and total (tax included, positive) are ``refunds`` and ``refunded``."""

    day: date
    sales: int
    net: int
    tax: int
    total: int
    refunds: int = 0
    refunded: int = 0

    @property
    def sales_total(self) -> int:
        return self.total + self.refunded


@dataclass(frozen=True)
class ProductSales:
    """One product's ``quantity`` and ``net`` (before tax) after returns; ``returned`` and
    ``refunded`` (net, positive) are what came back."""

    product_id: int
    sku: str
    name: str
    quantity: int
    net: int
    returned: int = 0
    refunded: int = 0

    @property
    def sold(self) -> int:
        return self.quantity + self.returned

    @property
    def sales_net(self) -> int:
        return self.net + self.refunded


@dataclass(frozen=True)
class CashierSales:
    """What one person rang up (``staff_id`` None: sales with no cashier recorded) and gave
    back; ``net``, ``tax`` and ``total`` are after their refunds."""

    staff_id: int | None
    name: str
    sales: int
    net: int
    tax: int
    total: int
    refunds: int = 0
    refunded: int = 0

    @property
    def sales_total(self) -> int:
        return self.total + self.refunded

    @property
    def average_sale(self) -> int:
        """The sales' total over their number, half a cent rounded up; 0 with no sale."""
        if not self.sales:
            return 0
        quotient, remainder = divmod(self.sales_total, self.sales)
        return quotient + (1 if 2 * remainder >= self.sales else 0)


def _aware(moment: datetime, name: str) -> datetime:
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise InvalidInput(f"The {name} time needs a time zone (times are stored in UTC).", name)
    return moment


def _offset(minutes: int) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int) or abs(minutes) > 18 * 60:
        raise InvalidInput("A UTC offset is a whole number of minutes within ±18 hours.", "offset")
    return minutes


def _days(first: date, last: date) -> tuple[date, date]:
    if (
        not isinstance(first, date)
        or not isinstance(last, date)
        or isinstance(first, datetime)
        or isinstance(last, datetime)
        or first > last
    ):
        raise InvalidInput("Choose a first day on or before the last day.", "days")
    return first, last


Zone = str | tzinfo  # a tz database name ("Europe/London") or a tzinfo (LocalZone())


def local_zone(zone: Zone | None = None, utc_offset_minutes: int = 0) -> tzinfo:
    """The time zone local days are counted in: ``zone`` if given, else the fixed offset
    (UTC by default); refused with a sentence if it is neither or both."""
    if zone is None:
        return timezone(timedelta(minutes=_offset(utc_offset_minutes)))
    if utc_offset_minutes != 0:
        raise InvalidInput("Give a time zone or an offset from UTC, not both.", "zone")
    if isinstance(zone, str):
        return zone_named(zone)
    if isinstance(zone, tzinfo):
        return zone
    raise InvalidInput("Choose a time zone by its name, such as Europe/London.", "zone")


def local_day_bounds(
    first: date, last: date, utc_offset_minutes: int = 0, *, zone: Zone | None = None
) -> tuple[datetime, datetime]:
    """``[since, until)`` (UTC) of the local calendar days ``first`` to ``last`` inclusive:
    from the first day's midnight to the midnight after the last, each at its own offset."""
    first, last = _days(first, last)
    return local_days(first, last, local_zone(zone, utc_offset_minutes))


def period_bounds(
    start: date | datetime,
    end: date | datetime,
    utc_offset_minutes: int = 0,
    *,
    zone: Zone | None = None,
) -> tuple[datetime, datetime]:
    """Two aware instants as given (``end`` excluded), or two local calendar days (both
    included) in ``zone`` or at ``utc_offset_minutes``; anything else is refused with a
    sentence."""
    if isinstance(start, datetime) or isinstance(end, datetime):
        return _aware(start, "since"), _aware(end, "until")
    return local_day_bounds(start, end, utc_offset_minutes, zone=zone)


def utc_day(day: date) -> tuple[datetime, datetime]:
    """``[since, until)`` of one UTC calendar day, for the per-period reports."""
    since = datetime.combine(day, time(0), UTC)
    return since, since + timedelta(days=1)


def _zero(name: str):  # noqa: ANN202 - a typed 0 so both sides of a UNION agree
    return cast(literal(0), Integer).label(name)


class ReportsRepository:
    def __init__(self, session: Session):
        self.session = session

    @property
    def _dialect(self) -> str:
        return self.session.get_bind().dialect.name

    def _day_at(self, column, offset: int):  # noqa: ANN001, ANN202
        """The calendar day of a stored UTC time at ``offset`` seconds from UTC."""
        if self._dialect == "sqlite":
            # stored as UTC text 'YYYY-MM-DD HH:MM:SS.ffffff'; date() shifts and truncates
            return func.date(column, f"{offset:+d} seconds")
        local = func.timezone("UTC", column)
        if offset:
            local = local + literal_column(f"interval '{int(offset)} seconds'")
        return cast(local, Date)

    def _local_day(self, column, periods: list[OffsetPeriod]):  # noqa: ANN001, ANN202
        """The local calendar day of a stored UTC time inside ``periods`` (in order, one
        offset each): one branch of a ``CASE`` per period, the last one its ``ELSE``."""
        *earlier, latest = periods
        if not earlier:
            return self._day_at(column, latest.offset)
        return case(
            *((column < p.end, self._day_at(column, p.offset)) for p in earlier),
            else_=self._day_at(column, latest.offset),
        )

    @staticmethod
    def _sales_in(since: datetime, until: datetime) -> tuple:
        return (*_COMPLETED_SALE, Order.completed_at >= since, Order.completed_at < until)

    @staticmethod
    def _refunds_in(since: datetime, until: datetime) -> tuple:
        return (*_COMPLETED_REFUND, Refund.completed_at >= since, Refund.completed_at < until)

    # -- by tender ------------------------------------------------------------------------
    def takings_by_tender(
        self,
        start: date | datetime,
        end: date | datetime,
        *,
        utc_offset_minutes: int = 0,
        zone: Zone | None = None,
    ) -> list[TenderTakings]:
        """Payments applied to sales completed in the period, less refunds paid back, per
        tender kind. Every tender kind is listed, with zero when nothing was taken that way.

        A refund pays back its total plus its cash rounding (what left the drawer)."""
        since, until = period_bounds(start, end, utc_offset_minutes, zone=zone)
        taken = (
            select(
                PaymentRow.kind.label("kind"),
                func.count(PaymentRow.id).label("payments"),
                func.sum(PaymentRow.applied).label("amount"),
                _zero("refunds"),
                _zero("refunded"),
            )
            .join(Order, Order.id == PaymentRow.order_id)
            .where(*self._sales_in(since, until))
            .group_by(PaymentRow.kind)
        )
        paid_back = (
            select(
                Refund.tender.label("kind"),
                _zero("payments"),
                -func.sum(Refund.total + Refund.cash_rounding),
                func.count(Refund.id),
                func.sum(Refund.total + Refund.cash_rounding),
            )
            .where(*self._refunds_in(since, until))
            .group_by(Refund.tender)
        )
        both = union_all(taken, paid_back).subquery()
        rows = self.session.execute(
            select(
                both.c.kind,
                func.sum(both.c.payments),
                func.sum(both.c.amount),
                func.sum(both.c.refunds),
                func.sum(both.c.refunded),
            ).group_by(both.c.kind)
        )
        found = {kind: tuple(int(v) for v in figures) for kind, *figures in rows}
        return [
            TenderTakings(kind.value, *found.pop(kind.value, (0, 0, 0, 0))) for kind in TenderKind
        ] + [TenderTakings(kind, *figures) for kind, figures in sorted(found.items())]

    # -- by day ---------------------------------------------------------------------------
    def sales_by_day(
        self,
        first: date,
        last: date,
        *,
        utc_offset_minutes: int = 0,
        zone: Zone | None = None,
    ) -> list[DaySales]:
        """Completed sales per calendar day from ``first`` to ``last`` inclusive, net of the
        refunds given that day, every day listed (zero when the shop was shut).

        A day runs midnight to midnight on the clocks of ``zone`` (summer time included: the
        day the clocks go forward has 23 hours, the day they go back 25), or at a fixed
        ``utc_offset_minutes`` from UTC (default: UTC days)."""
        first, last = _days(first, last)
        local = local_zone(zone, utc_offset_minutes)
        since, until = local_days(first, last, local)
        periods = offset_periods(since, until, local)
        sale_day = self._local_day(Order.completed_at, periods).label("day")
        refund_day = self._local_day(Refund.completed_at, periods).label("day")
        sold = (
            select(
                sale_day,
                func.count(Order.id).label("sales"),
                func.sum(Order.subtotal).label("net"),
                func.sum(Order.tax).label("tax"),
                func.sum(Order.total).label("total"),
                _zero("refunds"),
                _zero("refunded"),
            )
            .where(*self._sales_in(since, until))
            .group_by(sale_day)
        )
        given_back = (
            select(
                refund_day,
                _zero("sales"),
                -func.sum(Refund.subtotal),
                -func.sum(Refund.tax),
                -func.sum(Refund.total),
                func.count(Refund.id),
                func.sum(Refund.total),
            )
            .where(*self._refunds_in(since, until))
            .group_by(refund_day)
        )
        both = union_all(sold, given_back).subquery()
        rows = self.session.execute(
            select(
                both.c.day,
                *(
                    func.sum(c)
                    for c in (
                        both.c.sales,
                        both.c.net,
                        both.c.tax,
                        both.c.total,
                        both.c.refunds,
                        both.c.refunded,
                    )
                ),
            ).group_by(both.c.day)
        )
        found = {
            (d if isinstance(d, date) else date.fromisoformat(d)): tuple(int(v) for v in figures)
            for d, *figures in rows
        }
        days = (last - first).days + 1
        return [
            DaySales(d, *found.get(d, (0, 0, 0, 0, 0, 0)))
            for d in (first + timedelta(days=i) for i in range(days))
        ]

    # -- by product -------------------------------------------------------------------------
    def sales_by_product(
        self,
        start: date | datetime,
        end: date | datetime,
        *,
        utc_offset_minutes: int = 0,
        zone: Zone | None = None,
        limit: int | None = None,
    ) -> list[ProductSales]:
        """Quantity and net sold per product in the period, less what was returned then,
        best sellers (by net after returns) first."""
        since, until = period_bounds(start, end, utc_offset_minutes, zone=zone)
        sold = (
            select(
                OrderLine.product_id.label("product_id"),
                func.sum(OrderLine.quantity).label("sold"),
                _zero("returned"),
                func.sum(OrderLine.net).label("net"),
                _zero("refunded"),
            )
            .join(Order, Order.id == OrderLine.order_id)
            .where(*self._sales_in(since, until))
            .group_by(OrderLine.product_id)
        )
        returned = (
            select(
                RefundLine.product_id,
                _zero("sold"),
                func.sum(RefundLine.quantity),
                _zero("net"),
                func.sum(RefundLine.net),
            )
            .join(Refund, Refund.id == RefundLine.refund_id)
            .where(*self._refunds_in(since, until))
            .group_by(RefundLine.product_id)
        )
        both = union_all(sold, returned).subquery()
        per_product = (
            select(
                both.c.product_id,
                (func.sum(both.c.sold) - func.sum(both.c.returned)).label("quantity"),
                (func.sum(both.c.net) - func.sum(both.c.refunded)).label("net"),
                func.sum(both.c.returned).label("returned"),
                func.sum(both.c.refunded).label("refunded"),
            )
            .group_by(both.c.product_id)
            .subquery()
        )
        query = (
            select(
                Product.id,
                Product.sku,
                Product.name,
                per_product.c.quantity,
                per_product.c.net,
                per_product.c.returned,
                per_product.c.refunded,
            )
            .join(per_product, per_product.c.product_id == Product.id)
            .order_by(per_product.c.net.desc(), Product.sku)
        )
        if limit is not None:
            query = query.limit(limit)
        return [
            ProductSales(pid, sku, name, *(int(v) for v in figures))
            for pid, sku, name, *figures in self.session.execute(query)
        ]

    # -- by cashier -------------------------------------------------------------------------
    def sales_by_cashier(
        self,
        start: date | datetime,
        end: date | datetime,
        *,
        utc_offset_minutes: int = 0,
        zone: Zone | None = None,
    ) -> list[CashierSales]:
        """Sales each person rang up in the period and refunds they gave, by name (sales
        with no cashier recorded last)."""
        since, until = period_bounds(start, end, utc_offset_minutes, zone=zone)
        sold = (
            select(
                Order.staff_id.label("staff_id"),
                func.count(Order.id).label("sales"),
                func.sum(Order.subtotal).label("net"),
                func.sum(Order.tax).label("tax"),
                func.sum(Order.total).label("total"),
                _zero("refunds"),
                _zero("refunded"),
            )
            .where(*self._sales_in(since, until))
            .group_by(Order.staff_id)
        )
        given_back = (
            select(
                Refund.staff_id,
                _zero("sales"),
                -func.sum(Refund.subtotal),
                -func.sum(Refund.tax),
                -func.sum(Refund.total),
                func.count(Refund.id),
                func.sum(Refund.total),
            )
            .where(*self._refunds_in(since, until))
            .group_by(Refund.staff_id)
        )
        both = union_all(sold, given_back).subquery()
        figures = [
            func.sum(c)
            for c in (
                both.c.sales,
                both.c.net,
                both.c.tax,
                both.c.total,
                both.c.refunds,
                both.c.refunded,
            )
        ]
        rows = self.session.execute(
            select(both.c.staff_id, Staff.name, *figures)
            .outerjoin(Staff, Staff.id == both.c.staff_id)
            .group_by(both.c.staff_id, Staff.name)
            .order_by(Staff.name.is_(None), Staff.name)
        )
        return [
            CashierSales(staff_id, name or NO_CASHIER, *(int(v) for v in figures))
            for staff_id, name, *figures in rows
        ]
