"""ESC/POS bytes through python-escpos's Dummy printer, and printer failures as PosErrors."""

from __future__ import annotations

import socket
from dataclasses import replace

import pytest
from escpos.printer import Dummy

from pos_app.domain.settings import PrinterSettings, StoreSettings
from pos_app.services import printing
from pos_app.services.printing import PrinterUnavailable, open_drawer, print_receipt, printer_for
from tests.printing.test_receipt_layout import SETTINGS, receipt

ESC, GS = b"\x1b", b"\x1d"
DRAWER_KICK = ESC + b"p"  # ESC p m t1 t2
CUT = GS + b"V"


def printed(**options) -> bytes:
    dummy = Dummy()
    print_receipt(dummy, receipt(), SETTINGS, **options)
    return dummy.output


def test_receipt_bytes_hold_number_totals_and_end_with_a_cut():
    out = printed()
    assert out.startswith(ESC + b"@")  # printer reset first
    assert b"Receipt 17" in out
    for figure in (b"140.25", b"152.66", b"97.34", b"Corner Shop", b"Cashier: Olive"):
        assert figure in out
    assert out.endswith(CUT + b"\x00")  # GS V 0: full cut, last
    assert DRAWER_KICK not in out


def test_drawer_kick_sent_only_when_asked():
    out = printed(kick_drawer=True)
    assert DRAWER_KICK + b"\x00" in out  # pin 2
    assert out.index(DRAWER_KICK) < out.index(b"Receipt 17")  # drawer opens while printing


def test_total_is_bold_and_store_name_large():
    out = printed()
    bold_on = ESC + b"E\x01"
    assert out.index(bold_on) < out.index(b"Corner Shop")
    total_at = out.index(b"TOTAL")
    assert out.rfind(bold_on, 0, total_at) > out.index(b"Subtotal")


def test_open_drawer_sends_just_the_kick():
    dummy = Dummy()
    open_drawer(dummy)
    assert dummy.output == DRAWER_KICK + b"\x00\x32\x32"


def test_width_from_the_settings():
    narrow = replace(SETTINGS, printer=PrinterSettings(kind="file", width_chars=32))
    dummy = Dummy()
    print_receipt(dummy, receipt(), narrow)
    text_rows = [r for r in dummy.output.split(b"\n") if b"-----" in r]
    assert text_rows and all(r.strip(b"-").strip() == b"" or len(r) <= 40 for r in text_rows)
    assert b"-" * 32 + b"\n" in dummy.output and b"-" * 33 not in dummy.output


def test_file_printer_writes_the_same_bytes(tmp_path):
    target = tmp_path / "lp0"
    settings = replace(SETTINGS, printer=PrinterSettings(kind="file", file_path=str(target)))
    print_receipt(printer_for(settings.printer), receipt(), settings, kick_drawer=True)
    data = target.read_bytes()
    assert b"152.66" in data and DRAWER_KICK in data and CUT in data


def test_a_printer_that_does_not_answer_is_a_clear_pos_error():
    # A port nobody listens on, on this machine: the connection is refused at once.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = replace(SETTINGS, printer=PrinterSettings(kind="network", host="127.0.0.1", port=port))
    with pytest.raises(PrinterUnavailable) as refused:
        print_receipt(printer_for(settings.printer), receipt(), settings)
    message = str(refused.value)
    assert f"127.0.0.1:{port}" in message and "does not answer" in message
    assert "Traceback" not in message


def test_a_file_printer_in_a_missing_folder_is_a_clear_pos_error(tmp_path):
    settings = replace(
        SETTINGS, printer=PrinterSettings(kind="file", file_path=str(tmp_path / "nope" / "lp0"))
    )
    with pytest.raises(PrinterUnavailable, match="does not answer"):
        open_drawer(printer_for(settings.printer), settings)


@pytest.mark.parametrize(
    ("printer", "words"),
    [
        (PrinterSettings(kind="network", host=" "), "network address"),
        (PrinterSettings(kind="usb"), "vendor and product"),
        (PrinterSettings(kind="serial"), "serial port"),
        (PrinterSettings(kind="file"), "device or file path"),
        (PrinterSettings(kind="system"), "No ESC/POS receipt printer"),
        (PrinterSettings(kind="none"), "No ESC/POS receipt printer"),
    ],
)
def test_incomplete_settings_are_refused_before_anything_is_sent(printer, words):
    with pytest.raises(PrinterUnavailable, match=words):
        printer_for(printer)


def test_each_kind_builds_its_escpos_class_without_connecting():
    from escpos.printer import File, Network, Serial, Usb

    assert isinstance(printer_for(PrinterSettings(kind="network", host="10.0.0.9")), Network)
    assert isinstance(printer_for(PrinterSettings(kind="file", file_path="/dev/null")), File)
    assert isinstance(printer_for(PrinterSettings(kind="serial", serial_device="/dev/ttyS0")), Serial)
    assert isinstance(printer_for(PrinterSettings(kind="usb", usb_vendor=0x04B8, usb_product=0x0202)), Usb)


def test_test_page_is_not_a_sale_and_has_no_drawer_kick():
    dummy = Dummy()
    printing.print_test_page(dummy, StoreSettings())
    assert b"Test print" in dummy.output and CUT in dummy.output
    assert DRAWER_KICK not in dummy.output
