"""Several tills on one PostgreSQL database at once, each with its own engine.

Tills are separate processes (spawn), as in a shop, selling the same few hot products
until they run out. Whatever the interleaving: nothing is oversold, every sale a till was
told is committed is in the database exactly once, receipt numbers are gapless, the books
balance, and no till ever sees an error other than ``OutOfStock`` (deadlocks and
serialization failures are the services' business, not the cashier's).

Also here: two tills shipping the same customer order, and the deferred constraint
trigger that refuses to commit an unbalanced journal transaction written with raw SQL.
"""

from __future__ import annotations

import multiprocessing
import random
import threading
import time
import traceback
from collections import Counter as Tally

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from pos_app.domain.cart import Cart
from pos_app.domain.errors import InvalidState, OutOfStock, UnbalancedJournal
from pos_app.domain.tender import Tender
from pos_app.persistence.engine import Database
from pos_app.repositories import UnitOfWork
from pos_app.services.catalogue import record_count
from pos_app.services.customer_orders import save_order, ship_order
from pos_app.services.sale import Checkout
from pos_app.services.till import open_till
from tests.factories import (
    assert_clean,
    customer,
    gather_tills,
    owner,
    product,
    receive,
    staff,
    stock_of,
)

pytestmark = pytest.mark.postgres

HOT = ("COFFEE", "MILK", "BREAD", "EGGS", "BUTTER")
RECEIVED = {"COFFEE": 160, "MILK": 140, "BREAD": 120, "EGGS": 100, "BUTTER": 80}
TILLS = 4


# -- one till, in its own process ---------------------------------------------------------
def _till(url: str, till_no: int, seed: int, cashier, barrier, results) -> None:
    """Sell random baskets of hot products until the shelves are empty; report everything.
    The till opens its own session first ("Till 1", "Till 2", ...), as a cashier would."""
    report: dict = {
        "till": till_no,
        "session": None,
        "sales": [],
        "out_of_stock": 0,
        "cancelled": 0,
        "errors": [],
    }
    db = None
    try:
        db = Database.connect(url)
        with UnitOfWork(db.writer) as uow:
            shift = open_till(uow, cashier, f"Till {till_no + 1}", 10_000)
        report["session"] = shift.session_id
        rng = random.Random(seed)
        barrier.wait(timeout=60)
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline and len(report["errors"]) < 3:
            with db.reader() as session:
                levels = dict(
                    session.execute(text("SELECT sku, stock_on_hand FROM products")).all()
                )
            on_shelf = [sku for sku in HOT if levels.get(sku, 0) > 0]
            if not on_shelf:
                break
            # several products per basket, in random order; sometimes one already sold out,
            # so a basket may be refused for stock that another till just took
            pool = HOT if rng.random() < 0.2 else on_shelf
            wanted = rng.sample(pool, rng.randint(1, min(3, len(pool))))
            basket = [(sku, rng.randint(1, 3)) for sku in wanted]
            try:
                with UnitOfWork(db.writer) as uow:
                    checkout = Checkout(uow, shift=shift)
                    if rng.random() < 0.5:
                        checkout.begin()  # the order number is on screen while scanning
                    for sku, quantity in basket:
                        checkout.add(sku, quantity)
                    if rng.random() < 0.05:
                        checkout.cancel()
                        report["cancelled"] += 1
                        continue
                    total = checkout.totals().total
                    tenders = (
                        [Tender.card(total)]
                        if rng.random() < 0.5
                        else [Tender.cash(total + rng.randint(0, 5000))]
                    )
                    receipt = checkout.confirm(tenders)
                report["sales"].append(
                    (receipt.order_id, receipt.receipt_no, {s: q for s, q in basket})
                )
            except OutOfStock:
                report["out_of_stock"] += 1
            except Exception:  # noqa: BLE001 - anything else reaching a till is the bug
                report["errors"].append(traceback.format_exc())
        else:
            if time.monotonic() >= deadline:
                report["errors"].append("the till did not sell out within its deadline")
    except BaseException:  # noqa: BLE001
        report["errors"].append(traceback.format_exc())
    finally:
        if db is not None:
            db.dispose()
        results.put(report)


def _merge_baskets(sales: list) -> Tally:
    sold: Tally = Tally()
    for _oid, _no, basket in sales:
        sold.update(basket)
    return sold


@pytest.mark.slow
def test_tills_selling_the_same_hot_products_never_oversell_or_lose_a_sale(pg_db, pg_url):
    new_uow = lambda: UnitOfWork(pg_db.writer)
    for i, sku in enumerate(HOT):
        product(
            new_uow,
            sku,
            price=250 + 100 * i,
            cost=100 + 40 * i,
            tax_ppm=[0, 50_000, 200_000][i % 3],
        )
    # received in two deliveries per product, at different costs
    receive(new_uow, {sku: (RECEIVED[sku] - 10, 100 + 40 * i) for i, sku in enumerate(HOT)})
    receive(new_uow, {sku: (10, 120 + 40 * i) for i, sku in enumerate(HOT)})

    cashier = staff(new_uow, "Olive")  # signs in on every till

    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    barrier = ctx.Barrier(TILLS)
    tills = [
        ctx.Process(
            target=_till, args=(pg_url, n, 1000 + n, cashier, barrier, results), daemon=True
        )
        for n in range(TILLS)
    ]
    started = time.monotonic()
    reports = gather_tills(tills, results, timeout=120)
    elapsed = time.monotonic() - started

    errors = [e for r in reports for e in r["errors"]]
    assert not errors, "\n\n".join(errors)
    sales = [s for r in reports for s in r["sales"]]
    assert all(r["sales"] for r in reports), "every till should have sold something"
    assert elapsed < 60

    with pg_db.reader() as session:
        # never oversold; everything received was sold, nothing more
        levels = dict(session.execute(text("SELECT sku, stock_on_hand FROM products")).all())
        assert levels == {sku: 0 for sku in HOT}
        sold_in_db = dict(
            session.execute(
                text(
                    "SELECT p.sku, SUM(l.quantity) FROM order_lines l "
                    "JOIN orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id "
                    "WHERE o.kind = 'sale' AND o.status = 'completed' GROUP BY p.sku"
                )
            ).all()
        )
        assert sold_in_db == RECEIVED
        assert dict(_merge_baskets(sales)) == RECEIVED

        # every sale a till was told about is there exactly once, and nothing else is
        rows = session.execute(
            text("SELECT id, receipt_no FROM orders WHERE kind = 'sale' AND status = 'completed'")
        ).all()
        in_db = Tally((oid, no) for oid, no in rows)
        reported = Tally((oid, no) for oid, no, _b in sales)
        assert in_db == reported
        assert set(in_db.values()) == {1}
        assert (
            session.execute(text("SELECT count(*) FROM orders WHERE status = 'open'")).scalar() == 0
        )

        # each reported basket is what was stored for that order
        stored = {}
        for oid, sku, quantity in session.execute(
            text(
                "SELECT l.order_id, p.sku, l.quantity FROM order_lines l "
                "JOIN products p ON p.id = l.product_id"
            )
        ):
            stored.setdefault(oid, {})[sku] = stored.get(oid, {}).get(sku, 0) + quantity
        for oid, _no, basket in sales:
            assert stored[oid] == basket

        # gapless receipts 1..N
        numbers = sorted(no for _oid, no, _b in sales)
        assert numbers == list(range(1, len(sales) + 1))
        assert session.execute(
            text("SELECT value FROM counters WHERE name = 'receipt'")
        ).scalar_one() == len(sales)

        # every journal transaction balances, one per sale
        unbalanced = session.execute(
            text(
                "SELECT transaction_id FROM journal_entries GROUP BY transaction_id "
                "HAVING SUM(debit) <> SUM(credit) OR COUNT(*) < 2"
            )
        ).all()
        assert unbalanced == []
        per_order = session.execute(
            text(
                "SELECT order_id, count(*) FROM journal_transactions WHERE kind = 'sale' "
                "GROUP BY order_id HAVING count(*) <> 1"
            )
        ).all()
        assert per_order == []
        assert session.execute(
            text("SELECT count(*) FROM journal_transactions WHERE kind = 'sale'")
        ).scalar_one() == len(sales)

        # each sale is in the session of the till that made it, counted there once
        sessions = {r["session"]: r for r in reports}
        assert len(sessions) == TILLS
        counted = dict(
            session.execute(text("SELECT id, sales_count FROM till_sessions")).all()
        )
        assert counted == {sid: len(r["sales"]) for sid, r in sessions.items()}
        by_session: dict[int, set[int]] = {}
        for oid, sid in session.execute(
            text("SELECT id, till_session_id FROM orders WHERE status = 'completed'")
        ):
            by_session.setdefault(sid, set()).add(oid)
        assert by_session == {
            sid: {oid for oid, _no, _b in r["sales"]} for sid, r in sessions.items()
        }
    assert_clean(pg_db)


# -- shipping the same customer order from two tills -------------------------------------
def _waiting_on_locks(db: Database) -> int:
    with db.engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND state = 'active'"
            )
        ).scalar_one()


def _race(db: Database, urls: list[str], work, *, hold: str | None = None, params=None):
    """Run ``work(uow)`` on two tills (threads, each with its own engine) at once.

    With ``hold``, a third connection first locks what the tills want (``SELECT … FOR
    UPDATE``), waits until both tills are blocked on it, then lets go: a guaranteed race.
    """
    engines = [Database.connect(url) for url in urls]
    barrier = threading.Barrier(len(engines))
    outcomes: list = [None] * len(engines)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            with UnitOfWork(engines[i].writer) as uow:
                outcomes[i] = ("ok", work(uow))
        except Exception as exc:  # noqa: BLE001
            outcomes[i] = ("error", exc)

    blocker = db.engine.connect() if hold else None
    try:
        if blocker is not None:
            blocker.begin()
            blocker.execute(text(hold), params or {})
        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(engines))]
        for thread in threads:
            thread.start()
        if blocker is not None:
            give_up = time.monotonic() + 10
            while _waiting_on_locks(db) < len(engines) and time.monotonic() < give_up:
                time.sleep(0.02)
            assert _waiting_on_locks(db) == len(engines), "the tills never queued up"
            blocker.rollback()
        for thread in threads:
            thread.join(timeout=60)
            assert not thread.is_alive(), "a till hung"
    finally:
        if blocker is not None:
            blocker.close()
        for engine in engines:
            engine.dispose()
    return outcomes


@pytest.fixture
def orders_shop(pg_db):
    new_uow = lambda: UnitOfWork(pg_db.writer)
    product(new_uow, "TEA", price=500, cost=200, stock=100)
    product(new_uow, "JAM", price=300, cost=100, tax_ppm=50_000, stock=100)
    customer(new_uow, "ALFKI")
    return new_uow


def _customer_order(new_uow, lines: dict[str, int]) -> int:
    with new_uow() as uow:
        cart = Cart()  # priced the way the till prices a scan
        for sku, quantity in lines.items():
            cart.add(uow.catalogue.sellable(sku), quantity)
        return save_order(uow, cart, "ALFKI", actor=owner(new_uow))


def _shipments(db: Database, order_id: int) -> tuple[int, int]:
    with db.reader() as session:
        movements = session.execute(
            text("SELECT count(*) FROM stock_movements WHERE order_id = :o"), {"o": order_id}
        ).scalar_one()
        journals = session.execute(
            text("SELECT count(*) FROM journal_transactions WHERE order_id = :o"), {"o": order_id}
        ).scalar_one()
    return movements, journals


@pytest.mark.slow
def test_two_tills_shipping_the_same_order_ship_it_exactly_once(pg_db, pg_url, orders_shop):
    olive = owner(orders_shop)
    orders = [_customer_order(orders_shop, {"TEA": 2, "JAM": 1}) for _ in range(8)]
    for n, order_id in enumerate(orders):
        # half the races are forced through a held row lock, half start on a barrier only
        hold = "SELECT id FROM orders WHERE id = :o FOR UPDATE" if n % 2 == 0 else None
        outcomes = _race(
            pg_db,
            [pg_url, pg_url],
            lambda uow, oid=order_id: ship_order(uow, oid, actor=olive),
            hold=hold,
            params={"o": order_id},
        )
        kinds = sorted(kind for kind, _ in outcomes)
        assert kinds == ["error", "ok"], outcomes
        error = next(value for kind, value in outcomes if kind == "error")
        assert isinstance(error, InvalidState), repr(error)
        assert _shipments(pg_db, order_id) == (2, 1)  # two lines moved once, one journal
    assert stock_of(pg_db, "TEA") == 100 - 2 * len(orders)
    assert stock_of(pg_db, "JAM") == 100 - len(orders)
    with pg_db.reader() as session:
        statuses = session.execute(text("SELECT DISTINCT status FROM orders")).scalars().all()
    assert statuses == ["shipped"]
    assert_clean(pg_db)


@pytest.mark.slow
def test_two_orders_racing_for_the_last_units_ship_one(pg_db, pg_url, orders_shop):
    olive = owner(orders_shop)
    with orders_shop() as uow:  # leave exactly 5 TEA
        record_count(uow, uow.catalogue.by_sku("TEA").id, 5, actor=olive)
    first = _customer_order(orders_shop, {"TEA": 3, "JAM": 1})
    second = _customer_order(orders_shop, {"JAM": 2, "TEA": 3})
    pending = iter([first, second])
    lock = threading.Lock()

    def ship_next(uow: UnitOfWork) -> int:
        with lock:
            order_id = next(pending)
        ship_order(uow, order_id, actor=olive)
        return order_id

    outcomes = _race(
        pg_db,
        [pg_url, pg_url],
        ship_next,
        hold="SELECT id FROM products WHERE sku = 'TEA' FOR UPDATE",
    )
    shipped = [value for kind, value in outcomes if kind == "ok"]
    refused = [value for kind, value in outcomes if kind == "error"]
    assert len(shipped) == 1 and len(refused) == 1, outcomes
    assert isinstance(refused[0], OutOfStock), repr(refused[0])
    assert [(s.sku, s.requested, s.available) for s in refused[0].shortages] == [("TEA", 3, 2)]
    assert stock_of(pg_db, "TEA") == 2
    with pg_db.reader() as session:
        statuses = dict(session.execute(text("SELECT id, status FROM orders")).all())
    assert sorted(statuses.values()) == ["open", "shipped"]
    assert statuses[shipped[0]] == "shipped"
    assert_clean(pg_db)


# -- defence in depth: the deferred balance trigger -------------------------------------
def _raw_journal(conn, entries: list[tuple[str, int, int]]) -> int:
    txn = conn.execute(
        text(
            "INSERT INTO journal_transactions (posted_at, description, kind) "
            "VALUES (now(), 'raw SQL', 'manual') RETURNING id"
        )
    ).scalar_one()
    for code, debit, credit in entries:
        conn.execute(
            text(
                "INSERT INTO journal_entries (transaction_id, account_id, debit, credit) "
                "SELECT :t, id, :d, :c FROM accounts WHERE code = :code"
            ),
            {"t": txn, "d": debit, "c": credit, "code": code},
        )
    return txn


def _journal_rows(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM journal_transactions), "
                    "(SELECT count(*) FROM journal_entries)"
                )
            ).one()
    finally:
        engine.dispose()


def test_database_refuses_to_commit_an_unbalanced_journal_written_with_raw_sql(pg_url):
    engine = create_engine(pg_url)
    try:
        conn = engine.connect()
        trans = conn.begin()
        # every statement is accepted: the check is deferred to COMMIT
        _raw_journal(conn, [("1000", 10_000, 0), ("4000", 0, 9_000)])
        with pytest.raises(IntegrityError) as caught:
            trans.commit()
        assert caught.value.orig.pgcode == "23514"  # check_violation
        assert "unbalanced" in str(caught.value.orig)
        conn.close()
        assert _journal_rows(pg_url) == (0, 0)

        # a single one-sided entry is refused too
        with pytest.raises(IntegrityError), engine.begin() as conn:
            _raw_journal(conn, [("1000", 500, 0)])
        assert _journal_rows(pg_url) == (0, 0)

        # balanced commits, even though it is unbalanced between its own statements
        with engine.begin() as conn:
            txn = _raw_journal(conn, [("1000", 10_000, 0), ("4000", 0, 8_000), ("2200", 0, 2_000)])
        assert _journal_rows(pg_url) == (1, 3)

        # and it cannot be unbalanced afterwards, by UPDATE or DELETE
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(
                text(
                    "UPDATE journal_entries SET credit = 7000 WHERE transaction_id = :t AND credit = 8000"
                ),
                {"t": txn},
            )
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(
                text("DELETE FROM journal_entries WHERE transaction_id = :t AND credit = 2000"),
                {"t": txn},
            )
        assert _journal_rows(pg_url) == (1, 3)
        # a correction that keeps it balanced is fine
        with engine.begin() as conn:
            conn.execute(
                text(
                    "UPDATE journal_entries SET credit = credit - 1000 WHERE transaction_id = :t AND credit = 8000"
                ),
                {"t": txn},
            )
            conn.execute(
                text(
                    "UPDATE journal_entries SET credit = credit + 1000 WHERE transaction_id = :t AND credit = 2000"
                ),
                {"t": txn},
            )
    finally:
        engine.dispose()


def test_unbalanced_raw_sql_through_a_unit_of_work_is_refused_and_the_uow_goes_on(pg_db):
    with UnitOfWork(pg_db.writer) as uow:
        _raw_journal(uow.session, [("1000", 300, 0), ("4000", 0, 200)])
        with pytest.raises(UnbalancedJournal) as caught:
            uow.commit()
        assert caught.value.__cause__.orig.pgcode == "23514"  # refused by the trigger
        # rolled back and usable again: no PendingRollbackError
        _raw_journal(uow.session, [("1000", 300, 0), ("4000", 0, 300)])
        uow.commit()
    assert _journal_rows(pg_db.engine.url.render_as_string(hide_password=False)) == (1, 2)
    assert_clean(pg_db)
