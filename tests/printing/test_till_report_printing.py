"""X and Z reports on the receipt printer through python-escpos (Dummy and file printers):
every line of the slip, a bold heading, a cut, no drawer kick; a printer that does not
answer is a PrinterUnavailable sentence."""

from __future__ import annotations

import socket
from dataclasses import replace

import pytest
from escpos.printer import Dummy

from pos_app.domain.settings import PrinterSettings
from pos_app.domain.till import till_report_text
from pos_app.services.printing import (
    PrinterUnavailable,
    print_report_lines,
    print_till_report,
    printer_for,
    report_lines,
)
from tests.domain.test_till import report
from tests.printing.test_receipt_layout import SETTINGS

ESC, GS = b"\x1b", b"\x1d"
CUT = GS + b"V\x00"
DRAWER_KICK = ESC + b"p"
BOLD_ON = ESC + b"E\x01"


def z_report():
    return report(
        status="closed",
        z_no=12,
        closed_by="Olive",
        closed_at=report().opened_at,
        cash_counted=13_700,
        card_counted=2_700,
    )


def test_a_z_report_prints_every_line_of_its_slip_and_cuts():
    dummy = Dummy()
    print_till_report(dummy, z_report(), SETTINGS)
    out = dummy.output
    assert out.startswith(ESC + b"@")  # printer reset first
    lines = report_lines(z_report(), SETTINGS)
    assert lines == till_report_text(z_report(), 42, store_name="Corner Shop")
    for line in lines:
        assert line.strip().encode() in out
    for words in (b"Z REPORT 12", b"Corner Shop", b"Till 1 - session 7", b"137.00", b"-11.00"):
        assert words in out
    assert out.endswith(CUT)
    assert DRAWER_KICK not in out  # nobody is owed change


def test_the_heading_is_bold_and_the_figures_are_not():
    dummy = Dummy()
    print_till_report(dummy, z_report(), SETTINGS)
    out = dummy.output
    assert out.rfind(BOLD_ON, 0, out.index(b"Z REPORT 12")) >= 0
    bold_off = ESC + b"E\x00"
    assert out.rfind(bold_off, 0, out.index(b"Opening float")) > out.rfind(
        BOLD_ON, 0, out.index(b"Opening float")
    )


def test_an_x_report_and_the_printer_width():
    narrow = replace(SETTINGS, printer=PrinterSettings(kind="file", width_chars=32))
    dummy = Dummy()
    print_till_report(dummy, report(), narrow)
    out = dummy.output
    assert b"X REPORT" in out and b"Printed" in out and b"Counted" not in out
    assert b"-" * 32 + b"\n" in out and b"-" * 33 not in out
    assert out.endswith(CUT)


def test_the_lines_given_are_the_lines_printed():
    dummy = Dummy()
    print_report_lines(dummy, ["HEADING", "-" * 10, "one", "two"])
    assert all(line + b"\n" in dummy.output for line in (b"HEADING", b"-" * 10, b"one", b"two"))
    assert dummy.output.endswith(CUT)


def test_a_file_printer_gets_the_same_bytes(tmp_path):
    target = tmp_path / "lp0"
    settings = replace(SETTINGS, printer=PrinterSettings(kind="file", file_path=str(target)))
    print_till_report(printer_for(settings.printer), z_report(), settings)
    data = target.read_bytes()
    assert b"Z REPORT 12" in data and data.endswith(CUT)


def test_a_printer_that_does_not_answer_is_a_sentence():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = replace(
        SETTINGS, printer=PrinterSettings(kind="network", host="127.0.0.1", port=port)
    )
    with pytest.raises(PrinterUnavailable) as refused:
        print_till_report(printer_for(settings.printer), z_report(), settings)
    message = str(refused.value)
    assert message.startswith("Printing the report failed")
    assert f"127.0.0.1:{port}" in message and "Traceback" not in message
