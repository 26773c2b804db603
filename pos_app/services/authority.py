"""Rights checked against the database at the moment of writing, not at signing in.

A signed-in person is a ``StaffMember`` snapshot; meanwhile an owner may switch them off or
lower their role on another till. Every write asks the database, inside its own transaction,
whether the person (and the manager who approved, if one did) still may: one SELECT. The
sale, the hot path, asks inside statements it runs anyway (repositories/sales.py, tills.py).
"""

from __future__ import annotations

from ..domain.errors import SignInAgain
from ..domain.staff import ROLE_PERMISSIONS, Permission, StaffMember
from ..repositories.unit_of_work import UnitOfWork


def still_allowed(
    uow: UnitOfWork,
    actor: StaffMember,
    permission: Permission | None,
    approver: StaffMember | None = None,
) -> None:
    """Refuse (SignInAgain) unless ``actor`` is still switched on and, as stored now, may do
    ``permission`` (None: being switched on is enough), or ``approver`` (who allowed it)
    still may. Call it inside the unit of work's transaction, before its commit:
    ``authorise`` checked only the snapshot."""
    allowing = approver if approver is not None else actor
    roles = uow.staff.active_roles({actor.staff_id, allowing.staff_id})
    for person in (actor, allowing):
        if person.staff_id not in roles:
            raise SignInAgain.switched_off(person.name)
    if permission is not None and permission not in ROLE_PERMISSIONS[roles[allowing.staff_id]]:
        raise SignInAgain(f"{allowing.name} may no longer {permission.value}: sign in again.")
