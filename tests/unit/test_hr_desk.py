"""HR's desk through the service: HR only (refusals recorded), the CLI's checks, nothing written on bad input."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.commands import (
    DeactivateEmployee,
    DeskCommand,
    ImportEmployees,
    LoadPolicy,
    SearchAudit,
    ShowHolidayDesk,
    ShowOps,
    ShowPeople,
    ShowPolicy,
    SyncHolidays,
)
from core.domain.model import EmployeeStatus, Event
from core.service import LeaveService
from core.views import (
    AuditSearchView,
    DeactivatedView,
    DeskRefusal,
    ImportResult,
    OpsView,
    PeopleView,
    PolicyDeskView,
    PolicyLoadedView,
)
from tests.unit.conftest import ORG_CSV, policy_document
from tests.unit.fakes import FakeStore, FixedClock

HR, BOSS, ANANYA = "hr@x.test", "boss@x.test", "ananya@x.test"
HEADER = ORG_CSV.splitlines()[0]
EVERY_COMMAND: list[DeskCommand] = [
    ShowPeople(), ImportEmployees(ORG_CSV), DeactivateEmployee("rahul@x.test"), ShowPolicy(),
    LoadPolicy(policy_document(), "policy.yaml"), ShowHolidayDesk(2026), SyncHolidays("IN", None, 2026),
    SearchAudit(), ShowOps(),
]


@pytest.mark.parametrize("who", [ANANYA, BOSS])
@pytest.mark.parametrize("command", EVERY_COMMAND, ids=lambda c: type(c).__name__)
def test_anyone_but_hr_is_refused_and_recorded(service: LeaveService, store: FakeStore, who: str,
                                               command: DeskCommand) -> None:
    before = [e.status for e in store.committed.employees.values()]
    answer = service.desk(who, command, "web")
    assert isinstance(answer, DeskRefusal) and "HR admins" in answer.message
    assert [(a.actor, a.action, a.source) for a in store.committed.audit if a.outcome == "refused"] == [
        (who, "not_hr", "web")]
    assert [e.status for e in store.committed.employees.values()] == before


def test_a_bad_import_lists_every_bad_line_and_writes_nothing(service: LeaveService, store: FakeStore) -> None:
    bad = (f"{HEADER}\nE9,new@x.test,New,Person,,EMPLOYEE,Engineering,Bengaluru,INDIA,2026-01-05,ACTIVE,Asia/Kolkata\n"
           "E10,broken,Bad,Row,,BOSS,Engineering,Bengaluru,INDIA,someday,ACTIVE,Asia/Kolkata\n")
    answer = service.desk(HR, ImportEmployees(bad), "web")
    assert isinstance(answer, DeskRefusal)
    assert answer.problems and {line for line, _ in answer.problems} == {3}
    assert "E9" not in store.committed.employees
    good = service.desk(HR, ImportEmployees(bad.splitlines()[0] + "\n" + bad.splitlines()[1] + "\n"), "web")
    assert good == ImportResult(created=1, updated=0, unchanged=0)
    assert store.committed.audit[-1].actor == HR and store.committed.audit[-1].action == "employees.import"


def test_a_bad_policy_names_the_key_and_keeps_the_version(service: LeaveService) -> None:
    document = policy_document()
    document["leave_types"]["casual"]["days_per_year"] = "lots"
    refused = service.desk(HR, LoadPolicy(document, "bad.yaml"), "web")
    assert isinstance(refused, DeskRefusal) and "leave_types.casual.days_per_year" in refused.message
    shown = service.desk(HR, ShowPolicy(), "web")
    assert isinstance(shown, PolicyDeskView) and [v.name for v in shown.history] == ["test"]
    loaded = service.desk(HR, LoadPolicy(policy_document(), "good.yaml"), "web")
    assert isinstance(loaded, PolicyLoadedView) and loaded.leave_types > 0
    shown = service.desk(HR, ShowPolicy(), "web")
    assert isinstance(shown, PolicyDeskView)
    assert [(v.name, v.actor, v.source) for v in shown.history] == [("good.yaml", HR, "web"), ("test", "system", "cli")]
    assert "casual" in {t.key for t in shown.leave_types}


def test_hr_deactivates_someone_but_never_themselves(service: LeaveService, store: FakeStore) -> None:
    refused = service.desk(HR, DeactivateEmployee(HR), "web")
    assert isinstance(refused, DeskRefusal) and "yourself" in refused.message
    assert store.committed.employees["E1"].status is EmployeeStatus.ACTIVE
    done = service.desk(HR, DeactivateEmployee("rahul@x.test"), "web")
    assert isinstance(done, DeactivatedView) and not done.already
    assert store.committed.employees["E4"].status is EmployeeStatus.INACTIVE
    again = service.desk(HR, DeactivateEmployee("rahul@x.test"), "web")
    assert isinstance(again, DeactivatedView) and again.already


def test_people_search_by_name_email_or_department(service: LeaveService) -> None:
    found = service.desk(HR, ShowPeople("engineering"), "web")
    assert isinstance(found, PeopleView) and found.total == 5
    assert [p.email for p in found.people] == ["ananya@x.test", "kiran@x.test", "rahul@x.test", "boss@x.test"]
    kiran = service.desk(HR, ShowPeople("KIRAN@"), "web")
    assert isinstance(kiran, PeopleView) and [(p.name, p.manager) for p in kiran.people] == [
        ("Kiran Das", "Ananya Iyer")]


def test_audit_search_by_action_and_request(service: LeaveService, clock: FixedClock) -> None:
    service.desk(ANANYA, ShowOps(), "web")
    found = service.desk(HR, SearchAudit(action="not_hr", start=date(2026, 11, 25), end=date(2026, 11, 25)), "web")
    assert isinstance(found, AuditSearchView) and [(e.actor, e.action) for e in found.entries] == [
        (ANANYA, "not_hr")]
    later = service.desk(HR, SearchAudit(action="not_hr", start=date(2026, 11, 26)), "web")
    assert isinstance(later, AuditSearchView) and later.total == 0
    unknown = service.desk(HR, SearchAudit(person="nobody@x.test"), "web")
    assert isinstance(unknown, DeskRefusal) and "nobody@x.test" in unknown.message


def test_ops_lists_a_failed_outbox_event_first(service: LeaveService, store: FakeStore, clock: FixedClock) -> None:
    with store() as uow:
        uow.outbox.add(Event("leave_applied", {}), clock.now())
        uow.outbox.add(Event("leave_decided", {}), clock.now())
        uow.outbox.mark_failed(2, "slack: channel_not_found", clock.now() + timedelta(minutes=5))
        uow.commit()
    ops = service.desk(HR, ShowOps(), "web")
    assert isinstance(ops, OpsView)
    assert [(w.name, w.attempts, w.last_error) for w in ops.waiting[:2]] == [
        ("leave_decided", 1, "slack: channel_not_found"), ("leave_applied", 0, None)]
    assert ops.schedule.outbox_waiting == len(ops.waiting)
