"""Searching the audit log on SQLite and MariaDB: every filter, in chat, and from ``leavebot audit``."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.cli.main import main
from core.commands import ApplyLeave, Decide
from core.domain.model import AuditEntry, format_request_number
from core.ports import AuditQuery, UnitOfWork
from core.service import LeaveService
from core.views import AppliedView, AuditView, DecidedView, RefusalView
from tests.unit.fakes import FixedClock

ANANYA, RAHUL, BOSS, HR = "ananya@x.test", "rahul@x.test", "boss@x.test", "hr@x.test"
YESTERDAY = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
TOMORROW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def apply(service: LeaveService, who: str) -> int:
    view = service.execute(who, ApplyLeave("casual", date(2026, 12, 7), date(2026, 12, 8)), "test")
    assert isinstance(view, AppliedView)
    return view.request.id


@pytest.fixture
def requests(service: LeaveService, uow_factory: Callable[[], UnitOfWork]) -> tuple[int, int]:
    """Ananya's request approved by the boss, Rahul's refused to Ananya, and system entries either side."""
    ananya, rahul = apply(service, ANANYA), apply(service, RAHUL)
    assert isinstance(service.execute(BOSS, Decide(ananya, approve=True), "slack"), DecidedView)
    assert isinstance(service.execute(ANANYA, Decide(rahul, approve=True), "teams"), RefusalView)
    with uow_factory() as uow:
        uow.audit.add(AuditEntry(at=YESTERDAY, actor="system", action="probe.before"))
        uow.audit.add(AuditEntry(at=TOMORROW, actor="system", action="probe.after"))
        uow.commit()
    return ananya, rahul


def found(service: LeaveService, **query: object) -> list[tuple[str, str, int | None]]:
    return [(e.actor, e.action, e.request_id) for e in service.audit_log(AuditQuery(**query))]  # type: ignore[arg-type]


def test_each_filter_narrows_the_search(service: LeaveService, requests: tuple[int, int]) -> None:
    ananya, rahul = requests
    assert found(service, actor="Ananya@X.test") == [(ANANYA, "apply", ananya), (ANANYA, "not_approver", rahul)]
    assert found(service, employee=RAHUL) == [(RAHUL, "apply", rahul), (ANANYA, "not_approver", rahul)]
    assert found(service, person=ANANYA) == [(ANANYA, "apply", ananya), (BOSS, "approve", ananya),
                                             (ANANYA, "not_approver", rahul)]
    assert found(service, request_id=ananya) == [(ANANYA, "apply", ananya), (BOSS, "approve", ananya)]
    assert found(service, action="approve") == [(BOSS, "approve", ananya)]
    assert found(service, action="not_approver") == [(ANANYA, "not_approver", rahul)]
    assert found(service, action="approve", actor=BOSS) == [(BOSS, "approve", ananya)]
    assert found(service, until=datetime(2026, 11, 25, tzinfo=UTC)) == [("system", "probe.before", None)]
    assert found(service, since=datetime(2026, 11, 26, tzinfo=UTC)) == [("system", "probe.after", None)]
    assert found(service, actor="nobody@x.test") == []


def test_a_limit_keeps_the_latest_and_the_count_keeps_them_all(service: LeaveService, requests: tuple[int, int],
                                                              uow_factory: Callable[[], UnitOfWork]) -> None:
    assert [a for _, a, _ in found(service, limit=2)] == ["not_approver", "probe.after"]
    everything = len(service.audit_log())
    with uow_factory() as uow:
        assert uow.audit.count(AuditQuery(limit=2)) == everything
        assert uow.audit.count(AuditQuery(actor="system", since=datetime(2026, 11, 26, tzinfo=UTC))) == 1


def test_hr_searches_in_chat_and_others_are_refused_and_recorded(service: LeaveService, requests: tuple[int, int],
                                                                 clock: FixedClock) -> None:
    ananya, rahul = requests
    view = service.handle_text(HR, "audit @ananya 2026-11", "slack")
    assert isinstance(view, AuditView) and view.title == "Audit log for Ananya Iyer, 2026-11"
    assert [(e.actor, e.action, e.request) for e in view.entries] == [
        (ANANYA, "not_approver", format_request_number(rahul)), (BOSS, "approve", format_request_number(ananya)),
        (ANANYA, "apply", format_request_number(ananya))]
    assert view.entries[0].outcome == "refused" and view.total == 3
    clock.at += timedelta(minutes=1)
    refusal = service.handle_text(RAHUL, "audit", "teams")
    assert isinstance(refusal, RefusalView) and "for HR admins" in refusal.message
    assert found(service, actor=RAHUL, action="not_hr") == [(RAHUL, "not_hr", None)]
    assert service.audit_log(AuditQuery(actor=RAHUL, action="not_hr"))[0].source == "teams"


def test_leavebot_audit_filters_for_scripts(db_url: str, requests: tuple[int, int], monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    ananya, _rahul = requests
    monkeypatch.setenv("DATABASE_URL", db_url)
    number = format_request_number(ananya)
    assert main(["audit", "--request", number, "--action", "approve", "--json"]) == 0
    (entry,) = json.loads(capsys.readouterr().out)
    assert (entry["actor"], entry["action"], entry["request"], entry["source"]) == (BOSS, "approve", number, "slack")
    assert main(["audit", "--employee", ANANYA, "--since", "2026-11-25", "--until", "2026-11-25", "--json"]) == 0
    assert [e["action"] for e in json.loads(capsys.readouterr().out)] == ["apply", "approve"]
    assert main(["audit", "--actor", "system", "--since", "2026-11-26"]) == 0
    assert "probe.after" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "said"), [
    (["--actor", "ananya"], "'ananya' is not an e-mail address"),
    (["--request", "LV-x"], "--request"),
    (["--action", "Approve!"], "is not an action name"),
    (["--until", "25/11/2026"], "is not an ISO date"),
    (["--since", "2026-11-26", "--until", "2026-11-25"], "--until 2026-11-25 is before --since 2026-11-26"),
    (["--employee", "ghost@x.test"], "No employee with e-mail ghost@x.test"),
])
def test_leavebot_audit_refuses_bad_filters(db_url: str, service: LeaveService, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str], args: list[str], said: str) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    try:
        code = main(["audit", *args])
    except SystemExit as exit_:  # argparse's own refusal
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    assert code == 2 and said in captured.err and captured.out == ""
