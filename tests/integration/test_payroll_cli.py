"""``leavebot payroll YYYY-MM --out DIR`` and the terminal chat's ``payroll`` and ``yes``, on the built-in policy."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

from tests.integration.test_cli import (  # noqa: F401 (fixtures, used by name)
    EMPLOYEE,
    HR_ADMIN,
    MANAGER,
    Leavebot,
    demo_org,
    leavebot,
    working_days_ahead,
)


def test_payroll_writes_the_month_from_the_cli_and_from_the_chat(demo_org: Leavebot,  # noqa: F811
                                                                 tmp_path: Path) -> None:
    start, end = working_days_ahead()
    applied = demo_org.chat(EMPLOYEE, f"apply casual {start.isoformat()} to {end.isoformat()}")
    number = re.search(r"LV-\d+", applied).group(0)  # type: ignore[union-attr]
    demo_org.chat(MANAGER, f"approve {number}")
    month = f"{start:%Y-%m}"
    out = tmp_path / "payroll" / "new"
    made = demo_org("payroll", month, "--out", str(out))
    written = out / f"payroll-{month}.csv"
    assert str(written) in made.stdout and "1 person with leave or ledger changes" in made.stdout
    rows = list(csv.DictReader(io.StringIO(written.read_text())))
    days = "2" if start.month == end.month else "1"
    assert [(r["email"], r["paid_casual"], r["unpaid_days"]) for r in rows] == [(EMPLOYEE, days, "0")]

    refused = demo_org.chat(EMPLOYEE, f"payroll {month}")
    assert "Payroll figures are for HR admins" in refused and not list(demo_org.cwd.glob("*.csv"))
    chatted = demo_org.chat(HR_ADMIN, f"payroll {month}")
    assert str(demo_org.cwd / f"payroll-{month}.csv") in chatted
    assert (demo_org.cwd / f"payroll-{month}.csv").read_text() == written.read_text()


def test_a_month_with_nothing_and_a_bad_month(leavebot: Leavebot, tmp_path: Path) -> None:  # noqa: F811
    empty = leavebot("payroll", "2026-03", "--out", str(tmp_path / "empty"))
    assert "nothing for payroll" in empty.stdout
    assert (tmp_path / "empty" / "payroll-2026-03.csv").read_text().count("\n") == 1
    for month, message in [("2026-13", "There is no month 13."), ("2026-Q1", "not one month")]:
        result = leavebot("payroll", month, "--out", str(tmp_path / "never"), expect=2)
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not (tmp_path / "never").exists()


def test_the_chat_offers_unpaid_days_and_yes_applies_both(demo_org: Leavebot) -> None:  # noqa: F811
    start, _ = working_days_ahead()
    end = start + timedelta(days=39)  # well past any casual balance
    said = demo_org.chat(EMPLOYEE, f"apply casual {start.isoformat()} to {end.isoformat()}", "yes", "list")
    assert "unpaid" in said and "Reply yes (or /leave yes) within 5 minutes to apply both." in said
    assert "Applied as 2 requests, each approved on its own" in said
    assert "Leave without pay (unpaid)" in said
