"""Exceptions a caller can show to a person as they are.

Every error the services raise on purpose is a ``PosError`` whose ``str()`` is a sentence
fit for a cashier; anything else reaching the UI is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass


class PosError(Exception):
    """Base of every error a cashier or store owner may see."""


class InvalidInput(PosError, ValueError):
    """Something typed in is not acceptable; ``field`` names the input for inline messages."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class NotFound(PosError, LookupError):
    """A product, customer, order or account that was asked for does not exist."""


class DuplicateValue(InvalidInput):
    """A value that must be unique (SKU, barcode, customer code) is already taken."""


class TenderShort(InvalidInput):
    """The tenders do not cover what is due."""


class UnbalancedJournal(InvalidInput):
    """Debits and credits of a journal transaction differ; nothing was posted."""


class InvalidState(PosError):
    """The operation does not fit the record's state (e.g. shipping an order twice)."""


@dataclass(frozen=True)
class Shortage:
    product_id: int
    sku: str
    name: str
    requested: int
    available: int

    def __str__(self) -> str:
        return f"{self.name} ({self.sku}): {self.requested} wanted, {self.available} in stock"


class OutOfStock(PosError):
    """Some lines want more than is on hand; the whole sale or shipment was rolled back."""

    def __init__(self, shortages: list[Shortage]):
        self.shortages = list(shortages)
        super().__init__("Not enough stock: " + "; ".join(str(s) for s in self.shortages))


class DatabaseUnavailable(PosError):
    """The database cannot be opened at all (wrong URL, server down, no such file)."""


class DatabaseBusy(PosError):
    """Another till or window holds the database's write lock for longer than we wait."""


class ConnectionLost(PosError):
    """The database connection broke; the operation may be retried on a new connection."""


class ConcurrencyConflict(PosError):
    """The database kept aborting the transaction (deadlock/serialization) past the retry limit."""


class PermissionDenied(PosError):
    """The signed-in person's role does not allow this, and no manager approved it."""


class WrongPin(InvalidInput):
    """The PIN does not match (or the person is locked out after too many tries)."""

    def __init__(self, message: str = "That PIN is not right.", field: str | None = "pin"):
        super().__init__(message, field)


class TillClosed(InvalidState):
    """Selling, refunding or moving cash needs an open till session."""


class SignInAgain(PermissionDenied):
    """The signed-in person was switched off, or their role lowered, since they signed in:
    the write is refused and the station signs them out."""

    @classmethod
    def switched_off(cls, name: str) -> SignInAgain:
        return cls(f"{name} has been switched off: sign in again.")
