"""What every PIN prompt shares: a name box that offers the staff's names, a PIN field that
echoes dots and takes only digits (a PIN is 4 to 8 of them), and Enter that always answers.

QLineEdit stays silent on Enter (no returnPressed) while its text fails the validator, which
is what a pasted "12ab" does: ``EnterKeys`` catches the key itself, so the service gets to
say what is wrong."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit, QWidget

from ..domain.staff import MAX_NAME


def name_box(names: list[str], object_name: str, parent: QWidget | None = None) -> QComboBox:
    """An editable combo: pick a name from the list or type it (case does not matter)."""
    box = QComboBox(parent)
    box.setObjectName(object_name)
    box.setAccessibleName("Name")
    box.setEditable(True)
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)  # typing a name never adds it
    box.addItems(names)
    box.setCurrentIndex(-1)
    box.lineEdit().setMaxLength(MAX_NAME + 20)
    box.lineEdit().setPlaceholderText("your name")
    completer = box.completer()
    if completer is not None:
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.InlineCompletion)
    return box


def pin_field(object_name: str, accessible_name: str = "PIN", parent: QWidget | None = None) -> QLineEdit:
    field = QLineEdit(parent)
    field.setObjectName(object_name)
    field.setAccessibleName(accessible_name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(8)
    field.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,8}"), field))
    field.setPlaceholderText("4 to 8 digits")
    field.setInputMethodHints(
        Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData
    )
    return field


class EnterKeys(QObject):
    """Enter (or keypad Enter) in a watched widget runs that widget's action, once."""

    def __init__(self, parent: QObject):
        super().__init__(parent)
        self._actions: dict[QObject, Callable[[], None]] = {}

    def on(self, widget: QWidget, action: Callable[[], None]) -> None:
        self._actions[widget] = action
        widget.installEventFilter(self)
        if isinstance(widget, QComboBox) and widget.lineEdit() is not None:
            self._actions[widget.lineEdit()] = action
            widget.lineEdit().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and watched in self._actions
        ):
            self._actions[watched]()
            return True
        return False
