"""The ``leavebot`` command end to end, as a script would run it, on SQLite and on MariaDB.

Each test runs the real command in a subprocess against a fresh database, and checks what a
script relies on: exit codes, one-line errors on stderr, and the ``--json`` shapes.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DEMO_CSV = REPO / "bot" / "demo" / "employees.csv"
DEFAULT_POLICY = REPO / "bot" / "policies" / "default.yaml"
EMPLOYEE = "ananya.iyer@demo.leavebot.example"
MANAGER = "rohan.mehta@demo.leavebot.example"
PLATFORM_PREFIXES = ("SLACK_", "MICROSOFT_", "MS_GRAPH_", "GOOGLE_")
PROMPT = "leave> "


class Leavebot:
    """Runs ``python -m bot.cli`` with DATABASE_URL set, in a directory with no stray .env."""

    def __init__(self, db_url: str, cwd: Path) -> None:
        self.cwd = cwd
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(PLATFORM_PREFIXES)}
        self.env.update(DATABASE_URL=db_url, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO),
                        os.environ.get("PYTHONPATH")])))
        for name in ("PORT", "HOST", "TIMEZONE", "LOG_LEVEL", "LOG_FORMAT"):
            self.env.pop(name, None)

    def __call__(self, *args: str, stdin: str = "", env: dict[str, str] | None = None,
                 expect: int | None = 0) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "bot.cli", *args],
            input=stdin, capture_output=True, text=True, cwd=self.cwd, env={**self.env, **(env or {})},
            timeout=120, check=False,
        )
        if expect is not None:
            assert result.returncode == expect, (
                f"leavebot {' '.join(args)} exited {result.returncode}, not {expect}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
        assert "Traceback" not in result.stderr, result.stderr
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--json").stdout)

    def chat(self, email: str, *lines: str, env: dict[str, str] | None = None) -> str:
        return self("chat", "--as", email, stdin="\n".join(lines) + "\n", env=env).stdout


@pytest.fixture
def leavebot(db_url: str, tmp_path: Path) -> Leavebot:
    workdir = tmp_path / "work"
    workdir.mkdir()
    return Leavebot(db_url, workdir)


@pytest.fixture
def demo_org(leavebot: Leavebot) -> Leavebot:
    leavebot("employees", "import", str(DEMO_CSV))
    return leavebot


def working_days_ahead() -> tuple[date, date]:
    """A Monday and Tuesday at least 8 days ahead, clear of the default policy's holidays."""
    holidays = {
        date.fromisoformat(str(h["date"]))
        for region in yaml.safe_load(DEFAULT_POLICY.read_text())["regions"].values()
        for h in region.get("holidays", [])
    }
    day = date.today() + timedelta(days=8)
    while day.weekday() != 0 or {day, day + timedelta(days=1)} & holidays:
        day += timedelta(days=1)
    return day, day + timedelta(days=1)


def test_db_upgrade_is_repeatable(leavebot: Leavebot) -> None:
    first = leavebot("db", "upgrade")
    assert "upgraded" in first.stdout
    again = leavebot("db", "upgrade")
    assert "already at revision" in again.stdout


def test_employee_import_is_all_or_nothing_and_idempotent(leavebot: Leavebot, tmp_path: Path) -> None:
    first = leavebot("employees", "import", str(DEMO_CSV))
    assert "9 created, 0 updated, 0 unchanged" in first.stdout
    again = leavebot("employees", "import", str(DEMO_CSV))
    assert "0 created, 0 updated, 9 unchanged" in again.stdout

    header = DEMO_CSV.read_text().splitlines()[0]
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([
        header,
        "N1,new.person@demo.leavebot.example,New,Person,,EMPLOYEE,Sales,Mumbai,INDIA,2024-01-01,ACTIVE,Asia/Kolkata",
        "N2,second@demo.leavebot.example,Second,Person,,INTERN,Sales,Mumbai,INDIA,2024-01-01,ACTIVE,Asia/Kolkata",
        "N3,third@demo.leavebot.example,Third,Person,,EMPLOYEE,Sales,Mumbai,INDIA,someday,ACTIVE,Asia/Kolkata",
    ]) + "\n")
    refused = leavebot("employees", "import", str(bad), expect=2)
    problems = refused.stderr.strip().splitlines()
    assert any(line.startswith(f"{bad}:3: ") for line in problems), refused.stderr
    assert any(line.startswith(f"{bad}:4: ") for line in problems), refused.stderr
    assert not any(f"{bad}:2: " in line for line in problems), "the good row is not a problem"
    # Nothing was written: not even the good row.
    unknown = leavebot("balance", "new.person@demo.leavebot.example", expect=2)
    assert unknown.stderr.count("\n") == 1
    assert "0 created, 0 updated, 9 unchanged" in leavebot("employees", "import", str(DEMO_CSV)).stdout


def test_missing_file_is_bad_input(leavebot: Leavebot) -> None:
    result = leavebot("employees", "import", "no-such.csv", expect=2)
    assert result.stderr == "no-such.csv: no such file\n"


def test_policies_load_refuses_a_bad_file_and_keeps_the_one_in_force(demo_org: Leavebot, tmp_path: Path) -> None:
    small = yaml.safe_load(DEFAULT_POLICY.read_text())
    assert f"{len(small['leave_types'])} leave types" in demo_org("policies", "load").stdout
    small["leave_types"] = {"casual": small["leave_types"]["casual"]}
    small["leave_types"]["casual"].pop("not_adjacent_to")  # it names privilege leave, not in this file
    small["regions"]["INDIA"]["leave_types"] = ["casual"]
    good = tmp_path / "small.yaml"
    good.write_text(yaml.safe_dump(small))
    assert "1 leave type," in demo_org("policies", "load", str(good)).stdout

    small["leave_types"]["casual"]["days_per_year"] = "lots"
    malformed = tmp_path / "malformed.yaml"
    malformed.write_text(yaml.safe_dump(small))
    refused = demo_org("policies", "load", str(malformed), expect=2)
    assert refused.stderr.count("\n") == 1
    assert "leave_types.casual.days_per_year" in refused.stderr

    broken = tmp_path / "broken.yaml"
    broken.write_text("leave_types:\n  casual: {code: CL\nregions: [\n")
    syntax = demo_org("policies", "load", str(broken), expect=2)
    assert re.fullmatch(rf"{re.escape(str(broken))}:\d+: YAML syntax error: .+\n", syntax.stderr), syntax.stderr

    still = demo_org.json("balance", EMPLOYEE)
    assert [row["type"] for row in still] == ["casual"]


def test_holidays_sync(leavebot: Leavebot) -> None:
    result = leavebot("holidays", "sync", "--country", "IN", "--year", "2026")
    stored = int(re.search(r"Stored (\d+) public holidays", result.stdout).group(1))  # type: ignore[union-attr]
    assert stored >= 10
    unknown = leavebot("holidays", "sync", "--country", "ZZ", "--year", "2026", expect=2)
    assert unknown.stderr.count("\n") == 1


def test_balance_json_shape(demo_org: Leavebot) -> None:
    rows = demo_org.json("balance", EMPLOYEE)
    assert {row["type"] for row in rows} == set(yaml.safe_load(DEFAULT_POLICY.read_text())["leave_types"])
    for row in rows:
        assert set(row) >= {"type", "code", "name", "entitled", "taken", "pending", "available"}
        for key in ("entitled", "taken", "pending", "available"):
            assert isinstance(row[key], int | float)
    assert demo_org.json("requests") == []


def test_scripted_chat_then_reports_agree(demo_org: Leavebot) -> None:
    start, end = working_days_ahead()
    applied = demo_org.chat(
        EMPLOYEE,
        "# a scripted conversation: comments and blank lines are skipped",
        "",
        f"/leave apply casual {start.isoformat()} to {end.isoformat()} family wedding",
        "list",
    )
    number = re.search(r"LV-\d+", applied).group(0)  # type: ignore[union-attr]
    assert applied.count(number) >= 2 and "PENDING" in applied

    decided = demo_org.chat(MANAGER, "pending", f"approve {number}")
    assert number in decided and "approved" in decided.lower()

    pending_rows = {row["type"]: row for row in demo_org.json("balance", EMPLOYEE, "--year", str(start.year))}
    assert pending_rows["casual"]["taken"] == 2
    assert pending_rows["casual"]["available"] == pending_rows["casual"]["entitled"] - 2

    cancelled = demo_org.chat(EMPLOYEE, "balance", f"cancel {number}", "quit", "list")
    assert f"{number} cancelled" in cancelled
    assert "2 days restored" in cancelled
    assert "Your requests" not in cancelled and "quit" not in cancelled  # nothing after quit ran

    requests = demo_org.json("requests")
    assert len(requests) == 1
    request = requests[0]
    assert {"id", "employee", "type", "start", "end", "days", "half", "status", "approver", "reason",
            "created_at", "decided_by", "decided_at"} <= set(request)
    assert request["id"] == number
    assert request["employee"] == EMPLOYEE
    assert (request["type"], request["start"], request["end"]) == ("casual", start.isoformat(), end.isoformat())
    assert request["days"] == 2 and request["half"] is None
    assert request["status"] == "CANCELLED"
    assert request["approver"] == MANAGER
    assert demo_org.json("requests", "--status", "cancelled", "--employee", EMPLOYEE) == requests
    assert demo_org.json("requests", "--status", "PENDING") == []

    casual = {row["type"]: row for row in demo_org.json("balance", EMPLOYEE, "--year", str(start.year))}["casual"]
    assert (casual["taken"], casual["pending"]) == (0, 0)
    assert casual["available"] == casual["entitled"]

    audit = demo_org.json("audit", "--since", date.today().isoformat())
    for entry in audit:
        assert {"at", "actor", "action", "request", "outcome", "detail", "source"} <= set(entry)
    about_it = {(entry["action"], entry["actor"]) for entry in audit if entry["request"] == number}
    assert {("apply", EMPLOYEE), ("approve", MANAGER), ("cancel", EMPLOYEE)} <= about_it


def test_chat_refusals_are_replies_not_failures(demo_org: Leavebot) -> None:
    reply = demo_org.chat(EMPLOYEE, "apply casual 2026-02-30", "frobnicate")
    assert reply.strip(), "each line gets a reply"


def test_a_long_scripted_chat_runs_whole_without_the_chat_platforms_brake(demo_org: Leavebot) -> None:
    lines = ["balance"] * 25
    reply = demo_org.chat(EMPLOYEE, *lines, env={"RATE_LIMIT_PER_MINUTE": "20", "RATE_LIMIT_BURST": "2"})
    assert "going a bit fast" not in reply
    assert reply.count("Casual") >= 25


def test_chat_as_an_unknown_email_is_bad_input_and_names_the_database(demo_org: Leavebot, db_url: str) -> None:
    result = demo_org("chat", "--as", "nobody@demo.leavebot.example", stdin="list\n", expect=2)
    database = db_url.removeprefix("sqlite:///")  # a file's path; a server's URL (with its connection options)
    assert result.stderr.startswith(f"No employee with e-mail nobody@demo.leavebot.example in {database}")
    assert result.stderr.endswith("; ask HR to add you (leavebot employees import)\n")
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_chat_and_balance_outside_the_databases_folder_say_the_database_is_empty(tmp_path: Path) -> None:
    """The default DATABASE_URL is leavebot.db in the current directory: elsewhere, an empty one."""
    elsewhere = Leavebot("sqlite:///leavebot.db", tmp_path)
    said = (f"No employee with e-mail {EMPLOYEE}: the database {tmp_path / 'leavebot.db'} has no employees at all. "
            "Run leavebot in the folder of your database or set DATABASE_URL, or try leavebot demo.\n")
    assert elsewhere("chat", "--as", EMPLOYEE, stdin="balance\n", expect=2).stderr == said
    assert elsewhere("balance", EMPLOYEE, expect=2).stderr == said


def test_the_chat_draws_its_pictures_outside_the_working_tree(demo_org: Leavebot, tmp_path: Path) -> None:
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    reply = demo_org.chat(EMPLOYEE, "team week", env={"TMPDIR": str(temporary)})
    (picture,) = (temporary / "leavebot-pictures").glob("people-out-*.png")
    assert f"Picture: {picture}" in reply and picture.read_bytes().startswith(b"\x89PNG")
    assert not list(demo_org.cwd.rglob("*.png"))


def test_bad_usage_and_bad_settings_exit_2_with_one_line(leavebot: Leavebot) -> None:
    leavebot("requests", "--status", "MAYBE", expect=2)
    leavebot("audit", "--since", "yesterday-ish", expect=2)
    bad_port = leavebot("requests", env={"PORT": "abc"}, expect=2)
    assert bad_port.stderr.count("\n") == 1 and "PORT" in bad_port.stderr
    bad_zone = leavebot("requests", env={"TIMEZONE": "Mars/Olympus_Mons"}, expect=2)
    assert bad_zone.stderr.count("\n") == 1 and "TIMEZONE" in bad_zone.stderr


def test_a_failing_operation_exits_1_and_debug_shows_the_traceback(tmp_path: Path) -> None:
    unreachable = Leavebot("mysql+pymysql://root@127.0.0.1:1/leavebot", tmp_path)
    failed = unreachable("requests", expect=1)
    assert failed.stderr.count("\n") == 1
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--debug", "requests"], capture_output=True, text=True,
        cwd=tmp_path, env=unreachable.env, timeout=120, check=False,
    )
    assert result.returncode == 1
    assert "Traceback" in result.stderr


def test_chat_at_a_terminal_greets_and_prompts(demo_org: Leavebot) -> None:
    """At a real terminal (a pseudo-terminal here) the chat greets by name and prompts."""
    import pty

    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "chat", "--as", EMPLOYEE],
        stdin=terminal, stdout=terminal, stderr=subprocess.PIPE, cwd=demo_org.cwd, env=demo_org.env,
    )
    os.close(terminal)
    seen = b""
    try:
        for line in (b"balance\n", b"quit\n"):
            deadline = time.monotonic() + 60
            while PROMPT.encode() not in seen.rsplit(b"\n", 1)[-1] and time.monotonic() < deadline:
                if select.select([controller], [], [], 1)[0]:
                    seen += os.read(controller, 65536)
            os.write(controller, line)
            seen += b"\n"
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
        with contextlib.suppress(OSError):
            while select.select([controller], [], [], 0.2)[0]:
                chunk = os.read(controller, 65536)
                if not chunk:
                    break
                seen += chunk
        os.close(controller)
    text = seen.decode(errors="replace")
    assert "Hi Ananya Iyer" in text
    assert PROMPT in text
    assert "Casual leave (CL)" in text


def test_demo_seeds_says_whom_to_chat_as_and_serves_health(leavebot: Leavebot) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "demo"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=leavebot.cwd, env={**leavebot.env, "PORT": str(port), "HOST": "127.0.0.1"},
    )
    try:
        body = None
        deadline = time.monotonic() + 60
        while body is None and time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                    body = json.loads(response.read())
            except OSError:
                time.sleep(0.2)
        assert body is not None, "the demo server never answered /health"
        assert body["status"] == "ok" and body["checks"]["database"] == "ok"
        assert body["checks"]["slack"] == "off"
        assert body["checks"]["teams"] == "emulator"  # the demo lets the local Emulator try Teams
        logged = ""
        while "scheduler: " not in logged and time.monotonic() < deadline:  # the scheduler's first tick
            if select.select([process.stderr], [], [], 1)[0]:
                logged += os.read(process.stderr.fileno(), 65536).decode(errors="replace")
    finally:
        process.terminate()
        stdout, stderr = process.communicate(timeout=30)
    assert f"chat --as {EMPLOYEE}" in stdout
    assert "Slack: off (SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET not set)" in stdout
    assert "scheduler: " in logged and "Running job" not in logged + stderr, "the tick's own lines are quiet"
    assert "Traceback" not in stderr
    assert len(leavebot.json("requests")) == 0
    assert leavebot.json("balance", MANAGER)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_busy_port_is_one_line_and_exit_1(leavebot: Leavebot, workers: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = leavebot("serve", "--workers", workers, env={"PORT": str(port), "HOST": "127.0.0.1"}, expect=1)
    assert result.stderr.splitlines()[-1] == f"leavebot: port {port} is in use; set PORT"
    assert "Listening on" not in result.stdout


def test_jobs_run_catches_up_once_and_partial_cancel_and_plan_work_in_chat(demo_org: Leavebot) -> None:
    listed = demo_org("jobs", "list").stdout
    assert all(name in listed for name in ("accrual", "year-end", "reassign", "hr-digest", "outbox"))
    assert "0 notices waiting" in listed
    as_of = date.today().isoformat()
    first = demo_org("jobs", "run", "accrual", "--as-of", as_of).stdout
    again = demo_org("jobs", "run", "accrual", "--as-of", as_of).stdout
    assert re.search(r"accrual as of .*: [1-9]\d* change", first), first
    assert "0 changes" in again, again
    assert demo_org("jobs", "run", "payroll", expect=2).stderr.strip()
    assert "is not an ISO date" in demo_org("jobs", "run", "accrual", "--as-of", "soon", expect=2).stderr
    start, end = working_days_ahead()
    plan = demo_org("chat", "--as", EMPLOYEE, stdin=f"plan casual {start} to {end}\n").stdout
    assert "nothing was created" in plan and "Days counted:" in plan
    assert demo_org.json("requests", "--json") == []


def test_teams_package(leavebot: Leavebot, tmp_path: Path) -> None:
    refused = leavebot("teams-package", expect=2)
    assert refused.stderr.strip().startswith("MICROSOFT_APP_ID: required")
    app_id = "00000000-0000-4000-8000-000000000001"
    out = tmp_path / "app.zip"
    made = leavebot("teams-package", "--out", str(out),
                    env={"MICROSOFT_APP_ID": app_id, "MICROSOFT_APP_PASSWORD": "secret"})
    assert str(out) in made.stdout and out.is_file()
    with zipfile.ZipFile(out) as package:
        assert app_id in package.read("manifest.json").decode()
        assert {"manifest.json", "color.png", "outline.png"} <= set(package.namelist())


HR_ADMIN = "kavita.rao@demo.leavebot.example"


def test_report_writes_both_files_from_the_cli_and_from_the_chat(demo_org: Leavebot, tmp_path: Path) -> None:
    start, end = working_days_ahead()
    applied = demo_org.chat(EMPLOYEE, f"apply casual {start.isoformat()} to {end.isoformat()}")
    number = re.search(r"LV-\d+", applied).group(0)  # type: ignore[union-attr]
    demo_org.chat(MANAGER, f"approve {number}")
    out = tmp_path / "reports" / "new"
    made = demo_org("report", start.isoformat(), "to", end.isoformat(), "--department", "engineering",
                    "--out", str(out))
    stem = f"{start.isoformat()}-to-{end.isoformat()}-Engineering"
    taken, balances = out / f"leave-taken-{stem}.csv", out / f"leave-balances-{stem}.csv"
    assert "1 person took leave" in made.stdout and str(taken) in made.stdout and str(balances) in made.stdout
    assert taken.read_text().splitlines()[1:] == [
        f"D101,{EMPLOYEE},Ananya Iyer,Engineering,casual,2,1,{start.isoformat()},{end.isoformat()}"]
    assert any(line.startswith(f"D101,{EMPLOYEE},Ananya Iyer,Engineering,casual,{end.year},{end.isoformat()},")
               for line in balances.read_text().splitlines())

    refused = demo_org.chat(EMPLOYEE, f"report {start.year}")
    assert "Reports are for HR admins" in refused and not list(demo_org.cwd.glob("*.csv"))
    chatted = demo_org.chat(HR_ADMIN, f"report {start.year}")
    written = sorted(p.name for p in demo_org.cwd.glob("*.csv"))
    assert written == [f"leave-balances-{start.year}.csv", f"leave-taken-{start.year}.csv"]
    assert all(str(demo_org.cwd / name) in chatted for name in written)


def test_report_refuses_a_bad_period_or_department_with_exit_2_and_writes_nothing(leavebot: Leavebot,
                                                                                    tmp_path: Path) -> None:
    out = tmp_path / "never"
    for args, message in [
        (("2026-13",), "There is no month 13."),
        (("2026", "--department", "Marketing"), "There is no department 'Marketing'. Departments: none yet"),
        (("2026", "Sales", "--department", "Engineering"), "Name the department once"),
    ]:
        result = leavebot("report", *args, "--out", str(out), expect=2)
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not out.exists()
