"""The Refunds screen (Ctrl+R): money back against a receipt, part of it or all of it.

Scan or type the receipt number and press Enter: the sale's lines appear with what was
sold, what has already come back and what comes back now (type a quantity on a line, or F8
for everything left). Choose the reason and how the money goes back (the way the customer
paid, by default), then Enter: "Refund N paid: X" and the refund receipt beside it. Esc
cancels and leaves no trace. "Void whole sale" gives back everything left on the receipt.

The screen holds one unit of work while a receipt is on it: the draft refund row is written
at once, so its number shows before confirming, and rolled back on Esc, on leaving the
screen (so it never holds the database) or on any error. A cashier without the right to
refund (or void) is asked for a manager's approval; the services decide, not this screen.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import InvalidInput, InvalidState, NotFound, PosError
from ..domain.refund import RefundableLine, RefundReceipt, parse_receipt_no
from ..domain.staff import Approval, Permission
from ..domain.tender import TenderKind
from ..repositories.unit_of_work import UnitOfWork
from ..services.refund import Refund, void_sale
from ..services.store import Store
from .cart_side_panel import till_button
from .checkout_dialog import scaled_font
from .feedback import InlineMessage, failure_text, went_wrong
from .money import format_money
from .receipt_view import local_time
from .station import Station
from .table_models import RIGHT, Index, TableModel

log = logging.getLogger(__name__)

GENERIC_ERROR = went_wrong("nothing was refunded")
REASONS = (
    "Returned by customer",
    "Faulty or damaged",
    "Wrong item",
    "Changed their mind",
    "Charged by mistake",
)
WIDTH = 40

PRODUCT, PRICE, SOLD, REFUNDED, REFUND_NOW, BACK = range(6)


class RefundLinesModel(TableModel):
    """The receipt's lines; "Refund now" is the one column a cashier types in."""

    HEADERS = ("Product", "Price", "Sold", "Refunded", "Refund now", "Back")
    NUMERIC = frozenset({PRICE, SOLD, REFUNDED, REFUND_NOW, BACK})
    quantitiesChanged = Signal()
    invalidInput = Signal(str)  # a refused quantity: the view says why, the old one stays

    def __init__(self, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self._rows: list[RefundableLine] = []
        self.refund: Refund | None = None

    def show_refund(self, refund: Refund | None) -> None:
        self.refund = refund
        self.set_rows(list(refund.lines) if refund is not None else [])
        self.quantitiesChanged.emit()

    def line(self, row: int) -> RefundableLine:
        return self._rows[row]

    def first_refundable_row(self) -> int | None:
        for row, line in enumerate(self._rows):
            if line.remaining > 0:
                return row
        return None

    def refresh(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, BACK))
        self.quantitiesChanged.emit()

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == REFUND_NOW and self._rows[index.row()].remaining > 0:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.refund is None:
            return None
        line = self._rows[index.row()]
        column = index.column()
        now = self.refund.quantity(line.order_line_id)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == PRODUCT:
                return f"{line.name}  ({line.sku})"
            if column == PRICE:
                return format_money(line.unit_price)
            if column == SOLD:
                return str(line.quantity)
            if column == REFUNDED:
                return str(line.refunded) if line.refunded else ""
            if column == REFUND_NOW:
                if role == Qt.ItemDataRole.EditRole:
                    return str(now)
                return str(now) if line.remaining > 0 else "—"
            if column == BACK:
                net, tax = line.amounts(now)
                return format_money(net + tax) if now else ""
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.alignment(column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if line.remaining <= 0:
                return "Everything sold on this line has already been refunded."
            if column == REFUND_NOW:
                return f"Type how many come back (up to {line.remaining})."
        if role == Qt.ItemDataRole.FontRole and column == REFUND_NOW and now:
            font = self.parent().font() if self.parent() is not None else None
            if font is not None:
                font.setBold(True)
                return font
        return None

    def setData(  # noqa: N802 - Qt's name
        self, index: Index, value, role: int = Qt.ItemDataRole.EditRole  # noqa: ANN001
    ) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != REFUND_NOW or self.refund is None:
            return False
        line = self._rows[index.row()]
        try:
            self.refund.set_quantity(line.order_line_id, value)
        except InvalidInput as exc:
            self.invalidInput.emit(str(exc))
            return False
        self.dataChanged.emit(self.index(index.row(), REFUND_NOW), self.index(index.row(), BACK))
        self.quantitiesChanged.emit()
        return True


def refund_text(receipt: RefundReceipt, width: int = WIDTH) -> str:
    """A refund receipt as fixed-width text (what the customer takes away)."""

    def row(left: str, right: str) -> str:
        if len(left) + len(right) + 1 > width:
            left = left[: max(1, width - len(right) - 2)] + "…"
        return f"{left}{' ' * max(1, width - len(left) - len(right))}{right}"

    out = [
        row(receipt.title.upper(), local_time(receipt.completed_at)),
        row(f"Against receipt {receipt.receipt_no}", receipt.till_name),
        "-" * width,
    ]
    for line in receipt.lines:
        out.append(row(line.name, "-" + format_money(line.total)))
        out.append(f"  {line.quantity} x {format_money(line.unit_price)}")
    out += [
        "-" * width,
        row("Subtotal", "-" + format_money(receipt.subtotal)),
        row("Tax", "-" + format_money(receipt.tax)),
    ]
    if receipt.cash_rounding:
        out.append(row("Cash rounding", format_money(-receipt.cash_rounding)))
    how = "Paid back in cash" if receipt.tender == TenderKind.CASH else "Back to the card"
    out.append(row(how, format_money(receipt.paid)))
    out.append("")
    out.append(f"Reason: {receipt.reason}"[:width])
    out.append(f"Cashier: {receipt.cashier}"[:width])
    if receipt.approved_by:
        out.append(f"Approved by: {receipt.approved_by}"[:width])
    return "\n".join(out)


class RefundView(QWidget):
    """Refunds and voids against a receipt. ``refund`` is the refund being prepared."""

    def __init__(self, store: Store, station: Station, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.station = station
        self.refund: Refund | None = None
        self.last_refund: RefundReceipt | None = None
        self._uow: UnitOfWork | None = None
        self._approval: Approval | None = None
        self._void_armed = False
        self.model = RefundLinesModel(self)
        self.model.quantitiesChanged.connect(self._update_totals)
        self.model.invalidInput.connect(
            lambda text: self.message.show_error(f"{text} The quantity was not changed.")
        )
        self._build()
        self._shortcuts()
        self.station.changed.connect(self._station_changed)
        self._show_empty()

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.receiptField = QLineEdit()
        self.receiptField.setObjectName("refundReceiptField")
        self.receiptField.setAccessibleName("Receipt number")
        self.receiptField.setPlaceholderText("Scan or type the receipt number, then Enter")
        self.receiptField.setFont(scaled_font(self, 1.6))
        self.receiptField.setMaxLength(40)
        self.receiptField.setClearButtonEnabled(True)
        self.receiptField.returnPressed.connect(self.find)
        caption = QLabel("&Receipt")
        caption.setBuddy(self.receiptField)
        caption.setFont(scaled_font(self, 1.2, bold=True))
        self.findButton = till_button("Find  Enter", "refundFindButton")
        self.findButton.clicked.connect(self.find)
        find_row = QHBoxLayout()
        find_row.addWidget(caption)
        find_row.addWidget(self.receiptField, 1)
        find_row.addWidget(self.findButton)

        self.message = InlineMessage(self, object_name="refundMessage")
        self.saleLabel = QLabel()
        self.saleLabel.setObjectName("refundSaleLabel")
        self.saleLabel.setWordWrap(True)
        self.saleLabel.setFont(scaled_font(self, 1.1, bold=True))
        self.draftLabel = QLabel()
        self.draftLabel.setObjectName("refundDraftLabel")
        self.draftLabel.setAlignment(RIGHT)
        self.draftLabel.setFont(scaled_font(self, 1.1, bold=True))
        self.draftLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        sale_row = QHBoxLayout()
        sale_row.addWidget(self.saleLabel, 1)
        sale_row.addWidget(self.draftLabel)

        self.linesTable = QTableView()
        self.linesTable.setObjectName("refundLinesTable")
        self.linesTable.setAccessibleName("Lines of the receipt")
        self.linesTable.setModel(self.model)
        self.linesTable.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.linesTable.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.linesTable.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.linesTable.setAlternatingRowColors(True)
        self.linesTable.setWordWrap(False)
        self.linesTable.setFont(scaled_font(self, 1.15))
        self.linesTable.verticalHeader().setVisible(False)
        header = self.linesTable.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PRODUCT, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(90)
        self.linesTable.installEventFilter(self)

        self.allButton = till_button("All  F8", "refundAllButton")
        self.allButton.setToolTip("Everything not yet refunded comes back")
        self.allButton.clicked.connect(self.refund_all)
        self.noneButton = till_button("None", "refundNoneButton")
        self.noneButton.clicked.connect(self.refund_none)
        hint = QLabel("↑ ↓ choose a line · type how many come back · Enter refunds")
        hint.setObjectName("refundKeysHint")
        hint.setEnabled(False)
        line_row = QHBoxLayout()
        line_row.addWidget(self.allButton)
        line_row.addWidget(self.noneButton)
        line_row.addStretch(1)
        line_row.addWidget(hint)

        self.reasonCombo = QComboBox()
        self.reasonCombo.setObjectName("refundReasonCombo")
        self.reasonCombo.setAccessibleName("Reason")
        self.reasonCombo.setEditable(True)
        self.reasonCombo.addItems(REASONS)
        self.reasonCombo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.reasonCombo.lineEdit().setMaxLength(200)
        self.reasonCombo.lineEdit().installEventFilter(self)
        reason_caption = QLabel("Rea&son")
        reason_caption.setBuddy(self.reasonCombo)

        self.cashButton = self._tender_button("Cash  F5", "refundCashButton")
        self.cardButton = self._tender_button("Card  F6", "refundCardButton")
        self.cashButton.setChecked(True)
        self.tenderGroup = QButtonGroup(self)
        self.tenderGroup.setExclusive(True)
        self.tenderGroup.addButton(self.cashButton)
        self.tenderGroup.addButton(self.cardButton)
        self.tenderGroup.buttonToggled.connect(lambda *_: self._update_totals())
        tenders = QHBoxLayout()
        tenders.addWidget(self.cashButton)
        tenders.addWidget(self.cardButton)
        tenders.addStretch(1)
        form = QFormLayout()
        form.addRow(reason_caption, self.reasonCombo)
        form.addRow("Money back", tenders)

        left = QVBoxLayout()
        left.addLayout(find_row)
        left.addWidget(self.message)
        left.addLayout(sale_row)
        left.addWidget(self.linesTable, 1)
        left.addLayout(line_row)
        left.addLayout(form)

        side = QVBoxLayout()
        self.itemsLabel = self._figure("refundItemsLabel", 1.2)
        self.subtotalLabel = self._figure("refundSubtotalLabel", 1.2)
        self.taxLabel = self._figure("refundTaxLabel", 1.2)
        self.totalLabel = self._figure("refundTotalLabel", 3.0, bold=True)
        self.totalLabel.setAccessibleName("To pay back")
        self.roundingLabel = QLabel()
        self.roundingLabel.setObjectName("refundRoundingLabel")
        self.roundingLabel.setAlignment(RIGHT)
        total_caption = QLabel("PAY BACK")
        total_caption.setFont(scaled_font(self, 1.3, bold=True))
        figures = QFormLayout()
        figures.addRow("Items", self.itemsLabel)
        figures.addRow("Subtotal", self.subtotalLabel)
        figures.addRow("Tax", self.taxLabel)
        figures.addRow(total_caption, self.totalLabel)
        figures.addRow("", self.roundingLabel)
        side.addLayout(figures)

        self.confirmButton = till_button("Refund  Enter", "refundConfirmButton")
        self.confirmButton.setAccessibleName("Confirm refund")
        self.confirmButton.setFont(scaled_font(self, 1.6, bold=True))
        self.confirmButton.setMinimumHeight(64)
        self.confirmButton.clicked.connect(self.confirm)
        self.cancelButton = till_button("Cancel  Esc", "refundCancelButton")
        self.cancelButton.clicked.connect(self.cancel)
        self.voidButton = till_button("Void whole sale", "voidSaleButton")
        self.voidButton.setToolTip("Give back everything left on this receipt (press twice)")
        self.voidButton.clicked.connect(self.void)
        side.addWidget(self.confirmButton)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancelButton)
        buttons.addWidget(self.voidButton)
        side.addLayout(buttons)

        self.refundReceiptPanel = QFrame()
        self.refundReceiptPanel.setObjectName("refundReceiptPanel")
        self.refundReceiptPanel.setFrameShape(QFrame.Shape.StyledPanel)
        self.lastRefundLabel = QLabel("No refund yet")
        self.lastRefundLabel.setObjectName("lastRefundLabel")
        self.lastRefundLabel.setFont(scaled_font(self, 1.1, bold=True))
        self.refundReceiptText = QPlainTextEdit()
        self.refundReceiptText.setObjectName("refundReceiptText")
        self.refundReceiptText.setAccessibleName("Refund receipt")
        self.refundReceiptText.setReadOnly(True)
        self.refundReceiptText.setFont(
            QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        )
        self.refundReceiptText.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.refundReceiptText.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.refundReceiptText.setPlaceholderText("The refund receipt appears here.")
        panel = QVBoxLayout(self.refundReceiptPanel)
        panel.addWidget(self.lastRefundLabel)
        panel.addWidget(self.refundReceiptText, 1)
        side.addWidget(self.refundReceiptPanel, 1)

        side_widget = QWidget()
        side_widget.setObjectName("refundSidePanel")
        side_widget.setLayout(side)
        side_widget.setFixedWidth(400)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(left, 1)
        layout.addWidget(side_widget)
        self.setTabOrder(self.receiptField, self.linesTable)
        self.setTabOrder(self.linesTable, self.reasonCombo)
        self.setFocusProxy(self.receiptField)

    def _figure(self, name: str, factor: float, *, bold: bool = False) -> QLabel:
        label = QLabel(format_money(0))
        label.setObjectName(name)
        label.setAlignment(RIGHT)
        label.setFont(scaled_font(self, factor, bold=bold))
        return label

    def _tender_button(self, text: str, name: str):  # noqa: ANN202
        button = till_button(text, name)
        button.setCheckable(True)
        return button

    def _shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for key, slot in (
            ("F8", self.refund_all),
            ("F5", lambda: self.cashButton.setChecked(True)),
            ("F6", lambda: self.cardButton.setChecked(True)),
            ("Esc", self.cancel),
        ):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(context)
            shortcut.activated.connect(slot)

    # -- showing and leaving the screen -----------------------------------------------------
    def activated(self) -> None:
        """Called by the main window each time the screen is shown."""
        if self.refund is not None and self.refund.receipt is None:
            self._begin_draft()
        self._focus_later()

    def hideEvent(self, event) -> None:  # noqa: ANN001
        """Leaving the screen rolls the draft back: it must not hold the database (on
        SQLite a draft holds the write lock). The lines stay; coming back writes a new draft."""
        if self.refund is not None:
            self.refund.cancel()
            self.draftLabel.setText("")
        super().hideEvent(event)

    def closeEvent(self, event) -> None:  # noqa: ANN001
        self._release()
        super().closeEvent(event)

    def _focus_later(self) -> None:
        QTimer.singleShot(0, self, self._focus)

    def _focus(self) -> None:
        if self.linesTable.state() == QAbstractItemView.State.EditingState:
            # Keys typed before this deferred call opened a "Refund now" editor: moving the
            # focus would close it behind the cashier's back (and its Enter, still queued,
            # would then commit an editor the table no longer has).
            return
        if self.refund is not None and self.model.rowCount():
            self._focus_lines()
        else:
            self.receiptField.setFocus(Qt.FocusReason.OtherFocusReason)
            self.receiptField.selectAll()

    def _focus_lines(self, row: int | None = None) -> None:
        if row is None:
            current = self.linesTable.currentIndex()
            row = current.row() if current.isValid() else self.model.first_refundable_row()
        if row is None:
            row = 0
        self.linesTable.setFocus(Qt.FocusReason.OtherFocusReason)
        self.linesTable.selectionModel().setCurrentIndex(
            self.model.index(row, REFUND_NOW),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def _station_changed(self) -> None:
        """Someone else signed in, or the till was opened or closed: start afresh."""
        if self.refund is not None:
            self._clear()
            self.message.show_info("The till changed hands: the refund was cancelled.", seconds=6)

    # -- keys -----------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if (
                watched is self.linesTable
                and self.linesTable.state() != QAbstractItemView.State.EditingState
                and event.text().isdigit()  # type: ignore[attr-defined]
            ):
                # whichever cell was clicked, a digit types into "Refund now" on that row
                current = self.linesTable.currentIndex()
                if current.isValid() and current.column() != REFUND_NOW:
                    self.linesTable.setCurrentIndex(self.model.index(current.row(), REFUND_NOW))
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if watched is self.linesTable and (
                    self.linesTable.state() != QAbstractItemView.State.EditingState
                ):
                    self.confirm()
                    return True
                if watched is self.reasonCombo.lineEdit():
                    self.confirm()
                    return True
        return super().eventFilter(watched, event)

    # -- finding the receipt ----------------------------------------------------------------
    def find(self) -> None:
        """Enter in the receipt field: show the sale and start a draft refund."""
        text = self.receiptField.text()
        if not text.strip():
            return
        self._clear(keep_message=False)
        try:
            receipt_no = parse_receipt_no(text)
            shift = self.station.shift
            if self.station.staff is None:
                raise InvalidState("Sign in first.")
            if shift is None:
                raise InvalidState("Open the till (Ctrl+T) before giving money back.")
            approval = None
            if not self.station.may(Permission.REFUND):
                sale = self.store.refundable_sale(receipt_no)  # say so before calling anyone
                if sale is None:
                    raise NotFound(f"There is no sale with receipt number {receipt_no}.")
                if sale.fully_refunded:
                    raise InvalidState(f"Receipt {receipt_no} has already been refunded in full.")
                from .approval_dialog import ManagerApproval

                approval = ManagerApproval.ask(
                    self.store,
                    Permission.REFUND,
                    f"a refund on receipt {receipt_no} ({format_money(sale.total)})",
                    self,
                )
                if approval is None:
                    self.message.show_info(
                        "The refund was not approved: nothing was changed.", seconds=6
                    )
                    self.receiptField.selectAll()
                    return
            refund = Refund(self._unit_of_work(), shift, receipt_no, approval)
        except Exception as exc:  # noqa: BLE001 - a bug is logged, the screen keeps working
            self.message.show_error(
                failure_text(exc, GENERIC_ERROR, log, f"finding receipt {text!r} failed")
            )
            self.receiptField.setFocus(Qt.FocusReason.OtherFocusReason)
            self.receiptField.selectAll()
            return
        self._approval = approval
        self._show_refund(refund)
        if self._begin_draft():
            self._focus_lines(self.model.first_refundable_row())

    def _unit_of_work(self) -> UnitOfWork:
        if self._uow is None:
            self._uow = self.store.unit_of_work()
        return self._uow.open()

    def _show_refund(self, refund: Refund) -> None:
        self.refund = refund
        sale = refund.sale
        paid = ", ".join(
            f"{kind} {format_money(amount)}" for kind, amount in sorted(sale.paid_by.items())
        )
        who = f" · sold by {sale.cashier}" if sale.cashier else ""
        till = f" · {sale.till_name}" if sale.till_name else ""
        customer = f" · customer {sale.customer_code}" if sale.customer_code else ""
        self.saleLabel.setText(
            f"Receipt {sale.receipt_no} · {local_time(sale.completed_at)}{till}{who}{customer}"
            f" · paid {paid or format_money(sale.total)}"
        )
        (self.cashButton if refund.tender == TenderKind.CASH else self.cardButton).setChecked(True)
        self.model.show_refund(refund)
        self._set_enabled(True)

    def _begin_draft(self) -> bool:
        try:
            draft = self.refund.begin()
        except Exception as exc:  # noqa: BLE001
            self.message.show_error(
                failure_text(exc, GENERIC_ERROR, log, "writing the draft refund failed")
            )
            self.draftLabel.setText("")
            return False
        self.draftLabel.setText(f"Refund draft {draft}")
        return True

    # -- choosing -------------------------------------------------------------------------------
    def refund_all(self) -> None:
        """F8: everything not yet refunded comes back."""
        if self.refund is None:
            return
        self.refund.refund_all()
        self.model.refresh()
        self._disarm()
        self._focus_lines()

    def refund_none(self) -> None:
        if self.refund is None:
            return
        self.refund.quantities.clear()
        self.model.refresh()
        self._focus_lines()

    def selected_tender(self) -> TenderKind:
        return TenderKind.CARD if self.cardButton.isChecked() else TenderKind.CASH

    def _update_totals(self) -> None:
        if self.refund is None:
            for label in (self.subtotalLabel, self.taxLabel, self.totalLabel):
                label.setText(format_money(0))
            self.itemsLabel.setText("0")
            self.roundingLabel.setText("")
            return
        figures = self.refund.figures()
        paid = self.refund.paid_back(self.selected_tender())
        self.itemsLabel.setText(str(figures.items))
        self.subtotalLabel.setText(format_money(figures.subtotal))
        self.taxLabel.setText(format_money(figures.tax))
        self.totalLabel.setText(format_money(paid))
        self.roundingLabel.setText(
            f"{format_money(figures.total)} rounded for cash" if paid != figures.total else ""
        )
        self._disarm()

    # -- confirming ------------------------------------------------------------------------------
    def confirm(self) -> None:
        """Enter: pay the refund back and commit, or say why not (nothing is stored then)."""
        if self.refund is None:
            self.message.show_info("Scan or type the receipt number first.", seconds=4)
            self.receiptField.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if self.linesTable.state() == QAbstractItemView.State.EditingState:
            return
        try:
            receipt = self.refund.confirm(self.selected_tender(), self.reasonCombo.currentText())
        except InvalidInput as exc:
            self.message.show_error(str(exc))
            if exc.field == "quantity" and self.refund.draft_id is None:
                self._reload()  # another till got there first: show what is left now
            elif exc.field == "reason":
                self.reasonCombo.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        except Exception as exc:  # noqa: BLE001
            self.message.show_error(
                failure_text(exc, GENERIC_ERROR, log, "the refund failed", then="Try again.")
            )
            if self.refund is not None and self.refund.draft_id is None:
                self.draftLabel.setText("")
            return
        self._finish(receipt)

    def _reload(self) -> None:
        receipt_no = self.refund.sale.receipt_no
        self.refund.cancel()
        try:
            refund = Refund(self._unit_of_work(), self.station.shift, receipt_no, self._approval)
        except PosError as exc:
            self._clear()
            self.message.show_error(str(exc))
            return
        self._show_refund(refund)
        self._begin_draft()
        self._focus_lines(self.model.first_refundable_row())

    def _finish(self, receipt: RefundReceipt) -> None:
        self.last_refund = receipt
        self.lastRefundLabel.setText(f"{receipt.title} · receipt {receipt.receipt_no}")
        self.refundReceiptText.setPlainText(refund_text(receipt))
        self._clear()
        how = "in cash" if receipt.tender == TenderKind.CASH else "to the card"
        self.message.show_info(
            f"{receipt.title} paid: {format_money(receipt.paid)} {how}.", seconds=10
        )
        self.receiptField.clear()
        self.receiptField.setFocus(Qt.FocusReason.OtherFocusReason)

    def cancel(self) -> None:
        """Esc: roll the draft back and clear the screen."""
        if self.refund is None:
            self.receiptField.clear()
            self.message.clear_message()
            return
        self._clear()
        self.message.show_info("Refund cancelled: nothing was changed.", seconds=4)
        self.receiptField.setFocus(Qt.FocusReason.OtherFocusReason)
        self.receiptField.selectAll()

    # -- voiding ---------------------------------------------------------------------------------
    def void(self) -> None:
        """Give back everything left on the receipt: press once to see what, again to do it."""
        refund = self.refund
        if refund is None:
            self.message.show_info("Find the receipt to void first.", seconds=4)
            self.receiptField.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if not self._void_armed:
            left = sum(line.remaining for line in refund.lines)
            refund.refund_all()
            self.model.refresh()
            self._void_armed = True
            self.voidButton.setText("Press again to void")
            self.message.show_info(
                f"Void receipt {refund.sale.receipt_no}: all {left} item(s) left come back,"
                f" {format_money(refund.paid_back(self.selected_tender()))}."
                " Press “Void whole sale” again to do it.",
                seconds=0,
            )
            return
        self._disarm()
        receipt_no = refund.sale.receipt_no
        approval = None
        if not self.station.may(Permission.VOID_SALE):
            from .approval_dialog import ManagerApproval

            approval = ManagerApproval.ask(
                self.store, Permission.VOID_SALE, f"voiding receipt {receipt_no}", self
            )
            if approval is None:
                self.message.show_info("The void was not approved: nothing was changed.", seconds=6)
                return
        refund.cancel()  # release the draft: the void is its own transaction
        try:
            receipt = void_sale(
                self._unit_of_work(),
                self.station.shift,
                receipt_no,
                approval,
                self.reasonCombo.currentText(),
                tender=self.selected_tender(),
            )
        except Exception as exc:  # noqa: BLE001
            self.message.show_error(
                failure_text(exc, went_wrong("nothing was voided"), log, "the void failed")
            )
            self._begin_draft()
            return
        self._finish(receipt)

    def _disarm(self) -> None:
        if self._void_armed:
            self._void_armed = False
            self.voidButton.setText("Void whole sale")

    # -- clearing ----------------------------------------------------------------------------------
    def _clear(self, *, keep_message: bool = True) -> None:
        if self.refund is not None:
            self.refund.cancel()
        self.refund = None
        self._approval = None
        self._disarm()
        self.model.show_refund(None)
        self._show_empty()
        if not keep_message:
            self.message.clear_message()

    def _show_empty(self) -> None:
        self.saleLabel.setText("Scan or type the number printed on the customer's receipt.")
        self.draftLabel.setText("")
        self._set_enabled(False)
        self._update_totals()

    def _set_enabled(self, on: bool) -> None:
        for widget in (
            self.allButton,
            self.noneButton,
            self.confirmButton,
            self.cancelButton,
            self.voidButton,
        ):
            widget.setEnabled(on)

    def _release(self) -> None:
        self._clear()
        if self._uow is not None:
            self._uow.close()


def demo(store: Store) -> QWidget:
    """A receipt with one unit already refunded, two more chosen, the last refund beside it."""
    from ..domain.cart import Cart
    from ..domain.tender import Tender
    from ..services.sale import Checkout
    from .samples import sample_cart, sample_shift

    shift = sample_shift(store)
    station = Station(shift.till_name)
    station.sign_in(shift.cashier, shift)
    cart: Cart = sample_cart(store, quantities=(3, 2, 1))
    with store.unit_of_work() as uow:
        checkout = Checkout(uow, cart, shift=shift)
        total = checkout.totals().total
        receipt = checkout.confirm([Tender.cash(-(-total // 1000) * 1000)])
    view = RefundView(store, station)
    view.resize(1366, 700)
    view.receiptField.setText(str(receipt.receipt_no))
    view.find()
    if view.refund is not None:
        first = view.refund.lines[0].order_line_id
        view.refund.set_quantity(first, 1)
        view.reasonCombo.setCurrentText("Faulty or damaged")
        view.confirm()
        view.receiptField.setText(str(receipt.receipt_no))
        view.find()
    if view.refund is not None:
        for line in view.refund.lines[:2]:
            view.refund.set_quantity(line.order_line_id, min(1, line.remaining))
        view.model.refresh()
    return view
