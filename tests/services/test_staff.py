"""Staff, PINs and roles through the services, on SQLite and PostgreSQL: PINs kept only as
salted scrypt hashes, the role enforced by the service (not the screen), a manager's approval
recorded as approved_by, lockout after too many wrong PINs, the audit log append-only and
chained, and junk names and PINs refused with a sentence."""

from __future__ import annotations

import threading
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from pos_app.domain.errors import InvalidInput, PermissionDenied, PosError, WrongPin
from pos_app.domain.staff import (
    Approval,
    Permission,
    Role,
    StaffMember,
    hash_pin,
    parse_pin,
    pin_matches,
)
from pos_app.repositories import UnitOfWork
from pos_app.services.drawer import record_drawer_opening
from pos_app.services.staff import (
    ALREADY_OWNED,
    LOCK_AFTER,
    NO_MATCH,
    add_staff,
    approve,
    change_pin,
    set_active,
    sign_in,
)
from pos_app.services.store import Store
from tests.badinput.strategies import JUNK, is_sentence, nasty_text
from tests.factories import snapshot, staff
from tests.tampering import behind_the_triggers
from tests.threads import GatedUnitOfWork, Worker, waiting_on_a_lock


@pytest.fixture
def people(new_uow):
    owner = staff(new_uow, "Olive", Role.OWNER, "25801397")
    manager = staff(new_uow, "Mark", Role.MANAGER, "5678", by=owner)
    cashier = staff(new_uow, "Cath", Role.CASHIER, "2468", by=owner)
    return owner, manager, cashier


def stored(db, column: str, name: str):  # noqa: ANN001, ANN201
    with db.reader() as session:
        return session.execute(
            text(f"SELECT {column} FROM staff WHERE name = :name"), {"name": name}  # noqa: S608
        ).scalar_one()


def audit(db) -> list[tuple]:  # noqa: ANN001
    with db.reader() as session:
        return [
            tuple(r)
            for r in session.execute(
                text("SELECT seq, action, subject, staff_id, approved_by FROM audit_log ORDER BY seq")
            )
        ]


# -- PINs -------------------------------------------------------------------------------------
def test_pins_are_stored_only_as_salted_scrypt_hashes(db, new_uow, people):
    owner, *_ = people
    pin_hash = stored(db, "pin_hash", "Olive")
    scheme, n, r, p, salt, digest = pin_hash.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", 2**14, 8, 1)
    assert len(salt) >= 22 and len(digest) >= 43  # 16-byte salt, 32-byte key (base64)
    # the PIN itself is nowhere in the database
    everything = repr(snapshot(db))
    assert "25801397" not in everything
    # the same PIN for two people: two different hashes (each has its own salt)
    staff(new_uow, "Anna", Role.CASHIER, "2468", by=owner)
    assert stored(db, "pin_hash", "Anna") != stored(db, "pin_hash", "Cath")
    assert pin_matches("2468", stored(db, "pin_hash", "Anna"))
    assert not pin_matches("2469", stored(db, "pin_hash", "Anna"))


@pytest.mark.parametrize(
    "bad", ["", "plain", "md5$abc", "scrypt$x$8$1$AA==$AA==", "scrypt$16384$8$1$!!$??", "$$$$$"]
)
def test_a_malformed_stored_hash_never_matches(bad):
    assert not pin_matches("1234", bad)


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "١٢٣٤", "𝟏𝟐𝟑𝟒", "12 34", None, 1234])
def test_a_pin_is_4_to_8_ascii_digits(pin):
    with pytest.raises(InvalidInput, match="A PIN is 4 to 8 digits."):
        parse_pin(pin)


def test_hashing_costs_time_on_purpose():
    started = time.perf_counter()
    hash_pin("1234")
    assert time.perf_counter() - started > 0.005  # memory-hard scrypt, not a bare hash


# -- signing in -------------------------------------------------------------------------------
def test_sign_in_by_name_in_any_case_and_spacing(new_uow, people):
    _owner, _manager, cashier = people
    with new_uow() as uow:
        assert sign_in(uow, "  cATH ", "2468") == cashier


@pytest.mark.parametrize("typed", ["élodie", "ÉLODIE", " Élodie ", "élodie  ", "E\u0301lodie"])
def test_accented_names_match_whatever_the_case_on_both_databases(new_uow, people, typed):
    """SQLite's lower() folds only ASCII: names are compared with Unicode case-folding."""
    owner, *_ = people
    elodie = staff(new_uow, "Élodie", Role.CASHIER, "1357", by=owner)
    with new_uow() as uow:
        assert sign_in(uow, typed, "1357") == elodie


def test_an_accented_name_keeps_the_lockout_and_the_same_refusal(db, new_uow, people):
    owner, *_ = people
    staff(new_uow, "Élodie", Role.CASHIER, "1357", by=owner)
    for _ in range(LOCK_AFTER - 1):
        with new_uow() as uow, pytest.raises(WrongPin, match=NO_MATCH):
            sign_in(uow, "ÉLODIE", "0000")
    assert stored(db, "failed_pins", "Élodie") == LOCK_AFTER - 1
    with new_uow() as uow, pytest.raises(WrongPin, match=NO_MATCH):
        sign_in(uow, "élodie", "0000")
    with new_uow() as uow, pytest.raises(WrongPin, match="Too many wrong PINs"):
        sign_in(uow, "élodie", "1357")
    with new_uow() as uow, pytest.raises(WrongPin, match=NO_MATCH):
        sign_in(uow, "élodiee", "1357")


def test_an_unknown_name_costs_the_same_pin_check_as_a_wrong_pin(new_uow, people, monkeypatch):
    """The timing equaliser: an unknown (or accented, unmatched) name still checks a hash."""
    import pos_app.services.staff as staff_service

    checked: list[str] = []
    real = staff_service.pin_matches
    monkeypatch.setattr(
        staff_service, "pin_matches", lambda pin, h: checked.append(h) or real(pin, h)
    )
    for name in ["Cath", "Çath", "Nobody"]:
        with new_uow() as uow, pytest.raises(WrongPin, match=NO_MATCH):
            sign_in(uow, name, "9999")
    assert len(checked) == 3
    assert checked[1] == checked[2] == staff_service._dummy_hash()  # noqa: SLF001


def test_an_unknown_name_and_a_wrong_pin_get_the_same_message(new_uow, people):
    messages = set()
    for name, pin in [("Cath", "9999"), ("Nobody", "2468"), ("Nobody", "9999")]:
        with new_uow() as uow, pytest.raises(WrongPin) as refused:
            sign_in(uow, name, pin)
        messages.add(str(refused.value))
    assert messages == {NO_MATCH}


def test_a_switched_off_person_cannot_sign_in(new_uow, people):
    owner, _, cashier = people
    with new_uow() as uow:
        set_active(uow, owner, cashier.staff_id, False)
    with new_uow() as uow, pytest.raises(WrongPin, match=NO_MATCH):
        sign_in(uow, "Cath", "2468")
    with new_uow() as uow:
        set_active(uow, owner, cashier.staff_id, True)
    with new_uow() as uow:
        assert sign_in(uow, "Cath", "2468") == cashier


def test_locked_out_after_five_wrong_pins_and_reset_on_success(db, new_uow, people):
    for attempt in range(1, LOCK_AFTER):
        with new_uow() as uow, pytest.raises(WrongPin, match=NO_MATCH):
            sign_in(uow, "Cath", "0000")
        assert stored(db, "failed_pins", "Cath") == attempt
    # a right PIN before the limit clears the count
    with new_uow() as uow:
        sign_in(uow, "Cath", "2468")
    assert stored(db, "failed_pins", "Cath") == 0
    for _ in range(LOCK_AFTER):
        with new_uow() as uow, pytest.raises(WrongPin):
            sign_in(uow, "Cath", "0000")
    assert stored(db, "locked_until", "Cath") is not None
    # locked: even the right PIN is refused, and says for how long
    with new_uow() as uow, pytest.raises(WrongPin, match=r"Too many wrong PINs: try again in 5 "):
        sign_in(uow, "Cath", "2468")
    # someone else is not affected
    with new_uow() as uow:
        assert sign_in(uow, "Mark", "5678").name == "Mark"
    # once the lock has passed, the right PIN signs in and clears it
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE staff SET locked_until = :past WHERE name = 'Cath'"),
            {"past": "2000-01-01 00:00:00"},
        )
    with new_uow() as uow:
        assert sign_in(uow, "Cath", "2468").name == "Cath"
    assert stored(db, "locked_until", "Cath") is None
    assert stored(db, "failed_pins", "Cath") == 0


def test_an_owner_resets_a_pin_and_the_lockout_with_it(db, new_uow, people):
    owner, _, cashier = people
    for _ in range(LOCK_AFTER):
        with new_uow() as uow, pytest.raises(WrongPin):
            sign_in(uow, "Cath", "0000")
    with new_uow() as uow:
        change_pin(uow, owner, cashier.staff_id, "1357")
    with new_uow() as uow:
        assert sign_in(uow, "Cath", "1357") == cashier
    assert audit(db)[-1][1:4] == ("staff.pin", "Cath", owner.staff_id)


# -- roles are enforced by the services -------------------------------------------------------
def test_a_cashier_needs_a_managers_approval_and_the_audit_row_names_the_approver(
    db, new_uow, people
):
    _owner, manager, cashier = people
    before = audit(db)
    with new_uow() as uow, pytest.raises(PermissionDenied, match="Cath may not open the drawer"):
        record_drawer_opening(uow, cashier, "Till 1", "change for the float")
    assert audit(db) == before  # refused: nothing written
    with new_uow() as uow:
        approval = approve(uow, "mark", "5678", Permission.OPEN_DRAWER)
    assert approval == Approval(manager, Permission.OPEN_DRAWER)
    with new_uow() as uow:
        seq = record_drawer_opening(uow, cashier, "Till 1", "change for the float", approval)
    row = audit(db)[-1]
    assert row == (seq, "override", "drawer.open", cashier.staff_id, manager.staff_id)
    # a manager may do it without anyone's approval
    with new_uow() as uow:
        record_drawer_opening(uow, manager, "Till 1", "no sale")
    assert audit(db)[-1][3:] == (manager.staff_id, None)


def test_an_approval_counts_only_for_what_was_approved(new_uow, people):
    _owner, manager, cashier = people
    refund_approval = Approval(manager, Permission.REFUND)
    with new_uow() as uow, pytest.raises(PermissionDenied):
        record_drawer_opening(uow, cashier, "Till 1", "", refund_approval)


def test_a_cashier_cannot_approve_and_a_wrong_pin_approves_nothing(new_uow, people):
    with new_uow() as uow, pytest.raises(PermissionDenied, match="Cath may not void a sale"):
        approve(uow, "Cath", "2468", Permission.VOID_SALE)
    with new_uow() as uow, pytest.raises(WrongPin, match=NO_MATCH):
        approve(uow, "Mark", "0000", Permission.VOID_SALE)
    with new_uow() as uow, pytest.raises(PermissionDenied, match="Mark may not manage staff"):
        approve(uow, "Mark", "5678", Permission.MANAGE_STAFF)  # owners only


def test_only_an_owner_manages_staff(db, new_uow, people):
    owner, manager, cashier = people
    before = snapshot(db)
    for actor in (manager, cashier):
        with new_uow() as uow, pytest.raises(PermissionDenied):
            add_staff(uow, actor, "Eve", Role.OWNER, "1111")
        with new_uow() as uow, pytest.raises(PermissionDenied):
            set_active(uow, actor, owner.staff_id, False)
        with new_uow() as uow, pytest.raises(PermissionDenied):
            change_pin(uow, actor, owner.staff_id, "1111")
    with new_uow() as uow, pytest.raises(PermissionDenied, match=ALREADY_OWNED):
        add_staff(uow, None, "Eve", Role.OWNER, "1111")  # nobody signed in, store not empty
    assert snapshot(db) == before
    # anyone may change their own PIN
    with new_uow() as uow:
        change_pin(uow, cashier, cashier.staff_id, "8642")
    with new_uow() as uow:
        assert sign_in(uow, "Cath", "8642") == cashier


def test_the_first_person_is_the_owner_whatever_role_was_asked(db, new_uow):
    with new_uow() as uow:
        first = add_staff(uow, None, "Pat", Role.CASHIER, "1234")
    assert first.role == Role.OWNER
    assert audit(db) == [(1, "staff.add", "Pat", first.staff_id, None)]


def test_a_second_first_owner_is_refused_and_changes_nothing(db, new_uow):
    with new_uow() as uow:
        first = add_staff(uow, None, "Pat", Role.OWNER, "1234")
    before = snapshot(db)
    with new_uow() as uow, pytest.raises(PermissionDenied) as refused:
        add_staff(uow, None, "Quinn", Role.OWNER, "5678")
    assert str(refused.value) == ALREADY_OWNED == "The store already has an owner: sign in as them."
    assert snapshot(db) == before
    with new_uow() as uow:
        assert sign_in(uow, "Pat", "1234") == first


def test_two_tills_creating_the_first_owner_at_once_make_one_owner(db, new_uow):
    """The first till stops just before committing; the second, checking for an empty
    store meanwhile, must wait for it (the advisory lock on PostgreSQL, the write lock on
    SQLite) and is then refused, rather than becoming a second owner."""
    ready, go = threading.Event(), threading.Event()

    def first_till():  # noqa: ANN202
        with GatedUnitOfWork(db.writer, ready, go) as uow:
            return add_staff(uow, None, "Pat", Role.OWNER, "1234")

    def second_till():  # noqa: ANN202
        with new_uow() as uow:
            return add_staff(uow, None, "Quinn", Role.OWNER, "5678")

    first = Worker(first_till)
    first.start()
    assert ready.wait(20)  # the first till counted nobody and holds the lock
    second = Worker(second_till)
    second.start()
    time.sleep(0.5)
    assert second.is_alive(), ("the second till must wait for the first", second.error)
    if db.backend == "postgresql":
        assert waiting_on_a_lock(db) == 1
    go.set()
    first.join(20)
    second.join(20)
    assert first.error is None, first.error
    assert isinstance(second.error, PermissionDenied), second.error
    assert str(second.error) == ALREADY_OWNED
    with db.reader() as session:
        rows = session.execute(text("SELECT name, role FROM staff")).all()
    assert [tuple(r) for r in rows] == [("Pat", "owner")]
    assert [a[1:3] for a in audit(db)] == [("staff.add", "Pat")]


@pytest.mark.postgres
def test_tills_racing_freely_for_the_first_owner_make_exactly_one(pg_db):
    db = pg_db
    names = ["Ann", "Ben", "Cy", "Di"]
    start = threading.Barrier(len(names))

    def till(name: str):  # noqa: ANN202
        def work():  # noqa: ANN202
            with UnitOfWork(db.writer) as uow:
                start.wait(20)
                return add_staff(uow, None, name, Role.OWNER, "1234")

        return Worker(work)

    workers = [till(name) for name in names]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    winners = [w.result for w in workers if w.error is None]
    refused = [w.error for w in workers if w.error is not None]
    assert len(winners) == 1, [w.error for w in workers]
    assert all(isinstance(e, PermissionDenied) and str(e) == ALREADY_OWNED for e in refused)
    with db.reader() as session:
        assert session.execute(text("SELECT name FROM staff")).scalars().all() == [winners[0].name]


def test_names_are_unique_whatever_the_case(new_uow, people):
    owner, *_ = people
    with new_uow() as uow, pytest.raises(InvalidInput, match="already someone called cath"):
        add_staff(uow, owner, "cath", Role.CASHIER, "1111")


@pytest.mark.parametrize("again", ["ÉLODIE", "élodie", "  Élodie", "E\u0301LODIE"])
def test_accented_names_are_unique_whatever_the_case_on_both_databases(db, new_uow, people, again):
    owner, *_ = people
    staff(new_uow, "Élodie", Role.CASHIER, "1357", by=owner)
    before = snapshot(db)
    with new_uow() as uow, pytest.raises(InvalidInput, match="already someone called"):
        add_staff(uow, owner, again, Role.CASHIER, "1111")
    assert snapshot(db) == before


def test_names_that_fold_alike_from_before_sign_in_by_their_exact_spelling(db, new_uow, people):
    """Two such names may exist from when SQLite compared only ASCII: the exact spelling
    picks one, and a spelling matching both matches nobody rather than a guess."""
    owner, *_ = people
    first = staff(new_uow, "Élodie", Role.CASHIER, "1357", by=owner)
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO staff (name, role, pin_hash, active, failed_pins, created_at) "
                "SELECT 'ÉLODIE', role, pin_hash, active, 0, created_at FROM staff "
                "WHERE name = 'Élodie'"
            )
        )
    with new_uow() as uow:
        assert sign_in(uow, "Élodie", "1357") == first
    with new_uow() as uow:
        assert sign_in(uow, "ÉLODIE", "1357").name == "ÉLODIE"
    with new_uow() as uow, pytest.raises(WrongPin, match=NO_MATCH):
        sign_in(uow, "élodie", "1357")


def test_an_owner_cannot_switch_themselves_off(new_uow, people):
    owner, *_ = people
    with new_uow() as uow, pytest.raises(InvalidInput, match="cannot switch yourself off"):
        set_active(uow, owner, owner.staff_id, False)


def test_store_lists_staff_without_pins(store_and_people):
    store, _people = store_and_people
    rows = store.staff_rows()
    assert [(r.name, r.role, r.active) for r in rows] == [
        ("Cath", "cashier", True),
        ("Mark", "manager", True),
        ("Olive", "owner", True),
    ]
    assert not any("scrypt" in repr(r) for r in rows)
    assert [r.name for r in store.staff_rows(active_only=True)] == ["Cath", "Mark", "Olive"]


@pytest.fixture
def store_and_people(db, people):
    return Store(db), people


# -- the audit log ----------------------------------------------------------------------------
def test_every_staff_change_is_audited_and_the_chain_verifies(db, new_uow, people):
    owner, _manager, cashier = people
    with new_uow() as uow:
        set_active(uow, owner, cashier.staff_id, False)
    with new_uow() as uow:
        change_pin(uow, owner, cashier.staff_id, "1111")
    actions = [(a, s, who) for _seq, a, s, who, _ in audit(db)]
    assert actions == [
        ("staff.add", "Olive", owner.staff_id),
        ("staff.add", "Mark", owner.staff_id),
        ("staff.add", "Cath", owner.staff_id),
        ("staff.inactive", "Cath", owner.staff_id),
        ("staff.pin", "Cath", owner.staff_id),
    ]
    store = Store(db)
    assert store.verify_audit() == (5, [])
    rows = store.audit_rows(limit=2, offset=1)
    assert [(r.seq, r.staff_name) for r in rows] == [(4, "Olive"), (3, "Olive")]
    assert store.count_audit() == 5


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET subject = 'x'", "DELETE FROM audit_log"])
def test_the_database_refuses_to_change_the_audit_log(db, people, statement):
    before = audit(db)
    with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.execute(text(statement))
    assert audit(db) == before


def test_the_chain_finds_an_edited_row_a_gap_and_a_missing_last_row(db, people):
    store = Store(db)
    behind_the_triggers(db, "UPDATE audit_log SET details = '{\"role\":\"owner\"}' WHERE seq = 3")
    _, problems = store.verify_audit()
    assert problems == ["audit log: row 3 (staff.add) was changed"]
    behind_the_triggers(db, "DELETE FROM audit_log WHERE seq = 2")
    _, problems = store.verify_audit()
    assert "audit log: rows 2–2 are missing" in problems
    behind_the_triggers(db, "DELETE FROM audit_log WHERE seq = 3")
    _, problems = store.verify_audit()
    assert "audit log: 3 rows were written but the log ends at row 1" in problems


# -- junk ---------------------------------------------------------------------------------------
def test_junk_names_and_pins_are_refused_with_a_sentence(db, new_uow, people):
    owner, *_ = people
    before = snapshot(db)

    @JUNK
    @given(name=nasty_text, pin=st.one_of(nasty_text, st.sampled_from(["", "1", "١٢٣٤", "1234\x00"])))
    def sign_in_with(name, pin):  # noqa: ANN001
        with new_uow() as uow:
            try:
                member = sign_in(uow, name, pin)
            except PosError as exc:
                assert is_sentence(str(exc)), repr(str(exc))
            else:  # only a real person with their real PIN gets in
                assert (member.name, pin.strip()) in {("Olive", "25801397"), ("Mark", "5678"), ("Cath", "2468")}

    sign_in_with()

    @JUNK
    @given(name=nasty_text, role=nasty_text, pin=nasty_text)
    def add_with(name, role, pin):  # noqa: ANN001
        with new_uow() as uow:
            try:
                add_staff(uow, owner, name, role, pin)
            except PosError as exc:
                assert is_sentence(str(exc)), repr(str(exc))
            else:
                raise AssertionError(f"added {name!r} as {role!r}")  # never a valid role+PIN

    add_with()
    after = snapshot(db)
    # wrong PINs may have been counted against real people; nothing else changed
    for table in after:
        if table != "staff":
            assert after[table] == before[table], table


@pytest.mark.parametrize("actor", [None, "Olive", 3, StaffMember(99, "Ghost", "cashier")])
def test_odd_actors_are_refused(new_uow, people, actor):
    with new_uow() as uow, pytest.raises(PermissionDenied):
        set_active(uow, actor, 2, False)
