"""Apply the Alembic migrations shipped inside the package; never ``create_all``.

Alembic is imported only when there is something to do: a till whose database is already
at ``SCHEMA_HEAD`` starts about 0.25 s sooner (a test keeps the constant honest).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from .engine import WRITER_OPTION

MIGRATIONS = Path(__file__).with_name("migrations")
SCHEMA_HEAD = "0005"


def stored_revision(engine: Engine) -> str | None:
    """The revision recorded in the database, without loading Alembic."""
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:
        return None  # no alembic_version table yet: a new database


def ensure_up_to_date(engine: Engine) -> None:
    """What start-up calls: a cheap look, and the real upgrade only when needed."""
    if stored_revision(engine) != SCHEMA_HEAD:
        upgrade(engine)


def alembic_config(url: str | None = None):  # noqa: ANN201 - alembic.config.Config
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    with _migrating(engine) as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    with _migrating(engine) as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


@contextmanager
def _migrating(engine: Engine) -> Iterator[Connection]:
    """One transaction for the whole migration.

    On SQLite, altering a table means rebuilding it (Alembic's batch mode), and dropping the
    old copy with foreign keys on would run its ON DELETE CASCADE actions: order lines and
    journal entries would go with it. SQLite's documented procedure is followed instead:
    foreign keys off outside the transaction, ``PRAGMA foreign_key_check`` before commit,
    back on afterwards.
    """
    with engine.execution_options(**{WRITER_OPTION: True}).connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        raw = connection.connection.dbapi_connection if sqlite else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys = OFF")  # a no-op inside a transaction
        try:
            with connection.begin():
                yield connection
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"migration left broken references: {broken[:5]}")
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys = ON")


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def is_up_to_date(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()
