"""``pos-app --self-test`` (what installers and the build check run) passes from source."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from pos_app.self_test import use_offscreen_without_display

EXPECTED_CHECKS = [
    "database and migrations",
    "bundled resources",
    "qt application",
    "icons",
    "main window",
    "demo data",
    "till opened",
    "sale rolled back",
    "sale confirmed and store check",
    "postgresql driver",
]


@pytest.fixture
def self_test_run(tmp_path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        POS_DATA_DIR=str(tmp_path / "data"),
        POS_LOG_DIR=str(tmp_path / "logs"),
        ESCPOS_CAPABILITIES_PICKLE_DIR=str(tmp_path),
    )
    env.pop("POS_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "pos_app", "--self-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_self_test_passes_with_one_line_per_check(self_test_run, tmp_path):
    out = self_test_run.stdout
    assert self_test_run.returncode == 0, out + self_test_run.stderr
    lines = out.splitlines()
    for name in EXPECTED_CHECKS:
        assert any(line.startswith(f"ok   {name}") for line in lines), (
            f"no 'ok   {name}' in:\n{out}"
        )
    assert not [line for line in lines if line.startswith("FAIL")]
    assert "Traceback" not in out + self_test_run.stderr
    assert lines[-1].startswith("self-test passed")
    # It ran on a throw-away database: the user's data folder holds no database.
    assert not list((tmp_path / "data").glob("*.sqlite3"))


def test_self_test_reports_a_failure_without_a_traceback(tmp_path):
    """A broken check prints FAIL and exits non-zero (here: the demo data is unreadable)."""
    code = (
        "import sys\n"
        "import pos_app.services.demo_data as d\n"
        "def broken(new_uow):\n"
        "    raise OSError('disk on fire')\n"
        "d.load_demo_store = broken\n"
        "from pos_app.self_test import run_self_test\n"
        "sys.exit(run_self_test())\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", POS_LOG_DIR=str(tmp_path / "logs"))
    env["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "FAIL demo data: OSError: disk on fire" in result.stdout
    assert "FAIL sale rolled back: skipped, needs demo" in result.stdout
    assert "ok   postgresql driver" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("platform", "environ", "expected"),
    [
        ("linux", {}, "offscreen"),
        ("linux", {"DISPLAY": ":0"}, None),
        ("linux", {"WAYLAND_DISPLAY": "wayland-0"}, None),
        ("linux", {"QT_QPA_PLATFORM": "xcb"}, "xcb"),
        ("win32", {}, None),
        ("darwin", {}, None),
    ],
)
def test_offscreen_only_without_a_display(monkeypatch, platform, environ, expected):
    monkeypatch.setattr(sys, "platform", platform)
    env = dict(environ)
    use_offscreen_without_display(env)
    assert env.get("QT_QPA_PLATFORM") == expected
