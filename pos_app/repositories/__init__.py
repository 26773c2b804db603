"""Queries behind names a cashier would recognise, and the unit of work that scopes them."""

from .unit_of_work import UnitOfWork

__all__ = ["UnitOfWork"]
