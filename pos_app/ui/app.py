"""Start the till: sign in, then the window, then everything slow."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox

from ..domain.errors import PosError
from ..services.store import Store
from .station import Station


def create_main_window(store: Store, station: Station | None = None) -> QMainWindow:
    """The one entry point the app, the self-test and the screenshot script use."""
    from .main_window import MainWindow
    from .money import apply_store_locale

    apply_store_locale(store)  # money in the store's locale (Settings)
    return MainWindow(store, station)


def run_gui(url: str) -> int:
    from ..cli import open_database

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("pos-app")
    app.setApplicationDisplayName("pos-app")
    try:
        db = open_database(url)
    except PosError as exc:  # a wrong URL or a server that is down: say so, in a window
        QMessageBox.critical(None, "pos-app cannot start", str(exc))
        return 2
    from .sign_in_dialog import SignInDialog

    store, station = Store(db), Station()
    if SignInDialog.ask(store, station) is None:  # Quit at the sign-in prompt
        db.dispose()
        return 0
    window = create_main_window(store, station)
    station.setParent(window)
    window.show()
    try:
        return app.exec()
    finally:
        db.dispose()
