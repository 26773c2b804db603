"""Start the till: the window first, then everything slow."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMainWindow

from ..services.store import Store


def create_main_window(store: Store) -> QMainWindow:
    """The one entry point the app, the self-test and the screenshot script use."""
    from .main_window import MainWindow

    return MainWindow(store)


def run_gui(url: str) -> int:
    from ..cli import open_database

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("pos-app")
    app.setApplicationDisplayName("pos-app")
    db = open_database(url)
    window = create_main_window(Store(db))
    window.show()
    try:
        return app.exec()
    finally:
        db.dispose()
