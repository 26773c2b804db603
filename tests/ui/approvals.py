"""Stand-ins for the manager-approval dialog in UI tests of screens that ask for one.

    calls = approve_as(monkeypatch, manager)   # every ask() returns manager's Approval
    calls = refuse_approval(monkeypatch)       # every ask() is cancelled (None)
    ... drive the screen ...
    assert calls == [(Permission.REFUND, "a refund on receipt 17")]
"""

from __future__ import annotations

from pos_app.domain.staff import Approval, Permission, StaffMember
from pos_app.ui.approval_dialog import ManagerApproval


def _replace(monkeypatch, answer) -> list[tuple[Permission, str]]:  # noqa: ANN001
    calls: list[tuple[Permission, str]] = []

    def ask(cls, store, permission, reason_text, parent=None):  # noqa: ANN001, ARG001
        calls.append((Permission(permission), reason_text))
        return answer(permission)

    monkeypatch.setattr(ManagerApproval, "ask", classmethod(ask))
    return calls


def approve_as(monkeypatch, approver: StaffMember) -> list[tuple[Permission, str]]:
    """Every approval asked for is given by ``approver`` (as if they typed their PIN)."""
    return _replace(monkeypatch, lambda permission: Approval(approver, Permission(permission)))


def refuse_approval(monkeypatch) -> list[tuple[Permission, str]]:
    """Every approval asked for is cancelled."""
    return _replace(monkeypatch, lambda _permission: None)
