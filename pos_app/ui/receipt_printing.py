"""Printing receipts and X/Z till reports: the system printer (QPrinter), PDF files, and
ESC/POS thermal printers (services/printing.py) with their cash drawer.

Which way a receipt goes is the store's setting (``printer.kind``) and this till's own
preference (QSettings ``printing/use_store_printer``: a till with no printer next to it
prints through the system dialog instead). ESC/POS jobs run off the UI thread: a network
printer that is switched off takes seconds to time out, and the next customer must not
wait for it. A print is always *after* the sale committed; a failure is an inline warning
("the sale is recorded; print it again with Print"), never a lost or blocked sale.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path

from PySide6.QtCore import QMarginsF, QObject, QSettings, QSizeF, Signal
from PySide6.QtGui import (
    QFontDatabase,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QDialog, QWidget

from ..domain.errors import PosError
from ..domain.receipt import Receipt
from ..domain.receipt_layout import receipt_html
from ..domain.settings import StoreSettings
from ..domain.tender import TenderKind
from ..domain.till import TillReport
from ..services import printing
from ..services.printing import PrinterUnavailable
from ..services.store import Store
from .background import Background
from .feedback import failure_text, went_wrong
from .money import format_money, store_locale

log = logging.getLogger(__name__)

USE_STORE_PRINTER_KEY = "printing/use_store_printer"
PDF_RESOLUTION = 300
PDF_MARGIN_MM = 4.0


# -- per-till preference --------------------------------------------------------------------
def this_till_prints() -> bool:
    """Whether this till prints on the store's receipt printer (QSettings, default yes)."""
    value = QSettings().value(USE_STORE_PRINTER_KEY, True)
    return value not in (False, "false", "0", 0)


def set_this_till_prints(value: bool) -> None:
    QSettings().setValue(USE_STORE_PRINTER_KEY, bool(value))


def is_cash_sale(receipt: Receipt) -> bool:
    return any(p.kind == TenderKind.CASH and p.given > 0 for p in receipt.payments)


# -- QTextDocument, QPrinter and PDF ------------------------------------------------------
def receipt_document(
    receipt: Receipt, settings: StoreSettings, *, reprint: bool = False
) -> QTextDocument:
    """The receipt as a rich-text document (what QPrinter and the PDF writer paint)."""
    document = QTextDocument()
    document.setHtml(
        receipt_html(
            receipt, settings, money=partial(format_money, locale=store_locale()), reprint=reprint
        )
    )
    return document


def paper_width_mm(settings: StoreSettings) -> float:
    """80 mm rolls for the usual 42-48 characters, 58 mm ones for narrow printers."""
    return 80.0 if settings.printer.width_chars >= 40 else 58.0


def save_pdf(
    receipt: Receipt, settings: StoreSettings, path: str | Path, *, reprint: bool = False
) -> Path:
    """Write the receipt to ``path`` as a one-page PDF the width of a receipt roll, as long
    as the receipt is. Raises PrinterUnavailable when the file cannot be written."""
    return save_document_pdf(
        receipt_document(receipt, settings, reprint=reprint),
        paper_width_mm(settings),
        path,
        title=f"Receipt {receipt.receipt_no}",
    )


def save_document_pdf(
    document: QTextDocument, width_mm: float, path: str | Path, *, title: str
) -> Path:
    """Write ``document`` to ``path`` as one page ``width_mm`` wide and as long as the
    document (a receipt or a till report on a roll). Raises PrinterUnavailable when the
    file cannot be written."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PrinterUnavailable(
            f"The folder {path.parent} cannot be made ({exc.strerror})."
        ) from exc
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_RESOLUTION)
    writer.setTitle(title)
    writer.setCreator("pos-app")
    document.setDocumentMargin(0)
    document.documentLayout().setPaintDevice(writer)  # lay out in the PDF's own pixels
    document.setTextWidth((width_mm - 2 * PDF_MARGIN_MM) / 25.4 * PDF_RESOLUTION)
    height_mm = document.size().height() / PDF_RESOLUTION * 25.4 + 2 * PDF_MARGIN_MM + 1
    writer.setPageSize(QPageSize(QSizeF(width_mm, height_mm), QPageSize.Unit.Millimeter, "Receipt"))
    writer.setPageMargins(
        QMarginsF(PDF_MARGIN_MM, PDF_MARGIN_MM, PDF_MARGIN_MM, PDF_MARGIN_MM),
        QPageLayout.Unit.Millimeter,
    )
    painter = QPainter()
    if not painter.begin(writer):
        raise PrinterUnavailable(f"The PDF file {path} cannot be written.")
    try:
        document.drawContents(painter)
    finally:
        painter.end()
    if not path.exists() or path.stat().st_size == 0:
        raise PrinterUnavailable(f"The PDF file {path} cannot be written.")
    return path


def pdf_name(receipt: Receipt, *, reprint: bool = False) -> str:
    return f"receipt-{receipt.receipt_no:06d}{'-copy' if reprint else ''}.pdf"


def receipts_folder(settings: StoreSettings) -> Path:
    """Where the 'pdf' printer kind files receipts: the configured folder, else a
    'receipts' folder in the app's data folder."""
    if settings.printer.file_path.strip():
        return Path(settings.printer.file_path.strip()).expanduser()
    from ..config import data_dir

    return Path(data_dir()) / "receipts"


def system_printer(
    parent: QWidget | None = None, *, ask: bool = False, title: str = "Print receipt"
) -> QPrinter | None:
    """The computer's default printer, or the one chosen in the print dialog (None when
    the dialog was cancelled). Raises PrinterUnavailable when there is none to use."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if ask:
        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle(title)
        return printer if dialog.exec() == QDialog.DialogCode.Accepted else None
    default = QPrinterInfo.defaultPrinter()
    if default.isNull():
        raise PrinterUnavailable(
            "This computer has no default printer: set one up, or choose another receipt "
            "printer in Settings."
        )
    printer.setPrinterName(default.printerName())
    return printer


def print_document(
    receipt: Receipt,
    settings: StoreSettings,
    parent: QWidget | None = None,
    *,
    ask: bool = False,
    reprint: bool = False,
) -> bool:
    """Print through QPrinter; False when the print dialog was cancelled."""
    return print_on_system_printer(
        lambda: receipt_document(receipt, settings, reprint=reprint), parent, ask=ask
    )


def print_on_system_printer(
    document: Callable[[], QTextDocument],
    parent: QWidget | None = None,
    *,
    ask: bool = False,
    title: str = "Print receipt",
) -> bool:
    """Print ``document()`` through QPrinter (built only once a printer is there); False
    when the print dialog was cancelled."""
    printer = system_printer(parent, ask=ask, title=title)
    if printer is None:
        return False
    document().print_(printer)
    return True


# -- till reports (X and Z) ----------------------------------------------------------------
def report_document(lines: list[str], settings: StoreSettings) -> QTextDocument:
    """A till report's slip text as a document: a fixed-width font small enough for a line
    of the printer's width to fit the roll, so the columns line up as on the thermal slip."""
    document = QTextDocument()
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    text_mm = paper_width_mm(settings) - 2 * PDF_MARGIN_MM
    longest = max([settings.printer.width_chars, *map(len, lines)])
    # A fixed-width character is about 0.6 em wide; leave a little room for the rest.
    points = text_mm / 25.4 * 72 / (longest * 0.62)
    font.setPointSizeF(max(4.0, min(10.0, points)))
    document.setDefaultFont(font)
    document.setPlainText("\n".join(lines))
    return document


def report_pdf_name(report: TillReport) -> str:
    """Z reports by number (a reprint overwrites the same figures); X reports by session
    and the minute they were printed."""
    if report.z_no is not None:
        return f"z-report-{report.z_no:06d}.pdf"
    return f"x-report-session-{report.session_id}-{datetime.now():%Y%m%d-%H%M%S}.pdf"


# -- one object a screen talks to ------------------------------------------------------------
class ReceiptPrinter(QObject):
    """Sends receipts where the settings say; answers through ``done`` (what happened) and
    ``failed`` (a warning to show inline). ESC/POS work runs on the thread pool."""

    done = Signal(str)
    failed = Signal(str)

    def __init__(self, store: Store, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.background = Background(self)
        self._jobs = itertools.count(1)
        # What builds the ESC/POS printer; tests put escpos.printer.Dummy here.
        self.printer_factory: Callable = printing.printer_for

    def settings(self) -> StoreSettings:
        try:
            return self.store.settings()
        except Exception:  # noqa: BLE001 - printing must not depend on reading settings
            log.warning("reading the settings for printing failed", exc_info=True)
            return StoreSettings()

    def _parent_widget(self) -> QWidget | None:
        parent = self.parent()
        return parent if isinstance(parent, QWidget) else None

    def print_receipt(
        self,
        receipt: Receipt,
        *,
        automatic: bool = False,
        reprint: bool = False,
        kick_drawer: bool | None = None,
    ) -> str:
        """Print ``receipt`` the store's way. ``automatic`` (right after a sale) prints only
        when the settings ask for it. Returns how it went: 'skipped', 'sent' (ESC/POS,
        answer comes later), 'kicked' (drawer only), 'printed', 'saved', 'cancelled' or
        'failed'."""
        settings = self.settings()
        uses_store_printer = this_till_prints()
        kind = settings.printer.kind if uses_store_printer else "none"
        if kick_drawer is None:
            kick_drawer = automatic and settings.printer.kick_drawer and is_cash_sale(receipt)
        if automatic and (not settings.printer.print_automatically or kind == "none"):
            # No receipt wanted, but the cashier still needs the drawer for the change.
            if kick_drawer and uses_store_printer and printing.is_escpos(settings.printer):
                self.kick_drawer(settings)
                return "kicked"
            return "skipped"
        label = f"Receipt {receipt.receipt_no}"
        try:
            if printing.is_escpos(settings.printer) and kind != "none":
                self._send_escpos(receipt, settings, kick_drawer=kick_drawer, reprint=reprint)
                return "sent"
            if kind == "pdf":
                path = save_pdf(
                    receipt,
                    settings,
                    receipts_folder(settings) / pdf_name(receipt, reprint=reprint),
                    reprint=reprint,
                )
                self.done.emit(f"{label} saved as {path}.")
                return "saved"
            # 'system', or no receipt printer for this till: the system printer (with its
            # dialog when nothing is set up, so the cashier picks one).
            if not print_document(
                receipt, settings, self._parent_widget(), ask=kind == "none", reprint=reprint
            ):
                return "cancelled"
            self.done.emit(f"{label} sent to the printer.")
            return "printed"
        except Exception as exc:  # noqa: BLE001 - a print never breaks the till
            self.failed.emit(self._failure(label, exc))
            return "failed"

    def print_report(self, report: TillReport, *, automatic: bool = False) -> str:
        """Print an X or Z report the way receipts go (same store setting, same per-till
        preference). ``automatic`` (the Z right after closing) prints only when this till
        has a receipt printer set up: not through a dialog nobody asked for. Returns as
        ``print_receipt`` does; a failure says so through ``failed`` with the report kept."""
        settings = self.settings()
        kind = settings.printer.kind if this_till_prints() else "none"
        if automatic and kind == "none":
            return "skipped"
        label = report.title
        money = partial(format_money, locale=store_locale())
        try:
            lines = printing.report_lines(report, settings, money=money)
            if printing.is_escpos(settings.printer) and kind != "none":
                printer = self.printer_factory(settings.printer)  # refuses bad settings at once
                self.background.submit(
                    lambda: (
                        printing.print_report_lines(printer, lines, settings) or f"{label} printed."
                    ),
                    self.done.emit,
                    lambda exc: self.failed.emit(self._report_failure(exc)),
                    key=f"report-{next(self._jobs)}",
                )
                return "sent"
            if kind == "pdf":
                path = save_document_pdf(
                    report_document(lines, settings),
                    paper_width_mm(settings),
                    receipts_folder(settings) / report_pdf_name(report),
                    title=label,
                )
                self.done.emit(f"{label} saved as {path}.")
                return "saved"
            if not print_on_system_printer(
                lambda: report_document(lines, settings),
                self._parent_widget(),
                ask=kind == "none",
                title=f"Print {label}",
            ):
                return "cancelled"
            self.done.emit(f"{label} sent to the printer.")
            return "printed"
        except Exception as exc:  # noqa: BLE001 - a print never undoes or blocks the till
            self.failed.emit(self._report_failure(exc))
            return "failed"

    @staticmethod
    def _report_failure(exc: BaseException) -> str:
        """The inline sentence for a report that did not print: why, and that nothing is lost
        (a bug's traceback goes to the log, not on screen)."""
        if isinstance(exc, PosError):
            reason = str(exc).strip().rstrip(".")
        else:
            log.error("printing a till report failed", exc_info=exc)
            reason = "something went wrong on the way to the printer"
        return f"Not printed: {reason}. The report is kept: print it again from the Till screen."

    def _send_escpos(
        self, receipt: Receipt, settings: StoreSettings, *, kick_drawer: bool, reprint: bool
    ) -> None:
        printer = self.printer_factory(settings.printer)  # refuses incomplete settings at once
        money = partial(format_money, locale=store_locale())
        label = f"Receipt {receipt.receipt_no}"

        def work() -> str:
            printing.print_receipt(
                printer, receipt, settings, kick_drawer=kick_drawer, money=money, reprint=reprint
            )
            return f"{label} printed."

        self.background.submit(
            work,
            self.done.emit,
            lambda exc: self.failed.emit(self._failure(label, exc)),
            key=f"print-{next(self._jobs)}",
        )

    def kick_drawer(self, settings: StoreSettings | None = None) -> bool:
        """Open the drawer on the store's ESC/POS printer (off the UI thread). Whether the
        person may, and the audit row, is the caller's business (services/drawer.py)."""
        settings = settings or self.settings()
        try:
            if not printing.is_escpos(settings.printer):
                raise PrinterUnavailable(
                    "The cash drawer opens through an ESC/POS receipt printer, and none is "
                    "set up (Settings, Receipt printer)."
                )
            printer = self.printer_factory(settings.printer)
        except Exception as exc:  # noqa: BLE001
            self.failed.emit(self._failure("The drawer", exc, drawer=True))
            return False
        self.background.submit(
            lambda: printing.open_drawer(printer, settings) or "The drawer is open.",
            self.done.emit,
            lambda exc: self.failed.emit(self._failure("The drawer", exc, drawer=True)),
            key=f"drawer-{next(self._jobs)}",
        )
        return True

    def test_print(self, settings: StoreSettings) -> str:
        """Settings' "Test print", with the settings as typed (not yet saved)."""
        receipt = printing.test_receipt(settings)
        try:
            if printing.is_escpos(settings.printer):
                printer = self.printer_factory(settings.printer)
                self.background.submit(
                    lambda: printing.print_test_page(printer, settings) or "Test page printed.",
                    self.done.emit,
                    lambda exc: self.failed.emit(self._failure("The test page", exc)),
                    key=f"test-{next(self._jobs)}",
                )
                return "sent"
            if settings.printer.kind == "pdf":
                path = save_pdf(receipt, settings, receipts_folder(settings) / "test-print.pdf")
                self.done.emit(f"Test page saved as {path}.")
                return "saved"
            if settings.printer.kind == "system":
                print_document(receipt, settings, self._parent_widget())
                self.done.emit("Test page sent to the default printer.")
                return "printed"
            raise PrinterUnavailable("Choose a kind of receipt printer first.")
        except Exception as exc:  # noqa: BLE001
            self.failed.emit(self._failure("The test page", exc))
            return "failed"

    def wait(self, msecs: int = 10_000) -> bool:
        return self.background.wait(msecs)

    @staticmethod
    def _failure(label: str, exc: BaseException, *, drawer: bool = False) -> str:
        if drawer:
            then = ""
        elif label.startswith("Receipt"):
            then = f"{label} was not printed; the sale is recorded. Press Print to try again."
        else:
            then = f"{label} was not printed."
        if isinstance(exc, PosError):
            return f"{exc} {then}".strip()
        return failure_text(
            exc, went_wrong(f"{label.lower()} was not printed"), log, "printing failed"
        )
