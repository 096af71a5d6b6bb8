"""``leavebot doctor``, ``leavebot export`` and ``leavebot import-state``: running the bot in production.

``doctor`` checks what an installation depends on and says how to fix what is wrong (exit 1 when
something fails). ``export`` writes the whole organisation's state as JSON and ``import-state``
restores such a file into an empty database (see :mod:`storage.backup`); together they move an
organisation between SQLite and MySQL, or keep a portable backup beside the database's own dumps.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.settings import Settings, SettingsError
from core.domain.text import counted
from core.errors import LeaveError
from storage.engine import make_engine

EXIT_OK, EXIT_FAILED = 0, 1


def add_commands(commands: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    """Register the subcommands with ``bot.cli``'s ``add(name, handler, help, into=...)`` helper."""
    doctor = add("doctor", cmd_doctor, "check settings, database, migrations and every platform's credentials")
    # The settings are what doctor checks first, so a bad one is reported among the checks.
    doctor.set_defaults(on_settings_error=doctor_settings_error)
    export = add("export", cmd_export, "write the organisation's whole state as JSON (a portable backup)")
    export.add_argument("--out", type=Path, metavar="FILE", help="default: standard output")
    restore = add("import-state", cmd_import_state, "restore a `leavebot export` file into an empty database")
    restore.add_argument("file", type=Path, metavar="FILE")
    restore.add_argument("--replace", action="store_true",
                         help="clear a database that already holds data, in the same transaction")


def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    # Each check says in one line what failed; the client libraries' own retry chatter on stderr
    # would only bury that (``--debug`` still shows it).
    from bot.doctor import healthy, render, run_checks  # every platform's client library

    if not getattr(args, "debug", False):
        for name in ("slack_sdk", "msal", "google", "urllib3", "botframework"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
    checks = run_checks(settings)
    print(render(checks))
    return EXIT_OK if healthy(checks) else EXIT_FAILED


def doctor_settings_error(error: SettingsError) -> int:
    from bot.doctor import render, settings_failed

    print(render(settings_failed(error)))
    return EXIT_FAILED


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from storage.backup import BackupRefused, export_state

    engine = make_engine(settings.database_url)
    try:
        document = export_state(engine, datetime.now(UTC))
    except BackupRefused as error:
        raise LeaveError(f"export: {error}") from None
    finally:
        engine.dispose()
    text = json.dumps(document, ensure_ascii=False) + "\n"
    if args.out is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        _write_atomically(args.out, text)
    except OSError as error:
        raise LeaveError(f"export: cannot write {args.out}: {error.strerror or error}; nothing was written") from None
    rows = sum(len(table["rows"]) for table in document["tables"].values())
    print(f"{args.out}: {counted(rows, 'row')} of {counted(len(document['tables']), 'table')} at schema revision "
          f"{document['schema_revision']} (left out: {', '.join(document['skipped']) or 'nothing'}).")
    return EXIT_OK


def cmd_import_state(args: argparse.Namespace, settings: Settings) -> int:
    from storage.backup import BackupRefused, import_state
    from storage.migrate import upgrade

    name = str(args.file)
    try:
        document = json.loads(args.file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LeaveError(f"{name}: no such file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise LeaveError(f"{name}: not a JSON export ({error})") from None
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        summary = import_state(engine, document, replace=args.replace)
    except BackupRefused as error:
        raise LeaveError(f"{name}: {error}; nothing was written") from None
    finally:
        engine.dispose()
    tables = sum(1 for count in summary.rows.values() if count)
    print(f"{name}: restored {counted(summary.total, 'row')} into {counted(tables, 'table')} at schema revision "
          f"{summary.revision}.")
    return EXIT_OK


def _write_atomically(path: Path, text: str) -> None:
    """Write beside the target and rename, so that a failed export never leaves half a backup."""
    directory = path.resolve().parent
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
