"""The append-only audit log, each row chained to the one before by a SHA-256 hash.

``seq`` comes from the gapless 'audit' counter, bumped in the writing transaction (and so
taken last, after every other lock of that transaction: see the lock order in sales.py).
A row's hash covers its own fields and the previous row's hash: editing a row breaks the
chain from there on, deleting one leaves a gap, and ``verify`` reports both.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, aliased

from ..persistence.models import AuditEntry, Staff, utcnow
from .sales import SalesRepository

AUDIT_COUNTER = "audit"
GENESIS = "0" * 64


def canonical(details: dict) -> str:
    return json.dumps(details, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(
    *,
    seq: int,
    at: datetime,
    staff_id: int | None,
    approved_by: int | None,
    action: str,
    subject: str,
    details: str,
    prev_hash: str,
) -> str:
    fields = [
        str(seq),
        at.astimezone(UTC).isoformat(timespec="microseconds"),
        "" if staff_id is None else str(staff_id),
        "" if approved_by is None else str(approved_by),
        action,
        subject,
        details,
        prev_hash,
    ]
    return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: datetime
    staff_id: int | None
    approved_by: int | None
    action: str
    subject: str
    details: str
    staff_name: str | None = None
    approver_name: str | None = None


class AuditRepository:
    def __init__(self, session: Session):
        self.session = session

    def append(
        self,
        action: str,
        *,
        subject: str = "",
        details: dict | None = None,
        staff_id: int | None = None,
        approved_by: int | None = None,
    ) -> int:
        """Add one row in the caller's transaction (it commits or rolls back with the action)."""
        seq = SalesRepository(self.session).next_number(AUDIT_COUNTER)
        prev_hash = GENESIS
        if seq > 1:
            prev_hash = self.session.scalar(
                select(AuditEntry.hash).where(AuditEntry.seq == seq - 1)
            ) or GENESIS
        # Microseconds are all both databases keep: hash the time as it will be read back.
        at = utcnow()
        text = canonical(details or {})
        subject = subject[:80]
        self.session.execute(
            insert(AuditEntry).values(
                seq=seq,
                at=at,
                staff_id=staff_id,
                approved_by=approved_by,
                action=action,
                subject=subject,
                details=text,
                prev_hash=prev_hash,
                hash=entry_hash(
                    seq=seq,
                    at=at,
                    staff_id=staff_id,
                    approved_by=approved_by,
                    action=action,
                    subject=subject,
                    details=text,
                    prev_hash=prev_hash,
                ),
            )
        )
        return seq

    def rows(self, *, limit: int = 200, offset: int = 0) -> list[AuditRow]:
        """Newest first, with the names of who did it and who approved it."""
        who, approver = aliased(Staff), aliased(Staff)
        query = (
            select(AuditEntry, who.name, approver.name)
            .outerjoin(who, who.id == AuditEntry.staff_id)
            .outerjoin(approver, approver.id == AuditEntry.approved_by)
            .order_by(AuditEntry.seq.desc())
            .limit(max(0, int(limit)))
            .offset(max(0, int(offset)))
        )
        return [
            AuditRow(
                r.seq, r.at, r.staff_id, r.approved_by, r.action, r.subject, r.details,
                who_name, approver_name,
            )
            for r, who_name, approver_name in self.session.execute(query)
        ]

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(AuditEntry)) or 0

    def verify(self) -> list[str]:
        """Problems found walking the chain in order (empty when intact)."""
        problems: list[str] = []
        expected_seq, prev_hash = 1, GENESIS
        for row in self._in_order():
            if row.seq != expected_seq:
                problems.append(f"audit log: rows {expected_seq}–{row.seq - 1} are missing")
            if row.prev_hash != prev_hash:
                problems.append(f"audit log: row {row.seq} does not follow the row before it")
            recomputed = entry_hash(
                seq=row.seq,
                at=row.at,
                staff_id=row.staff_id,
                approved_by=row.approved_by,
                action=row.action,
                subject=row.subject,
                details=row.details,
                prev_hash=row.prev_hash,
            )
            if recomputed != row.hash:
                problems.append(f"audit log: row {row.seq} ({row.action}) was changed")
            expected_seq, prev_hash = row.seq + 1, row.hash
        counter = SalesRepository(self.session).current_number(AUDIT_COUNTER)
        if counter is not None and counter != expected_seq - 1:
            problems.append(
                f"audit log: {counter} rows were written but the log ends at row {expected_seq - 1}"
            )
        return problems

    def _in_order(self) -> Iterator[AuditEntry]:
        yield from self.session.scalars(
            select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=1000)
        )
