"""Receipts from the Sell screen: printed after the sale (ESC/POS through python-escpos's
Dummy), saved as PDF, reprinted by number, the drawer opened without a sale; a printer
that fails never breaks the sale (both backends)."""

from __future__ import annotations

import socket
from dataclasses import replace

import pytest
from escpos.printer import Dummy
from PySide6.QtCore import QSettings, Qt

from pos_app.domain.settings import PrinterSettings, StoreSettings
from pos_app.domain.staff import Permission, Role
from pos_app.services.settings import save_settings
from pos_app.ui import receipt_actions
from pos_app.ui.cart_view import CartView
from pos_app.ui.money import set_store_locale
from pos_app.ui.receipt_printing import ReceiptPrinter, save_pdf, set_this_till_prints
from pos_app.ui.station import Station
from tests.factories import staff, stock_of
from tests.printing.test_receipt_layout import SETTINGS, receipt

CHAI, TOFU = "5000001", "5000003"
DRAWER_KICK = b"\x1bp\x00"
CUT = b"\x1dV\x00"


@pytest.fixture(autouse=True)
def _private_qsettings(tmp_path, qapp):
    """Per-till preferences go to a folder of this test, never the tester's own."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qs"))
    yield
    set_store_locale(None)


def use_settings(new_uow, owner, settings: StoreSettings) -> None:
    with new_uow() as uow:
        save_settings(uow, owner, settings)


def escpos_settings(**printer) -> StoreSettings:
    values = {"kind": "network", "host": "192.0.2.10", "print_automatically": True} | printer
    return replace(SETTINGS, printer=PrinterSettings(**values))


@pytest.fixture
def till(qtbot, shop, shift) -> CartView:
    station = Station("Till 1")
    station.sign_in(shift.cashier, shift)
    view = CartView(shop, station)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    with qtbot.waitExposed(view):
        view.show()
    with qtbot.waitActive(view):
        view.activateWindow()
    qtbot.waitUntil(lambda: not view.background.busy())
    qtbot.waitUntil(view.scanField.hasFocus)
    return view


def dummy_printer(view: CartView) -> Dummy:
    dummy = Dummy()
    view.receiptActions.printer.printer_factory = lambda _settings: dummy
    return dummy


def sell(qtbot, view: CartView, *codes: str, card: bool = False):
    for code in codes:
        qtbot.keyClicks(view.scanField, code)
        qtbot.keyClick(view.scanField, Qt.Key.Key_Return)
    qtbot.keyClick(view.scanField, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: view.checkout_dialog is not None)
    dialog = view.checkout_dialog
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(dialog.cashGivenField.hasFocus)
    if card:
        qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_F6)
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    else:
        qtbot.keyClick(dialog.cashGivenField, Qt.Key.Key_Return)  # exact cash
    qtbot.waitUntil(lambda: view.checkout_dialog is None)
    qtbot.waitUntil(view.scanField.hasFocus)
    return view.last_receipt


def test_a_cash_sale_prints_by_itself_and_opens_the_drawer(qtbot, till, new_uow, shift):
    use_settings(new_uow, shift.cashier, escpos_settings())
    dummy = dummy_printer(till)
    with qtbot.waitSignal(till.receiptActions.printer.done, timeout=10_000) as done:
        receipt = sell(qtbot, till, CHAI, TOFU)
    assert done.args == [f"Receipt {receipt.receipt_no} printed."]
    out = dummy.output
    assert f"Receipt {receipt.receipt_no}".encode() in out
    assert receipt_total_text(receipt).encode() in out
    assert b"Corner Shop" in out and b"Cashier: Olive" in out
    assert DRAWER_KICK in out and out.endswith(CUT)
    assert till.receiptActions.message.text() == f"Receipt {receipt.receipt_no} printed."
    assert till.scanField.hasFocus()  # printing never takes the scanner's focus


def receipt_total_text(receipt) -> str:
    from pos_app.ui.money import format_money

    return format_money(receipt.total)


def test_a_card_sale_prints_without_opening_the_drawer(qtbot, till, new_uow, shift):
    use_settings(new_uow, shift.cashier, escpos_settings())
    dummy = dummy_printer(till)
    with qtbot.waitSignal(till.receiptActions.printer.done, timeout=10_000):
        receipt = sell(qtbot, till, TOFU, card=True)
    assert [p.kind.value for p in receipt.payments] == ["card"]
    assert b"Card" in dummy.output and DRAWER_KICK not in dummy.output


def test_without_automatic_printing_a_cash_sale_only_opens_the_drawer(qtbot, till, new_uow, shift):
    use_settings(new_uow, shift.cashier, escpos_settings(print_automatically=False))
    dummy = dummy_printer(till)
    with qtbot.waitSignal(till.receiptActions.printer.done, timeout=10_000):
        sell(qtbot, till, CHAI)
    assert dummy.output == DRAWER_KICK + b"\x32\x32"
    # The Print button prints it (no second kick: the drawer is already open).
    with qtbot.waitSignal(till.receiptActions.printer.done, timeout=10_000):
        qtbot.mouseClick(till.receiptActions.printButton, Qt.MouseButton.LeftButton)
    assert b"Receipt 1" in dummy.output and dummy.output.count(DRAWER_KICK) == 1


def test_a_printer_that_does_not_answer_leaves_the_sale_recorded(qtbot, till, new_uow, shift, db):
    with socket.socket() as probe:  # a port on this machine nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    use_settings(new_uow, shift.cashier, escpos_settings(host="127.0.0.1", port=port))
    with qtbot.waitSignal(till.receiptActions.printer.failed, timeout=10_000) as failed:
        receipt = sell(qtbot, till, CHAI)
    warning = failed.args[0]
    assert f"127.0.0.1:{port} does not answer" in warning
    assert f"Receipt {receipt.receipt_no} was not printed; the sale is recorded" in warning
    assert till.receiptActions.message.is_error
    assert till.receiptActions.message.text() == warning
    # The sale stands: receipt shown, stock gone, books clean, cart empty for the next one.
    assert f"Receipt {receipt.receipt_no}" in till.lastReceiptLabel.text()
    assert stock_of(db, "CHAI") == 11 and till.model.rowCount() == 0
    assert till.store.check().ok
    assert till.store.receipt_by_number(receipt.receipt_no) == receipt


def test_reprint_asks_the_number_and_prints_the_stored_receipt_marked(qtbot, till, new_uow, shift, monkeypatch):
    use_settings(new_uow, shift.cashier, escpos_settings(print_automatically=False, kick_drawer=False))
    first = sell(qtbot, till, CHAI)
    sell(qtbot, till, TOFU)
    dummy = dummy_printer(till)
    monkeypatch.setattr(receipt_actions, "ask_receipt_number", lambda _parent: first.receipt_no)
    with qtbot.waitSignal(till.receiptActions.printer.done, timeout=10_000):
        qtbot.mouseClick(till.receiptActions.reprintButton, Qt.MouseButton.LeftButton)
    assert b"*** REPRINT ***" in dummy.output
    assert f"Receipt {first.receipt_no}".encode() in dummy.output and b"Chai" in dummy.output
    assert b"Tofu" not in dummy.output and DRAWER_KICK not in dummy.output

    monkeypatch.setattr(receipt_actions, "ask_receipt_number", lambda _parent: 999)
    qtbot.mouseClick(till.receiptActions.reprintButton, Qt.MouseButton.LeftButton)
    assert "no receipt number 999" in till.receiptActions.message.text()


def test_pdf_button_saves_the_last_receipt(qtbot, till, new_uow, shift, monkeypatch, tmp_path):
    use_settings(new_uow, shift.cashier, escpos_settings(print_automatically=False, kick_drawer=False))
    receipt = sell(qtbot, till, CHAI)
    target = tmp_path / "out" / "last-receipt"
    monkeypatch.setattr(receipt_actions, "ask_pdf_path", lambda _parent, suggested: str(target))
    qtbot.mouseClick(till.receiptActions.pdfButton, Qt.MouseButton.LeftButton)
    pdf = target.with_suffix(".pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert str(pdf) in till.receiptActions.message.text()
    assert f"Receipt {receipt.receipt_no}" in till.receiptActions.message.text()


def test_pdf_kind_files_every_receipt_in_its_folder(qtbot, till, new_uow, shift, tmp_path):
    folder = tmp_path / "receipts"
    use_settings(new_uow, shift.cashier, escpos_settings(kind="pdf", file_path=str(folder)))
    receipt = sell(qtbot, till, CHAI)
    pdf = folder / f"receipt-{receipt.receipt_no:06d}.pdf"
    assert pdf.read_bytes()[:4] == b"%PDF"
    assert "saved as" in till.receiptActions.message.text()


def test_system_kind_with_no_printer_on_this_computer_says_so(qtbot, till, new_uow, shift):
    use_settings(new_uow, shift.cashier, escpos_settings(kind="system"))
    receipt = sell(qtbot, till, CHAI)
    message = till.receiptActions.message
    if message.is_error:  # the test machine has no default printer
        assert "no default printer" in message.text()
        assert "the sale is recorded" in message.text()
    assert till.store.receipt_by_number(receipt.receipt_no) == receipt


def test_a_till_that_does_not_use_the_store_printer_prints_nothing_by_itself(qtbot, till, new_uow, shift):
    use_settings(new_uow, shift.cashier, escpos_settings())
    set_this_till_prints(False)
    dummy = dummy_printer(till)
    sell(qtbot, till, CHAI)
    till.receiptActions.printer.wait()
    assert dummy.output == b""


def test_owner_opens_the_drawer_and_it_is_audited(qtbot, till, new_uow, shift):
    use_settings(new_uow, shift.cashier, escpos_settings())
    dummy = dummy_printer(till)
    with qtbot.waitSignal(till.receiptActions.printer.done, timeout=10_000):
        qtbot.mouseClick(till.receiptActions.drawerButton, Qt.MouseButton.LeftButton)
    assert dummy.output == DRAWER_KICK + b"\x32\x32"
    row = till.store.audit_rows(limit=1)[0]
    assert (row.action, row.subject, row.staff_name) == ("drawer.open", "Till 1", "Olive")


def test_a_cashier_needs_a_manager_to_open_the_drawer(qtbot, till, new_uow, shift, monkeypatch):
    from tests.ui.approvals import approve_as, refuse_approval

    use_settings(new_uow, shift.cashier, escpos_settings())
    manager = staff(new_uow, "Max", Role.MANAGER, "5678", by=shift.cashier)
    cashier = staff(new_uow, "Cass", Role.CASHIER, "2468", by=shift.cashier)
    till.station.sign_in(cashier, shift)
    dummy = dummy_printer(till)

    calls = refuse_approval(monkeypatch)
    qtbot.mouseClick(till.receiptActions.drawerButton, Qt.MouseButton.LeftButton)
    assert calls == [(Permission.OPEN_DRAWER, "open the drawer without a sale")]
    assert dummy.output == b"" and "stays closed" in till.receiptActions.message.text()
    audit_before = till.store.count_audit()

    approve_as(monkeypatch, manager)
    with qtbot.waitSignal(till.receiptActions.printer.done, timeout=10_000):
        qtbot.mouseClick(till.receiptActions.drawerButton, Qt.MouseButton.LeftButton)
    assert dummy.output.startswith(DRAWER_KICK)
    assert till.store.count_audit() == audit_before + 1
    row = till.store.audit_rows(limit=1)[0]
    assert (row.action, row.subject, row.staff_name, row.approver_name) == (
        "override", "drawer.open", "Cass", "Max",
    )


def test_save_pdf_writes_a_pdf_file(qapp, tmp_path):
    path = save_pdf(receipt(), SETTINGS, tmp_path / "r.pdf", reprint=True)
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 1000


def test_test_print_from_typed_settings_goes_to_the_printer(qtbot, store):
    printer = ReceiptPrinter(store)
    dummy = Dummy()
    printer.printer_factory = lambda _settings: dummy
    with qtbot.waitSignal(printer.done, timeout=10_000):
        assert printer.test_print(escpos_settings()) == "sent"
    assert b"Test print" in dummy.output and dummy.output.endswith(CUT)


class _PrintDialog:
    """Stands in for QPrintDialog: the person picks "Print to file (PDF)" or cancels."""

    answer = None  # set per test
    target = ""

    def __init__(self, printer, _parent=None):  # noqa: ANN001
        self.printer = printer

    def setWindowTitle(self, _title: str) -> None:  # noqa: N802 - Qt's name
        pass

    def exec(self):  # noqa: ANN201
        from PySide6.QtPrintSupport import QPrinter

        self.printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        self.printer.setOutputFileName(self.target)
        return self.answer


def test_print_with_no_receipt_printer_goes_through_the_print_dialog(qapp, store, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QDialog

    from pos_app.ui import receipt_printing

    monkeypatch.setattr(receipt_printing, "QPrintDialog", _PrintDialog)
    printer = ReceiptPrinter(store)
    _PrintDialog.answer, _PrintDialog.target = QDialog.DialogCode.Rejected, str(tmp_path / "no.pdf")
    assert printer.print_receipt(receipt()) == "cancelled"
    assert not (tmp_path / "no.pdf").exists()
    _PrintDialog.answer, _PrintDialog.target = QDialog.DialogCode.Accepted, str(tmp_path / "yes.pdf")
    assert printer.print_receipt(receipt()) == "printed"
    assert (tmp_path / "yes.pdf").read_bytes().startswith(b"%PDF")
    # After a sale nothing is printed when no printer is set up (and no dialog pops up).
    assert printer.print_receipt(receipt(), automatic=True) == "skipped"
