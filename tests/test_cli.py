"""The command-line verbs support staff rely on: db upgrade, demo-data, check."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from pos_app.cli import main
from pos_app.domain.errors import TillClosed
from pos_app.domain.postings import STANDARD_CHART
from pos_app.domain.tender import Tender
from pos_app.persistence.engine import Database
from pos_app.persistence.migrate import head_revision
from pos_app.repositories import UnitOfWork
from pos_app.services.sale import Checkout
from pos_app.services.staff import sign_in
from pos_app.services.till import current_shift, open_till


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def check_json(capsys, url: str) -> tuple[int, dict]:
    code, out, _ = run(capsys, "--database-url", url, "check", "--json")
    lines = out.strip().splitlines()
    assert len(lines) == 1, out  # one JSON object, nothing else on stdout
    return code, json.loads(lines[0])


@pytest.fixture
def sqlite_file(tmp_path) -> tuple[Path, str]:
    path = tmp_path / "cli" / "store.sqlite3"
    path.parent.mkdir()
    return path, f"sqlite:///{path}"


def rows(url: str, sql: str) -> list[tuple]:
    db = Database.connect(url)
    try:
        with db.reader() as session:
            return [tuple(r) for r in session.execute(text(sql))]
    finally:
        db.dispose()


def test_db_upgrade_on_a_fresh_file_is_idempotent(capsys, sqlite_file):
    path, url = sqlite_file
    assert not path.exists()
    code, out, err = run(capsys, "--database-url", url, "db", "upgrade")
    assert code == 0, err
    assert path.exists()
    assert f"at revision {head_revision()}" in out
    first = rows(url, "SELECT code FROM accounts ORDER BY code")
    assert len(first) == len(STANDARD_CHART)
    code, out, err = run(capsys, "--database-url", url, "db", "upgrade")
    assert code == 0, err
    assert f"at revision {head_revision()}" in out
    assert rows(url, "SELECT code FROM accounts ORDER BY code") == first  # not seeded twice
    assert sorted(rows(url, "SELECT name, value FROM counters")) == [
        ("audit", 0),
        ("receipt", 0),
        ("refund", 0),
        ("z", 0),
    ]


def test_demo_data_loads_once_through_receivings(capsys, sqlite_file):
    _, url = sqlite_file
    code, out, err = run(capsys, "--database-url", url, "demo-data")
    assert code == 0, err
    assert "Demo store loaded." in out
    products = rows(url, "SELECT sku, barcode, stock_on_hand, unit_cost FROM products")
    assert len(products) >= 50
    assert all(barcode for _, barcode, _, _ in products)
    assert len({barcode for _, barcode, _, _ in products}) == len(products)
    assert all(stock > 0 and cost > 0 for _, _, stock, cost in products)
    assert rows(url, "SELECT count(*) FROM customers")[0][0] >= 5
    # opening stock arrived as receivings: every unit is a receiving movement, costed
    assert rows(url, "SELECT DISTINCT kind FROM stock_movements") == [("receiving",)]
    moved = dict(
        rows(
            url,
            "SELECT p.sku, sum(m.quantity) FROM stock_movements m "
            "JOIN products p ON p.id = m.product_id GROUP BY p.sku",
        )
    )
    assert moved == {sku: stock for sku, _, stock, _ in products}
    purchases = rows(url, "SELECT status, total_cost FROM purchases")
    assert purchases and all(status == "received" for status, _ in purchases)
    value = rows(url, "SELECT sum(stock_on_hand * unit_cost) FROM products")[0][0]
    assert sum(cost for _, cost in purchases) == value
    code, report = check_json(capsys, url)
    assert code == 0 and report["ok"], report["problems"]
    # three people to sign in as, so the till can be used straight away
    assert sorted(rows(url, "SELECT name, role, active FROM staff")) == [
        ("Cass", "cashier", 1),
        ("Max", "manager", 1),
        ("Olive", "owner", 1),
    ]
    db = Database.connect(url)
    try:
        for name, pin in [("Olive", "1234"), ("Max", "2345"), ("Cass", "3456")]:
            with UnitOfWork(db.writer) as uow:
                assert sign_in(uow, name, pin).name == name
    finally:
        db.dispose()

    before = {
        table: rows(url, f"SELECT count(*) FROM {table}")[0][0]
        for table in ("products", "customers", "purchases", "journal_transactions", "staff")
    }
    code, out, err = run(capsys, "--database-url", url, "demo-data")
    assert code == 0, err
    assert "nothing loaded" in out
    after = {table: rows(url, f"SELECT count(*) FROM {table}")[0][0] for table in before}
    assert after == before


def test_check_on_a_clean_store(capsys, sqlite_file):
    _, url = sqlite_file
    assert run(capsys, "--database-url", url, "demo-data")[0] == 0
    code, out, err = run(capsys, "--database-url", url, "check")
    assert code == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("OK:") and "no problems" in lines[0]
    n = rows(url, "SELECT count(*) FROM products")[0][0]
    assert f"{n} products" in lines[0]

    code, report = check_json(capsys, url)
    assert code == 0
    assert report["ok"] is True and report["problems"] == []
    counts = report["counts"]
    assert counts["products"] == n
    assert counts["sales"] == 0
    assert (
        counts["journal_transactions"]
        == rows(url, "SELECT count(*) FROM journal_transactions")[0][0]
    )
    assert counts["journal_transactions"] >= 2  # opening capital and the receivings


def test_check_on_an_empty_or_unmigrated_database(capsys, sqlite_file):
    path, url = sqlite_file
    sqlite3.connect(path).close()  # an empty file, never upgraded
    code, report = check_json(capsys, url)
    assert code == 1 and report["ok"] is False
    assert "db upgrade" in report["problems"][0]
    assert run(capsys, "--database-url", url, "db", "upgrade")[0] == 0
    code, report = check_json(capsys, url)
    assert code == 0 and report["ok"]
    assert report["counts"]["products"] == 0


def make_sales(url: str, count: int) -> None:
    """Sales on "Till 1" by the demo store's cashier, in its open session (opened if none)."""
    db = Database.connect(url)
    try:
        with UnitOfWork(db.writer) as uow:
            cass = sign_in(uow, "Cass", "3456")
        with UnitOfWork(db.writer) as uow:
            try:
                shift = current_shift(uow, cass, "Till 1")
            except TillClosed:
                shift = open_till(uow, cass, "Till 1", 10_000)
        for _ in range(count):
            with UnitOfWork(db.writer) as uow:
                checkout = Checkout(uow, shift=shift)
                checkout.add("NW-001")
                checkout.add("NW-002", 2)
                checkout.confirm([Tender.card(checkout.totals().total)])
    finally:
        db.dispose()


def tamper(path: Path, *statements: str) -> None:
    """Raw SQL behind the app's back (the sqlite3 module leaves foreign keys off)."""
    conn = sqlite3.connect(path)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def test_check_finds_tampering(capsys, sqlite_file):
    path, url = sqlite_file
    assert run(capsys, "--database-url", url, "demo-data")[0] == 0
    make_sales(url, 3)
    code, report = check_json(capsys, url)
    assert code == 0 and report["ok"], report["problems"]
    assert report["counts"]["sales"] == 3

    tamper(
        path,
        # stock changed without a movement
        "UPDATE products SET stock_on_hand = stock_on_hand + 5 WHERE sku = 'NW-003'",
        # an extra debit makes journal transaction 1 (opening capital) unbalanced
        "INSERT INTO journal_entries (transaction_id, account_id, debit, credit) "
        "SELECT 1, id, 123, 0 FROM accounts WHERE code = '1000'",
        # receipt 2 disappears: a gap in the numbers
        "DELETE FROM orders WHERE receipt_no = 2",
    )
    code, out, err = run(capsys, "--database-url", url, "check")
    assert code == 1, err
    summary, *listed = out.strip().splitlines()
    assert "problem(s)" in summary
    listed = [line.removeprefix("  - ") for line in listed]
    assert any(line.startswith("Product NW-003: stock on hand") for line in listed), listed
    assert any(line.startswith("Journal transaction 1:") for line in listed), listed
    assert any(line.startswith("Trial balance:") for line in listed), listed
    assert any("Receipt numbers are not gapless" in line for line in listed), listed

    code, report = check_json(capsys, url)
    assert code == 1 and report["ok"] is False
    assert sorted(report["problems"]) == sorted(listed)
    assert report["counts"]["sales"] == 2


def test_check_finds_a_missing_last_receipt(capsys, sqlite_file):
    path, url = sqlite_file
    assert run(capsys, "--database-url", url, "demo-data")[0] == 0
    make_sales(url, 2)
    tamper(path, "DELETE FROM orders WHERE receipt_no = 2")
    code, report = check_json(capsys, url)
    assert code == 1
    assert any("receipt counter is at 2" in p for p in report["problems"]), report["problems"]


def test_database_url_before_or_after_the_verb(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("POS_DATA_DIR", str(tmp_path / "data"))
    urls = [f"sqlite:///{tmp_path / name}.sqlite3" for name in "abcd"]
    assert run(capsys, "--database-url", urls[0], "db", "upgrade")[0] == 0
    assert run(capsys, "db", "--database-url", urls[1], "upgrade")[0] == 0
    assert run(capsys, "db", "upgrade", "--database-url", urls[2])[0] == 0
    assert run(capsys, "demo-data", "--database-url", urls[3])[0] == 0
    for name in "abcd":
        assert (tmp_path / f"{name}.sqlite3").exists()
    code, out, _ = run(capsys, "check", "--database-url", urls[3], "--json")
    assert code == 0 and json.loads(out)["counts"]["products"] >= 50
    code, out, _ = run(capsys, "--database-url", urls[3], "check", "--json")
    assert code == 0 and json.loads(out)["counts"]["products"] >= 50
    # nothing fell back to the default file
    assert not (tmp_path / "data").exists()


def test_pos_database_url_is_honoured_and_the_option_wins(capsys, tmp_path, monkeypatch):
    env_db = tmp_path / "from_env.sqlite3"
    option_db = tmp_path / "from_option.sqlite3"
    data_dir = tmp_path / "data"
    monkeypatch.setenv("POS_DATA_DIR", str(data_dir))
    monkeypatch.setenv("POS_DATABASE_URL", f"sqlite:///{env_db}")
    assert run(capsys, "db", "upgrade")[0] == 0
    assert env_db.exists() and not data_dir.exists()
    assert run(capsys, "--database-url", f"sqlite:///{option_db}", "demo-data")[0] == 0
    assert option_db.exists()
    code, out, _ = run(capsys, "check", "--json")
    assert code == 0 and json.loads(out)["counts"]["products"] == 0  # the env database


def test_default_database_lands_under_pos_data_dir(capsys, tmp_path, monkeypatch):
    data_dir = tmp_path / "data-home"
    monkeypatch.setenv("POS_DATA_DIR", str(data_dir))
    assert not data_dir.exists()
    code, out, _ = run(capsys, "db", "upgrade")
    assert code == 0
    assert (data_dir / "pos.sqlite3").exists()
    assert "pos.sqlite3" in out
    assert run(capsys, "demo-data")[0] == 0
    code, report = check_json(capsys, f"sqlite:///{data_dir / 'pos.sqlite3'}")
    assert code == 0 and report["counts"]["products"] >= 50


def test_bad_usage_and_unreachable_databases_are_reported(capsys, tmp_path):
    with pytest.raises(SystemExit) as exited:
        main(["no-such-verb"])
    assert exited.value.code == 2
    capsys.readouterr()
    # a folder that does not exist: a message on stderr, not a traceback
    url = f"sqlite:///{tmp_path / 'missing' / 'x.sqlite3'}"
    code, _out, err = run(capsys, "--database-url", url, "check")
    assert code != 0
    assert err.startswith("pos-app:") and "Traceback" not in err


def test_python_dash_m_pos_app(tmp_path):
    url = f"sqlite:///{tmp_path / 'sub.sqlite3'}"
    env = {
        **os.environ,
        "POS_DATA_DIR": str(tmp_path / "data"),
        "POS_LOG_DIR": str(tmp_path / "logs"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    env.pop("POS_DATABASE_URL", None)

    def pos(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pos_app", *argv],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )

    done = pos("--database-url", url, "demo-data")
    assert done.returncode == 0, done.stderr
    assert "Demo store loaded." in done.stdout
    done = pos("check", "--json", "--database-url", url)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] is True and report["counts"]["products"] >= 50
    tamper(tmp_path / "sub.sqlite3", "UPDATE products SET stock_on_hand = 0 WHERE id = 1")
    done = pos("--database-url", url, "check")
    assert done.returncode == 1
    assert "stock on hand 0" in done.stdout
    assert not (tmp_path / "data" / "pos.sqlite3").exists()


@pytest.mark.postgres
def test_demo_data_and_check_on_postgresql(capsys, pg_url):
    code, out, err = run(capsys, "--database-url", pg_url, "db", "upgrade")
    assert code == 0, err
    code, out, err = run(capsys, "--database-url", pg_url, "demo-data")
    assert code == 0, err
    assert "Demo store loaded." in out
    code, report = check_json(capsys, pg_url)
    assert code == 0 and report["ok"], report["problems"]
    assert report["counts"]["products"] >= 50
    make_sales(pg_url, 2)
    code, report = check_json(capsys, pg_url)
    assert code == 0 and report["counts"]["sales"] == 2
    assert run(capsys, "--database-url", pg_url, "demo-data")[1].strip().endswith("nothing loaded.")

    db = Database.connect(pg_url)
    try:
        with db.engine.begin() as conn:
            conn.execute(
                text("UPDATE products SET stock_on_hand = stock_on_hand + 1 WHERE sku = 'NW-010'")
            )
    finally:
        db.dispose()
    code, report = check_json(capsys, pg_url)
    assert code == 1
    assert report["problems"] == [
        p for p in report["problems"] if p.startswith("Product NW-010: stock on hand")
    ]
    assert len(report["problems"]) == 1
