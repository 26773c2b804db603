"""The Confirm/Cancel buttons of the till's keyboard-driven dialogs.

They never take the focus (Enter and Esc belong to the dialog's fields) and are never an
auto-default (so Enter never presses one by accident); ``default`` makes one the default.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton


def dialog_button(text: str, name: str, *, default: bool = False) -> QPushButton:
    """``text`` is "Label  Key"; the accessible name is the label."""
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(text.split("  ")[0])
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setAutoDefault(False)
    button.setDefault(default)
    button.setMinimumHeight(40)
    return button
