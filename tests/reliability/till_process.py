"""The till side of the reliability harnesses: code that runs in its own process.

Two kinds of till live here. ``sell_until_hot_sold_out`` is a multiprocessing target (spawn)
for the many-tills test: it sells baskets until the hot products are gone and reports every
acknowledged sale. ``main`` is the till a parent kills with SIGKILL: run as
``python -m tests.reliability.till_process URL SEED``, it sells forever and announces each
phase of a sale on stdout, one line each, flushed before the next step, so the parent can
kill it right after a chosen phase and knows every sale it was told is committed.

Every till signs in as a cashier would (name and PIN of someone the parent added) and sells
in its own till session: it takes over the session left open on its till (a till restarted
after a crash) or opens one.
"""

from __future__ import annotations

import json
import logging
import random
import sys
import time
import traceback

from sqlalchemy import text

from pos_app.domain.errors import OutOfStock, TillClosed
from pos_app.domain.staff import Shift
from pos_app.domain.tender import Tender
from pos_app.persistence.engine import Database
from pos_app.repositories import UnitOfWork
from pos_app.services.sale import Checkout
from pos_app.services.staff import sign_in
from pos_app.services.till import current_shift, open_till

# The cashier every till process signs in as; the parent adds her (tests.factories.staff).
CASHIER, PIN = "Olive", "1234"

RETRY_LOGGER = "pos_app.repositories.unit_of_work"


class RetryCounter(logging.Handler):
    """Counts ``UnitOfWork.run`` replays (deadlock / serialization failure) from its log."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.retries = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("retrying after"):
            self.retries += 1

    @classmethod
    def install(cls) -> RetryCounter:
        counter = cls()
        logger = logging.getLogger(RETRY_LOGGER)
        logger.setLevel(logging.INFO)
        logger.addHandler(counter)
        return counter


def sign_in_at(db: Database, till_name: str, opening_float: int = 10_000) -> Shift:
    """Sign in and take over the open session on ``till_name``, or open one."""
    with UnitOfWork(db.writer) as uow:
        cashier = sign_in(uow, CASHIER, PIN)
    with UnitOfWork(db.writer) as uow:
        try:
            return current_shift(uow, cashier, till_name)
        except TillClosed:
            return open_till(uow, cashier, till_name, opening_float)


def random_basket(rng: random.Random, hot: list[str], cold: list[str]) -> dict[str, int]:
    """Almost every basket holds one or two hot products, plus a few cold ones, in any order."""
    picked = rng.sample(hot, rng.randint(1, min(2, len(hot)))) if rng.random() < 0.95 else []
    picked += rng.sample(cold, rng.randint(0 if picked else 1, 3))
    rng.shuffle(picked)
    return {sku: rng.randint(1, 3) for sku in picked}


def tenders_for(rng: random.Random, total: int) -> list[Tender]:
    if rng.random() < 0.5:
        return [Tender.card(total)]
    return [Tender.cash(total + rng.choice([0, 0, 5, 1000, 5000]))]


# -- many tills ------------------------------------------------------------------------
def sell_until_hot_sold_out(
    url: str, till_no: int, seed: int, hot: list[str], cold: list[str], barrier, results
) -> None:
    """Sell random baskets until every hot product is gone; report every acknowledged sale.
    The till is "Till <till_no + 1>", in a session of its own (reported as ``session``).

    Anything but ``OutOfStock`` reaching the till is recorded as an error: deadlocks,
    serialization failures and lost races are the services' business, not the cashier's.
    """
    report: dict = {
        "till": till_no,
        "session": None,
        "sales": [],
        "out_of_stock": 0,
        "errors": [],
        "retries": 0,
    }
    counter = RetryCounter.install()
    db = None
    try:
        db = Database.connect(url)
        shift = sign_in_at(db, f"Till {till_no + 1}")
        report["session"] = shift.session_id
        rng = random.Random(seed)
        barrier.wait(timeout=60)
        started = time.monotonic()
        deadline = started + 90
        while time.monotonic() < deadline and len(report["errors"]) < 3:
            with db.reader() as session:
                on_shelf = list(
                    session.execute(
                        text("SELECT sku FROM products WHERE sku IN :hot AND stock_on_hand > 0"),
                        {"hot": tuple(hot)},
                    ).scalars()
                )
            if not on_shelf:
                break
            # mostly what the shelf shows; sometimes a product another till just sold out
            basket = random_basket(rng, hot if rng.random() < 0.2 else on_shelf, cold)
            try:
                with UnitOfWork(db.writer) as uow:
                    checkout = Checkout(uow, shift=shift)
                    if rng.random() < 0.5:
                        checkout.begin()  # the order number on screen while scanning
                    for sku, quantity in basket.items():
                        checkout.add(sku, quantity)
                    receipt = checkout.confirm(tenders_for(rng, checkout.totals().total))
                report["sales"].append((receipt.order_id, receipt.receipt_no, basket))
            except OutOfStock:
                report["out_of_stock"] += 1
            except Exception:  # noqa: BLE001 - anything else reaching a till is the bug
                report["errors"].append(traceback.format_exc())
        else:
            if time.monotonic() >= deadline:
                report["errors"].append("the till did not see the hot products sell out in time")
        report["seconds"] = time.monotonic() - started
    except BaseException:  # noqa: BLE001
        report["errors"].append(traceback.format_exc())
    finally:
        report["retries"] = counter.retries
        if db is not None:
            db.dispose()
        results.put(report)


# -- the till that gets killed -----------------------------------------------------------
KILLED_TILL_SKUS = ["CHAI", "CHANG", "SYRUP", "TOFU", "KONBU", "IKURA"]


def say(line: str) -> None:
    """One announcement, written in one piece and flushed before the till goes on."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    """Sell forever, announcing ``begun``, ``confirming`` and ``confirmed`` for each sale.
    Arguments: URL SEED [TILL NAME]; a restarted till carries on in the session it left open."""
    url, seed = argv[0], int(argv[1])
    till_name = argv[2] if len(argv) > 2 else "Till 1"
    rng = random.Random(seed)
    db = Database.connect(url, busy_timeout_s=10.0) if url.startswith("sqlite") else None
    db = db or Database.connect(url)
    shift = sign_in_at(db, till_name)
    say(f"ready {shift.session_id}")
    while True:
        basket = {sku: rng.randint(1, 3) for sku in rng.sample(KILLED_TILL_SKUS, rng.randint(1, 4))}
        with UnitOfWork(db.writer) as uow:
            checkout = Checkout(uow, shift=shift)
            order_id = checkout.begin()
            say(f"begun {order_id}")
            time.sleep(rng.uniform(0.002, 0.02))  # the cashier scanning
            for sku, quantity in basket.items():
                checkout.add(sku, quantity)
            tenders = tenders_for(rng, checkout.totals().total)
            say(f"confirming {order_id}")
            receipt = checkout.confirm(tenders)
        say(f"confirmed {receipt.order_id} {receipt.receipt_no} {json.dumps(basket)}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
