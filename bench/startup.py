"""Time to first usable window: from a cold process start to the selling screen shown with
the scan field focused, on the demo store. Prints the median of several runs, and the same
for a bare QApplication + empty QMainWindow as the baseline measured in the same run.

    .venv/bin/python bench/startup.py [--runs 7]
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

CHILD_APP = r"""
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
"""

CHILD_BARE = r"""
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow(); window.resize(1366, 768); window.show()
QTimer.singleShot(0, lambda: (print(time.time(), "-", flush=True), app.quit()))
app.exec()
"""


def measure(code: str, url: str, runs: int) -> tuple[list[float], str]:
    times, focus = [], ""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    for _ in range(runs):
        start = time.time()
        out = subprocess.run(
            [sys.executable, "-c", code, url], capture_output=True, text=True, env=env, check=True
        ).stdout.split()
        times.append(float(out[0]) - start)
        focus = out[1]
    return times, focus


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'demo.sqlite3'}"
        subprocess.run(
            [sys.executable, "-m", "pos_app", "demo-data", "--database-url", url],
            check=True,
            capture_output=True,
        )
        app_times, focus = measure(CHILD_APP, url, args.runs)
        bare_times, _ = measure(CHILD_BARE, url, args.runs)
    app_median, bare_median = statistics.median(app_times), statistics.median(bare_times)
    print(
        f"first usable window (pos-app, demo store): median {app_median * 1000:.0f} ms "
        f"over {args.runs} runs (min {min(app_times) * 1000:.0f}, max {max(app_times) * 1000:.0f}); "
        f"focus in: {focus}"
    )
    print(f"baseline (bare QApplication + empty QMainWindow): median {bare_median * 1000:.0f} ms")
    print(f"ratio: {app_median / bare_median:.2f}x the bare Qt start")
    return 0


if __name__ == "__main__":
    sys.exit(main())
