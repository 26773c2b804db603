"""Checkout of a 5-line cash sale, end to end through the unit of work, on one till.

Three ways of writing the same sale, interleaved round by round so a busy shared machine
slows them alike:

* ``app``   — ``Checkout(uow, cart, shift=…)``: begin, add 5 codes, confirm with cash (what
  the till does), in an open till session;
* ``raw``   — the floor: the same reads and writes as hand-written SQL through the bare
  driver (sqlite3 / psycopg2) in one transaction: 5 look-ups by code, order header (with
  cashier and till session), lines (executemany), 5 conditional stock UPDATEs in id order
  with rowcount checks, movements, payment, receipt counter bump, the till session's
  conditional sale count, order completion, journal header + entries, commit;
* ``naive`` — the inventory tutorial's ORM style: load each product object, check and
  decrement stock in Python, add line and movement, flush per line; the counter, the till
  session and the accounts loaded as objects; commit. (It also loses updates under
  concurrency: shown for speed only.)

    .venv/bin/python bench/checkout.py [--runs 300] [--backend sqlite|postgresql|both] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sqlite3
import sys
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import drop_pg, median, ms, p, pg_url, table, write_section  # noqa: E402
from pos_app.domain.cart import Cart  # noqa: E402
from pos_app.domain.catalogue import ProductDraft  # noqa: E402
from pos_app.domain.postings import sale_postings  # noqa: E402
from pos_app.domain.staff import Role, Shift  # noqa: E402
from pos_app.domain.tender import Tender, settle  # noqa: E402
from pos_app.domain.settings import StoreSettings  # noqa: E402
from pos_app.persistence.engine import Database  # noqa: E402
from pos_app.persistence.migrate import upgrade  # noqa: E402
from pos_app.persistence.models import (  # noqa: E402
    Account,
    Counter,
    JournalEntry,
    JournalTransaction,
    Order,
    OrderLine,
    PaymentRow,
    Product,
    StockMovement,
    TillSession,
)
from pos_app.repositories import UnitOfWork  # noqa: E402
from pos_app.repositories.catalogue import snapshot_of  # noqa: E402
from pos_app.services.catalogue import add_product  # noqa: E402
from pos_app.services.receiving import Receiving  # noqa: E402
from pos_app.services.sale import Checkout  # noqa: E402
from pos_app.services.staff import add_staff  # noqa: E402
from pos_app.services.store import Store  # noqa: E402
from pos_app.services.till import open_till  # noqa: E402

CODES = [f"400000000000{i}" for i in range(1, 6)]
QUANTITIES = [1, 2, 1, 3, 1]


def stock_the_shop(db: Database) -> Shift:
    """Five products with plenty of stock, and the till session every style sells in."""
    with UnitOfWork(db.writer) as uow:  # the first person of a store is its owner
        owner = add_staff(uow, None, "Bench owner", Role.OWNER, "1234")
    for i, code in enumerate(CODES, start=1):
        with UnitOfWork(db.writer) as uow:
            add_product(
                uow,
                ProductDraft(
                    sku=f"BENCH{i}",
                    name=f"Bench product {i}",
                    unit_price=150 * i + 99,
                    unit_cost=80 * i,
                    tax_rate_ppm=200_000,
                    barcode=code,
                ),
                actor=owner,
            )
    with UnitOfWork(db.writer) as uow:
        receiving = Receiving(uow, "Bench supplier", actor=owner)
        for i in range(1, 6):
            receiving.add(f"BENCH{i}", 100_000, 80 * i)
        receiving.confirm()
    with UnitOfWork(db.writer) as uow:
        return open_till(uow, owner, "Bench till", 10_000)


# -- the app ------------------------------------------------------------------------------


def app_sale(db: Database, shift: Shift, settings: StoreSettings) -> None:
    """As the Sell screen does: the store's settings read when the screen is shown (not per
    sale) and handed to the checkout, which prices and stores the sale by them."""
    with UnitOfWork(db.writer) as uow:
        checkout = Checkout(uow, Cart(), shift=shift, settings=settings)
        checkout.begin()
        for code, quantity in zip(CODES, QUANTITIES, strict=True):
            checkout.add(code, quantity)
        checkout.confirm([Tender.cash(checkout.totals().total + 1000)])


# -- the floor: bare driver -------------------------------------------------------------------


class RawSale:
    """The same statements by hand; account ids read once (the chart never changes here)."""

    def __init__(self, db: Database, shift: Shift):
        self.shift = shift
        self.sqlite = db.backend == "sqlite"
        if self.sqlite:
            self.conn = sqlite3.connect(db.engine.url.database, isolation_level=None)
            for pragma in ("foreign_keys = ON", "journal_mode = WAL", "synchronous = FULL"):
                self.conn.execute(f"PRAGMA {pragma}")
            self.mark = "?"
        else:
            import psycopg2

            url = db.engine.url
            self.conn = psycopg2.connect(
                host=url.host, port=url.port, user=url.username, dbname=url.database
            )
            self.mark = "%s"
        cur = self.conn.cursor()
        cur.execute("SELECT code, id FROM accounts")
        self.accounts = dict(cur.fetchall())
        if not self.sqlite:
            self.conn.commit()

    def sql(self, statement: str) -> str:
        return statement.replace("?", self.mark)

    def sale(self) -> None:
        s = self.sql
        now = datetime.now(UTC)
        stamp = now.replace(tzinfo=None).isoformat(" ") if self.sqlite else now
        cur = self.conn.cursor()
        if self.sqlite:
            cur.execute("BEGIN IMMEDIATE")
        cart = Cart()
        for code, quantity in zip(CODES, QUANTITIES, strict=True):
            cur.execute(
                s(
                    "SELECT id, sku, barcode, name, unit_price, tax_rate_ppm, unit_cost,"
                    " stock_on_hand, active, created_at FROM products"
                    " WHERE barcode = ? OR sku = ? ORDER BY barcode = ? DESC LIMIT 1"
                ),
                (code, code, code),
            )
            row = cur.fetchone()
            cart.add(
                snapshot_of(
                    Product(
                        id=row[0],
                        sku=row[1],
                        barcode=row[2],
                        name=row[3],
                        unit_price=row[4],
                        tax_rate_ppm=row[5],
                        unit_cost=row[6],
                        stock_on_hand=row[7],
                    )
                ),
                quantity,
            )
        cur.execute(
            s(
                "INSERT INTO orders (kind, status, client_key, tax_rounding, subtotal, tax, total,"
                " created_at, staff_id, till_session_id)"
                " VALUES ('sale', 'open', ?, 'line', 0, 0, 0, ?, ?, ?) RETURNING id"
            ),
            (
                str(uuid.uuid4()),
                stamp,
                self.shift.cashier.staff_id,
                self.shift.session_id,
            ),
        )
        order_id = cur.fetchone()[0]
        cur.executemany(
            s(
                "INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price,"
                " tax_rate_ppm, net, tax, unit_cost) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            [
                (
                    order_id,
                    n,
                    ln.product.product_id,
                    ln.quantity,
                    ln.product.unit_price,
                    ln.product.tax_rate_ppm,
                    ln.net,
                    ln.tax,
                    ln.product.unit_cost,
                )
                for n, ln in enumerate(cart.lines, start=1)
            ],
        )
        quantities = cart.quantities()
        for product_id in sorted(quantities):
            cur.execute(
                s(
                    "UPDATE products SET stock_on_hand = stock_on_hand - ?"
                    " WHERE id = ? AND stock_on_hand >= ?"
                ),
                (quantities[product_id], product_id, quantities[product_id]),
            )
            if cur.rowcount != 1:
                raise RuntimeError("short")
        cur.executemany(
            s(
                "INSERT INTO stock_movements (product_id, quantity, kind, order_id, note,"
                " created_at) VALUES (?, ?, 'sale', ?, '', ?)"
            ),
            [(pid, -q, order_id, stamp) for pid, q in sorted(quantities.items())],
        )
        totals = cart.totals()
        (payment,) = settle(totals.total, [Tender.cash(totals.total + 1000)])
        cur.execute(
            s(
                "INSERT INTO payments (order_id, kind, applied, given, change) VALUES (?, ?, ?, ?, ?)"
            ),
            (order_id, payment.kind.value, payment.applied, payment.given, payment.change),
        )
        cur.execute("UPDATE counters SET value = value + 1 WHERE name = 'receipt' RETURNING value")
        receipt_no = cur.fetchone()[0]
        cur.execute(
            s(
                "UPDATE till_sessions SET sales_count = sales_count + 1"
                " WHERE id = ? AND status = 'open'"
            ),
            (self.shift.session_id,),
        )
        if cur.rowcount != 1:
            raise RuntimeError("till closed")
        cur.execute(
            s(
                "UPDATE orders SET status = 'completed', receipt_no = ?, subtotal = ?, tax = ?,"
                " total = ?, completed_at = ? WHERE id = ?"
            ),
            (receipt_no, totals.subtotal, totals.tax, totals.total, stamp, order_id),
        )
        cur.execute(
            s(
                "INSERT INTO journal_transactions (posted_at, description, kind, order_id)"
                " VALUES (?, ?, 'sale', ?) RETURNING id"
            ),
            (stamp, f"Sale, receipt {receipt_no}", order_id),
        )
        txn_id = cur.fetchone()[0]
        postings = sale_postings(
            net=totals.subtotal, tax=totals.tax, cost=totals.cost, payments=[payment]
        )
        cur.executemany(
            s(
                "INSERT INTO journal_entries (transaction_id, account_id, debit, credit) VALUES (?, ?, ?, ?)"
            ),
            [(txn_id, self.accounts[x.account_code], x.debit, x.credit) for x in postings],
        )
        if self.sqlite:
            cur.execute("COMMIT")
        else:
            self.conn.commit()

    def close(self) -> None:
        self.conn.close()


# -- the naive ORM style of the tutorial ---------------------------------------------------------


def naive_sale(db: Database, shift: Shift) -> None:
    session = db.writer()
    try:
        order = Order(
            kind="sale",
            status="open",
            client_key=str(uuid.uuid4()),
            staff_id=shift.cashier.staff_id,
            till_session_id=shift.session_id,
        )
        session.add(order)
        session.flush()
        subtotal = tax = cost = 0
        for line_no, (code, quantity) in enumerate(zip(CODES, QUANTITIES, strict=True), 1):
            product = (
                session.query(Product)
                .filter((Product.barcode == code) | (Product.sku == code))
                .one()
            )
            if product.stock_on_hand < quantity:
                raise RuntimeError("short")
            product.stock_on_hand -= quantity  # read-modify-write in Python
            net = product.unit_price * quantity
            line_tax = (net * product.tax_rate_ppm + 500_000) // 1_000_000
            session.add(
                OrderLine(
                    order=order,
                    line_no=line_no,
                    product=product,
                    quantity=quantity,
                    unit_price=product.unit_price,
                    tax_rate_ppm=product.tax_rate_ppm,
                    net=net,
                    tax=line_tax,
                    unit_cost=product.unit_cost,
                )
            )
            session.add(
                StockMovement(
                    product_id=product.id, quantity=-quantity, kind="sale", order_id=order.id
                )
            )
            session.flush()
            subtotal, tax, cost = (
                subtotal + net,
                tax + line_tax,
                cost + product.unit_cost * quantity,
            )
        total = subtotal + tax
        (payment,) = settle(total, [Tender.cash(total + 1000)])
        session.add(
            PaymentRow(
                order=order,
                kind="cash",
                applied=payment.applied,
                given=payment.given,
                change=payment.change,
            )
        )
        counter = session.get(Counter, "receipt")
        counter.value += 1
        till = session.get(TillSession, shift.session_id)
        if till.status != "open":
            raise RuntimeError("till closed")
        till.sales_count += 1  # read-modify-write in Python again
        session.flush()
        order.status, order.receipt_no = "completed", counter.value
        order.subtotal, order.tax, order.total = subtotal, tax, total
        order.completed_at = datetime.now(UTC)
        txn = JournalTransaction(
            description=f"Sale, receipt {counter.value}", kind="sale", order_id=order.id
        )
        session.add(txn)
        for posting in sale_postings(net=subtotal, tax=tax, cost=cost, payments=[payment]):
            account = session.query(Account).filter_by(code=posting.account_code).one()
            txn.entries.append(
                JournalEntry(account=account, debit=posting.debit, credit=posting.credit)
            )
        session.commit()
    finally:
        session.close()


# -- running --------------------------------------------------------------------------------------


def run_backend(url: str, runs: int, profile: bool) -> dict[str, list[float]]:
    import time

    db = Database.connect(url)
    upgrade(db.engine)
    shift = stock_the_shop(db)
    raw = RawSale(db, shift)
    settings = Store(db).settings()
    styles = {
        "raw": raw.sale,
        "app": lambda: app_sale(db, shift, settings),
        "naive": lambda: naive_sale(db, shift),
    }
    for fn in styles.values():  # warm up every path (statement caches, pools)
        for _ in range(5):
            fn()
    times: dict[str, list[float]] = {name: [] for name in styles}
    for _ in range(runs):
        for name, fn in styles.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(100):
            app_sale(db, shift, settings)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    raw.close()
    from pos_app.services.integrity import run_check

    with db.reader() as session:
        report = run_check(session)
    assert report.ok, report.problems  # every style left a consistent store
    db.dispose()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="do not update BENCHMARKS.md")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    rows = []
    for backend in backends:
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                times = run_backend(
                    f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args.runs, args.profile
                )
        else:
            url = pg_url("checkout")
            times = run_backend(url, args.runs, args.profile)
            drop_pg(url)
        floor = median(times["raw"])
        for name in ("raw", "app", "naive"):
            t = times[name]
            rows.append([backend, name, ms(median(t)), ms(p(t, 0.99)), f"{median(t) / floor:.2f}×"])
            print(
                f"{backend:10} {name:6} median {ms(median(t))} ms  p99 {ms(p(t, 0.99))} ms  "
                f"{median(t) / floor:.2f}x raw"
            )
    if not args.no_write and args.backend == "both":
        write_section(
            "checkout",
            f"{args.runs} sales per style, interleaved; ratio = median / median of `raw` on the "
            "same backend in the same run. SQLite: a file in a temp dir, WAL, synchronous=FULL "
            "(an fsync per commit). Target: app within 2× of raw.\n\n"
            + table(["backend", "style", "median ms", "p99 ms", "ratio to raw"], rows),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
