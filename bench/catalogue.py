"""Barcode scan and search-as-you-type over a 100,000-product catalogue.

* scan: ``Store.lookup(code)`` and adding it to a ``Cart`` (what a scan does before the
  cart view repaints); baseline: the same indexed SELECT through the bare driver.
* keystroke: what the catalogue view asks for each text typed,
  ``Store.search_products(text, limit=200, count_cap=1_001)`` (the first page and "1,000+
  products"), over a mix of texts a person types ("c", "ch", "cha",
  "chai", words, SKU and barcode fragments, rare strings, no match); baseline: fetching the
  first page with no filter at all; and, back to back with each keystroke, the way the
  view asked until commit 2443a7e (count to 10,001, then the page: two reads).

    .venv/bin/python bench/catalogue.py [--backend sqlite|postgresql|both] [--runs 15]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import drop_pg, median, ms, p, pg_url, table, write_section  # noqa: E402
from pos_app.domain.cart import Cart  # noqa: E402
from pos_app.persistence.engine import Database  # noqa: E402
from pos_app.persistence.migrate import upgrade  # noqa: E402
from pos_app.services.store import Store  # noqa: E402

PRODUCTS = 100_000
COUNT_CAP = 1_001  # what the catalogue view counts up to (ui/catalogue_model.py COUNT_CAP)
PREVIOUS_COUNT_CAP = 10_001  # and counted up to until commit 2443a7e
ADJECTIVES = (
    "Organic Fresh Smoked Dried Spicy Sweet Salted Roasted Frozen Classic Golden Wild "
    "Mild Extra Aged Crispy Creamy Dark Light Royal Rustic Green Red Hot"
).split()
NOUNS = (
    "Chai Chang Syrup Seasoning Gumbo Marmalade Pears Sauce Kobe Tofu Pavlova Biscuits "
    "Coffee Chocolate Cheese Camembert Gnocchi Ravioli Salmon Herring Crab Mussels Lager "
    "Ale Stout Mustard Ketchup Rice Noodles Bread Tea Honey Jam Olives Anchovies Cider Pasta"
).split()
PACKS = "12 oz|500 g|1 kg|24 bottles|10 boxes|6 jars|250 ml|1 l|2 kg|48 pieces".split("|")


def product_rows(n: int = PRODUCTS, seed: int = 6) -> list[tuple]:
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = []
    for i in range(1, n + 1):
        name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {rng.choice(PACKS)} #{i}"
        rows.append(
            (
                f"SKU{i:06d}",
                f"590{i:010d}",
                name,
                rng.randint(50, 20_000),
                rng.randint(10, 5_000),
                200_000,
                rng.randint(0, 500),
                True,
                now,
            )
        )
    return rows


def fill(db: Database, n: int = PRODUCTS) -> None:
    """100,000 products in seconds: executemany on SQLite, COPY on PostgreSQL. Stock is
    set directly (no movements): these benchmarks only read the catalogue."""
    rows = product_rows(n)
    columns = (
        "sku, barcode, name, unit_price, unit_cost, tax_rate_ppm, stock_on_hand, active, created_at"
    )
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        if db.backend == "sqlite":
            cur.execute("BEGIN")  # the engine's connections leave transactions to us
            cur.executemany(
                f"INSERT INTO products ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [r[:-1] + (r[-1].isoformat(" "),) for r in rows],
            )
        else:
            import io

            buffer = io.StringIO()
            for r in rows:
                buffer.write(
                    "\t".join(str(v) for v in r[:-2]) + "\tt\t" + r[-1].isoformat() + "+00\n"
                )
            buffer.seek(0)
            cur.copy_expert(f"COPY products ({columns}) FROM STDIN", buffer)
        raw.commit()
        cur.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()


KEYSTROKES = [
    # (kind, text)
    ("prefix", "c"),
    ("prefix", "ch"),
    ("prefix", "cha"),
    ("prefix", "chai"),
    ("prefix", "chai 1"),
    ("word", "salmon"),
    ("word", "smoked"),
    ("word", "kg"),
    ("sku fragment", "sku0421"),
    ("sku fragment", "SKU09999"),
    ("barcode fragment", "5900000"),
    ("barcode fragment", "00004217"),
    ("rare", "#99999"),
    ("rare", "#4242"),
    ("no match", "zzq"),
    ("no match", "xylophone"),
    ("no match", "qq"),
]


class RawLookup:
    def __init__(self, db: Database):
        url = db.engine.url
        if db.backend == "sqlite":
            self.conn = sqlite3.connect(url.database)
            self.sql = "SELECT * FROM products WHERE barcode = ? OR sku = ? LIMIT 1"
        else:
            import psycopg2

            self.conn = psycopg2.connect(
                host=url.host, port=url.port, user=url.username, dbname=url.database
            )
            self.conn.autocommit = True
            self.sql = "SELECT * FROM products WHERE barcode = %s OR sku = %s LIMIT 1"

    def lookup(self, code: str) -> tuple:
        cur = self.conn.cursor()
        cur.execute(self.sql, (code, code))
        return cur.fetchone()


def run_backend(url: str, runs: int) -> tuple[list[list[str]], list[list[str]], dict]:
    db = Database.connect(url)
    upgrade(db.engine)
    start = time.perf_counter()
    fill(db)
    fill_s = time.perf_counter() - start
    store = Store(db)
    raw = RawLookup(db)
    rng = random.Random(1)
    codes = [f"590{rng.randint(1, PRODUCTS):010d}" for _ in range(runs * 40)]

    def scan(code: str) -> None:
        snapshot = store.lookup(code)
        Cart().add(snapshot, 1)

    for code in codes[:20]:
        scan(code), raw.lookup(code)
    scan_times, raw_times = [], []
    for code in codes:
        t0 = time.perf_counter()
        scan(code)
        t1 = time.perf_counter()
        raw.lookup(code)
        t2 = time.perf_counter()
        scan_times.append(t1 - t0)
        raw_times.append(t2 - t1)
    scan_rows = [
        [
            "scan → cart (Store.lookup + Cart.add)",
            ms(median(scan_times)),
            ms(p(scan_times, 0.99)),
            f"{median(scan_times) / median(raw_times):.2f}×",
        ],
        [
            "baseline: bare-driver SELECT by code",
            ms(median(raw_times)),
            ms(p(raw_times, 0.99)),
            "1.00×",
        ],
    ]

    def keystroke(text: str) -> int:
        total, _first_page = store.search_products(text, limit=200, count_cap=COUNT_CAP)
        return total

    def previous_keystroke(text: str) -> None:
        """What the view asked until commit 2443a7e: two reads, the count up to 10,001."""
        store.count_products(text, at_most=PREVIOUS_COUNT_CAP)
        store.products(text, limit=200)

    counts = {text: keystroke(text) for _, text in KEYSTROKES}  # warm-up, and the counts
    for _, text in KEYSTROKES:
        previous_keystroke(text)
    per_text: dict[str, list[float]] = {text: [] for _, text in KEYSTROKES}
    previous: list[float] = []
    base: list[float] = []
    for round_no in range(runs):
        for _, text in KEYSTROKES:
            # today's keystroke and the previous one back to back, in turn first
            for which in (0, 1) if round_no % 2 == 0 else (1, 0):
                t0 = time.perf_counter()
                if which == 0:
                    keystroke(text)
                    per_text[text].append(time.perf_counter() - t0)
                else:
                    previous_keystroke(text)
                    previous.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        store.products("", limit=200)
        base.append(time.perf_counter() - t0)
    everything = [t for ts in per_text.values() for t in ts]
    search_rows = [
        [
            kind,
            f"`{text}`",
            f"{COUNT_CAP - 1:,}+" if counts[text] >= COUNT_CAP else f"{counts[text]:,}",
            ms(median(per_text[text])),
            ms(p(per_text[text], 0.95)),
        ]
        for kind, text in KEYSTROKES
    ]
    summary = {
        "all_median": median(everything),
        "all_p95": p(everything, 0.95),
        "all_p99": p(everything, 0.99),
        "base": median(base),
        "previous_median": median(previous),
        "previous_p95": p(previous, 0.95),
        "fill_s": fill_s,
    }
    raw.conn.close()
    db.dispose()
    return scan_rows, search_rows, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    body = []
    for backend in backends:
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                result = run_backend(f"sqlite:///{Path(tmp) / 'catalogue.sqlite3'}", args.runs)
        else:
            url = pg_url("catalogue")
            result = run_backend(url, args.runs)
            drop_pg(url)
        scan_rows, search_rows, s = result
        lines = [
            f"### {backend}",
            f"{PRODUCTS:,} products generated in {s['fill_s']:.1f} s.",
            "",
            table(["scan", "median ms", "p99 ms", "ratio to baseline"], scan_rows),
            "",
            f"Search keystroke (`search_products(text, limit=200, count_cap={COUNT_CAP:_})`, "
            f"as the catalogue view asks), {args.runs} "
            f"rounds: all keystrokes median {ms(s['all_median'])} ms, **p95 {ms(s['all_p95'])} ms**, "
            f"p99 {ms(s['all_p99'])} ms; baseline (first page, no filter, no count) median "
            f"{ms(s['base'])} ms → p95 ratio {s['all_p95'] / s['base']:.1f}×. Measured "
            f"back to back with it, the keystroke as the view asked until commit 2443a7e "
            f"(count to {PREVIOUS_COUNT_CAP:_}, then the page, two reads): median "
            f"{ms(s['previous_median'])} ms, p95 {ms(s['previous_p95'])} ms "
            f"({s['previous_p95'] / s['all_p95']:.2f}× today's p95).",
            "",
            table(["kind", "text", "matches", "median ms", "p95 ms"], search_rows),
            "",
        ]
        print("\n".join(lines))
        body += lines
    if not args.no_write and args.backend == "both":
        write_section(
            "catalogue",
            "Targets: scan under 10 ms median; keystroke under 30 ms p95.\n\n" + "\n".join(body),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
