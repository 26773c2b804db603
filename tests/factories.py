"""Building small stores for tests through the same services the app uses."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import text

from pos_app.domain.catalogue import CustomerDraft, ProductDraft
from pos_app.domain.staff import Role, Shift, StaffMember, pin_matches
from pos_app.persistence.engine import Database
from pos_app.repositories import UnitOfWork
from pos_app.repositories.staff import member_of
from pos_app.services.catalogue import add_customer, add_product
from pos_app.services.integrity import run_check
from pos_app.services.receiving import Receiving
from pos_app.services.staff import add_staff
from pos_app.services.till import open_till

NewUow = Callable[[], UnitOfWork]


def owner(new_uow: NewUow) -> StaffMember:
    """The store's first owner, who builds test data through the services (which want to
    know who acts); "Olive", PIN 1234, is added when the store has nobody yet."""
    with new_uow() as uow:
        owners = sorted(
            (
                member_of(s)
                for s in uow.staff.all(active_only=True)
                if s.role == Role.OWNER.value
            ),
            key=lambda member: member.staff_id,
        )
        uow.rollback()
    if owners:
        return owners[0]
    with new_uow() as uow:
        return add_staff(uow, None, "Olive", Role.OWNER, "1234")


def product(
    new_uow: NewUow,
    sku: str,
    *,
    price: int = 1000,
    cost: int = 600,
    tax_ppm: int = 200_000,
    stock: int = 0,
    barcode: str | None = None,
    name: str | None = None,
    by: StaffMember | None = None,
) -> int:
    """Added by ``by`` (default: the store's owner), stock received the same way."""
    by = by or owner(new_uow)
    with new_uow() as uow:
        product_id = add_product(
            uow,
            ProductDraft(
                sku=sku,
                name=name or sku.title(),
                unit_price=price,
                unit_cost=cost,
                tax_rate_ppm=tax_ppm,
                barcode=barcode,
            ),
            actor=by,
        )
    if stock:
        receive(new_uow, {sku: (stock, cost)}, by=by)
    return product_id


def receive(
    new_uow: NewUow,
    lines: dict[str, tuple[int, int]],
    *,
    supplier: str = "Supplier",
    by: StaffMember | None = None,
) -> int:
    by = by or owner(new_uow)
    with new_uow() as uow:
        receiving = Receiving(uow, supplier, actor=by)
        for sku, (quantity, unit_cost) in lines.items():
            receiving.add(sku, quantity, unit_cost)
        return receiving.confirm()


def customer(
    new_uow: NewUow,
    code: str = "ALFKI",
    company: str = "Alfreds Futterkiste",
    *,
    by: StaffMember | None = None,
) -> int:
    by = by or owner(new_uow)
    with new_uow() as uow:
        return add_customer(uow, CustomerDraft(code, company), actor=by)


def staff(
    new_uow: NewUow, name: str = "Olive", role: Role | str = Role.OWNER, pin: str = "1234",
    *, by: StaffMember | None = None,
) -> StaffMember:
    """Add a person (the first of a store is its owner; later ones are added by ``by``).

    The owner the other factories added ("Olive", 1234) is returned as she is when asked
    for again, so a test may build its products before naming its people."""
    with new_uow() as uow:
        if by is None and uow.staff.count() > 0:
            existing = uow.staff.by_name(name)
            if (
                existing is not None
                and existing.role == Role(role).value
                and pin_matches(pin, existing.pin_hash)
            ):
                member = member_of(existing)
                uow.rollback()
                return member
            uow.rollback()
    with new_uow() as uow:
        return add_staff(uow, by, name, role, pin)


def open_shift(
    new_uow: NewUow,
    *,
    till: str = "Till 1",
    cashier: StaffMember | None = None,
    opening_float: int = 0,
) -> Shift:
    """An open till session to sell in; adds an owner first when the store has nobody."""
    if cashier is None:
        cashier = owner(new_uow)
    with new_uow() as uow:
        return open_till(uow, cashier, till, opening_float)


def stock_of(db: Database, sku: str) -> int:
    with db.reader() as session:
        return session.execute(
            text("SELECT stock_on_hand FROM products WHERE sku = :sku"), {"sku": sku}
        ).scalar_one()


TABLES = (
    "products",
    "customers",
    "orders",
    "order_lines",
    "payments",
    "purchases",
    "purchase_lines",
    "stock_movements",
    "journal_transactions",
    "journal_entries",
    "counters",
    "staff",
    "till_sessions",
    "till_counts",
    "cash_movements",
    "refunds",
    "refund_lines",
    "parked_sales",
    "audit_log",
    "settings",
)


def snapshot(db: Database) -> dict[str, list[tuple]]:
    """Every row of every table, for 'nothing changed' assertions."""
    with db.reader() as session:
        return {
            table: sorted(
                tuple(str(v) for v in row)
                for row in session.execute(text(f"SELECT * FROM {table}"))  # noqa: S608
            )
            for table in TABLES
        }


def assert_clean(db: Database) -> None:
    with db.reader() as session:
        report = run_check(session)
    assert report.ok, report.problems


def gather_tills(tills: list, results, *, timeout: float) -> list[dict]:  # noqa: ANN001
    """Start till processes, collect one report from each, and never leave one running."""
    import queue

    import pytest

    for till in tills:
        till.start()
    reports: list[dict] = []
    try:
        for _ in tills:
            reports.append(results.get(timeout=timeout))
    except queue.Empty:
        pytest.fail(f"only {len(reports)} of {len(tills)} tills reported back", pytrace=False)
    finally:
        for till in tills:
            till.join(timeout=30)
            if till.is_alive():
                till.kill()
    return reports


@contextmanager
def machine_zone(name: str) -> Iterator[None]:
    """This computer's time zone set to ``name`` (the TZ variable) inside the block, so a
    test of local days does not depend on the machine it runs on. Skips where the zone
    cannot be changed for one process (Windows)."""
    if not hasattr(time, "tzset"):
        pytest.skip("this machine's time zone cannot be set for one test")
    before = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()
