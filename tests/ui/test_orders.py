"""Customer orders: saved from the Sell screen, listed and shipped on the Orders screen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from pos_app.ui.app import create_main_window
from pos_app.ui.cart_view import CartView
from pos_app.ui.money import format_money
from pos_app.ui.orders_view import (
    COMPANY,
    CUSTOMER,
    LINES,
    ORDER_NO,
    TOTAL,
    OrdersTableModel,
    OrdersView,
)
from pos_app.ui.orders_view import demo as orders_demo
from tests.factories import snapshot, stock_of


@pytest.fixture
def window(qtbot, shop, station):
    window = create_main_window(shop, station)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    with qtbot.waitExposed(window):
        window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    sell = window.view_named("cartView")
    qtbot.waitUntil(lambda: not sell.background.busy())
    qtbot.waitUntil(sell.scanField.hasFocus)
    return window


def save_order_for(qtbot, sell: CartView, codes: list[str], customer: str = "ALFKI") -> int:
    for code in codes:
        qtbot.keyClicks(sell.scanField, code)
        qtbot.keyClick(sell.scanField, Qt.Key.Key_Return)
    assert sell.select_customer(customer)
    qtbot.keyClick(sell.scanField, Qt.Key.Key_F9)
    text = sell.message.text()
    assert text.startswith("Order ") and text.endswith(f"saved for {customer}."), text
    return int(text.split()[1])


def show_orders(qtbot, window) -> OrdersView:
    qtbot.keyClick(window, Qt.Key.Key_F3)
    view = window.view_named("ordersView")
    qtbot.waitUntil(lambda: not view.background.busy())
    return view


def test_save_order_from_the_cart_then_ship_it(qtbot, window, db, qtmodeltester):
    sell = window.view_named("cartView")
    order_id = save_order_for(qtbot, sell, ["3*5000001", "5000003"])
    assert sell.model.rowCount() == 0 and sell.customerCombo.currentData() is None
    assert sell.scanField.hasFocus()
    assert stock_of(db, "CHAI") == 12  # saving takes no stock

    view = show_orders(qtbot, window)
    assert isinstance(view.model, OrdersTableModel)
    qtmodeltester.check(view.model)
    assert view.model.rowCount() == 1
    row = [view.model.index(0, c).data() for c in (ORDER_NO, CUSTOMER, COMPANY, LINES, TOTAL)]
    assert row == [
        str(order_id),
        "ALFKI",
        "Alfreds Futterkiste",
        "2",
        format_money(3 * 1800 + 1080 + 2325 + 116),
    ]
    assert view.selected_order().order_id == order_id
    qtbot.mouseClick(view.shipButton, Qt.MouseButton.LeftButton)
    assert f"Order {order_id} shipped" in view.message.text()
    qtbot.waitUntil(lambda: not view.background.busy())
    assert view.model.rowCount() == 0  # gone from the open list
    assert stock_of(db, "CHAI") == 9 and stock_of(db, "TOFU") == 39
    assert view.store.check().ok

    view.statusFilter.setCurrentIndex(view.statusFilter.findData("shipped"))
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    assert view.selected_order().status == "shipped"
    assert not view.shipButton.isEnabled()


def test_shipping_an_order_whose_product_ran_out_changes_nothing(qtbot, window, db):
    sell = window.view_named("cartView")
    first = save_order_for(qtbot, sell, ["2*5000002"])
    second = save_order_for(qtbot, sell, ["2*5000002", "5000001"])
    view = show_orders(qtbot, window)
    assert [view.model.order_at(r).order_id for r in range(2)] == [second, first]

    view.ordersTable.selectRow(view.model.row_of(first))
    qtbot.keyClick(view.ordersTable, Qt.Key.Key_F8)
    assert f"Order {first} shipped" in view.message.text()
    qtbot.waitUntil(lambda: not view.background.busy())
    assert stock_of(db, "SYRUP") == 0

    before = snapshot(db)
    view.ordersTable.selectRow(view.model.row_of(second))
    qtbot.keyClick(view.ordersTable, Qt.Key.Key_F8)
    message = view.message.text()
    assert view.message.is_error
    assert f"Order {second} cannot ship" in message
    assert "Aniseed Syrup" in message and "only 0 in stock" in message
    assert snapshot(db) == before
    assert view.model.order_at(view.model.row_of(second)).status == "open"


def test_demo_lists_an_open_order(qtbot, shop):
    view = orders_demo(shop)
    qtbot.addWidget(view)
    assert view.model.rowCount() == 1
    assert view.model.order_at(0).status == "open"
