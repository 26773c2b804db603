"""The lines of a receiving as a read-only table: SKU, product, quantity, unit and line cost."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt

from ..services.receiving import ReceivedLine
from .money import format_money
from .table_models import Index, TableModel


class ReceivingLinesModel(TableModel):
    SKU, NAME, QUANTITY, UNIT_COST, LINE_COST = range(5)
    HEADERS = ("SKU", "Product", "Qty", "Unit cost", "Line cost")
    NUMERIC = frozenset({QUANTITY, UNIT_COST, LINE_COST})
    ALIGN_TEXT_HEADERS = False

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._rows: list[ReceivedLine] = []

    def set_lines(self, lines: list[ReceivedLine]) -> None:
        self.set_rows(lines)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        line, column = self._rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return {
                self.SKU: line.sku,
                self.NAME: line.name,
                self.QUANTITY: f"{line.quantity:,}",
                self.UNIT_COST: format_money(line.unit_cost),
                self.LINE_COST: format_money(line.quantity * line.unit_cost),
            }.get(column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.alignment(column)
        return None
