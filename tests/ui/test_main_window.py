"""The main window opens on the selling screen and switches views with F-keys."""

from __future__ import annotations

from PySide6.QtCore import Qt

from pos_app.ui.app import create_main_window


def test_opens_on_sell_and_switches_views(qtbot, shop, station):
    window = create_main_window(shop, station)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    with qtbot.waitActive(window):  # shortcuts need an active window, as at a real till
        window.activateWindow()
    assert window.stack.currentWidget().objectName() == "cartView"
    for key, name in [
        (Qt.Key.Key_F2, "catalogueView"),
        (Qt.Key.Key_F4, "ledgerView"),
        (Qt.Key.Key_F3, "ordersView"),
        (Qt.Key.Key_F1, "cartView"),
    ]:
        qtbot.keyClick(window, key)
        assert window.stack.currentWidget().objectName() == name
