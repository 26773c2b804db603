"""X and Z reports printed from the Till screen, on SQLite and PostgreSQL: the Z comes out by
itself on closing when this till has a receipt printer (python-escpos's Dummy, or a file
printer), Print report (Ctrl+P) prints whatever report is on show, a past one too; a printer
that fails says so in place and changes nothing else."""

from __future__ import annotations

import socket
from dataclasses import replace

import pytest
from escpos.printer import Dummy
from PySide6.QtCore import QSettings, Qt

from pos_app.domain.settings import PrinterSettings, StoreSettings
from pos_app.domain.tender import TenderKind
from pos_app.services.settings import save_settings
from pos_app.services.till import close_till
from pos_app.ui.money import set_store_locale
from pos_app.ui.receipt_printing import set_this_till_prints
from pos_app.ui.station import Station
from pos_app.ui.till_view import TillView
from tests.factories import assert_clean, open_shift, snapshot, staff
from tests.printing.test_receipt_layout import SETTINGS
from tests.ui.test_till_view import active_dialog, open_with_float, shortcut

ENTER = Qt.Key.Key_Return
CTRL = Qt.KeyboardModifier.ControlModifier
CUT = b"\x1dV\x00"
KEPT = "The report is kept: print it again from the Till screen."


@pytest.fixture(autouse=True)
def _private_qsettings(tmp_path, qapp):
    """Per-till preferences go to a folder of this test, never the tester's own."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qs"))
    yield
    set_store_locale(None)


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
    with qtbot.waitActive(view):
        view.activateWindow()
    view.activated()
    return view


def use_printer(new_uow, owner, **printer) -> StoreSettings:  # noqa: ANN001, ANN003
    settings = replace(SETTINGS, printer=PrinterSettings(**printer))
    with new_uow() as uow:
        save_settings(uow, owner, settings)
    return settings


def dummy_printer(view: TillView) -> Dummy:
    dummy = Dummy()
    view.printer.printer_factory = lambda _settings: dummy
    return dummy


def close_by_keys(qtbot, view: TillView, cash: str, card: str = "0") -> None:  # noqa: ANN001
    shortcut(qtbot, view, Qt.Key.Key_E, CTRL)
    dialog = active_dialog(qtbot, view)
    qtbot.keyClicks(dialog.countedFields[TenderKind.CASH], cash)
    qtbot.keyClick(dialog.countedFields[TenderKind.CASH], ENTER)
    qtbot.keyClicks(dialog.countedFields[TenderKind.CARD], card)
    qtbot.keyClick(dialog.countedFields[TenderKind.CARD], ENTER)
    qtbot.waitUntil(lambda: view.dialog is None)


def closed_port() -> int:
    """A port on this machine nobody listens on: a connection is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_closing_the_till_prints_the_z_report_once(qtbot, db, new_uow, owner, till):
    use_printer(new_uow, owner, kind="network", host="192.0.2.10")
    dummy = dummy_printer(till)
    open_with_float(qtbot, till, "100")
    with qtbot.waitSignal(till.printer.done, timeout=10_000) as done:
        close_by_keys(qtbot, till, "99.50")
    assert done.args == ["Z report 1 printed."]
    out = dummy.output
    assert out.count(CUT) == 1 and out.endswith(CUT)
    for words in (b"Corner Shop", b"Z REPORT 1", b"Till 1 - session 1", b"99.50", b"-0.50"):
        assert words in out
    assert till.reportPanel.printMessage.text() == "Z report 1 printed."
    assert "Z report 1" in till.message.text()  # the closing's own message stays
    assert_clean(db)


def test_a_file_printer_gets_the_z_report_on_closing(qtbot, db, new_uow, owner, till, tmp_path):
    target = tmp_path / "lp0"
    use_printer(new_uow, owner, kind="file", file_path=str(target))
    open_with_float(qtbot, till, "20")
    with qtbot.waitSignal(till.printer.done, timeout=10_000):
        close_by_keys(qtbot, till, "20")
    data = target.read_bytes()
    assert b"Z REPORT 1" in data and data.endswith(CUT)


@pytest.mark.parametrize("reason", ["no printer", "this till prints elsewhere"])
def test_without_a_receipt_printer_closing_prints_nothing(qtbot, db, new_uow, owner, till, reason):
    if reason == "no printer":
        use_printer(new_uow, owner, kind="none")
    else:
        use_printer(new_uow, owner, kind="network", host="192.0.2.10")
        set_this_till_prints(False)
    dummy = dummy_printer(till)
    open_with_float(qtbot, till, "20")
    close_by_keys(qtbot, till, "20")
    assert till.reportPanel.report.z_no == 1
    qtbot.wait(50)
    assert dummy.output == b""  # and no print dialog nobody asked for
    assert till.reportPanel.printMessage.isHidden()


def test_print_report_prints_a_past_z_and_the_current_x(qtbot, db, new_uow, owner, till):
    use_printer(new_uow, owner, kind="network", host="192.0.2.10")
    first = open_shift(new_uow, cashier=owner, opening_float=1_000)
    with new_uow() as uow:
        close_till(uow, owner, first.session_id, {TenderKind.CASH: 1_100, TenderKind.CARD: 0})
    till.activated()
    open_with_float(qtbot, till, "30")
    dummy = dummy_printer(till)

    till.sessionsTable.setFocus()
    qtbot.keyClick(till.sessionsTable, Qt.Key.Key_Down)  # the closed session, a day ago
    assert till.reportPanel.titleLabel.text() == "Z report 1 — Till 1"
    before = snapshot(db)
    with qtbot.waitSignal(till.printer.done, timeout=10_000) as done:
        shortcut(qtbot, till, Qt.Key.Key_P, CTRL)
    assert done.args == ["Z report 1 printed."]
    assert b"Z REPORT 1" in dummy.output and b"+1.00" in dummy.output
    assert b"X REPORT" not in dummy.output
    assert till.sessionsTable.hasFocus()  # keys stay on the list

    shortcut(qtbot, till, Qt.Key.Key_F5)  # back to the open session's X report
    dummy.clear()
    with qtbot.waitSignal(till.printer.done, timeout=10_000) as done:
        qtbot.mouseClick(till.reportPanel.printButton, Qt.MouseButton.LeftButton)
    assert done.args == ["X report printed."]
    assert b"X REPORT" in dummy.output and b"30.00" in dummy.output
    assert dummy.output.endswith(CUT)
    assert snapshot(db) == before  # printing stores nothing


def test_a_failing_printer_says_so_in_place_and_nothing_else_changes(
    qtbot, db, new_uow, owner, till
):
    port = closed_port()
    use_printer(new_uow, owner, kind="network", host="127.0.0.1", port=port)
    open_with_float(qtbot, till, "10")
    with qtbot.waitSignal(till.printer.failed, timeout=10_000) as failed:
        close_by_keys(qtbot, till, "10")
    warning = failed.args[0]
    assert warning.startswith("Not printed: ") and warning.endswith(KEPT)
    assert f"127.0.0.1:{port} does not answer" in warning and "Traceback" not in warning
    panel = till.reportPanel
    assert panel.printMessage.is_error and panel.printMessage.text() == warning
    # The till is closed and its Z stands, on screen and in the books.
    assert panel.report.z_no == 1 and not till.state.is_open
    assert "closed: Z report 1" in till.message.text() and not till.message.is_error
    assert_clean(db)

    before, shown = snapshot(db), panel.printout.toPlainText()
    with qtbot.waitSignal(till.printer.failed, timeout=10_000) as again:
        shortcut(qtbot, till, Qt.Key.Key_P, CTRL)  # try again: the same words
    assert again.args == [warning]
    assert snapshot(db) == before and panel.printout.toPlainText() == shown
    assert panel.titleLabel.text() == "Z report 1 — Till 1"


def test_settings_that_cannot_print_are_refused_at_once(qtbot, db, new_uow, owner, till):
    use_printer(new_uow, owner, kind="network", host=" ")
    open_with_float(qtbot, till, "10")
    before = snapshot(db)
    assert till.print_report() == "failed"
    message = till.reportPanel.printMessage
    assert message.is_error
    assert (
        message.text()
        == f"Not printed: Type the receipt printer's network address in Settings. {KEPT}"
    )
    assert till.state.is_open and snapshot(db) == before


def test_pdf_kind_files_the_z_report_in_its_folder(qtbot, db, new_uow, owner, till, tmp_path):
    folder = tmp_path / "receipts"
    use_printer(new_uow, owner, kind="pdf", file_path=str(folder))
    open_with_float(qtbot, till, "10")
    close_by_keys(qtbot, till, "10")
    pdf = folder / "z-report-000001.pdf"
    assert pdf.read_bytes()[:4] == b"%PDF"
    assert till.reportPanel.printMessage.text() == f"Z report 1 saved as {pdf}."
