"""Reports an owner or accountant reads: takings by tender, sales by day, sales by product.

Each is one aggregate query computed by the database (no objects loaded, no query per
sale), bounded by ``orders.completed_at`` so it walks the completion-time index and stays
fast over a year of sales. Only completed till sales count (``kind = 'sale'``): customer
orders are invoiced, not taken at the till.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

from sqlalchemy import Date, cast, func, literal_column, select
from sqlalchemy.orm import Session

from ..domain.errors import InvalidInput
from ..domain.tender import TenderKind
from ..persistence.models import Order, OrderLine, PaymentRow, Product

_COMPLETED_SALE = (Order.kind == "sale", Order.status == "completed")


@dataclass(frozen=True)
class TenderTakings:
    """What one kind of tender brought in (cash net of change given back)."""

    kind: str
    payments: int
    amount: int


@dataclass(frozen=True)
class DaySales:
    day: date
    sales: int
    net: int
    tax: int
    total: int


@dataclass(frozen=True)
class ProductSales:
    product_id: int
    sku: str
    name: str
    quantity: int
    net: int


def _aware(moment: datetime, name: str) -> datetime:
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise InvalidInput(f"The {name} time needs a time zone (times are stored in UTC).", name)
    return moment


def _offset(minutes: int) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int) or abs(minutes) > 18 * 60:
        raise InvalidInput("A UTC offset is a whole number of minutes within ±18 hours.", "offset")
    return minutes


class ReportsRepository:
    def __init__(self, session: Session):
        self.session = session

    @property
    def _dialect(self) -> str:
        return self.session.get_bind().dialect.name

    def takings_by_tender(self, since: datetime, until: datetime) -> list[TenderTakings]:
        """Payments applied to sales completed in ``[since, until)``, per tender kind.

        The stand-in for a Z report until tills have sessions: every tender kind is listed,
        with zero when nothing was taken that way."""
        since, until = _aware(since, "since"), _aware(until, "until")
        rows = self.session.execute(
            select(PaymentRow.kind, func.count(PaymentRow.id), func.sum(PaymentRow.applied))
            .join(Order, Order.id == PaymentRow.order_id)
            .where(*_COMPLETED_SALE, Order.completed_at >= since, Order.completed_at < until)
            .group_by(PaymentRow.kind)
        )
        found = {kind: (n, int(amount)) for kind, n, amount in rows}
        return [
            TenderTakings(kind.value, *found.pop(kind.value, (0, 0))) for kind in TenderKind
        ] + [TenderTakings(kind, n, amount) for kind, (n, amount) in sorted(found.items())]

    def sales_by_day(
        self, first: date, last: date, *, utc_offset_minutes: int = 0
    ) -> list[DaySales]:
        """Completed sales per calendar day from ``first`` to ``last`` inclusive, every day
        listed (zero when the shop was shut).

        A day runs midnight to midnight at ``utc_offset_minutes`` from UTC (default: UTC
        days). A fixed offset, not a time zone: a shop on summer time passes the offset of
        the period it reports on."""
        offset = _offset(utc_offset_minutes)
        if not isinstance(first, date) or not isinstance(last, date) or first > last:
            raise InvalidInput("Choose a first day on or before the last day.", "days")
        zone = timezone(timedelta(minutes=offset))
        since = datetime.combine(first, time(0), zone)
        until = datetime.combine(last + timedelta(days=1), time(0), zone)
        if self._dialect == "sqlite":
            # stored as UTC text 'YYYY-MM-DD HH:MM:SS.ffffff'; date() shifts and truncates
            day = func.date(Order.completed_at, f"{offset:+d} minutes")
        else:
            local = func.timezone("UTC", Order.completed_at)
            if offset:
                local = local + literal_column(f"interval '{offset} minutes'")
            day = cast(local, Date)
        day = day.label("day")
        rows = self.session.execute(
            select(
                day,
                func.count(Order.id),
                func.sum(Order.subtotal),
                func.sum(Order.tax),
                func.sum(Order.total),
            )
            .where(*_COMPLETED_SALE, Order.completed_at >= since, Order.completed_at < until)
            .group_by(day)
        )
        found = {
            (d if isinstance(d, date) else date.fromisoformat(d)): (n, int(net), int(tax), int(t))
            for d, n, net, tax, t in rows
        }
        days = (last - first).days + 1
        return [
            DaySales(d, *found.get(d, (0, 0, 0, 0)))
            for d in (first + timedelta(days=i) for i in range(days))
        ]

    def sales_by_product(
        self, since: datetime, until: datetime, *, limit: int | None = None
    ) -> list[ProductSales]:
        """Quantity and net sold per product in sales completed in ``[since, until)``,
        best sellers (by net) first."""
        since, until = _aware(since, "since"), _aware(until, "until")
        sold = (
            select(
                OrderLine.product_id.label("product_id"),
                func.sum(OrderLine.quantity).label("quantity"),
                func.sum(OrderLine.net).label("net"),
            )
            .join(Order, Order.id == OrderLine.order_id)
            .where(*_COMPLETED_SALE, Order.completed_at >= since, Order.completed_at < until)
            .group_by(OrderLine.product_id)
            .subquery()
        )
        query = (
            select(Product.id, Product.sku, Product.name, sold.c.quantity, sold.c.net)
            .join(sold, sold.c.product_id == Product.id)
            .order_by(sold.c.net.desc(), Product.sku)
        )
        if limit is not None:
            query = query.limit(limit)
        return [
            ProductSales(pid, sku, name, int(q), int(net))
            for pid, sku, name, q, net in self.session.execute(query)
        ]


def utc_day(day: date) -> tuple[datetime, datetime]:
    """``[since, until)`` of one UTC calendar day, for the per-period reports."""
    since = datetime.combine(day, time(0), UTC)
    return since, since + timedelta(days=1)
