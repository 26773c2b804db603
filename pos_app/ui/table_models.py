"""What every table model of the screens shares: column headers, row and column counts,
and figures right-aligned (header and cells) while text reads from the left."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class TableModel(QAbstractTableModel):
    """A flat table of ``self._rows`` under ``HEADERS``; the ``NUMERIC`` columns (amounts,
    quantities, numbers) are right-aligned, the others left-aligned.

    ``ALIGN_TEXT_HEADERS = False`` leaves a text column's header where the header view puts
    it (centred); ``NUMBERED_ROWS`` shows 1, 2, 3 … in the vertical header.
    """

    HEADERS: Sequence[str] = ()
    NUMERIC: Collection[int] = frozenset()
    ALIGN_TEXT_HEADERS = True
    NUMBERED_ROWS = False

    _rows: Sequence

    def set_rows(self, rows: Sequence) -> None:
        """Show these rows instead (a whole new read)."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's idiom
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def alignment(self, column: int) -> int:
        return int(RIGHT if column in self.NUMERIC else LEFT)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.HEADERS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and (
                self.ALIGN_TEXT_HEADERS or section in self.NUMERIC
            ):
                return self.alignment(section)
        elif (
            orientation == Qt.Orientation.Vertical
            and role == Qt.ItemDataRole.DisplayRole
            and self.NUMBERED_ROWS
        ):
            return str(section + 1)
        return None
