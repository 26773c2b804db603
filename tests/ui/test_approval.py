"""The manager-approval dialog: typed with keys, a wrong PIN explained in place, a cashier
cannot approve, and the replaceable ``ask`` other screens use in their tests."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from pos_app.domain.staff import Approval, Permission, Role
from pos_app.ui.approval_dialog import ManagerApproval
from tests.factories import staff
from tests.ui.approvals import approve_as, refuse_approval


@pytest.fixture
def people(new_uow):
    owner = staff(new_uow, "Olive", Role.OWNER, "1234")
    manager = staff(new_uow, "Mark", Role.MANAGER, "5678", by=owner)
    cashier = staff(new_uow, "Cath", Role.CASHIER, "1111", by=owner)
    return owner, manager, cashier


def opened(qtbot, store, permission=Permission.REFUND, reason="a refund on receipt 17"):
    dialog = ManagerApproval(store, permission, reason)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    return dialog


def test_a_manager_approves_with_keys(qtbot, store, people):
    _owner, manager, _cashier = people
    dialog = opened(qtbot, store)
    assert dialog.reasonLabel.text() == "A manager must approve: a refund on receipt 17"
    # managers first, then owners; cashiers are not offered
    names = [dialog.nameBox.itemText(i) for i in range(dialog.nameBox.count())]
    assert names == ["Mark", "Olive"]
    assert dialog.nameBox.hasFocus()
    qtbot.keyClicks(dialog.nameBox.lineEdit(), "mark")
    qtbot.keyClick(dialog.nameBox.lineEdit(), Qt.Key.Key_Return)
    assert dialog.pinField.hasFocus()  # Enter on the name moves on to the PIN
    qtbot.keyClicks(dialog.pinField, "56x78")  # the letter is refused by the field
    assert dialog.pinField.text() == "5678"
    qtbot.keyClick(dialog.pinField, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.approval == Approval(manager, Permission.REFUND)
    assert not dialog.uow.is_open


def test_a_wrong_pin_is_said_in_place_and_the_pin_cleared(qtbot, store, people):
    dialog = opened(qtbot, store)
    qtbot.keyClicks(dialog.nameBox.lineEdit(), "Mark")
    qtbot.keyClick(dialog.nameBox.lineEdit(), Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.pinField, "0000")
    qtbot.keyClick(dialog.pinField, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.approval is None
    assert dialog.message.is_error
    assert dialog.message.text() == "That name and PIN do not match anyone here."
    assert dialog.pinField.text() == "" and dialog.pinField.hasFocus()
    # typing again clears the message; the right PIN then approves
    qtbot.keyClicks(dialog.pinField, "5678")
    assert not dialog.message.isVisible()
    qtbot.keyClick(dialog.pinField, Qt.Key.Key_Enter)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_a_cashier_cannot_approve(qtbot, store, people):
    dialog = opened(qtbot, store, Permission.VOID_SALE, "voiding receipt 3")
    qtbot.keyClicks(dialog.nameBox.lineEdit(), "Cath")
    qtbot.keyClick(dialog.nameBox.lineEdit(), Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.pinField, "1111")
    qtbot.keyClick(dialog.pinField, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.approval is None
    assert dialog.message.text() == "Cath may not void a sale either."


def test_only_an_owner_may_approve_what_only_owners_do(qtbot, store, people):
    dialog = opened(qtbot, store, Permission.MANAGE_STAFF, "adding a person")
    assert [dialog.nameBox.itemText(i) for i in range(dialog.nameBox.count())] == ["Olive"]


def test_escape_cancels(qtbot, store, people):
    dialog = opened(qtbot, store)
    qtbot.keyClicks(dialog.nameBox.lineEdit(), "Mark")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert dialog.approval is None and not dialog.uow.is_open


def test_nobody_to_approve_is_said(qtbot, store):
    dialog = opened(qtbot, store)  # a store with no staff yet
    assert dialog.nameBox.count() == 0
    assert dialog.message.text().startswith("Nobody here may approve this")


def test_the_test_stand_ins(monkeypatch, store, people):
    _owner, manager, _cashier = people
    calls = approve_as(monkeypatch, manager)
    assert ManagerApproval.ask(store, Permission.REFUND, "x") == Approval(
        manager, Permission.REFUND
    )
    assert calls == [(Permission.REFUND, "x")]
    calls = refuse_approval(monkeypatch)
    assert ManagerApproval.ask(store, Permission.OPEN_DRAWER, "no sale", None) is None
    assert calls == [(Permission.OPEN_DRAWER, "no sale")]
