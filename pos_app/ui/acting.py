"""Who is acting when a screen changes something, and a manager's approval when they need one.

The services decide (``domain.staff.authorise``); screens only find out who is signed in
and, for someone without the right, ask a manager first (``ManagerApproval.ask``) so the
service gets the ``Approval`` to check and to record as ``approved_by``.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtWidgets import QWidget

from ..domain.errors import PermissionDenied
from ..domain.staff import Approval, Permission, StaffMember
from ..services.store import Store
from .station import Station

NOT_APPROVED = "A manager did not approve it, so nothing was changed."


class Acting(NamedTuple):
    actor: StaffMember
    approval: Approval | None


def signed_in(station: Station) -> StaffMember:
    """Who is signed in at this till; PermissionDenied ("Sign in first.") if nobody is."""
    if station.staff is None:
        raise PermissionDenied("Sign in first.")
    return station.staff


def acting(
    store: Store,
    station: Station,
    permission: Permission,
    reason_text: str,
    parent: QWidget | None = None,
) -> Acting:
    """The person signed in, with a manager's approval asked for now if they lack
    ``permission`` (``reason_text`` says what is approved, e.g. "a new price for Chai").
    Raises PermissionDenied when nobody is signed in or the approval is cancelled."""
    actor = signed_in(station)
    if actor.may(permission):
        return Acting(actor, None)
    from .approval_dialog import ManagerApproval

    approval = ManagerApproval.ask(store, permission, reason_text, parent)
    if approval is None:
        raise PermissionDenied(NOT_APPROVED)
    return Acting(actor, approval)
