"""Opening the cash drawer without a sale ("No sale").

A cashier needs a manager's approval; whoever opens it, an audit row says who, on which
till and why, committed *before* the drawer is kicked, so an open drawer is never
unrecorded. A printer that does not answer afterwards leaves the row (the attempt is
what matters) and raises PrinterUnavailable.
"""

from __future__ import annotations

from collections.abc import Callable

from ..domain.errors import InvalidInput
from ..domain.settings import StoreSettings
from ..domain.staff import Approval, Permission, StaffMember, authorise
from ..repositories.unit_of_work import UnitOfWork
from . import printing
from .authority import still_allowed

MAX_REASON = 120


def record_drawer_opening(
    uow: UnitOfWork,
    actor: StaffMember | None,
    till_name: str,
    reason: str = "",
    approval: Approval | None = None,
) -> int:
    """Authorise and audit one opening; returns the audit row's number. An opening a manager
    approved is an 'override'; one by someone allowed to is 'drawer.open'."""
    approver = authorise(actor, Permission.OPEN_DRAWER, approval)
    reason = " ".join(str(reason or "").split())
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"Keep the reason under {MAX_REASON} characters.", "reason")

    def work() -> int:
        still_allowed(uow, actor, Permission.OPEN_DRAWER, approver)
        seq = uow.audit.append(
            "override" if approver else "drawer.open",
            subject="drawer.open" if approver else till_name,
            details={"till": till_name, "reason": reason},
            staff_id=actor.staff_id,
            approved_by=approver.staff_id if approver else None,
        )
        uow.commit()
        return seq

    return uow.run(work)


def open_drawer_without_sale(
    uow: UnitOfWork,
    actor: StaffMember | None,
    settings: StoreSettings,
    till_name: str,
    *,
    reason: str = "",
    approval: Approval | None = None,
    printer_factory: Callable[[object], object] = printing.printer_for,
) -> int:
    """Record, then kick the drawer on the store's ESC/POS printer."""
    if not printing.is_escpos(settings.printer):
        raise printing.PrinterUnavailable(
            "The cash drawer opens through an ESC/POS receipt printer, and none is set up "
            "(Settings, Receipt printer)."
        )
    printer = printer_factory(settings.printer)  # refuses incomplete settings before auditing
    seq = record_drawer_opening(uow, actor, till_name, reason, approval)
    printing.open_drawer(printer, settings)
    return seq
