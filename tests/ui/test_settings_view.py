"""The Settings screen driven by keys: an owner saves (audited, money follows the new
locale), problems are shown by their fields, everyone else reads only (both backends)."""

from __future__ import annotations

import json

import pytest
from escpos.printer import Dummy
from PySide6.QtCore import QEvent, QSettings, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication

from pos_app.domain.settings import PrinterSettings, StoreSettings, TaxRate
from pos_app.domain.staff import Role
from pos_app.ui.money import format_money, set_store_locale
from pos_app.ui.receipt_printing import this_till_prints
from pos_app.ui.settings_view import SettingsView
from pos_app.ui.settings_view import demo as settings_demo
from pos_app.ui.station import TILL_NAME_KEY, Station
from tests.factories import staff


@pytest.fixture(autouse=True)
def _private_qsettings(tmp_path, qapp):
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qs"))
    yield
    set_store_locale(None)


def settings_view(qtbot, store, member, shift=None) -> SettingsView:
    station = Station("Till 1")
    station.sign_in(member, shift)
    view = SettingsView(store, station)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    with qtbot.waitExposed(view):
        view.show()
    with qtbot.waitActive(view):
        view.activateWindow()
    return view


@pytest.fixture
def owner_view(qtbot, store, shift) -> SettingsView:
    return settings_view(qtbot, store, shift.cashier, shift)


def retype(qtbot, widget, text: str) -> None:
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(widget, Qt.Key.Key_Delete)
    if text:
        qtbot.keyClicks(widget, text)


def choose(qtbot, combo, data) -> None:
    """Pick an item by keys, as a person would: focus, then arrows until it is chosen."""
    combo.setFocus(Qt.FocusReason.OtherFocusReason)
    target = combo.findData(data)
    assert target >= 0, data
    while combo.currentIndex() != target:
        key = Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up
        qtbot.keyClick(combo, key)


def open_editor(qtbot, table):
    """The cell editor that just opened (waits for it to take the focus)."""
    qtbot.waitUntil(lambda: table.state() == QAbstractItemView.State.EditingState)
    qtbot.waitUntil(
        lambda: QApplication.focusWidget() is not None
        and QApplication.focusWidget().parent() is table.viewport()
    )
    return QApplication.focusWidget()


def commit(qtbot, table, editor) -> None:
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the old editor goes


def edit_cell(qtbot, table, row: int, column: int, text: str) -> None:
    table.setFocus(Qt.FocusReason.OtherFocusReason)
    table.setCurrentCell(row, column)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = open_editor(qtbot, table)
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, text)
    commit(qtbot, table, editor)


def save_by_keys(qtbot, view) -> None:
    qtbot.keyClick(view.storeNameEdit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def test_shows_the_stored_settings(owner_view):
    view = owner_view
    assert view.storeNameEdit.text() == "My Store"
    assert view.localeCombo.currentText() == "en_IE"
    assert view.taxRatesTable.rowCount() == 3
    assert view.taxRatesTable.item(0, 0).text() == "Standard"
    assert view.taxRatesTable.item(0, 1).text() == "20"
    assert view.discountLimitEdit.text() == "10"
    assert view.printerKindCombo.currentData() == "none"
    assert not view.printerHostEdit.isVisible()
    assert view.tillNameEdit.text() == "Till 1" and view.thisTillPrintsCheck.isChecked()
    assert view.form.isEnabled() and not view.roleNotice.isVisible()


def test_owner_types_and_saves_by_keys(qtbot, owner_view, store):
    view = owner_view
    retype(qtbot, view.storeNameEdit, "Corner Shop")
    view.addressEdit.setFocus()
    qtbot.keyClicks(view.addressEdit, "12 Main Street")
    retype(qtbot, view.taxNumberEdit, "DE123456789")
    retype(qtbot, view.localeCombo.lineEdit(), "de_DE")
    assert "1.234,56" in view.localePreview.text()
    choose(qtbot, view.taxRoundingCombo, "total")
    choose(qtbot, view.cashRoundingCombo, 5)
    view.pricesIncludeTaxCheck.setFocus()
    qtbot.keyClick(view.pricesIncludeTaxCheck, Qt.Key.Key_Space)
    retype(qtbot, view.discountLimitEdit, "12.5")
    edit_cell(qtbot, view.taxRatesTable, 0, 0, "Normal")
    edit_cell(qtbot, view.taxRatesTable, 0, 1, "19")
    choose(qtbot, view.printerKindCombo, "network")
    assert view.printerHostEdit.isVisible() and view.kickDrawerCheck.isVisible()
    assert not view.usbVendorEdit.isVisible()
    retype(qtbot, view.printerHostEdit, "192.0.2.10")
    view.printAutomaticallyCheck.setFocus()
    qtbot.keyClick(view.printAutomaticallyCheck, Qt.Key.Key_Space)

    save_by_keys(qtbot, view)

    assert not view.message.is_error, view.message.text()
    assert view.message.text().startswith("Saved:")
    saved = store.settings()
    assert saved.store_name == "Corner Shop" and saved.address == "12 Main Street"
    assert saved.tax_number == "DE123456789" and saved.locale == "de_DE"
    assert (saved.tax_rounding, saved.cash_rounding_step, saved.prices_include_tax) == ("total", 5, True)
    assert saved.discount_limit_ppm == 125_000
    assert saved.tax_rates[0] == TaxRate("Normal", 190_000)
    assert saved.printer.kind == "network" and saved.printer.host == "192.0.2.10"
    assert saved.printer.print_automatically
    row = store.audit_rows(limit=1)[0]
    assert row.action == "settings.change" and row.staff_name == "Olive"
    assert "locale" in json.loads(row.details)["changed"]
    # Money on every screen now follows the store's locale.
    assert format_money(123456) == "1.234,56"


def test_tax_rates_are_added_and_removed(qtbot, owner_view, store):
    view = owner_view
    qtbot.mouseClick(view.addTaxRateButton, Qt.MouseButton.LeftButton)
    editor = open_editor(qtbot, view.taxRatesTable)
    qtbot.keyClicks(editor, "Super reduced")
    commit(qtbot, view.taxRatesTable, editor)
    edit_cell(qtbot, view.taxRatesTable, 3, 1, "2.1")
    view.taxRatesTable.setCurrentCell(2, 0)  # "Zero"
    qtbot.mouseClick(view.removeTaxRateButton, Qt.MouseButton.LeftButton)
    assert view.save()
    assert store.settings().tax_rates == (
        TaxRate("Standard", 200_000), TaxRate("Reduced", 50_000), TaxRate("Super reduced", 21_000)
    )


def test_each_problem_is_shown_by_its_field_and_nothing_is_saved(qtbot, owner_view, store):
    view = owner_view
    audit_before = store.count_audit()
    retype(qtbot, view.storeNameEdit, "")
    retype(qtbot, view.discountLimitEdit, "150")
    edit_cell(qtbot, view.taxRatesTable, 1, 1, "five")
    choose(qtbot, view.printerKindCombo, "usb")
    retype(qtbot, view.usbVendorEdit, "zz")
    retype(qtbot, view.tillNameEdit, "")

    save_by_keys(qtbot, view)

    assert view.message.is_error and "Nothing was saved" in view.message.text()
    assert "Row 2 (Reduced)" in view.errors["taxRates"].text()
    assert view.errors["taxRates"].isVisible()
    assert "discount limit" in view.errors["pricing"].text()
    assert "hex" in view.errors["printer"].text()
    assert view.errors["till"].isVisible()
    assert "needs a name" in view.errors["storeName"].text()  # every problem at once
    assert store.settings() == StoreSettings() and store.count_audit() == audit_before

    # Fixing the fields the form checks, the service's own checks speak in place too.
    qtbot.mouseClick(view.revertButton, Qt.MouseButton.LeftButton)
    assert not any(label.isVisible() for label in view.errors.values())
    retype(qtbot, view.storeNameEdit, "   ")
    save_by_keys(qtbot, view)
    assert "needs a name" in view.errors["storeName"].text()
    retype(qtbot, view.storeNameEdit, "Corner Shop")
    retype(qtbot, view.localeCombo.lineEdit(), "xx_NOPE")
    assert "Not a locale" in view.localePreview.text()
    save_by_keys(qtbot, view)
    assert "not a locale" in view.errors["locale"].text()
    assert view.errors["storeName"].text() == ""
    assert store.settings() == StoreSettings()


def test_an_escpos_kind_needs_its_address(qtbot, owner_view, store):
    view = owner_view
    choose(qtbot, view.printerKindCombo, "network")
    save_by_keys(qtbot, view)
    assert "network address" in view.errors["printer"].text()
    assert store.settings().printer == PrinterSettings()


@pytest.mark.parametrize("role", [Role.MANAGER, Role.CASHIER])
def test_others_see_the_settings_read_only(qtbot, store, new_uow, shift, role):
    other = staff(new_uow, "Pat", role, "5678", by=shift.cashier)
    audit_before = store.count_audit()
    view = settings_view(qtbot, store, other)
    assert not view.form.isEnabled() and not view.saveButton.isEnabled()
    assert view.roleNotice.isVisible() and "Only an owner" in view.roleNotice.text()
    assert view.save() is False
    assert "Only an owner" in view.message.text()
    assert store.count_audit() == audit_before  # nothing saved
    # The owner signing in on the same screen may edit at once.
    view.station.sign_in(shift.cashier, shift)
    assert view.form.isEnabled() and view.saveButton.isEnabled() and not view.roleNotice.isVisible()


def test_this_tills_preferences_go_to_qsettings(qtbot, store, shift):
    view = settings_view(qtbot, store, shift.cashier)  # no session open on this station
    retype(qtbot, view.tillNameEdit, "Front till")
    view.thisTillPrintsCheck.setFocus()
    qtbot.keyClick(view.thisTillPrintsCheck, Qt.Key.Key_Space)
    save_by_keys(qtbot, view)
    assert "now called Front till" in view.message.text()
    assert QSettings().value(TILL_NAME_KEY) == "Front till"
    assert view.station.till_name == "Front till"
    assert this_till_prints() is False
    assert store.count_audit() == 2  # staff + till.open: store settings were unchanged


def test_test_print_uses_the_printer_as_typed(qtbot, owner_view):
    view = owner_view
    dummy = Dummy()
    view.printer.printer_factory = lambda _settings: dummy
    choose(qtbot, view.printerKindCombo, "file")
    qtbot.mouseClick(view.testPrintButton, Qt.MouseButton.LeftButton)
    assert "device path" in view.errors["printer"].text()
    retype(qtbot, view.printerPathEdit, "/dev/usb/lp0")
    with qtbot.waitSignal(view.printer.done, timeout=10_000):
        qtbot.mouseClick(view.testPrintButton, Qt.MouseButton.LeftButton)
    assert b"Test print" in dummy.output
    assert view.message.text() == "Test page printed."


def test_ctrl_comma_opens_settings_in_the_window(qtbot, store, shift):
    from pos_app.ui.main_window import MainWindow

    station = Station("Till 1")
    station.sign_in(shift.cashier, shift)
    window = MainWindow(store, station)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(window.stack.currentWidget(), SettingsView))
    assert window.stack.currentWidget().objectName() == "settingsView"


def test_demo_builds(qtbot, store):
    view = settings_demo(store)
    qtbot.addWidget(view)
    assert view.printerKindCombo.currentData() == "network"


def test_start_up_uses_the_saved_locale_and_keeps_the_systems_until_then(store, new_uow, shift):
    from dataclasses import replace

    from pos_app.services.settings import save_settings
    from pos_app.ui.money import apply_store_locale, set_store_locale, store_locale, ui_locale

    set_store_locale("de_DE")
    apply_store_locale(store)  # nothing saved yet: the system's locale
    assert store_locale() == ui_locale()
    with new_uow() as uow:
        save_settings(uow, shift.cashier, replace(StoreSettings(), locale="de_CH"))
    apply_store_locale(store)
    assert store_locale() == "de_CH" and format_money(123456) == "1’234.56"
    set_store_locale("not a locale")  # ignored: money keeps showing
    assert store_locale() == "de_CH"
