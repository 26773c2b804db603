"""Two tills refunding the same receipt at the same moment, on PostgreSQL.

The rule: whatever the interleaving, a line never gives back more than was sold (in units
and in money), and when two tills both ask for everything exactly one of them gets it; the
other is told how many can still be refunded and leaves nothing behind.
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from pos_app.domain.errors import InvalidInput, InvalidState
from pos_app.domain.tender import Tender, TenderKind
from pos_app.repositories import UnitOfWork
from pos_app.services.refund import Refund
from pos_app.services.sale import Checkout
from tests.factories import assert_clean, open_shift, product, stock_of
from tests.threads import GatedUnitOfWork, Worker, waiting_on_a_lock

pytestmark = pytest.mark.postgres

CASH = TenderKind.CASH


@pytest.fixture
def sold(pg_db):
    """Two tills open; one sale of 7 Chai (with an awkward net: 7 x 3.33) on Till 1."""
    new_uow = lambda: UnitOfWork(pg_db.writer)  # noqa: E731
    till1 = open_shift(new_uow, till="Till 1")
    till2 = open_shift(new_uow, till="Till 2", cashier=till1.cashier)
    product(new_uow, "CHAI", name="Chai", price=333, cost=200, tax_ppm=200_000, stock=50)
    with new_uow() as uow:
        checkout = Checkout(uow, shift=till1)
        checkout.add("CHAI", 7)
        sale = checkout.confirm([Tender.cash(checkout.totals().total)])
    return pg_db, new_uow, till1, till2, sale


def refund_work(db, shift, receipt_no, units, uow_factory=None):  # noqa: ANN001
    def work():
        uow = (uow_factory or (lambda: UnitOfWork(db.writer)))()
        with uow:
            r = Refund(uow, shift, receipt_no)
            line = r.lines[0]
            r.quantities[line.order_line_id] = units  # what the screen had, maybe stale
            r.begin()
            return r.confirm(CASH, "Returned by customer")

    return work


def test_two_tills_asking_for_everything_exactly_one_wins(sold):
    db, new_uow, till1, till2, sale = sold
    ready, go = threading.Event(), threading.Event()
    first = Worker(
        refund_work(db, till1, sale.receipt_no, 7, lambda: GatedUnitOfWork(db.writer, ready, go))
    )
    first.start()
    assert ready.wait(20)  # till 1 holds the line's lock, not yet committed
    second = Worker(refund_work(db, till2, sale.receipt_no, 7))
    second.start()
    deadline = time.monotonic() + 10
    while waiting_on_a_lock(db) == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert waiting_on_a_lock(db) >= 1, "till 2 should wait for till 1's line lock"
    go.set()
    first.join(20)
    second.join(20)
    assert first.error is None and first.result.total == sale.total
    assert isinstance(second.error, InvalidInput)
    assert "already been refunded in full" in str(second.error)
    with db.reader() as session:
        assert session.execute(text("SELECT count(*) FROM refunds")).scalar_one() == 1
        assert session.execute(
            text("SELECT refunded_quantity FROM order_lines")
        ).scalar_one() == 7
    assert stock_of(db, "CHAI") == 50
    assert_clean(db)


def test_two_tills_asking_for_more_than_is_left_between_them(sold):
    db, _new_uow, till1, till2, sale = sold
    ready, go = threading.Event(), threading.Event()
    first = Worker(
        refund_work(db, till1, sale.receipt_no, 4, lambda: GatedUnitOfWork(db.writer, ready, go))
    )
    first.start()
    assert ready.wait(20)
    second = Worker(refund_work(db, till2, sale.receipt_no, 4))
    second.start()
    deadline = time.monotonic() + 10
    while waiting_on_a_lock(db) == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    go.set()
    first.join(20)
    second.join(20)
    assert first.error is None
    assert isinstance(second.error, InvalidInput)
    assert "only 3 can still be refunded, not 4" in str(second.error)
    assert_clean(db)


def test_many_tills_refunding_one_unit_at_a_time_never_exceed_what_was_sold(sold):
    db, _new_uow, till1, till2, sale = sold
    start = threading.Barrier(6)

    def keep_refunding(shift):  # noqa: ANN001
        def work():
            start.wait(10)
            got, refused = [], 0
            for _ in range(6):
                try:
                    got.append(refund_work(db, shift, sale.receipt_no, 1)())
                except (InvalidInput, InvalidState):
                    refused += 1
            return got, refused

        return work

    workers = [Worker(keep_refunding(till1 if i % 2 else till2)) for i in range(6)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert all(w.error is None for w in workers), [w.error for w in workers]
    refunds = [r for w in workers for r in w.result[0]]
    assert len(refunds) == 7  # one per unit sold, however the tills raced
    assert sum(r.total for r in refunds) == sale.total  # to the cent
    assert sorted(r.refund_no for r in refunds) == list(range(1, 8))
    with db.reader() as session:
        assert session.execute(
            text("SELECT refunded_quantity FROM order_lines")
        ).scalar_one() == 7
    assert stock_of(db, "CHAI") == 50
    assert_clean(db)
