"""A ``Station`` with someone signed in, for screens that act as the person at the till.

    station = signed_in(store)             # the store's owner (added if nobody is there)
    station = signed_in(store, cashier)    # a cashier: saving asks for a manager's approval
"""

from __future__ import annotations

from pos_app.domain.staff import StaffMember
from pos_app.services.store import Store
from pos_app.ui.station import Station
from tests.factories import owner


def signed_in(store: Store, member: StaffMember | None = None, till: str = "Till 1") -> Station:
    """This till with ``member`` (default: the store's owner) signed in, no till session."""
    station = Station(till)
    station.sign_in(member or owner(store.unit_of_work))
    return station
