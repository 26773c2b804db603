"""Start-up skips Alembic when the database is at SCHEMA_HEAD: the constant must be true."""

from pos_app.persistence.migrate import (
    SCHEMA_HEAD,
    ensure_up_to_date,
    head_revision,
    stored_revision,
)


def test_schema_head_constant_matches_the_newest_migration():
    assert SCHEMA_HEAD == head_revision()


def test_ensure_up_to_date_migrates_a_new_database_and_then_does_nothing(tmp_path):
    from pos_app.persistence.engine import Database

    db = Database.connect(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    assert stored_revision(db.engine) is None
    ensure_up_to_date(db.engine)
    assert stored_revision(db.engine) == SCHEMA_HEAD
    ensure_up_to_date(db.engine)
    db.dispose()
