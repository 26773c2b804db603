"""The two inputs every PIN prompt shares: a name box that offers the staff's names, and a
PIN field that echoes dots and takes only digits (a PIN is 4 to 8 of them)."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt
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
