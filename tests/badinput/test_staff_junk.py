"""Junk pasted into the sign-in, approval and add-person dialogs, on SQLite and PostgreSQL:
an inline sentence every time, nobody signed in or added, nothing written, and the dialog
still signs the right person in afterwards."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from pos_app.domain.errors import InvalidInput
from pos_app.domain.staff import Permission, Role, parse_staff_name
from pos_app.ui.approval_dialog import ManagerApproval
from pos_app.ui.sign_in_dialog import SignInDialog
from pos_app.ui.staff_dialogs import AddPersonDialog
from pos_app.ui.station import Station
from tests.factories import snapshot, staff
from tests.ui.conftest import store  # noqa: F401 - the UI tests' Store fixture

from .strategies import is_sentence
from .test_ui_junk import junk_sample, no_swallowed_bugs, shown  # noqa: F401 - fixtures

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def people(new_uow):
    owner = staff(new_uow, "Olive", Role.OWNER, "1234")
    manager = staff(new_uow, "Mark", Role.MANAGER, "5678", by=owner)
    return owner, manager


def press_enter(qtbot, dialog, field) -> None:  # noqa: ANN001
    """Enter in ``field``, with the last message cleared so a stale one cannot pass."""
    dialog.message.clear_message()
    qtbot.keyClick(field, Qt.Key.Key_Return)


def refused(dialog, message) -> None:  # noqa: ANN001
    assert dialog.isVisible()
    assert message.is_error, "no message"
    assert is_sentence(message.text()), message.text()
    assert "went wrong" not in message.text()


def test_sign_in_junk(qtbot, store, db, people, no_swallowed_bugs):  # noqa: F811
    station = Station("Till 1")
    dialog = shown(qtbot, SignInDialog(store, station))
    before = snapshot(db)
    for junk in junk_sample():
        # junk as the name (with the owner's real PIN), then as the PIN of nobody
        dialog.nameBox.setEditText(junk)
        dialog.pinField.setText("1234")
        press_enter(qtbot, dialog, dialog.pinField)
        refused(dialog, dialog.message)
        dialog.nameBox.setEditText("Nobody")
        dialog.pinField.setText(junk)  # pasted: past the digits-only validator
        press_enter(qtbot, dialog, dialog.pinField)
        refused(dialog, dialog.message)
    assert station.staff is None
    assert snapshot(db) == before
    dialog.nameBox.setEditText("Olive")
    dialog.pinField.setText("1234")
    press_enter(qtbot, dialog, dialog.pinField)
    assert station.staff == people[0]


def name_is_fine(text: str) -> bool:
    try:
        parse_staff_name(text)
    except InvalidInput:
        return False
    return True


def test_create_owner_junk(qtbot, store, db, no_swallowed_bugs):  # noqa: F811
    dialog = shown(qtbot, SignInDialog(store, Station("Till 1")))
    before = snapshot(db)
    for junk in junk_sample():
        dialog.ownerName.setText("Olive")
        dialog.ownerPin.setText(junk)
        dialog.ownerPinAgain.setText(junk)
        press_enter(qtbot, dialog, dialog.ownerPinAgain)
        refused(dialog, dialog.message)
        if not name_is_fine(junk):
            dialog.ownerName.setText(junk)
            dialog.ownerPin.setText("1234")
            dialog.ownerPinAgain.setText("1234")
            press_enter(qtbot, dialog, dialog.ownerPinAgain)
            refused(dialog, dialog.message)
    assert snapshot(db) == before


def test_approval_junk(qtbot, store, db, people, no_swallowed_bugs):  # noqa: F811
    dialog = shown(qtbot, ManagerApproval(store, Permission.REFUND, "a refund"))
    before = snapshot(db)
    for junk in junk_sample():
        dialog.nameBox.setEditText(junk)
        dialog.pinField.setText("5678")
        press_enter(qtbot, dialog, dialog.pinField)
        refused(dialog, dialog.message)
        dialog.nameBox.setEditText("Nobody")
        dialog.pinField.setText(junk)
        press_enter(qtbot, dialog, dialog.pinField)
        refused(dialog, dialog.message)
    assert dialog.approval is None and snapshot(db) == before


def test_add_person_junk(qtbot, store, db, people, no_swallowed_bugs):  # noqa: F811
    owner, _ = people
    expected = ["Mark", "Olive"]
    for junk in junk_sample():
        for name, pin in ((junk, "1111"), ("Anna", junk)):
            dialog = shown(qtbot, AddPersonDialog(store, owner))
            dialog.nameField.setText(name)
            dialog.pinField.setText(pin)
            dialog.pinAgainField.setText(pin)
            press_enter(qtbot, dialog, dialog.pinAgainField)
            if pin == "1111" and name_is_fine(name) and " ".join(name.split()) not in expected:
                assert dialog.added is not None, name  # odd but fine: "1 OR 1=1" is a name
                expected.append(dialog.added.name)
            else:
                refused(dialog, dialog.message)
            dialog.close()
    assert sorted(r.name for r in store.staff_rows()) == sorted(expected)
