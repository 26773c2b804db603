"""Shared helpers for the benchmarks: fresh databases, timing statistics and the figures
written into docs/BENCHMARKS.md (each benchmark owns one marked section there).

Benchmarks are not tests: they print medians, p99s and a ratio against a baseline measured
in the same run, because the machine is shared and absolute times vary from run to run.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "BENCHMARKS.md"
PG_BASE = os.environ.get(
    "POS_BENCH_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/pos_bench"
)


def pg_url(suffix: str) -> str:
    """A PostgreSQL database of the benchmark's own, dropped and created empty."""
    url = make_url(PG_BASE)
    url = url.set(database=f"{url.database}_{suffix}")
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    return url.render_as_string(hide_password=False)


def drop_pg(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


def timed(fn: Callable[[], object], runs: int, warmup: int = 3) -> list[float]:
    """Seconds per call, after a few warm-up calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def p(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def median(times: list[float]) -> float:
    return statistics.median(times)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


def machine_note() -> str:
    return (
        f"{os.cpu_count()} cores (shared with other engineers' runs), "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def command_line() -> str:
    rel = Path(sys.argv[0]).resolve().relative_to(ROOT)
    return " ".join([".venv/bin/python", str(rel), *sys.argv[1:]])


def write_section(name: str, body: str) -> None:
    """Replace (or append) the section between the markers for ``name`` in BENCHMARKS.md."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    stamp = (
        f"Command: `{command_line()}`  \n"
        f"Date: {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}  \n"
        f"Machine: {machine_note()}\n\n"
    )
    block = f"{start}\n{stamp}{body.strip()}\n{end}"
    doc = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    if start in doc and end in doc:
        before, rest = doc.split(start, 1)
        _, after = rest.split(end, 1)
        doc = before + block + after
    else:
        doc = doc.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(doc)


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)
