"""The till's hot statements, run on SQLite's own cursor.

A sale runs about nineteen statements. On SQLite each costs 1-5 µs in the database and
30-55 µs in SQLAlchemy's execution path (execution context, compiled-cache look-up, result
set-up), which put a checkout at more than twice the hand-written floor. A ``Prepared``
statement is an ordinary Core statement, compiled once per set of parameter names, whose
parameters are put in order, defaulted and converted (the columns' Python defaults, the
types' bind processors) exactly as SQLAlchemy would, and run on the DBAPI cursor of the
session's connection, inside the transaction SQLAlchemy began (BEGIN IMMEDIATE for a
writer). Driver errors come out as SQLAlchemy's own ``DBAPIError`` subclasses, so the unit
of work translates and retries them as before.

On PostgreSQL the statement goes through ``Connection.execute`` unchanged: there the network
round trip dwarfs SQLAlchemy's share, and its handling of a lost connection (invalidating
it, keeping the server's reason) matters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Executable
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError

_Source = tuple[str | None, Any, Callable[[Any], Any] | None]  # (param name, constant, convert)


class Prepared:
    """A Core statement compiled once; see the module docstring for why."""

    def __init__(self, statement: Executable):
        self.statement = statement
        self._plans: dict[frozenset[str], tuple[str, tuple[_Source, ...]]] = {}

    # -- running ------------------------------------------------------------------------
    def execute(self, connection: Connection, params: Mapping[str, Any]) -> Any:
        """Run once; the result has ``rowcount``, ``first()``, ``scalar_one()`` and
        ``scalar_one_or_none()`` on either backend."""
        if connection.dialect.name != "sqlite":
            return connection.execute(self.statement, params)
        sql, sources = self._plan(connection.dialect, params)
        values = _values(sources, params)
        cursor = connection.connection.dbapi_connection.cursor()
        try:
            cursor.execute(sql, values)
        except connection.dialect.loaded_dbapi.Error as exc:
            raise _wrapped(connection.dialect, sql, values, exc) from exc
        return _DriverResult(cursor)

    def execute_many(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> int:
        """Run once per row (every row with the same names); returns the rows changed."""
        if not rows:
            return 0
        if connection.dialect.name != "sqlite":
            return connection.execute(self.statement, list(rows)).rowcount
        sql, sources = self._plan(connection.dialect, rows[0])
        values = [_values(sources, row) for row in rows]
        cursor = connection.connection.dbapi_connection.cursor()
        try:
            cursor.executemany(sql, values)
        except connection.dialect.loaded_dbapi.Error as exc:
            raise _wrapped(connection.dialect, sql, values, exc) from exc
        return cursor.rowcount

    # -- compiling ----------------------------------------------------------------------
    def _plan(self, dialect: Dialect, params: Mapping[str, Any]) -> tuple[str, tuple[_Source, ...]]:
        names = frozenset(params)
        plan = self._plans.get(names)
        if plan is None:
            plan = self._plans[names] = self._compile(dialect, names)
        return plan

    def _compile(self, dialect: Dialect, names: frozenset[str]) -> tuple[str, tuple[_Source, ...]]:
        compiled = self.statement.compile(dialect=dialect, column_keys=sorted(names))
        table = getattr(self.statement, "table", None)
        sources: list[_Source] = []
        for name in compiled.positiontup or ():
            bind = compiled.binds[name]
            convert = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if bind.key in names:
                sources.append((bind.key, None, convert))
                continue
            default = None
            if self.statement.is_insert and table is not None and name in table.c:
                default = table.c[name].default
            if default is not None and default.is_callable:
                produce = default.arg
                sources.append((None, lambda produce=produce: produce(None), convert))
            elif default is not None and default.is_scalar:
                sources.append((None, _constant(default.arg, convert), None))
            elif not bind.required:
                sources.append((None, _constant(bind.effective_value, convert), None))
            else:
                raise TypeError(f"{self.statement}: no value for {name!r}")
        return compiled.string, tuple(sources)


def _constant(value: Any, convert: Callable[[Any], Any] | None) -> Callable[[], Any]:
    value = convert(value) if convert is not None else value
    return lambda: value


def _values(sources: tuple[_Source, ...], params: Mapping[str, Any]) -> list[Any]:
    values = []
    for key, produce, convert in sources:
        value = params[key] if key is not None else produce()
        values.append(convert(value) if convert is not None and value is not None else value)
    return values


def _wrapped(dialect: Dialect, sql: str, values: Any, exc: Exception) -> DBAPIError:
    """The driver's error as SQLAlchemy would have raised it (IntegrityError, …)."""
    return DBAPIError.instance(sql, values, exc, dialect.loaded_dbapi.Error, dialect=dialect)


class _DriverResult:
    """What the till reads back from a statement: its row count and first row. Rows are
    read to the end at once, so the driver's statement is finished before the next one."""

    __slots__ = ("_rows", "rowcount")

    def __init__(self, cursor: Any):
        self._rows: list[tuple] = cursor.fetchall() if cursor.description else []
        self.rowcount: int = cursor.rowcount

    def first(self) -> tuple | None:
        return self._rows[0] if self._rows else None

    def scalar_one_or_none(self) -> Any:
        return self._rows[0][0] if self._rows else None

    def scalar_one(self) -> Any:
        if len(self._rows) != 1:
            raise LookupError(f"expected one row, the statement returned {len(self._rows)}")
        return self._rows[0][0]
