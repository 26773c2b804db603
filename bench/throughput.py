"""Sales per second with 1, 2, 4 and 8 tills on one PostgreSQL server, hot products in
almost every basket, against pgbench's TPC-B on the same server in the same run.

Each till is its own process (spawn) with its own ``Database.connect(url)``, selling 3–5-line
baskets through ``Checkout`` exactly as the checkout dialog does (begin, scan, confirm with
cash, one commit). Nine baskets in ten hold one of four hot products, lines in random order,
so tills queue on the same product rows and on the receipt counter (one row every sale
bumps), each till in a till session of its own ("Till 1" … "Till 8", whose row every sale
of that till bumps too). Stock is large enough never to run out. After a warm-up each
configuration sells for a fixed time; a sale counts if it finished inside that window.

The reference is ``pgbench -c N -j N -T <seconds>`` (TPC-B, scale 1) run right after the
tills for the same N, so load from other work on the machine hits both alike. One TPC-B
transaction is 5 statements (UPDATE an account, SELECT its balance, UPDATE a teller,
UPDATE the single branch row, INSERT a history row) from a C client; a sale is some 17
statements (counted per sale and printed) plus the Python that builds them. At scale 1 every TPC-B transaction updates
the one branch row, as every sale bumps the one receipt counter.

    .venv/bin/python bench/throughput.py [--seconds 10] [--warmup 2] [--tills 1,2,4,8]
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import random
import re
import subprocess
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, event, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.common import PG_BASE, drop_pg, median, ms, p, table, write_section  # noqa: E402

DB_PREFIX = "pos_tput"
HOT = ["COFFEE", "MILK", "BREAD", "EGGS"]
COLD = [f"COLD{n:02d}" for n in range(40)]
STOCK = 100_000  # a receiving line's maximum; a whole run sells a few thousand of each
HOT_SHARE = 0.9
RETRY_LOGGER = "pos_app.repositories.unit_of_work"
CASHIER, PIN = "Bench cashier", "1234"


def fresh_pg(name: str) -> str:
    """An empty PostgreSQL database called ``name`` (dropped first if a run left it)."""
    url = make_url(PG_BASE).set(database=name)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.render_as_string(hide_password=False)


# -- the shop --------------------------------------------------------------------------------


def stock_the_shop(url: str) -> None:
    from pos_app.domain.catalogue import ProductDraft
    from pos_app.persistence.engine import Database
    from pos_app.persistence.migrate import upgrade
    from pos_app.repositories import UnitOfWork
    from pos_app.services.catalogue import add_product
    from pos_app.services.receiving import Receiving
    from pos_app.services.staff import add_staff

    db = Database.connect(url)
    upgrade(db.engine)
    with UnitOfWork(db.writer) as uow:  # the first person of a store is its owner
        owner = add_staff(uow, None, CASHIER, "owner", PIN)
    skus = [*HOT, *COLD]
    with UnitOfWork(db.writer) as uow:
        for i, sku in enumerate(skus):
            add_product(
                uow,
                ProductDraft(
                    sku=sku,
                    name=f"{sku.title()} (bench)",
                    unit_price=150 + 85 * i,
                    unit_cost=60 + 30 * i,
                    tax_rate_ppm=[0, 50_000, 200_000][i % 3],
                    barcode=f"77{i:011d}",
                ),
                actor=owner,
            )
    with UnitOfWork(db.writer) as uow:
        receiving = Receiving(uow, "Bench supplier", actor=owner)
        for i, sku in enumerate(skus):
            receiving.add(sku, STOCK, 60 + 30 * i)
        receiving.confirm()
    db.dispose()


def basket(rng: random.Random) -> dict[str, int]:
    """3–5 lines; nine in ten hold one hot product; lines in random order."""
    size = rng.randint(3, 5)
    picked = [rng.choice(HOT)] if rng.random() < HOT_SHARE else []
    picked += rng.sample(COLD, size - len(picked))
    rng.shuffle(picked)
    return {sku: rng.randint(1, 3) for sku in picked}


# -- one till (its own process) ---------------------------------------------------------------


class _Retries(logging.Handler):
    """Counts ``UnitOfWork.run`` replays (deadlock / serialization failure) from its log."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("retrying after"):
            self.count += 1


def till(
    url: str, till_no: int, seed: int, warmup: float, seconds: float, barrier, results
) -> None:
    """Sell until the window closes; report latencies of the sales finished inside it.
    Signs in and sells in "Till <till_no>"'s open session (taken over, or opened)."""
    report = {"latencies": [], "retries": 0, "errors": [], "statements": 0}
    retries = _Retries()
    logger = logging.getLogger(RETRY_LOGGER)
    logger.setLevel(logging.INFO)
    logger.addHandler(retries)
    try:
        from pos_app.domain.errors import TillClosed
        from pos_app.domain.tender import Tender
        from pos_app.persistence.engine import Database
        from pos_app.repositories import UnitOfWork
        from pos_app.services.sale import Checkout
        from pos_app.services.staff import sign_in
        from pos_app.services.till import current_shift, open_till

        db = Database.connect(url)
        with UnitOfWork(db.writer) as uow:
            cashier = sign_in(uow, CASHIER, PIN)
        with UnitOfWork(db.writer) as uow:
            try:
                shift = current_shift(uow, cashier, f"Till {till_no}")
            except TillClosed:
                shift = open_till(uow, cashier, f"Till {till_no}", 10_000)
        statements = [0]

        @event.listens_for(db.engine, "before_cursor_execute")
        def _count(*_args) -> None:  # noqa: ANN002
            statements[0] += 1

        rng = random.Random(seed)
        barrier.wait(timeout=120)
        start = time.monotonic() + warmup
        end = start + seconds
        while True:
            t0 = time.monotonic()
            if t0 >= end:
                break
            before = (statements[0], retries.count)
            try:
                with UnitOfWork(db.writer) as uow:
                    checkout = Checkout(uow, shift=shift)
                    checkout.begin()  # the order number the dialog shows
                    for sku, quantity in basket(rng).items():
                        checkout.add(sku, quantity)
                    checkout.confirm([Tender.cash(checkout.totals().total + 500)])
            except Exception:  # noqa: BLE001 - a till seeing any error is worth reporting
                report["errors"].append(traceback.format_exc())
                if len(report["errors"]) > 3:
                    break
                continue
            t1 = time.monotonic()
            if t0 >= start and t1 <= end:
                report["latencies"].append(t1 - t0)
                report["statements"] += statements[0] - before[0]
                report["retries"] += retries.count - before[1]
        db.dispose()
    except BaseException:  # noqa: BLE001
        report["errors"].append(traceback.format_exc())
    finally:
        results.put(report)


def run_tills(url: str, n: int, warmup: float, seconds: float) -> dict:
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    barrier = ctx.Barrier(n)
    procs = [
        ctx.Process(
            target=till, args=(url, k + 1, 1000 * n + k, warmup, seconds, barrier, results)
        )
        for k in range(n)
    ]
    for proc in procs:
        proc.start()
    reports = [results.get(timeout=warmup + seconds + 180) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
    errors = [e for r in reports for e in r["errors"]]
    if errors:
        raise RuntimeError(f"{len(errors)} till errors; first:\n{errors[0]}")
    latencies = [t for r in reports for t in r["latencies"]]
    sales = len(latencies)
    return {
        "sales": sales,
        "per_s": sales / seconds,
        "median": median(latencies),
        "p99": p(latencies, 0.99),
        "retries": sum(r["retries"] for r in reports),
        "statements": sum(r["statements"] for r in reports) / max(sales, 1),
    }


# -- pgbench ------------------------------------------------------------------------------------


def pgbench_args(url: str) -> list[str]:
    parsed = make_url(url)
    return [
        "-h",
        parsed.host or "127.0.0.1",
        "-p",
        str(parsed.port or 5432),
        "-U",
        parsed.username or "postgres",
    ]


def pgbench(url: str, n: int, seconds: float) -> dict:
    done = subprocess.run(
        [
            "pgbench",
            *pgbench_args(url),
            "-c",
            str(n),
            "-j",
            str(n),
            "-T",
            str(round(seconds)),
            make_url(url).database,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", done.stdout)
    latency = re.search(r"latency average = ([\d.]+) ms", done.stdout)
    if tps is None:
        raise RuntimeError(f"no tps line in pgbench output:\n{done.stdout}\n{done.stderr}")
    return {"tps": float(tps.group(1)), "latency_ms": float(latency.group(1)) if latency else 0.0}


# -- running -------------------------------------------------------------------------------------


def check_store(url: str) -> int:
    """The store stays consistent under load (same check as ``pos-app check``)."""
    from pos_app.persistence.engine import Database
    from pos_app.services.integrity import run_check

    db = Database.connect(url)
    with db.reader() as session:
        report = run_check(session)
        sales = session.execute(
            text("SELECT count(*) FROM orders WHERE kind = 'sale' AND status = 'completed'")
        ).scalar_one()
    db.dispose()
    assert report.ok, report.problems
    return sales


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--tills", default="1,2,4,8")
    parser.add_argument("--no-write", action="store_true", help="do not update BENCHMARKS.md")
    args = parser.parse_args()
    counts = [int(n) for n in args.tills.split(",")]

    shop = fresh_pg(DB_PREFIX)
    bench_db = fresh_pg(f"{DB_PREFIX}_pgbench")
    rows = []
    try:
        stock_the_shop(shop)
        subprocess.run(
            [
                "pgbench",
                *pgbench_args(bench_db),
                "-i",
                "-q",
                "-s",
                "1",
                make_url(bench_db).database,
            ],
            capture_output=True,
            check=True,
        )
        for n in counts:
            ours = run_tills(shop, n, args.warmup, args.seconds)
            ref = pgbench(bench_db, n, args.seconds)
            ratio = ours["per_s"] / ref["tps"]
            print(
                f"{n} till(s): {ours['per_s']:.1f} sales/s (median {ms(ours['median'])} ms, "
                f"p99 {ms(ours['p99'])} ms, {ours['retries']} retries, "
                f"{ours['statements']:.1f} statements/sale) | pgbench {ref['tps']:.1f} tps "
                f"(avg {ref['latency_ms']:.2f} ms) | ratio {ratio:.3f}",
                flush=True,
            )
            rows.append(
                [
                    str(n),
                    f"{ours['per_s']:.1f}",
                    ms(ours["median"]),
                    ms(ours["p99"]),
                    str(ours["retries"]),
                    f"{ref['tps']:.0f}",
                    f"{ref['latency_ms']:.2f}",
                    f"{ratio:.3f}",
                ]
            )
        sales = check_store(shop)
        print(f"store consistent after {sales:,} sales (run_check ok)")
    finally:
        drop_pg(shop)
        drop_pg(bench_db)

    if not args.no_write:
        scale = [f"{float(r[1]) / float(rows[0][1]):.2f}×" for r in rows]
        write_section(
            "throughput",
            f"{args.seconds:g} s per configuration after {args.warmup:g} s of warm-up; tills and "
            "pgbench alternate per N. Sale latency = begin → scans → confirm (committed), per "
            f"sale; retries = `UnitOfWork.run` replays. {sales:,} sales in all, `run_check` "
            "clean afterwards.\n\n"
            + table(
                [
                    "tills",
                    "sales/s",
                    "sale median ms",
                    "sale p99 ms",
                    "retries",
                    "pgbench tps",
                    "pgbench avg ms",
                    "sales/s ÷ tps",
                ],
                rows,
            )
            + "\n\nSales/s relative to one till: "
            + ", ".join(f"{r[0]} → {s}" for r, s in zip(rows, scale, strict=True))
            + ".",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
