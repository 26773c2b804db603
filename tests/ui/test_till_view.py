"""The Till screen driven with real keys, on SQLite and PostgreSQL: open with a float, cash
in and out, the X report, closing with live over/short and the Z report; bad input refused
in place with nothing stored."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import text

from pos_app.domain.errors import TillClosed
from pos_app.domain.staff import Role
from pos_app.domain.tender import Tender, TenderKind
from pos_app.services.sale import Checkout
from pos_app.ui.feedback import ERROR_STYLE
from pos_app.ui.station import Station
from pos_app.ui.till_dialogs import CashMovementDialog, CloseTillDialog
from pos_app.ui.till_view import TenderFiguresModel, TillView
from tests.badinput.strategies import JUNK, is_sentence, nasty_text, number_text
from tests.factories import assert_clean, open_shift, product, snapshot, staff

ENTER = Qt.Key.Key_Return


@pytest.fixture
def owner(new_uow):
    return staff(new_uow)


@pytest.fixture
def till(qtbot, store, owner):
    """The Till screen of "Till 1" with Olive signed in and the till still closed."""
    station = Station("Till 1")
    station.sign_in(owner)
    view = TillView(store, station)
    view.resize(1200, 700)
    qtbot.addWidget(view)
    with qtbot.waitExposed(view):
        view.show()
    with qtbot.waitActive(view):  # shortcuts need an active window, as at a real till
        view.activateWindow()
    view.activated()
    return view


def open_with_float(qtbot, view: TillView, typed: str = "100") -> None:
    qtbot.keyClicks(view.floatField, typed)
    qtbot.keyClick(view.floatField, ENTER)


def cell(view: TillView, row: int, column: int) -> str:
    model = view.reportPanel.model
    return model.data(model.index(row, column))


def shortcut(qtbot, view: TillView, key, modifier=Qt.KeyboardModifier.NoModifier):  # noqa: ANN001
    """A key pressed on the Till screen (its window active, as at a real till)."""
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view.window())
    qtbot.keyClick(QApplication.focusWidget() or view, key, modifier)


def sell(new_uow, shift, *, card: bool = False, sku: str = "CHAI"):  # noqa: ANN001
    with new_uow() as uow:
        checkout = Checkout(uow, shift=shift)
        checkout.add(sku)
        total = checkout.totals().total
        return checkout.confirm([Tender.card(total) if card else Tender.cash(total)])


def said_error(message) -> bool:  # noqa: ANN001
    """An error sentence in place (the dialog itself need not be on screen)."""
    return (
        not message.isHidden()
        and message.styleSheet() == ERROR_STYLE
        and is_sentence(message.text())
    )


def active_dialog(qtbot, view: TillView):  # noqa: ANN001
    qtbot.waitUntil(lambda: view.dialog is not None and view.dialog.isVisible())
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view.dialog)  # keys go to it
    return view.dialog


# -- opening -----------------------------------------------------------------------------
def test_typing_a_float_and_enter_opens_the_till(qtbot, db, till):
    assert till.openRow.isVisible() and not till.cashInButton.isEnabled()
    assert till.floatField.hasFocus()
    open_with_float(qtbot, till, "150.5")
    state = till.state
    assert state.is_open and state.opening_float == 15_050 and state.opened_by == "Olive"
    assert till.station.shift is not None and till.station.shift.session_id == state.session_id
    assert not till.openRow.isVisible() and till.cashInButton.isEnabled()
    assert "open with a float of 150.50" in till.message.text()
    assert till.reportPanel.titleLabel.text() == "X report — Till 1"
    assert cell(till, 0, 0) == "Cash" and cell(till, 0, 6) == "150.50"  # expected cash
    assert till.reportPanel.tendersTable.isColumnHidden(TenderFiguresModel.COUNTED)
    assert "X REPORT" in till.reportPanel.printout.toPlainText()
    assert till.sessionsModel.rowCount() == 1
    assert_clean(db)


@pytest.mark.parametrize("typed", ["", "abc", "-5", "1.005", "1e3", "9" * 19])
def test_a_bad_float_is_refused_in_place_and_nothing_is_stored(qtbot, db, till, typed):
    before = snapshot(db)
    open_with_float(qtbot, till, typed)
    assert till.message.is_error and is_sentence(till.message.text())
    assert "float" in till.message.text()
    assert not till.state.is_open and till.station.shift is None
    assert till.floatField.hasFocus()
    assert snapshot(db) == before
    qtbot.keyClicks(till.floatField, "x")  # typing again clears the message
    assert not till.message.is_error


def test_nobody_signed_in_cannot_open_the_till(qtbot, db, store):
    station = Station("Till 1")
    view = TillView(store, station)
    qtbot.addWidget(view)
    view.show()
    assert not view.floatField.isEnabled() and not view.openButton.isEnabled()
    assert "Sign in first" in view.tillStateLabel.text()
    view.open_till()
    assert view.message.is_error and "Sign in" in view.message.text()


def test_the_screen_follows_a_till_opened_and_closed_elsewhere(qtbot, db, new_uow, till, owner):
    shift = open_shift(new_uow, cashier=owner, opening_float=500)  # another screen opened it
    till.activated()
    assert till.state.is_open and till.station.shift.session_id == shift.session_id
    with new_uow() as uow:
        from pos_app.services.till import close_till

        close_till(uow, owner, shift.session_id, {TenderKind.CASH: 500, TenderKind.CARD: 0})
    till.activated()
    assert not till.state.is_open and till.station.shift is None
    assert till.reportPanel.titleLabel.text() == "Z report 1 — Till 1"
    assert "last Z report 1" in till.tillStateLabel.text()


# -- cash in and out ---------------------------------------------------------------------
def test_cash_in_and_out_through_their_dialogs(qtbot, db, till):
    open_with_float(qtbot, till, "100")
    shortcut(qtbot, till, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    dialog = active_dialog(qtbot, till)
    assert isinstance(dialog, CashMovementDialog) and dialog.kind == "in"
    assert dialog.amountField.hasFocus()
    qtbot.keyClicks(dialog.amountField, "25")
    qtbot.keyClick(dialog.amountField, ENTER)  # on to the reason
    assert dialog.reasonField.hasFocus() and dialog.isVisible()
    qtbot.keyClicks(dialog.reasonField, "Coins from the bank")
    qtbot.keyClick(dialog.reasonField, ENTER)
    qtbot.waitUntil(lambda: till.dialog is None)
    assert "25.00 put in: Coins from the bank." in till.message.text()
    assert cell(till, 0, 4) == "25.00" and cell(till, 0, 6) == "125.00"

    shortcut(qtbot, till, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    dialog = active_dialog(qtbot, till)
    assert dialog.kind == "out"
    qtbot.keyClicks(dialog.amountField, "200")  # more than the drawer holds
    qtbot.keyClick(dialog.amountField, ENTER)
    qtbot.keyClicks(dialog.reasonField, "Bank drop")
    qtbot.keyClick(dialog.reasonField, ENTER)
    assert dialog.isVisible() and dialog.message.is_error
    assert "Only 125.00" in dialog.message.text() and dialog.amountField.hasFocus()
    qtbot.keyClicks(dialog.amountField, "100")  # the amount was selected: typed over
    assert not dialog.message.is_error
    qtbot.keyClick(dialog.amountField, ENTER)
    qtbot.keyClick(dialog.reasonField, ENTER)
    qtbot.waitUntil(lambda: till.dialog is None)
    assert cell(till, 0, 5) == "-100.00" and cell(till, 0, 6) == "25.00"
    with db.reader() as session:
        rows = session.execute(text("SELECT kind, amount, reason FROM cash_movements")).all()
    assert sorted(map(tuple, rows)) == [
        ("in", 2_500, "Coins from the bank"),
        ("out", 10_000, "Bank drop"),
    ]
    assert_clean(db)


@pytest.mark.parametrize(
    ("amount", "reason", "message", "focused"),
    [
        ("", "Coins", "amount", "amountField"),
        ("0", "Coins", "more than zero", "amountField"),
        ("12,345.6.7", "Coins", "number", "amountField"),
        ("5", "", "Say why", "reasonField"),
        ("5", "   ", "Say why", "reasonField"),
    ],
)
def test_a_bad_cash_movement_is_refused_in_the_dialog(
    qtbot, db, till, amount, reason, message, focused
):
    open_with_float(qtbot, till, "50")
    before = snapshot(db)
    till.cashInButton.click()
    dialog = active_dialog(qtbot, till)
    qtbot.keyClicks(dialog.amountField, amount)
    qtbot.keyClick(dialog.amountField, ENTER)
    qtbot.keyClicks(dialog.reasonField, reason)
    qtbot.keyClick(dialog.reasonField, ENTER)
    assert dialog.isVisible() and dialog.message.is_error
    assert message in dialog.message.text() and is_sentence(dialog.message.text())
    assert getattr(dialog, focused).hasFocus()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: till.dialog is None)
    assert snapshot(db) == before


# -- X report and closing ----------------------------------------------------------------
def test_closing_with_live_over_short_gives_the_z_report(qtbot, db, new_uow, store, till):
    product(new_uow, "CHAI", price=1000, cost=500, tax_ppm=0, stock=20)
    open_with_float(qtbot, till, "100")
    shift = till.station.shift
    sell(new_uow, shift)
    sell(new_uow, shift, card=True)
    shortcut(qtbot, till, Qt.Key.Key_F5)  # X report
    assert till.reportPanel.totals["sales"].text() == "2"
    assert cell(till, 0, 2) == "10.00" and cell(till, 1, 2) == "10.00"

    shortcut(qtbot, till, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = active_dialog(qtbot, till)
    assert isinstance(dialog, CloseTillDialog)
    cash, card = dialog.countedFields[TenderKind.CASH], dialog.countedFields[TenderKind.CARD]
    assert dialog.expectedLabels[TenderKind.CASH].text() == "110.00"
    assert cash.hasFocus()
    qtbot.keyClicks(cash, "107.5")
    assert dialog.overShortLabels[TenderKind.CASH].text() == "2.50 short"
    assert dialog.totalLabel.text() == "—"  # card not counted yet
    qtbot.keyClick(cash, ENTER)
    assert card.hasFocus()
    qtbot.keyClicks(card, "10.00")
    assert dialog.overShortLabels[TenderKind.CARD].text() == "exact"
    assert dialog.totalLabel.text() == "2.50 short"
    qtbot.keyClick(card, ENTER)
    qtbot.waitUntil(lambda: till.dialog is None)

    assert till.station.shift is None and not till.state.is_open
    panel = till.reportPanel
    assert panel.titleLabel.text() == "Z report 1 — Till 1"
    assert not panel.tendersTable.isColumnHidden(TenderFiguresModel.COUNTED)
    assert cell(till, 0, 7) == "107.50" and cell(till, 0, 8) == "-2.50"
    assert cell(till, 2, 8) == "-2.50"  # total over/short
    assert "Z report 1" in till.message.text() and "2.50 short" in till.message.text()
    assert "Z REPORT 1" in panel.printout.toPlainText()
    assert till.openRow.isVisible() and not till.closeTillButton.isEnabled()
    with pytest.raises(TillClosed):
        sell(new_uow, shift)
    with db.reader() as session:
        details = session.execute(
            text("SELECT details FROM audit_log WHERE action = 'till.close'")
        ).scalar_one()
    assert json.loads(details)["over_short"] == {"cash": -250, "card": 0}
    assert_clean(db)


def test_closing_refuses_bad_counts_in_place_and_esc_leaves_it_open(qtbot, db, till):
    open_with_float(qtbot, till, "20")
    before = snapshot(db)
    till.closeTillButton.click()
    dialog = active_dialog(qtbot, till)
    cash, card = dialog.countedFields[TenderKind.CASH], dialog.countedFields[TenderKind.CARD]
    qtbot.keyClicks(cash, "20")
    qtbot.keyClick(cash, ENTER)
    qtbot.keyClick(card, ENTER)  # card left empty
    assert dialog.message.is_error and "counted card" in dialog.message.text()
    assert card.hasFocus()
    qtbot.keyClicks(card, "-3")
    assert dialog.overShortLabels[TenderKind.CARD].text() == "—"
    qtbot.keyClick(card, ENTER)
    assert dialog.message.is_error and "negative" in dialog.message.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: till.dialog is None)
    assert till.state.is_open and till.station.shift is not None
    assert snapshot(db) == before


def test_choosing_an_older_session_shows_its_z_report(qtbot, db, new_uow, owner, till):
    first = open_shift(new_uow, cashier=owner, opening_float=1_000)
    with new_uow() as uow:
        from pos_app.services.till import close_till

        close_till(uow, owner, first.session_id, {TenderKind.CASH: 1_100, TenderKind.CARD: 0})
    till.activated()
    open_with_float(qtbot, till, "30")
    assert till.reportPanel.titleLabel.text() == "X report — Till 1"
    table = till.sessionsTable
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert till.reportPanel.titleLabel.text() == "Z report 1 — Till 1"
    assert cell(till, 0, 8) == "+1.00"
    shortcut(qtbot, till, Qt.Key.Key_F5)  # back to the open session's X report
    assert till.reportPanel.titleLabel.text() == "X report — Till 1"


def test_a_cashier_can_run_the_till_screen(qtbot, db, store, new_uow, owner):
    cashier = staff(new_uow, "Casey", Role.CASHIER, "5678", by=owner)
    station = Station("Till 9")
    station.sign_in(cashier)
    view = TillView(store, station)
    qtbot.addWidget(view)
    view.show()
    open_with_float(qtbot, view, "10")
    assert view.state.is_open and view.closeTillButton.isEnabled()


# -- junk ------------------------------------------------------------------------------------
def test_junk_typed_into_the_dialogs_is_refused_cleanly(qtbot, db, till):
    """Whatever is typed: the dialog stays usable, says a sentence or stores exactly it."""
    open_with_float(qtbot, till, "10")
    shift = till.station.shift
    state = {"before": snapshot(db)}
    figures = till.store.till_report(shift.session_id)

    @settings(JUNK, max_examples=25 if db.backend == "sqlite" else 10)
    @given(amount=st.one_of(number_text, nasty_text), reason=nasty_text, counted=number_text)
    def attempt(amount, reason, counted):
        dialog = CashMovementDialog(till.store, shift, "out", till)
        try:
            dialog.amountField.setText(amount)
            dialog.reasonField.setText(reason)
            dialog.confirm()
            if dialog.movement_id is None:
                assert said_error(dialog.message)
                assert snapshot(db) == state["before"]
            else:
                state["before"] = snapshot(db)
        finally:
            dialog.done(0)
            dialog.deleteLater()
        closing = CloseTillDialog(till.store, shift.cashier, figures, till)
        try:
            closing.countedFields[TenderKind.CASH].setText(counted)
            closing.countedFields[TenderKind.CARD].setText(counted + "x")  # never a number
            closing.confirm()
            assert closing.report is None
            assert said_error(closing.message)
        finally:
            closing.done(0)
            closing.deleteLater()
        QApplication.processEvents()
        assert snapshot(db) == state["before"]

    attempt()
    assert till.store.till_state("Till 1").is_open
    assert_clean(db)


def test_ctrl_t_opens_the_till_screen_from_the_main_window(qtbot, db, store, owner):
    from pos_app.ui.app import create_main_window

    station = Station("Till 1")
    station.sign_in(owner)
    window = create_main_window(store, station)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    view = window.stack.currentWidget()
    assert view.objectName() == "tillView" and isinstance(view, TillView)
    qtbot.waitUntil(view.floatField.hasFocus)
    open_with_float(qtbot, view, "75")
    assert station.shift is not None and station.shift.till_name == "Till 1"
