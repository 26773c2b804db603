"""Start the till: the window first, then everything slow."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


class MainWindow(QMainWindow):
    def __init__(self, database_label: str):
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("pos-app")
        label = QLabel(f"Till ready.\nDatabase: {database_label}")
        label.setObjectName("statusLabel")
        self.setCentralWidget(label)
        self.resize(1024, 700)


def run_gui(url: str) -> int:
    from ..cli import open_database
    from ..config import describe_url

    app = QApplication.instance() or QApplication(sys.argv)
    db = open_database(url)
    window = MainWindow(describe_url(url))
    window.show()
    try:
        return app.exec()
    finally:
        db.dispose()
