"""Till sessions (shifts): a sale needs one open on its till.

Opening takes a float (the cash in the drawer to give change from). See repositories/tills.py
for how a sale and a closing can never cross.
"""

from __future__ import annotations

from ..domain.errors import InvalidInput, InvalidState, TillClosed
from ..domain.money import check_amount
from ..domain.staff import Permission, Shift, StaffMember, authorise
from ..repositories.unit_of_work import UnitOfWork

MAX_TILL_NAME = 40


def parse_till_name(text: object) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput("Give this till a name (e.g. Till 1).", "till")
    name = " ".join(text.split())
    if len(name) > MAX_TILL_NAME or any(not ch.isprintable() for ch in name):
        raise InvalidInput(f"A till name is at most {MAX_TILL_NAME} plain characters.", "till")
    return name


def open_till(uow: UnitOfWork, staff: StaffMember, till_name: str, opening_float: int) -> Shift:
    """Open a session on ``till_name`` with a float in cents; refuses a second open one."""
    till_name = parse_till_name(till_name)
    opening_float = check_amount(opening_float, "opening float")
    authorise(staff, Permission.OPEN_TILL)

    def work() -> Shift:
        if uow.tills.open_on(till_name) is not None:
            raise InvalidState(f"{till_name} is already open: close it first.")
        session_id = uow.tills.open_session(till_name, staff.staff_id, opening_float)
        uow.audit.append(
            "till.open",
            subject=till_name,
            details={"session": session_id, "float": opening_float},
            staff_id=staff.staff_id,
        )
        uow.commit()
        return Shift(session_id, till_name, staff)

    return uow.run(work)


def current_shift(uow: UnitOfWork, staff: StaffMember, till_name: str) -> Shift:
    """Take over the open session on this till (a new cashier signing in mid-shift)."""
    till_name = parse_till_name(till_name)
    with uow.guard():
        row = uow.tills.open_on(till_name)
        uow.rollback()
    if row is None:
        raise TillClosed(f"{till_name} is not open: open it with a float first.")
    return Shift(row.id, till_name, staff)
