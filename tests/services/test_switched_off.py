"""Someone switched off (or whose role was lowered) on another till stops at their next write.

A signed-in person is a snapshot; every write asks the database, in its own transaction,
whether they still may. The sale asks inside its own statements (the header's INSERT, the
till session's UPDATE at confirm); the rest through ``services.authority.still_allowed``.
On SQLite an open sale holds the write lock, so nobody is switched off under it: there the
"between scan and confirm" case is a header rolled back (a lost connection, a busy
database) and confirmed again; on PostgreSQL the header also stays open.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import text

from pos_app.domain.catalogue import ProductDraft
from pos_app.domain.errors import PermissionDenied, SignInAgain, WrongPin
from pos_app.domain.postings import Accounts, credit, debit
from pos_app.domain.staff import Permission, Role
from pos_app.domain.tender import Tender, TenderKind
from pos_app.services.catalogue import record_count, update_product
from pos_app.services.journal import ManualJournalEntry
from pos_app.services.parked import park
from pos_app.services.receiving import Receiving
from pos_app.services.refund import Refund, void_sale
from pos_app.services.sale import Checkout
from pos_app.services.settings import save_settings
from pos_app.services.staff import approve, set_active, sign_in
from pos_app.services.till import cash_in, cash_out, close_till, current_shift, open_till
from tests.factories import assert_clean, open_shift, owner, product, snapshot, staff, stock_of

CASH = TenderKind.CASH


@pytest.fixture
def people(new_uow):
    """Olive (owner), Mia (manager), Cath (cashier); Chai in stock."""
    olive = owner(new_uow)
    product(new_uow, "CHAI", price=1800, cost=1000, stock=20, by=olive)
    mia = staff(new_uow, "Mia", Role.MANAGER, "5678", by=olive)
    cath = staff(new_uow, "Cath", Role.CASHIER, "2468", by=olive)
    return olive, mia, cath


def switch_off(new_uow, olive, person) -> None:
    """The owner switches ``person`` off on the Staff screen of another till."""
    with new_uow() as uow:
        set_active(uow, olive, person.staff_id, False)


def lower_role(db, person, role: Role) -> None:
    """The role changed on another till (a plain UPDATE: what the Staff screen stores)."""
    with db.writer() as session:
        session.execute(
            text("UPDATE staff SET role = :role WHERE id = :id"),
            {"role": role.value, "id": person.staff_id},
        )
        session.commit()


def sell(new_uow, shift, quantity: int = 1):
    with new_uow() as uow:
        checkout = Checkout(uow, shift=shift)
        checkout.add("CHAI", quantity)
        return checkout.confirm([Tender.card(checkout.totals().total)])


# -- the sale ---------------------------------------------------------------------------------
def test_switched_off_between_scan_and_confirm_sells_nothing(db, new_uow, people):
    switched_off_before_confirm(db, new_uow, people, "header rolled back")


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_switched_off_while_the_header_is_open_sells_nothing(db, new_uow, people):
    """PostgreSQL only: on SQLite the open header holds the write lock, so nobody can be
    switched off under it."""
    switched_off_before_confirm(db, new_uow, people, "header open")


def switched_off_before_confirm(db, new_uow, people, when: str) -> None:  # noqa: ANN001
    olive, _mia, cath = people
    shift = open_shift(new_uow, cashier=cath)
    with new_uow() as uow:
        checkout = Checkout(uow, shift=shift)
        checkout.begin()
        checkout.add("CHAI", 2)
        if when == "header rolled back":
            uow.rollback()
        switch_off(new_uow, olive, cath)
        before = snapshot(db)
        with pytest.raises(SignInAgain, match=r"^Cath has been switched off: sign in again\.$"):
            checkout.confirm([Tender.cash(10_000)])
        assert checkout.receipt is None
        assert snapshot(db) == before
    assert snapshot(db) == before
    assert stock_of(db, "CHAI") == 20
    with new_uow() as uow, pytest.raises(WrongPin):
        sign_in(uow, "Cath", "2468")
    with new_uow() as uow:  # the next person signs in on the same till and sells
        signed = sign_in(uow, "Olive", "1234")
    with new_uow() as uow:
        shift = current_shift(uow, signed, shift.till_name)
    receipt = sell(new_uow, shift, 2)
    assert receipt.receipt_no == 1 and receipt.cashier == "Olive"
    assert stock_of(db, "CHAI") == 18
    assert_clean(db)


def test_the_header_is_refused_and_the_till_left_free(db, new_uow, people):
    """The header's own INSERT finds the cashier switched off: no row, no lock kept."""
    olive, _mia, cath = people
    shift = open_shift(new_uow, cashier=cath)
    switch_off(new_uow, olive, cath)
    before = snapshot(db)
    with new_uow() as uow:
        checkout = Checkout(uow, shift=shift)
        with pytest.raises(SignInAgain, match="Cath has been switched off"):
            checkout.begin()
        assert checkout.order_id is None
        # the refused begin left no transaction behind (SQLite: no write lock held)
        assert not uow.session.in_transaction()
        sell(new_uow, replace(shift, cashier=olive))
    assert snapshot(db)["orders"] != before["orders"]
    assert_clean(db)


def test_the_till_session_update_tells_a_switched_off_cashier(db, new_uow, people):
    """The repository half of the confirm check, on both backends: the session row is
    counted only while its cashier is switched on."""
    olive, _mia, cath = people
    shift = open_shift(new_uow, cashier=cath)
    with new_uow() as uow:
        assert uow.tills.record_sale(shift.session_id, cath.staff_id)
        uow.rollback()
    switch_off(new_uow, olive, cath)
    with new_uow() as uow:
        assert not uow.tills.record_sale(shift.session_id, cath.staff_id)
        assert uow.tills.record_sale(shift.session_id, olive.staff_id)
        assert uow.staff.active_roles([cath.staff_id, olive.staff_id]) == {
            olive.staff_id: Role.OWNER
        }
        uow.rollback()


def test_an_approver_switched_off_before_confirm_refuses_the_override(db, new_uow, people):
    from pos_app.domain.pricing import Discount

    olive, mia, cath = people
    shift = open_shift(new_uow, cashier=cath)
    with new_uow() as uow:
        approval = approve(uow, "Mia", "5678", Permission.DISCOUNT_OVER_LIMIT)
    with new_uow() as uow:
        checkout = Checkout(uow, shift=shift)
        checkout.add("CHAI")
        checkout.discount_sale(Discount.percent(500_000), approval)
        uow.rollback()
        switch_off(new_uow, olive, mia)
        before = snapshot(db)
        with pytest.raises(SignInAgain, match="Mia has been switched off"):
            checkout.confirm([Tender.card(checkout.totals().total)])
    assert snapshot(db) == before
    assert_clean(db)


# -- refunds and the till ---------------------------------------------------------------------
def test_a_refund_by_someone_switched_off_is_refused(db, new_uow, people):
    olive, mia, _cath = people
    shift = open_shift(new_uow, cashier=mia)
    sale = sell(new_uow, shift)
    with new_uow() as uow:
        refund = Refund(uow, shift, sale.receipt_no)  # the screen opened while she was on
        refund.refund_all()
        switch_off(new_uow, olive, mia)
        before = snapshot(db)
        with pytest.raises(SignInAgain, match="Mia has been switched off"):
            refund.confirm(CASH, "Faulty")
    assert snapshot(db) == before
    with new_uow() as uow, pytest.raises(SignInAgain, match="Mia has been switched off"):
        void_sale(uow, shift, sale.receipt_no, None, "Wrong item")
    assert snapshot(db) == before
    assert_clean(db)


def test_a_refund_approved_by_a_manager_switched_off_meanwhile_is_refused(db, new_uow, people):
    olive, mia, cath = people
    shift = open_shift(new_uow, cashier=cath)
    sale = sell(new_uow, shift)
    with new_uow() as uow:
        approval = approve(uow, "Mia", "5678", Permission.REFUND)
    with new_uow() as uow:
        refund = Refund(uow, shift, sale.receipt_no, approval)
        refund.refund_all()
        switch_off(new_uow, olive, mia)
        before = snapshot(db)
        with pytest.raises(SignInAgain, match="Mia has been switched off"):
            refund.confirm(CASH, "Faulty")
    assert snapshot(db) == before


def test_a_cash_out_by_someone_switched_off_is_refused(db, new_uow, people):
    olive, _mia, cath = people
    shift = open_shift(new_uow, cashier=cath, opening_float=10_000)
    switch_off(new_uow, olive, cath)
    before = snapshot(db)
    for move in (cash_out, cash_in):
        with new_uow() as uow, pytest.raises(SignInAgain, match="Cath has been switched off"):
            move(uow, shift, 2_000, "Drop to the safe")
    counted = {CASH: 10_000, TenderKind.CARD: 0}
    with new_uow() as uow, pytest.raises(SignInAgain):
        close_till(uow, cath, shift.session_id, counted)
    with new_uow() as uow, pytest.raises(SignInAgain):
        open_till(uow, cath, "Till 2", 0)
    assert snapshot(db) == before
    with new_uow() as uow:  # someone still on closes it
        close_till(uow, olive, shift.session_id, counted)
    assert_clean(db)


# -- a role lowered -----------------------------------------------------------------------------
def test_a_manager_lowered_to_cashier_may_no_longer_refund(db, new_uow, people):
    _olive, mia, _cath = people
    shift = open_shift(new_uow, cashier=mia)
    sale = sell(new_uow, shift)
    with new_uow() as uow:
        refund = Refund(uow, shift, sale.receipt_no)
        refund.refund_all()
        lower_role(db, mia, Role.CASHIER)
        before = snapshot(db)
        with pytest.raises(SignInAgain, match=r"^Mia may no longer give refunds: sign in again\.$"):
            refund.confirm(CASH, "Faulty")
    assert snapshot(db) == before
    assert isinstance(SignInAgain("x"), PermissionDenied)
    # selling is still hers as a cashier: the snapshot's role only loses what was taken away
    sell(new_uow, shift)
    assert_clean(db)


def _chai_id(new_uow) -> int:
    with new_uow() as uow:
        return uow.catalogue.by_sku("CHAI").id


def _edit_price(new_uow, actor):
    draft = ProductDraft(
        sku="CHAI", name="Chai", unit_price=1900, unit_cost=1000, tax_rate_ppm=200_000
    )
    product_id = _chai_id(new_uow)
    with new_uow() as uow:
        update_product(uow, product_id, draft, actor=actor)


def _count(new_uow, actor):
    product_id = _chai_id(new_uow)
    with new_uow() as uow:
        record_count(uow, product_id, 19, actor=actor)


def _receive(new_uow, actor):
    with new_uow() as uow:
        receiving = Receiving(uow, "Supplier", actor=actor)
        receiving.add("CHAI", 5, 1000)
        receiving.confirm()


def _journal(new_uow, actor):
    with new_uow() as uow:
        entry = ManualJournalEntry(uow, actor=actor)
        entry.post("Owner's loan", [debit(Accounts.CASH, 500), credit(Accounts.OWNER_EQUITY, 500)])


@pytest.mark.parametrize(
    "write", [_edit_price, _count, _receive, _journal], ids=lambda f: f.__name__.strip("_")
)
@pytest.mark.parametrize("change", ["switched off", "lowered to cashier"])
def test_catalogue_stock_and_journal_writes_check_the_stored_person(
    db, new_uow, people, write, change
):
    olive, mia, _cath = people
    if change == "switched off":
        switch_off(new_uow, olive, mia)
        message = "Mia has been switched off: sign in again."
    else:
        lower_role(db, mia, Role.CASHIER)
        message = "Mia may no longer "
    before = snapshot(db)
    with pytest.raises(SignInAgain, match=message):
        write(new_uow, mia)
    assert snapshot(db) == before
    write(new_uow, olive)  # the owner, still on, does the same
    assert snapshot(db) != before
    assert_clean(db)


def test_settings_and_parked_sales_check_the_stored_person(db, new_uow, people):
    from pos_app.domain.cart import Cart

    olive, _mia, cath = people
    switch_off(new_uow, olive, cath)
    lower_role(db, olive, Role.MANAGER)  # the owner's own role lowered on another till
    with new_uow() as uow:
        settings = uow.settings.load()
        cart = Cart()
        cart.add(uow.catalogue.sellable("CHAI"), 1)
    before = snapshot(db)
    with (
        new_uow() as uow,
        pytest.raises(
            SignInAgain, match="Olive may no longer change the store's settings: sign in again."
        ),
    ):
        save_settings(uow, olive, replace(settings, store_name="Another name"))
    with new_uow() as uow, pytest.raises(SignInAgain, match="Cath has been switched off"):
        park(uow, "Till 1", cath, cart)
    assert snapshot(db) == before


def test_staff_changes_check_the_stored_person(db, new_uow, people):
    from pos_app.services.staff import add_staff, change_pin

    olive, _mia, cath = people
    owen = staff(new_uow, "Owen", Role.OWNER, "9999", by=olive)
    lower_role(db, owen, Role.MANAGER)
    before = snapshot(db)
    for change in (
        lambda uow: set_active(uow, owen, cath.staff_id, False),
        lambda uow: add_staff(uow, owen, "Nina", Role.CASHIER, "1111"),
        lambda uow: change_pin(uow, owen, cath.staff_id, "1111"),
    ):
        with new_uow() as uow, pytest.raises(SignInAgain, match="Owen may no longer manage staff"):
            change(uow)
    assert snapshot(db) == before
    with new_uow() as uow:  # his own PIN is still his to change while he is switched on
        change_pin(uow, owen, owen.staff_id, "1111")
    switch_off(new_uow, olive, owen)
    before = snapshot(db)
    with new_uow() as uow, pytest.raises(SignInAgain, match="Owen has been switched off"):
        change_pin(uow, owen, owen.staff_id, "2222")
    assert snapshot(db) == before
    assert_clean(db)
