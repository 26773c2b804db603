"""Manual journal entries: any balanced set of postings, refused whole if unbalanced.

Posting one needs the journal right (a cashier brings a manager's approval, checked
before the number is even flushed); the transaction names who posted it and a
'journal.manual' audit row names who posted and who approved.
"""

from __future__ import annotations

from ..domain.errors import InvalidInput, InvalidState
from ..domain.postings import Posting, balanced
from ..domain.staff import Approval, Permission, StaffMember, authorise
from ..persistence.models import JournalTransaction
from ..repositories.unit_of_work import UnitOfWork
from .authority import still_allowed


class ManualJournalEntry:
    """One manual-entry dialog: the transaction number is flushed and shown before posting."""

    def __init__(
        self, uow: UnitOfWork, *, actor: StaffMember, approval: Approval | None = None
    ):
        self.approver = authorise(actor, Permission.POST_JOURNAL, approval)
        self.actor = actor
        self.uow = uow.open()
        self._transaction: JournalTransaction | None = None
        self.posted = False

    def begin(self) -> int:
        if self.posted:
            raise InvalidState("This journal entry is already posted.")
        if self._transaction is None:
            self._transaction = self.uow.ledger.new_transaction("(being entered)", "manual")
            self.uow.flush()
        return self._transaction.id

    def post(self, description: str, postings: list[Posting]) -> int:
        description = (description or "").strip()
        if not description:
            raise InvalidInput("Describe what this journal entry is for.", "description")
        if len(description) > 200:
            raise InvalidInput(
                "The description is too long (200 characters at most).", "description"
            )
        if any(ord(ch) < 32 for ch in description):  # a NUL would not even reach PostgreSQL
            raise InvalidInput("The description has control characters.", "description")
        postings = balanced(postings)
        with self.uow.guard():
            self.uow.ledger.check_accounts(postings)
        if self.posted:
            return self._transaction.id

        def work() -> int:
            if self._transaction is not None and self._transaction not in self.uow.session:
                self._transaction = None
            self.begin()
            try:
                still_allowed(self.uow, self.actor, Permission.POST_JOURNAL, self.approver)
                self._transaction.staff_id = self.actor.staff_id
                txn = self.uow.ledger.post(
                    description, "manual", postings, transaction=self._transaction
                )
                txn_id = txn.id
                self.uow.audit.append(
                    "journal.manual",
                    subject=f"Journal {txn_id}: {description}"[:80],
                    details={
                        "transaction": txn_id,
                        "total": sum(p.debit for p in postings),
                        "accounts": sorted({p.account_code for p in postings}),
                    },
                    staff_id=self.actor.staff_id,
                    approved_by=self.approver.staff_id if self.approver else None,
                )
                self.uow.commit()
            except BaseException:
                self._transaction = None
                raise
            return txn_id

        txn_id = self.uow.run(work)
        self.posted = True
        return txn_id

    def cancel(self) -> None:
        self._transaction = None
        self.uow.rollback()


def post_journal(
    uow: UnitOfWork,
    description: str,
    postings: list[Posting],
    *,
    actor: StaffMember,
    approval: Approval | None = None,
) -> int:
    """Post in one go, for scripts and the demo store."""
    return ManualJournalEntry(uow, actor=actor, approval=approval).post(description, postings)
