"""Receipts and X/Z till reports straight to a thermal printer over ESC/POS (python-escpos),
and the cash drawer wired to it.

A receipt is printed *after* its sale committed: whatever the printer does (no paper, cable
out, wrong address), the sale stands. Every failure of the printer or its connection comes
back as ``PrinterUnavailable`` with a sentence a cashier can act on; nothing here touches
the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

from ..domain.errors import PosError
from ..domain.money import format_amount
from ..domain.receipt import Receipt, ReceiptLine
from ..domain.receipt_layout import Row, layout_receipt
from ..domain.settings import PrinterSettings, StoreSettings
from ..domain.tender import Payment, TenderKind
from ..domain.till import TillReport, till_report_text

log = logging.getLogger(__name__)

ESCPOS_KINDS = ("network", "usb", "serial", "file")
NETWORK_TIMEOUT_S = 5.0  # a printer that is switched off must not hold a till for a minute
DRAWER_PIN = 2  # most drawers hang on pin 2 of the printer's drawer port


class PrinterUnavailable(PosError):
    """The receipt printer (or the drawer behind it) could not be reached or refused the
    job; the sale it was for is recorded all the same."""


def describe(printer: PrinterSettings) -> str:
    """How a cashier recognises the printer: "the printer at 192.168.1.50:9100"."""
    if printer.kind == "network":
        return f"the printer at {printer.host or '(no address)'}:{printer.port}"
    if printer.kind == "usb":
        return f"the USB printer {printer.usb_vendor:04x}:{printer.usb_product:04x}"
    if printer.kind == "serial":
        return f"the printer on {printer.serial_device or '(no port)'}"
    if printer.kind == "file":
        return f"the printer at {printer.file_path or '(no path)'}"
    return "the receipt printer"


def is_escpos(printer: PrinterSettings) -> bool:
    return printer.kind in ESCPOS_KINDS


def printer_for(printer: PrinterSettings):  # noqa: ANN201 - an escpos.escpos.Escpos
    """The python-escpos printer these settings describe. Nothing is opened yet: the
    connection is made by the first byte sent (so this never blocks or fails on a missing
    printer; ``print_receipt`` and ``open_drawer`` report that)."""
    try:
        if printer.kind == "network":
            if not printer.host.strip():
                raise PrinterUnavailable("Type the receipt printer's network address in Settings.")
            from escpos.printer import Network

            return Network(printer.host.strip(), int(printer.port), timeout=NETWORK_TIMEOUT_S)
        if printer.kind == "usb":
            if not printer.usb_vendor or not printer.usb_product:
                raise PrinterUnavailable(
                    "Type the USB printer's vendor and product ids (such as 04b8 and 0202) "
                    "in Settings."
                )
            from escpos.printer import Usb

            return Usb(
                printer.usb_vendor, printer.usb_product, timeout=int(NETWORK_TIMEOUT_S * 1000)
            )
        if printer.kind == "serial":
            if not printer.serial_device.strip():
                raise PrinterUnavailable("Choose the receipt printer's serial port in Settings.")
            from escpos.printer import Serial

            return Serial(printer.serial_device.strip(), baudrate=int(printer.baudrate))
        if printer.kind == "file":
            if not printer.file_path.strip():
                raise PrinterUnavailable(
                    "Type the receipt printer's device or file path in Settings."
                )
            from escpos.printer import File

            return File(printer.file_path.strip())
    except PrinterUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001 - a missing driver library, for one
        log.warning("cannot set up %s", describe(printer), exc_info=True)
        raise PrinterUnavailable(
            f"{describe(printer).capitalize()} cannot be used on this computer ({exc})."
        ) from exc
    raise PrinterUnavailable(
        "No ESC/POS receipt printer is set up: choose network, USB, serial or file in Settings."
    )


@contextmanager
def _talking_to(printer, what: str, where: str) -> Iterator[None]:  # noqa: ANN001
    """Any failure of the device or its connection becomes PrinterUnavailable; the
    connection is closed either way."""
    try:
        yield
    except PosError:
        raise
    except Exception as exc:  # noqa: BLE001 - escpos, socket, usb and serial errors alike
        log.warning("%s failed on %s", what, where, exc_info=True)
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise PrinterUnavailable(
            f"{what.capitalize()} failed: {where} does not answer ({reason}). "
            "Check that it is on, has paper and is connected."
        ) from exc
    finally:
        try:
            printer.close()
        except Exception:  # noqa: BLE001 - closing a dead connection may fail too
            log.debug("closing the printer failed", exc_info=True)


def _where(printer, settings: StoreSettings | None) -> str:  # noqa: ANN001
    if settings is not None and is_escpos(settings.printer):
        return describe(settings.printer)
    return "the receipt printer"


def write_rows(printer, rows: list[Row]) -> None:  # noqa: ANN001
    """Send laid-out rows: the store name large and centred, totals in bold."""
    for row in rows:
        if row.style == "title":
            printer.set(align="center", bold=True, double_height=True)
            printer.textln(row.text.strip())
            printer.set(align="left", bold=False, normal_textsize=True)
        elif row.style == "strong":
            printer.set(bold=True)
            printer.textln(row.text)
            printer.set(bold=False)
        else:
            printer.textln(row.text)


def print_receipt(
    printer,  # noqa: ANN001 - an escpos printer (printer_for, or escpos.printer.Dummy in tests)
    receipt: Receipt,
    settings: StoreSettings,
    *,
    kick_drawer: bool = False,
    money: Callable[[int], str] = format_amount,
    reprint: bool = False,
) -> None:
    """Print one receipt and cut the paper; open the drawer first when asked (a cash sale),
    so the cashier can give change while the receipt prints."""
    rows = layout_receipt(
        receipt, settings, width=settings.printer.width_chars, money=money, reprint=reprint
    )
    with _talking_to(printer, "printing the receipt", _where(printer, settings)):
        printer.hw("INIT")
        if kick_drawer:
            printer.cashdraw(DRAWER_PIN)
        write_rows(printer, rows)
        printer.cut()


def report_lines(
    report: TillReport, settings: StoreSettings, *, money: Callable[[int], str] = format_amount
) -> list[str]:
    """The slip text of an X or Z report as the receipt printer prints it: the printer's
    width, the store's name on top."""
    return till_report_text(
        report, settings.printer.width_chars, store_name=settings.store_name, money=money
    )


def print_report_lines(
    printer,  # noqa: ANN001 - an escpos printer (printer_for, or escpos.printer.Dummy in tests)
    lines: list[str],
    settings: StoreSettings | None = None,
) -> None:
    """Print a till report's slip text and cut. The heading (everything above the first
    rule: store name, "Z REPORT 7", till and session) is bold; no drawer kick, since
    nobody is owed change."""
    first_rule = next(
        (i for i, line in enumerate(lines) if line and set(line) == {"-"}), len(lines)
    )
    rows = [Row(line, "strong" if i < first_rule else "text") for i, line in enumerate(lines)]
    with _talking_to(printer, "printing the report", _where(printer, settings)):
        printer.hw("INIT")
        write_rows(printer, rows)
        printer.cut()


def print_till_report(
    printer,  # noqa: ANN001
    report: TillReport,
    settings: StoreSettings,
    *,
    money: Callable[[int], str] = format_amount,
) -> None:
    """Print an X or Z report (``report_lines``) on the receipt printer and cut. The report
    is stored already; a printer failure is a ``PrinterUnavailable`` and nothing else."""
    print_report_lines(printer, report_lines(report, settings, money=money), settings)


def open_drawer(printer, settings: StoreSettings | None = None) -> None:  # noqa: ANN001
    """Kick the cash drawer wired to the printer (ESC p). Who may do this without a sale,
    and the audit row, is ``services.drawer``'s business."""
    with _talking_to(printer, "opening the drawer", _where(printer, settings)):
        printer.cashdraw(DRAWER_PIN)


def test_receipt(settings: StoreSettings) -> Receipt:
    """A receipt that is not a sale, for the Settings screen's "Test print"."""
    return Receipt(
        order_id=0,
        receipt_no=0,
        completed_at=datetime.now(timezone.utc),
        lines=(ReceiptLine("Test print — not a sale", "TEST", 1, 0, 0, 0, 0),),
        subtotal=0,
        tax=0,
        total=0,
        payments=(Payment(TenderKind.CASH, 0, 0, 0),),
        cashier="",
        till_name=f"{settings.printer.width_chars} characters wide",
    )


test_receipt.__test__ = False  # type: ignore[attr-defined] - not a pytest test


def print_test_page(printer, settings: StoreSettings) -> None:  # noqa: ANN001
    """What "Test print" sends: a receipt marked as a test, and a cut (no drawer kick)."""
    print_receipt(printer, test_receipt(settings), settings)
