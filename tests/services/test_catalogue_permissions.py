"""Who may change the catalogue, receive stock, count it and post journal entries, decided
by the services (not by the screens), on SQLite and PostgreSQL.

A cashier is refused before anything is written; with a manager's approval the action goes
through and its audit row names the cashier and the approving manager; a price change is
audited with the old and new price; the audit chain and every other invariant stay clean
(``pos-app check``). Anyone signed in may add customers and take or ship customer orders;
nobody signed in may do anything.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from pos_app.cli import main
from pos_app.domain.cart import Cart
from pos_app.domain.catalogue import CustomerDraft, ProductDraft
from pos_app.domain.errors import PermissionDenied
from pos_app.domain.postings import Accounts, Posting
from pos_app.domain.staff import Approval, Permission, Role
from pos_app.services.catalogue import add_customer, add_product, record_count, update_product
from pos_app.services.customer_orders import save_order, ship_order
from pos_app.services.journal import ManualJournalEntry, post_journal
from pos_app.services.receiving import Receiving
from pos_app.services.staff import approve
from tests.factories import assert_clean, customer, owner, product, snapshot, staff, stock_of

FLOAT = [Posting(Accounts.CASH, debit=5000), Posting(Accounts.OWNER_EQUITY, credit=5000)]


@pytest.fixture
def people(new_uow):
    """Olive (owner), Mia (manager, PIN 7777), Carl (cashier); Chai 18.00 with 10 in stock."""
    olive = owner(new_uow)
    mia = staff(new_uow, "Mia", Role.MANAGER, "7777", by=olive)
    carl = staff(new_uow, "Carl", Role.CASHIER, "5555", by=olive)
    chai = product(new_uow, "CHAI", name="Chai", price=1800, cost=1000, stock=10)
    customer(new_uow, "ALFKI")
    return {"olive": olive, "mia": mia, "carl": carl, "chai": chai}


def audit(db, action: str) -> list[tuple]:
    """(subject, details as a dict, staff_id, approved_by) of every row of ``action``."""
    with db.reader() as session:
        rows = session.execute(
            text(
                "SELECT subject, details, staff_id, approved_by FROM audit_log "
                "WHERE action = :action ORDER BY seq"
            ),
            {"action": action},
        ).all()
    return [(subject, json.loads(info), who, approver) for subject, info, who, approver in rows]


def price_of(db, sku: str) -> int:
    with db.reader() as session:
        return session.execute(
            text("SELECT unit_price FROM products WHERE sku = :sku"), {"sku": sku}
        ).scalar_one()


def approval_of(new_uow, permission: Permission) -> Approval:
    """Mia types her PIN for ``permission`` (the service checks PIN and role)."""
    with new_uow() as uow:
        return approve(uow, "Mia", "7777", permission)


def chai_at(price: int, **changes) -> ProductDraft:
    fields = {"sku": "CHAI", "name": "Chai", "unit_price": price, "unit_cost": 1000}
    fields.update(changes)
    return ProductDraft(**fields, tax_rate_ppm=200_000)


# Each action a cashier may not do alone: (permission, what it does, given who and approval).
def _add(uow, actor, approval):
    return add_product(uow, ProductDraft("TEA", "Green tea", 450), actor=actor, approval=approval)


def _update(uow, actor, approval, chai):
    update_product(uow, chai, chai_at(1950), actor=actor, approval=approval)


def _count(uow, actor, approval, chai):
    return record_count(uow, chai, 7, actor=actor, approval=approval)


def _receive(uow, actor, approval):
    receiving = Receiving(uow, "Exotic Liquids", actor=actor, approval=approval)
    receiving.add("CHAI", 5, 1000)
    return receiving.confirm()


def _journal(uow, actor, approval):
    entry = ManualJournalEntry(uow, actor=actor, approval=approval)
    entry.begin()
    return entry.post("Owner's float", FLOAT)


ACTIONS = {
    "add product": (Permission.EDIT_CATALOGUE, "product.add", _add),
    "change price": (Permission.EDIT_CATALOGUE, "price.change", _update),
    "count stock": (Permission.RECEIVE_STOCK, "stock.count", _count),
    "receive stock": (Permission.RECEIVE_STOCK, "stock.receive", _receive),
    "manual journal": (Permission.POST_JOURNAL, "journal.manual", _journal),
}


def run_action(name: str, uow, actor, approval, people):
    _permission, _action, action = ACTIONS[name]
    if action in (_update, _count):
        return action(uow, actor, approval, people["chai"])
    return action(uow, actor, approval)


@pytest.mark.parametrize("name", ACTIONS)
def test_a_cashier_is_refused_and_nothing_is_stored(db, new_uow, people, name):
    permission, _action, _run = ACTIONS[name]
    before = snapshot(db)
    with new_uow() as uow, pytest.raises(PermissionDenied, match="manager must approve"):
        run_action(name, uow, people["carl"], None, people)
    # nor with an approval for something else, nor one "given" by someone without the right
    for wrong in (
        Approval(people["mia"], Permission.REFUND),
        Approval(people["carl"], permission),
    ):
        with new_uow() as uow, pytest.raises(PermissionDenied):
            run_action(name, uow, people["carl"], wrong, people)
    # nor by nobody at all
    with new_uow() as uow, pytest.raises(PermissionDenied, match="Sign in first"):
        run_action(name, uow, None, None, people)
    assert snapshot(db) == before


@pytest.mark.parametrize("name", ACTIONS)
def test_with_a_managers_approval_the_cashier_acts_and_the_audit_names_both(
    db, new_uow, people, name
):
    permission, action, _run = ACTIONS[name]
    approval = approval_of(new_uow, permission)
    before = len(audit(db, action))
    with new_uow() as uow:
        run_action(name, uow, people["carl"], approval, people)
    rows = audit(db, action)
    assert len(rows) == before + 1
    _subject, _details, who, approver = rows[-1]
    assert (who, approver) == (people["carl"].staff_id, people["mia"].staff_id)
    assert_clean(db)


@pytest.mark.parametrize("name", ACTIONS)
def test_a_manager_needs_no_approval_and_is_recorded_alone(db, new_uow, people, name):
    _permission, action, _run = ACTIONS[name]
    with new_uow() as uow:
        run_action(name, uow, people["mia"], None, people)
    _subject, _details, who, approver = audit(db, action)[-1]
    assert (who, approver) == (people["mia"].staff_id, None)
    assert_clean(db)


def test_a_price_change_is_audited_with_old_and_new_price_and_check_is_clean(
    db, db_url, new_uow, people, capsys
):
    approval = approval_of(new_uow, Permission.EDIT_CATALOGUE)
    with new_uow() as uow:
        update_product(
            uow, people["chai"], chai_at(1950), actor=people["carl"], approval=approval
        )
    assert price_of(db, "CHAI") == 1950
    [(subject, details, who, approver)] = audit(db, "price.change")
    assert subject == "CHAI Chai"
    assert details == {"sku": "CHAI", "old_price": 1800, "new_price": 1950}
    assert (who, approver) == (people["carl"].staff_id, people["mia"].staff_id)

    # price and cost and the name at once: one row with all of it
    with new_uow() as uow:
        draft = chai_at(2000, unit_cost=1100, name="Chai tea")
        update_product(uow, people["chai"], draft, actor=people["olive"])
    _subject, details, who, approver = audit(db, "price.change")[-1]
    assert details == {
        "sku": "CHAI",
        "old_price": 1950,
        "new_price": 2000,
        "old_cost": 1000,
        "new_cost": 1100,
        "changed": {"name": ["Chai", "Chai tea"]},
    }
    assert (who, approver) == (people["olive"].staff_id, None)

    # no new price: another kind of row; nothing changed: no row at all
    with new_uow() as uow:
        draft = chai_at(2000, unit_cost=1100, name="Chai tea", barcode="5000001")
        update_product(uow, people["chai"], draft, actor=people["olive"])
    [(_subject, details, _who, _approver)] = audit(db, "product.change")
    assert details == {"sku": "CHAI", "changed": {"barcode": [None, "5000001"]}}
    before = snapshot(db)
    with new_uow() as uow:
        update_product(uow, people["chai"], draft, actor=people["olive"])
    assert snapshot(db) == before

    assert main(["--database-url", db_url, "check"]) == 0, capsys.readouterr().out
    assert_clean(db)


def test_a_count_that_changes_stock_is_audited_and_one_that_matches_writes_nothing(
    db, new_uow, people
):
    with new_uow() as uow:
        assert record_count(uow, people["chai"], 7, actor=people["mia"]) == -3
    [(_subject, details, who, _approver)] = audit(db, "stock.count")
    assert details == {
        "sku": "CHAI", "before": 10, "after": 7, "value": 3000, "note": "Stock count"
    }
    assert who == people["mia"].staff_id
    assert stock_of(db, "CHAI") == 7
    before = snapshot(db)
    with new_uow() as uow:
        assert record_count(uow, people["chai"], 7, actor=people["mia"]) == 0
    assert snapshot(db) == before
    assert_clean(db)


def test_postings_name_who_posted_them(db, new_uow, people):
    with new_uow() as uow:
        txn = post_journal(uow, "Owner's float", FLOAT, actor=people["mia"])
    with new_uow() as uow:
        receiving = Receiving(uow, "Exotic Liquids", actor=people["olive"])
        receiving.add("CHAI", 2, 1000)
        purchase = receiving.confirm()
    with db.reader() as session:
        rows = dict(
            session.execute(
                text(
                    "SELECT id, staff_id FROM journal_transactions "
                    "WHERE id = :txn OR purchase_id = :purchase"
                ),
                {"txn": txn, "purchase": purchase},
            ).all()
        )
    assert sorted(rows.values()) == sorted([people["mia"].staff_id, people["olive"].staff_id])
    [(subject, details, who, _approver)] = audit(db, "journal.manual")
    assert subject == f"Journal {txn}: Owner's float"
    assert details == {"transaction": txn, "total": 5000, "accounts": ["1000", "3000"]}
    assert who == people["mia"].staff_id
    _subject, details, who, _approver = audit(db, "stock.receive")[-1]
    assert details["receiving"] == purchase and details["total"] == 2000
    assert who == people["olive"].staff_id


def test_anyone_signed_in_adds_customers_and_takes_and_ships_orders(db, new_uow, people):
    carl = people["carl"]
    with new_uow() as uow:
        add_customer(uow, CustomerDraft("BONAP", "Bon app'"), actor=carl)
    [(subject, details, who, approver)] = audit(db, "customer.add")[-1:]
    assert (subject, details, who, approver) == (
        "BONAP Bon app'", {"code": "BONAP"}, carl.staff_id, None
    )
    with new_uow() as uow:
        cart = Cart()
        cart.add(uow.catalogue.sellable("CHAI"), 2)
        order_id = save_order(uow, cart, "BONAP", actor=carl)
    with new_uow() as uow:
        ship_order(uow, order_id, actor=carl)
    with db.reader() as session:
        taken_by = session.execute(
            text("SELECT staff_id FROM orders WHERE id = :id"), {"id": order_id}
        ).scalar_one()
        shipped_by = session.execute(
            text("SELECT staff_id FROM journal_transactions WHERE order_id = :id"),
            {"id": order_id},
        ).scalar_one()
    assert taken_by == shipped_by == carl.staff_id
    assert_clean(db)


def test_nobody_signed_in_may_add_customers_or_take_orders(db, new_uow, people):
    before = snapshot(db)
    with new_uow() as uow:
        cart = Cart()
        cart.add(uow.catalogue.sellable("CHAI"), 1)
        uow.rollback()
        for attempt in (
            lambda: add_customer(uow, CustomerDraft("BONAP", "Bon app'"), actor=None),
            lambda: save_order(uow, cart, "ALFKI", actor=None),
            lambda: ship_order(uow, 1, actor=None),
        ):
            with pytest.raises(PermissionDenied, match="Sign in first"):
                attempt()
    assert snapshot(db) == before
