"""Render every screen and dialog with the demo store to PNG, for the README and for review.

    .venv/bin/python docs/screenshots/render.py            # light theme, 1366x768
    .venv/bin/python docs/screenshots/render.py --dark     # also a dark-palette pass

Each view/dialog module exposes ``demo(store) -> QWidget`` that returns the widget in an
interesting state; this script only shows, waits for background loads, and grabs.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, Qt  # noqa: E402
from PySide6.QtGui import QColor, QPalette  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QWidget  # noqa: E402

HERE = Path(__file__).resolve().parent
SCREENS = [
    ("sell", "pos_app.ui.cart_view"),
    ("checkout", "pos_app.ui.checkout_dialog"),
    ("orders", "pos_app.ui.orders_view"),
    ("catalogue", "pos_app.ui.catalogue_view"),
    ("product-dialog", "pos_app.ui.product_dialog"),
    ("receiving-dialog", "pos_app.ui.receiving_dialog"),
    ("ledger", "pos_app.ui.ledger_view"),
    ("journal-dialog", "pos_app.ui.journal_dialog"),
    ("sign-in", "pos_app.ui.sign_in_dialog"),
    ("till", "pos_app.ui.till_view"),
    ("till-close", "pos_app.ui.till_dialogs"),
    ("discount-dialog", "pos_app.ui.discount_dialog"),
    ("approval-dialog", "pos_app.ui.approval_dialog"),
    ("parked-dialog", "pos_app.ui.parked_dialog"),
    ("refunds", "pos_app.ui.refund_view"),
    ("reports", "pos_app.ui.reports_view"),
    ("staff", "pos_app.ui.staff_view"),
    ("settings", "pos_app.ui.settings_view"),
]
SIZE = (1366, 768)


def demo_store(folder: Path):
    """The demo store with three sales by its cashier, Cass, on "Till 1" (left open)."""
    from pos_app.cli import open_database
    from pos_app.domain.cart import Cart
    from pos_app.domain.tender import Tender
    from pos_app.repositories import UnitOfWork
    from pos_app.services.demo_data import load_demo_store
    from pos_app.services.sale import Checkout
    from pos_app.services.staff import sign_in
    from pos_app.services.store import Store
    from pos_app.services.till import open_till

    db = open_database(f"sqlite:///{folder / 'demo.sqlite3'}")
    load_demo_store(lambda: UnitOfWork(db.writer))
    with UnitOfWork(db.writer) as uow:
        cass = sign_in(uow, "Cass", "3456")
    with UnitOfWork(db.writer) as uow:
        shift = open_till(uow, cass, "Till 1", 15_000)
    for codes in (["NW-001", "NW-002", "NW-011"], ["NW-043", "NW-043", "NW-060"], ["NW-024"]):
        with UnitOfWork(db.writer) as uow:
            checkout = Checkout(uow, Cart(), shift=shift)
            for code in codes:
                checkout.add(code)
            checkout.confirm([Tender.cash(checkout.totals().total + 500)])
    return Store(db), shift


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in [
        (QPalette.ColorRole.Window, "#202124"), (QPalette.ColorRole.WindowText, "#e8eaed"),
        (QPalette.ColorRole.Base, "#171717"), (QPalette.ColorRole.AlternateBase, "#26272b"),
        (QPalette.ColorRole.Text, "#e8eaed"), (QPalette.ColorRole.Button, "#2d2e31"),
        (QPalette.ColorRole.ButtonText, "#e8eaed"), (QPalette.ColorRole.Highlight, "#3d6ec9"),
        (QPalette.ColorRole.HighlightedText, "#ffffff"), (QPalette.ColorRole.ToolTipBase, "#2d2e31"),
        (QPalette.ColorRole.ToolTipText, "#e8eaed"), (QPalette.ColorRole.PlaceholderText, "#9aa0a6"),
        (QPalette.ColorRole.BrightText, "#ffffff"),
    ]:
        palette.setColor(role, QColor(colour))
    return palette


def settle(app: QApplication, seconds: float = 0.8) -> None:
    """Let debounce timers and background loads finish before grabbing."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def grab(app: QApplication, widget: QWidget, path: Path) -> None:
    if isinstance(widget, QDialog):
        widget.adjustSize()
    else:
        widget.resize(*SIZE)
    widget.show()
    settle(app)
    widget.grab().save(str(path))
    widget.close()
    print(f"wrote {path.relative_to(HERE.parent.parent)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dark", action="store_true", help="also render with a dark palette")
    args = parser.parse_args()
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_DontCreateNativeWidgetSiblings)
    app = QApplication(sys.argv)
    app.setStyle("Fusion")
    with tempfile.TemporaryDirectory() as tmp:
        store, shift = demo_store(Path(tmp))
        from pos_app.ui.app import create_main_window
        from pos_app.ui.station import Station

        station = Station(shift.till_name)  # Cass signed in, as after the sign-in prompt
        station.sign_in(shift.cashier, shift)

        themes = [("", None)] + ([("-dark", dark_palette())] if args.dark else [])
        for suffix, palette in themes:
            if palette is not None:
                app.setPalette(palette)
            window = create_main_window(store, station)
            grab(app, window, HERE / f"main-window{suffix}.png")
            for name, module_name in SCREENS:
                try:
                    module = importlib.import_module(module_name)
                except ModuleNotFoundError:
                    print(f"skipped {name}: no module {module_name}")
                    continue
                demo = getattr(module, "demo", None)
                if demo is None:
                    print(f"skipped {name}: {module_name} has no demo()")
                    continue
                grab(app, demo(store), HERE / f"{name}{suffix}.png")
        store.db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
