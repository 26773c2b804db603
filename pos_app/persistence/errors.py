"""Turn driver exceptions into the few things a caller can act on."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from ..domain.errors import ConnectionLost, DatabaseBusy, PosError

RETRYABLE_PGCODES = {"40001", "40P01"}  # serialization failure, deadlock detected


def pgcode(exc: BaseException) -> str | None:
    orig = getattr(exc, "orig", None)
    return getattr(orig, "pgcode", None)


def is_retryable(exc: BaseException) -> bool:
    return isinstance(exc, DBAPIError) and pgcode(exc) in RETRYABLE_PGCODES


def translate(exc: DBAPIError) -> PosError | None:
    """A domain error for what a person can do something about, else None (a bug)."""
    code = pgcode(exc)
    message = str(getattr(exc, "orig", exc)).lower()
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
