"""Signing in at the till: a name and a PIN, before the window opens and after "Sign out".

Nothing here decides who may sign in: ``services.staff.sign_in`` checks the PIN, counts
wrong ones and locks a name out after too many; this dialog shows its sentence in place.
After signing in, an open session on this till is taken over (a new cashier mid-shift);
if the till is closed, ``station.shift`` stays None and the Till screen opens it.

A store with nobody in it yet (a fresh install) offers "Create the owner" instead: name and
PIN twice, and that person is the store's owner, signed in at once.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import InvalidInput, PermissionDenied, PosError, TillClosed
from ..domain.staff import Role, Shift, StaffMember
from ..services.staff import add_staff, sign_in
from ..services.store import Store
from ..services.till import current_shift
from .feedback import InlineMessage, failure_text, went_wrong
from .pin_entry import EnterKeys, name_box, pin_field
from .station import Station

log = logging.getLogger(__name__)

SIGN_IN_PAGE, OWNER_PAGE = 0, 1


def _heading(text: str, object_name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(object_name)
    label.setWordWrap(True)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.4)
    font.setBold(True)
    label.setFont(font)
    return label


class SignInDialog(QDialog):
    def __init__(
        self,
        store: Store,
        station: Station,
        parent: QWidget | None = None,
        *,
        locked: bool = False,
    ):
        super().__init__(parent)
        self.store = store
        self.station = station
        self.locked = locked  # after "Sign out": Esc does not leave, only Quit does
        self.staff: StaffMember | None = None
        self.shift: Shift | None = None
        self.uow = store.unit_of_work().open()
        self.enter_keys = EnterKeys(self)
        self.setObjectName("signInDialog")
        self.setWindowTitle(f"pos-app — sign in to {station.till_name}")
        self.setMinimumWidth(440)

        self.pages = [self._sign_in_page(), self._owner_page()]  # one shown at a time
        self.message = InlineMessage(self, object_name="signInMessage")

        self.quitButton = QPushButton("Quit (Esc)" if not locked else "Quit pos-app")
        self.quitButton.setObjectName("quitButton")
        self.quitButton.setAccessibleName("Quit")
        self.quitButton.setAutoDefault(False)
        self.quitButton.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.quitButton)
        buttons.addStretch(1)
        buttons.addWidget(self.signInButton)
        buttons.addWidget(self.createOwnerButton)

        layout = QVBoxLayout(self)
        for page in self.pages:
            layout.addWidget(page)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self._show_page(OWNER_PAGE if self._nobody_here() else SIGN_IN_PAGE)

    # -- pages ------------------------------------------------------------------------------
    def _sign_in_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("signInPage")
        self.tillLabel = _heading(f"Sign in to {self.station.till_name}", "signInHeading")
        self.nameBox = name_box(self._names(), "signInName", page)
        self.pinField = pin_field("signInPin", "PIN", page)
        self.enter_keys.on(self.nameBox, self._name_entered)
        self.enter_keys.on(self.pinField, self.submit)
        self.pinField.textEdited.connect(lambda _t: self.message.clear_message())
        form = QFormLayout()
        caption = QLabel("&Name:")
        caption.setBuddy(self.nameBox)
        form.addRow(caption, self.nameBox)
        caption = QLabel("&PIN:")
        caption.setBuddy(self.pinField)
        form.addRow(caption, self.pinField)
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.tillLabel)
        box.addLayout(form)
        self.signInButton = QPushButton("Sign in (Enter)")
        self.signInButton.setObjectName("signInButton")
        self.signInButton.setAccessibleName("Sign in")
        self.signInButton.setAutoDefault(False)  # Enter is handled once, in keyPressEvent
        self.signInButton.clicked.connect(self.submit)
        return page

    def _owner_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("ownerPage")
        heading = _heading("Nobody works here yet: create the owner", "ownerHeading")
        hint = QLabel(
            "The owner adds the other staff and may do everything. Choose a PIN of 4 to 8 "
            "digits that nobody else knows."
        )
        hint.setWordWrap(True)
        self.ownerName = QLineEdit()
        self.ownerName.setObjectName("ownerName")
        self.ownerName.setAccessibleName("Owner's name")
        self.ownerName.setMaxLength(80)
        self.ownerPin = pin_field("ownerPin", "PIN", page)
        self.ownerPinAgain = pin_field("ownerPinAgain", "PIN again", page)
        self.ownerPinAgain.setPlaceholderText("the same PIN again")
        self.enter_keys.on(self.ownerName, self.ownerPin.setFocus)
        self.enter_keys.on(self.ownerPin, self.ownerPinAgain.setFocus)
        self.enter_keys.on(self.ownerPinAgain, self.create_owner)
        for edit in (self.ownerName, self.ownerPin, self.ownerPinAgain):
            edit.textEdited.connect(lambda _t: self.message.clear_message())
        form = QFormLayout()
        for text, edit in (
            ("&Name:", self.ownerName),
            ("&PIN:", self.ownerPin),
            ("PIN &again:", self.ownerPinAgain),
        ):
            caption = QLabel(text)
            caption.setBuddy(edit)
            form.addRow(caption, edit)
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(heading)
        box.addWidget(hint)
        box.addLayout(form)
        self.createOwnerButton = QPushButton("Create the owner (Enter)")
        self.createOwnerButton.setObjectName("createOwnerButton")
        self.createOwnerButton.setAccessibleName("Create the owner")
        self.createOwnerButton.setAutoDefault(False)
        self.createOwnerButton.clicked.connect(self.create_owner)
        return page

    def _show_page(self, page: int) -> None:
        for index, widget in enumerate(self.pages):
            widget.setVisible(index == page)
        self.page = page
        self.adjustSize()
        self.signInButton.setVisible(page == SIGN_IN_PAGE)
        self.createOwnerButton.setVisible(page == OWNER_PAGE)
        (self.nameBox if page == SIGN_IN_PAGE else self.ownerName).setFocus(
            Qt.FocusReason.OtherFocusReason
        )

    def _names(self) -> list[str]:
        try:
            return [row.name for row in self.store.staff_rows(active_only=True)]
        except PosError as exc:
            log.warning("staff list unavailable: %s", exc)
            return []

    def _nobody_here(self) -> bool:
        try:
            return not self.store.staff_rows()
        except PosError as exc:
            self.message.show_error(str(exc), beep=False)
            return False

    # -- signing in ---------------------------------------------------------------------------
    def _name_entered(self) -> None:
        if self.pinField.text():
            self.submit()
        else:
            self.pinField.setFocus()

    def submit(self) -> None:
        self.message.clear_message()
        try:
            member = sign_in(self.uow, self.nameBox.currentText(), self.pinField.text())
        except InvalidInput as exc:  # WrongPin, a lockout, or no name typed
            self.message.show_error(str(exc))
            self.pinField.clear()
            (self.nameBox if exc.field == "name" else self.pinField).setFocus()
            return
        except Exception as exc:  # noqa: BLE001 - the database or a bug: said, logged
            self.message.show_error(
                failure_text(exc, went_wrong("nobody was signed in"), log, "sign-in failed")
            )
            return
        self._signed_in(member)

    def create_owner(self) -> None:
        self.message.clear_message()
        if self.ownerPin.text() != self.ownerPinAgain.text():
            self.message.show_error("The two PINs differ: type the same PIN twice.")
            self.ownerPinAgain.clear()
            self.ownerPinAgain.setFocus()
            return
        try:
            member = add_staff(
                self.uow, None, self.ownerName.text(), Role.OWNER, self.ownerPin.text()
            )
        except InvalidInput as exc:
            self.message.show_error(str(exc))
            target = self.ownerName if exc.field == "name" else self.ownerPin
            target.setFocus()
            target.selectAll()
            return
        except PermissionDenied:  # someone created the owner at another till meanwhile
            self.nameBox.clear()
            self.nameBox.addItems(self._names())
            self.nameBox.setCurrentIndex(-1)
            self._show_page(SIGN_IN_PAGE)
            self.message.show_error("The owner was created at another till meanwhile: sign in.")
            return
        except Exception as exc:  # noqa: BLE001
            self.message.show_error(
                failure_text(exc, went_wrong("the owner was not added"), log, "adding owner failed")
            )
            return
        self._signed_in(member)

    def _signed_in(self, member: StaffMember) -> None:
        """Take over this till's open session, if there is one, and hand both to the station."""
        self.staff, self.shift = member, None
        try:
            self.shift = current_shift(self.uow, member, self.station.till_name)
        except TillClosed:
            self.shift = None  # the Till screen opens it with a float
        except Exception as exc:  # noqa: BLE001 - signed in all the same; selling will say
            log.warning("could not look up %s's session: %s", self.station.till_name, exc)
        self.station.sign_in(member, self.shift)
        self.accept()

    # -- keys and closing ---------------------------------------------------------------------
    def keyPressEvent(self, event) -> None:  # noqa: ANN001
        """Enter acts once (fields answer it themselves, a focused button is pressed); Esc
        quits at start-up but not on the locked screen after "Sign out"."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focused = self.focusWidget()
            if isinstance(focused, QPushButton):
                focused.click()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape and self.locked:
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
        station: Station,
        parent: QWidget | None = None,
        *,
        locked: bool = False,
    ) -> StaffMember | None:
        """Who signed in (already put in ``station`` with this till's session), or None."""
        dialog = cls(store, station, parent, locked=locked)
        try:
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
            return dialog.staff if accepted else None
        finally:
            dialog.deleteLater()


def demo(store: Store) -> QWidget:
    """The sign-in prompt at the demo till after a wrong PIN."""
    from .samples import DEMO_TILL

    dialog = SignInDialog(store, Station(DEMO_TILL))
    names = [dialog.nameBox.itemText(i) for i in range(dialog.nameBox.count())]
    dialog.nameBox.setEditText(names[0] if names else "")
    dialog.message.show_error("That name and PIN do not match anyone here.", beep=False)
    return dialog


def demo_owner(store: Store) -> QWidget:  # noqa: ARG001 - same signature as demo()
    """What a fresh install shows: create the owner."""
    dialog = SignInDialog(store, Station("Till 1"))
    dialog._show_page(OWNER_PAGE)
    dialog.ownerName.setText("Olive Owner")
    return dialog
