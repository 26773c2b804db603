"""Command-line verbs (stable: support staff and tests rely on them).

pos-app                     start the till (GUI)
pos-app db upgrade          apply database migrations
pos-app demo-data           load the demo store into an empty database
pos-app check [--json]      verify stock, journal and receipt invariants and the audit chain
pos-app staff add --name N --role R [--by OWNER]
                            add a person; PINs are read from stdin or asked for, never argv
pos-app staff list          who works here
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from . import __version__
from .config import database_url, describe_url, setup_logging
from .domain.errors import PosError

log = logging.getLogger("pos_app")


def _parser() -> argparse.ArgumentParser:
    url_help = "database URL (default: $POS_DATABASE_URL, else SQLite in the user data folder)"
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database-url", default=argparse.SUPPRESS, help=url_help)

    parser = argparse.ArgumentParser(prog="pos-app", description="Point of sale.", parents=[common])
    parser.add_argument("--version", action="version", version=f"pos-app {__version__}")
    parser.add_argument("--self-test", action="store_true", help="check the installation and exit")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")

    db = verbs.add_parser("db", help="database maintenance", parents=[common])
    db_verbs = db.add_subparsers(dest="db_verb", metavar="ACTION", required=True)
    db_verbs.add_parser("upgrade", help="apply migrations", parents=[common])
    revision = db_verbs.add_parser(
        "revision", help="(developers) write a new migration", parents=[common]
    )
    revision.add_argument("-m", "--message", required=True)
    revision.add_argument("--autogenerate", action="store_true")

    verbs.add_parser(
        "demo-data", help="load the demo store into an empty database", parents=[common]
    )
    check = verbs.add_parser("check", help="verify the store's invariants", parents=[common])
    check.add_argument("--json", action="store_true", help="print one JSON object")

    staff = verbs.add_parser("staff", help="the people who work the tills", parents=[common])
    staff_verbs = staff.add_subparsers(dest="staff_verb", metavar="ACTION", required=True)
    add = staff_verbs.add_parser(
        "add",
        help="add a person (the first one is the store's owner)",
        description="Add a person. The PIN is asked for (or read from standard input, one "
        "per line: the owner's PIN first when --by is given, then the new PIN); "
        "it is never taken from the command line, where other users could see it.",
        parents=[common],
    )
    add.add_argument("--name", required=True, help="as they will sign in")
    add.add_argument(
        "--role", default="cashier", choices=["cashier", "manager", "owner"], type=str.lower
    )
    add.add_argument("--by", metavar="OWNER", help="an owner's name (once the store has staff)")
    staff_verbs.add_parser("list", help="who works here", parents=[common])
    return parser


def open_database(url: str, *, migrate: bool = True, must_exist: bool = False):  # noqa: ANN201
    """Connect (and migrate), or raise DatabaseUnavailable with a sentence, not a traceback."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, DBAPIError

    from .domain.errors import DatabaseUnavailable
    from .persistence.engine import Database
    from .persistence.migrate import ensure_up_to_date

    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and must_exist:
            path = parsed.database or ""
            if path in ("", ":memory:") or not Path(path).is_file():
                raise DatabaseUnavailable(f"There is no database file at {path or '(none)'}.")
        db = Database.connect(url)
    except (ArgumentError, ImportError, ValueError) as exc:
        # not echoing the URL: one that does not parse may still hold a password
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DatabaseUnavailable(
            f"The database URL is not usable ({reason}): expected e.g. "
            "sqlite:///path/to/pos.sqlite3 or postgresql+psycopg2://user@host/dbname."
        ) from exc
    try:
        with db.engine.connect():
            pass
        if migrate:
            ensure_up_to_date(db.engine)
    except ValueError as exc:  # e.g. a NUL in an SQLite path, refused by the driver
        db.dispose()
        raise DatabaseUnavailable(f"Cannot open the database {describe_url(url)}: {exc}") from exc
    except DBAPIError as exc:
        db.dispose()
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise DatabaseUnavailable(
            f"Cannot open the database {describe_url(url)}: {reason}"
        ) from exc
    return db


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    setup_logging()
    url = database_url(getattr(args, "database_url", None))
    try:
        if args.self_test:
            from .self_test import run_self_test

            return run_self_test()
        if args.verb is None:
            from .ui.app import run_gui

            return run_gui(url)
        if args.verb == "db":
            return _db(args, url)
        if args.verb == "demo-data":
            return _demo_data(url)
        if args.verb == "check":
            return _check(url, as_json=args.json)
        if args.verb == "staff":
            return _staff(args, url)
    except PosError as exc:
        print(f"pos-app: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - the one place a surprise becomes a message
        log.exception("pos-app %s failed", args.verb or "gui")
        print(
            f"pos-app: unexpected error ({exc.__class__.__name__}: {exc}); see the log.",
            file=sys.stderr,
        )
        return 3
    return 0


def _db(args: argparse.Namespace, url: str) -> int:
    if args.db_verb == "upgrade":
        from .persistence.migrate import current_revision, upgrade

        db = open_database(url, migrate=False)  # a junk URL is a sentence, not a traceback
        upgrade(db.engine)
        print(f"Database {describe_url(url)} is at revision {current_revision(db.engine)}.")
        db.dispose()
        return 0
    from alembic import command

    from .persistence.migrate import alembic_config

    command.revision(alembic_config(url), message=args.message, autogenerate=args.autogenerate)
    return 0


def _demo_data(url: str) -> int:
    from .repositories import UnitOfWork
    from .services.demo_data import load_demo_store

    db = open_database(url)
    try:
        loaded = load_demo_store(lambda: UnitOfWork(db.writer))
    finally:
        db.dispose()
    print("Demo store loaded." if loaded else "The store already has products; nothing loaded.")
    return 0


def _check(url: str, *, as_json: bool) -> int:
    from .persistence.migrate import head_revision, is_up_to_date
    from .services.integrity import CheckReport, run_check

    db = open_database(url, migrate=False, must_exist=True)
    try:
        if not is_up_to_date(db.engine):
            report = CheckReport(
                problems=[
                    f"The database schema is not at revision {head_revision()}: run 'pos-app db upgrade'."
                ],
                counts={"products": 0, "sales": 0, "journal_transactions": 0},
            )
        else:
            with db.reader() as session:
                report = run_check(session)
    finally:
        db.dispose()
    if as_json:
        print(json.dumps(report.as_dict()))
    else:
        print(report.summary())
        for problem in report.problems:
            print(f"  - {problem}")
    return 0 if report.ok else 1


def _pin_reader():  # noqa: ANN202
    """Prompts on a terminal (getpass, nothing echoed); otherwise one line per PIN from
    standard input, for scripts. PINs never come from argv (``ps`` shows it to everyone)."""
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        return getpass.getpass, True
    lines = iter(sys.stdin.read().splitlines() if sys.stdin is not None else [])
    return (lambda _prompt: next(lines, "").strip()), False


def _staff(args: argparse.Namespace, url: str) -> int:
    from .domain.errors import InvalidInput
    from .repositories import UnitOfWork
    from .services.staff import add_staff, sign_in
    from .services.store import Store

    db = open_database(url)
    try:
        if args.staff_verb == "list":
            rows = Store(db).staff_rows()
            if not rows:
                print("Nobody works here yet: add the owner with 'pos-app staff add'.")
            for row in rows:
                status = "active" if row.active else "switched off"
                print(f"{row.name}\t{row.role}\t{status}")
            return 0
        read_pin, interactive = _pin_reader()
        actor = None
        if args.by:
            with UnitOfWork(db.writer) as uow:
                actor = sign_in(uow, args.by, read_pin(f"{args.by}'s PIN: "))
        pin = read_pin(f"PIN for {args.name}: ")
        if interactive and read_pin("The same PIN again: ") != pin:
            raise InvalidInput("The two PINs differ; nobody was added.", "pin")
        with UnitOfWork(db.writer) as uow:
            if actor is None and uow.staff.count() > 0:
                raise InvalidInput(
                    "The store has staff already: add people --by an owner (whose PIN is asked).",
                    "by",
                )
            member = add_staff(uow, actor, args.name, args.role, pin)
    finally:
        db.dispose()
    note = "" if member.role.value == args.role else " (the first person of a store is its owner)"
    print(f"Added {member.name} as {member.role.value}{note}.")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
