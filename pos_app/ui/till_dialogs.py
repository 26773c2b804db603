"""Cash in, cash out and closing the till: small dialogs for the Till screen.

Each has one unit of work, used only when the cashier confirms (the service commits it);
Esc, closing the window or an error leaves nothing stored. Enter goes from one field to
the next and confirms from the last; every problem is shown in place, with the focus put
back in the field at fault.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import InvalidInput, PosError
from ..domain.money import format_amount
from ..domain.staff import Shift, StaffMember
from ..domain.tender import TenderKind
from ..domain.till import MAX_REASON, TENDERS, TillReport, parse_counts, signed
from ..services.store import Store
from ..services.till import cash_in, cash_out, close_till
from .dialog_buttons import dialog_button
from .feedback import InlineMessage, failure_text, went_wrong
from .money import format_money, parse_money

log = logging.getLogger(__name__)

TENDER_NAMES = {TenderKind.CASH: "Cash", TenderKind.CARD: "Card"}


def _money_field(name: str, accessible: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setAccessibleName(accessible)
    field.setAlignment(Qt.AlignmentFlag.AlignRight)
    field.setMaxLength(20)
    field.setPlaceholderText(format_money(0))
    return field


def _bold(widget: QWidget, factor: float = 1.0) -> QFont:
    font = QFont(widget.font())
    if factor != 1.0:
        size = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
        font.setPointSizeF(size * factor)
    font.setBold(True)
    return font


def over_short_text(minor: int | None) -> str:
    """'exact', '1.50 over', '2.00 short', or '—' while the count cannot be read."""
    if minor is None:
        return "—"
    if minor == 0:
        return "exact"
    return f"{format_money(abs(minor))} {'over' if minor > 0 else 'short'}"


class _TillDialog(QDialog):
    """Shared: fields walked with Enter, a message, Confirm and Cancel, one unit of work."""

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.setModal(True)
        self.uow = store.unit_of_work()
        self._fields: list[QLineEdit] = []
        self.message = InlineMessage(self, object_name="tillDialogMessage")
        self.confirmButton = dialog_button("Confirm  Enter", "confirmButton")
        self.confirmButton.clicked.connect(self.confirm)
        self.cancelButton = dialog_button("Cancel  Esc", "cancelButton")
        self.cancelButton.clicked.connect(self.reject)

    def _fit(self, width: int) -> None:
        """A size set before the window exists, with room for a two-line message, so an
        error never squeezes the fields (and showing never pushes size hints)."""
        hint = self.sizeHint()
        self.setMinimumWidth(max(width, hint.width()))
        self.setMinimumHeight(hint.height() + 3 * self.fontMetrics().lineSpacing() + 16)

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(self.cancelButton)
        row.addStretch(1)
        row.addWidget(self.confirmButton)
        return row

    def _walk(self, fields: list[QLineEdit]) -> None:
        self._fields = fields
        for field in fields:
            field.installEventFilter(self)
            field.textEdited.connect(self._edited)
        for first, second in zip(fields, fields[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _edited(self, _text: str) -> None:
        if self.message.is_error:
            self.message.clear_message()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter in a field goes on to the next one, and confirms from the last one."""
        if (
            event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and watched in self._fields
        ):
            position = self._fields.index(watched)
            if position == len(self._fields) - 1:
                self.confirm()
            else:
                self._fields[position + 1].setFocus()
                self._fields[position + 1].selectAll()
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event) -> None:  # noqa: ANN001
        """Enter never presses a default button behind the cashier's back; Esc cancels."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)

    def _failed(self, exc: Exception, outcome: str, fields: dict[str, QLineEdit]) -> None:
        """A PosError in its own words with the focus in its field; a bug logged."""
        self.message.show_error(failure_text(exc, went_wrong(outcome), log, outcome))
        field = getattr(exc, "field", None) if isinstance(exc, PosError) else None
        target = fields.get(field or "")
        if target is not None:
            target.setFocus()
            target.selectAll()

    def confirm(self) -> None:  # pragma: no cover - each dialog has its own
        raise NotImplementedError

    def done(self, result: int) -> None:
        """Every way out ends here: whatever was not committed is rolled back."""
        self.uow.close()
        super().done(result)


class CashMovementDialog(_TillDialog):
    """Cash in (``kind='in'``) or cash out (``'out'``): an amount and a reason."""

    def __init__(self, store: Store, shift: Shift, kind: str, parent: QWidget | None = None):
        super().__init__(store, parent)
        self.shift = shift
        self.kind = kind
        self.movement_id: int | None = None
        word = "in" if kind == "in" else "out"
        self.setObjectName(f"cash{word.title()}Dialog")
        self.setWindowTitle(f"Cash {word} — {shift.till_name}")
        heading = QLabel(
            "Put cash into the drawer" if kind == "in" else "Take cash out of the drawer"
        )
        heading.setObjectName("cashMovementHeading")
        heading.setFont(_bold(heading, 1.2))
        self.amountField = _money_field("amountField", "Amount")
        self.amountField.setFont(_bold(self.amountField, 1.4))
        self.reasonField = QLineEdit()
        self.reasonField.setObjectName("reasonField")
        self.reasonField.setAccessibleName("Reason")
        self.reasonField.setMaxLength(MAX_REASON)
        self.reasonField.setPlaceholderText(
            "e.g. change from the bank" if kind == "in" else "e.g. drop to the safe"
        )
        form = QFormLayout()
        amount_caption = QLabel("&Amount")
        amount_caption.setBuddy(self.amountField)
        reason_caption = QLabel("&Reason")
        reason_caption.setBuddy(self.reasonField)
        form.addRow(amount_caption, self.amountField)
        form.addRow(reason_caption, self.reasonField)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(self._buttons())
        self._walk([self.amountField, self.reasonField])
        self._fit(460)
        self.amountField.setFocus()

    @classmethod
    def ask(
        cls, store: Store, shift: Shift, kind: str, parent: QWidget | None = None
    ) -> int | None:
        """Blocking form: the movement's id once stored, None if cancelled."""
        dialog = cls(store, shift, kind, parent)
        try:
            dialog.exec()
            return dialog.movement_id
        finally:
            dialog.deleteLater()

    def confirm(self) -> None:
        if self.movement_id is not None:
            return
        move = cash_in if self.kind == "in" else cash_out
        try:
            self.movement_id = move(
                self.uow, self.shift, self.amountField.text(), self.reasonField.text()
            )
        except Exception as exc:  # noqa: BLE001 - a PosError is said in place; a bug logged
            self.uow.rollback()
            word = "in" if self.kind == "in" else "out"
            self._failed(
                exc,
                f"the cash {word} was not recorded",
                {"amount": self.amountField, "reason": self.reasonField},
            )
            return
        self.accept()


class CloseTillDialog(_TillDialog):
    """Closing: what should be there per tender, what was counted, the difference as it is
    typed; Confirm stores the counts and gives the Z report (``report``)."""

    def __init__(
        self,
        store: Store,
        staff: StaffMember,
        figures: TillReport,
        parent: QWidget | None = None,
    ):
        super().__init__(store, parent)
        self.staff = staff
        self.figures = figures
        self.report: TillReport | None = None
        self.setObjectName("closeTillDialog")
        self.setWindowTitle(f"Close {figures.till_name}")
        heading = QLabel(f"Close {figures.till_name}")
        heading.setObjectName("closeTillHeading")
        heading.setFont(_bold(heading, 1.3))
        intro = QLabel(
            f"Session {figures.session_id}, opened by {figures.opened_by}: "
            f"{figures.sales_count} sale{'s' if figures.sales_count != 1 else ''}. "
            "Count the drawer and add up the card terminal's slips, then type what you have."
        )
        intro.setObjectName("closeTillIntro")
        intro.setWordWrap(True)

        grid = QFormLayout()
        self.countedFields: dict[TenderKind, QLineEdit] = {}
        self.expectedLabels: dict[TenderKind, QLabel] = {}
        self.overShortLabels: dict[TenderKind, QLabel] = {}
        for tender in TENDERS:
            name = TENDER_NAMES[tender]
            expected = QLabel(format_money(figures.tender(tender).expected))
            expected.setObjectName(f"expected{name}Label")
            expected.setAccessibleName(f"Expected {name.lower()}")
            expected.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            field = _money_field(f"counted{name}Field", f"Counted {name.lower()}")
            field.setFont(_bold(field, 1.3))
            field.textChanged.connect(self._update_differences)
            difference = QLabel("—")
            difference.setObjectName(f"overShort{name}Label")
            difference.setAccessibleName(f"{name} over or short")
            difference.setMinimumWidth(self.fontMetrics().horizontalAdvance("99,999.99 short__"))
            row = QHBoxLayout()
            row.addWidget(QLabel("expected"))
            row.addWidget(expected, 1)
            row.addWidget(QLabel("counted"))
            row.addWidget(field, 2)
            row.addWidget(difference)
            caption = QLabel("C&ash" if tender == TenderKind.CASH else "Car&d")
            caption.setBuddy(field)
            grid.addRow(caption, row)
            self.countedFields[tender] = field
            self.expectedLabels[tender] = expected
            self.overShortLabels[tender] = difference
        self.totalLabel = QLabel()
        self.totalLabel.setObjectName("overShortTotalLabel")
        self.totalLabel.setAccessibleName("Total over or short")
        self.totalLabel.setFont(_bold(self.totalLabel, 1.3))
        self.totalLabel.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        grid.addRow("Over/short", self.totalLabel)

        self.confirmButton.setText("Close till  Enter")
        self.confirmButton.setAccessibleName("Close the till")
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(self._buttons())
        self._walk([self.countedFields[t] for t in TENDERS])
        self._update_differences()
        self._fit(640)
        self.countedFields[TenderKind.CASH].setFocus()

    @classmethod
    def ask(
        cls, store: Store, staff: StaffMember, figures: TillReport, parent: QWidget | None = None
    ) -> TillReport | None:
        """Blocking form: the Z report once closed, None if cancelled."""
        dialog = cls(store, staff, figures, parent)
        try:
            dialog.exec()
            return dialog.report
        finally:
            dialog.deleteLater()

    def _difference(self, tender: TenderKind) -> int | None:
        text = self.countedFields[tender].text().strip()
        if not text:
            return None
        try:
            counted = parse_money(text, f"counted {tender.value}")
        except InvalidInput:
            return None
        return counted - self.figures.tender(tender).expected

    def _update_differences(self) -> None:
        """Over/short per tender and in total, live as the counts are typed."""
        total, complete = 0, True
        for tender in TENDERS:
            difference = self._difference(tender)
            label = self.overShortLabels[tender]
            label.setText(over_short_text(difference))
            label.setToolTip("" if difference is None else signed(difference, format_money))
            if difference is None:
                complete = False
            else:
                total += difference
        self.totalLabel.setText(over_short_text(total) if complete else "—")

    def confirm(self) -> None:
        if self.report is not None:
            return
        fields = {f"counted {t.value}": self.countedFields[t] for t in TENDERS}
        try:
            counted = parse_counts({t: self.countedFields[t].text() for t in TENDERS})
            self.report = close_till(self.uow, self.staff, self.figures.session_id, counted)
        except Exception as exc:  # noqa: BLE001 - a PosError is said in place; a bug logged
            self.uow.rollback()
            self._failed(exc, "the till was not closed", fields)
            return
        self.accept()


def demo(store: Store) -> QWidget:
    """The closing dialog over the demo till's figures, with counts typed (nothing stored)."""
    from .samples import sample_shift

    shift = sample_shift(store)
    figures = store.till_report(shift.session_id)
    dialog = CloseTillDialog(store, shift.cashier, figures)
    cash = figures.tender(TenderKind.CASH).expected
    dialog.countedFields[TenderKind.CASH].setText(format_amount(max(cash - 250, 0)))
    dialog.countedFields[TenderKind.CARD].setText(
        format_amount(max(figures.tender(TenderKind.CARD).expected, 0))
    )
    return dialog
