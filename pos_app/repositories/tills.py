"""Till sessions (shifts): opening, the sale's check that the session is open, closing."""

from __future__ import annotations

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from ..persistence.models import TillSession

# Built once: every sale runs it.
_COUNT_SALE = (
    update(TillSession)
    .where(TillSession.id == bindparam("session_id"), TillSession.status == "open")
    .values(sales_count=TillSession.sales_count + 1)
)


class TillRepository:
    def __init__(self, session: Session):
        self.session = session

    def open_session(self, till_name: str, staff_id: int, opening_float: int) -> int:
        row = TillSession(
            till_name=till_name, opened_by=staff_id, opening_float=opening_float, status="open"
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def get(self, session_id: int) -> TillSession | None:
        return self.session.get(TillSession, session_id)

    def open_on(self, till_name: str) -> TillSession | None:
        """The open session on this till, if any (at most one: a partial unique index)."""
        return self.session.scalars(
            select(TillSession).where(
                TillSession.till_name == till_name, TillSession.status == "open"
            )
        ).first()

    def record_sale(self, session_id: int) -> bool:
        """Count a sale in its session, only while the session is open. Row-locks the session
        until commit, so closing it waits for a sale in flight; False if it is closed."""
        return (
            self.session.connection()
            .execute(_COUNT_SALE, {"session_id": session_id})
            .rowcount
            == 1
        )
