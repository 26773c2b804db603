"""Inline messages: errors are shown where the cashier is looking, never in a focus-stealing
dialog, with a short audible cue for a scanner that read an unknown code.

A failure is told in one of two ways: a ``PosError`` in its own words (it was written for
the cashier), anything else, a bug, logged with its traceback and told in a short
"Something went wrong" sentence that says what did not happen (``failure_text``).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from ..domain.errors import PosError, Shortage

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


def went_wrong(outcome: str, advice: str = "Try again.") -> str:
    """The sentence for a bug: what did not happen, then what to do."""
    return f"Something went wrong; {outcome}. {advice}"


def shortage_text(shortages: list[Shortage]) -> str:
    """'Chai: 5 wanted, only 2 in stock; Chang: …' for a sale or shipment refused."""
    return "; ".join(
        f"{s.name}: {s.requested} wanted, only {s.available} in stock" for s in shortages
    )


def failure_text(
    error: BaseException, generic: str, logger: logging.Logger, what: str, *, then: str = ""
) -> str:
    """What to show for ``error``: a PosError's own words (followed by ``then``, advice, if
    given); anything else is a bug, logged as ``what`` with its traceback and shown as
    ``generic``."""
    if isinstance(error, PosError):
        return f"{error} {then}" if then else str(error)
    logger.error(what, exc_info=error)
    return generic
