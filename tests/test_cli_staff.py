"""`pos-app staff add/list` (PINs from a prompt or stdin, never argv) and `pos-app check`
finding a tampered audit log and till sales outside their session, on both backends."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import text

from pos_app.cli import main
from pos_app.domain.errors import WrongPin
from pos_app.domain.staff import Role
from pos_app.domain.tender import Tender, TenderKind
from pos_app.persistence.engine import Database
from pos_app.repositories import UnitOfWork
from pos_app.services.sale import Checkout
from pos_app.services.staff import sign_in
from pos_app.services.till import close_till
from tests.factories import open_shift, product, staff
from tests.tampering import behind_the_triggers


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def check_json(capsys, url: str) -> tuple[int, dict]:
    code, out, _ = run(capsys, "--database-url", url, "check", "--json")
    return code, json.loads(out)


def typed(monkeypatch, text_in: str) -> None:
    """What a script pipes in (not a terminal)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(text_in))


# -- pos-app staff ------------------------------------------------------------------------------
def test_the_first_owner_from_the_command_line(capsys, monkeypatch, db, db_url, new_uow):
    code, out, _ = run(capsys, "--database-url", db_url, "staff", "list")
    assert code == 0 and out.startswith("Nobody works here yet")
    typed(monkeypatch, "2580\n")
    code, out, err = run(
        capsys, "--database-url", db_url, "staff", "add", "--name", "Olive", "--role", "owner"
    )
    assert code == 0, err
    assert out.strip() == "Added Olive as owner."
    with new_uow() as uow:
        assert sign_in(uow, "Olive", "2580").role == Role.OWNER
    code, out, _ = run(capsys, "--database-url", db_url, "staff", "list")
    assert out.splitlines() == ["Olive\towner\tactive"]


def test_later_staff_need_an_owner_and_their_pin(capsys, monkeypatch, db, db_url, new_uow):
    staff(new_uow, "Olive", Role.OWNER, "2580")
    typed(monkeypatch, "1111\n")
    code, _out, err = run(capsys, "--database-url", db_url, "staff", "add", "--name", "Anna")
    assert code == 2 and "--by an owner" in err
    typed(monkeypatch, "0000\n1111\n")  # a wrong owner PIN
    code, _out, err = run(
        capsys, "--database-url", db_url, "staff", "add", "--name", "Anna", "--by", "Olive"
    )
    assert code == 2 and "do not match" in err
    typed(monkeypatch, "2580\n1111\n")
    code, out, err = run(
        capsys,
        "--database-url", db_url,
        "staff", "add", "--name", "Anna", "--role", "Manager", "--by", "olive",
    )
    assert code == 0, err
    assert out.strip() == "Added Anna as manager."
    with new_uow() as uow:
        assert sign_in(uow, "anna", "1111").role == Role.MANAGER
    code, out, _ = run(capsys, "--database-url", db_url, "staff", "list")
    assert out.splitlines() == ["Anna\tmanager\tactive", "Olive\towner\tactive"]


def test_a_first_person_asked_as_cashier_becomes_the_owner(capsys, monkeypatch, db_url):
    typed(monkeypatch, "2580\n")
    code, out, _ = run(capsys, "--database-url", db_url, "staff", "add", "--name", "Pat")
    assert code == 0
    assert out.strip() == "Added Pat as owner (the first person of a store is its owner)."


def test_the_pin_is_never_an_argument(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["staff", "add", "--name", "Olive", "--pin", "2580"])
    assert exited.value.code == 2
    with pytest.raises(SystemExit):
        main(["staff", "add", "--name", "Olive", "--role", "boss"])
    capsys.readouterr()


def test_on_a_terminal_the_pin_is_asked_twice_without_echo(capsys, monkeypatch, db_url, new_uow):
    import getpass

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    answers = iter(["2580", "2581"])
    prompts = []

    def ask(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr(getpass, "getpass", ask)
    code, _out, err = run(capsys, "--database-url", db_url, "staff", "add", "--name", "Olive")
    assert code == 2 and "The two PINs differ" in err
    assert prompts == ["PIN for Olive: ", "The same PIN again: "]
    answers = iter(["2580", "2580"])
    code, out, err = run(capsys, "--database-url", db_url, "staff", "add", "--name", "Olive")
    assert code == 0, err
    with new_uow() as uow:
        assert sign_in(uow, "Olive", "2580").name == "Olive"


@pytest.mark.parametrize("pin", ["", "12", "abcd", "١٢٣٤"])
def test_a_bad_pin_from_stdin_is_a_sentence(capsys, monkeypatch, db_url, pin):
    typed(monkeypatch, pin + "\n")
    code, _out, err = run(capsys, "--database-url", db_url, "staff", "add", "--name", "Olive")
    assert code == 2 and err.strip() == "pos-app: A PIN is 4 to 8 digits."


def test_python_dash_m_staff_add_reads_the_pin_from_a_pipe(tmp_path):
    url = f"sqlite:///{tmp_path / 'pipe.sqlite3'}"
    env = {
        **os.environ,
        "POS_DATA_DIR": str(tmp_path / "data"),
        "POS_LOG_DIR": str(tmp_path / "logs"),
    }
    env.pop("POS_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "pos_app", "--database-url", url, "staff", "add", "--name", "Olive"],
        input="2580\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Added Olive as owner" in done.stdout
    db = Database.connect(url)
    try:
        with UnitOfWork(db.writer) as uow:
            assert sign_in(uow, "Olive", "2580").name == "Olive"
            with pytest.raises(WrongPin):
                sign_in(uow, "Olive", "0000")
    finally:
        db.dispose()


# -- pos-app check: the audit chain -------------------------------------------------------------
@pytest.fixture
def audited(new_uow):
    """Three audit rows: Olive added, Mark added, Till 1 opened."""
    owner = staff(new_uow, "Olive", Role.OWNER, "1234")
    staff(new_uow, "Mark", Role.MANAGER, "5678", by=owner)
    return open_shift(new_uow, till="Till 1", cashier=owner)


def test_check_is_clean_and_counts_the_audit_rows(capsys, db_url, audited):
    code, report = check_json(capsys, db_url)
    assert code == 0 and report["ok"], report["problems"]
    assert report["counts"]["audit_rows"] == 3
    assert report["counts"]["till_sessions"] == 1


def test_check_names_an_edited_audit_row(capsys, db, db_url, audited):
    behind_the_triggers(db, "UPDATE audit_log SET subject = 'Eve' WHERE seq = 2")
    code, out, _ = run(capsys, "--database-url", db_url, "check")
    assert code == 1
    listed = [line.removeprefix("  - ") for line in out.strip().splitlines()[1:]]
    assert listed == ["audit log: row 2 (staff.add) was changed"]


def test_check_finds_a_deleted_audit_row(capsys, db, db_url, audited):
    behind_the_triggers(db, "DELETE FROM audit_log WHERE seq = 2")
    code, report = check_json(capsys, db_url)
    assert code == 1
    assert "audit log: rows 2–2 are missing" in report["problems"]
    assert "audit log: row 3 does not follow the row before it" in report["problems"]


def test_check_finds_a_rewritten_chain_tail(capsys, db, db_url, audited):
    """Deleting the newest row leaves no gap, but the audit counter remembers it."""
    behind_the_triggers(db, "DELETE FROM audit_log WHERE seq = 3")
    code, report = check_json(capsys, db_url)
    assert code == 1
    assert report["problems"] == ["audit log: 3 rows were written but the log ends at row 2"]


# -- pos-app check: till sales ------------------------------------------------------------------
def sell(new_uow, shift) -> int:  # noqa: ANN001
    with new_uow() as uow:
        checkout = Checkout(uow, shift=shift)
        checkout.add("CHAI")
        receipt = checkout.confirm([Tender.card(checkout.totals().total)])
    return receipt.order_id


def tamper_orders(db: Database, sql: str, **params) -> None:  # noqa: ANN003
    with db.engine.begin() as conn:
        if db.backend == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")  # ignored inside BEGIN; harmless
        conn.execute(text(sql), params)


def test_check_finds_till_sales_outside_their_session(capsys, db, db_url, new_uow, audited):
    shift = audited
    product(new_uow, "CHAI", price=1000, stock=10)
    first, second, third = (sell(new_uow, shift) for _ in range(3))
    with new_uow() as uow:
        close_till(uow, shift.cashier, shift.session_id, {TenderKind.CASH: 0, TenderKind.CARD: 3600})
    code, report = check_json(capsys, db_url)
    assert code == 0, report["problems"]

    tamper_orders(db, "UPDATE orders SET staff_id = NULL WHERE id = :id", id=first)
    tamper_orders(
        db,
        "UPDATE orders SET completed_at = :at WHERE id = :id",
        id=second,
        at="2001-01-01 00:00:00",
    )
    tamper_orders(
        db,
        "UPDATE orders SET completed_at = :at WHERE id = :id",
        id=third,
        at="2999-01-01 00:00:00",
    )
    code, report = check_json(capsys, db_url)
    assert code == 1
    till_problems = [p for p in report["problems"] if p.startswith("Sale ")]
    assert till_problems[0] == f"Sale {first} (receipt 1) has a till session but no cashier."
    assert till_problems[1].startswith(
        f"Sale {second} (receipt 2) completed at 2001-01-01 00:00:00 UTC, outside till session "
        f"{shift.session_id} on Till 1 ("
    )
    assert till_problems[2].startswith(f"Sale {third} (receipt 3) completed at 2999-01-01")
    assert len(till_problems) == 3


def test_sales_from_before_till_sessions_are_fine(capsys, db, db_url, new_uow, audited):
    product(new_uow, "CHAI", price=1000, stock=10)
    order_id = sell(new_uow, audited)
    tamper_orders(
        db, "UPDATE orders SET staff_id = NULL, till_session_id = NULL WHERE id = :id", id=order_id
    )
    code, report = check_json(capsys, db_url)
    assert code == 0, report["problems"]
