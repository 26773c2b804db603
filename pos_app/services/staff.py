"""Signing in, manager approvals and looking after staff.

A wrong PIN is counted in the database (so restarting the till does not reset it); after
``LOCK_AFTER`` wrong PINs in a row the person is locked out for ``LOCK_MINUTES``. The very
first person added to an empty store becomes its owner without anyone's approval; after
that only an owner adds staff.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache

from ..domain.errors import InvalidInput, PermissionDenied, WrongPin
from ..domain.staff import (
    Approval,
    Permission,
    Role,
    StaffMember,
    authorise,
    hash_pin,
    parse_pin,
    parse_role,
    parse_staff_name,
    pin_matches,
)
from ..persistence.models import utcnow
from ..repositories.staff import member_of
from ..repositories.unit_of_work import UnitOfWork
from .authority import still_allowed

LOCK_AFTER = 5
LOCK_MINUTES = 5
NO_MATCH = "That name and PIN do not match anyone here."
ALREADY_OWNED = "The store already has an owner: sign in as them."


@cache
def _dummy_hash() -> str:
    """Checked against when the name is unknown, so an unknown name costs the same scrypt
    time as a known one and timing does not tell which names exist."""
    return hash_pin("0000")


def add_staff(
    uow: UnitOfWork, actor: StaffMember | None, name: str, role: Role | str, pin: str
) -> StaffMember:
    """Add a person; the first one of a store is its owner, later ones need an owner. Two
    tills creating the first owner at once are serialised: the second is refused."""
    name = parse_staff_name(name)
    role = parse_role(role.value if isinstance(role, Role) else role)
    pin_hash = hash_pin(parse_pin(pin))

    def work() -> StaffMember:
        if uow.staff.count_for_adding() == 0:
            role_now = Role.OWNER
        elif actor is None:  # another till created the owner first
            raise PermissionDenied(ALREADY_OWNED)
        else:
            authorise(actor, Permission.MANAGE_STAFF)
            still_allowed(uow, actor, Permission.MANAGE_STAFF)
            role_now = role
        # Checked here, not by the database: its UNIQUE is on the exact name, and a unique
        # index on lower(name) would fold only ASCII on SQLite. Adding is serialised
        # (count_for_adding), so two tills cannot both find a name free.
        if uow.staff.named(name):
            raise InvalidInput(f"There is already someone called {name}.", "name")
        staff_id = uow.staff.add(name, role_now, pin_hash)
        uow.audit.append(
            "staff.add",
            subject=name,
            details={"role": role_now.value},
            staff_id=actor.staff_id if actor else staff_id,
        )
        uow.commit()
        return StaffMember(staff_id, name, role_now)

    return uow.run(work)


def sign_in(uow: UnitOfWork, name: str, pin: str) -> StaffMember:
    """Check a name and PIN; the same message for an unknown name and a wrong PIN."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput("Type your name.", "name")
    try:
        pin = parse_pin(pin)
    except InvalidInput:
        raise WrongPin("A PIN is 4 to 8 digits.") from None
    try:
        name = parse_staff_name(name)
    except InvalidInput:  # control characters, too long: nobody is called that
        pin_matches(pin, _dummy_hash())
        raise WrongPin(NO_MATCH) from None
    with uow.guard():
        row = uow.staff.by_name(name)
        if row is None or not row.active:
            uow.rollback()
            pin_matches(pin, _dummy_hash())
            raise WrongPin(NO_MATCH)
        now = utcnow()
        if row.locked_until is not None and row.locked_until > now:
            minutes = max(1, int((row.locked_until - now).total_seconds() // 60) + 1)
            uow.rollback()
            raise WrongPin(f"Too many wrong PINs: try again in {minutes} minute(s).")
        if not pin_matches(pin, row.pin_hash):
            uow.staff.record_failed_pin(row.id, LOCK_AFTER, now + timedelta(minutes=LOCK_MINUTES))
            uow.commit()
            raise WrongPin(NO_MATCH)
        member = member_of(row)
        if row.failed_pins or row.locked_until is not None:
            uow.staff.clear_failed_pins(row.id)
            uow.commit()
        else:
            uow.rollback()
    return member


def approve(uow: UnitOfWork, name: str, pin: str, permission: Permission) -> Approval:
    """A manager's override: their name and PIN, for one permission."""
    approver = sign_in(uow, name, pin)
    if not approver.may(permission):
        raise PermissionDenied(f"{approver.name} may not {permission.value} either.")
    return Approval(approver, permission)


def change_pin(uow: UnitOfWork, actor: StaffMember, staff_id: int, new_pin: str) -> None:
    """Anyone may change their own PIN; an owner may reset anyone's."""
    pin_hash = hash_pin(parse_pin(new_pin))
    if actor.staff_id != staff_id:
        authorise(actor, Permission.MANAGE_STAFF)

    def work() -> None:
        own = actor.staff_id == staff_id
        still_allowed(uow, actor, None if own else Permission.MANAGE_STAFF)
        row = uow.staff.get(staff_id)
        if row is None:
            raise InvalidInput("No such person.", "staff")
        row.pin_hash = pin_hash
        row.failed_pins = 0
        row.locked_until = None
        uow.audit.append("staff.pin", subject=row.name, staff_id=actor.staff_id)
        uow.commit()

    uow.run(work)


def set_active(uow: UnitOfWork, actor: StaffMember, staff_id: int, active: bool) -> None:
    authorise(actor, Permission.MANAGE_STAFF)
    if actor.staff_id == staff_id and not active:
        raise InvalidInput("You cannot switch yourself off.", "staff")

    def work() -> None:
        still_allowed(uow, actor, Permission.MANAGE_STAFF)
        row = uow.staff.get(staff_id)
        if row is None:
            raise InvalidInput("No such person.", "staff")
        row.active = bool(active)
        uow.audit.append(
            "staff.active" if active else "staff.inactive", subject=row.name, staff_id=actor.staff_id
        )
        uow.commit()

    uow.run(work)
