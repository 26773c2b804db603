"""Till sessions (shifts): a sale needs one open on its till.

Opening takes a float (the cash in the drawer to give change from); during the shift cash
goes in or out with a reason; an X report shows the running figures at any time; closing
takes the counted cash and card totals, posts any over/short to the ledger and gives the
session its gapless Z number. See repositories/tills.py for the locks that keep a sale and
a closing from crossing: a sale is either in the Z report or refused with TillClosed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..domain.errors import DuplicateValue, InvalidInput, InvalidState, NotFound, TillClosed
from ..domain.money import check_amount, format_amount
from ..domain.postings import Posting
from ..domain.staff import Permission, Shift, StaffMember, authorise
from ..domain.tender import TenderKind
from ..domain.till import (
    TENDERS,
    TillReport,
    cash_movement_postings,
    check_counts,
    over_short_postings,
    parse_movement_amount,
    parse_reason,
)
from ..repositories.unit_of_work import UnitOfWork
from .authority import still_allowed

if TYPE_CHECKING:
    from .store import Store

Z_COUNTER = "z"

MAX_TILL_NAME = 40


def parse_till_name(text: object) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput("Give this till a name (e.g. Till 1).", "till")
    name = " ".join(text.split())
    if len(name) > MAX_TILL_NAME or any(not ch.isprintable() for ch in name):
        raise InvalidInput(f"A till name is at most {MAX_TILL_NAME} plain characters.", "till")
    return name


def open_till(uow: UnitOfWork, staff: StaffMember, till_name: str, opening_float: int) -> Shift:
    """Open a session on ``till_name`` with a float in cents; refuses a second open one.

    The float is not posted to the ledger: the notes and coins in the drawer are already
    the store's cash (account 1000, Cash in till) from the last closing or a cash in;
    opening only records how much of it the session starts with, so the closing count can
    be checked against it."""
    till_name = parse_till_name(till_name)
    opening_float = check_amount(opening_float, "opening float")
    authorise(staff, Permission.OPEN_TILL)
    uow.open()

    def work() -> Shift:
        still_allowed(uow, staff, Permission.OPEN_TILL)
        if uow.tills.open_on(till_name) is not None:
            raise InvalidState(f"{till_name} is already open: close it first.")
        session_id = uow.tills.open_session(till_name, staff.staff_id, opening_float)
        uow.audit.append(
            "till.open",
            subject=till_name,
            details={"session": session_id, "float": opening_float},
            staff_id=staff.staff_id,
        )
        uow.commit()
        return Shift(session_id, till_name, staff)

    try:
        return uow.run(work)
    except DuplicateValue:  # another computer opened it a moment ago (one open per till)
        raise InvalidState(f"{till_name} is already open: close it first.") from None


def current_shift(uow: UnitOfWork, staff: StaffMember, till_name: str) -> Shift:
    """Take over the open session on this till (a new cashier signing in mid-shift)."""
    till_name = parse_till_name(till_name)
    with uow.guard():
        row = uow.tills.open_on(till_name)
        uow.rollback()
    if row is None:
        raise TillClosed(f"{till_name} is not open: open it with a float first.")
    return Shift(row.id, till_name, staff)


# -- cash in / cash out -------------------------------------------------------------------
def cash_in(uow: UnitOfWork, shift: Shift, amount: int | str, reason: str) -> int:
    """Put cash into the drawer (change from the bank, a float top-up): Dr Cash in till /
    Cr Safe and bank. Returns the movement's id."""
    return _move_cash(uow, shift, "in", amount, reason)


def cash_out(uow: UnitOfWork, shift: Shift, amount: int | str, reason: str) -> int:
    """Take cash out of the drawer (a drop to the safe, a small expense): Dr Safe and bank /
    Cr Cash in till. Refused when more than the drawer should hold."""
    return _move_cash(uow, shift, "out", amount, reason)


def _move_cash(uow: UnitOfWork, shift: Shift, kind: str, amount: int | str, reason: str) -> int:
    if not isinstance(shift, Shift):
        raise TillClosed("Open the till (with a float) first.")
    authorise(shift.cashier, Permission.CASH_IN_OUT)
    amount = parse_movement_amount(amount)
    reason = parse_reason(reason)
    staff_id = shift.cashier.staff_id
    uow.open()

    def work() -> int:
        still_allowed(uow, shift.cashier, Permission.CASH_IN_OUT)
        tills = uow.tills
        if not tills.hold_open(shift.session_id):  # the session row, then the audit counter
            raise TillClosed(f"{shift.till_name} is closed: open it again first.")
        if kind == "out":
            in_drawer = tills.cash_expected(shift.session_id)
            if amount > in_drawer:
                raise InvalidInput(
                    f"Only {format_amount(in_drawer)} should be in the drawer: "
                    f"{format_amount(amount)} cannot be taken out.",
                    "amount",
                )
        movement_id = tills.add_movement(shift.session_id, staff_id, kind, amount, reason)
        word = "in" if kind == "in" else "out"
        _post(
            uow,
            f"Cash {word}, {shift.till_name}: {reason}"[:200],
            cash_movement_postings(kind, amount),
            session_id=shift.session_id,
            staff_id=staff_id,
        )
        uow.audit.append(
            f"cash.{word}",
            subject=shift.till_name,
            details={
                "session": shift.session_id,
                "movement": movement_id,
                "amount": amount,
                "reason": reason,
            },
            staff_id=staff_id,
        )
        uow.commit()
        return movement_id

    return uow.run(work)


def _post(
    uow: UnitOfWork,
    description: str,
    postings: list[Posting],
    *,
    session_id: int,
    staff_id: int,
) -> None:
    """A 'till' journal transaction naming its session and who did it."""
    uow.ledger.record(
        description, "till", postings, till_session_id=session_id, staff_id=staff_id
    )


# -- reports ------------------------------------------------------------------------------
def x_report(source: UnitOfWork | Store, session_id: int) -> TillReport:
    """The session's figures now (a Z report if it is already closed). Reads only."""
    if not isinstance(source, UnitOfWork):
        report = source.till_report(session_id)
    else:
        source.open()
        idle = not source.session.in_transaction()
        with source.guard():
            report = source.tills.report(session_id)
        if idle:  # give back the transaction (and SQLite's write lock) this read began
            source.rollback()
    if report is None:
        raise NotFound(f"There is no till session {session_id}.")
    return report


# -- closing ------------------------------------------------------------------------------
def close_till(
    uow: UnitOfWork,
    staff: StaffMember,
    session_id: int,
    counted: Mapping[TenderKind, int],
) -> TillReport:
    """Close the session with what was counted per tender (cents) and return its Z report.

    In one transaction: lock the session row (waiting for any sale still committing on it),
    read its figures, take the next Z number, store expected and counted per tender, mark it
    closed, post the differences (cash over: Dr Cash in till / Cr Till over and short, short
    the reverse; card differences likewise against Card payments clearing) and write the
    audit row last."""
    authorise(staff, Permission.CLOSE_TILL)
    counts = check_counts(counted)
    if isinstance(session_id, bool) or not isinstance(session_id, int):
        raise InvalidInput("Choose the till session to close.", "session")
    uow.open()

    def work() -> TillReport:
        tills = uow.tills
        status = tills.lock_for_closing(session_id)  # first: waits for sales in flight
        if status is None:
            raise NotFound(f"There is no till session {session_id}.")
        if status != "open":
            raise InvalidState(f"Till session {session_id} is already closed.")
        still_allowed(uow, staff, Permission.CLOSE_TILL)
        figures = tills.report(session_id)
        expected = {t: figures.tender(t).expected for t in TENDERS}
        differences = {t: counts[t] - expected[t] for t in TENDERS}
        z_no = uow.sales.next_number(Z_COUNTER)
        if tills.close(
            session_id, staff_id=staff.staff_id, z_no=z_no, expected=expected, counted=counts
        ) is None:  # cannot happen under the lock; never write a Z for it
            raise InvalidState(f"Till session {session_id} is already closed.")
        postings = over_short_postings(differences)
        if postings:
            _post(
                uow,
                f"Over/short at closing, {figures.till_name}, Z {z_no}",
                postings,
                session_id=session_id,
                staff_id=staff.staff_id,
            )
        uow.audit.append(
            "till.close",
            subject=figures.till_name,
            details={
                "session": session_id,
                "z": z_no,
                "sales": figures.sales_count,
                "expected": {t.value: expected[t] for t in TENDERS},
                "counted": {t.value: counts[t] for t in TENDERS},
                "over_short": {t.value: differences[t] for t in TENDERS},
            },
            staff_id=staff.staff_id,
        )
        report = tills.report(session_id)
        uow.commit()
        return report

    return uow.run(work)
