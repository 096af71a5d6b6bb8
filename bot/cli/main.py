"""The ``leavebot`` command: serve the doors, chat in a terminal, and administer the data.

Each subcommand reads the settings once, builds the service through the composition root and
calls one use case. Failures become one line on stderr and an exit code a script can act on:
0 success, 1 the operation failed, 2 bad usage or bad input (README, "The leavebot command").

A command imports what only it needs (the doors, the server, the scheduler, the charts) inside its
handler, so that ``--help``, ``balance`` or ``chat`` start without loading them
(``tests/unit/test_cli_imports.py``).
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot.cli import adjust, audit, calendar, digest, link, ops, payroll, report
from bot.cli import output as out
from bot.cli.scheduler import add_commands as add_scheduler_commands
from bot.listening import PortInUse
from bot.observability.logs import configure_logging
from bot.observability.sentry import start_sentry
from bot.settings import Settings, SettingsError, door_states, load_settings
from core.domain.model import RequestStatus
from core.domain.text import counted
from core.errors import ImportRejected, LeaveError, PolicyError, UnknownEmployee
from core.service import Busy, DatabaseUnavailable, LeaveService

if TYPE_CHECKING:
    from bot.runtime import Runtime
    from bot.workers import Worker

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
SOURCE = "cli"


class UsageError(Exception):
    """Bad input noticed by the command itself (a missing file, a YAML syntax error)."""


Handler = Callable[[argparse.Namespace, Settings], int]


def main(argv: Sequence[str] | None = None) -> int:
    """Run one ``leavebot`` command and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    debug = bool(getattr(args, "debug", False))
    handler: Handler = args.handler
    try:
        settings = load_settings()
        configure_logging(settings, debug)
        start_sentry(settings)
        return handler(args, settings)
    except SettingsError as exc:
        if hasattr(args, "on_settings_error"):
            return int(args.on_settings_error(exc))
        return _fail(f"leavebot: {exc}", EXIT_USAGE, debug)
    except ImportRejected as exc:
        name = getattr(args, "file", "input")
        for line, reason in exc.problems:
            sys.stderr.write(f"{name}:{line}: {reason}\n")
        rows = len({line for line, _ in exc.problems})
        return _fail(f"{name}: import refused, nothing was written ({counted(rows, 'bad row')})",
                     EXIT_USAGE, debug)
    except PolicyError as exc:
        return _fail(f"{getattr(args, 'file', None) or 'default policy'}: {exc.message}", EXIT_USAGE, debug)
    except (Busy, DatabaseUnavailable) as exc:  # the input was fine; the operation could not be done now
        return _fail(exc.message, EXIT_FAILED, debug)
    except PortInUse as exc:
        return _fail(f"leavebot: {exc}", EXIT_FAILED, debug)
    except LeaveError as exc:
        return _fail(exc.message, EXIT_USAGE, debug)
    except UsageError as exc:
        return _fail(str(exc), EXIT_USAGE, debug)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        return _fail(f"leavebot: {type(exc).__name__}: {_first_line(exc)}", EXIT_FAILED, debug)


def build_parser() -> argparse.ArgumentParser:
    # ``--debug`` is accepted before or after the subcommand; SUPPRESS keeps a later default
    # from overwriting an earlier ``--debug``.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="log at debug level and show tracebacks")
    parser = argparse.ArgumentParser(
        prog="leavebot", parents=[common], description="Leave management for Slack, Teams and the terminal."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, handler: Handler, help_text: str, into: Any = commands) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = into.add_parser(name, parents=[common], help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    serve = add("serve", cmd_serve, "run the HTTP server (Slack, Teams, health)")
    serve.add_argument("--workers", type=_count_of_workers, metavar="N",
                       help="processes answering on the port (default: WORKERS, else one per CPU; 1 with Socket Mode)")
    add("demo", cmd_demo, "seed a demo organisation into an empty database, then serve")
    chat = add("chat", cmd_chat, "chat with the bot in this terminal as an employee")
    chat.add_argument("--as", dest="email", required=True, metavar="EMAIL", help="the employee's e-mail")

    db = commands.add_parser("db", help="database maintenance").add_subparsers(
        dest="db_command", required=True, metavar="ACTION")
    add("upgrade", cmd_db_upgrade, "apply database migrations", into=db)

    employees = commands.add_parser("employees", help="the employee directory").add_subparsers(
        dest="employees_command", required=True, metavar="ACTION")
    add("import", cmd_employees_import, "create or update employees from a CSV file", into=employees).add_argument(
        "file", metavar="FILE.csv")

    policies = commands.add_parser("policies", help="leave types, regions and company holidays").add_subparsers(
        dest="policies_command", required=True, metavar="ACTION")
    add("load", cmd_policies_load, "load a policy file (without FILE: the built-in default)",
        into=policies).add_argument("file", nargs="?", metavar="FILE.yaml")

    holidays = commands.add_parser("holidays", help="public holidays").add_subparsers(
        dest="holidays_command", required=True, metavar="ACTION")
    sync = add("sync", cmd_holidays_sync, "store a country's public holidays for a year", into=holidays)
    sync.add_argument("--country", required=True, metavar="CC", help="ISO country code, e.g. IN")
    sync.add_argument("--subdiv", metavar="X", help="state or province code, e.g. KA")
    sync.add_argument("--year", required=True, type=int, metavar="YYYY")

    balance = add("balance", cmd_balance, "one employee's balances per leave type")
    balance.add_argument("email", metavar="EMAIL")
    balance.add_argument("--year", type=int, metavar="YYYY")
    balance.add_argument("--json", action="store_true", help="print JSON for scripts")

    requests = add("requests", cmd_requests, "leave requests, newest first")
    requests.add_argument("--employee", metavar="EMAIL")
    requests.add_argument("--status", type=str.upper, choices=[s.value for s in RequestStatus])
    requests.add_argument("--json", action="store_true", help="print JSON for scripts")

    package = add("teams-package", cmd_teams_package, "write the Teams app zip with the configured app id")
    package.add_argument("--out", type=Path, metavar="FILE", help="default: leavebot-teams.zip")
    package.add_argument("--manifest-dir", dest="manifest_dir", type=Path, metavar="DIR",
                         help="default: manifests/teams")
    package.add_argument("--domain", action="append", metavar="HOST", help="a valid domain of the app (repeatable)")

    add_scheduler_commands(commands, add)
    calendar.add_commands(commands, add)
    ops.add_commands(commands, add)
    report.add_commands(commands, add)
    payroll.add_commands(commands, add)
    digest.add_commands(commands, add)
    audit.add_commands(commands, add)
    link.add_commands(commands, add)
    adjust.add_commands(commands, add)
    return parser


# --- the subcommands ------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.main import build_runtime, preload_doors
    from bot.workers import serve_workers, shared_metrics, worker_count

    count, notice = worker_count(settings, args.workers)
    if notice is not None:
        print(notice)
    if count == 1:
        _serve(build_runtime(settings), settings)
        return EXIT_OK
    with shared_metrics() as metrics_dir:  # first: the runtime's metrics then count into the workers' files
        runtime = build_runtime(settings)  # migrated and seeded once, here, not by every worker
        preload_doors(settings)
        _announce(runtime, settings)
        runtime.engine.dispose()  # so that no worker shares a connection with another
        return serve_workers(count, settings, metrics_dir,
                             lambda worker: _run(runtime, worker.settings(settings), worker))


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot.demo import chat_hints, demo_present, demo_settings, quiet_ticks, seed_demo
    from bot.main import build_runtime

    settings = demo_settings(settings)
    quiet_ticks(bool(getattr(args, "debug", False)))
    runtime = build_runtime(settings)
    service = runtime.service
    seeded = seed_demo(service)
    if seeded is not None:
        print(f"Demo organisation added: {counted(seeded.created, 'person', 'people')} in India (Asia/Kolkata).")
    if demo_present(service):
        print("\n".join(chat_hints(_command_name())))
    else:
        print("The database already has its own employees; no demo people were added.")
    _serve(runtime, settings)
    return EXIT_OK


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli.chat import run_chat
    from bot.cli.strangers import database_name
    from bot.email.notifier import email_notifier
    from bot.main import build_runtime

    # No per-person brake here: the rate limit protects the chat platforms' doors from floods, while
    # whoever runs this already has the machine, and a scripted chat (README, "The leavebot command") must run whole.
    runtime = build_runtime(settings.model_copy(update={"rate_limit_per_minute": 0}), metrics=False)
    if settings.slack_enabled:
        from bot import slack

        # A change made here reaches the approver's Slack at once; Teams (which needs the server's
        # connection to the Bot Framework) hears of it when the server delivers the outbox.
        runtime.delivery.add(slack.make_notifier(runtime.service, runtime.chat, settings, clock=runtime.clock))
    mailing = email_notifier(runtime, settings)  # and people who hear by e-mail, too
    if mailing is not None:
        runtime.delivery.add(mailing)
    code = run_chat(runtime.service, args.email, sys.stdin, sys.stdout, sys.stderr,
                    database=database_name(runtime.engine.url))
    runtime.delivery.deliver_now()
    return code


def cmd_teams_package(args: argparse.Namespace, settings: Settings) -> int:
    from bot import teams

    try:
        out = teams.package_for(settings, args.out, args.manifest_dir, args.domain or ())
    except teams.TeamsPackageError as exc:
        raise UsageError(str(exc)) from None
    print(f"{out}: Teams app package for app {settings.microsoft_app_id}; upload it in Teams "
          "(Apps, Manage your apps, Upload an app).")
    return EXIT_OK


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from storage.engine import make_engine
    from storage.migrate import current_revision, upgrade

    engine = make_engine(settings.database_url)
    before = current_revision(engine)
    upgrade(engine)
    after = current_revision(engine)
    if before == after:
        print(f"Database {engine.url} is already at revision {after}.")
    else:
        print(f"Database {engine.url} upgraded from revision {before or '(empty)'} to {after}.")
    return EXIT_OK


def cmd_employees_import(args: argparse.Namespace, settings: Settings) -> int:
    text = _read(args.file)
    service = _service(settings)
    result = service.import_employees(text, source=SOURCE)
    print(f"{args.file}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged.")
    return EXIT_OK


def cmd_policies_load(args: argparse.Namespace, settings: Settings) -> int:
    from bot.main import default_policy_text
    from bot.policy_text import read_policy_yaml

    name = args.file or "default policy"
    text = _read(args.file) if args.file else default_policy_text()
    try:
        document = read_policy_yaml(text, name)
    except ValueError as error:
        raise UsageError(str(error)) from None
    summary = _service(settings).load_policy(document, source=args.file or "default")
    print(
        f"{name}: loaded {_count(summary.leave_types, 'leave type')}, {_count(summary.regions, 'region')}, "
        f"{_count(summary.holidays, 'holiday')}."
    )
    return EXIT_OK


def cmd_holidays_sync(args: argparse.Namespace, settings: Settings) -> int:
    country = args.country.upper()
    synced = _service(settings).sync_holidays(country, args.subdiv, args.year)
    place = f"{country}-{synced.subdivision}" if synced.subdivision else country
    where = (f"people in {', '.join(synced.locations)}" if synced.locations
             else f"everyone in region {synced.region}")
    print(f"Stored {synced.stored} public holidays for {place} in {args.year}; they apply to {where}.")
    return EXIT_OK


def cmd_balance(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli.strangers import database_name, unknown_person
    from bot.main import build_service

    service, engine = build_service(settings)
    try:
        view = service.balance_of(args.email, args.year)
    except UnknownEmployee:
        raise UsageError(unknown_person(args.email, database_name(engine.url), service.has_employees())) from None
    _print(out.dumps(out.balance_json(view)) if args.json else out.balance_text(view))
    return EXIT_OK


def cmd_requests(args: argparse.Namespace, settings: Settings) -> int:
    status = RequestStatus(args.status) if args.status else None
    found = _service(settings).list_requests(employee_email=args.employee, status=status)
    if args.json:
        _print(out.dumps([out.request_json(r) for r in found]))
    else:
        title = "Requests" + (f" of {args.employee}" if args.employee else "") + (f", {status}" if status else "")
        _print(out.requests_text(found, title))
    return EXIT_OK


# --- helpers ---------------------------------------------------------------------------------


def _service(settings: Settings) -> LeaveService:
    from bot.main import build_service

    service, _engine = build_service(settings)
    return service


def _serve(runtime: Runtime, settings: Settings) -> None:
    _announce(runtime, settings)
    _run(runtime, settings)


def _announce(runtime: Runtime, settings: Settings) -> None:
    print(f"Database: {runtime.engine.url!r}")
    for door in door_states(settings).values():
        print(f"{door.name}: {door.state} ({door.detail})")


def _run(runtime: Runtime, settings: Settings, worker: Worker | None = None) -> None:
    """Serve the doors, as the one process or as ``worker``, until stopped."""
    from bot.main import mount_doors
    from bot.server import create_app, run_server

    doors = door_states(settings)
    app = create_app(runtime.engine, service=runtime.service, doors={key: door.state for key, door in doors.items()},
                     telemetry=runtime.telemetry,
                     metrics_port=settings.metrics_port if worker is None else worker.metrics_listener,
                     metrics_token=settings.metrics_token.get_secret_value() if settings.metrics_token else None)
    mount_doors(app, runtime, settings)
    run_server(app, settings.host, settings.port, settings.shutdown_timeout, worker=worker)


def _count_of_workers(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of workers (1 or more)")
    return count


def _read(path: str) -> str:
    try:
        # utf-8-sig: spreadsheet programs often put a byte-order mark in front of a UTF-8 CSV.
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror}") from None


def _print(text: str, stream: TextIO | None = None) -> None:
    (stream or sys.stdout).write(text.rstrip("\n") + "\n")


def _fail(message: str, code: int, debug: bool) -> int:
    if debug:
        traceback.print_exc()
    sys.stderr.write(message + "\n")
    return code


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _command_name() -> str:
    """How the person started us, so that the hints can be pasted as they are."""
    program = Path(sys.argv[0])
    return str(program) if program.name == "leavebot" and program.parent.name == "bin" else "leavebot"


if __name__ == "__main__":
    sys.exit(main())
