"""Goods received from suppliers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..persistence.models import Purchase


class PurchaseRepository:
    def __init__(self, session: Session):
        self.session = session

    def add(self, purchase: Purchase) -> Purchase:
        self.session.add(purchase)
        return purchase

    def get(self, purchase_id: int) -> Purchase | None:
        return self.session.scalars(
            select(Purchase).where(Purchase.id == purchase_id).options(selectinload(Purchase.lines))
        ).first()

    def recent(self, limit: int = 50) -> list[Purchase]:
        return list(
            self.session.scalars(select(Purchase).order_by(Purchase.id.desc()).limit(limit))
        )
