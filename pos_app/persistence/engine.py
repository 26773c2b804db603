"""Engines that behave the same on SQLite and PostgreSQL for what a till needs.

SQLite: the stdlib driver's own transaction handling is switched off and we emit BEGIN
ourselves (SQLAlchemy's documented recipe), writers with BEGIN IMMEDIATE so a write
transaction takes the lock up front instead of failing later with SQLITE_BUSY_SNAPSHOT;
foreign keys on, WAL, synchronous=FULL (a confirmed sale survives power loss) and a busy
timeout. PostgreSQL: READ COMMITTED, pre-ping so a dead pooled connection is replaced.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

WRITER_OPTION = "pos_writer"
DEFAULT_BUSY_TIMEOUT_S = 5.0


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(
    url: str, *, busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S, echo: bool = False
) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(
            parsed,
            echo=echo,
            connect_args={"timeout": busy_timeout_s, "check_same_thread": False},
        )
        _configure_sqlite(engine, busy_timeout_s)
        return engine
    connect_args = {}
    if parsed.get_backend_name() == "postgresql":
        connect_args = {"application_name": "pos-app", "connect_timeout": 10}
    engine = create_engine(
        parsed,
        echo=echo,
        pool_pre_ping=True,
        isolation_level="READ COMMITTED",
        connect_args=connect_args,
    )
    if parsed.get_backend_name() == "postgresql":
        event.listen(engine, "handle_error", _keep_server_reason)
    return engine


def _keep_server_reason(context) -> None:  # noqa: ANN001 - sqlalchemy ExceptionContext
    """Keep why the server ended the session (e.g. the idle-in-transaction timeout).

    libpq raises only "server closed the connection unexpectedly"; the server's FATAL
    message saying why is left on the connection (``info.error_message``), which is gone
    once SQLAlchemy invalidates it. ``translate()`` reads it as ``server_message``.
    """
    wrapped = context.sqlalchemy_exception
    if not context.is_disconnect or wrapped is None or context.connection is None:
        return
    try:
        dbapi_connection = context.connection.connection.dbapi_connection
        message = dbapi_connection.info.error_message
    except Exception:  # noqa: BLE001 - best effort: the plain message still translates
        return
    if message:
        wrapped.server_message = message


def _configure_sqlite(engine: Engine, busy_timeout_s: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # noqa: ANN001 - DBAPI types
        # Let SQLAlchemy, not pysqlite, decide where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # noqa: ANN001
        writer = connection.get_execution_options().get(WRITER_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")


@dataclass(frozen=True)
class Database:
    """An engine plus the two session factories the app hands out.

    ``writer`` sessions are for units of work (on SQLite they begin IMMEDIATE and so hold
    the write lock); ``reader`` sessions are for lists, searches and reports.
    """

    engine: Engine
    writer: sessionmaker[Session]
    reader: sessionmaker[Session]

    @classmethod
    def connect(cls, url: str, **engine_options) -> Database:
        return cls.for_engine(make_engine(url, **engine_options))

    @classmethod
    def for_engine(cls, engine: Engine) -> Database:
        writer_engine = engine.execution_options(**{WRITER_OPTION: True})
        return cls(
            engine=engine,
            writer=sessionmaker(bind=writer_engine, expire_on_commit=False),
            reader=sessionmaker(bind=engine, expire_on_commit=False),
        )

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def dispose(self) -> None:
        self.engine.dispose()
