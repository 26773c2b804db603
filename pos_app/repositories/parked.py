"""Parked sales: carts put aside (as JSON) and taken back exactly once.

Taking one back is a conditional ``DELETE … RETURNING`` in the resuming transaction: of two
tills resuming the same parked cart at once, one gets its row and the other gets nothing
(PostgreSQL's second DELETE waits for the first and then finds the row gone).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from ..domain.cart import ProductSnapshot
from ..persistence.models import ParkedSale, Product, Staff, utcnow


@dataclass(frozen=True)
class ParkedRow:
    """One parked cart as stored: its JSON is read by domain/parked.py."""

    parked_id: int
    till_name: str
    staff_id: int | None
    staff_name: str
    label: str
    cart: str
    parked_at: datetime


class ParkedRepository:
    def __init__(self, session: Session):
        self.session = session

    def add(self, *, till_name: str, staff_id: int | None, label: str, cart: str) -> int:
        return (
            self.session.connection()
            .execute(
                insert(ParkedSale).returning(ParkedSale.id),
                {
                    "till_name": till_name,
                    "staff_id": staff_id,
                    "label": label,
                    "cart": cart,
                    "parked_at": utcnow(),
                },
            )
            .scalar_one()
        )

    def all(self, till_name: str | None = None) -> list[ParkedRow]:
        """Oldest first (the customer who has waited longest); one till's or every till's."""
        query = (
            select(
                ParkedSale.id,
                ParkedSale.till_name,
                ParkedSale.staff_id,
                Staff.name,
                ParkedSale.label,
                ParkedSale.cart,
                ParkedSale.parked_at,
            )
            .outerjoin(Staff, Staff.id == ParkedSale.staff_id)
            .order_by(ParkedSale.parked_at, ParkedSale.id)
        )
        if till_name is not None:
            query = query.where(ParkedSale.till_name == till_name)
        return [
            ParkedRow(r[0], r[1], r[2], r[3] or "", r[4], r[5], r[6])
            for r in self.session.execute(query)
        ]

    def take(self, parked_id: int, parked_at: datetime | None = None) -> ParkedRow | None:
        """Delete the parked cart and return it; None if it is gone (resumed elsewhere).
        With ``parked_at`` (from the list on screen) only that very cart: SQLite hands a
        deleted row's id out again, so an id alone could name a cart parked since."""
        condition = [ParkedSale.id == parked_id]
        if parked_at is not None:
            condition.append(ParkedSale.parked_at == parked_at)
        row = self.session.execute(
            delete(ParkedSale)
            .where(*condition)
            .returning(
                ParkedSale.id,
                ParkedSale.till_name,
                ParkedSale.staff_id,
                ParkedSale.label,
                ParkedSale.cart,
                ParkedSale.parked_at,
            )
            .execution_options(synchronize_session=False)
        ).first()
        if row is None:
            return None
        return ParkedRow(row[0], row[1], row[2], "", row[3], row[4], row[5])

    def count(self, till_name: str | None = None) -> int:
        query = select(ParkedSale.id)
        if till_name is not None:
            query = query.where(ParkedSale.till_name == till_name)
        return len(self.session.scalars(query).all())

    def sellable(self, product_ids: list[int]) -> dict[int, ProductSnapshot]:
        """Current snapshots of the products still on sale (inactive ones left out)."""
        if not product_ids:
            return {}
        rows = self.session.execute(
            select(
                Product.id,
                Product.sku,
                Product.barcode,
                Product.name,
                Product.unit_price,
                Product.tax_rate_ppm,
                Product.unit_cost,
                Product.stock_on_hand,
            ).where(Product.id.in_(sorted(set(product_ids))), Product.active.is_(True))
        )
        return {row[0]: ProductSnapshot(*row) for row in rows}
