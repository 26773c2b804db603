"""The catalogue as a table that loads page by page.

A store may hold 100,000 products, so the model never holds them all: it asks the
``Store`` for one page of the current search at a time (in the background) and tells the
view there is more until the count is reached. Filtering and ordering are done in SQL.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette

from ..domain.errors import PosError
from ..services.store import ProductRow, Store
from .background import Background
from .money import format_money, format_rate

LOW_STOCK = 5  # at or below this many on hand a product is flagged for re-ordering
PAGE_SIZE = 200
# A search counts its matches only this far ("1,000+ products"): counting the 31,000
# products with a word starting "c" costs more than the first page itself, and a cashier
# with a thousand matches types another letter rather than scroll.
COUNT_CAP = 1_001

ProductIdRole = Qt.ItemDataRole.UserRole
StockLevelRole = Qt.ItemDataRole.UserRole + 1  # "ok", "low" or "out", on every column

# (light theme, dark theme) foregrounds, each readable on that theme's base colour
_LOW_COLOURS = (QColor("#9a4a00"), QColor("#ffb74d"))
_OUT_COLOURS = (QColor("#b3261e"), QColor("#ff8a80"))
_OUT_BACKGROUND = QColor(220, 38, 38, 45)  # a translucent red tint works on both themes

Index = QModelIndex | QPersistentModelIndex


def stock_level(stock: int) -> str:
    if stock <= 0:
        return "out"
    return "low" if stock <= LOW_STOCK else "ok"


def _dark_theme() -> bool:
    return QGuiApplication.palette().color(QPalette.ColorRole.Base).lightness() < 128


class ProductTableModel(QAbstractTableModel):
    SKU, BARCODE, NAME, PRICE, TAX, STOCK, ACTIVE = range(7)
    HEADERS = ("SKU", "Barcode", "Name", "Price", "Tax", "Stock", "Active")
    NUMERIC = frozenset({PRICE, TAX, STOCK})

    searchFinished = Signal(int)  # how many products match the latest search
    searchFailed = Signal(str)  # a sentence for the cashier

    def __init__(
        self,
        store: Store,
        parent: QObject | None = None,
        *,
        page_size: int = PAGE_SIZE,
        background: Background | None = None,
        count_cap: int = COUNT_CAP,
    ):
        super().__init__(parent)
        self.store = store
        self.page_size = page_size
        self.count_cap = count_cap
        # Owned by the application, not by this model: a search still running when the view
        # is closed then finishes into a live object and is dropped (see _alive).
        self.background = background or Background(QCoreApplication.instance())
        self.text = ""
        self.total = 0
        self.capped = False  # the count stopped at count_cap: there are at least that many
        self._rows: list[ProductRow] = []
        self._generation = 0  # bumped by every search so stale pages are dropped
        self._fetching = False
        self._bold = QFont()
        self._bold.setBold(True)

    # -- loading ------------------------------------------------------------------------
    def search(self, text: str) -> None:
        """Start a search; its first page replaces the rows when it lands."""
        text = (text or "").strip()
        self._generation += 1
        generation = self._generation
        store, size = self.store, self.page_size
        # The whole catalogue (no filter) is counted exactly: "100,000 products" is cheap
        # to know and worth showing; a filter's matches only up to the cap.
        cap = self.count_cap if text else None

        def work() -> tuple[int, list[ProductRow]]:
            return store.search_products(text, limit=size, count_cap=cap)

        self.background.submit(
            work,
            lambda result: self._search_done(generation, text, *result),
            self._failed,
            key="search",
        )

    def _alive(self) -> bool:
        return shiboken6.isValid(self)

    def _search_done(self, generation: int, text: str, total: int, rows: list) -> None:
        if not self._alive() or generation != self._generation:
            return
        self.beginResetModel()
        self.text, self.total, self._rows = text, total, list(rows)
        self.capped = text != "" and total >= self.count_cap
        self._past_cap(len(rows))
        self._fetching = False
        self.endResetModel()
        self.searchFinished.emit(total)

    def _failed(self, exc: Exception) -> None:
        if not self._alive():
            return
        self._fetching = False
        message = str(exc) if isinstance(exc, PosError) else "The catalogue could not be read."
        self.searchFailed.emit(message)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._fetching and len(self._rows) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        """Load the next page in the background; rows are appended when it arrives."""
        if not self.canFetchMore(parent):
            return
        self._fetching = True
        generation, offset = self._generation, len(self._rows)
        store, text, size = self.store, self.text, self.page_size
        self.background.submit(
            lambda: store.products(text, offset=offset, limit=size),
            lambda rows: self._page_done(generation, offset, rows),
            self._failed,
            key="page",
        )

    def _page_done(self, generation: int, offset: int, rows: list) -> None:
        if not self._alive() or generation != self._generation or offset != len(self._rows):
            return
        self._fetching = False
        if not rows:  # the catalogue shrank since the count: stop asking
            self.total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()
        self._past_cap(len(rows))

    def _past_cap(self, page: int) -> None:
        """A capped count is a floor: scrolling goes on while pages come back full."""
        if not self.capped:
            return
        if page < self.page_size:  # the last page: now the number is exact
            self.total = len(self._rows)
        elif len(self._rows) >= self.total:
            self.total = len(self._rows) + 1

    def is_fetching(self) -> bool:
        return self._fetching

    # -- reading ------------------------------------------------------------------------
    def product_at(self, row: int) -> ProductRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, product_id: int) -> int:
        for row, product in enumerate(self._rows):
            if product.product_id == product_id:
                return row
        return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.HEADERS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section in self.NUMERIC:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.parent().isValid():
            return None
        product = self.product_at(index.row())
        if product is None:
            return None
        column = index.column()
        level = stock_level(product.stock_on_hand)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(product, column, level)
        if role == ProductIdRole:
            return product.product_id
        if role == StockLevelRole:
            return level
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (
                Qt.AlignmentFlag.AlignRight
                if column in self.NUMERIC
                else Qt.AlignmentFlag.AlignLeft
            )
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and level != "ok":
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(product, column, level)
        if role == Qt.ItemDataRole.BackgroundRole and level == "out" and column == self.STOCK:
            return _OUT_BACKGROUND
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(product, level)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._display(product, column, level)
        return None

    def _display(self, product: ProductRow, column: int, level: str) -> str:
        if column == self.SKU:
            return product.sku
        if column == self.BARCODE:
            return product.barcode or ""
        if column == self.NAME:
            return product.name
        if column == self.PRICE:
            return format_money(product.unit_price)
        if column == self.TAX:
            return format_rate(product.tax_rate_ppm)
        if column == self.STOCK:
            marker = {"out": "Out  ", "low": "Low  "}.get(level, "")
            return f"{marker}{product.stock_on_hand:,}"
        if column == self.ACTIVE:
            return "Yes" if product.active else "No"
        return ""

    def _foreground(self, product: ProductRow, column: int, level: str) -> QColor | None:
        if level != "ok" and column in (self.STOCK, self.NAME):
            colours = _OUT_COLOURS if level == "out" else _LOW_COLOURS
            return colours[1] if _dark_theme() else colours[0]
        if not product.active:
            return QGuiApplication.palette().color(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
            )
        return None

    @staticmethod
    def _tooltip(product: ProductRow, level: str) -> str | None:
        notes = []
        if level == "out":
            notes.append("Out of stock: receive goods before selling this.")
        elif level == "low":
            notes.append(f"Low stock: {product.stock_on_hand} left (re-order at {LOW_STOCK}).")
        if not product.active:
            notes.append("Inactive: not sold at the till.")
        return "\n".join(notes) or None
