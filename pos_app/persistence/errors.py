"""Turn driver exceptions into the few things a caller can act on."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from ..domain.errors import (
    ConnectionLost,
    DatabaseBusy,
    DuplicateValue,
    PosError,
    UnbalancedJournal,
)

RETRYABLE_PGCODES = {"40001", "40P01"}  # serialization failure, deadlock detected


def pgcode(exc: BaseException) -> str | None:
    orig = getattr(exc, "orig", None)
    return getattr(orig, "pgcode", None)


def is_retryable(exc: BaseException) -> bool:
    return isinstance(exc, DBAPIError) and pgcode(exc) in RETRYABLE_PGCODES


# What a UNIQUE constraint means to a person, by the column it guards.
UNIQUE_MEANING = {
    "products.sku": ("SKU", "That SKU is already used by another product."),
    "products.barcode": ("barcode", "That barcode is already used by another product."),
    "customers.code": ("code", "That customer code is already used."),
    "orders.client_key": ("sale", "This sale has already been recorded."),
}
_PG_UNIQUE = {
    f"uq_{table}_{column}": key for key in UNIQUE_MEANING for table, column in [key.split(".")]
}


def unique_violation(exc: DBAPIError) -> str | None:
    """``table.column`` of the UNIQUE constraint an insert or update broke, if that was it."""
    orig = getattr(exc, "orig", None)
    if pgcode(exc) == "23505":
        constraint = getattr(getattr(orig, "diag", None), "constraint_name", None)
        return _PG_UNIQUE.get(constraint or "", constraint)
    message = str(orig or exc)
    if message.startswith("UNIQUE constraint failed: "):
        return message.removeprefix("UNIQUE constraint failed: ").split(",")[0].strip()
    return None


def translate(exc: DBAPIError) -> PosError | None:
    """A domain error for what a person can do something about, else None (a bug)."""
    code = pgcode(exc)
    # A session the server ended says why only in server_message (see engine.py).
    message = f"{getattr(exc, 'orig', exc)} {getattr(exc, 'server_message', '')}".lower()
    column = unique_violation(exc)
    if column is not None:
        field, text = UNIQUE_MEANING.get(column, (column, "That value is already in use."))
        return DuplicateValue(text, field)
    if code == "23514" and "unbalanced" in message:
        return UnbalancedJournal("The journal transaction does not balance; nothing was posted.")
    if code == "25P03" or "idle-in-transaction" in message:
        return ConnectionLost(
            "This screen was left open too long and the database ended it. Start again."
        )
    if exc.connection_invalidated or code in {"57P01", "57P02", "57P03", "08006", "08003"}:
        return ConnectionLost("The connection to the database was lost. Try again.")
    if code in {"55P03", "57014"} or "database is locked" in message or "busy" in message:
        return DatabaseBusy(
            "The database is busy with another till or window. Wait a moment and try again."
        )
    driver = type(getattr(exc, "orig", None)).__module__
    if (
        exc.__class__.__name__ == "OperationalError"
        and code is None
        and driver.startswith("psycopg")
    ):
        return ConnectionLost("The connection to the database was lost. Try again.")
    return None
