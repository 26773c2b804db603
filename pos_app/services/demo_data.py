"""A demo store: the Northwind catalogue, a few customers, stock received the normal way, and
three people to sign in as (owner Olive PIN 1234, manager Max 2345, cashier Cass 3456).

The people come first: the store's owner is the one who adds the products, posts the
opening capital and receives the opening stock, as the audit log then shows."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable
from importlib import resources

from ..domain.catalogue import CustomerDraft, ProductDraft
from ..domain.errors import InvalidState
from ..domain.money import parse_amount, parse_rate
from ..domain.postings import Accounts, Posting
from ..domain.staff import Role, StaffMember
from ..repositories.unit_of_work import UnitOfWork
from .catalogue import add_customer, add_product
from .journal import post_journal
from .receiving import Receiving
from .staff import add_staff

CUSTOMERS = [
    CustomerDraft("ALFKI", "Alfreds Futterkiste", "Maria Anders", "Germany"),
    CustomerDraft("ANATR", "Ana Trujillo Emparedados y helados", "Ana Trujillo", "Mexico"),
    CustomerDraft("ANTON", "Antonio Moreno Taquería", "Antonio Moreno", "Mexico"),
    CustomerDraft("AROUT", "Around the Horn", "Thomas Hardy", "UK"),
    CustomerDraft("BERGS", "Berglunds snabbköp", "Christina Berglund", "Sweden"),
    CustomerDraft("BLAUS", "Blauer See Delikatessen", "Hanna Moos", "Germany"),
]

# The first is the owner (the first person of a store always is); she adds the others.
DEMO_STAFF = [
    ("Olive", Role.OWNER, "1234"),
    ("Max", Role.MANAGER, "2345"),
    ("Cass", Role.CASHIER, "3456"),
]

OPENING_CAPITAL = 500_000  # 5,000.00 put in by the owner


def demo_rows() -> list[dict[str, str]]:
    text = resources.files("pos_app.resources").joinpath("demo_catalogue.csv").read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def load_demo_staff(new_uow: Callable[[], UnitOfWork]) -> bool:
    """Add the demo people, once: a store that already has anyone keeps exactly its own
    staff (well-known PINs never land in a store that is really used)."""
    with new_uow() as uow:
        with uow.guard():
            if uow.staff.count() > 0:
                return False
    owner: StaffMember | None = None
    for name, role, pin in DEMO_STAFF:
        with new_uow() as uow:
            member = add_staff(uow, owner, name, role, pin)
        owner = owner or member
    return True


def store_owner(new_uow: Callable[[], UnitOfWork]) -> StaffMember:
    """The store's first active owner (by number): who sets the demo store up."""
    with new_uow() as uow:
        with uow.guard():
            owners = [
                StaffMember(s.id, s.name, Role(s.role))
                for s in uow.staff.all(active_only=True)
                if s.role == Role.OWNER.value
            ]
            uow.rollback()
    if not owners:
        raise InvalidState("The store has no owner who may sign in to set it up.")
    return min(owners, key=lambda member: member.staff_id)


def load_demo_store(new_uow: Callable[[], UnitOfWork]) -> bool:
    """Load once; returns False (and changes nothing) if the store already has products.
    A store with people keeps them (no demo PINs), and its owner sets the store up."""
    with new_uow() as uow:
        with uow.guard():
            if uow.catalogue.count() > 0:
                return False
    load_demo_staff(new_uow)
    owner = store_owner(new_uow)
    with new_uow() as uow:
        rows = demo_rows()
        for row in rows:
            add_product(
                uow,
                ProductDraft(
                    sku=row["sku"],
                    barcode=row["barcode"],
                    name=row["name"],
                    unit_price=parse_amount(row["price"]),
                    unit_cost=parse_amount(row["cost"]),
                    tax_rate_ppm=parse_rate(row["tax_rate"]),
                ),
                actor=owner,
                commit=False,
            )
        for customer in CUSTOMERS:
            add_customer(uow, customer, actor=owner, commit=False)
        uow.commit()
    with new_uow() as uow:
        post_journal(
            uow,
            "Owner's opening capital",
            [
                Posting(Accounts.CASH, debit=OPENING_CAPITAL),
                Posting(Accounts.OWNER_EQUITY, credit=OPENING_CAPITAL),
            ],
            actor=owner,
        )
    by_supplier: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_supplier[row["supplier"]].append(row)
    for supplier, supplied in by_supplier.items():
        with new_uow() as uow:
            receiving = Receiving(
                uow, supplier, actor=owner, paid_in_cash=False, reference="Opening stock"
            )
            for row in supplied:
                receiving.add(row["sku"], int(row["opening_stock"]), parse_amount(row["cost"]))
            receiving.confirm()
    return True
