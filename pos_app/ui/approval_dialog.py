"""A manager's override: their name and PIN, typed in at the till for one action.

The service does the deciding (``services.staff.approve`` checks the PIN and the role and
returns an ``Approval``); the action's own service then takes that ``Approval`` and records
the approver in the audit log (``approved_by``). This dialog only asks.

Calling it (from a view or dialog that is about to do something the cashier may not)::

    from ..domain.staff import Permission
    from .approval_dialog import ManagerApproval

    approval = None
    if not self.station.may(Permission.REFUND):
        approval = ManagerApproval.ask(self.store, Permission.REFUND, "a refund on receipt 17", self)
        if approval is None:
            return  # cancelled: nothing happens
    refund(uow, self.station.staff, ..., approval=approval)

Always call it through the class, ``ManagerApproval.ask(...)``, at the moment it is needed
(never keep a reference to ``ask``), so a test can replace it::

    monkeypatch.setattr(ManagerApproval, "ask", classmethod(
        lambda cls, store, permission, reason_text, parent=None: Approval(manager, permission)))

``tests/ui/approvals.py`` has ``approve_as(monkeypatch, manager)`` and
``refuse_approval(monkeypatch)`` doing exactly that and recording what was asked.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import InvalidInput, PermissionDenied, PosError
from ..domain.staff import Approval, Permission, Role
from ..services.staff import approve
from ..services.store import Store
from .feedback import InlineMessage, failure_text, went_wrong
from .pin_entry import EnterKeys, name_box, pin_field

log = logging.getLogger(__name__)


class ManagerApproval(QDialog):
    def __init__(
        self,
        store: Store,
        permission: Permission,
        reason_text: str,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.store = store
        self.permission = Permission(permission)
        self.approval: Approval | None = None
        self.uow = store.unit_of_work().open()
        self.setObjectName("approvalDialog")
        self.setWindowTitle("Manager approval")
        self.setMinimumWidth(420)

        self.reasonLabel = QLabel(f"A manager must approve: {reason_text}")
        self.reasonLabel.setObjectName("approvalReason")
        self.reasonLabel.setWordWrap(True)
        font = self.reasonLabel.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.reasonLabel.setFont(font)
        self.reasonLabel.setAccessibleName("What needs approval")
        hint = QLabel(f"Someone who may {self.permission.value} types their name and PIN.")
        hint.setObjectName("approvalHint")
        hint.setWordWrap(True)

        self.nameBox = name_box(self._approvers(), "approverName", self)
        self.nameBox.setAccessibleName("Manager's name")
        self.pinField = pin_field("approverPin", "Manager's PIN", self)
        self.enter_keys = EnterKeys(self)
        self.enter_keys.on(self.nameBox, self._name_entered)
        self.enter_keys.on(self.pinField, self.submit)
        self.pinField.textEdited.connect(lambda _t: self.message.clear_message())
        form = QFormLayout()
        name_caption = QLabel("Manager's &name:")
        name_caption.setBuddy(self.nameBox)
        pin_caption = QLabel("&PIN:")
        pin_caption.setBuddy(self.pinField)
        form.addRow(name_caption, self.nameBox)
        form.addRow(pin_caption, self.pinField)

        self.message = InlineMessage(self, object_name="approvalMessage")
        self.approveButton = QPushButton("Approve (Enter)")
        self.approveButton.setObjectName("approveButton")
        self.approveButton.setAccessibleName("Approve")
        self.approveButton.setAutoDefault(False)  # Enter is handled in keyPressEvent
        self.approveButton.clicked.connect(self.submit)
        self.cancelButton = QPushButton("Cancel (Esc)")
        self.cancelButton.setObjectName("cancelApprovalButton")
        self.cancelButton.setAccessibleName("Cancel")
        self.cancelButton.setAutoDefault(False)
        self.cancelButton.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancelButton)
        buttons.addWidget(self.approveButton)

        layout = QVBoxLayout(self)
        layout.addWidget(self.reasonLabel)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(buttons)
        QWidget.setTabOrder(self.nameBox, self.pinField)
        QWidget.setTabOrder(self.pinField, self.approveButton)
        QWidget.setTabOrder(self.approveButton, self.cancelButton)
        self.nameBox.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.nameBox.count():
            self.message.show_error(
                "Nobody here may approve this: an owner adds a manager on the Staff screen.",
                beep=False,
            )

    def _approvers(self) -> list[str]:
        try:
            rows = self.store.staff_rows(active_only=True)
        except PosError as exc:
            log.warning("staff list unavailable: %s", exc)
            return []
        # the owners and managers who may do it, managers first (they are the usual ones)
        order = {Role.MANAGER.value: 0, Role.OWNER.value: 1}
        rows = [r for r in rows if r.member().may(self.permission)]
        return [r.name for r in sorted(rows, key=lambda r: (order.get(r.role, 2), r.name))]

    def _name_entered(self) -> None:
        if self.pinField.text():
            self.submit()
        else:
            self.pinField.setFocus()

    def submit(self) -> None:
        self.message.clear_message()
        name = self.nameBox.currentText()
        try:
            self.approval = approve(self.uow, name, self.pinField.text(), self.permission)
        except (InvalidInput, PermissionDenied) as exc:  # wrong PIN, locked out, not a manager
            self.message.show_error(str(exc))
            self.pinField.clear()
            field = getattr(exc, "field", None)
            (self.nameBox if field == "name" else self.pinField).setFocus()
            return
        except Exception as exc:  # noqa: BLE001 - a bug or the database: said, logged, kept open
            self.message.show_error(
                failure_text(exc, went_wrong("nothing was approved"), log, "approval failed")
            )
            return
        self.accept()

    def keyPressEvent(self, event) -> None:  # noqa: ANN001
        """Enter acts once: the name and PIN fields answer it themselves (EnterKeys), a
        focused button is pressed; the dialog's default-button reflex would submit twice."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focused = self.focusWidget()
            if isinstance(focused, QPushButton):
                focused.click()
            event.accept()
            return
        super().keyPressEvent(event)

    def done(self, result: int) -> None:
        self.uow.close()
        super().done(result)

    def closeEvent(self, event) -> None:  # noqa: ANN001
        super().closeEvent(event)
        self.uow.close()

    @classmethod
    def ask(
        cls,
        store: Store,
        permission: Permission,
        reason_text: str,
        parent: QWidget | None = None,
    ) -> Approval | None:
        """The approval, or None when cancelled. Replace this in tests (see module doc)."""
        dialog = cls(store, permission, reason_text, parent)
        try:
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
            return dialog.approval if accepted else None
        finally:
            dialog.deleteLater()


def demo(store: Store) -> QWidget:
    """Asking for a refund approval after a wrong PIN."""
    dialog = ManagerApproval(store, Permission.REFUND, "a refund of 12.50 on receipt 17")
    names = [dialog.nameBox.itemText(i) for i in range(dialog.nameBox.count())]
    dialog.nameBox.setEditText(names[0] if names else "Olive")
    dialog.message.show_error("That name and PIN do not match anyone here.", beep=False)
    return dialog
