"""Where the database and logs live, and how the app finds its database URL.

Order of precedence: ``--database-url``, then ``POS_DATABASE_URL``, then an SQLite file in
the per-user data folder, so a fresh install runs with no set-up at all.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from platformdirs import user_data_path, user_log_path

APP_NAME = "pos-app"
APP_AUTHOR = "pos_app"
ENV_URL = "POS_DATABASE_URL"


def data_dir() -> Path:
    override = os.environ.get("POS_DATA_DIR")
    return Path(override) if override else user_data_path(APP_NAME, APP_AUTHOR)


def log_dir() -> Path:
    override = os.environ.get("POS_LOG_DIR")
    return Path(override) if override else user_log_path(APP_NAME, APP_AUTHOR)


def default_database_path() -> Path:
    return data_dir() / "pos.sqlite3"


def database_url(cli_value: str | None = None) -> str:
    if cli_value:
        return cli_value
    if os.environ.get(ENV_URL):
        return os.environ[ENV_URL]
    path = default_database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path.as_posix()}"


def describe_url(url: str) -> str:
    """The URL without its password, for logs and messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def setup_logging(level: int = logging.INFO) -> Path | None:
    """A rotating file in the per-user log folder; never fails start-up if it cannot write."""
    root = logging.getLogger()
    if any(getattr(h, "_pos_app", False) for h in root.handlers):
        return None
    root.setLevel(level)
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "pos-app.log"
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._pos_app = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    return path
