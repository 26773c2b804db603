"""Staff rows: look-ups by name for signing in, and the failed-PIN counter."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..domain.staff import Role, StaffMember, name_key
from ..persistence.models import Staff

# Key of the PostgreSQL advisory lock that serialises adding people (ASCII "posstaff").
ADDING_STAFF_LOCK = 0x706F737374616666


def member_of(row: Staff) -> StaffMember:
    return StaffMember(row.id, row.name, Role(row.role))


@dataclass(frozen=True)
class StaffRow:
    """One person as the screens list them (never the PIN hash)."""

    staff_id: int
    name: str
    role: str
    active: bool
    locked_until: datetime | None
    created_at: datetime

    def member(self) -> StaffMember:
        return StaffMember(self.staff_id, self.name, Role(self.role))


def staff_row(row: Staff) -> StaffRow:
    return StaffRow(row.id, row.name, row.role, row.active, row.locked_until, row.created_at)


class StaffRepository:
    def __init__(self, session: Session):
        self.session = session

    def add(self, name: str, role: Role, pin_hash: str) -> int:
        row = Staff(name=name, role=role.value, pin_hash=pin_hash)
        self.session.add(row)
        self.session.flush()
        return row.id

    def get(self, staff_id: int) -> Staff | None:
        return self.session.get(Staff, staff_id)

    def named(self, name: str) -> list[Staff]:
        """Everyone whose name is ``name`` whatever its case and spacing (``name_key``).

        Compared in Python, not with SQL lower(): SQLite's folds only ASCII, so "élodie"
        would miss Élodie there. A store has tens of people, so every row is read, and the
        same query runs whether or not the name exists (signing in must not tell)."""
        key = name_key(name)
        rows = self.session.scalars(select(Staff).order_by(Staff.id)).all()
        return [row for row in rows if name_key(row.name) == key]

    def by_name(self, name: str) -> Staff | None:
        """The one person a cashier means by "anna" for Anna. Should two names fold alike
        (added before names were compared this way), the exact spelling wins, then the only
        active one; otherwise nobody (they type their name as it is written)."""
        found = self.named(name)
        if len(found) <= 1:
            return found[0] if found else None
        exact = [row for row in found if row.name == " ".join(name.split())]
        active = [row for row in found if row.active]
        for choice in (exact, active):
            if len(choice) == 1:
                return choice[0]
        return None

    def active_roles(self, staff_ids: Iterable[int]) -> dict[int, Role]:
        """The role stored now of each of these people still switched on (one SELECT): a
        signed-in snapshot may be out of date (services/authority.py)."""
        return {
            staff_id: Role(role)
            for staff_id, role in self.session.execute(
                select(Staff.id, Staff.role).where(Staff.id.in_(list(staff_ids)), Staff.active)
            )
        }

    def all(self, *, active_only: bool = False) -> list[Staff]:
        query = select(Staff).order_by(Staff.name)
        if active_only:
            query = query.where(Staff.active.is_(True))
        return list(self.session.scalars(query))

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(Staff)) or 0

    def count_for_adding(self) -> int:
        """Count the staff, holding other tills' additions back until this transaction ends,
        so two tills creating a fresh store's first owner at once cannot both see it empty.

        PostgreSQL: a transaction-level advisory lock (any role may take one; the count
        after it, in READ COMMITTED, sees the owner the other till committed). SQLite: a
        writer's BEGIN IMMEDIATE already holds the write lock when the count runs."""
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(select(func.pg_advisory_xact_lock(ADDING_STAFF_LOCK)))
        return self.count()

    def record_failed_pin(self, staff_id: int, lock_after: int, locked_until: datetime) -> int:
        """Count a wrong PIN atomically; lock the person out once the count reaches the limit."""
        failed = self.session.execute(
            update(Staff)
            .where(Staff.id == staff_id)
            .values(failed_pins=Staff.failed_pins + 1)
            .returning(Staff.failed_pins)
        ).scalar_one()
        if failed >= lock_after:
            self.session.execute(
                update(Staff)
                .where(Staff.id == staff_id)
                .values(locked_until=locked_until, failed_pins=0)
            )
        return failed

    def clear_failed_pins(self, staff_id: int) -> None:
        self.session.execute(
            update(Staff).where(Staff.id == staff_id).values(failed_pins=0, locked_until=None)
        )
