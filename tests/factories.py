"""Building small stores for tests through the same services the app uses."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text

from pos_app.domain.catalogue import CustomerDraft, ProductDraft
from pos_app.domain.staff import Role, Shift, StaffMember
from pos_app.persistence.engine import Database
from pos_app.repositories import UnitOfWork
from pos_app.services.catalogue import add_customer, add_product
from pos_app.services.integrity import run_check
from pos_app.services.receiving import Receiving
from pos_app.services.staff import add_staff
from pos_app.services.till import open_till

NewUow = Callable[[], UnitOfWork]


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
) -> int:
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
        )
    if stock:
        receive(new_uow, {sku: (stock, cost)})
    return product_id


def receive(
    new_uow: NewUow, lines: dict[str, tuple[int, int]], *, supplier: str = "Supplier"
) -> int:
    with new_uow() as uow:
        receiving = Receiving(uow, supplier)
        for sku, (quantity, unit_cost) in lines.items():
            receiving.add(sku, quantity, unit_cost)
        return receiving.confirm()


def customer(new_uow: NewUow, code: str = "ALFKI", company: str = "Alfreds Futterkiste") -> int:
    with new_uow() as uow:
        return add_customer(uow, CustomerDraft(code, company))


def staff(
    new_uow: NewUow, name: str = "Olive", role: Role | str = Role.OWNER, pin: str = "1234",
    *, by: StaffMember | None = None,
) -> StaffMember:
    """Add a person (the first of a store is its owner; later ones are added by ``by``)."""
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
        cashier = staff(new_uow)
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
