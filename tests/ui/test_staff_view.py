"""The Staff screen: an owner adds people, resets PINs and switches people off with keys;
others see the list read-only; the audit log pages newest first and its chain is verified."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from pos_app.domain.errors import WrongPin
from pos_app.domain.staff import Role
from pos_app.services.staff import sign_in
from pos_app.ui.app import create_main_window
from pos_app.ui.staff_dialogs import AddPersonDialog, PinDialog
from pos_app.ui.staff_view import PAGE, StaffTableModel, StaffView, details_text
from pos_app.ui.station import Station
from tests.factories import staff
from tests.tampering import behind_the_triggers


@pytest.fixture
def people(new_uow):
    owner = staff(new_uow, "Olive", Role.OWNER, "1234")
    manager = staff(new_uow, "Mark", Role.MANAGER, "5678", by=owner)
    cashier = staff(new_uow, "Cath", Role.CASHIER, "2468", by=owner)
    return owner, manager, cashier


def view_for(qtbot, store, member) -> StaffView:
    station = Station("Till 1")
    if member is not None:
        station.sign_in(member)
    view = StaffView(store, station)
    station.setParent(view)
    qtbot.addWidget(view)
    with qtbot.waitExposed(view):
        view.show()
    with qtbot.waitActive(view):  # button shortcuts need an active window
        view.activateWindow()
    return view


def names(view: StaffView) -> list[str]:
    model = view.staff_model
    return [model.index(r, StaffTableModel.NAME).data() for r in range(model.rowCount())]


def cell(view: StaffView, name: str, column: int) -> str:
    model = view.staff_model
    row = names(view).index(name)
    return model.index(row, column).data()


def select(view: StaffView, name: str) -> None:
    view.staffTable.selectRow(names(view).index(name))


def opened_dialog(qtbot, view: StaffView):  # noqa: ANN201
    """The dialog the view opened (with open(), not blocking), once it has the focus."""
    dialog = view.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def type_in(qtbot, dialog, fields_and_texts) -> None:  # noqa: ANN001
    for field, text in fields_and_texts:
        qtbot.keyClicks(field, text)
        qtbot.keyClick(field, Qt.Key.Key_Return)


def test_the_table_model_is_sound(qtmodeltester, qtbot, store, people):
    view = view_for(qtbot, store, people[0])
    qtmodeltester.check(view.staff_model)
    qtmodeltester.check(view.audit_model)


def test_an_owner_adds_a_person_with_keys(qtbot, store, people):
    owner, *_ = people
    view = view_for(qtbot, store, owner)
    assert names(view) == ["Cath", "Mark", "Olive"]
    assert view.addButton.isEnabled() and view.permissionNote.text() == ""
    qtbot.keyClick(view.staffTable, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = opened_dialog(qtbot, view)
    assert isinstance(dialog, AddPersonDialog) and dialog.isVisible()
    assert dialog.nameField.hasFocus()
    qtbot.keyClicks(dialog.nameField, "Anna")
    qtbot.keyClick(dialog.nameField, Qt.Key.Key_Return)
    assert dialog.roleBox.hasFocus()
    qtbot.keyClick(dialog.roleBox, Qt.Key.Key_Down)  # Cashier -> Manager
    qtbot.keyClick(dialog.roleBox, Qt.Key.Key_Return)
    assert dialog.pinField.hasFocus()
    type_in(qtbot, dialog, [(dialog.pinField, "1357"), (dialog.pinAgainField, "1357")])
    assert view.dialog is None
    assert names(view) == ["Anna", "Cath", "Mark", "Olive"]
    assert cell(view, "Anna", StaffTableModel.ROLE) == "Manager"
    assert view.message.text() == "Anna was added as a manager."
    newest = view.audit_model.index(0, 4).data(), view.audit_model.index(0, 5).data()
    assert newest == ("Person added", "Anna")
    with store.unit_of_work() as uow:
        assert sign_in(uow, "anna", "1357").role == Role.MANAGER


@pytest.mark.parametrize(
    ("name", "pin", "again", "message"),
    [
        ("Anna", "1357", "1358", "The two PINs differ: type the same PIN twice."),
        ("cath", "1357", "1357", "There is already someone called cath."),
        ("", "1357", "1357", "Type a name."),
        ("Anna", "12", "12", "A PIN is 4 to 8 digits."),
    ],
)
def test_a_bad_new_person_is_explained_in_place(qtbot, store, people, name, pin, again, message):
    view = view_for(qtbot, store, people[0])
    view.add_person()
    dialog = opened_dialog(qtbot, view)
    qtbot.keyClicks(dialog.nameField, name)
    qtbot.keyClicks(dialog.pinField, pin)
    type_in(qtbot, dialog, [(dialog.pinAgainField, again)])
    assert dialog.isVisible() and dialog.message.text() == message
    assert names(view) == ["Cath", "Mark", "Olive"]
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert view.dialog is None and not dialog.uow.is_open


def test_an_owner_resets_a_pin_and_switches_someone_off(qtbot, store, people):
    view = view_for(qtbot, store, people[0])
    select(view, "Cath")
    assert view.pinButton.text() == "New PIN…" and view.activeButton.text() == "Switch off"
    qtbot.mouseClick(view.pinButton, Qt.MouseButton.LeftButton)
    dialog = opened_dialog(qtbot, view)
    assert isinstance(dialog, PinDialog) and dialog.pinField.hasFocus()
    type_in(qtbot, dialog, [(dialog.pinField, "9753"), (dialog.pinAgainField, "9753")])
    assert view.message.text() == "Cath's PIN was changed."
    with store.unit_of_work() as uow:
        assert sign_in(uow, "Cath", "9753").name == "Cath"
    qtbot.mouseClick(view.activeButton, Qt.MouseButton.LeftButton)
    assert cell(view, "Cath", StaffTableModel.STATUS) == "Switched off"
    assert view.activeButton.text() == "Switch on"
    with store.unit_of_work() as uow, pytest.raises(WrongPin):
        sign_in(uow, "Cath", "9753")
    qtbot.mouseClick(view.activeButton, Qt.MouseButton.LeftButton)
    assert cell(view, "Cath", StaffTableModel.STATUS) == "Active"
    actions = [view.audit_model.index(r, 4).data() for r in range(3)]
    assert actions == ["Switched on", "Switched off", "PIN changed"]
    # an owner cannot switch themselves off
    select(view, "Olive")
    assert not view.activeButton.isEnabled()
    assert view.pinButton.text() == "Change my PIN…"


def test_a_locked_out_person_shows_as_locked(qtbot, store, people):
    with store.unit_of_work() as uow:
        for _ in range(5):
            with pytest.raises(WrongPin):
                sign_in(uow, "Cath", "0000")
    view = view_for(qtbot, store, people[0])
    assert cell(view, "Cath", StaffTableModel.STATUS).startswith("Locked until")


@pytest.mark.parametrize("who", [1, 2])
def test_others_see_the_list_read_only(qtbot, store, people, who):
    member = people[who]  # the manager, the cashier
    view = view_for(qtbot, store, member)
    assert view.permissionNote.text() == (
        "Only an owner can manage staff: you may change your own PIN."
    )
    assert names(view) == ["Cath", "Mark", "Olive"]
    assert not view.addButton.isEnabled()
    select(view, "Olive")
    assert not view.pinButton.isEnabled() and not view.activeButton.isEnabled()
    qtbot.keyClick(view.staffTable, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert view.dialog is None
    select(view, member.name)
    assert view.pinButton.isEnabled() and view.pinButton.text() == "Change my PIN…"
    # the audit log: managers yes, cashiers no
    sees = member.role == Role.MANAGER
    assert view.auditTable.isVisible() is sees
    assert view.auditHiddenNote.isVisible() is not sees


def test_the_service_refuses_a_cashier_whatever_the_screen_does(qtbot, store, people):
    cashier = people[2]
    dialog = AddPersonDialog(store, cashier)
    qtbot.addWidget(dialog)
    dialog.nameField.setText("Eve")
    dialog.pinField.setText("1111")
    dialog.pinAgainField.setText("1111")
    dialog.save()
    assert dialog.message.text() == "A manager must approve this: Cath may not manage staff."
    assert "Eve" not in [r.name for r in store.staff_rows()]


def test_a_cashier_changes_their_own_pin(qtbot, store, people):
    view = view_for(qtbot, store, people[2])
    select(view, "Cath")
    qtbot.keyClick(view.staffTable, Qt.Key.Key_Return)  # nothing: Enter is not a shortcut
    view.new_pin()
    dialog = opened_dialog(qtbot, view)
    assert dialog.windowTitle() == "Change your PIN"
    type_in(qtbot, dialog, [(dialog.pinField, "8642"), (dialog.pinAgainField, "8642")])
    with store.unit_of_work() as uow:
        assert sign_in(uow, "Cath", "8642").name == "Cath"


def test_signed_out_the_screen_manages_nothing(qtbot, store, people):
    view = view_for(qtbot, store, None)
    assert view.permissionNote.text() == "Sign in to manage staff."
    assert not view.addButton.isEnabled() and not view.auditTable.isVisible()
    view.station.sign_in(people[0])  # follows the station
    assert view.addButton.isEnabled() and view.auditTable.isVisible()


def test_the_audit_log_pages_newest_first(qtbot, store, people):
    with store.unit_of_work() as uow:
        for n in range(PAGE + 7):
            uow.audit.append("test.row", subject=f"row {n}", staff_id=people[1].staff_id)
        uow.commit()
    total = PAGE + 7 + 3  # three people added
    view = view_for(qtbot, store, people[0])
    assert view.auditCountLabel.text() == f"Rows 1–{PAGE} of {total}, newest first"
    model = view.audit_model
    assert model.rowCount() == PAGE
    assert model.index(0, 0).data() == str(total)
    assert (model.index(0, 2).data(), model.index(0, 5).data()) == ("Mark", f"row {PAGE + 6}")
    assert not view.newerButton.isEnabled() and view.olderButton.isEnabled()
    qtbot.mouseClick(view.olderButton, Qt.MouseButton.LeftButton)
    assert model.rowCount() == total - PAGE
    assert model.index(model.rowCount() - 1, 0).data() == "1"
    assert view.auditCountLabel.text() == f"Rows {PAGE + 1}–{total} of {total}, newest first"
    assert view.newerButton.isEnabled() and not view.olderButton.isEnabled()
    qtbot.mouseClick(view.newerButton, Qt.MouseButton.LeftButton)
    assert model.index(0, 0).data() == str(total)


def test_verify_chain_intact_then_tampered(qtbot, store, db, people):
    view = view_for(qtbot, store, people[0])
    qtbot.mouseClick(view.verifyButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.verifyButton.isEnabled())
    assert view.verifyMessage.text() == "Chain intact: 3 rows"
    assert not view.verifyMessage.is_error
    behind_the_triggers(db, "UPDATE audit_log SET subject = 'Eve' WHERE seq = 2")
    qtbot.mouseClick(view.verifyButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.verifyButton.isEnabled())
    assert view.verifyMessage.is_error
    assert "audit log: row 2 (staff.add) was changed" in view.verifyMessage.text()


def test_ctrl_u_opens_the_staff_screen(qtbot, shop, people):
    station = Station("Till 1")
    station.sign_in(people[0])
    window = create_main_window(shop, station)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget().objectName() == "staffView"
    assert QApplication.focusWidget() is window.view_named("staffView").staffTable
    window.close()


def test_details_are_readable():
    assert details_text('{"float":10000,"session":3}') == "float: 100.00 · session: 3"
    assert details_text('{"counted":{"card":0,"cash":1250}}') == "counted: card 0.00, cash 12.50"
    assert details_text("not json") == "not json"
    assert details_text("[1,2]") == "[1,2]"
