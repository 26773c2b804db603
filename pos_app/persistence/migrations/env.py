"""Alembic environment: run with the app's own engine (SQLite recipe included)."""

from alembic import context

from pos_app.persistence.engine import WRITER_OPTION, make_engine
from pos_app.persistence.models import Base

config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    try:
        with engine.execution_options(**{WRITER_OPTION: True}).connect() as connection:
            _migrate(connection)
            connection.commit()
    finally:
        engine.dispose()


def _migrate(connection) -> None:  # noqa: ANN001
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; use 'pos-app db upgrade'.")
run()
