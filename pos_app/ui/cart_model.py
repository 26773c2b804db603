"""The cart's lines as a table: what the cashier sees and edits while scanning.

The model wraps the domain ``Cart`` (the single source of the figures) and adds only what
the screen needs: which lines were short of stock at the last checkout, and signals that
tell the view to refresh its totals or show a message. Discounts and price changes go
through the cart (which checks the rights); every row is refreshed after one, since a sale
discount's shares and a tax rounded per total depend on all the lines.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from ..domain.cart import Cart, CartLine, ProductSnapshot
from ..domain.errors import InvalidInput, Shortage
from ..domain.money import parse_quantity
from ..domain.pricing import Discount, DiscountKind, PricingRules
from ..domain.staff import Approval, StaffMember
from .money import format_money
from .table_models import Index, TableModel

NAME, QUANTITY, UNIT_PRICE, DISCOUNT, LINE_TOTAL = range(5)
HEADERS = ("Product", "Qty", "Unit price", "Discount", "Line total")
# Translucent red reads on light and dark themes; the text marker says it without colour.
SHORT_BRUSH = QBrush(QColor(220, 50, 40, 70))


class CartTableModel(TableModel):
    """Lines of one ``Cart``; quantities are edited in place and validated like typed input."""

    HEADERS = HEADERS
    NUMERIC = frozenset({QUANTITY, UNIT_PRICE, DISCOUNT, LINE_TOTAL})
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
        self._all_changed()  # a sale discount is shared over the lines left
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
            self._all_changed()
        return rows

    def short_rows(self) -> list[int]:
        return [
            r for r, line in enumerate(self.cart.lines) if line.product.product_id in self._short
        ]

    def line(self, row: int) -> CartLine:
        return self.cart.lines[row]

    # -- discounts, price changes, the store's rules ---------------------------------------
    def discount_line(
        self,
        row: int,
        discount: Discount | None,
        *,
        by: StaffMember,
        limit_ppm: int,
        approval: Approval | None = None,
    ) -> StaffMember | None:
        """The cart decides (PermissionDenied above the limit without ``approval``)."""
        approver = self.cart.discount_line(
            self.cart.lines[row].product.product_id,
            discount,
            by=by,
            limit_ppm=limit_ppm,
            approval=approval,
        )
        self._figures_changed()
        return approver

    def discount_sale(
        self,
        discount: Discount | None,
        *,
        by: StaffMember,
        limit_ppm: int,
        approval: Approval | None = None,
    ) -> StaffMember | None:
        approver = self.cart.discount_sale(
            discount, by=by, limit_ppm=limit_ppm, approval=approval
        )
        self._figures_changed()
        return approver

    def override_price(
        self,
        row: int,
        unit_price: int | None,
        *,
        by: StaffMember,
        approval: Approval | None = None,
    ) -> StaffMember | None:
        approver = self.cart.override_price(
            self.cart.lines[row].product.product_id, unit_price, by=by, approval=approval
        )
        self._figures_changed()
        return approver

    def set_rules(self, rules: PricingRules) -> None:
        """Price by the store's rules (tax in or on prices, where tax is rounded)."""
        if rules != self.cart.rules:
            self.cart.rules = rules
            self._figures_changed()

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
                if line.price_override is not None:
                    return (
                        f"{format_money(line.unit_price)} (was "
                        f"{format_money(line.product.unit_price)})"
                    )
                return format_money(line.product.unit_price)
            if column == DISCOUNT:
                return discount_text(line)
            if column == LINE_TOTAL:
                return format_money(line.total)
        elif role == Qt.ItemDataRole.EditRole and column == QUANTITY:
            return str(line.quantity)  # text, so the editor is a line edit we validate ourselves
        elif role == Qt.ItemDataRole.TextAlignmentRole:
            return self.alignment(column)
        elif role == Qt.ItemDataRole.ToolTipRole:
            p = line.product
            tip = f"{p.name}\nSKU {p.sku}" + (f", barcode {p.barcode}" if p.barcode else "")
            priced = line.priced()
            if priced.discount:
                tip += f"\nLine discount {format_money(priced.discount)}"
            if priced.sale_discount:
                tip += f"\nShare of the sale discount {format_money(priced.sale_discount)}"
            if line.price_override is not None:
                tip += (
                    f"\nPrice changed at the till from {format_money(line.product.unit_price)}"
                )
            tip += f"\nNet {format_money(priced.net)} + tax {format_money(priced.tax)}"
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
        # A quantity changes the other lines' shares of a sale discount (and of a tax
        # rounded per total) too: with either in play, every row is refreshed.
        if self.cart.sale_discount is not None or self.cart.rules.tax_rounding != "line":
            self._all_changed()
        else:
            self.dataChanged.emit(self.index(row, 0), self.index(row, LINE_TOTAL))

    def _all_changed(self) -> None:
        if self.cart.lines:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.cart.lines) - 1, LINE_TOTAL)
            )

    def _figures_changed(self) -> None:
        self._all_changed()
        self.totalsChanged.emit()


def discount_text(line: CartLine) -> str:
    """'−3.60 (10 %)', '−5.00', or nothing: the line's own discount."""
    priced = line.priced()
    if line.discount is None or not priced.discount:
        return ""
    text = f"−{format_money(priced.discount)}"
    if line.discount.kind == DiscountKind.PERCENT:
        text += f" ({line.discount.describe()})"
    return text
