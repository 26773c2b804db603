"""Inline messages: errors are shown where the cashier is looking, never in a focus-stealing
dialog, with a short audible cue for a scanner that read an unknown code."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget

ERROR_STYLE = "QLabel { color: palette(bright-text); background: #b3261e; padding: 6px 10px; border-radius: 4px; font-weight: 600; }"
INFO_STYLE = "QLabel { color: palette(bright-text); background: #1b6e3a; padding: 6px 10px; border-radius: 4px; }"


class InlineMessage(QLabel):
    def __init__(self, parent: QWidget | None = None, *, object_name: str = "inlineMessage"):
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setAccessibleName("Message")
        self.setWordWrap(True)
        self.setVisible(False)
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.clear_message)

    def show_error(self, text: str, *, beep: bool = True, seconds: int = 0) -> None:
        self._show(text, ERROR_STYLE, seconds)
        if beep:
            QApplication.beep()

    def show_info(self, text: str, *, seconds: int = 6) -> None:
        self._show(text, INFO_STYLE, seconds)

    def clear_message(self) -> None:
        self.setText("")
        self.setVisible(False)

    @property
    def is_error(self) -> bool:
        return self.isVisible() and self.styleSheet() == ERROR_STYLE

    def _show(self, text: str, style: str, seconds: int) -> None:
        self.setStyleSheet(style)
        self.setText(text)
        self.setVisible(True)
        self.setAccessibleDescription(text)
        if seconds:
            self._timer.start(seconds * 1000)
        else:
            self._timer.stop()
