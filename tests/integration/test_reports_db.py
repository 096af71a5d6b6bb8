"""HR's report against the ledger, on SQLite and MariaDB, for a generated organisation.

Twenty people apply, are approved or rejected, cancel and give back days at random (seeded) for
fourteen months, with leave crossing month, quarter and year ends. Then every report must agree
with the ledger to the half day: a year's report with the year's leave-taken entries less their
reversals, adjacent periods with the period they make up, and the balances file of a past day with
the balance views taken on that day.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from core.commands import ApplyLeave, CancelRequest, Decide, Report
from core.domain.amount import NO_DAYS, Amount
from core.domain.model import EntryKind, HalfDay, RequestStatus
from core.errors import LeaveError
from core.ports import UnitOfWork
from core.service import LeaveService
from core.views import AppliedView, BalanceRow, BalanceView, CancelledView, DecidedView, RefusalView, ReportView
from storage import migrate
from storage import uow as storage_uow
from storage.engine import make_engine
from tests.integration.conftest import new_database
from tests.unit.conftest import policy_document
from tests.unit.fakes import FixedClock

SEED = 20261125
HR = "hr@org.test"
#: Applies only when told to (see :func:`simulate`).
PLANTED = "e00@org.test"
DEPARTMENTS = ("Engineering", "Sales", "Support")
TYPES = ("casual", "sick", "privilege", "paternity")
FIRST_DAY, LAST_DAY = date(2026, 1, 5), date(2027, 2, 26)
#: Days on which every balance view is kept, to compare with the balances file of a report ending then.
SNAPSHOT_DAYS = (date(2026, 6, 30), date(2026, 9, 30))
Key = tuple[str, str]


def org_csv() -> str:
    """An HR admin, a manager per department, and seventeen people under them; a few in New York,
    one joining in May."""
    rows = ["employee_id,email,first_name,last_name,manager_email,role,department,location,country,joining_date,"
            "status,time_zone",
            f"P1,{HR},Meera,Nair,,HR_ADMIN,People,Bengaluru,INDIA,2020-01-06,ACTIVE,Asia/Kolkata"]
    for i, department in enumerate(DEPARTMENTS, start=2):
        rows.append(f"M{i},m{i}@org.test,Manager,{department},,MANAGER,{department},Bengaluru,INDIA,2019-03-01,"
                    "ACTIVE,Asia/Kolkata")
    for i in range(17):
        manager = 2 + i % len(DEPARTMENTS)
        zone = "America/New_York" if i % 6 == 5 else "Asia/Kolkata"
        joined = "2026-05-04" if i == 7 else f"202{i % 5}-0{1 + i % 9}-1{i % 9}"
        rows.append(f"E{i:02d},e{i:02d}@org.test,Person,{i:02d},m{manager}@org.test,EMPLOYEE,"
                    f"{DEPARTMENTS[i % len(DEPARTMENTS)]},Mumbai,INDIA,{joined},ACTIVE,{zone}")
    return "\n".join(rows) + "\n"


@dataclass
class Organisation:
    service: LeaveService
    clock: FixedClock
    uow_factory: Callable[[], UnitOfWork]
    emails: list[str]
    #: Every balance view on each snapshot day: email -> view.
    snapshots: dict[date, dict[str, BalanceView]] = field(default_factory=dict)

    def at(self, day: date, hour: int = 6) -> None:
        self.clock.at = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)

    def report(self, start: date, end: date, department: str | None = None) -> ReportView:
        view = self.service.execute(HR, Report(f"{start} to {end}", start, end, department), "test")
        assert isinstance(view, ReportView), view
        return view


def simulate(org: Organisation, rng: random.Random) -> None:
    """Fourteen months of applications, decisions and cancels, a few days apart.

    On each snapshot day :data:`PLANTED` also applies; the request waits through the snapshot, is
    approved at the next step and then partly cancelled, so the balances file must count it pending
    with the days its approval charged.
    """
    days = sorted({*SNAPSHOT_DAYS, *_steps(rng)})
    planted: list[int] = []
    for day in days:
        org.at(day)
        for request_id in planted:
            decided = org.service.execute(HR, Decide(request_id, approve=True), "test")
            assert isinstance(decided, DecidedView) and decided.request.status is RequestStatus.APPROVED
            given_back = org.service.execute(PLANTED, CancelRequest(request_id, decided.request.end), "test")
            assert isinstance(given_back, CancelledView) and given_back.restored == Amount.days(1)
        planted.clear()
        for _ in range(4):
            _apply(org, rng, day)
        _decide(org, rng)
        _cancel(org, rng, day)
        if day in SNAPSHOT_DAYS:
            start = day + timedelta(days=14 - day.weekday())  # a Monday, after the next step
            applied = org.service.execute(PLANTED, ApplyLeave("paternity", start, start + timedelta(days=4)), "test")
            assert isinstance(applied, AppliedView), applied
            planted.append(applied.request.id)
            org.at(day, hour=12)
            org.snapshots[day] = {email: org.service.balance_of(email) for email in org.emails}
    # Whatever the draws did, one request is still waiting at the end: every status occurs.
    start = LAST_DAY + timedelta(days=7 - LAST_DAY.weekday())
    waiting = org.service.execute(next(e for e in org.emails if e not in (PLANTED, HR)),
                                  ApplyLeave("sick", start, start, reason="generated"), "test")
    assert isinstance(waiting, AppliedView), waiting


def _steps(rng: random.Random) -> Iterator[date]:
    day = FIRST_DAY
    while day <= LAST_DAY:
        yield day
        day += timedelta(days=rng.randint(4, 7))


def _apply(org: Organisation, rng: random.Random, today: date) -> None:
    start = today + timedelta(days=rng.randint(1, 40))
    if rng.random() < 0.3:  # across a month's end
        start = (start.replace(day=28) if start.day < 28 else start)
    half = rng.choice([HalfDay.FIRST, HalfDay.SECOND]) if rng.random() < 0.2 else None
    end = start if half else start + timedelta(days=rng.randint(0, 6))
    command = ApplyLeave(rng.choice(TYPES), start, end, half, "generated")
    org.service.execute(rng.choice([e for e in org.emails if e != PLANTED]), command, "test")


def _decide(org: Organisation, rng: random.Random) -> None:
    for request in org.service.list_requests(status=RequestStatus.PENDING):
        if rng.random() < 0.7:
            org.service.execute(HR, Decide(request.id, approve=rng.random() < 0.8), "test")


def _cancel(org: Organisation, rng: random.Random, today: date) -> None:
    for request in org.service.list_requests():
        whole = request.status is RequestStatus.PENDING or (
            request.status is RequestStatus.APPROVED and request.start > today)
        if whole and rng.random() < 0.08:
            org.service.execute(request.employee.email, CancelRequest(request.id), "test")
        elif request.status is RequestStatus.APPROVED and request.end > today + timedelta(days=1) and \
                request.start != request.end and rng.random() < 0.15:
            first = max(request.start, today + timedelta(days=1)) + timedelta(days=rng.randint(0, 2))
            last = min(request.end, first + timedelta(days=rng.randint(0, 3)))
            if first <= last:
                org.service.execute(request.employee.email, CancelRequest(request.id, first, last), "test")


@pytest.fixture(scope="module", params=[pytest.param("sqlite", id="sqlite"),
                                        pytest.param("mysql", id="mysql", marks=pytest.mark.mysql)])
def org(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Organisation]:
    """One generated organisation per database kind, shared by the module's tests (which only read
    it): fourteen months of activity take a while to build."""
    with new_database(request, tmp_path_factory.mktemp("reports")) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(engine)
            clock = FixedClock(datetime(2026, 1, 2, 6, tzinfo=UTC))
            factory = storage_uow.uow_factory(engine)
            service = LeaveService(factory, clock, default_time_zone="Asia/Kolkata")
            service.load_policy(policy_document(), "test")
            service.import_employees(org_csv())
            emails = [line.split(",")[1] for line in org_csv().splitlines()[1:]]
            organisation = Organisation(service, clock, factory, emails)
            simulate(organisation, random.Random(SEED))
            yield organisation
        finally:
            engine.dispose()


def rows(view: ReportView, index: int) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(view.files[index].text)))


def taken(view: ReportView) -> dict[Key, Decimal]:
    return {(r["employee_id"], r["type"]): Decimal(r["days"]) for r in rows(view, 0)}


def added(*reports: ReportView) -> dict[Key, Decimal]:
    total: dict[Key, Decimal] = {}
    for report in reports:
        for key, days in taken(report).items():
            total[key] = total.get(key, Decimal(0)) + days
    return total


def ledger_taken(org: Organisation, year: int) -> dict[Key, Decimal]:
    """What the ledger says was taken in ``year``: leave-taken entries less reversals."""
    total: dict[Key, Decimal] = {}
    with org.uow_factory() as uow:
        for employee in uow.employees.all():
            for entry in uow.ledger.entries(employee.employee_id, year):
                if entry.kind in (EntryKind.LEAVE_TAKEN, EntryKind.REVERSAL):
                    key = (entry.employee_id, entry.type_key)
                    total[key] = total.get(key, Decimal(0)) - entry.amount.value
    return {key: days for key, days in total.items() if days}


def months(year: int) -> Iterator[tuple[date, date]]:
    for month in range(1, 13):
        following = date(year + month // 12, month % 12 + 1, 1)
        yield date(year, month, 1), following - timedelta(days=1)


def test_the_organisation_exercises_what_the_report_must_count(org: Organisation) -> None:
    requests = org.service.list_requests()
    statuses = {r.status for r in requests}
    assert statuses == set(RequestStatus), "every status occurs"
    assert any(r.cancelled_dates and r.status is RequestStatus.APPROVED for r in requests), "a partial cancel"
    assert any(r.half for r in requests if r.status is RequestStatus.APPROVED), "an approved half day"
    assert any(r.start.month != r.end.month for r in requests if r.status is RequestStatus.APPROVED)
    assert any(r.start.year != r.end.year for r in requests if r.status is RequestStatus.APPROVED)


@pytest.mark.parametrize("year", [2026, 2027])
def test_a_years_report_is_the_ledger_and_its_months_and_quarters_add_up_to_it(org: Organisation,
                                                                                year: int) -> None:
    whole = org.report(date(year, 1, 1), date(year, 12, 31))
    assert taken(whole) == ledger_taken(org, year)
    assert whole.totals and sum((t.days for t in whole.totals), NO_DAYS).value == sum(ledger_taken(org, year).values())
    assert added(*(org.report(start, end) for start, end in months(year))) == taken(whole)
    quarters = [org.report(date(year, m, 1), date(year, m + 3, 1) - timedelta(days=1)) for m in (1, 4, 7)]
    quarters.append(org.report(date(year, 10, 1), date(year, 12, 31)))
    assert added(*quarters) == taken(whole)


def test_any_cut_splits_a_period_without_losing_a_half_day(org: Organisation) -> None:
    rng = random.Random(SEED + 1)
    whole = org.report(date(2026, 10, 1), date(2027, 1, 31))
    for _ in range(3):
        cut = date(2026, 10, 1) + timedelta(days=rng.randint(0, 121))
        parts = org.report(date(2026, 10, 1), cut), org.report(cut + timedelta(days=1), date(2027, 1, 31))
        assert added(*parts) == taken(whole)


def test_first_and_last_days_are_inside_the_period_and_requests_are_counted(org: Organisation) -> None:
    report = org.report(date(2026, 12, 1), date(2026, 12, 31))
    assert rows(report, 0)
    for row in rows(report, 0):
        assert date(2026, 12, 1) <= date.fromisoformat(row["first_day"]) <= date.fromisoformat(row["last_day"]) \
            <= date(2026, 12, 31)
        assert int(row["requests"]) >= 1 and Decimal(row["days"]) > 0
    assert report.people == len({r["employee_id"] for r in rows(report, 0)})


@pytest.mark.parametrize("day", SNAPSHOT_DAYS)
def test_the_balances_file_shows_what_the_balance_view_showed_that_day(org: Organisation, day: date) -> None:
    report = org.report(date(day.year, day.month, 1), day)
    shown = {(r["email"], r["type"]): r for r in rows(report, 1)}
    assert len(shown) == sum(len(v.rows) for v in org.snapshots[day].values())
    for email, view in org.snapshots[day].items():
        for row in view.rows:
            line = shown[(email, row.type_key)]
            assert (line["year"], line["as_of"]) == (str(day.year), day.isoformat())
            if not yearly(row):  # no yearly balance (maternity, per occurrence): only what was taken counts
                assert (line["entitled"], line["available"]) == ("", ""), (email, row)
                line = {**line, "entitled": row.entitled.figure, "available": row.available.figure}
            figures = tuple(Amount.days(line[k]) for k in ("entitled", "taken", "pending", "lapsed", "available"))
            assert figures == (row.entitled, row.taken, row.pending, row.lapsed, row.available), (email, row)


def yearly(row: BalanceRow) -> bool:
    """Whether the type has a yearly balance, which the balances file shows whole."""
    return row.paid and not row.per_occurrence


def test_the_balances_file_today_is_the_balance_view(org: Organisation) -> None:
    today = org.clock.now().date()
    report = org.report(today.replace(day=1), today)
    shown = {(r["email"], r["type"]): r for r in rows(report, 1)}
    for email in org.emails:
        for row in org.service.balance_of(email).rows:
            assert shown[(email, row.type_key)]["available"] == (row.available.figure if yearly(row) else "")
            assert shown[(email, row.type_key)]["pending"] == row.pending.figure


def test_a_department_report_is_that_departments_share(org: Organisation) -> None:
    everyone = org.report(date(2026, 1, 1), date(2026, 12, 31))
    sales = org.report(date(2026, 1, 1), date(2026, 12, 31), "  sales ")
    assert sales.department == "Sales" and sales.files[0].name == "leave-taken-2026-01-01-to-2026-12-31-Sales.csv"
    members = {r["employee_id"] for r in rows(everyone, 1) if r["department"] == "Sales"}
    assert {k: v for k, v in taken(everyone).items() if k[0] in members} == taken(sales)
    assert {r["employee_id"] for r in rows(sales, 1)} == members


def test_an_unknown_department_is_named_with_those_that_exist(org: Organisation) -> None:
    view = org.service.execute(HR, Report("2026", date(2026, 1, 1), date(2026, 12, 31), "Marketing"), "test")
    assert isinstance(view, RefusalView)
    assert view.message == "There is no department 'Marketing'. Departments: Engineering, People, Sales, Support."
    with pytest.raises(LeaveError, match="no department 'Marketing'"):
        org.service.report(Report("2026", date(2026, 1, 1), date(2026, 12, 31), "Marketing"))


def test_only_hr_gets_a_report_and_refusals_are_audited(org: Organisation) -> None:
    for email in ("m2@org.test", "e03@org.test"):
        refused = org.service.handle_text(email, "report 2026-Q4", "slack")
        assert isinstance(refused, RefusalView) and refused.message.startswith("Reports are for HR admins")
    with org.uow_factory() as uow:
        audited = [e for e in uow.audit.since() if e.action == "not_hr"]
    assert [(e.actor, e.outcome, e.detail, e.source) for e in audited] == [
        ("m2@org.test", "refused", "report 2026-Q4", "slack"), ("e03@org.test", "refused", "report 2026-Q4", "slack")]
