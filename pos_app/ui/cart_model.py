"""The cart's lines as a table: what the cashier sees and edits while scanning.

The model wraps the domain ``Cart`` (the single source of the figures) and adds only what
the screen needs: which lines were short of stock at the last checkout, and signals that
tell the view to refresh its totals or show a message.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from ..domain.cart import Cart, CartLine, ProductSnapshot
from ..domain.errors import InvalidInput, Shortage
from ..domain.money import parse_quantity
from .money import format_money
from .table_models import Index, TableModel

NAME, QUANTITY, UNIT_PRICE, LINE_TOTAL = range(4)
HEADERS = ("Product", "Qty", "Unit price", "Line total")
# Translucent red reads on light and dark themes; the text marker says it without colour.
SHORT_BRUSH = QBrush(QColor(220, 50, 40, 70))


class CartTableModel(TableModel):
    """Lines of one ``Cart``; quantities are edited in place and validated like typed input."""

    HEADERS = HEADERS
    NUMERIC = frozenset({QUANTITY, UNIT_PRICE, LINE_TOTAL})
    NUMBERED_ROWS = True

    totalsChanged = Signal()
    invalidInput = Signal(str)  # a refused edit: the view shows the message, the old value stays

    def __init__(self, cart: Cart | None = None, parent=None):  # noqa: ANN001 - QObject parent
        super().__init__(parent)
        self.cart = cart if cart is not None else Cart()
        self._short: dict[int, int] = {}  # product id -> units available at the last checkout

    # -- what the view calls --------------------------------------------------------------
    def add(self, product: ProductSnapshot, quantity: int = 1) -> int:
        """Add (or add to) a line and return its row; InvalidInput changes nothing."""
        quantity = parse_quantity(quantity)
        for row, line in enumerate(self.cart.lines):
            if line.product.product_id == product.product_id:
                self.cart.add(product, quantity)  # may refuse a total above the maximum
                self._unmark(product.product_id)
                self._row_changed(row)
                self.totalsChanged.emit()
                return row
        row = len(self.cart.lines)
        self.beginInsertRows(QModelIndex(), row, row)
        self.cart.add(product, quantity)
        self.endInsertRows()
        self.totalsChanged.emit()
        return row

    def set_quantity(self, row: int, text: str | int) -> None:
        """Change a line's quantity; InvalidInput leaves the old quantity in place."""
        line = self.cart.lines[row]
        quantity = parse_quantity(text)
        line.quantity = quantity
        available = self._short.get(line.product.product_id)
        if available is not None and quantity <= available:
            self._unmark(line.product.product_id)
        self._row_changed(row)
        self.totalsChanged.emit()

    def remove_row(self, row: int) -> None:
        if not 0 <= row < len(self.cart.lines):
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        line = self.cart.lines.pop(row)
        self._short.pop(line.product.product_id, None)
        self.endRemoveRows()
        self.totalsChanged.emit()

    def clear(self) -> None:
        self.beginResetModel()
        self.cart.clear()
        self._short.clear()
        self.endResetModel()
        self.totalsChanged.emit()

    def mark_short(self, shortages: list[Shortage]) -> list[int]:
        """Mark the lines a checkout found short; returns their rows."""
        self._short = {s.product_id: s.available for s in shortages}
        rows = [
            r for r, line in enumerate(self.cart.lines) if line.product.product_id in self._short
        ]
        if self.cart.lines:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.cart.lines) - 1, LINE_TOTAL)
            )
        return rows

    def short_rows(self) -> list[int]:
        return [
            r for r, line in enumerate(self.cart.lines) if line.product.product_id in self._short
        ]

    def line(self, row: int) -> CartLine:
        return self.cart.lines[row]

    # -- QAbstractTableModel --------------------------------------------------------------
    @property
    def _rows(self) -> list[CartLine]:  # the table's rows are the cart's lines
        return self.cart.lines

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == QUANTITY:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.cart.lines):
            return None
        line = self.cart.lines[index.row()]
        column = index.column()
        available = self._short.get(line.product.product_id)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == NAME:
                if available is not None:
                    return f"{line.product.name}  ⚠ only {available} in stock"
                return line.product.name
            if column == QUANTITY:
                return str(line.quantity)
            if column == UNIT_PRICE:
                return format_money(line.product.unit_price)
            if column == LINE_TOTAL:
                return format_money(line.total)
        elif role == Qt.ItemDataRole.EditRole and column == QUANTITY:
            return str(line.quantity)  # text, so the editor is a line edit we validate ourselves
        elif role == Qt.ItemDataRole.TextAlignmentRole:
            return self.alignment(column)
        elif role == Qt.ItemDataRole.ToolTipRole:
            p = line.product
            tip = f"{p.name}\nSKU {p.sku}" + (f", barcode {p.barcode}" if p.barcode else "")
            tip += f"\nNet {format_money(line.net)} + tax {format_money(line.tax)}"
            if available is not None:
                tip += f"\nOnly {available} in stock: lower the quantity or remove the line."
            return tip
        elif role == Qt.ItemDataRole.BackgroundRole and available is not None:
            return SHORT_BRUSH
        elif (
            role == Qt.ItemDataRole.AccessibleTextRole and column == NAME and available is not None
        ):
            return f"{line.product.name}, short: only {available} in stock"
        return None

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: ANN001
        if not index.isValid() or index.column() != QUANTITY or role != Qt.ItemDataRole.EditRole:
            return False
        try:
            self.set_quantity(index.row(), value)
        except InvalidInput as exc:
            self.invalidInput.emit(str(exc))
            return False
        return True

    # -- internals ------------------------------------------------------------------------
    def _unmark(self, product_id: int) -> None:
        if self._short.pop(product_id, None) is not None:
            for row, line in enumerate(self.cart.lines):
                if line.product.product_id == product_id:
                    self._row_changed(row)

    def _row_changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, LINE_TOTAL))
