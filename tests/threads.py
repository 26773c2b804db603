"""Threads for concurrency tests: a unit of work that stops just before committing, a
worker that keeps its result or error, and how many backends wait on a lock right now."""

from __future__ import annotations

import threading

from sqlalchemy import text

from pos_app.repositories import UnitOfWork


class GatedUnitOfWork(UnitOfWork):
    """Stops just before committing (all locks taken) until the test lets it go on."""

    def __init__(self, factory, ready: threading.Event, go: threading.Event):  # noqa: ANN001
        super().__init__(factory)
        self.ready, self.go = ready, go

    def commit(self) -> None:
        self.ready.set()
        assert self.go.wait(20), "the test never let the commit go on"
        super().commit()


class Worker(threading.Thread):
    """Runs ``work`` and keeps its result or error for the test to look at."""

    def __init__(self, work):  # noqa: ANN001
        super().__init__(daemon=True)
        self.work, self.result, self.error = work, None, None

    def run(self) -> None:
        try:
            self.result = self.work()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            self.error = exc


def waiting_on_a_lock(db) -> int:
    """PostgreSQL backends of this database waiting for a lock right now."""
    with db.reader() as session:
        return session.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            )
        ).scalar_one()
