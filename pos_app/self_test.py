"""``pos-app --self-test``: prove an installation works, on a throw-away database.

Run after installing (or by the build check on a frozen bundle): it migrates a temporary
SQLite database, reads the bundled resources, opens the main window (offscreen when there
is no display), loads the demo store, rolls one sale back and confirms another, runs the
integrity check and loads the PostgreSQL driver. The user's own database is never touched.

Prints one line per check, ``ok   <name>`` or ``FAIL <name>: <reason>``, and returns 0
only if every check passed. It never lets a traceback out: the details go to the log.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DEMO_BARCODE = "2000000000015"  # NW-001 Chai in resources/demo_catalogue.csv
DEMO_SKU = "NW-002"


class _Failed(Exception):
    """A check's own verdict (as opposed to an unexpected exception)."""


def _ensure(condition: object, reason: str) -> None:
    if not condition:
        raise _Failed(reason)


def _emit(line: str) -> None:
    # A windowed Windows executable has no stdout; the log still gets every line.
    if log.hasHandlers():
        log.info("self-test: %s", line)
    stream = sys.stdout or sys.stderr
    if stream is not None:
        print(line, file=stream, flush=True)


def use_offscreen_without_display(environ: dict[str, str] | None = None) -> bool:
    """On X11/Wayland systems, fall back to Qt's offscreen platform when there is no
    display at all (a server, CI, an SSH session). Windows and macOS always have one."""
    env = os.environ if environ is None else environ
    if sys.platform in ("win32", "darwin"):
        return False
    if env.get("QT_QPA_PLATFORM") or env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return False
    env["QT_QPA_PLATFORM"] = "offscreen"
    return True


class SelfTest:
    def __init__(self) -> None:
        self.failures: list[str] = []
        self.state: dict[str, Any] = {}

    def check(
        self, name: str, fn: Callable[[], str | None], *, needs: tuple[str, ...] = ()
    ) -> bool:
        missing = [n for n in needs if n not in self.state]
        if missing:
            self.failures.append(name)
            _emit(f"FAIL {name}: skipped, needs {', '.join(missing)}")
            return False
        try:
            detail = fn()
        except _Failed as exc:
            self.failures.append(name)
            _emit(f"FAIL {name}: {exc}")
            return False
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            if log.hasHandlers():  # the log file gets the traceback; the console never does
                log.exception("self-test check %r failed", name)
            self.failures.append(name)
            reason = f"{exc.__class__.__name__}: {exc}".strip().splitlines()[0]
            _emit(f"FAIL {name}: {reason}")
            return False
        _emit(f"ok   {name}" + (f" ({detail})" if detail else ""))
        return True


def run_self_test() -> int:
    started = time.perf_counter()
    from . import __version__

    frozen = "frozen" if getattr(sys, "frozen", False) else "from source"
    _emit(
        f"pos-app {__version__} self-test ({frozen}, Python {sys.version.split()[0]}, "
        f"{sys.platform})"
    )
    folder = Path(tempfile.mkdtemp(prefix="pos-app-self-test-"))
    test = SelfTest()
    try:
        _run_checks(test, folder)
    finally:
        _cleanup(test, folder)
    elapsed = time.perf_counter() - started
    if test.failures:
        _emit(f"self-test FAILED: {len(test.failures)} check(s) failed in {elapsed:.1f} s")
        return 1
    _emit(f"self-test passed in {elapsed:.1f} s")
    return 0


def _run_checks(test: SelfTest, folder: Path) -> None:
    state = test.state

    def database() -> str:
        from .cli import open_database
        from .persistence.migrate import current_revision, head_revision

        url = f"sqlite:///{(folder / 'self-test.sqlite3').as_posix()}"
        state["db"] = db = open_database(url)
        head = head_revision()
        _ensure(head, "no migrations found in the package")
        current = current_revision(db.engine)
        _ensure(current == head, f"database at revision {current}, expected {head}")
        return f"SQLite, migrated to {head}"

    def resources() -> str:
        import csv
        import io
        from importlib import resources as ir

        files = ir.files("pos_app.resources")
        rows = list(
            csv.DictReader(io.StringIO(files.joinpath("demo_catalogue.csv").read_text("utf-8")))
        )
        _ensure(rows, "demo_catalogue.csv is empty")
        for name in ("icon.png", "icon.svg"):
            _ensure(files.joinpath(name).is_file(), f"{name} is missing")
        state["catalogue_rows"] = len(rows)
        return f"{len(rows)} catalogue rows, icons present"

    def qt_application() -> str:
        offscreen = use_offscreen_without_display()
        from PySide6 import __version__ as pyside_version
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "pos-app"])
        app.setApplicationName("pos-app")
        state["app"] = app
        note = ", offscreen: no display" if offscreen else ""
        return f"PySide6 {pyside_version}, platform {app.platformName()}{note}"

    def icons() -> str:
        from importlib import resources as ir

        from PySide6.QtGui import QIcon, QImage, QPixmap
        from PySide6.QtSvg import QSvgRenderer

        files = ir.files("pos_app.resources")
        png = QImage()
        png.loadFromData(files.joinpath("icon.png").read_bytes(), "PNG")
        _ensure(not png.isNull(), "icon.png could not be decoded")
        _ensure(png.width() >= 256, f"icon.png is {png.width()} px wide, expected 256")
        svg_data = files.joinpath("icon.svg").read_bytes()
        renderer = QSvgRenderer(svg_data)
        _ensure(renderer.isValid(), "icon.svg could not be rendered (QtSvg)")
        svg = QImage()
        svg.loadFromData(svg_data, "SVG")  # needs the qsvg image-format plugin
        _ensure(not svg.isNull(), "the SVG image-format plugin is missing")
        icon = QIcon(QPixmap.fromImage(png))
        _ensure(not icon.isNull(), "could not make a window icon")
        state["icon"] = icon
        return "PNG and SVG decoded"

    def main_window() -> str:
        from PySide6.QtCore import QEventLoop, QTimer

        from .services.store import Store
        from .ui.app import create_main_window

        window = create_main_window(Store(state["db"]))
        state["window"] = window
        if "icon" in state:
            window.setWindowIcon(state["icon"])
        window.show()
        # One short event loop, not a processEvents() loop: PySide6 6.12.0 on CPython 3.11
        # loses a reference to None on every processEvents() call and aborts after a few
        # thousand of them.
        loop = QEventLoop()
        QTimer.singleShot(300, loop.quit)
        loop.exec()
        _ensure(window.isVisible(), "the main window did not become visible")
        return f"{type(window).__name__} {window.width()}x{window.height()}"

    def demo_data() -> str:
        from .repositories import UnitOfWork
        from .services.demo_data import load_demo_store
        from .services.store import Store

        db = state["db"]
        loaded = load_demo_store(lambda: UnitOfWork(db.writer))
        _ensure(loaded, "the demo store was not loaded into the empty database")
        count = Store(db).count_products()
        expected = state.get("catalogue_rows")
        _ensure(count > 0, "no products after loading the demo store")
        _ensure(expected is None or count == expected, f"{count} products, expected {expected}")
        state["demo"] = True
        return f"{count} products"

    def till_opened() -> str:
        from .repositories import UnitOfWork
        from .services.demo_data import DEMO_STAFF
        from .services.staff import sign_in
        from .services.till import open_till

        db = state["db"]
        name, _role, pin = DEMO_STAFF[-1]  # the demo cashier: her PIN checked with scrypt
        with UnitOfWork(db.writer) as uow:
            cashier = sign_in(uow, name, pin)
        with UnitOfWork(db.writer) as uow:
            state["shift"] = shift = open_till(uow, cashier, "Self-test till", 10_000)
        return f"{cashier.name} ({cashier.role.value}) signed in, session {shift.session_id}"

    def sale_rolled_back() -> str:
        from .repositories import UnitOfWork
        from .services.sale import Checkout
        from .services.store import Store

        db = state["db"]
        store = Store(db)
        orders_before = _count_orders(db)
        stock_before = store.lookup(DEMO_BARCODE).stock_on_hand
        with UnitOfWork(db.writer) as uow:
            checkout = Checkout(uow, shift=state["shift"])
            order_id = checkout.begin()
            _ensure(order_id, "no order number")
            checkout.add(DEMO_BARCODE, 2)
            checkout.add(DEMO_SKU, 1)
            total = checkout.totals().total
            _ensure(total > 0, f"total is {total}")
            checkout.cancel()
        _ensure(_count_orders(db) == orders_before, "the cancelled sale left an order behind")
        stock_after = store.lookup(DEMO_BARCODE).stock_on_hand
        _ensure(stock_after == stock_before, f"stock changed {stock_before} -> {stock_after}")
        return f"order {order_id} for {total} cents rolled back, nothing stored"

    def sale_confirmed() -> str:
        from .domain.tender import Tender
        from .repositories import UnitOfWork
        from .services.sale import Checkout
        from .services.store import Store

        db = state["db"]
        orders_before = _count_orders(db)
        with UnitOfWork(db.writer) as uow:
            checkout = Checkout(uow, shift=state["shift"])
            checkout.begin()
            checkout.add(DEMO_BARCODE, 1)
            total = checkout.totals().total
            receipt = checkout.confirm([Tender.cash(total + 500)])
        _ensure(receipt.receipt_no, "no receipt number")
        _ensure(_count_orders(db) == orders_before + 1, "the confirmed sale was not stored")
        report = Store(db).check()
        _ensure(report.ok, "; ".join(report.problems[:3]) or "integrity check failed")
        return f"receipt {receipt.receipt_no}, {report.summary()}"

    def postgresql_driver() -> str:
        import psycopg2
        from sqlalchemy import create_engine
        from sqlalchemy.dialects import postgresql  # noqa: F401

        engine = create_engine("postgresql+psycopg2://till@localhost/pos")  # no connection made
        _ensure(engine.dialect.driver == "psycopg2", f"driver is {engine.dialect.driver}")
        engine.dispose()
        return f"psycopg2 {psycopg2.__version__.split()[0]}, libpq {psycopg2.__libpq_version__}"

    def receipt_printer_data() -> str:
        # python-escpos caches its parsed printer database in a pickle directory (a new
        # temporary one per import unless told): keep it inside our throw-away folder.
        os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", str(folder))
        from escpos import capabilities

        profiles = capabilities.CAPABILITIES.get("profiles", {})
        default = profiles.get("default", {}).get("name")
        _ensure(default and default != "BrokenDefault", "capabilities.json is missing")
        return f"{len(profiles)} printer profiles"

    test.check("database and migrations", database)
    test.check("bundled resources", resources)
    test.check("qt application", qt_application)
    test.check("icons", icons, needs=("app",))
    test.check("main window", main_window, needs=("app", "db"))
    test.check("demo data", demo_data, needs=("db",))
    test.check("till opened", till_opened, needs=("db", "demo"))
    test.check("sale rolled back", sale_rolled_back, needs=("db", "demo", "shift"))
    test.check("sale confirmed and store check", sale_confirmed, needs=("db", "demo", "shift"))
    test.check("postgresql driver", postgresql_driver)
    if importlib.util.find_spec("escpos") is not None:
        test.check("receipt printer data", receipt_printer_data)
    else:
        _emit("skip receipt printer data: python-escpos is not installed")


def _count_orders(db) -> int:
    from sqlalchemy import func, select

    from .persistence.models import Order

    with db.reader() as session:
        return session.scalar(select(func.count(Order.id)))


def _cleanup(test: SelfTest, folder: Path) -> None:
    state = test.state
    try:
        window = state.pop("window", None)
        if window is not None:
            window.close()
            window.deleteLater()
        if "app" in state:
            from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool

            QThreadPool.globalInstance().waitForDone(5000)
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            QCoreApplication.processEvents()
        db = state.pop("db", None)
        if db is not None:
            db.dispose()
    except Exception:
        if log.hasHandlers():
            log.warning("self-test cleanup failed", exc_info=True)
    shutil.rmtree(folder, ignore_errors=True)
