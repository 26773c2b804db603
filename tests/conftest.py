"""Shared fixtures. ``db`` runs a test on SQLite and on PostgreSQL.

PostgreSQL tests use their own database (``pos_test`` by default, ``POS_TEST_PG_URL`` to
change it), migrated once per run and truncated between tests. Without a server they are
skipped on a developer's machine and fail under CI (``CI=true``), never silently pass.
"""

from __future__ import annotations

import os
import shutil
import warnings
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pos_app.persistence.engine import Database  # noqa: E402
from pos_app.persistence.migrate import upgrade  # noqa: E402
from pos_app.repositories import UnitOfWork  # noqa: E402

PG_URL = os.environ.get("POS_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/pos_test")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
KEEP_TABLES = {"accounts", "alembic_version", "counters"}


@pytest.fixture(autouse=True)
def _private_app_folders(tmp_path_factory, monkeypatch):
    """The app never writes logs or databases into the tester's home folder."""
    base = tmp_path_factory.getbasetemp()
    monkeypatch.setenv("POS_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("POS_LOG_DIR", str(base / "logs"))
    monkeypatch.delenv("POS_DATABASE_URL", raising=False)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    db = Database.connect(f"sqlite:///{path}")
    upgrade(db.engine)
    db.dispose()
    return str(path)


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """Create (once per run) and migrate the test database; skip or fail without a server."""
    url = make_url(PG_URL)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    except Exception as exc:  # noqa: BLE001
        message = f"PostgreSQL is not reachable at {url.render_as_string()}: {exc}"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    finally:
        admin.dispose()
    db = Database.connect(PG_URL)
    upgrade(db.engine)
    db.dispose()
    return PG_URL


def _fresh_sqlite(template: str, tmp_path) -> str:
    path = tmp_path / "pos.sqlite3"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


def _fresh_postgres(url: str) -> str:
    engine = create_engine(url)
    with engine.begin() as conn:
        # A connection an earlier test leaked (e.g. a dialog never closed) would make the
        # TRUNCATE wait forever: end it, and say so, rather than hang the run.
        leaked = conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).all()
        if leaked:
            warnings.warn(f"{len(leaked)} PostgreSQL connection(s) left open by an earlier test")
        conn.execute(text("SET LOCAL lock_timeout = '10s'"))
        tables = [
            row[0]
            for row in conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            )
            if row[0] not in KEEP_TABLES
        ]
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        conn.execute(text("UPDATE counters SET value = 0"))
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    """A migrated, empty store database on each backend."""
    if request.param == "sqlite":
        return _fresh_sqlite(request.getfixturevalue("sqlite_template"), tmp_path)
    return _fresh_postgres(request.getfixturevalue("postgres_url"))


@pytest.fixture
def sqlite_url(sqlite_template, tmp_path) -> str:
    return _fresh_sqlite(sqlite_template, tmp_path)


@pytest.fixture
def pg_url(postgres_url) -> str:
    return _fresh_postgres(postgres_url)


def _database(url: str) -> Iterator[Database]:
    db = (
        Database.connect(url, busy_timeout_s=2.0)
        if url.startswith("sqlite")
        else Database.connect(url)
    )
    yield db
    db.dispose()


@pytest.fixture
def db(db_url) -> Iterator[Database]:
    yield from _database(db_url)


@pytest.fixture
def sqlite_db(sqlite_url) -> Iterator[Database]:
    yield from _database(sqlite_url)


@pytest.fixture
def pg_db(pg_url) -> Iterator[Database]:
    yield from _database(pg_url)


@pytest.fixture
def new_uow(db) -> Callable[[], UnitOfWork]:
    return lambda: UnitOfWork(db.writer)


@pytest.fixture
def shift(new_uow):
    """An open till session (owner "Olive" on "Till 1"): every sale needs one."""
    from tests.factories import open_shift

    return open_shift(new_uow)
