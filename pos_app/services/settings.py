"""Reading and changing the store's settings (shared by every till, kept in the database).

Only someone allowed to change the settings (an owner) saves them; every save that changes
something leaves an audit row naming the keys that changed, in the same transaction.
"""

from __future__ import annotations

from ..domain.settings import StoreSettings
from ..domain.staff import Approval, Permission, StaffMember, authorise
from ..repositories.unit_of_work import UnitOfWork
from .authority import still_allowed


def load_settings(uow: UnitOfWork) -> StoreSettings:
    """The settings as stored (defaults for whatever was never saved)."""
    with uow.guard():
        settings = uow.settings.load()
        uow.rollback()
    return settings


def save_settings(
    uow: UnitOfWork,
    actor: StaffMember | None,
    settings: StoreSettings,
    approval: Approval | None = None,
) -> tuple[str, ...]:
    """Check, store and audit ``settings``; returns the keys that changed (none: nothing
    is written and no audit row is added)."""
    approver = authorise(actor, Permission.EDIT_SETTINGS, approval)
    settings = settings.validated()

    def work() -> tuple[str, ...]:
        still_allowed(uow, actor, Permission.EDIT_SETTINGS, approver)
        changed = tuple(sorted(uow.settings.save(settings)))
        if not changed:
            uow.rollback()
            return ()
        uow.audit.append(
            "settings.change",
            subject=", ".join(changed),
            details={"changed": list(changed)},
            staff_id=actor.staff_id,
            approved_by=approver.staff_id if approver else None,
        )
        uow.commit()
        return changed

    return uow.run(work)
