"""A till being closed while sales are confirmed on it, and tills closing side by side.

The rule: a sale is either in its session's Z report or refused with TillClosed and leaves
nothing behind; never a sale in a closed session that its Z figures miss. Z numbers stay
gapless however the closings of several tills interleave.

The two step-by-step races run on both backends (on SQLite the write lock does what the row
lock does on PostgreSQL); the free-running ones use several threads on PostgreSQL.
"""

from __future__ import annotations

import random
import threading
import time

import pytest
from sqlalchemy import text

from pos_app.domain.errors import DatabaseBusy, InvalidState, TillClosed
from pos_app.domain.tender import Tender, TenderKind
from pos_app.repositories import UnitOfWork
from pos_app.services.sale import Checkout
from pos_app.services.store import Store
from pos_app.services.till import close_till, open_till
from tests.factories import assert_clean, open_shift, product, snapshot, staff
from tests.threads import GatedUnitOfWork, Worker, waiting_on_a_lock

CASH, CARD = TenderKind.CASH, TenderKind.CARD


def sale(db, shift, uow: UnitOfWork | None = None, sku: str = "CHAI"):  # noqa: ANN001
    with uow or UnitOfWork(db.writer) as u:
        checkout = Checkout(u, shift=shift)
        checkout.add(sku)
        return checkout.confirm([Tender.cash(checkout.totals().total)])


def closed_figures_hold(db) -> None:
    """For every closed session, the stored Z figures (till_counts.expected) are what its
    sales, refunds and cash movements add up to now: nothing landed after the Z."""
    store = Store(db)
    with db.reader() as session:
        stored = session.execute(
            text(
                "SELECT s.id, c.kind, c.expected, s.sales_count FROM till_sessions s "
                "JOIN till_counts c ON c.till_session_id = s.id WHERE s.status = 'closed'"
            )
        ).all()
    assert stored
    for session_id, kind, expected, sales_count in stored:
        report = store.till_report(session_id)
        assert report.tender(kind).expected == expected, (session_id, kind)
        assert report.sales_count == sales_count, session_id


@pytest.fixture
def setup(db, new_uow):
    product(new_uow, "CHAI", price=1000, cost=500, tax_ppm=0, stock=500)
    owner = staff(new_uow)
    return owner, open_shift(new_uow, cashier=owner, opening_float=5_000)


def test_a_sale_committing_holds_the_closing_back_and_is_in_the_z(db, setup):
    owner, shift = setup
    ready, go = threading.Event(), threading.Event()
    seller = Worker(lambda: sale(db, shift, GatedUnitOfWork(db.writer, ready, go)))
    seller.start()
    assert ready.wait(20)  # the sale holds the session row (or SQLite's write lock)
    closer = Worker(
        lambda: in_own_uow(db, close_till, owner, shift.session_id, {CASH: 6_000, CARD: 0})
    )
    closer.start()
    time.sleep(0.5)
    assert closer.is_alive(), ("the closing must wait for the sale being committed", closer.error)
    if db.backend == "postgresql":
        assert waiting_on_a_lock(db) == 1
    go.set()
    seller.join(20)
    closer.join(20)
    assert seller.error is None and closer.error is None, (seller.error, closer.error)
    z = closer.result
    assert (z.sales_count, z.tender(CASH).sales, z.tender(CASH).expected) == (1, 1_000, 6_000)
    assert z.over_short == 0
    closed_figures_hold(db)
    assert_clean(db)


def test_a_sale_confirmed_while_the_till_closes_is_refused_and_leaves_nothing(db, setup):
    owner, shift = setup
    ready, go = threading.Event(), threading.Event()
    gated = GatedUnitOfWork(db.writer, ready, go)

    def closing():  # noqa: ANN202
        with gated as uow:
            return close_till(uow, owner, shift.session_id, {CASH: 5_000, CARD: 0})

    closer = Worker(closing)
    closer.start()
    assert ready.wait(20)  # the closing holds the session row and has its Z number
    before = snapshot(db)
    seller = Worker(lambda: sale(db, shift))
    seller.start()
    time.sleep(0.5)
    assert seller.is_alive(), "the sale must wait for the closing"
    go.set()
    closer.join(20)
    seller.join(20)
    assert closer.error is None, closer.error
    assert isinstance(seller.error, TillClosed), seller.error
    after = snapshot(db)
    for table in ("orders", "order_lines", "payments", "stock_movements", "journal_entries"):
        assert after[table] == before[table], table
    with db.reader() as session:
        receipts = session.execute(text("SELECT value FROM counters WHERE name = 'receipt'"))
        assert receipts.scalar_one() == 0
    assert closer.result.z_no == 1 and closer.result.sales_count == 0
    closed_figures_hold(db)
    assert_clean(db)


def test_a_checkout_left_open_does_not_hold_a_closing_back_on_postgresql(db, setup):
    """The order header is written when the checkout opens. On PostgreSQL the closing goes
    ahead (the open checkout fails at confirm); on SQLite the open checkout holds the write
    lock, so the closing is told the database is busy and stores nothing."""
    owner, shift = setup
    with UnitOfWork(db.writer) as uow:
        checkout = Checkout(uow, shift=shift)
        checkout.begin()
        checkout.add("CHAI")
        if db.backend == "sqlite":
            with pytest.raises(DatabaseBusy):
                in_own_uow(db, close_till, owner, shift.session_id, {CASH: 5_000, CARD: 0})
            checkout.cancel()
            z = in_own_uow(db, close_till, owner, shift.session_id, {CASH: 5_000, CARD: 0})
        else:
            started = time.monotonic()
            z = in_own_uow(db, close_till, owner, shift.session_id, {CASH: 5_000, CARD: 0})
            assert time.monotonic() - started < 2
            before = snapshot(db)
            with pytest.raises(TillClosed):
                checkout.confirm([Tender.cash(1_000)])
            assert snapshot(db) == before
    assert (z.z_no, z.sales_count, z.over_short) == (1, 0, 0)
    closed_figures_hold(db)
    assert_clean(db)


def test_two_computers_opening_the_same_till_at_once_get_one_session(db, setup):
    owner, shift = setup
    with UnitOfWork(db.writer) as uow:
        close_till(uow, owner, shift.session_id, {CASH: 5_000, CARD: 0})
    ready, go = threading.Event(), threading.Event()
    gated = GatedUnitOfWork(db.writer, ready, go)

    def first_open():  # noqa: ANN202
        with gated as uow:
            return open_till(uow, owner, "Till 1", 1_000)

    first = Worker(first_open)
    first.start()
    assert ready.wait(20)  # its session is written, not yet committed
    second = Worker(lambda: in_own_uow(db, open_till, owner, "Till 1", 2_000))
    second.start()
    time.sleep(0.5)
    go.set()
    first.join(20)
    second.join(20)
    assert first.error is None, first.error
    assert isinstance(second.error, (InvalidState, DatabaseBusy)), second.error
    if db.backend == "postgresql":  # waited on the unique index, then told plainly
        assert str(second.error) == "Till 1 is already open: close it first."
    state = Store(db).till_state("Till 1")
    assert state.session_id == first.result.session_id and state.opening_float == 1_000


def in_own_uow(db, service, *args):  # noqa: ANN001
    """Call ``service(uow, *args)`` in a unit of work of its own, closed afterwards."""
    with UnitOfWork(db.writer) as uow:
        return service(uow, *args)


def _retry_busy(work):  # noqa: ANN001
    """SQLite: another thread holds the write lock longer than the busy timeout; try again."""
    for _ in range(50):
        try:
            return work()
        except DatabaseBusy:
            time.sleep(0.05)
    raise AssertionError("the database stayed busy")


def test_two_tills_open_sell_and_close_side_by_side_with_gapless_z(db, new_uow, setup):
    owner, first = setup
    with new_uow() as uow:
        close_till(uow, owner, first.session_id, {CASH: 5_000, CARD: 0})
    rounds = 6

    def run_till(name: str, seed: int) -> list[int]:
        rng = random.Random(seed)
        z_numbers = []
        for _ in range(rounds):
            shift = _retry_busy(lambda: in_own_uow(db, open_till, owner, name, 1_000))
            taken = 0
            for _ in range(rng.randint(0, 3)):
                _retry_busy(lambda shift=shift: sale(db, shift))
                taken += 1_000
            counted = {CASH: 1_000 + taken + rng.choice([-100, 0, 50]), CARD: 0}
            report = _retry_busy(
                lambda shift=shift, counted=counted: in_own_uow(
                    db, close_till, owner, shift.session_id, counted
                )
            )
            assert report.tender(CASH).sales == taken
            z_numbers.append(report.z_no)
        return z_numbers

    tills = [Worker(lambda n=n: run_till(f"Till {n}", n)) for n in (2, 3)]
    for till in tills:
        till.start()
    for till in tills:
        till.join(120)
    assert all(t.error is None for t in tills), [t.error for t in tills]
    z = sorted([1] + tills[0].result + tills[1].result)
    assert z == list(range(1, 2 * rounds + 2))
    assert all(a < b for a, b in zip(tills[0].result, tills[0].result[1:]))
    closed_figures_hold(db)
    assert_clean(db)


@pytest.mark.postgres
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sales_racing_a_closing_are_in_the_z_or_refused(pg_db, seed):
    """Three sellers on one till; the back office closes it at a random moment. Every sale
    a seller was told is committed is in that session's Z; every other one was refused with
    TillClosed; the till is then opened again and the race repeated."""
    db = pg_db
    new_uow = lambda: UnitOfWork(db.writer)  # noqa: E731
    product(new_uow, "CHAI", price=1000, cost=500, tax_ppm=0, stock=5_000)
    owner = staff(new_uow)
    rng = random.Random(seed)
    for _round in range(4):
        shift = open_shift(new_uow, cashier=owner, opening_float=0)
        stop = threading.Event()
        sold: list[tuple[int, int]] = []  # (session id, order id)
        refused: list[int] = []

        def sell(
            n: int, shift=shift, stop=stop, sold=sold, refused=refused  # noqa: ANN001
        ) -> None:
            """Sell one at a time until the till turns out closed (or the test stops); the
            defaults bind this round's objects."""
            while not stop.is_set():
                try:
                    receipt = sale(db, shift)
                except TillClosed:
                    refused.append(n)
                    return
                sold.append((shift.session_id, receipt.order_id))

        sellers = [Worker(lambda n=n: sell(n)) for n in range(3)]
        for seller in sellers:
            seller.start()
        deadline = time.monotonic() + 30  # a loaded machine: wait for the selling to start
        while not sold and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.3))
        with new_uow() as uow:
            z = close_till(uow, owner, shift.session_id, {CASH: 0, CARD: 0})
        time.sleep(0.1)
        stop.set()
        for seller in sellers:
            seller.join(30)
        assert all(s.error is None for s in sellers), [s.error for s in sellers]
        assert len(refused) == 3 and sold  # each seller sold, then met the closed till
        assert z.sales_count == len(sold)
        assert z.tender(CASH).sales == 1_000 * len(sold)
        with db.reader() as session:
            in_session = set(
                session.execute(
                    text(
                        "SELECT id FROM orders WHERE till_session_id = :s "
                        "AND status = 'completed'"
                    ),
                    {"s": shift.session_id},
                ).scalars()
            )
        assert in_session == {order for _s, order in sold}
    closed_figures_hold(db)
    assert_clean(db)
