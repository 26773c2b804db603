"""Changing the audit log behind the app's back, as someone with the database would: the
append-only triggers are switched off for the one statement (and back on, on PostgreSQL,
whose test database is shared by the whole run)."""

from __future__ import annotations

from sqlalchemy import text

from pos_app.persistence.engine import Database


def behind_the_triggers(db: Database, *statements: str) -> None:
    with db.engine.begin() as conn:
        if db.backend == "postgresql":
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
            for statement in statements:
                conn.execute(text(statement))
            conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
            for statement in statements:
                conn.execute(text(statement))
            conn.execute(
                text(
                    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
                    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
                )
            )
            conn.execute(
                text(
                    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
                    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
                )
            )
