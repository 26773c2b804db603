"""Till sessions through the services, on SQLite and PostgreSQL: the float, cash in and out,
the X report mid-shift, closing with exact, over and short counts (posted, balanced, audited),
gapless Z numbers across tills, and what a closed till refuses."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from pos_app.domain import staff as staff_rules
from pos_app.domain.errors import (
    InvalidInput,
    InvalidState,
    NotFound,
    PermissionDenied,
    PosError,
    TillClosed,
)
from pos_app.domain.postings import Accounts
from pos_app.domain.staff import Permission, Role, Shift
from pos_app.domain.tender import Tender, TenderKind
from pos_app.domain.till import parse_counts, parse_movement_amount, parse_reason
from pos_app.services.sale import Checkout
from pos_app.services.store import Store
from pos_app.services.till import cash_in, cash_out, close_till, open_till, x_report
from tests.badinput.strategies import JUNK, is_sentence, nasty_text, number_text, odd_values
from tests.factories import assert_clean, open_shift, product, snapshot, staff

CASH, CARD = TenderKind.CASH, TenderKind.CARD


@pytest.fixture
def shop(new_uow):
    product(new_uow, "CHAI", price=1800, cost=1000, tax_ppm=200_000, stock=50)  # 21.60 gross
    product(new_uow, "TOFU", price=1000, cost=500, tax_ppm=50_000, stock=50)  # 10.50 gross
    return new_uow


@pytest.fixture
def owner(new_uow):
    return staff(new_uow)


def sell(new_uow, shift: Shift, *skus: str, card: bool = False):
    with new_uow() as uow:
        checkout = Checkout(uow, shift=shift)
        for sku in skus:
            checkout.add(sku)
        total = checkout.totals().total
        return checkout.confirm([Tender.card(total) if card else Tender.cash(total + 1000)])


def balance(db, code: str) -> int:
    with db.reader() as session:
        return session.execute(
            text(
                "SELECT COALESCE(SUM(e.debit - e.credit), 0) FROM journal_entries e "
                "JOIN accounts a ON a.id = e.account_id WHERE a.code = :code"
            ),
            {"code": code},
        ).scalar_one()


def audit_actions(db) -> list[tuple[str, dict]]:
    with db.reader() as session:
        return [
            (action, json.loads(details))
            for action, details in session.execute(
                text("SELECT action, details FROM audit_log ORDER BY seq")
            )
        ]


def close(new_uow, who, shift: Shift, cash: int, card: int):
    with new_uow() as uow:
        return close_till(uow, who, shift.session_id, {CASH: cash, CARD: card})


# -- opening and the float ----------------------------------------------------------------
def test_the_float_is_the_cash_expected_of_a_new_session_and_is_not_posted(db, new_uow, owner):
    shift = open_shift(new_uow, cashier=owner, opening_float=15_000)
    report = x_report(Store(db), shift.session_id)
    assert (report.opening_float, report.sales_count, report.is_closed) == (15_000, 0, False)
    assert report.tender(CASH).expected == 15_000
    assert report.tender(CARD).expected == 0
    assert report.opened_by == "Olive" and report.till_name == "Till 1"
    assert balance(db, Accounts.CASH) == 0  # the drawer's cash is already the store's
    assert audit_actions(db)[-1] == ("till.open", {"float": 15_000, "session": shift.session_id})


def test_a_till_cannot_be_opened_twice_but_another_till_can(db, new_uow, owner):
    open_shift(new_uow, cashier=owner, opening_float=100)
    with new_uow() as uow, pytest.raises(InvalidState, match="already open"):
        open_till(uow, owner, "Till 1", 500)
    other = open_shift(new_uow, till="Till 2", cashier=owner)
    assert Store(db).till_state("Till 2").session_id == other.session_id
    assert Store(db).till_state("Till 1").opening_float == 100
    assert not Store(db).till_state("Till 3").is_open


# -- cash in and out ------------------------------------------------------------------------
def test_cash_in_and_out_are_posted_audited_and_in_the_x_report(db, new_uow, owner):
    shift = open_shift(new_uow, cashier=owner, opening_float=10_000)
    with new_uow() as uow:
        cash_in(uow, shift, "25.00", "  Change from   the bank ")
    with new_uow() as uow:
        cash_out(uow, shift, 4_000, "Window cleaner")
    report = x_report(Store(db), shift.session_id)
    cash = report.tender(CASH)
    assert (cash.cash_in, cash.cash_out, cash.expected) == (2_500, 4_000, 8_500)
    assert (report.cash_in_count, report.cash_out_count) == (1, 1)
    assert balance(db, Accounts.CASH) == 2_500 - 4_000
    assert balance(db, Accounts.SAFE_AND_BANK) == 4_000 - 2_500
    with db.reader() as session:
        rows = session.execute(
            text(
                "SELECT kind, till_session_id, staff_id FROM journal_transactions ORDER BY id"
            )
        ).all()
        reasons = session.execute(
            text("SELECT reason FROM cash_movements ORDER BY id")
        ).scalars().all()
    assert [tuple(r) for r in rows] == [("till", shift.session_id, owner.staff_id)] * 2
    assert reasons == ["Change from the bank", "Window cleaner"]
    actions = audit_actions(db)
    assert [a for a, _ in actions[-2:]] == ["cash.in", "cash.out"]
    assert actions[-1][1]["amount"] == 4_000 and actions[-1][1]["reason"] == "Window cleaner"
    assert_clean(db)


def test_cash_out_cannot_take_more_than_the_drawer_should_hold(db, new_uow, owner):
    shift = open_shift(new_uow, cashier=owner, opening_float=5_000)
    before = snapshot(db)
    with new_uow() as uow, pytest.raises(InvalidInput, match="Only 50.00") as refused:
        cash_out(uow, shift, 5_001, "Bank drop")
    assert refused.value.field == "amount"
    assert snapshot(db) == before
    with new_uow() as uow:
        cash_out(uow, shift, 5_000, "Bank drop")
    assert x_report(Store(db), shift.session_id).tender(CASH).expected == 0


@pytest.mark.parametrize(
    ("amount", "reason", "field"),
    [("0", "Bank", "amount"), ("-5", "Bank", "amount"), ("abc", "Bank", "amount"),
     ("1.001", "Bank", "amount"), ("5", "   ", "reason"), ("5", "x" * 121, "reason"),
     ("5", "a\x00b", "reason"), (True, "Bank", "amount"), (None, "Bank", "amount")],
)
def test_bad_cash_movements_are_refused_with_nothing_stored(
    db, new_uow, owner, amount, reason, field
):
    shift = open_shift(new_uow, cashier=owner, opening_float=5_000)
    before = snapshot(db)
    for move in (cash_in, cash_out):
        with new_uow() as uow, pytest.raises(InvalidInput) as refused:
            move(uow, shift, amount, reason)
        assert refused.value.field == field
    assert snapshot(db) == before


# -- the X report --------------------------------------------------------------------------
def test_x_report_mid_shift_adds_up_sales_by_tender(db, new_uow, shop, owner):
    shift = open_shift(new_uow, cashier=owner, opening_float=10_000)
    sell(new_uow, shift, "CHAI", "TOFU")  # 21.60 + 10.50 cash
    sell(new_uow, shift, "CHAI", card=True)  # 21.60 card
    with new_uow() as uow:
        cash_in(uow, shift, 1_000, "Coins")
    with new_uow() as uow:
        report = x_report(uow, shift.session_id)  # through a unit of work too
        assert not uow.session.in_transaction()
    assert report.sales_count == 2
    assert (report.net, report.tax, report.gross) == (4_600, 770, 5_370)
    assert report.tender(CASH).sales == 3_210 and report.tender(CARD).sales == 2_160
    assert report.tender(CASH).expected == 10_000 + 3_210 + 1_000
    assert report.tender(CARD).expected == 2_160
    assert report.discounts == 0 and report.refunds_total == 0
    assert report.over_short is None and report.title == "X report"
    # a sale on another till is not in this one's report
    other = open_shift(new_uow, till="Till 2", cashier=owner)
    sell(new_uow, other, "TOFU")
    assert x_report(Store(db), shift.session_id).sales_count == 2


def test_x_report_counts_completed_refunds_of_the_session_by_tender(db, new_uow, shop, owner):
    shift = open_shift(new_uow, cashier=owner, opening_float=10_000)
    receipt = sell(new_uow, shift, "CHAI", "TOFU")
    with db.writer() as session:  # as the refunds screen would leave them
        for no, (tender, status, total, rounding) in enumerate(
            [("cash", "completed", 1_050, -0), ("card", "completed", 2_160, 0),
             ("cash", "open", 999, 0), ("cash", "completed", 1_000, 2)],
            start=1,
        ):
            session.execute(
                text(
                    "INSERT INTO refunds (refund_no, kind, status, client_key, order_id, "
                    "till_session_id, staff_id, tender, reason, subtotal, tax, total, "
                    "cash_rounding, created_at, completed_at) VALUES (:no, 'refund', :status, "
                    ":key, :order, :session, :staff, :tender, 'Broken', :total - 50, 50, "
                    ":total, :rounding, :at, :done)"
                ),
                {
                    "no": no if status == "completed" else None,
                    "status": status,
                    "key": f"k{no}",
                    "order": receipt.order_id,
                    "session": shift.session_id,
                    "staff": owner.staff_id,
                    "tender": tender,
                    "total": total,
                    "rounding": rounding,
                    "at": "2026-01-01 10:00:00",
                    "done": "2026-01-01 10:00:00" if status == "completed" else None,
                },
            )
        session.commit()
    report = x_report(Store(db), shift.session_id)
    assert report.refunds_count == 3
    assert report.tender(CASH).refunds == 1_050 + 1_002
    assert report.tender(CARD).refunds == 2_160
    assert report.tender(CASH).expected == 10_000 + 3_210 - 2_052
    assert report.tender(CARD).expected == -2_160
    assert report.refunds_tax == 150


# -- closing -------------------------------------------------------------------------------
def test_closing_with_the_exact_count_posts_nothing_and_gives_z_1(db, new_uow, shop, owner):
    shift = open_shift(new_uow, cashier=owner, opening_float=10_000)
    sell(new_uow, shift, "CHAI")
    sell(new_uow, shift, "TOFU", card=True)
    journal_before = balance(db, Accounts.CASH_OVER_SHORT)
    report = close(new_uow, owner, shift, 10_000 + 2_160, 1_050)
    assert (report.is_closed, report.z_no, report.closed_by) == (True, 1, "Olive")
    assert report.over_short == 0 and report.title == "Z report 1"
    assert report.tender(CASH).counted == 12_160 and report.tender(CASH).over_short == 0
    assert balance(db, Accounts.CASH_OVER_SHORT) == journal_before == 0
    with db.reader() as session:
        tills = session.execute(
            text("SELECT status, z_no, closed_by, over_short FROM till_sessions")
        ).one()
        counts = session.execute(
            text("SELECT kind, expected, counted FROM till_counts ORDER BY kind")
        ).all()
        z_counter = session.execute(
            text("SELECT value FROM counters WHERE name = 'z'")
        ).scalar_one()
    assert tuple(tills) == ("closed", 1, owner.staff_id, 0)
    assert [tuple(c) for c in counts] == [("card", 1_050, 1_050), ("cash", 12_160, 12_160)]
    assert z_counter == 1
    action, details = audit_actions(db)[-1]
    assert action == "till.close"
    assert details == {
        "session": shift.session_id,
        "z": 1,
        "sales": 2,
        "expected": {"cash": 12_160, "card": 1_050},
        "counted": {"cash": 12_160, "card": 1_050},
        "over_short": {"cash": 0, "card": 0},
    }
    assert Store(db).till_report(shift.session_id) == report
    assert not Store(db).till_state("Till 1").is_open
    assert Store(db).till_state("Till 1").last_z_no == 1
    assert_clean(db)


@pytest.mark.parametrize(
    ("cash_diff", "card_diff"), [(150, 0), (-275, 0), (0, -1_050), (20, 30), (-5, 5)]
)
def test_over_and_short_are_posted_against_5200(db, new_uow, shop, owner, cash_diff, card_diff):
    shift = open_shift(new_uow, cashier=owner, opening_float=10_000)
    sell(new_uow, shift, "CHAI")
    sell(new_uow, shift, "TOFU", card=True)
    report = close(new_uow, owner, shift, 12_160 + cash_diff, 1_050 + card_diff)
    assert report.tender(CASH).over_short == cash_diff
    assert report.tender(CARD).over_short == card_diff
    assert report.over_short == cash_diff + card_diff
    # over is a credit (a gain) on Cash over and short; short a debit (an expense)
    assert balance(db, Accounts.CASH_OVER_SHORT) == -(cash_diff + card_diff)
    assert balance(db, Accounts.CASH) == 2_160 + cash_diff  # sales + the difference
    assert balance(db, Accounts.CARD_CLEARING) == 1_050 + card_diff
    with db.reader() as session:
        over_short, = session.execute(text("SELECT over_short FROM till_sessions")).one()
        kinds = session.execute(
            text("SELECT kind, till_session_id FROM journal_transactions WHERE kind = 'till'")
        ).all()
    assert over_short == cash_diff + card_diff
    assert [tuple(k) for k in kinds] == [("till", shift.session_id)]
    assert_clean(db)


def test_z_numbers_are_gapless_across_tills_and_reopening(db, new_uow, shop, owner):
    z = []
    first = open_shift(new_uow, till="Till 1", cashier=owner)
    second = open_shift(new_uow, till="Till 2", cashier=owner)
    sell(new_uow, second, "TOFU")
    z.append(close(new_uow, owner, second, 1_050, 0).z_no)
    with new_uow() as uow, pytest.raises(InvalidInput):  # a refused closing takes no number
        close_till(uow, owner, first.session_id, {CASH: 0})
    again = open_shift(new_uow, till="Till 2", cashier=owner, opening_float=500)
    z.append(close(new_uow, owner, first, 0, 0).z_no)
    z.append(close(new_uow, owner, again, 400, 0).z_no)
    assert z == [1, 2, 3]
    rows = Store(db).recent_till_sessions()
    assert [(r.till_name, r.z_no, r.over_short) for r in rows] == [  # newest opened first
        ("Till 2", 3, -100), ("Till 2", 1, 0), ("Till 1", 2, 0)
    ]
    assert_clean(db)


def test_a_closed_till_refuses_sales_cash_and_a_second_closing(db, new_uow, shop, owner):
    shift = open_shift(new_uow, cashier=owner, opening_float=1_000)
    close(new_uow, owner, shift, 1_000, 0)
    before = snapshot(db)
    with pytest.raises(TillClosed):
        sell(new_uow, shift, "CHAI")
    for move in (cash_in, cash_out):
        with new_uow() as uow, pytest.raises(TillClosed):
            move(uow, shift, 100, "Change")
    with new_uow() as uow, pytest.raises(InvalidState, match="already closed"):
        close_till(uow, owner, shift.session_id, {CASH: 1_000, CARD: 0})
    with new_uow() as uow, pytest.raises(NotFound):
        close_till(uow, owner, 999, {CASH: 0, CARD: 0})
    with pytest.raises(NotFound):
        x_report(Store(db), 999)
    assert snapshot(db) == before
    # the till opens again as a new session, with its own Z later
    reopened = open_shift(new_uow, cashier=owner, opening_float=2_000)
    assert reopened.session_id != shift.session_id
    sell(new_uow, reopened, "CHAI")
    assert x_report(Store(db), reopened.session_id).sales_count == 1


def test_a_cashier_may_run_a_till_but_only_with_the_permissions(
    db, new_uow, shop, owner, monkeypatch
):
    cashier = staff(new_uow, "Casey", Role.CASHIER, "5678", by=owner)
    shift = open_shift(new_uow, cashier=cashier, opening_float=1_000)
    with new_uow() as uow:
        cash_in(uow, shift, 100, "Coins")
    before = snapshot(db)
    reduced = {**staff_rules.ROLE_PERMISSIONS}
    reduced[Role.CASHIER] = reduced[Role.CASHIER] - {Permission.CLOSE_TILL, Permission.CASH_IN_OUT}
    monkeypatch.setattr(staff_rules, "ROLE_PERMISSIONS", reduced)
    with new_uow() as uow, pytest.raises(PermissionDenied, match="close the till"):
        close_till(uow, cashier, shift.session_id, {CASH: 1_100, CARD: 0})
    with new_uow() as uow, pytest.raises(PermissionDenied, match="cash in or take it out"):
        cash_out(uow, shift, 100, "Coins")
    with new_uow() as uow, pytest.raises(PermissionDenied, match="Sign in"):
        close_till(uow, None, shift.session_id, {CASH: 1_100, CARD: 0})  # type: ignore[arg-type]
    assert snapshot(db) == before
    monkeypatch.undo()
    report = close(new_uow, cashier, shift, 1_100, 0)
    assert report.closed_by == "Casey" and report.opened_by == "Casey"


# -- junk ------------------------------------------------------------------------------------
def test_junk_counts_and_cash_movements_are_refused_cleanly(db, new_uow, owner):
    """Refused: a sentence and nothing stored. Accepted: stored exactly as parsed."""
    shift = open_shift(new_uow, cashier=owner, opening_float=5_000)
    state = {"before": snapshot(db)}

    @settings(JUNK, max_examples=40 if db.backend == "sqlite" else 15)
    @given(
        amount=st.one_of(number_text, odd_values),
        reason=nasty_text,
        cash=st.one_of(number_text, odd_values),
        card=st.one_of(number_text, odd_values),
    )
    def attempt(amount, reason, cash, card):
        for move in (cash_in, cash_out):
            try:
                with new_uow() as uow:
                    movement = move(uow, shift, amount, reason)
            except PosError as exc:
                assert is_sentence(str(exc)), repr(str(exc))
                assert snapshot(db) == state["before"]
            else:
                with db.reader() as session:
                    stored = session.execute(
                        text("SELECT amount, reason FROM cash_movements WHERE id = :id"),
                        {"id": movement},
                    ).one()
                assert tuple(stored) == (parse_movement_amount(amount), parse_reason(reason))
                state["before"] = snapshot(db)
        try:
            counts = parse_counts({CASH: cash, CARD: card})
        except InvalidInput as exc:
            assert exc.field in {"counted cash", "counted card"}
            assert is_sentence(str(exc)), repr(str(exc))
        else:
            assert all(0 <= v for v in counts.values())
        if isinstance(cash, str) or isinstance(card, str):
            with new_uow() as uow, pytest.raises(InvalidInput) as refused:
                close_till(uow, owner, shift.session_id, {CASH: cash, CARD: card})
            assert is_sentence(str(refused.value)), repr(str(refused.value))
        assert snapshot(db) == state["before"]

    attempt()
    assert_clean(db)
