"""A store run by Hypothesis: random sequences of everything a shop does, checked against a model.

The model is a dictionary of expected stock (plus receipt and journal counts and the open
customer orders). The model decides whether an operation must be accepted or refused; the
store must agree, and a refused operation must leave every table exactly as it was. After
every step: stock equals the model, is never negative and equals the sum of its movements,
every journal transaction balances, and ``pos-app check`` finds nothing.

Runs on SQLite and, with fewer examples, on PostgreSQL. Derandomized and without an
example database, so CI runs exactly the same sequences every time.
"""

from __future__ import annotations

import itertools
import shutil
from collections import Counter as Tally
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import create_engine, text

from pos_app.domain.cart import Cart
from pos_app.domain.errors import (
    InvalidInput,
    InvalidState,
    NotFound,
    OutOfStock,
    TenderShort,
    UnbalancedJournal,
)
from pos_app.domain.money import MAX_QUANTITY, parse_amount, parse_quantity
from pos_app.domain.postings import Accounts, Posting
from pos_app.domain.tender import Tender
from pos_app.persistence.engine import Database
from pos_app.repositories import UnitOfWork
from pos_app.repositories.catalogue import snapshot_of
from pos_app.services.catalogue import record_count
from pos_app.services.customer_orders import save_order, ship_order
from pos_app.services.integrity import run_check
from pos_app.services.journal import ManualJournalEntry, post_journal
from pos_app.services.receiving import Receiving
from pos_app.services.sale import Checkout
from tests.factories import customer, open_shift, owner, product, snapshot

# sku: (price, cost, tax ppm, barcode, initial stock)
CATALOGUE = {
    "CHAI": (1800, 1000, 200_000, "5000001", 25),
    "SYRUP": (1000, 500, 50_000, None, 8),
    "TOFU": (2325, 1500, 0, "5000003", 4),
}
SKUS = sorted(CATALOGUE)
CODES = {sku: sku for sku in SKUS} | {
    barcode: sku for sku, (_p, _c, _t, barcode, _s) in CATALOGUE.items() if barcode
}
ACCOUNTS = [getattr(Accounts, name) for name in dir(Accounts) if not name.startswith("_")]

codes = st.sampled_from(sorted(CODES))
baskets = st.lists(st.tuples(codes, st.integers(1, 4)), min_size=1, max_size=4)
bad_quantities = st.sampled_from([0, -1, -7, MAX_QUANTITY + 1, 10**9, 2**63])
typed_numbers = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "abc",
            "1.5",
            "-3",
            "0",
            "1e3",
            "3 ",
            "+2",
            "٣",
            "NaN",
            "inf",
            "12,50",
            "0.001",
            "100001",
            "99999999999999",
            "1_000",
            "0x10",
            "½",
            "12.5.0",
        ]
    ),
    st.text(max_size=8),
    st.integers(-5, 20).map(str),
)


def wanted_of(basket: list[tuple[str, int]]) -> Tally:
    wanted: Tally = Tally()
    for code, quantity in basket:
        wanted[CODES[code]] += quantity
    return wanted


def make_store_machine(new_url: Callable[[], str]) -> type[RuleBasedStateMachine]:
    class Store(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            url = new_url()
            self.db = (
                Database.connect(url, busy_timeout_s=2.0)
                if url.startswith("sqlite")
                else Database.connect(url)
            )
            new_uow = self.new_uow
            for sku, (price, cost, tax, barcode, stock) in CATALOGUE.items():
                product(
                    new_uow, sku, price=price, cost=cost, tax_ppm=tax, barcode=barcode, stock=stock
                )
            customer(new_uow, "ALFKI")
            self.owner = owner(new_uow)  # who receives, counts, posts and takes orders
            self.shift = open_shift(new_uow)  # every sale sells in this till session
            self.stock = {sku: CATALOGUE[sku][4] for sku in SKUS}
            self.receipts = 0
            self.journals = sum(1 for s in SKUS if self.stock[s])  # the opening receivings
            self.open_orders: dict[int, Tally] = {}
            self.shipped: set[int] = set()

        def teardown(self) -> None:
            self.db.dispose()

        def new_uow(self) -> UnitOfWork:
            return UnitOfWork(self.db.writer)

        # -- helpers ----------------------------------------------------------------------
        def refused(self, error: type[Exception], work: Callable[[], object]) -> Exception:
            """``work`` must raise ``error`` and leave every table as it was."""
            before = snapshot(self.db)
            with pytest.raises(error) as caught:
                work()
            assert snapshot(self.db) == before, f"{error.__name__} left traces"
            return caught.value

        def shortages(self, wanted: Tally) -> set[tuple[str, int, int]]:
            return {
                (sku, quantity, self.stock[sku])
                for sku, quantity in wanted.items()
                if quantity > self.stock[sku]
            }

        def sell(self, basket, tenders_for, *, begin_first: bool = False):
            with self.new_uow() as uow:
                checkout = Checkout(uow, shift=self.shift)
                if begin_first:
                    checkout.begin()
                for code, quantity in basket:
                    checkout.add(code, quantity)
                return checkout.confirm(tenders_for(checkout.totals().total))

        def expect_sale(self, basket, tenders_for, *, begin_first: bool = False) -> None:
            wanted = wanted_of(basket)
            short = self.shortages(wanted)
            if short:
                error = self.refused(
                    OutOfStock, lambda: self.sell(basket, tenders_for, begin_first=begin_first)
                )
                assert {(s.sku, s.requested, s.available) for s in error.shortages} == short
                return
            receipt = self.sell(basket, tenders_for, begin_first=begin_first)
            self.receipts += 1
            self.journals += 1
            assert receipt.receipt_no == self.receipts
            assert sum(p.applied for p in receipt.payments) == receipt.total
            for sku, quantity in wanted.items():
                self.stock[sku] -= quantity

        # -- sales ----------------------------------------------------------------------
        @rule(
            basket=baskets,
            pay=st.sampled_from(["card", "cash", "mixed"]),
            extra=st.integers(0, 10_000),
            begin_first=st.booleans(),
        )
        def sale(self, basket, pay, extra, begin_first) -> None:
            def tenders_for(total: int) -> list[Tender]:
                if pay == "card":
                    return [Tender.card(total)]
                if pay == "cash":
                    return [Tender.cash(total + extra)]
                card = max(1, total // 3)
                return [Tender.cash(total - card + extra), Tender.card(card)]

            self.expect_sale(basket, tenders_for, begin_first=begin_first)

        @rule(basket=baskets, how=st.sampled_from(["cancel", "close", "fail_then_cancel"]))
        def sale_cancelled_midway(self, basket, how) -> None:
            def work() -> None:
                uow = self.new_uow()
                checkout = Checkout(uow, shift=self.shift)
                checkout.begin()
                for code, quantity in basket:
                    checkout.add(code, quantity)
                if how == "fail_then_cancel":
                    with pytest.raises(TenderShort):
                        checkout.confirm([Tender.cash(checkout.totals().total - 1)])
                    checkout.cancel()
                elif how == "cancel":
                    checkout.cancel()
                uow.close()  # the dialog closes without confirming

            before = snapshot(self.db)
            work()
            assert snapshot(self.db) == before, "a cancelled sale left traces"

        @rule(
            basket=baskets,
            short_by=st.integers(1, 10**6),
            how=st.sampled_from(["cash", "card", "card_over"]),
        )
        def sale_with_wrong_tenders(self, basket, short_by, how) -> None:
            def tenders_for(total: int) -> list[Tender]:
                missing = min(short_by, total)
                if how == "card_over":
                    return [Tender.card(total + short_by)]
                if how == "card" and missing < total:
                    return [Tender.card(total - missing)]
                return [Tender.cash(total - missing)]

            error = TenderShort if how != "card_over" else InvalidInput
            self.refused(error, lambda: self.sell(basket, tenders_for))

        @rule(quantity_text=typed_numbers, cash_text=typed_numbers, code=codes)
        def sale_typed_at_the_keyboard(self, quantity_text, cash_text, code) -> None:
            """What a cashier types goes through the parsers; anything odd is refused whole."""
            try:
                quantity = parse_quantity(quantity_text)
                cash = parse_amount(cash_text, "cash given")
            except InvalidInput:
                self.refused(
                    InvalidInput,
                    lambda: self.sell(
                        [(code, parse_quantity(quantity_text))],
                        lambda _t: [Tender.cash(parse_amount(cash_text, "cash given"))],
                    ),
                )
                return
            assert 1 <= quantity <= MAX_QUANTITY and cash >= 0
            with self.new_uow() as uow:
                probe = Checkout(uow, shift=self.shift)
                probe.add(code, quantity)
                total = probe.totals().total
            if cash < total:
                self.refused(
                    TenderShort,
                    lambda: self.sell([(code, quantity)], lambda _t: [Tender.cash(cash)]),
                )
            else:
                self.expect_sale([(code, quantity)], lambda _t: [Tender.cash(cash)])

        # -- customer orders ------------------------------------------------------------
        @rule(basket=baskets)
        def save_customer_order(self, basket) -> None:
            with self.new_uow() as uow:
                cart = Cart()
                for code, quantity in basket:
                    cart.add(snapshot_of(uow.catalogue.by_code(code)), quantity)
                order_id = save_order(uow, cart, "ALFKI", actor=self.owner)
            assert order_id not in self.open_orders and order_id not in self.shipped
            self.open_orders[order_id] = wanted_of(basket)

        @precondition(lambda self: self.open_orders)
        @rule(data=st.data())
        def ship_customer_order(self, data) -> None:
            order_id = data.draw(st.sampled_from(sorted(self.open_orders)), label="order")
            wanted = self.open_orders[order_id]
            short = self.shortages(wanted)

            def ship() -> None:
                with self.new_uow() as uow:
                    ship_order(uow, order_id, actor=self.owner)

            if short:
                error = self.refused(OutOfStock, ship)
                assert {(s.sku, s.requested, s.available) for s in error.shortages} == short
                return
            ship()
            del self.open_orders[order_id]
            self.shipped.add(order_id)
            self.journals += 1
            for sku, quantity in wanted.items():
                self.stock[sku] -= quantity

        @precondition(lambda self: self.shipped)
        @rule(data=st.data())
        def ship_twice(self, data) -> None:
            order_id = data.draw(st.sampled_from(sorted(self.shipped)), label="shipped order")
            with self.new_uow() as uow:
                self.refused(InvalidState, lambda: ship_order(uow, order_id, actor=self.owner))

        # -- receiving and counts -----------------------------------------------------------
        @rule(
            lines=st.lists(
                st.tuples(codes, st.integers(1, 30), st.integers(0, 3000)), min_size=1, max_size=3
            ),
            paid_in_cash=st.booleans(),
            begin_first=st.booleans(),
        )
        def receive(self, lines, paid_in_cash, begin_first) -> None:
            with self.new_uow() as uow:
                receiving = Receiving(
                    uow, "Exotic Liquids", paid_in_cash=paid_in_cash, actor=self.owner
                )
                if begin_first:
                    receiving.begin()
                for code, quantity, cost in lines:
                    receiving.add(code, quantity, cost)
                receiving.confirm()
            for code, quantity, _cost in lines:
                self.stock[CODES[code]] += quantity
            if any(quantity * cost for _code, quantity, cost in lines):
                self.journals += 1

        @rule(
            code=codes,
            quantity=st.one_of(bad_quantities, typed_numbers),
            cost=st.integers(-5, 3000),
        )
        def receive_bad_input(self, code, quantity, cost) -> None:
            try:
                parse_quantity(quantity)
                if cost >= 0:
                    return  # acceptable after all: covered by receive()
            except InvalidInput:
                pass

            def work() -> None:
                with self.new_uow() as uow:
                    receiving = Receiving(uow, "Exotic Liquids", actor=self.owner)
                    receiving.begin()
                    receiving.add(code, quantity, cost)
                    receiving.confirm()

            self.refused(InvalidInput, work)

        @rule(sku=st.sampled_from(SKUS), counted=st.integers(0, 15))
        def stock_count(self, sku, counted) -> None:
            with self.new_uow() as uow:
                found = uow.catalogue.by_sku(sku)
                product_id, unit_cost = found.id, found.unit_cost
                uow.rollback()
                delta = record_count(uow, product_id, counted, actor=self.owner)
            assert delta == counted - self.stock[sku]
            if delta and unit_cost:
                self.journals += 1
            self.stock[sku] = counted

        # -- journal ------------------------------------------------------------------------
        @rule(
            accounts=st.lists(st.sampled_from(ACCOUNTS), min_size=2, max_size=2, unique=True),
            amount=st.integers(1, 10**7),
            split=st.booleans(),
            begin_first=st.booleans(),
        )
        def manual_journal_balanced(self, accounts, amount, split, begin_first) -> None:
            dr, cr = accounts
            postings = [Posting(dr, debit=amount)]
            if split and amount > 1:
                postings += [
                    Posting(cr, credit=amount // 2),
                    Posting(cr, credit=amount - amount // 2),
                ]
            else:
                postings.append(Posting(cr, credit=amount))
            with self.new_uow() as uow:
                if begin_first:
                    entry = ManualJournalEntry(uow, actor=self.owner)
                    shown = entry.begin()
                    assert entry.post("Owner's float", postings) == shown
                else:
                    post_journal(uow, "Owner's float", postings, actor=self.owner)
            self.journals += 1

        @rule(
            accounts=st.lists(st.sampled_from(ACCOUNTS), min_size=2, max_size=2, unique=True),
            amount=st.integers(1, 10**7),
            off_by=st.integers(-(10**6), 10**6).filter(bool),
            begin_first=st.booleans(),
        )
        def manual_journal_unbalanced(self, accounts, amount, off_by, begin_first) -> None:
            dr, cr = accounts
            postings = [Posting(dr, debit=amount), Posting(cr, credit=max(1, amount + off_by))]
            if postings[0].debit == postings[1].credit:
                postings.append(Posting(cr, credit=1))

            def work() -> None:
                with self.new_uow() as uow:
                    entry = ManualJournalEntry(uow, actor=self.owner)
                    if begin_first:
                        entry.begin()
                    entry.post("Typo", postings)

            self.refused(UnbalancedJournal, work)
            with self.new_uow() as uow:
                self.refused(
                    UnbalancedJournal,
                    lambda: post_journal(uow, "One leg", postings[:1], actor=self.owner),
                )
                self.refused(
                    NotFound,
                    lambda: post_journal(
                        uow,
                        "Unknown",
                        [Posting("9999", debit=amount), Posting(cr, credit=amount)],
                        actor=self.owner,
                    ),
                )
                self.refused(
                    InvalidInput, lambda: post_journal(uow, "  ", postings[:2], actor=self.owner)
                )

        # -- bad input anywhere -------------------------------------------------------------
        @rule(
            where=st.sampled_from(["till", "ship", "order", "supplier", "count", "posting"]),
            code=codes,
            quantity=bad_quantities,
            unknown=st.sampled_from(["NOPE", "", " ", "5000009"]),
            odd=st.sampled_from([-1, -100, "3", 2.0, None, True, 0, 10**12, "x" * 81, "", "   "]),
        )
        def bad_input(self, where, code, quantity, unknown, odd) -> None:
            with self.new_uow() as uow:
                if where == "till":
                    checkout = Checkout(uow, shift=self.shift)
                    checkout.begin()
                    self.refused(InvalidInput, lambda: checkout.add(code, quantity))
                    self.refused(NotFound, lambda: checkout.add(unknown))
                    self.refused(InvalidInput, lambda: checkout.confirm([Tender.cash(10**6)]))
                    checkout.add(code, MAX_QUANTITY)
                    self.refused(InvalidInput, lambda: checkout.add(code))  # past the line maximum
                    self.refused(InvalidInput, lambda: Tender.cash(-5))
                    self.refused(InvalidInput, lambda: Tender.card(0))
                    self.refused(TenderShort, lambda: checkout.confirm([]))
                    self.refused(OutOfStock, lambda: checkout.confirm([Tender.cash(10**11)]))
                elif where == "ship":
                    self.refused(NotFound, lambda: ship_order(uow, 10**6, actor=self.owner))
                    self.refused(NotFound, lambda: ship_order(uow, -1, actor=self.owner))
                elif where == "order":
                    cart = Cart()
                    self.refused(
                        InvalidInput, lambda: save_order(uow, cart, "ALFKI", actor=self.owner)
                    )
                    cart.add(snapshot_of(uow.catalogue.by_code(code)), 1)
                    self.refused(
                        NotFound, lambda: save_order(uow, cart, "NOBODY", actor=self.owner)
                    )
                    self.refused(InvalidInput, lambda: cart.add(cart.lines[0].product, quantity))
                elif where == "supplier":
                    if isinstance(odd, str) and (not odd.strip() or len(odd) > 80):
                        self.refused(InvalidInput, lambda: Receiving(uow, odd, actor=self.owner))
                    receiving = Receiving(uow, "Exotic Liquids", actor=self.owner)
                    self.refused(InvalidInput, receiving.confirm)  # no lines
                    self.refused(NotFound, lambda: receiving.add(unknown, 1, 100))
                    self.refused(InvalidInput, lambda: receiving.add(code, quantity, 100))
                elif where == "count":
                    product_id = uow.catalogue.by_code(code).id
                    uow.rollback()
                    if odd != 0 or isinstance(odd, bool):  # 0 is a fine count: see stock_count
                        self.refused(
                            InvalidInput,
                            lambda: record_count(uow, product_id, odd, actor=self.owner),
                        )
                    self.refused(NotFound, lambda: record_count(uow, 10**6, 1, actor=self.owner))
                else:  # none of the odd values is an amount an entry can carry
                    self.refused(InvalidInput, lambda: Posting(Accounts.CASH, debit=odd))
                    self.refused(InvalidInput, lambda: Posting(Accounts.CASH, credit=odd))

        # -- invariants -------------------------------------------------------------------
        @invariant()
        def stock_matches_the_model_and_the_movements(self) -> None:
            with self.db.reader() as session:
                rows = session.execute(
                    text(
                        "SELECT p.sku, p.stock_on_hand, "
                        "(SELECT COALESCE(SUM(m.quantity), 0) FROM stock_movements m "
                        " WHERE m.product_id = p.id) FROM products p"
                    )
                ).all()
            assert {sku: stock for sku, stock, _moved in rows} == self.stock
            for sku, stock, moved in rows:
                assert stock >= 0, sku
                assert stock == moved, sku

        @invariant()
        def books_balance_and_the_check_is_clean(self) -> None:
            with self.db.reader() as session:
                unbalanced = session.execute(
                    text(
                        "SELECT t.id FROM journal_transactions t "
                        "LEFT JOIN journal_entries e ON e.transaction_id = t.id GROUP BY t.id "
                        "HAVING COALESCE(SUM(e.debit), 0) <> COALESCE(SUM(e.credit), 0) "
                        "OR COUNT(e.id) < 2"
                    )
                ).all()
                assert unbalanced == []
                journals = session.execute(
                    text("SELECT count(*) FROM journal_transactions")
                ).scalar_one()
                receipts = (
                    session.execute(
                        text(
                            "SELECT receipt_no FROM orders WHERE receipt_no IS NOT NULL "
                            "ORDER BY receipt_no"
                        )
                    )
                    .scalars()
                    .all()
                )
                open_orders = (
                    session.execute(text("SELECT id FROM orders WHERE status = 'open'"))
                    .scalars()
                    .all()
                )
                sales_counted = session.execute(
                    text("SELECT sales_count FROM till_sessions WHERE id = :id"),
                    {"id": self.shift.session_id},
                ).scalar_one()
                report = run_check(session)
            assert report.ok, report.problems
            assert journals == self.journals
            assert sales_counted == self.receipts
            assert receipts == list(range(1, self.receipts + 1))
            assert sorted(open_orders) == sorted(self.open_orders)

    return Store


# -- one fresh store per example ------------------------------------------------------------
KEEP_TABLES = {"accounts", "alembic_version", "counters"}


def _reset_postgres(url: str) -> str:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            tables = [
                name
                for (name,) in conn.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                )
                if name not in KEEP_TABLES
            ]
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            conn.execute(text("UPDATE counters SET value = 0"))
    finally:
        engine.dispose()
    return url


def _profile(max_examples: int, steps: int) -> settings:
    return settings(
        max_examples=max_examples,
        stateful_step_count=steps,
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


@pytest.mark.slow
def test_store_model_on_sqlite(sqlite_template, tmp_path):
    numbers = itertools.count()

    def new_url() -> str:
        path = tmp_path / f"example-{next(numbers)}.sqlite3"
        shutil.copyfile(sqlite_template, path)
        return f"sqlite:///{path}"

    run_state_machine_as_test(make_store_machine(new_url), settings=_profile(30, 30))


@pytest.mark.slow
@pytest.mark.postgres
def test_store_model_on_postgresql(postgres_url):
    run_state_machine_as_test(
        make_store_machine(lambda: _reset_postgres(postgres_url)), settings=_profile(12, 25)
    )
