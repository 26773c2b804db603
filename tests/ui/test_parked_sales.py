"""Parking and resuming on the Sell screen with real keys, on SQLite and PostgreSQL.

F10 parks (optional label, Enter), F11 lists the parked carts (Enter resumes the chosen one);
resuming while the cart is not empty parks that cart first and says under which number.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import text

from pos_app.ui.app import create_main_window
from pos_app.ui.cart_view import CartView
from pos_app.ui.parked_dialog import ParkedDialog, ParkLabelDialog
from pos_app.ui.parked_dialog import demo as parked_demo
from tests.factories import snapshot

CHAI, SYRUP, TOFU = "5000001", "5000002", "5000003"


@pytest.fixture
def till(qtbot, shop, station) -> CartView:
    window = create_main_window(shop, station)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    with qtbot.waitExposed(window):
        window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    view = window.view_named("cartView")
    qtbot.waitUntil(lambda: not view.background.busy())
    qtbot.waitUntil(view.scanField.hasFocus)
    return view


def scan(qtbot, view: CartView, code: str) -> None:
    qtbot.keyClicks(view.scanField, code)
    qtbot.keyClick(view.scanField, Qt.Key.Key_Return)


def basket(view: CartView) -> list[tuple[str, int]]:
    return [(line.product.sku, line.quantity) for line in view.model.cart.lines]


def press_park(qtbot, view: CartView) -> ParkLabelDialog:
    qtbot.keyClick(view.scanField, Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: isinstance(getattr(view, "parked_dialog", None), ParkLabelDialog))
    dialog = view.parked_dialog
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(dialog.labelField.hasFocus)
    return dialog


def press_resume(qtbot, view: CartView) -> ParkedDialog:
    qtbot.keyClick(view.scanField, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: isinstance(getattr(view, "parked_dialog", None), ParkedDialog))
    dialog = view.parked_dialog
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(dialog.table.hasFocus)
    return dialog


def closed(qtbot, view: CartView) -> None:
    qtbot.waitUntil(lambda: getattr(view, "parked_dialog", None) is None)
    qtbot.waitUntil(view.scanField.hasFocus)


def parked_rows(db) -> list[tuple]:
    with db.reader() as session:
        return session.execute(text("SELECT id, label FROM parked_sales ORDER BY id")).all()


def test_park_then_resume_with_another_cart_on_screen(qtbot, till, db):
    scan(qtbot, till, CHAI)
    scan(qtbot, till, "2*" + TOFU)
    total = till.model.cart.totals().total
    dialog = press_park(qtbot, till)
    qtbot.keyClicks(dialog.labelField, "Jane")
    qtbot.keyClick(dialog.labelField, Qt.Key.Key_Return)
    closed(qtbot, till)
    (first,) = parked_rows(db)
    assert first[1] == "Jane"
    assert till.message.text() == f"Parked as {first[0]}. Next customer, please."
    assert till.model.rowCount() == 0

    scan(qtbot, till, SYRUP)  # the next customer
    dialog = press_resume(qtbot, till)
    assert dialog.model.rowCount() == 1
    assert dialog.model.data(dialog.model.index(0, 1)) == "Jane"
    assert dialog.model.data(dialog.model.index(0, 6)) == "this till"
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    closed(qtbot, till)
    assert basket(till) == [("CHAI", 1), ("TOFU", 2)]
    assert till.model.cart.totals().total == total
    rows = parked_rows(db)
    assert [label for _id, label in rows] == [""]  # the syrup cart, parked in the same go
    assert till.message.text() == f"Resumed Jane. The cart you had is parked as {rows[0][0]}."

    dialog = press_resume(qtbot, till)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    closed(qtbot, till)
    assert basket(till) == [("SYRUP", 1)]
    assert len(parked_rows(db)) == 1  # Jane's cart is parked again


def test_escape_parks_nothing_and_keeps_the_cart(qtbot, till, db):
    scan(qtbot, till, CHAI)
    before = snapshot(db)
    dialog = press_park(qtbot, till)
    qtbot.keyClick(dialog.labelField, Qt.Key.Key_Escape)
    closed(qtbot, till)
    assert basket(till) == [("CHAI", 1)]
    assert till.message.text() == "Not parked: the cart is kept."
    dialog = press_resume(qtbot, till)
    assert dialog.model.rowCount() == 0 and "No sales are parked" in dialog.message.text()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)
    closed(qtbot, till)
    assert basket(till) == [("CHAI", 1)]
    assert snapshot(db) == before


def test_an_empty_cart_is_not_parked(qtbot, till, db):
    qtbot.keyClick(till.scanField, Qt.Key.Key_F10)
    assert getattr(till, "parked_dialog", None) is None
    assert till.message.text() == "The cart is empty: there is nothing to park."
    assert parked_rows(db) == []


def test_a_product_gone_meanwhile_is_left_out_and_named(qtbot, till, db):
    scan(qtbot, till, CHAI)
    scan(qtbot, till, TOFU)
    dialog = press_park(qtbot, till)
    qtbot.keyClick(dialog.labelField, Qt.Key.Key_Return)  # no label
    closed(qtbot, till)
    with db.writer() as session:
        session.execute(text("UPDATE products SET active = false WHERE sku = 'TOFU'"))
        session.commit()
    dialog = press_resume(qtbot, till)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    closed(qtbot, till)
    assert basket(till) == [("CHAI", 1)]
    assert "No longer on sale, left out: Tofu." in till.message.text()


def test_a_cart_resumed_elsewhere_meanwhile_is_refused_in_the_list(qtbot, till, db, new_uow):
    from pos_app.services.parked import resume

    scan(qtbot, till, CHAI)
    dialog = press_park(qtbot, till)
    qtbot.keyClick(dialog.labelField, Qt.Key.Key_Return)
    closed(qtbot, till)
    dialog = press_resume(qtbot, till)
    ((parked_id, _label),) = parked_rows(db)
    with new_uow() as uow:  # another till takes it first
        resume(uow, parked_id)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    assert dialog.isVisible() and "another till has resumed it" in dialog.message.text()
    assert dialog.model.rowCount() == 0
    qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)
    closed(qtbot, till)
    assert basket(till) == []


def test_demo_renders(qtbot, shop):
    dialog = parked_demo(shop)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 3
