"""Receiving goods from a supplier.

The receiving number is flushed (not committed) when the dialog opens so it can be written
on the delivery note; lines are typed or scanned; Confirm commits stock, cost and the
ledger posting (Dr Inventory / Cr Cash or Accounts payable) in one transaction. Any other
way out rolls everything back.

The person signed in at the till receives (a cashier with a manager's ``approval``, asked
for before the dialog opens): the service refuses anyone else before writing anything.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import InvalidInput, PosError
from ..domain.money import format_amount, parse_quantity
from ..domain.staff import Approval
from ..services.receiving import Receiving
from ..services.store import Store
from .acting import signed_in
from .feedback import InlineMessage, failure_text, went_wrong
from .money import format_money, parse_money
from .receiving_lines import ReceivingLinesModel
from .receiving_terms import ReceivingTerms, line_edit
from .station import Station

__all__ = ["ReceivingDialog", "ReceivingLinesModel", "demo"]

log = logging.getLogger(__name__)

CLOSE_AND_RETRY = "Close this window and try again."


class ReceivingDialog(QDialog):
    def __init__(
        self,
        store: Store,
        station: Station,
        parent: QWidget | None = None,
        *,
        approval: Approval | None = None,
    ):
        # Refused (PermissionDenied) before any widget exists: nothing to clean up.
        receiving = Receiving(
            store.unit_of_work(), None, actor=signed_in(station), approval=approval
        )
        super().__init__(parent)
        self.store = store
        self.station = station
        self.confirmed_id: int | None = None
        self._resolved_code: str | None = None  # code whose cost is filled in
        self.setObjectName("receivingDialog")
        self.setWindowTitle("Receive stock")
        self.setMinimumSize(780, 560)

        self.receivingNumberLabel = QLabel("Receiving no. …")
        self.receivingNumberLabel.setObjectName("receivingNumberLabel")
        self.receivingNumberLabel.setAccessibleName("Receiving number")
        self.receivingNumberLabel.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.4)
        big.setBold(True)
        self.receivingNumberLabel.setFont(big)

        # -- supplier and payment ------------------------------------------------------
        self.terms = ReceivingTerms()
        self.supplierField = self.terms.supplierField
        self.referenceField = self.terms.referenceField
        self.supplierError = self.terms.supplierError
        self.onAccountRadio = self.terms.onAccountRadio
        self.paidInCashRadio = self.terms.paidInCashRadio

        # -- line entry ------------------------------------------------------------------
        self.codeField = line_edit("codeField", "Product code", "scan or type barcode / SKU")
        self.quantityField = line_edit("quantityField", "Quantity", "")
        self.quantityField.setText("1")
        self.quantityField.setMaximumWidth(90)
        self.quantityField.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.unitCostField = line_edit("unitCostField", "Unit cost", "current cost")
        self.unitCostField.setMaximumWidth(130)
        self.unitCostField.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.productNameLabel = QLabel("")
        self.productNameLabel.setObjectName("productNameLabel")
        self.productNameLabel.setAccessibleName("Product found")
        self.addLineButton = self._button("addLineButton", "Add li&ne  Enter", self.add_line)
        self.lineMessage = InlineMessage(self, object_name="lineMessage")
        self.codeField.returnPressed.connect(self.resolve_code)
        self.codeField.textEdited.connect(self._code_edited)
        self.quantityField.returnPressed.connect(self.add_line)
        self.unitCostField.returnPressed.connect(self.add_line)
        self.supplierField.returnPressed.connect(self._supplier_entered)
        self.referenceField.returnPressed.connect(self.codeField.setFocus)

        self.linesModel = ReceivingLinesModel(self)
        self.linesTable = QTableView()
        self.linesTable.setObjectName("linesTable")
        self.linesTable.setAccessibleName("Lines received")
        self.linesTable.setModel(self.linesModel)
        self.linesTable.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.linesTable.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.linesTable.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.linesTable.setTabKeyNavigation(False)
        self.linesTable.verticalHeader().setVisible(False)
        self.linesTable.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.linesTable.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.linesTable.horizontalHeader()
        width = self.fontMetrics().horizontalAdvance
        for column, sample in (
            (ReceivingLinesModel.SKU, "NW-0000000"),
            (ReceivingLinesModel.QUANTITY, "000,000"),
            (ReceivingLinesModel.UNIT_COST, "000,000.00"),
            (ReceivingLinesModel.LINE_COST, "0,000,000.00"),
        ):
            header.resizeSection(column, width(sample) + 24)
        header.setSectionResizeMode(ReceivingLinesModel.NAME, QHeaderView.ResizeMode.Stretch)
        self.linesTable.installEventFilter(self)

        self.removeLineButton = self._button(
            "removeLineButton", "&Remove line  Del", self.remove_line
        )
        self.totalCostLabel = QLabel()
        self.totalCostLabel.setObjectName("totalCostLabel")
        self.totalCostLabel.setAccessibleName("Total cost")
        self.totalCostLabel.setFont(big)
        self.message = InlineMessage(self, object_name="receivingMessage")
        self.cancelButton = self._button("cancelButton", "Cancel  Esc", self.reject)
        self.confirmButton = self._button("confirmButton", "&Confirm  Ctrl+Enter", self.confirm)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.confirm)

        # -- layout ----------------------------------------------------------------------
        entry = QHBoxLayout()
        entry.addWidget(QLabel("Pro&duct:", buddy=self.codeField))
        entry.addWidget(self.codeField, 2)
        entry.addWidget(QLabel("&Qty:", buddy=self.quantityField))
        entry.addWidget(self.quantityField)
        entry.addWidget(QLabel("&Unit cost:", buddy=self.unitCostField))
        entry.addWidget(self.unitCostField)
        entry.addWidget(self.addLineButton)

        footer = QHBoxLayout()
        footer.addWidget(self.removeLineButton)
        footer.addStretch(1)
        footer.addWidget(self.totalCostLabel)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancelButton)
        buttons.addWidget(self.confirmButton)

        layout = QVBoxLayout(self)
        layout.addWidget(self.receivingNumberLabel)
        layout.addWidget(self.terms)
        layout.addSpacing(6)
        layout.addLayout(entry)
        layout.addWidget(self.productNameLabel)
        layout.addWidget(self.lineMessage)
        layout.addWidget(self.linesTable, 1)
        layout.addLayout(footer)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

        order = [
            self.supplierField,
            self.referenceField,
            self.onAccountRadio,
            self.paidInCashRadio,
            self.codeField,
            self.quantityField,
            self.unitCostField,
            self.addLineButton,
            self.linesTable,
            self.removeLineButton,
            self.confirmButton,
            self.cancelButton,
        ]
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)

        self.receiving = receiving
        # deleted with its parent while still open: no transaction may outlive the dialog
        uow = self.receiving.uow
        self.destroyed.connect(lambda *_args, uow=uow: uow.close())
        self._begin()
        self._show_total()
        self.supplierField.setFocus()

    def _button(self, name: str, text: str, slot) -> QPushButton:  # noqa: ANN001
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.split("  ")[0].replace("&", ""))
        button.setAutoDefault(False)  # Enter belongs to the fields (add a line), not a button
        button.clicked.connect(slot)
        return button

    def _begin(self) -> None:
        """Flush the receiving so its number can go on the delivery note now."""
        try:
            number = self.receiving.begin()
        except Exception as exc:  # noqa: BLE001 - a bug is logged, the dialog says so
            self.receivingNumberLabel.setText("Receiving no. —")
            self.message.show_error(
                failure_text(
                    exc,
                    went_wrong("receiving could not start", CLOSE_AND_RETRY),
                    log,
                    "starting a receiving failed",
                    then=CLOSE_AND_RETRY,
                )
            )
            self.confirmButton.setEnabled(False)
            return
        self.receivingNumberLabel.setText(f"Receiving no. {number}")

    @property
    def receiving_number(self) -> int | None:
        return self.receiving.purchase_id

    # -- lines --------------------------------------------------------------------------
    def _supplier_entered(self) -> None:
        self.supplierError.clear_message()
        self.codeField.setFocus()

    def _code_edited(self, _text: str) -> None:
        if self._resolved_code is not None:  # the filled-in cost belonged to another product
            self._resolved_code = None
            self.unitCostField.clear()
            self.productNameLabel.clear()
        self.lineMessage.clear_message()

    def resolve_code(self) -> bool:
        """Find the product for the typed code, show it and fill in its current cost."""
        code = self.codeField.text().strip()
        if not code:
            if self.linesModel.rowCount():
                self.lineMessage.show_info("Lines ready: Ctrl+Enter confirms.", seconds=4)
            return False
        try:
            product = self.store.product_by_code(code)
        except PosError as exc:
            self.lineMessage.show_error(str(exc))
            return False
        if product is None:
            self.lineMessage.show_error(f"No product with barcode or SKU “{code}”.")
            self.codeField.selectAll()
            self.codeField.setFocus()
            return False
        self.lineMessage.clear_message()
        inactive = "" if product.active else " — inactive"
        self.productNameLabel.setText(
            f"{product.name} ({product.sku}) — {product.stock_on_hand:,} in stock, "
            f"current cost {format_money(product.unit_cost)}{inactive}"
        )
        self.unitCostField.setText(format_amount(product.unit_cost))
        self._resolved_code = code
        self.quantityField.setFocus()
        self.quantityField.selectAll()
        return True

    def add_line(self) -> None:
        code = self.codeField.text().strip()
        if not code:
            self.lineMessage.show_error("Scan or type a product code first.")
            self.codeField.setFocus()
            return
        if self._resolved_code != code and not self.resolve_code():
            return
        try:
            quantity = parse_quantity(self.quantityField.text())
        except InvalidInput as exc:
            return self._line_problem(str(exc), self.quantityField)
        try:
            unit_cost = parse_money(self.unitCostField.text(), "unit cost")
        except InvalidInput as exc:
            return self._line_problem(str(exc), self.unitCostField)
        try:
            self.receiving.add(code, quantity, unit_cost)
        except Exception as exc:  # noqa: BLE001 - a bug is logged, the dialog says so
            text = failure_text(
                exc, went_wrong("the line was not added"), log, "adding a receiving line failed"
            )
            return self._line_problem(text, self.codeField if isinstance(exc, PosError) else None)
        self._lines_changed()
        self.linesTable.selectRow(self.linesModel.rowCount() - 1)
        self.codeField.clear()
        self.quantityField.setText("1")
        self.unitCostField.clear()
        self.productNameLabel.clear()
        self._resolved_code = None
        self.lineMessage.clear_message()
        self.codeField.setFocus()

    def _line_problem(self, text: str, field: QLineEdit | None) -> None:
        self.lineMessage.show_error(text)
        if field is not None:
            field.setFocus()
            field.selectAll()

    def remove_line(self) -> None:
        row = self.linesTable.currentIndex().row()
        if not 0 <= row < len(self.receiving.lines):
            self.lineMessage.show_error("Choose the line to remove in the list.")
            return
        self.receiving.remove(row)
        self._lines_changed()
        if self.linesModel.rowCount():
            self.linesTable.selectRow(min(row, self.linesModel.rowCount() - 1))
        else:
            self.codeField.setFocus()

    def _lines_changed(self) -> None:
        self.linesModel.set_lines(self.receiving.lines)
        self._show_total()

    def _show_total(self) -> None:
        count = len(self.receiving.lines)
        self.totalCostLabel.setText(
            f"{count} line{'s' if count != 1 else ''} · Total cost "
            f"{format_money(self.receiving.total_cost())}"
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.linesTable
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
        ):
            self.remove_line()
            return True
        return super().eventFilter(watched, event)

    # -- confirming ---------------------------------------------------------------------
    def confirm(self) -> None:
        if not self.confirmButton.isEnabled():
            return
        self.supplierError.clear_message()
        self.message.clear_message()
        try:
            self.receiving.set_terms(
                self.supplierField.text(),
                paid_in_cash=self.paidInCashRadio.isChecked(),
                reference=self.referenceField.text(),
            )
        except InvalidInput as exc:
            self.terms.show_problem(exc)
            return
        if self.codeField.text().strip():
            self.lineMessage.show_error(
                "A product code is typed but not added: press Enter to add it, or clear it."
            )
            self.codeField.setFocus()
            return
        try:
            self.confirmed_id = self.receiving.confirm()
        except InvalidInput as exc:
            if exc.field == "lines":
                return self._line_problem(str(exc), self.codeField)
            self.message.show_error(str(exc))
            return
        except PosError as exc:
            self.message.show_error(f"Nothing was received: {exc}")
            return
        except Exception:  # noqa: BLE001 - a bug: logged, the dialog stays open
            log.exception("confirming a receiving failed")
            self.message.show_error(went_wrong("nothing was received"))
            return
        self.accept()

    def done(self, result: int) -> None:
        """Every way out but Confirm rolls back: no stock, no posting, no receiving."""
        self._release()
        super().done(result)

    def closeEvent(self, event) -> None:  # noqa: ANN001
        # closing a dialog that was never shown (a demo, a test) skips done(): release here
        super().closeEvent(event)
        self._release()

    def _release(self) -> None:
        if self.receiving.uow.is_open:
            if self.confirmed_id is None:
                self.receiving.cancel()
            self.receiving.uow.close()

    @classmethod
    def ask(
        cls,
        store: Store,
        station: Station,
        parent: QWidget | None = None,
        *,
        approval: Approval | None = None,
    ) -> int | None:
        dialog = cls(store, station, parent, approval=approval)
        try:
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
            return dialog.confirmed_id if accepted else None
        finally:
            dialog.deleteLater()


def demo(store: Store) -> QWidget:
    """A receiving with its number shown, a supplier and two lines typed, not confirmed."""
    from .samples import sample_station

    dialog = ReceivingDialog(store, sample_station(store))
    dialog.supplierField.setText("Exotic Liquids")
    dialog.referenceField.setText("DN-4711")
    for product, quantity in zip(store.products("", limit=2), ("24", "12"), strict=False):
        dialog.codeField.setText(product.barcode or product.sku)
        dialog.resolve_code()
        dialog.quantityField.setText(quantity)
        dialog.add_line()
    return dialog
