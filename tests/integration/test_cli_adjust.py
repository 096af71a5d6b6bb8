"""``leavebot adjust`` end to end, as a script would run it, on SQLite and on MariaDB."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.test_cli import DEMO_CSV, EMPLOYEE, Leavebot


@pytest.fixture
def demo(db_url: str, tmp_path: Path) -> Leavebot:
    workdir = tmp_path / "work"
    workdir.mkdir()
    leavebot = Leavebot(db_url, workdir)
    leavebot("employees", "import", str(DEMO_CSV))
    return leavebot


def available(leavebot: Leavebot, type_key: str) -> float:
    return float(next(r["available"] for r in leavebot.json("balance", EMPLOYEE) if r["type"] == type_key))


def test_adjust_credits_and_debits_prints_before_and_after_and_is_audited(demo: Leavebot) -> None:
    before = available(demo, "casual")
    credit = demo("adjust", EMPLOYEE, "CL", "+1.5", "worked", "the", "launch", "weekend").stdout
    assert "credited with 1.5 days (+1.5): worked the launch weekend" in credit
    assert f"{before:g} days before, {before + 1.5:g} days now" in credit
    debit = demo("adjust", EMPLOYEE, "casual", "-0.5", "booked twice").stdout
    assert "debited by 0.5 days (-0.5): booked twice" in debit
    assert available(demo, "casual") == before + 1
    adjusted = [a for a in demo.json("audit") if a["action"] == "adjust"]
    assert [(a["actor"], a["request"]) for a in adjusted] == [("system", None), ("system", None)]


@pytest.mark.parametrize(("args", "says"), [
    (("casual", "2", "owed"), "Put + or - before 2"),
    (("casual", "+0.25", "owed"), "whole or half days"),
    (("holiday", "+1", "owed"), "There is no leave type 'holiday'"),
    (("casual", "-400", "owed"), "more than a year of leave"),
    (("casual", "-100", "owed"), "may not go below zero"),
    (("casual", "+1", " "), "Say why"),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(demo: Leavebot, args: tuple[str, ...], says: str) -> None:
    before = available(demo, "casual")
    result = demo("adjust", EMPLOYEE, *args, expect=2)
    assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert available(demo, "casual") == before


def test_an_unknown_email_exits_2(demo: Leavebot) -> None:
    result = demo("adjust", "nobody@demo.leavebot.example", "casual", "+1", "owed", expect=2)
    assert "No employee with e-mail nobody@demo.leavebot.example" in result.stderr
