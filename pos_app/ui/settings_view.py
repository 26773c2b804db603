"""Settings (Ctrl+,): the store's details, money, tax rates, pricing rules and receipt
printer, shared by every till and kept in the database; and this till's own preferences
(its name, whether it prints on the store's printer) in QSettings.

Only an owner may save (the service checks it too): everyone else sees the settings read
only, with a sentence saying why. Each problem is shown next to the field it is about;
Save says "Saved" in place. Money everywhere follows the locale once saved.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from babel import Locale
from PySide6.QtCore import QRegularExpression, QSettings, Qt, Signal
from PySide6.QtGui import QKeySequence, QRegularExpressionValidator, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import InvalidInput, PosError
from ..domain.money import format_rate, parse_rate
from ..domain.settings import CASH_ROUNDING_STEPS, PrinterSettings, StoreSettings, TaxRate
from ..domain.staff import Permission
from ..services.printing import ESCPOS_KINDS
from ..services.settings import save_settings
from ..services.store import Store
from .feedback import ERROR_STYLE, InlineMessage, failure_text, went_wrong
from .money import format_money, set_store_locale
from .receipt_printing import ReceiptPrinter, set_this_till_prints, this_till_prints
from .station import TILL_NAME_KEY, Station

log = logging.getLogger(__name__)

COMMON_LOCALES = (
    "en_IE", "en_GB", "en_US", "en_CA", "en_AU", "en_NZ", "en_ZA", "de_DE", "de_AT", "de_CH",
    "fr_FR", "fr_BE", "fr_CA", "fr_CH", "nl_NL", "nl_BE", "it_IT", "es_ES", "es_MX", "pt_PT",
    "pt_BR", "pl_PL", "cs_CZ", "sv_SE", "da_DK", "nb_NO", "fi_FI", "el_GR", "tr_TR", "ja_JP",
)
PRINTER_KINDS = (
    ("No receipt printer", "none"),
    ("System printer (print dialog, default printer)", "system"),
    ("PDF files in a folder", "pdf"),
    ("ESC/POS thermal printer on the network", "network"),
    ("ESC/POS thermal printer on USB", "usb"),
    ("ESC/POS thermal printer on a serial port", "serial"),
    ("ESC/POS printer device or file", "file"),
)
BAUD_RATES = (9600, 19200, 38400, 57600, 115200)
# Which error label shows a problem the service or the form reports for a field.
ERROR_OF_FIELD = {
    "store_name": "storeName",
    "currency": "currency",
    "locale": "locale",
    "tax_rates": "taxRates",
    "tax rate": "taxRates",
    "tax_rounding": "pricing",
    "cash_rounding_step": "pricing",
    "discount limit": "pricing",
    "printer": "printer",
    "till": "till",
}


def parse_hex_id(text: str, what: str) -> int:
    """A USB id as printed on the printer's label ("04b8", "0x04B8") -> 0x04b8."""
    cleaned = text.strip().lower().removeprefix("0x")
    if not cleaned:
        return 0
    try:
        value = int(cleaned, 16)
    except ValueError:
        raise InvalidInput(f"The USB {what} id is four hex digits such as 04b8.", "printer") from None
    if not 0 <= value <= 0xFFFF:
        raise InvalidInput(f"The USB {what} id is four hex digits such as 04b8.", "printer")
    return value


def locale_preview(code: str) -> str:
    """'English (Ireland): 1,234.56' — what the locale does to money, or why it can't."""
    try:
        name = Locale.parse(code.strip()).get_display_name("en") or code
        return f"{name}: {format_money(123456, code.strip())}"
    except Exception:  # noqa: BLE001 - anything typed may be junk
        return "Not a locale Babel knows (such as en_GB or de_DE)."


class SettingsView(QWidget):
    saved = Signal(object)  # the StoreSettings just saved

    def __init__(self, store: Store, station: Station, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.station = station
        self.loaded = StoreSettings()
        self.printer = ReceiptPrinter(store, self)
        self.printer.done.connect(lambda text: self.message.show_info(text, seconds=8))
        self.printer.failed.connect(lambda text: self.message.show_error(text, beep=False))
        self.errors: dict[str, QLabel] = {}
        self._build()
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        station.changed.connect(self._apply_role)
        self.reload()

    # -- layout ---------------------------------------------------------------------------
    def _error_label(self, key: str) -> QLabel:
        label = QLabel()
        label.setObjectName(f"{key}Error")
        label.setWordWrap(True)
        label.setStyleSheet(ERROR_STYLE)
        label.setVisible(False)
        self.errors[key] = label
        return label

    @staticmethod
    def _named(widget: QWidget, name: str, accessible: str) -> QWidget:
        widget.setObjectName(name)
        widget.setAccessibleName(accessible)
        return widget

    def _store_box(self) -> QGroupBox:
        self.storeNameEdit = self._named(QLineEdit(), "storeNameEdit", "Store name")
        self.storeNameEdit.setMaxLength(80)
        self.addressEdit = self._named(QPlainTextEdit(), "addressEdit", "Address")
        self.addressEdit.setTabChangesFocus(True)
        self.addressEdit.setFixedHeight(self.fontMetrics().lineSpacing() * 4)
        self.taxNumberEdit = self._named(QLineEdit(), "taxNumberEdit", "Tax number")
        self.taxNumberEdit.setMaxLength(40)
        self.footerEdit = self._named(QPlainTextEdit(), "footerEdit", "Receipt footer")
        self.footerEdit.setTabChangesFocus(True)
        self.footerEdit.setFixedHeight(self.fontMetrics().lineSpacing() * 3)
        box = QGroupBox("Store (printed on every receipt)")
        form = QFormLayout(box)
        form.addRow("&Name", self.storeNameEdit)
        form.addRow("", self._error_label("storeName"))
        form.addRow("&Address", self.addressEdit)
        form.addRow("Ta&x number", self.taxNumberEdit)
        form.addRow("Receipt &footer", self.footerEdit)
        return box

    def _money_box(self) -> QGroupBox:
        self.currencyEdit = self._named(QLineEdit(), "currencyEdit", "Currency")
        self.currencyEdit.setMaxLength(3)
        self.currencyEdit.setValidator(
            QRegularExpressionValidator(QRegularExpression("[A-Za-z]{0,3}"), self.currencyEdit)
        )
        self.currencyEdit.setPlaceholderText("EUR")
        self.currencyEdit.setMaximumWidth(self.fontMetrics().horizontalAdvance("MMMMM") + 16)
        self.localeCombo = self._named(QComboBox(), "localeCombo", "Locale")
        self.localeCombo.setEditable(True)
        self.localeCombo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.localeCombo.addItems(list(COMMON_LOCALES))
        self.localeCombo.lineEdit().setObjectName("localeEdit")
        self.localePreview = QLabel()
        self.localePreview.setObjectName("localePreview")
        self.localeCombo.currentTextChanged.connect(
            lambda text: self.localePreview.setText(locale_preview(text))
        )
        box = QGroupBox("Money")
        form = QFormLayout(box)
        form.addRow("C&urrency", self.currencyEdit)
        form.addRow("", self._error_label("currency"))
        form.addRow("&Locale", self.localeCombo)
        form.addRow("", self.localePreview)
        form.addRow("", self._error_label("locale"))
        return box

    def _pricing_box(self) -> QGroupBox:
        self.pricesIncludeTaxCheck = self._named(
            QCheckBox("Prices include tax"), "pricesIncludeTaxCheck", "Prices include tax"
        )
        self.taxRoundingCombo = self._named(QComboBox(), "taxRoundingCombo", "Tax rounding")
        self.taxRoundingCombo.addItem("Per line", "line")
        self.taxRoundingCombo.addItem("On the total of each rate", "total")
        self.cashRoundingCombo = self._named(QComboBox(), "cashRoundingCombo", "Cash rounding")
        for step in CASH_ROUNDING_STEPS:
            self.cashRoundingCombo.addItem("None" if step == 0 else format_money(step), step)
        self.discountLimitEdit = self._named(QLineEdit(), "discountLimitEdit", "Discount limit")
        self.discountLimitEdit.setPlaceholderText("10")
        self.discountLimitEdit.setMaximumWidth(self.fontMetrics().horizontalAdvance("M") * 8)
        box = QGroupBox("Pricing")
        form = QFormLayout(box)
        form.addRow("", self.pricesIncludeTaxCheck)
        form.addRow("Tax &rounding", self.taxRoundingCombo)
        form.addRow("Cash roundin&g", self.cashRoundingCombo)
        limit = QHBoxLayout()
        limit.addWidget(self.discountLimitEdit)
        limit.addWidget(QLabel("% — above this a manager approves"))
        limit.addStretch(1)
        limit_label = QLabel("&Discount limit")
        limit_label.setBuddy(self.discountLimitEdit)
        form.addRow(limit_label, limit)
        form.addRow("", self._error_label("pricing"))
        return box

    def _tax_box(self) -> QGroupBox:
        self.taxRatesTable = self._named(QTableWidget(0, 2), "taxRatesTable", "Tax rates")
        self.taxRatesTable.setHorizontalHeaderLabels(["Name", "Rate %"])
        self.taxRatesTable.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.taxRatesTable.verticalHeader().setVisible(False)
        self.taxRatesTable.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.taxRatesTable.setMinimumHeight(self.fontMetrics().lineSpacing() * 7)
        self.addTaxRateButton = self._named(QPushButton("&Add rate"), "addTaxRateButton", "Add rate")
        self.addTaxRateButton.clicked.connect(self.add_tax_rate)
        self.removeTaxRateButton = self._named(
            QPushButton("Remo&ve rate"), "removeTaxRateButton", "Remove rate"
        )
        self.removeTaxRateButton.clicked.connect(self.remove_tax_rate)
        buttons = QHBoxLayout()
        buttons.addWidget(self.addTaxRateButton)
        buttons.addWidget(self.removeTaxRateButton)
        buttons.addStretch(1)
        box = QGroupBox("Tax rates")
        layout = QVBoxLayout(box)
        layout.addWidget(self.taxRatesTable)
        layout.addLayout(buttons)
        layout.addWidget(self._error_label("taxRates"))
        return box

    def _printer_box(self) -> QGroupBox:
        self.printerKindCombo = self._named(QComboBox(), "printerKindCombo", "Receipt printer")
        for label, kind in PRINTER_KINDS:
            self.printerKindCombo.addItem(label, kind)
        self.printerKindCombo.currentIndexChanged.connect(lambda _i: self._show_printer_rows())
        self.printerHostEdit = self._named(QLineEdit(), "printerHostEdit", "Printer address")
        self.printerHostEdit.setPlaceholderText("192.168.1.50")
        self.printerPortSpin = self._named(QSpinBox(), "printerPortSpin", "Printer port")
        self.printerPortSpin.setRange(1, 65535)
        self.usbVendorEdit = self._named(QLineEdit(), "usbVendorEdit", "USB vendor id")
        self.usbProductEdit = self._named(QLineEdit(), "usbProductEdit", "USB product id")
        for edit, example in ((self.usbVendorEdit, "04b8"), (self.usbProductEdit, "0202")):
            edit.setPlaceholderText(example)
            edit.setMaxLength(6)
        self.serialDeviceEdit = self._named(QLineEdit(), "serialDeviceEdit", "Serial port")
        self.serialDeviceEdit.setPlaceholderText("/dev/ttyUSB0 or COM3")
        self.baudrateCombo = self._named(QComboBox(), "baudrateCombo", "Baud rate")
        for rate in BAUD_RATES:
            self.baudrateCombo.addItem(str(rate), rate)
        self.printerPathEdit = self._named(QLineEdit(), "printerPathEdit", "Printer path")
        self.widthSpin = self._named(QSpinBox(), "widthSpin", "Characters per line")
        self.widthSpin.setRange(16, 64)
        self.kickDrawerCheck = self._named(
            QCheckBox("Open the cash drawer after a cash sale"), "kickDrawerCheck", "Kick drawer"
        )
        self.printAutomaticallyCheck = self._named(
            QCheckBox("Print every receipt after the sale"),
            "printAutomaticallyCheck",
            "Print automatically",
        )
        self.testPrintButton = self._named(QPushButton("&Test print"), "testPrintButton", "Test print")
        self.testPrintButton.clicked.connect(self.test_print)
        usb = QHBoxLayout()
        usb.addWidget(self.usbVendorEdit)
        usb.addWidget(QLabel(":"))
        usb.addWidget(self.usbProductEdit)
        usb.addStretch(1)
        host = QHBoxLayout()
        host.addWidget(self.printerHostEdit, 1)
        host.addWidget(QLabel("port"))
        host.addWidget(self.printerPortSpin)
        self.pathLabel = QLabel("&Path")
        self.pathLabel.setBuddy(self.printerPathEdit)
        box = QGroupBox("Receipt printer")
        form = QFormLayout(box)
        self.printerForm = form
        form.addRow("&Kind", self.printerKindCombo)
        host_label = QLabel("Addr&ess")
        host_label.setBuddy(self.printerHostEdit)
        form.addRow(host_label, host)
        usb_label = QLabel("USB i&ds (hex)")
        usb_label.setBuddy(self.usbVendorEdit)
        form.addRow(usb_label, usb)
        form.addRow("Serial &port", self.serialDeviceEdit)
        form.addRow("&Baud rate", self.baudrateCombo)
        form.addRow(self.pathLabel, self.printerPathEdit)
        form.addRow("&Width (characters)", self.widthSpin)
        form.addRow("", self.kickDrawerCheck)
        form.addRow("", self.printAutomaticallyCheck)
        form.addRow("", self.testPrintButton)
        form.addRow("", self._error_label("printer"))
        return box

    def _till_box(self) -> QGroupBox:
        self.tillNameEdit = self._named(QLineEdit(), "tillNameEdit", "This till's name")
        self.tillNameEdit.setMaxLength(40)
        self.thisTillPrintsCheck = self._named(
            QCheckBox("This till prints on the store's receipt printer"),
            "thisTillPrintsCheck",
            "This till prints on the store's printer",
        )
        box = QGroupBox("This till (kept on this computer)")
        form = QFormLayout(box)
        form.addRow("Till &name", self.tillNameEdit)
        form.addRow("", self._error_label("till"))
        form.addRow("", self.thisTillPrintsCheck)
        return box

    def _build(self) -> None:
        self.form = QWidget()
        self.form.setObjectName("settingsForm")
        grid = QGridLayout(self.form)
        left, right = QVBoxLayout(), QVBoxLayout()
        for box in (self._store_box(), self._money_box(), self._pricing_box()):
            left.addWidget(box)
        left.addStretch(1)
        for box in (self._tax_box(), self._printer_box(), self._till_box()):
            right.addWidget(box)
        right.addStretch(1)
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        scroll = QScrollArea()
        scroll.setObjectName("settingsScroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)

        self.roleNotice = QLabel()
        self.roleNotice.setObjectName("settingsRoleNotice")
        self.roleNotice.setWordWrap(True)
        self.message = InlineMessage(self, object_name="settingsMessage")
        self.revertButton = self._named(QPushButton("&Undo changes"), "revertSettingsButton", "Undo changes")
        self.revertButton.clicked.connect(self.reload)
        self.saveButton = self._named(QPushButton("&Save  Ctrl+S"), "saveSettingsButton", "Save")
        self.saveButton.setDefault(True)
        self.saveButton.clicked.connect(self.save)
        for button in (self.revertButton, self.saveButton):
            button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        bar = QHBoxLayout()
        bar.addWidget(self.message, 1)
        bar.addStretch(0)
        bar.addWidget(self.revertButton)
        bar.addWidget(self.saveButton)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.roleNotice)
        layout.addWidget(scroll, 1)
        layout.addLayout(bar)

    # -- showing ----------------------------------------------------------------------------
    def reload(self) -> None:
        """Show the settings as stored (and this till's preferences), dropping edits."""
        self.clear_errors()
        self.message.clear_message()
        try:
            self.loaded = self.store.settings()
        except Exception as exc:  # noqa: BLE001
            self.message.show_error(
                failure_text(exc, went_wrong("the settings could not be read"), log, "reading settings failed"),
                beep=False,
            )
        self.show_settings(self.loaded)
        self.tillNameEdit.setText(self.station.till_name)
        self.thisTillPrintsCheck.setChecked(this_till_prints())
        self._apply_role()

    def show_settings(self, s: StoreSettings) -> None:
        self.storeNameEdit.setText(s.store_name)
        self.addressEdit.setPlainText(s.address)
        self.taxNumberEdit.setText(s.tax_number)
        self.footerEdit.setPlainText(s.receipt_footer)
        self.currencyEdit.setText(s.currency)
        self.localeCombo.setEditText(s.locale)
        self.localePreview.setText(locale_preview(s.locale))
        self.pricesIncludeTaxCheck.setChecked(s.prices_include_tax)
        self._select(self.taxRoundingCombo, s.tax_rounding)
        self._select(self.cashRoundingCombo, s.cash_rounding_step)
        self.discountLimitEdit.setText(format_rate(s.discount_limit_ppm).removesuffix(" %"))
        self.taxRatesTable.setRowCount(0)
        for rate in s.tax_rates:
            self._append_rate(rate.name, format_rate(rate.rate_ppm).removesuffix(" %"))
        p = s.printer
        self._select(self.printerKindCombo, p.kind)
        self.printerHostEdit.setText(p.host)
        self.printerPortSpin.setValue(p.port)
        self.usbVendorEdit.setText(f"{p.usb_vendor:04x}" if p.usb_vendor else "")
        self.usbProductEdit.setText(f"{p.usb_product:04x}" if p.usb_product else "")
        self.serialDeviceEdit.setText(p.serial_device)
        if self.baudrateCombo.findData(p.baudrate) < 0:
            self.baudrateCombo.addItem(str(p.baudrate), p.baudrate)
        self._select(self.baudrateCombo, p.baudrate)
        self.printerPathEdit.setText(p.file_path)
        self.widthSpin.setValue(p.width_chars)
        self.kickDrawerCheck.setChecked(p.kick_drawer)
        self.printAutomaticallyCheck.setChecked(p.print_automatically)
        self._show_printer_rows()

    @staticmethod
    def _select(combo: QComboBox, value: object) -> None:
        index = combo.findData(value)
        combo.setCurrentIndex(max(0, index))

    def _show_printer_rows(self) -> None:
        kind = self.printerKindCombo.currentData()
        form = self.printerForm
        escpos = kind in ESCPOS_KINDS
        form.setRowVisible(1, kind == "network")
        form.setRowVisible(2, kind == "usb")
        form.setRowVisible(3, kind == "serial")
        form.setRowVisible(4, kind == "serial")
        form.setRowVisible(5, kind in ("file", "pdf"))
        form.setRowVisible(6, kind != "none")
        form.setRowVisible(7, escpos)
        form.setRowVisible(8, kind != "none")
        form.setRowVisible(9, kind != "none")
        self.pathLabel.setText("PDF &folder" if kind == "pdf" else "Device &path")
        self.printerPathEdit.setPlaceholderText(
            "empty: the app's data folder" if kind == "pdf" else "/dev/usb/lp0"
        )

    def may_edit(self) -> bool:
        return self.station.may(Permission.EDIT_SETTINGS)

    def _apply_role(self) -> None:
        editable = self.may_edit()
        self.form.setEnabled(editable)
        self.saveButton.setEnabled(editable)
        self.revertButton.setEnabled(editable)
        self.roleNotice.setVisible(not editable)
        who = self.station.staff.name if self.station.staff else "Nobody"
        self.roleNotice.setText(
            f"Only an owner can change the store's settings ({who} is signed in): "
            "they are shown here read only."
        )

    # -- tax rates table --------------------------------------------------------------------
    def _append_rate(self, name: str, percent: str) -> int:
        row = self.taxRatesTable.rowCount()
        self.taxRatesTable.insertRow(row)
        self.taxRatesTable.setItem(row, 0, QTableWidgetItem(name))
        rate = QTableWidgetItem(percent)
        rate.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.taxRatesTable.setItem(row, 1, rate)
        return row

    def add_tax_rate(self) -> None:
        row = self._append_rate("", "0")
        self.taxRatesTable.setCurrentCell(row, 0)
        self.taxRatesTable.setFocus(Qt.FocusReason.OtherFocusReason)
        self.taxRatesTable.editItem(self.taxRatesTable.item(row, 0))

    def remove_tax_rate(self) -> None:
        row = self.taxRatesTable.currentRow()
        if row < 0:
            row = self.taxRatesTable.rowCount() - 1
        if row >= 0:
            self.taxRatesTable.removeRow(row)

    def _tax_rates(self) -> tuple[TaxRate, ...]:
        rates = []
        for row in range(self.taxRatesTable.rowCount()):
            name_item, rate_item = self.taxRatesTable.item(row, 0), self.taxRatesTable.item(row, 1)
            name = " ".join((name_item.text() if name_item else "").split())
            text = rate_item.text() if rate_item else ""
            if not name and not text.strip():
                continue  # an empty row added and left: ignore it
            try:
                ppm = parse_rate(text, "tax rate")
            except InvalidInput as exc:
                raise InvalidInput(f"Row {row + 1} ({name or 'no name'}): {exc}", "tax_rates") from None
            rates.append(TaxRate(name, ppm))
        return tuple(rates)

    # -- reading the form -------------------------------------------------------------------
    def printer_settings(self) -> PrinterSettings:
        kind = self.printerKindCombo.currentData()
        p = PrinterSettings(
            kind=kind,
            host=self.printerHostEdit.text().strip(),
            port=self.printerPortSpin.value(),
            usb_vendor=parse_hex_id(self.usbVendorEdit.text(), "vendor"),
            usb_product=parse_hex_id(self.usbProductEdit.text(), "product"),
            serial_device=self.serialDeviceEdit.text().strip(),
            baudrate=int(self.baudrateCombo.currentData()),
            file_path=self.printerPathEdit.text().strip(),
            width_chars=self.widthSpin.value(),
            kick_drawer=self.kickDrawerCheck.isChecked(),
            print_automatically=self.printAutomaticallyCheck.isChecked(),
        )
        missing = {
            "network": (not p.host, "Type the printer's network address (such as 192.168.1.50)."),
            "usb": (not (p.usb_vendor and p.usb_product), "Type the USB vendor and product ids."),
            "serial": (not p.serial_device, "Type the serial port (such as /dev/ttyUSB0 or COM3)."),
            "file": (not p.file_path, "Type the printer's device path (such as /dev/usb/lp0)."),
        }.get(kind)
        if missing and missing[0]:
            raise InvalidInput(missing[1], "printer")
        return p

    def form_settings(self) -> StoreSettings:
        """The settings as typed; every field's problem at once (as InvalidInput groups)."""
        problems: list[InvalidInput] = []

        def attempt(fn, default):  # noqa: ANN001, ANN202
            try:
                return fn()
            except InvalidInput as exc:
                problems.append(exc)
                return default

        rates = attempt(self._tax_rates, self.loaded.tax_rates)
        limit = attempt(
            lambda: parse_rate(self.discountLimitEdit.text() or "0", "discount limit"),
            self.loaded.discount_limit_ppm,
        )
        printer = attempt(self.printer_settings, self.loaded.printer)
        settings = replace(
            self.loaded,
            store_name=" ".join(self.storeNameEdit.text().split()),
            address=self.addressEdit.toPlainText().strip(),
            tax_number=self.taxNumberEdit.text().strip(),
            receipt_footer=self.footerEdit.toPlainText().strip(),
            currency=self.currencyEdit.text().strip().upper(),
            locale=self.localeCombo.currentText().strip(),
            prices_include_tax=self.pricesIncludeTaxCheck.isChecked(),
            tax_rounding=self.taxRoundingCombo.currentData(),
            cash_rounding_step=int(self.cashRoundingCombo.currentData()),
            discount_limit_ppm=limit,
            tax_rates=rates,
            printer=printer,
        )
        # The store's own rules too (name, currency, locale …), with what could not be read
        # left at its stored value, so every problem shows at once.
        attempt(settings.validated, None)
        if problems:
            raise _Problems(problems)
        return settings

    # -- errors -----------------------------------------------------------------------------
    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear()
            label.setVisible(False)

    def show_error(self, error: InvalidInput) -> None:
        key = ERROR_OF_FIELD.get(error.field or "", "")
        label = self.errors.get(key)
        if label is None:
            self.message.show_error(str(error), beep=False)
            return
        label.setText(f"{label.text()} {error}".strip())
        label.setVisible(True)

    # -- actions ----------------------------------------------------------------------------
    def save(self) -> bool:
        if not self.may_edit():
            self.message.show_error("Only an owner can change the store's settings.", beep=False)
            return False
        self.clear_errors()
        self.message.clear_message()
        till_name = " ".join(self.tillNameEdit.text().split())
        problems: list[InvalidInput] = []
        if not till_name:
            problems.append(InvalidInput("Give this till a name (such as Till 1).", "till"))
        try:
            settings = self.form_settings()
        except _Problems as exc:
            problems += exc.problems
        if problems:
            for problem in problems:
                self.show_error(problem)
            self.message.show_error("Nothing was saved: see the marked fields.", beep=False)
            return False
        try:
            with self.store.unit_of_work() as uow:
                changed = save_settings(uow, self.station.staff, settings)
        except InvalidInput as exc:
            self.show_error(exc)
            self.message.show_error("Nothing was saved: see the marked field.", beep=False)
            return False
        except Exception as exc:  # noqa: BLE001
            self.message.show_error(
                failure_text(exc, went_wrong("the settings were not saved"), log, "saving settings failed"),
                beep=False,
            )
            return False
        self.loaded = settings
        set_store_locale(settings.locale)
        till_note = self._save_till_preferences(till_name)
        names = ", ".join(key.replace("_", " ") for key in changed)
        self.message.show_info(
            (f"Saved: {names}." if changed else "Saved (nothing had changed).") + till_note,
            seconds=8,
        )
        self.saved.emit(settings)
        return True

    def _save_till_preferences(self, till_name: str) -> str:
        set_this_till_prints(self.thisTillPrintsCheck.isChecked())
        if till_name == self.station.till_name:
            return ""
        QSettings().setValue(TILL_NAME_KEY, till_name)
        if self.station.shift is None:
            self.station.till_name = till_name
            self.station.changed.emit()
            return f" This till is now called {till_name}."
        return f" This till will be called {till_name} once its session is closed and it restarts."

    def test_print(self) -> str:
        """Print a test page with the printer settings as typed (saving is not needed)."""
        self.clear_errors()
        try:
            printer = self.printer_settings()
        except InvalidInput as exc:
            self.show_error(exc)
            return "failed"
        settings = replace(self.loaded, printer=printer)
        self.message.show_info("Printing a test page…", seconds=4)
        return self.printer.test_print(settings)


class _Problems(PosError):
    def __init__(self, problems: list[InvalidInput]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def demo(store: Store) -> QWidget:
    """The settings as an owner sees them, with a network printer chosen."""
    from .samples import sample_shift

    shift = sample_shift(store)
    station = Station("Demo till")
    station.sign_in(shift.cashier, shift)
    view = SettingsView(store, station)
    view._select(view.printerKindCombo, "network")
    view.printerHostEdit.setText("192.168.1.50")
    view.resize(1366, 768)
    return view
