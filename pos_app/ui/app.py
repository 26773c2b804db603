"""Start the till: the window first, then everything slow."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from ..services.store import Store


class MainWindow(QMainWindow):
    """Placeholder until the selling screens land (issue 4)."""

    def __init__(self, store: Store):
        super().__init__()
        self.store = store
        self.setObjectName("mainWindow")
        self.setWindowTitle("pos-app")
        label = QLabel(f"Till ready ({store.backend}).")
        label.setObjectName("statusLabel")
        self.setCentralWidget(label)
        self.resize(1024, 700)


def create_main_window(store: Store) -> QMainWindow:
    """The one entry point the app, the self-test and the screenshot script use."""
    return MainWindow(store)


def run_gui(url: str) -> int:
    from ..cli import open_database

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("pos-app")
    db = open_database(url)
    window = create_main_window(Store(db))
    window.show()
    try:
        return app.exec()
    finally:
        db.dispose()
