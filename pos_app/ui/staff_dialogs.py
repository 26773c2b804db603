"""Adding a person and setting a PIN, for the Staff screen.

The services decide who may do it (an owner adds people and resets anyone's PIN; anyone
changes their own); these dialogs collect the name, role and the PIN typed twice, and show
each problem in place. One unit of work per dialog, committed by the service on Save.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import InvalidInput, PosError
from ..domain.staff import Role, StaffMember
from ..services.staff import add_staff, change_pin
from ..services.store import Store
from .feedback import InlineMessage, failure_text, went_wrong
from .pin_entry import EnterKeys, pin_field

log = logging.getLogger(__name__)

ROLE_NAMES = {Role.CASHIER: "Cashier", Role.MANAGER: "Manager", Role.OWNER: "Owner"}


class _PinDialogBase(QDialog):
    """Shared: two PIN fields, a message, Save/Cancel, Enter acting once."""

    def __init__(self, store: Store, actor: StaffMember, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.uow = store.unit_of_work().open()
        self.form = QFormLayout()
        self.pinField = pin_field("pinField", "PIN", self)
        self.pinAgainField = pin_field("pinAgainField", "PIN again", self)
        self.pinAgainField.setPlaceholderText("the same PIN again")
        self.message = InlineMessage(self, object_name="staffDialogMessage")
        self.saveButton = QPushButton("Save (Enter)")
        self.saveButton.setObjectName("saveButton")
        self.saveButton.setAccessibleName("Save")
        self.saveButton.setAutoDefault(False)
        self.saveButton.clicked.connect(self.save)
        self.cancelButton = QPushButton("Cancel (Esc)")
        self.cancelButton.setObjectName("cancelButton")
        self.cancelButton.setAccessibleName("Cancel")
        self.cancelButton.setAutoDefault(False)
        self.cancelButton.clicked.connect(self.reject)

    def _finish_layout(self, heading: str, fields: list[QWidget]) -> None:
        for edit in self.findChildren(QLineEdit):
            edit.textEdited.connect(lambda _t: self.message.clear_message())
        title = QLabel(heading)
        title.setObjectName("staffDialogHeading")
        font = title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        title.setFont(font)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancelButton)
        buttons.addWidget(self.saveButton)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(buttons)
        # Enter in a field goes on to the next one, and saves from the last one
        self.enter_keys = EnterKeys(self)
        for field, following in zip(fields, fields[1:], strict=False):
            self.enter_keys.on(field, following.setFocus)
        self.enter_keys.on(fields[-1], self.save)
        order = [*fields, self.saveButton, self.cancelButton]  # all in this window now
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _add_row(self, text: str, widget: QWidget) -> None:
        caption = QLabel(text)
        caption.setBuddy(widget)
        self.form.addRow(caption, widget)

    def _pins_match(self) -> bool:
        if self.pinField.text() != self.pinAgainField.text():
            self.message.show_error("The two PINs differ: type the same PIN twice.")
            self.pinAgainField.clear()
            self.pinAgainField.setFocus()
            return False
        return True

    def _failed(self, exc: Exception, outcome: str, fields: dict[str, QWidget]) -> None:
        if isinstance(exc, PosError):
            self.message.show_error(str(exc))
            target = fields.get(getattr(exc, "field", None) or "")
            if target is not None:
                target.setFocus()
            return
        self.message.show_error(failure_text(exc, went_wrong(outcome), log, outcome))

    def save(self) -> None:  # pragma: no cover - each dialog has its own
        raise NotImplementedError

    def keyPressEvent(self, event) -> None:  # noqa: ANN001
        """Enter presses a focused button, and never the default one behind the cashier's back."""
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


class AddPersonDialog(_PinDialogBase):
    """A new person with a role and a PIN (only an owner may: the service checks)."""

    def __init__(self, store: Store, actor: StaffMember, parent: QWidget | None = None):
        super().__init__(store, actor, parent)
        self.added: StaffMember | None = None
        self.setObjectName("addPersonDialog")
        self.setWindowTitle("Add a person")
        self.setMinimumWidth(420)
        self.nameField = QLineEdit()
        self.nameField.setObjectName("personName")
        self.nameField.setAccessibleName("Name")
        self.nameField.setMaxLength(80)
        self.nameField.setPlaceholderText("as they sign in, e.g. Anna")
        self.roleBox = QComboBox()
        self.roleBox.setObjectName("personRole")
        self.roleBox.setAccessibleName("Role")
        for role, text in ROLE_NAMES.items():
            self.roleBox.addItem(text, role.value)
        self._add_row("&Name:", self.nameField)
        self._add_row("&Role:", self.roleBox)
        self._add_row("&PIN:", self.pinField)
        self._add_row("PIN &again:", self.pinAgainField)
        hint = QLabel(
            "Cashiers sell and run the till; managers also refund, void, override prices "
            "and see reports; owners may do everything, staff included."
        )
        hint.setWordWrap(True)
        hint.setObjectName("roleHint")
        self.form.addRow("", hint)
        self._finish_layout(
            "Add a person", [self.nameField, self.roleBox, self.pinField, self.pinAgainField]
        )
        self.nameField.setFocus()

    def save(self) -> None:
        self.message.clear_message()
        if not self._pins_match():
            return
        try:
            self.added = add_staff(
                self.uow,
                self.actor,
                self.nameField.text(),
                self.roleBox.currentData(),
                self.pinField.text(),
            )
        except Exception as exc:  # noqa: BLE001 - PosError said in place; a bug logged
            fields = {"name": self.nameField, "role": self.roleBox, "pin": self.pinField}
            self._failed(exc, "nobody was added", fields)
            return
        self.accept()

    @classmethod
    def ask(
        cls, store: Store, actor: StaffMember, parent: QWidget | None = None
    ) -> StaffMember | None:
        dialog = cls(store, actor, parent)
        try:
            return dialog.added if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


class PinDialog(_PinDialogBase):
    """A new PIN for ``person``: one's own, or anyone's for an owner. Clears a lockout."""

    def __init__(
        self,
        store: Store,
        actor: StaffMember,
        person: StaffMember,
        parent: QWidget | None = None,
    ):
        super().__init__(store, actor, parent)
        self.person = person
        self.changed = False
        self.setObjectName("pinDialog")
        own = person.staff_id == actor.staff_id
        heading = "Change your PIN" if own else f"A new PIN for {person.name}"
        self.setWindowTitle(heading)
        self.setMinimumWidth(380)
        self._add_row("New &PIN:", self.pinField)
        self._add_row("PIN &again:", self.pinAgainField)
        self._finish_layout(heading, [self.pinField, self.pinAgainField])
        self.pinField.setFocus()

    def save(self) -> None:
        self.message.clear_message()
        if not self._pins_match():
            return
        try:
            change_pin(self.uow, self.actor, self.person.staff_id, self.pinField.text())
        except Exception as exc:  # noqa: BLE001
            self._failed(exc, "the PIN was not changed", {"pin": self.pinField})
            return
        self.changed = True
        self.accept()

    @classmethod
    def ask(
        cls,
        store: Store,
        actor: StaffMember,
        person: StaffMember,
        parent: QWidget | None = None,
    ) -> bool:
        dialog = cls(store, actor, person, parent)
        try:
            return dialog.exec() == QDialog.DialogCode.Accepted and dialog.changed
        finally:
            dialog.deleteLater()


def demo(store: Store) -> QWidget:
    """Adding a cashier, with the PINs typed differently."""
    rows = [r for r in store.staff_rows() if r.role == Role.OWNER.value]
    actor = rows[0].member() if rows else StaffMember(1, "Olive", Role.OWNER)
    dialog = AddPersonDialog(store, actor)
    dialog.nameField.setText("Anna")
    dialog.pinField.setText("1357")
    dialog.pinAgainField.setText("1358")
    dialog.save()
    return dialog
