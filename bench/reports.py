"""Reports over a year of trading: trial balance, takings by tender for a day (the Z report's
stand-in), sales by day and by cashier for a month and for a year.

The store is generated inside the database with INSERT … SELECT (``generate_series`` on
PostgreSQL, a recursive CTE on SQLite), consistent the way the till writes it: products,
weekly receivings that bring in what will be sold plus 50 of each product (purchase lines,
stock movements, Dr Inventory / Cr Accounts payable), then N sales of 1–3 lines each with
their stock movements, one payment (two in three by card, cash rounded up to the next
10.00 with change), the gapless receipt number and a five-entry journal transaction (Dr
tender, Cr revenue, Cr tax, Dr COGS, Cr inventory), completed_at spread evenly over 2025.
Eight cashiers, each with an open till session on their own till, take turns. Every 100th
sale has its first line refunded an hour later by the same cashier, the way the refund
service writes it (refund and its line, stock back, a reversing journal transaction, the
gapless refund number). 200,000 sales make 1,000,000 sale journal entries (and 2,000
refunds 10,000 more). On PostgreSQL the load runs with
``session_replication_role = replica`` (no per-row balance trigger, no FK triggers);
``run_check`` over the whole generated store then proves what those would have.

Each report is timed through ``Store`` (what a screen calls) and, as a baseline in the same
run, the naive way: ORM objects loaded and summed in Python.

    .venv/bin/python bench/reports.py [--sales 200000] [--sqlite-sales 20000] [--runs 7]
        [--backend sqlite|postgresql|both] [--drop-report-indexes] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault(
    "POS_BENCH_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/pos_rep_bench"
)

from sqlalchemy import select, text  # noqa: E402
from sqlalchemy.orm import joinedload  # noqa: E402

from bench.common import drop_pg, median, ms, p, pg_url, table, timed, write_section  # noqa: E402
from pos_app.persistence.engine import Database  # noqa: E402
from pos_app.persistence.migrate import upgrade  # noqa: E402
from pos_app.persistence.models import JournalEntry, Order, Refund, Staff  # noqa: E402
from pos_app.repositories.reports import utc_day  # noqa: E402
from pos_app.services.integrity import run_check  # noqa: E402
from pos_app.services.store import Store  # noqa: E402

PRODUCTS = 1000
RECEIVINGS = 52
CASHIERS = 8
REFUND_EVERY = 100  # every 100th sale has its first line refunded
YEAR = 2025
DAY = date(YEAR, 7, 1)
MONTH = (date(YEAR, 7, 1), date(YEAR, 7, 31))
WHOLE_YEAR = (date(YEAR, 1, 1), date(YEAR, 12, 31))
REPORT_INDEXES = ("ix_journal_entries_account_totals",)  # migration 0003
# The trial balance as it was before migration 0003: join first, then group a million rows.
JOIN_FIRST_TRIAL_BALANCE = text(
    "SELECT accounts.code, accounts.name, accounts.type, coalesce(sum(journal_entries.debit), 0),"
    " coalesce(sum(journal_entries.credit), 0) FROM accounts LEFT OUTER JOIN journal_entries"
    " ON journal_entries.account_id = accounts.id"
    " GROUP BY accounts.id, accounts.code, accounts.name, accounts.type ORDER BY accounts.code"
)


# -- generation ---------------------------------------------------------------------------


class Sql:
    """The few places where the two dialects differ."""

    def __init__(self, backend: str, sales: int):
        self.pg = backend == "postgresql"
        self.step = 365 * 86400 // sales  # seconds between two sales

    def series(self, name: str, n: int) -> str:
        if self.pg:
            return f"{name}(g) AS (SELECT generate_series(1, {n}))"
        return f"{name}(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM {name} WHERE g < {n})"

    def at(self, seconds: str) -> str:
        """A UTC time ``seconds`` after New Year, stored the way UtcDateTime stores it."""
        if self.pg:
            return f"(TIMESTAMPTZ '{YEAR}-01-01 00:00:00+00' + make_interval(secs => {seconds}))"
        return (
            f"(strftime('%Y-%m-%d %H:%M:%S', '{YEAR}-01-01 00:00:00', '+' || ({seconds}) "
            f"|| ' seconds') || '.000000')"
        )


def generate(db: Database, sales: int) -> None:
    sql = Sql(db.backend, sales)
    account = "(SELECT id FROM accounts WHERE code = '{}')".format
    new_year = sql.at("0")
    statements = [
        f"""INSERT INTO products (id, sku, barcode, name, unit_price, unit_cost, tax_rate_ppm,
                stock_on_hand, active, created_at)
            WITH RECURSIVE {sql.series("s", PRODUCTS)}
            SELECT g, 'GEN' || g, CAST(2900000000000 + g AS VARCHAR(32)), 'Product ' || g,
                   100 + (g * 37) % 2000, (100 + (g * 37) % 2000) * 6 / 10, 200000, 50, true,
                   {new_year}
            FROM s""",
        f"""CREATE TEMP TABLE gen_lines AS
            WITH RECURSIVE {sql.series("s", sales)},
                 n(line_no) AS (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3),
                 raw AS (SELECT g AS order_id, line_no,
                                (g * 7 + line_no * 131) % {PRODUCTS} + 1 AS product_id,
                                1 + (g + line_no) % 3 AS quantity
                         FROM s JOIN n ON n.line_no <= 1 + g % 3)
            SELECT r.order_id, r.line_no, r.product_id, r.quantity, p.unit_price,
                   p.tax_rate_ppm, p.unit_price * r.quantity AS net,
                   (p.unit_price * r.quantity * p.tax_rate_ppm + 500000) / 1000000 AS tax,
                   p.unit_cost
            FROM raw r JOIN products p ON p.id = r.product_id""",
        f"""CREATE TEMP TABLE gen_sales AS
            SELECT order_id, SUM(net) AS subtotal, SUM(tax) AS tax,
                   SUM(net) + SUM(tax) AS total, SUM(unit_cost * quantity) AS cost,
                   {sql.at(f"(order_id - 1) * {sql.step}")} AS at,
                   CASE WHEN order_id % 3 = 0 THEN 'cash' ELSE 'card' END AS tender
            FROM gen_lines GROUP BY order_id""",
        """CREATE TEMP TABLE gen_received AS
            SELECT p.id AS product_id, p.unit_cost, 50 + COALESCE(SUM(l.quantity), 0) AS quantity
            FROM products p LEFT JOIN gen_lines l ON l.product_id = p.id
            GROUP BY p.id, p.unit_cost""",
        # receivings: one a week, each for the products whose id falls in its week
        f"""INSERT INTO purchases (id, supplier, reference, paid_in_cash, status, total_cost,
                created_at, received_at)
            SELECT product_id % {RECEIVINGS} + 1, 'Bench supplier',
                   'GEN-' || (product_id % {RECEIVINGS} + 1), false, 'received',
                   SUM(quantity * unit_cost), {new_year}, {new_year}
            FROM gen_received GROUP BY product_id % {RECEIVINGS} + 1""",
        f"""INSERT INTO purchase_lines (purchase_id, product_id, quantity, unit_cost)
            SELECT product_id % {RECEIVINGS} + 1, product_id, quantity, unit_cost
            FROM gen_received""",
        f"""INSERT INTO stock_movements (product_id, quantity, kind, order_id, purchase_id,
                note, created_at)
            SELECT product_id, quantity, 'receiving', NULL, product_id % {RECEIVINGS} + 1, '',
                   {new_year}
            FROM gen_received""",
        """INSERT INTO journal_transactions (id, posted_at, description, kind, order_id,
                purchase_id)
            SELECT id, received_at, 'Receiving ' || id, 'receiving', NULL, id FROM purchases""",
        f"""INSERT INTO journal_entries (transaction_id, account_id, debit, credit)
            SELECT id, {account("1200")}, total_cost, 0 FROM purchases
            UNION ALL
            SELECT id, {account("2000")}, 0, total_cost FROM purchases""",
        # cashiers, each on their own till with a session open all year
        f"""INSERT INTO staff (id, name, role, pin_hash, active, failed_pins, created_at)
            WITH RECURSIVE {sql.series("s", CASHIERS)}
            SELECT g, 'Cashier ' || g, 'cashier', 'bench: no PIN', true, 0, {new_year} FROM s""",
        f"""INSERT INTO till_sessions (id, till_name, status, opened_by, opened_at,
                opening_float, sales_count)
            SELECT id, 'Till ' || id, 'open', id, {new_year}, 0, 0 FROM staff""",
        # sales
        f"""INSERT INTO orders (id, kind, status, client_key, customer_id, receipt_no,
                tax_rounding, subtotal, tax, total, created_at, completed_at, staff_id,
                till_session_id)
            SELECT order_id, 'sale', 'completed', 'bench-' || order_id, NULL, order_id,
                   'line', subtotal, tax, total, at, at, order_id % {CASHIERS} + 1,
                   order_id % {CASHIERS} + 1
            FROM gen_sales""",
        """INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price,
                tax_rate_ppm, net, tax, unit_cost)
            SELECT order_id, line_no, product_id, quantity, unit_price, tax_rate_ppm, net, tax,
                   unit_cost
            FROM gen_lines""",
        f"""INSERT INTO stock_movements (product_id, quantity, kind, order_id, purchase_id,
                note, created_at)
            SELECT product_id, -quantity, 'sale', order_id, NULL, '', {new_year}
            FROM gen_lines""",
        """INSERT INTO payments (order_id, kind, applied, given, change)
            SELECT order_id, tender, total,
                   CASE WHEN tender = 'cash' THEN (total + 999) / 1000 * 1000 ELSE total END,
                   CASE WHEN tender = 'cash' THEN (total + 999) / 1000 * 1000 - total ELSE 0 END
            FROM gen_sales""",
        f"""INSERT INTO journal_transactions (id, posted_at, description, kind, order_id,
                purchase_id)
            SELECT {RECEIVINGS} + order_id, at, 'Sale, receipt ' || order_id, 'sale',
                   order_id, NULL
            FROM gen_sales""",
        f"""INSERT INTO journal_entries (transaction_id, account_id, debit, credit)
            SELECT {RECEIVINGS} + order_id, CASE WHEN tender = 'cash' THEN {account("1000")}
                   ELSE {account("1010")} END, total, 0 FROM gen_sales
            UNION ALL SELECT {RECEIVINGS} + order_id, {account("4000")}, 0, subtotal FROM gen_sales
            UNION ALL SELECT {RECEIVINGS} + order_id, {account("2200")}, 0, tax FROM gen_sales
            UNION ALL SELECT {RECEIVINGS} + order_id, {account("5000")}, cost, 0 FROM gen_sales
            UNION ALL SELECT {RECEIVINGS} + order_id, {account("1200")}, 0, cost FROM gen_sales""",
        f"UPDATE counters SET value = {sales} WHERE name = 'receipt'",
        """UPDATE till_sessions SET sales_count =
            (SELECT count(*) FROM orders WHERE orders.till_session_id = till_sessions.id)""",
        # refunds: the first line of every 100th sale, an hour after the sale
        f"""CREATE TEMP TABLE gen_refunds AS
            SELECT s.order_id / {REFUND_EVERY} AS id, s.order_id, s.tender,
                   s.order_id % {CASHIERS} + 1 AS staff_id, l.product_id, l.quantity, l.net,
                   l.tax, l.unit_cost,
                   {sql.at(f"(s.order_id - 1) * {sql.step} + 3600")} AS at
            FROM gen_sales s JOIN gen_lines l ON l.order_id = s.order_id AND l.line_no = 1
            WHERE s.order_id % {REFUND_EVERY} = 0""",
        """INSERT INTO refunds (id, refund_no, kind, status, client_key, order_id,
                till_session_id, staff_id, tender, reason, subtotal, tax, total, cash_rounding,
                created_at, completed_at)
            SELECT id, id, 'refund', 'completed', 'bench-refund-' || id, order_id, staff_id,
                   staff_id, tender, 'Bench', net, tax, net + tax, 0, at, at
            FROM gen_refunds""",
        """INSERT INTO refund_lines (refund_id, order_line_id, product_id, quantity, net, tax,
                unit_cost)
            SELECT r.id, ol.id, r.product_id, r.quantity, r.net, r.tax, r.unit_cost
            FROM gen_refunds r
            JOIN order_lines ol ON ol.order_id = r.order_id AND ol.line_no = 1""",
        f"""UPDATE order_lines SET refunded_quantity = quantity
            WHERE line_no = 1 AND order_id % {REFUND_EVERY} = 0""",
        """INSERT INTO stock_movements (product_id, quantity, kind, order_id, purchase_id,
                refund_id, note, created_at)
            SELECT product_id, quantity, 'refund', NULL, NULL, id, '', at FROM gen_refunds""",
        """UPDATE products SET stock_on_hand = stock_on_hand + COALESCE(
            (SELECT SUM(quantity) FROM gen_refunds r WHERE r.product_id = products.id), 0)""",
        f"""INSERT INTO journal_transactions (id, posted_at, description, kind, order_id,
                purchase_id, refund_id, reverses_id, till_session_id, staff_id)
            SELECT {RECEIVINGS} + {sales} + id, at, 'Refund ' || id, 'refund', NULL, NULL, id,
                   {RECEIVINGS} + order_id, staff_id, staff_id
            FROM gen_refunds""",
        f"""INSERT INTO journal_entries (transaction_id, account_id, debit, credit)
            SELECT {RECEIVINGS} + {sales} + id, {account("4000")}, net, 0 FROM gen_refunds
            UNION ALL SELECT {RECEIVINGS} + {sales} + id, {account("2200")}, tax, 0
                FROM gen_refunds
            UNION ALL SELECT {RECEIVINGS} + {sales} + id, CASE WHEN tender = 'cash'
                THEN {account("1000")} ELSE {account("1010")} END, 0, net + tax FROM gen_refunds
            UNION ALL SELECT {RECEIVINGS} + {sales} + id, {account("1200")},
                unit_cost * quantity, 0 FROM gen_refunds
            UNION ALL SELECT {RECEIVINGS} + {sales} + id, {account("5000")}, 0,
                unit_cost * quantity FROM gen_refunds""",
        f"UPDATE counters SET value = {sales // REFUND_EVERY} WHERE name = 'refund'",
        "DROP TABLE gen_refunds",
        "DROP TABLE gen_lines",
        "DROP TABLE gen_sales",
        "DROP TABLE gen_received",
    ]
    if sql.pg:
        statements = ["SET session_replication_role = replica", *statements]
        statements += [
            f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT max(id) FROM {t}))"
            for t in (
                "products",
                "orders",
                "purchases",
                "journal_transactions",
                "staff",
                "till_sessions",
                "refunds",
                "refund_lines",
            )
        ]
    with db.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    # statistics and visibility map, as autovacuum leaves a store that has been trading
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE" if sql.pg else "ANALYZE")


def counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {
            t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one()  # noqa: S608
            for t in (
                "orders",
                "order_lines",
                "payments",
                "journal_entries",
                "stock_movements",
                "refunds",
            )
        }


def join_first(db: Database) -> list:
    with db.reader() as session:
        return session.execute(JOIN_FIRST_TRIAL_BALANCE).all()


# -- the naive baseline: ORM objects summed in Python --------------------------------------


def naive_trial_balance(db: Database, limit: int) -> dict[str, tuple[int, int]]:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    with db.reader() as session:
        query = select(JournalEntry).options(joinedload(JournalEntry.account))
        for entry in session.scalars(query.order_by(JournalEntry.id).limit(limit)):
            totals[entry.account.code][0] += entry.debit
            totals[entry.account.code][1] += entry.credit
    return {code: (d, c) for code, (d, c) in totals.items()}


def _naive_refunds(session, since: datetime, until: datetime) -> list[Refund]:  # noqa: ANN001
    return [
        r
        for r in session.scalars(
            select(Refund).where(Refund.completed_at >= since, Refund.completed_at < until)
        )
        if r.status == "completed"
    ]


def naive_takings(db: Database, since: datetime, until: datetime) -> dict[str, int]:
    takings: dict[str, int] = defaultdict(int)
    with db.reader() as session:
        orders = session.scalars(
            select(Order).where(Order.completed_at >= since, Order.completed_at < until)
        )
        for order in orders:
            if order.kind == "sale" and order.status == "completed":
                for payment in order.payments:  # a lazy load per sale
                    takings[payment.kind] += payment.applied
        for refund in _naive_refunds(session, since, until):
            takings[refund.tender] -= refund.total + refund.cash_rounding
    return dict(takings)


def naive_by_day(db: Database, first: date, last: date) -> dict[date, list[int]]:
    since = datetime.combine(first, datetime.min.time(), UTC)
    until = datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC)
    days: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    with db.reader() as session:
        for order in session.scalars(
            select(Order).where(Order.completed_at >= since, Order.completed_at < until)
        ):
            if order.kind == "sale" and order.status == "completed":
                row = days[order.completed_at.date()]
                row[0] += 1
                row[1] += order.subtotal
                row[2] += order.tax
                row[3] += order.total
        for refund in _naive_refunds(session, since, until):
            row = days[refund.completed_at.date()]
            row[1] -= refund.subtotal
            row[2] -= refund.tax
            row[3] -= refund.total
    return dict(days)


def naive_by_cashier(db: Database, first: date, last: date) -> dict[str, list[int]]:
    """Per cashier's name: sales, net, tax, total (after refunds), refunds, refunded."""
    since = datetime.combine(first, datetime.min.time(), UTC)
    until = datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC)
    people: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    with db.reader() as session:
        for order in session.scalars(
            select(Order).where(Order.completed_at >= since, Order.completed_at < until)
        ):
            if order.kind == "sale" and order.status == "completed":
                row = people[order.staff.name if order.staff else "(no cashier recorded)"]
                row[0] += 1
                row[1] += order.subtotal
                row[2] += order.tax
                row[3] += order.total
        for refund in _naive_refunds(session, since, until):
            row = people[session.get(Staff, refund.staff_id).name]
            row[1] -= refund.subtotal
            row[2] -= refund.tax
            row[3] -= refund.total
            row[4] += 1
            row[5] += refund.total
    return dict(people)


# -- the run ---------------------------------------------------------------------------------


def bench_backend(backend: str, sales: int, runs: int, drop_indexes: bool) -> tuple[list, dict]:
    tmp = None
    if backend == "sqlite":
        tmp = tempfile.TemporaryDirectory(prefix="pos_rep_bench_")
        url = f"sqlite:///{tmp.name}/reports.sqlite3"
    else:
        url = pg_url("reports")
    db = Database.connect(url)
    upgrade(db.engine)
    start = time.perf_counter()
    generate(db, sales)
    generated_s = time.perf_counter() - start
    if drop_indexes:
        with db.engine.begin() as conn:
            for name in REPORT_INDEXES:
                conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
            if backend == "postgresql":
                conn.exec_driver_sql("ANALYZE")
    if backend == "sqlite":
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    facts = {"counts": counts(db), "generated_s": generated_s}
    start = time.perf_counter()
    with db.reader() as session:
        report = run_check(session)
    facts["check_s"] = time.perf_counter() - start
    facts["check_ok"] = report.ok
    if not report.ok:
        print(f"{backend}: run_check found {len(report.problems)} problems:", file=sys.stderr)
        for problem in report.problems[:10]:
            print("  ", problem, file=sys.stderr)
    print(f"{backend}: {facts}", flush=True)

    store = Store(db)
    entries = facts["counts"]["journal_entries"]
    day_since, day_until = utc_day(DAY)
    app = {
        "trial balance": lambda: store.trial_balance(),
        "trial balance, join-first query (before)": lambda: join_first(db),
        "takings by tender, one day": lambda: store.takings_by_tender(day_since, day_until),
        "sales by day, one month": lambda: store.sales_by_day(*MONTH),
        "sales by day, one year": lambda: store.sales_by_day(*WHOLE_YEAR),
        "sales by cashier, one month": lambda: store.sales_by_cashier(*MONTH),
        "sales by cashier, one year": lambda: store.sales_by_cashier(*WHOLE_YEAR),
    }
    # the naive trial balance reads a slice of the entries and is scaled up linearly
    slice_ = min(entries, 50_000)
    naive = {
        "trial balance": (lambda: naive_trial_balance(db, slice_), entries / slice_),
        "trial balance, join-first query (before)": (
            lambda: naive_trial_balance(db, slice_),
            entries / slice_,
        ),
        "takings by tender, one day": (lambda: naive_takings(db, day_since, day_until), 1.0),
        "sales by day, one month": (lambda: naive_by_day(db, *MONTH), 1.0),
        "sales by day, one year": (lambda: naive_by_day(db, *WHOLE_YEAR), 1.0),
        "sales by cashier, one month": (lambda: naive_by_cashier(db, *MONTH), 1.0),
        "sales by cashier, one year": (lambda: naive_by_cashier(db, *WHOLE_YEAR), 1.0),
    }
    assert [(a.code, a.debit, a.credit) for a in store.trial_balance()] == [
        tuple(row[i] for i in (0, 3, 4)) for row in join_first(db)
    ], "trial balances differ"
    # the app's figures equal the naive ones (where the naive one reads everything)
    takings = {t.kind: t.amount for t in app["takings by tender, one day"]() if t.amount}
    assert takings == naive_takings(db, day_since, day_until), "takings differ"
    by_day = {d.day: [d.sales, d.net, d.tax, d.total] for d in app["sales by day, one month"]()}
    assert {k: v for k, v in by_day.items() if v[0]} == naive_by_day(db, *MONTH), "days differ"
    by_cashier = {
        c.name: [c.sales, c.net, c.tax, c.total, c.refunds, c.refunded]
        for c in app["sales by cashier, one month"]()
    }
    assert by_cashier == naive_by_cashier(db, *MONTH), "cashiers differ"
    assert sum(c[4] for c in by_cashier.values()) > 0, "no refunds in the month"

    rows = []
    for name, fn in app.items():
        times = timed(fn, runs, warmup=1)
        naive_fn, scale = naive[name]
        naive_runs = 2 if name.endswith("one year") else 3
        naive_times = [t * scale for t in timed(naive_fn, naive_runs, warmup=0)]
        rows.append(
            [
                backend,
                name,
                ms(median(times)),
                ms(p(times, 0.99)),
                ms(median(naive_times)) + (f" (×{scale:.0f} of {slice_:,})" if scale > 1 else ""),
                f"{median(naive_times) / median(times):.0f}×",
            ]
        )
        print(" | ".join(rows[-1]), flush=True)
    db.dispose()
    if tmp is not None:
        tmp.cleanup()
    else:
        drop_pg(url)
    return rows, facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sales", type=int, default=200_000, help="PostgreSQL sales")
    parser.add_argument("--sqlite-sales", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--drop-report-indexes", action="store_true", help="measure without migration 0003"
    )
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    rows, notes = [], []
    for backend in backends:
        sales = args.sales if backend == "postgresql" else args.sqlite_sales
        backend_rows, facts = bench_backend(backend, sales, args.runs, args.drop_report_indexes)
        rows += backend_rows
        c = facts["counts"]
        notes.append(
            f"- {backend}: {c['orders']:,} sales, {c['order_lines']:,} lines, "
            f"{c['journal_entries']:,} journal entries, {c['stock_movements']:,} stock "
            f"movements, {c['refunds']:,} refunds, {CASHIERS} cashiers generated in "
            f"{facts['generated_s']:.1f} s; `run_check` over all of it "
            f"{'clean' if facts['check_ok'] else 'FOUND PROBLEMS'} in {facts['check_s']:.1f} s"
        )
    body = (
        "\n".join(notes)
        + "\n\n"
        + table(
            ["backend", "report", "median ms", "p99 ms", "naive ORM median ms", "naive / app"], rows
        )
    )
    print(body)
    if not args.no_write:
        write_section("reports", body)


if __name__ == "__main__":
    main()
