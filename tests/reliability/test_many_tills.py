"""Eight tills, one PostgreSQL server, a handful of hot products in almost every basket.

Each till is its own process (spawn) with its own engine, selling baskets of one or two hot
products plus some cold ones, lines in random order, until the hot products run out. Then:
nothing oversold, every product's stock equals the sum of its movements, every journal
transaction balanced, every sale a till was told about stored exactly once with the lines
it sold, gapless receipts, ``pos-app check --json`` (the real CLI, in a subprocess) clean,
and no till ever saw an error other than ``OutOfStock``. The run prints sales per second
and how many times ``UnitOfWork.run`` replayed a transaction (docs/RELIABILITY.md).
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import subprocess
import sys
from collections import Counter as Tally
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import text

from pos_app.repositories import UnitOfWork
from tests.factories import assert_clean, gather_tills, product, receive, staff
from tests.reliability.till_process import (
    CASHIER,
    PIN,
    RETRY_LOGGER,
    RetryCounter,
    sell_until_hot_sold_out,
)

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
TILLS = 8
HOT = {"COFFEE": 280, "MILK": 320, "BREAD": 360, "EGGS": 240, "BUTTER": 200, "SUGAR": 160}
COLD = [f"COLD{n:02d}" for n in range(10)]
COLD_STOCK = 5_000


def sold_per_product(session) -> dict[str, int]:  # noqa: ANN001
    return dict(
        session.execute(
            text(
                "SELECT p.sku, SUM(l.quantity) FROM order_lines l "
                "JOIN orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id "
                "WHERE o.kind = 'sale' AND o.status = 'completed' GROUP BY p.sku"
            )
        ).all()
    )


@pytest.mark.slow
def test_eight_tills_sell_the_hot_products_out_without_overselling_or_losing_a_sale(pg_db, pg_url):
    new_uow = partial(UnitOfWork, pg_db.writer)
    for i, sku in enumerate([*HOT, *COLD]):
        product(
            new_uow, sku, price=150 + 85 * i, cost=60 + 30 * i, tax_ppm=[0, 50_000, 200_000][i % 3]
        )
    receive(new_uow, {sku: (units, 60 + 30 * i) for i, (sku, units) in enumerate(HOT.items())})
    receive(new_uow, {sku: (COLD_STOCK, 500) for sku in COLD})
    staff(new_uow, CASHIER, pin=PIN)  # signs in on every till, each in its own session

    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    barrier = ctx.Barrier(TILLS)
    tills = [
        ctx.Process(
            target=sell_until_hot_sold_out,
            args=(pg_url, n, 6000 + n, list(HOT), COLD, barrier, results),
            daemon=True,
        )
        for n in range(TILLS)
    ]
    reports = gather_tills(tills, results, timeout=180)

    errors = [e for r in reports for e in r["errors"]]
    assert not errors, "\n\n".join(errors)
    sales = [s for r in reports for s in r["sales"]]
    assert all(r["sales"] for r in reports), "every till should have sold something"

    with pg_db.reader() as session:
        levels = dict(session.execute(text("SELECT sku, stock_on_hand FROM products")).all())
        moved = dict(
            session.execute(
                text(
                    "SELECT p.sku, COALESCE(SUM(m.quantity), 0) FROM products p "
                    "LEFT JOIN stock_movements m ON m.product_id = p.id GROUP BY p.sku"
                )
            ).all()
        )
        sold = sold_per_product(session)
        rows = session.execute(
            text("SELECT id, receipt_no FROM orders WHERE kind = 'sale' AND status = 'completed'")
        ).all()
        stored: dict[int, dict[str, int]] = {}
        for order_id, sku, quantity in session.execute(
            text(
                "SELECT l.order_id, p.sku, l.quantity FROM order_lines l "
                "JOIN products p ON p.id = l.product_id"
            )
        ):
            stored.setdefault(order_id, {})[sku] = quantity
        unbalanced = session.execute(
            text(
                "SELECT transaction_id FROM journal_entries GROUP BY transaction_id "
                "HAVING SUM(debit) <> SUM(credit) OR COUNT(*) < 2"
            )
        ).all()
        open_orders = session.execute(
            text("SELECT count(*) FROM orders WHERE status = 'open'")
        ).scalar_one()
        counted = dict(session.execute(text("SELECT id, sales_count FROM till_sessions")).all())
        in_session = Tally(
            dict(
                session.execute(
                    text("SELECT id, till_session_id FROM orders WHERE status = 'completed'")
                ).all()
            ).values()
        )

    # sold out, never oversold, and stock is what its movements say
    assert {sku: levels[sku] for sku in HOT} == {sku: 0 for sku in HOT}
    assert {sku: sold.get(sku, 0) for sku in HOT} == HOT
    assert all(levels[sku] == COLD_STOCK - sold.get(sku, 0) for sku in COLD)
    assert levels == moved
    # every acknowledged sale exactly once, with the lines the till sold, and nothing else
    assert Tally(rows) == Tally((order_id, no) for order_id, no, _b in sales)
    assert len({order_id for order_id, _no in rows}) == len(rows)
    for order_id, _no, basket in sales:
        assert stored[order_id] == basket
    reported = Tally()
    for _id, _no, basket in sales:
        reported.update(basket)
    assert dict(reported) == sold
    assert sorted(no for _id, no in rows) == list(range(1, len(rows) + 1))
    assert unbalanced == [] and open_orders == 0
    # each till sold in its own session, and each session counted exactly its sales
    sessions = {r["session"]: len(r["sales"]) for r in reports}
    assert len(sessions) == TILLS
    assert counted == sessions
    assert dict(in_session) == sessions
    assert_clean(pg_db)

    # the store owner's own check, through the real command line
    done = subprocess.run(
        [sys.executable, "-m", "pos_app.cli", "check", "--json", "--database-url", pg_url],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ},
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    verdict = json.loads(done.stdout)
    assert verdict["ok"] and verdict["problems"] == []
    assert verdict["counts"]["sales"] == len(sales)

    seconds = max(r["seconds"] for r in reports)
    retries = sum(r["retries"] for r in reports)
    refused = sum(r["out_of_stock"] for r in reports)
    print(
        f"\n{TILLS} tills: {len(sales)} sales in {seconds:.1f} s = {len(sales) / seconds:.0f} "
        f"sales/s, {refused} refused out of stock, {retries} retries by UnitOfWork.run"
    )


def test_the_retry_count_reported_above_counts_real_replays(pg_db):
    """A real 40P01 from the server makes ``UnitOfWork.run`` replay once, and it is counted."""
    counter = RetryCounter.install()
    attempts = []

    def work() -> int:
        attempts.append(1)
        if len(attempts) == 1:
            uow.session.execute(
                text("DO $$ BEGIN RAISE EXCEPTION 'deadlock' USING ERRCODE = '40P01'; END $$")
            )
        uow.commit()
        return len(attempts)

    try:
        with UnitOfWork(pg_db.writer) as uow:
            assert uow.run(work) == 2
    finally:
        logging.getLogger(RETRY_LOGGER).removeHandler(counter)
    assert counter.retries == 1
