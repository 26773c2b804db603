"""The least-privileged PostgreSQL role of docs/INSTALL.md runs a whole till day.

The SQL is read out of INSTALL.md itself, so the guide a store owner follows is the one
tested: an owner role migrates, the till role (SELECT/INSERT/UPDATE, DELETE only on parked
carts and settings) then signs in, opens the till, receives, sells, parks and resumes,
refunds, saves settings and closes with a Z report; it may not delete a sale or alter the
schema, nor rewrite the audit log.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from pos_app.domain.cart import Cart
from pos_app.domain.settings import StoreSettings
from pos_app.domain.tender import Tender, TenderKind
from pos_app.persistence.engine import Database
from pos_app.persistence.migrate import upgrade
from pos_app.repositories import UnitOfWork
from pos_app.services.integrity import run_check
from pos_app.services.parked import park, resume
from pos_app.services.refund import Refund
from pos_app.services.sale import Checkout
from pos_app.services.settings import save_settings
from pos_app.services.till import close_till
from tests.conftest import IN_CI, PG_URL
from tests.factories import open_shift, product, staff

pytestmark = pytest.mark.postgres

INSTALL = Path(__file__).resolve().parent.parent / "docs" / "INSTALL.md"


def install_sql(after: str) -> list[str]:
    """The statements of the first ```sql block after the sentence ``after`` (psql's
    ``\\connect`` lines are done by the test itself)."""
    doc = INSTALL.read_text(encoding="utf-8")
    block = re.search(r"```sql\n(.*?)```", doc[doc.index(after) :], re.S).group(1)
    lines = [ln.split("--")[0] for ln in block.splitlines() if not ln.startswith("\\")]
    return [s.strip() for s in " ".join(lines).split(";") if s.strip()]


@pytest.fixture
def roles():
    """Owner and till roles and a database named after this run, dropped afterwards."""
    suffix = uuid.uuid4().hex[:8]
    names = {"pos_owner": f"pos_owner_{suffix}", "pos_till": f"pos_till_{suffix}"}
    database = f"pos_roles_{suffix}"
    base = make_url(PG_URL)
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")

    def rename(statement: str) -> str:
        for doc_name, real in names.items():
            statement = re.sub(rf"\b{doc_name}\b", real, statement)
        return re.sub(r"\bDATABASE pos\b", f"DATABASE {database}", statement)

    try:
        with admin.connect() as conn:
            for statement in install_sql("as a PostgreSQL superuser"):
                if statement.startswith(("REVOKE CREATE ON SCHEMA", "ALTER SCHEMA", "GRANT USAGE ON SCHEMA")):
                    continue  # run inside the new database below
                conn.execute(text(rename(statement)))
    except DBAPIError as exc:
        if IN_CI:
            raise
        pytest.skip(f"cannot create roles here: {exc}")
    in_db = create_engine(base.set(database=database), isolation_level="AUTOCOMMIT")
    with in_db.connect() as conn:
        for statement in install_sql("as a PostgreSQL superuser"):
            if statement.startswith(("REVOKE CREATE ON SCHEMA", "ALTER SCHEMA", "GRANT USAGE ON SCHEMA")):
                conn.execute(text(rename(statement)))
    urls = {
        role: base.set(database=database, username=names[role]).render_as_string(hide_password=False)
        for role in names
    }
    owner = Database.connect(urls["pos_owner"])
    upgrade(owner.engine)
    owner.dispose()
    # the owner grants the till its rights, as the guide says
    owner_engine = create_engine(urls["pos_owner"], isolation_level="AUTOCOMMIT")
    with owner_engine.connect() as conn:
        for statement in install_sql("Then give the till role its rights"):
            conn.execute(text(rename(statement)))
    owner_engine.dispose()
    yield urls
    in_db.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        for real in names.values():
            conn.execute(text(f'DROP ROLE IF EXISTS "{real}"'))
    admin.dispose()


def test_the_till_role_runs_a_whole_day(roles):
    db = Database.connect(roles["pos_till"])
    new_uow = lambda: UnitOfWork(db.writer)  # noqa: E731
    try:
        owner = staff(new_uow, "Olive", pin="1234")
        shift = open_shift(new_uow, cashier=owner, opening_float=10_000)
        product(new_uow, "CHAI", stock=10, barcode="4000000000011")
        product(new_uow, "SYRUP", stock=10, barcode="4000000000028")

        with new_uow() as uow:  # park a cart, then take it back
            cart = Cart()
            checkout = Checkout(uow, cart, shift=shift)
            checkout.add("CHAI", 2)
            checkout.cancel()
            parked_id = park(uow, shift.till_name, owner, cart, "Back soon")
        with new_uow() as uow:
            cart = resume(uow, parked_id, staff=owner).cart
        with new_uow() as uow:
            checkout = Checkout(uow, cart, shift=shift)
            checkout.add("SYRUP")
            receipt = checkout.confirm([Tender.cash(10_000)])

        with new_uow() as uow:
            refund = Refund(uow, shift, receipt.receipt_no)
            first = refund.lines[0]
            refund.set_quantity(first.order_line_id, 1)
            refund.begin()
            refund.confirm(TenderKind.CASH, "Damaged")

        with new_uow() as uow:
            save_settings(uow, owner, StoreSettings(store_name="Corner Shop"))
        with new_uow() as uow:
            save_settings(uow, owner, StoreSettings(store_name="Corner Shop, Main St"))

        with new_uow() as uow:
            report = close_till(uow, owner, shift.session_id, {TenderKind.CASH: 0, TenderKind.CARD: 0})
        assert report.z_no == 1

        with db.reader() as session:
            check = run_check(session)
        assert check.ok, check.problems

        refused = [
            "DELETE FROM orders",
            "DELETE FROM audit_log",
            "UPDATE audit_log SET action = 'nothing'",
            "DROP TABLE parked_sales",
            "ALTER TABLE products ADD COLUMN x int",
        ]
        for statement in refused:
            with db.engine.connect() as conn, pytest.raises(DBAPIError) as caught:
                conn.execute(text(statement))
            assert caught.value.orig.pgcode in {"42501", "42P01"}, statement  # insufficient privilege
    finally:
        db.dispose()
