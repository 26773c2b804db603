"""The row of buttons under the last receipt: Print, PDF…, Reprint… and Open drawer.

A print is never part of a sale: it happens after the sale committed, and a printer that
fails says so here, inline ("the sale is recorded; press Print to try again"). Opening the
drawer without a sale needs a manager's approval for a cashier and leaves an audit row
before the drawer is kicked (services/drawer.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import PosError
from ..domain.receipt import Receipt
from ..domain.staff import Permission
from ..services import printing
from ..services.drawer import record_drawer_opening
from ..services.store import Store
from .feedback import InlineMessage, failure_text, went_wrong
from .receipt_printing import ReceiptPrinter, pdf_name, save_pdf
from .station import Station

log = logging.getLogger(__name__)

DRAWER_REASON = "No sale"


def _button(text: str, name: str, tip: str) -> QPushButton:
    """Small, and never the focus: the scan field keeps it."""
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(text.rstrip("…"))
    button.setToolTip(tip)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return button


def ask_pdf_path(parent: QWidget | None, suggested: str) -> str | None:
    """Where to save a receipt as PDF (None when cancelled). Tests replace this."""
    path, _filter = QFileDialog.getSaveFileName(
        parent, "Save receipt as PDF", suggested, "PDF files (*.pdf)"
    )
    return path or None


def ask_receipt_number(parent: QWidget | None) -> int | None:
    """Which receipt to print again (None when cancelled). Tests replace this."""
    number, ok = QInputDialog.getInt(
        parent, "Reprint a receipt", "Receipt number:", 1, 1, 2_000_000_000, 1
    )
    return number if ok else None


class ReceiptActions(QWidget):
    def __init__(
        self,
        store: Store,
        station: Station,
        current: Callable[[], Receipt | None],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("receiptActions")
        self.store = store
        self.station = station
        self.current = current  # the receipt on show (the last sale's)
        self.printer = ReceiptPrinter(store, self)
        self.printer.done.connect(lambda text: self.message.show_info(text, seconds=8))
        self.printer.failed.connect(lambda text: self.message.show_error(text, beep=False))

        self.printButton = _button("Print", "printReceiptButton", "Print the last receipt")
        self.printButton.clicked.connect(self.print_last)
        self.pdfButton = _button("PDF…", "saveReceiptPdfButton", "Save the last receipt as a PDF")
        self.pdfButton.clicked.connect(self.save_last_as_pdf)
        self.reprintButton = _button(
            "Reprint…", "reprintReceiptButton", "Print any earlier receipt again by its number"
        )
        self.reprintButton.clicked.connect(self.reprint)
        self.drawerButton = _button(
            "Open drawer", "openDrawerButton", "Open the cash drawer without a sale (recorded)"
        )
        self.drawerButton.clicked.connect(self.open_drawer)
        self.message = InlineMessage(self, object_name="printMessage")

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for button in (self.printButton, self.pdfButton, self.reprintButton, self.drawerButton):
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(row)
        layout.addWidget(self.message)

    # -- after a sale -----------------------------------------------------------------------
    def after_sale(self, receipt: Receipt) -> str:
        """Right after a sale: print it if the settings say so (and open the drawer on a
        cash sale). Never raises: the sale is done whatever the printer does."""
        self.message.clear_message()
        return self.printer.print_receipt(receipt, automatic=True)

    # -- buttons ----------------------------------------------------------------------------
    def print_last(self) -> str:
        receipt = self.current()
        if receipt is None:
            self.message.show_info("There is no receipt to print yet.", seconds=4)
            return "skipped"
        return self.printer.print_receipt(receipt)

    def save_last_as_pdf(self) -> str | None:
        receipt = self.current()
        if receipt is None:
            self.message.show_info("There is no receipt to save yet.", seconds=4)
            return None
        path = ask_pdf_path(self.window(), pdf_name(receipt))
        if not path:
            return None
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        try:
            saved = save_pdf(receipt, self.printer.settings(), path)
        except Exception as exc:  # noqa: BLE001 - shown inline, the till carries on
            self.message.show_error(
                failure_text(exc, went_wrong("the PDF was not saved"), log, "saving a PDF failed"),
                beep=False,
            )
            return None
        self.message.show_info(f"Receipt {receipt.receipt_no} saved as {saved}.", seconds=8)
        return str(saved)

    def reprint(self) -> str:
        number = ask_receipt_number(self.window())
        if number is None:
            return "cancelled"
        try:
            receipt = self.store.receipt_by_number(number)
        except Exception as exc:  # noqa: BLE001
            self.message.show_error(
                failure_text(exc, went_wrong("nothing was printed"), log, "reading a receipt failed"),
                beep=False,
            )
            return "failed"
        return self.printer.print_receipt(receipt, reprint=True)

    def open_drawer(self) -> bool:
        """"No sale": who may (or the manager who approves) is recorded, then the kick."""
        staff = self.station.staff
        if staff is None:
            self.message.show_error("Sign in first.", beep=False)
            return False
        settings = self.printer.settings()
        if not printing.is_escpos(settings.printer):
            self.message.show_error(
                "The cash drawer opens through an ESC/POS receipt printer, and none is set up "
                "(Settings, Receipt printer).",
                beep=False,
            )
            return False
        approval = None
        if not self.station.may(Permission.OPEN_DRAWER):
            from .approval_dialog import ManagerApproval

            approval = ManagerApproval.ask(
                self.store, Permission.OPEN_DRAWER, "open the drawer without a sale", self.window()
            )
            if approval is None:
                self.message.show_info("The drawer stays closed.", seconds=4)
                return False
        try:
            with self.store.unit_of_work() as uow:
                record_drawer_opening(
                    uow, staff, self.station.till_name, DRAWER_REASON, approval
                )
        except Exception as exc:  # noqa: BLE001
            text = str(exc) if isinstance(exc, PosError) else went_wrong("the drawer stays closed")
            if not isinstance(exc, PosError):
                log.error("recording a drawer opening failed", exc_info=exc)
            self.message.show_error(text, beep=False)
            return False
        return self.printer.kick_drawer(settings)


def demo(store: Store) -> QWidget:
    """The buttons with a sample receipt, as they sit under the last receipt."""
    from .samples import sample_receipt

    station = Station("Demo till")
    receipt = sample_receipt(store)
    widget = ReceiptActions(store, station, lambda: receipt)
    widget.message.show_info("Receipt 17 printed.", seconds=0)
    widget.resize(420, 90)
    return widget
