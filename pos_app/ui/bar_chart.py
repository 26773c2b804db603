"""A bar chart painted with QPainter (PySide6-Essentials has no QtCharts): upright bars for
days, lying bars for named things (products, cashiers, tenders) so long names stay
readable. The value axis is labelled in the locale's money format; bars below zero (refunds
outweighing sales) hang under the zero line in another colour.

Colours come from the palette (text, grid, highlight), so the chart reads on a light or a
dark theme alike. Hovering a bar tells its label and value.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QHelpEvent, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from .money import format_money

MAX_TICKS = 5
_GAP = 6  # pixels between an axis label and the plot


def nice_step(span: int, ticks: int = MAX_TICKS) -> int:
    """The smallest 1, 2 or 5 × 10ⁿ (in cents, at least 1) that covers ``span`` in at most
    ``ticks`` steps: axis marks a reader can add up in their head."""
    span = max(int(span), 1)
    magnitude = 10 ** max(int(math.floor(math.log10(span / ticks))) if span > ticks else 0, 0)
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if span / step <= ticks:
                return step
        magnitude *= 10


def axis_range(values: Sequence[int]) -> tuple[int, int, int]:
    """(low, high, step): zero always inside, both ends on a tick."""
    low, high = min([0, *values]), max([0, *values])
    if low == high:
        high = 100  # nothing sold: an empty axis from 0 to 1.00
    step = nice_step(high - low)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


class BarChart(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("barChart")
        self.setAccessibleName("Chart")
        self.setMinimumSize(320, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.format_value: Callable[[int], str] = format_money
        self._title = ""
        self._labels: tuple[str, ...] = ()
        self._values: tuple[int, ...] = ()
        self._horizontal = False
        self._empty_text = "Run a report to see its chart."

    # -- data ---------------------------------------------------------------------------
    def set_series(
        self,
        title: str,
        labels: Sequence[str],
        values: Sequence[int],
        *,
        horizontal: bool = False,
        empty_text: str = "Nothing to show for these days.",
    ) -> None:
        if len(labels) != len(values):
            raise ValueError("one label per value")
        self._title = title
        self._labels, self._values = tuple(labels), tuple(int(v) for v in values)
        self._horizontal = horizontal
        self._empty_text = empty_text
        description = f"{title}: {len(values)} bars"
        if self._values:
            top = max(range(len(self._values)), key=self._values.__getitem__)
            description += f", highest {labels[top]} {self.format_value(self._values[top])}"
        self.setAccessibleDescription(description)
        self.update()

    def clear(self, empty_text: str = "Run a report to see its chart.") -> None:
        self.set_series("", (), (), empty_text=empty_text)

    @property
    def title(self) -> str:
        return self._title

    @property
    def horizontal(self) -> bool:
        return self._horizontal

    def bar_count(self) -> int:
        return len(self._values)

    def values(self) -> tuple[int, ...]:
        return self._values

    def labels(self) -> tuple[str, ...]:
        return self._labels

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(640, 260)

    # -- layout: what paintEvent draws and tooltips find --------------------------------
    def _title_font(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        return font

    def _plot_rect(self) -> QRectF:
        metrics = self.fontMetrics()
        low, high, step = axis_range(self._values)
        ticks = [self.format_value(v) for v in range(low, high + 1, step)]
        top = QFontMetrics(self._title_font()).height() + 2 * _GAP
        if self._horizontal:
            label_width = min(
                max((metrics.horizontalAdvance(t) for t in self._labels), default=0),
                int(self.width() * 0.35),
            )
            left = label_width + 2 * _GAP
            bottom = metrics.height() + _GAP + 2
            # room for half the last tick's label, and for the figure beside the longest bar
            longest = self.format_value(max(self._values, default=0))
            right = max(
                max(metrics.horizontalAdvance(t) for t in ticks) // 2 + _GAP,
                metrics.horizontalAdvance(longest) + 2 * _GAP,
            )
        else:
            left = max(metrics.horizontalAdvance(t) for t in ticks) + 2 * _GAP
            bottom = metrics.height() + 2 * _GAP
            right = _GAP * 2
        return QRectF(left, top, self.width() - left - right, self.height() - top - bottom)

    def _scale(self, plot: QRectF) -> Callable[[int], float]:
        """Value -> pixel along the value axis (x for lying bars, y for upright ones)."""
        low, high, _step = axis_range(self._values)
        span = high - low
        if self._horizontal:
            return lambda v: plot.left() + (v - low) / span * plot.width()
        return lambda v: plot.bottom() - (v - low) / span * plot.height()

    def bar_rects(self) -> list[QRectF]:
        """Each bar's rectangle at the widget's present size, in label order."""
        if not self._values:
            return []
        plot = self._plot_rect()
        at = self._scale(plot)
        zero = at(0)
        n = len(self._values)
        rects = []
        if self._horizontal:
            slot = plot.height() / n
            thickness = max(min(slot * 0.7, 28.0), 1.0)
            for i, value in enumerate(self._values):
                y = plot.top() + i * slot + (slot - thickness) / 2
                end = at(value)
                rects.append(QRectF(min(zero, end), y, max(abs(end - zero), 1.0), thickness))
        else:
            slot = plot.width() / n
            thickness = max(min(slot * 0.75, 48.0), 1.0)
            for i, value in enumerate(self._values):
                x = plot.left() + i * slot + (slot - thickness) / 2
                end = at(value)
                rects.append(QRectF(x, min(zero, end), thickness, max(abs(end - zero), 1.0)))
        return rects

    # -- painting -------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:  # noqa: N802, ANN001 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        painter.setPen(text)
        painter.setFont(self._title_font())
        title_height = QFontMetrics(self._title_font()).height()
        painter.drawText(
            QRectF(_GAP, _GAP, self.width() - 2 * _GAP, title_height),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            self._title,
        )
        painter.setFont(self.font())
        if not self._values:
            muted = palette.color(QPalette.ColorRole.PlaceholderText)
            painter.setPen(muted)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._empty_text)
            painter.end()
            return
        plot = self._plot_rect()
        self._paint_axis(painter, plot, text)
        dark = _is_dark(palette)
        up = palette.color(QPalette.ColorRole.Highlight)
        down = QColor("#ef6c62" if dark else "#b3261e")
        painter.setPen(Qt.PenStyle.NoPen)
        for rect, value in zip(self.bar_rects(), self._values, strict=True):
            painter.setBrush(down if value < 0 else up)
            painter.drawRect(rect)
        self._paint_labels(painter, plot, text)
        painter.end()

    def _paint_axis(self, painter: QPainter, plot: QRectF, text: QColor) -> None:
        metrics = self.fontMetrics()
        grid = QColor(text)
        grid.setAlpha(45)
        low, high, step = axis_range(self._values)
        at = self._scale(plot)
        for value in range(low, high + 1, step):
            label = self.format_value(value)
            painter.setPen(QPen(text if value == 0 else grid, 1))
            if self._horizontal:
                x = at(value)
                painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
                painter.setPen(text)
                width = metrics.horizontalAdvance(label)
                painter.drawText(
                    QPointF(x - width / 2, plot.bottom() + _GAP + metrics.ascent()), label
                )
            else:
                y = at(value)
                painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
                painter.setPen(text)
                painter.drawText(
                    QRectF(0, y - metrics.height() / 2, plot.left() - _GAP, metrics.height()),
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                    label,
                )

    def _paint_labels(self, painter: QPainter, plot: QRectF, text: QColor) -> None:
        metrics = self.fontMetrics()
        painter.setPen(text)
        rects = self.bar_rects()
        if self._horizontal:
            room = int(plot.left() - 2 * _GAP)
            for rect, label, value in zip(rects, self._labels, self._values, strict=True):
                centre = rect.center().y()
                painter.drawText(
                    QRectF(_GAP, centre - metrics.height() / 2, room, metrics.height()),
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                    metrics.elidedText(label, Qt.TextElideMode.ElideRight, room),
                )
                if rect.height() >= metrics.height() - 2:  # the value beside its bar
                    figure = self.format_value(value)
                    width = metrics.horizontalAdvance(figure)
                    x = rect.right() + _GAP if value >= 0 else rect.left() - _GAP - width
                    x = min(max(x, plot.left() + 2), self.width() - width - 2)
                    painter.drawText(QPointF(x, centre + metrics.ascent() / 2 - 1), figure)
            return
        # upright bars: as many labels as fit side by side, evenly spread
        widest = max((metrics.horizontalAdvance(t) for t in self._labels), default=0) + _GAP
        slot = plot.width() / len(self._labels)
        every = max(1, math.ceil(widest / slot)) if slot > 0 else len(self._labels)
        baseline = plot.bottom() + _GAP + metrics.ascent()
        for i, (rect, label) in enumerate(zip(rects, self._labels, strict=True)):
            if i % every:
                continue
            width = metrics.horizontalAdvance(label)
            x = min(max(rect.center().x() - width / 2, 0), self.width() - width)
            painter.drawText(QPointF(x, baseline), label)

    # -- hovering -------------------------------------------------------------------------
    def bar_at(self, point: QPointF) -> int | None:
        """The bar under ``point`` (anywhere in its column or row), None between bars."""
        if not self._values:
            return None
        plot = self._plot_rect()
        for i, rect in enumerate(self.bar_rects()):
            band = (
                QRectF(plot.left(), rect.top(), plot.width(), rect.height())
                if self._horizontal
                else QRectF(rect.left(), plot.top(), rect.width(), plot.height())
            )
            if band.contains(point):
                return i
        return None

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self.bar_at(QPointF(event.pos()))
            if index is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(
                    event.globalPos(),
                    f"{self._labels[index]}: {self.format_value(self._values[index])}",
                    self,
                )
            return True
        return super().event(event)
