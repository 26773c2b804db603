"""This till as the screens see it: its name, who is signed in, and their open till session.

One ``Station`` per window, handed to the views that need it (no view reaches back into
the main window). Views listen to ``changed`` to follow sign-in, sign-out, opening and
closing the till.
"""

from __future__ import annotations

import socket

from PySide6.QtCore import QObject, QSettings, Signal

from ..domain.staff import Permission, Shift, StaffMember

TILL_NAME_KEY = "till/name"


def this_till_name() -> str:
    """Per-till preference (QSettings), defaulting to the computer's name."""
    name = QSettings().value(TILL_NAME_KEY, "")
    return str(name).strip() or (socket.gethostname()[:40] or "Till 1")


class Station(QObject):
    changed = Signal()

    def __init__(self, till_name: str | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.till_name = till_name or this_till_name()
        self.staff: StaffMember | None = None
        self.shift: Shift | None = None

    def sign_in(self, staff: StaffMember, shift: Shift | None = None) -> None:
        self.staff = staff
        self.shift = (
            Shift(shift.session_id, shift.till_name, staff) if shift is not None else None
        )
        self.changed.emit()

    def sign_out(self) -> None:
        self.staff = None
        self.shift = None
        self.changed.emit()

    def set_shift(self, shift: Shift | None) -> None:
        self.shift = shift
        self.changed.emit()

    def may(self, permission: Permission) -> bool:
        return self.staff is not None and self.staff.may(permission)
