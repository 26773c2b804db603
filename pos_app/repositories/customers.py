"""Customers, found by the short code staff know them by (ALFKI)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..persistence.models import Customer


class CustomerRepository:
    def __init__(self, session: Session):
        self.session = session

    def add(self, customer: Customer) -> Customer:
        self.session.add(customer)
        return customer

    def by_code(self, code: str) -> Customer | None:
        if not isinstance(code, str) or "\x00" in code:
            return None  # no stored code has a NUL, and PostgreSQL refuses to receive one
        return self.session.scalars(
            select(Customer).where(Customer.code == code.strip().upper())
        ).first()

    def all(self) -> list[Customer]:
        return list(self.session.scalars(select(Customer).order_by(Customer.code)))
