"""No key does two things on one screen: a window-wide key (F1, Ctrl+T …) and a key of the
screen in front are both live, and Qt fires neither when two claim the same sequence."""

from __future__ import annotations

from collections import Counter

from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QAbstractButton, QWidget

from pos_app.ui.app import create_main_window
from pos_app.ui.main_window import VIEWS


def keys_of(widget: QWidget, *, below: QWidget | None = None) -> list[str]:
    """Every key sequence owned by ``widget``'s shortcuts and buttons (not those under ``below``)."""
    found: list[str] = []
    for shortcut in widget.findChildren(QShortcut):
        owner = shortcut.parent()
        if below is not None and isinstance(owner, QWidget) and below.isAncestorOf(owner):
            continue
        found += [k.toString() for k in shortcut.keys() if not k.isEmpty()]
    for button in widget.findChildren(QAbstractButton):
        if below is not None and below.isAncestorOf(button):
            continue
        if not button.shortcut().isEmpty():
            found.append(button.shortcut().toString())
    return found


def test_no_key_means_two_things_on_any_screen(qtbot, shop, station):
    window = create_main_window(shop, station)
    qtbot.addWidget(window)
    window_keys = set(keys_of(window, below=window.stack))
    clashes = {}
    for index, (title, _key, _name, _factory) in enumerate(VIEWS):
        view = window.view(index)
        own = Counter(keys_of(view))
        both = (set(own) & window_keys) | {k for k, n in own.items() if n > 1}
        if both:
            clashes[title] = sorted(both)
    assert clashes == {}

