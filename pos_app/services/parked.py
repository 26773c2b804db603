"""Parked sales: put a cart aside to serve the next customer, take it back later.

Several carts may be parked, on any till; the list shows every till's (each marked with
its till) so a customer who comes back to another till is served there. Resuming deletes
the parked row in the same transaction that hands the cart back, so two tills can never
both resume the same cart: the second is told it is gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..domain.cart import Cart
from ..domain.errors import InvalidInput, NotFound
from ..domain.parked import cart_json, parse_label, product_ids, rebuild, summary_of
from ..domain.staff import Permission, StaffMember, authorise
from ..repositories.parked import ParkedRow
from ..repositories.unit_of_work import UnitOfWork
from .authority import still_allowed
from .till import parse_till_name


@dataclass(frozen=True)
class ParkedSaleRow:
    """One parked cart in the list."""

    parked_id: int
    till_name: str
    staff_name: str
    label: str
    parked_at: datetime
    items: int
    total: int
    description: str
    customer_code: str | None


@dataclass(frozen=True)
class Parking:
    """The cart on screen, to be parked as part of resuming another (see ``resume``)."""

    till_name: str
    staff: StaffMember
    cart: Cart
    label: str = ""


@dataclass
class Resumed:
    cart: Cart
    label: str
    dropped: list[str]  # names of products no longer on sale, left out of the cart
    parked_as: int | None = None  # the cart that was on screen, parked in the same go


def _parked_id(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        raise InvalidInput("Choose a parked sale from the list.", "parked")
    return value


def park(
    uow: UnitOfWork, till_name: str, staff: StaffMember, cart: Cart, label: str = ""
) -> int:
    """Put ``cart`` aside and return its number. The caller clears the cart on screen."""
    authorise(staff, Permission.PARK_SALE)
    till_name = parse_till_name(till_name)
    label = parse_label(label)
    text = cart_json(cart)

    def work() -> int:
        still_allowed(uow, staff, Permission.PARK_SALE)
        parked_id = uow.parked.add(
            till_name=till_name, staff_id=staff.staff_id, label=label, cart=text
        )
        uow.commit()
        return parked_id

    return uow.open().run(work)


def parked_sales(uow: UnitOfWork, till_name: str | None = None) -> list[ParkedSaleRow]:
    """Every parked cart, oldest first (or only this till's)."""
    with uow.open().guard():
        rows = uow.parked.all(till_name)
        uow.rollback()
    return summarised(rows)


def summarised(rows: list[ParkedRow]) -> list[ParkedSaleRow]:
    """Stored rows as the list shows them (items, total and names from the JSON alone)."""
    out = []
    for row in rows:
        summary = summary_of(row.cart)
        out.append(
            ParkedSaleRow(
                parked_id=row.parked_id,
                till_name=row.till_name,
                staff_name=row.staff_name,
                label=row.label,
                parked_at=row.parked_at,
                items=summary.items,
                total=summary.total,
                description=summary.description,
                customer_code=summary.customer_code,
            )
        )
    return out


def resume(
    uow: UnitOfWork,
    parked_id: int,
    *,
    parked_at: datetime | None = None,
    staff: StaffMember | None = None,
    park_current: Parking | None = None,
) -> Resumed:
    """Take a parked cart back (deleting it), with today's prices; products no longer on
    sale are left out and named. With ``park_current`` the cart on screen is parked in the
    same transaction: both happen, or neither. A list on screen passes the row's
    ``parked_at`` too, so a number handed out again (SQLite reuses a deleted row's id)
    never resumes someone else's cart."""
    parked_id = _parked_id(parked_id)
    if parked_at is not None and not isinstance(parked_at, datetime):
        raise InvalidInput("Choose a parked sale from the list.", "parked")
    if staff is not None:
        authorise(staff, Permission.PARK_SALE)
    current = None
    if park_current is not None:
        authorise(park_current.staff, Permission.PARK_SALE)
        current = (
            parse_till_name(park_current.till_name),
            park_current.staff.staff_id,
            parse_label(park_current.label),
            cart_json(park_current.cart),
        )

    def work() -> Resumed:
        if staff is not None:
            still_allowed(uow, staff, Permission.PARK_SALE)
        if park_current is not None and park_current.staff != staff:
            still_allowed(uow, park_current.staff, Permission.PARK_SALE)
        row = uow.parked.take(parked_id, parked_at)
        if row is None:
            raise NotFound(
                f"Parked sale {parked_id} is no longer parked: another till has resumed it."
            )
        rebuilt = rebuild(row.cart, uow.parked.sellable(product_ids(row.cart)))
        parked_as = None
        if current is not None:
            till_name, staff_id, label, text = current
            parked_as = uow.parked.add(
                till_name=till_name, staff_id=staff_id, label=label, cart=text
            )
        uow.commit()
        return Resumed(rebuilt.cart, row.label, rebuilt.dropped, parked_as)

    return uow.open().run(work)
