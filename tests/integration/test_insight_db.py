"""The digest's insight and heat map on a small organisation in a real database, and in the terminal.

The organisation: the unit tests' five people (Meera in People, four in Engineering) and Dev, who
joined Engineering on 1 Oct 2026; Engineering may have 2 people out on a day (flagged above).
The digest is the one of Monday 30 Nov 2026; its 90 days are 1 Sep to 29 Nov.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from matplotlib import image

from bot.cli.chat import run_chat
from core.domain.amount import Amount
from core.domain.model import LeaveRequest, RequestStatus
from core.ports import UnitOfWork
from core.service import LeaveService
from core.views import AppliedView, DecidedView, QuietView, RefusalView
from tests.integration.test_cli import Leavebot
from tests.unit.conftest import ORG_CSV, policy_document

NEWCOMER = "E6,dev@x.test,Dev,Shah,boss@x.test,EMPLOYEE,Engineering,Bengaluru,INDIA,2026-10-01,ACTIVE,Asia/Kolkata\n"
WEEK_OF = date(2026, 11, 30)


def add(uow_factory: Callable[[], UnitOfWork], employee: str, day: date, status: RequestStatus) -> None:
    """A request written straight to storage: leave in the past, which the workflow no longer takes."""
    with uow_factory() as uow:
        uow.requests.add(LeaveRequest(employee_id=employee, type_key="casual", start=day, end=day, days=Amount.days(1),
                                      status=status, created_at=datetime(2026, 8, 1, tzinfo=UTC),
                                      approver_id="E2", year_days={day.year: Amount.days(1)}))
        uow.commit()


@pytest.fixture
def org(service: LeaveService, uow_factory: Callable[[], UnitOfWork]) -> LeaveService:
    document = policy_document()
    document["team_limits"] = [{"departments": ["Engineering"], "max_out": 2, "action": "flag"}]
    service.load_policy(document, "test")
    service.import_employees(ORG_CSV + NEWCOMER)
    add(uow_factory, "E3", date(2026, 10, 15), RequestStatus.APPROVED)  # Ananya rested in the window
    add(uow_factory, "E4", date(2026, 8, 10), RequestStatus.APPROVED)  # Rahul, before it
    add(uow_factory, "E5", date(2026, 11, 20), RequestStatus.PENDING)  # Kiran only asked (1 casual day held)
    add(uow_factory, "E2", date(2026, 11, 2), RequestStatus.REJECTED)  # Vikram was refused
    applied = service.handle_text("rahul@x.test", "apply casual 7 Dec to 9 Dec", "test")
    assert isinstance(applied, AppliedView)
    assert isinstance(service.handle_text("boss@x.test", f"approve {applied.request.number}", "test"), DecidedView)
    assert isinstance(service.handle_text("ananya@x.test", "apply casual 8 Dec", "test"), AppliedView)
    assert isinstance(service.handle_text("dev@x.test", "apply casual 7 Dec to 8 Dec", "test"), AppliedView)
    return service


def test_the_digest_counts_quiet_people_year_end_losses_and_thin_days(org: LeaveService) -> None:
    insight = org.hr_digest(WEEK_OF)["insight"]

    # Meera; Vikram, Rahul and Kiran (Ananya rested; Dev has not been here for 90 days).
    assert insight["quiet"]["total"] == 4
    assert insight["quiet"]["by_department"] == {"rows": [{"department": "Engineering", "people": 3},
                                                          {"department": "People", "people": 1}],
                                                 "more": 0, "total": 2}
    assert all(key in ("total", "by_department", "since", "days") for key in insight["quiet"])
    # Casual: 12 a year, 5 carried: 7 lost each, but Rahul took 3 (4), Kiran and Ananya hold 1 (6); Dev has 1 left.
    # Privilege: 12 a year, 10 carried: 2 each of five; Dev's 3 stay. Sick leave carries nothing forward: it is
    # not meant to be used up, and is left out.
    assert insight["year_end"] == {"year": 2026, "types": {"rows": [
        {"type": "Casual leave", "people": 5, "days": "30"},
        {"type": "Privilege leave", "people": 5, "days": "10"},
    ], "more": 0, "total": 2}}
    # Five in Engineering, two may be out: Rahul and Dev on Mon 7 Dec is at the limit; with Ananya (pending) on
    # Tue 8 Dec, one over. Wed 9 Dec (Rahul alone) is under it, and not listed.
    assert insight["near_limit"] == {"rows": [{"department": "Engineering", "limit": 2, "days": {
        "rows": [{"day": "2026-12-07", "out": 2, "over": False}, {"day": "2026-12-08", "out": 3, "over": True}],
        "more": 0, "total": 2}}], "more": 0, "total": 1}


def test_the_digest_chart_counts_approved_and_pending_days_apart_with_each_limit(org: LeaveService) -> None:
    chart = org.hr_digest(WEEK_OF)["chart"]
    engineering, people = chart["rows"]
    assert (engineering["department"], engineering["headcount"], people["department"]) == ("Engineering", 5, "People")
    assert engineering["out"][7:10] == [1, 1, 1] and sum(engineering["out"]) == 3
    assert engineering["pending_out"][7:10] == [1, 2, 0] and engineering["pending"] == 2
    assert engineering["booked"][8] == 3
    assert (engineering["limit"], people["limit"]) == (2, None)
    assert engineering["off"][5:7] == [True, True] and not any(engineering["off"][:5])


def test_only_hr_gets_the_names_behind_the_count(org: LeaveService) -> None:
    named = org.handle_text("hr@x.test", "insight quiet", "test")
    assert isinstance(named, QuietView)
    assert [(dept, p.email) for dept, p in named.people] == [
        ("Engineering", "kiran@x.test"), ("Engineering", "rahul@x.test"), ("Engineering", "boss@x.test"),
        ("People", "hr@x.test")]
    one = org.handle_text("hr@x.test", "insight quiet engineering", "test")
    assert isinstance(one, QuietView) and one.department == "Engineering" and len(one.people) == 3
    unknown = org.handle_text("hr@x.test", "insight quiet Finance", "test")
    assert isinstance(unknown, RefusalView)
    assert unknown.message == "There is no department called 'Finance'. Departments: Engineering, People."
    refused = org.handle_text("boss@x.test", "insight quiet", "test")
    assert isinstance(refused, RefusalView) and "for HR admins" in refused.message
    assert "kiran" not in refused.message.lower()
    assert [(a.actor, a.outcome, a.source) for a in org.audit_log() if a.action == "not_hr"] == [
        ("boss@x.test", "refused", "test")]


def test_the_terminal_prints_the_table_and_writes_the_picture(org: LeaveService, tmp_path: Path) -> None:
    out = io.StringIO()
    code = run_chat(org, "rahul@x.test", io.StringIO("team week 30 Nov\n"), out, io.StringIO(),
                    picture_dir=tmp_path)
    assert code == 0
    text = out.getvalue()
    assert "People out per day, Engineering: Mon 30 Nov 2026 to Sun 13 Dec 2026" in text
    assert "Rahul" not in text and "Ananya" not in text
    picture = tmp_path / "people-out-engineering-2026-11-30.png"
    assert f"Picture: {picture}" in text
    shown = image.imread(picture)
    assert shown.shape[1] == 960 and shown.shape[0] >= 150
    assert len({tuple(p) for p in shown.reshape(-1, shown.shape[2])}) > 8


def test_leavebot_digest_prints_the_digest_and_writes_its_picture(org: LeaveService, db_url: str,
                                                                   tmp_path: Path) -> None:
    leavebot = Leavebot(db_url, tmp_path)
    result = leavebot("digest", "--week-of", "2026-12-02", "--out", str(tmp_path / "charts"))
    assert "HR digest: week of Mon 30 Nov 2026" in result.stdout
    assert "No leave in the last 90 days: 4 people" in result.stdout
    assert "Engineering (limit 2): Mon 7 Dec 2026 2 out, Tue 8 Dec 2026 3 out (1 over)" in result.stdout
    assert re.search(r"^Engineering +5 +2 ", result.stdout, re.MULTILINE), "each row has its headcount and limit"
    assert "Nobody took leave last week, no documents due, nothing expiring" in result.stdout
    assert "Documents due" not in result.stdout, "an empty section is said in that one line"
    picture = tmp_path / "charts" / "people-out-all-departments-2026-11-30.png"
    assert f"Picture: {picture}" in result.stdout and picture.read_bytes().startswith(b"\x89PNG")
