"""Time to first usable window: from a cold process start to the selling screen shown with
the scan field focused, on the demo store. Prints the median of several runs, and the same
for a bare QApplication + empty QMainWindow as the baseline measured in the same run.

With ``--catalogue`` (the default), also the 100,000-product store: cold start to the first
usable window, then the Catalogue screen opened as F2 opens it, until its first page is in
the table (model rowCount > 0); and each child's peak RSS (its own VmHWM read just
before it exits), against the bare Qt window's peak RSS in the same run.

    .venv/bin/python bench/startup.py [--runs 7] [--no-catalogue] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import table, write_section  # noqa: E402

# The child's own peak RSS in KiB: VmHWM belongs to the address space exec() gave it. (Its
# ru_maxrss would not do: Linux carries the pre-exec peak over, and subprocess's vfork
# shares the parent's address space until exec, so a big parent inflates every child.)
PEAK_RSS = r"""
def PEAK():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
"""

CHILD_APP = (
    PEAK_RSS
    + r"""
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
from pos_app.cli import open_database
from pos_app.services.store import Store
from pos_app.ui.app import create_main_window
db = open_database(sys.argv[1])
window = create_main_window(Store(db))
window.resize(1366, 768)
window.show()
def ready():
    focus = QApplication.focusWidget()
    print(time.time(), focus.objectName() if focus else "-", flush=True)
    app.quit()
QTimer.singleShot(0, ready)
app.exec()
print("rss_kib", PEAK(), flush=True)
"""
)

CHILD_BARE = (
    PEAK_RSS
    + r"""
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow(); window.resize(1366, 768); window.show()
QTimer.singleShot(0, lambda: (print(time.time(), "-", flush=True), app.quit()))
app.exec()
print("rss_kib", PEAK(), flush=True)
"""
)

# The 100k store: first usable window as above, then the Catalogue tab as F2 shows it, then
# wait (polling the event loop, as a person would wait) until the first page is in the model.
CHILD_CATALOGUE = (
    PEAK_RSS
    + r"""
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
from pos_app.cli import open_database
from pos_app.services.store import Store
from pos_app.ui.app import create_main_window
from pos_app.ui.main_window import VIEWS
db = open_database(sys.argv[1])
window = create_main_window(Store(db))
window.resize(1366, 768)
window.show()
marks = {}
def poll():
    view = window.view_named("catalogueView")
    if view.model.rowCount() > 0:
        marks["page"] = time.time()
        marks["rows"] = view.model.rowCount()
        app.quit()
    elif time.time() - marks["window"] > 60:
        app.exit(3)
    else:
        QTimer.singleShot(2, poll)
def ready():
    focus = QApplication.focusWidget()
    marks["window"] = time.time()
    marks["focus"] = focus.objectName() if focus else "-"
    names = [name for _t, _k, name, _f in VIEWS]
    window.tabs.setCurrentIndex(names.index("catalogueView"))  # what F2 does
    QTimer.singleShot(0, poll)
QTimer.singleShot(0, ready)
code = app.exec()
print(marks["window"], marks["focus"], marks.get("page", 0), marks.get("rows", 0), flush=True)
print("rss_kib", PEAK(), flush=True)
db.dispose()
sys.exit(code)
"""
)


def launch(code: str, url: str) -> dict:
    """One cold child: seconds from spawning it to each mark it prints, and its peak RSS."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    start = time.time()
    lines = subprocess.run(
        [sys.executable, "-c", code, url], capture_output=True, text=True, env=env, check=True
    ).stdout.splitlines()
    marks = lines[0].split()
    result = {
        "window": float(marks[0]) - start,
        "focus": marks[1],
        "rss_mib": int(lines[-1].split()[1]) / 1024,  # VmHWM is in KiB
    }
    if len(marks) > 2:
        result["page"] = float(marks[2]) - start
        result["rows"] = int(marks[3])
    return result


def measure(code: str, url: str, runs: int) -> tuple[list[float], str]:
    results = [launch(code, url) for _ in range(runs)]
    return [r["window"] for r in results], results[-1]["focus"]


def catalogue_store(path: Path) -> tuple[str, float]:
    """A SQLite store holding the 100,000 products of bench/catalogue.py; seconds to make it."""
    from bench.catalogue import PRODUCTS, fill
    from pos_app.persistence.engine import Database
    from pos_app.persistence.migrate import upgrade

    url = f"sqlite:///{path}"
    started = time.perf_counter()
    db = Database.connect(url)
    upgrade(db.engine)
    fill(db, PRODUCTS)  # executemany in one explicit transaction
    db.dispose()
    return url, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-catalogue", action="store_true", help="skip the 100k store")
    parser.add_argument("--no-write", action="store_true", help="do not update BENCHMARKS.md")
    args = parser.parse_args()
    runs: dict[str, list[dict]] = {"bare": [], "demo": [], "catalogue": []}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'demo.sqlite3'}"
        subprocess.run(
            [sys.executable, "-m", "pos_app", "demo-data", "--database-url", url],
            check=True,
            capture_output=True,
        )
        big_url, fill_s = (None, 0.0)
        if not args.no_catalogue:
            big_url, fill_s = catalogue_store(Path(tmp) / "catalogue.sqlite3")
        launch(CHILD_BARE, url)  # warm the page cache once, so run 1 is not the odd one out
        for _ in range(args.runs):  # interleaved: a busy moment slows all cases alike
            runs["bare"].append(launch(CHILD_BARE, url))
            runs["demo"].append(launch(CHILD_APP, url))
            if big_url:
                runs["catalogue"].append(launch(CHILD_CATALOGUE, big_url))

    def med(case: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[case])

    bare_t, bare_rss = med("bare", "window"), med("bare", "rss_mib")
    app_t, app_rss = med("demo", "window"), med("demo", "rss_mib")
    app_times = [r["window"] for r in runs["demo"]]
    print(
        f"first usable window (pos-app, demo store): median {app_t * 1000:.0f} ms "
        f"over {args.runs} runs (min {min(app_times) * 1000:.0f}, max {max(app_times) * 1000:.0f}); "
        f"focus in: {runs['demo'][-1]['focus']}; peak RSS {app_rss:.0f} MiB"
    )
    print(
        f"baseline (bare QApplication + empty QMainWindow): median {bare_t * 1000:.0f} ms, "
        f"peak RSS {bare_rss:.0f} MiB"
    )
    print(f"ratio: {app_t / bare_t:.2f}x the bare Qt start, {app_rss / bare_rss:.2f}x its RSS")
    rows = [
        [
            "bare QApplication + empty QMainWindow (baseline)",
            f"{bare_t * 1000:.0f}",
            "—",
            f"{bare_rss:.0f}",
            "1.00× / 1.00×",
        ],
        [
            f"pos-app, demo store (focus in `{runs['demo'][-1]['focus']}`)",
            f"{app_t * 1000:.0f}",
            "—",
            f"{app_rss:.0f}",
            f"{app_t / bare_t:.2f}× / {app_rss / bare_rss:.2f}×",
        ],
    ]
    if runs["catalogue"]:
        cat_t, cat_page = med("catalogue", "window"), med("catalogue", "page")
        cat_rss = med("catalogue", "rss_mib")
        worst_page = max(r["page"] for r in runs["catalogue"])
        rows.append(
            [
                "pos-app, 100,000 products, Catalogue opened (F2)",
                f"{cat_t * 1000:.0f}",
                f"{cat_page * 1000:.0f} (max {worst_page * 1000:.0f})",
                f"{cat_rss:.0f}",
                f"{cat_t / bare_t:.2f}× / {cat_rss / bare_rss:.2f}×",
            ]
        )
        print(
            f"100,000 products (made in {fill_s:.1f} s): first usable window median "
            f"{cat_t * 1000:.0f} ms, first catalogue page ({runs['catalogue'][-1]['rows']} rows) "
            f"median {cat_page * 1000:.0f} ms from process start (max {worst_page * 1000:.0f}); "
            f"peak RSS {cat_rss:.0f} MiB = {cat_rss / bare_rss:.2f}x the bare window's"
        )
    if not args.no_write and runs["catalogue"]:
        write_section(
            "startup",
            f"Medians of {args.runs} cold child processes per case, interleaved, "
            "`QT_QPA_PLATFORM=offscreen`, window 1366×768; times from spawning the child. "
            "Peak RSS = the child's own VmHWM (`/proc/self/status`, its own address space's high-water mark) just before it exits. The 100k store is "
            f"SQLite, filled by `bench/catalogue.py: fill` ({fill_s:.1f} s, not timed below).\n\n"
            + table(
                [
                    "case",
                    "first usable window ms",
                    "first catalogue page ms",
                    "peak RSS MiB",
                    "ratio to baseline (time / RSS)",
                ],
                rows,
            ),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
