"""The heat map's counts: people out per department per day, half days, edges, days off, pending leave
per day, each department's team limit, no names."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

from core.commands import ShowTeamChart
from core.domain.amount import Amount
from core.domain.heatmap import HeatMap, count_out
from core.domain.model import Employee, EmployeeStatus, HalfDay, Holiday, LeaveRequest, RequestStatus, Role
from core.service import LeaveService
from core.shared.work_calendar import department_heatmap
from core.views import TeamChartView
from tests.unit.conftest import policy_document
from tests.unit.fakes import FakeStore

MONDAY = date(2026, 11, 30)
SUNDAY = date(2026, 12, 13)
WEEKEND = {date(2026, 12, 5), date(2026, 12, 6), date(2026, 12, 12), date(2026, 12, 13)}
AT = datetime(2026, 11, 20, tzinfo=UTC)


def employee(employee_id: str, department: str, first: str = "Zed") -> Employee:
    return Employee(employee_id, f"{employee_id.lower()}@x.test", first, "Quorra", None, Role.EMPLOYEE, department,
                    "Bengaluru", "INDIA", date(2020, 1, 1), EmployeeStatus.ACTIVE, "Asia/Kolkata")


def leave(employee_id: str, start: date, end: date, status: RequestStatus = RequestStatus.APPROVED,
          half: HalfDay | None = None, cancelled: frozenset[date] = frozenset()) -> LeaveRequest:
    return LeaveRequest(employee_id=employee_id, type_key="casual", start=start, end=end, days=Amount.days(1),
                        status=status, created_at=AT, half=half, cancelled_dates=cancelled)


PEOPLE = [employee("E1", "Engineering"), employee("E2", "Engineering"), employee("E3", "Sales")]
OFF = {e.employee_id: set(WEEKEND) for e in PEOPLE}


def day(n: int) -> date:
    return date(2026, 11, 30 + n) if n < 1 else date(2026, 12, n)


def test_a_half_day_counts_half_and_two_halves_of_one_person_make_one() -> None:
    requests = [leave("E1", day(1), day(1), half=HalfDay.FIRST), leave("E2", day(1), day(1), half=HalfDay.SECOND),
                leave("E2", day(2), day(2), half=HalfDay.FIRST), leave("E2", day(2), day(2), half=HalfDay.SECOND)]
    engineering, _sales = count_out(MONDAY, SUNDAY, PEOPLE, requests, OFF)
    assert engineering.out[1] == Decimal(1)  # two people, half a day each
    assert engineering.out[2] == Decimal(1)  # one person, both halves
    assert engineering.booked[1:3] == (2, 1)


def test_leave_across_the_edges_counts_only_inside_the_range_and_never_on_days_off() -> None:
    requests = [leave("E3", date(2026, 11, 23), day(2)), leave("E1", day(11), date(2026, 12, 18))]
    engineering, sales = count_out(MONDAY, SUNDAY, PEOPLE, requests, OFF)
    assert sales.out[:4] == (Decimal(1), Decimal(1), Decimal(1), Decimal(0))
    assert sum(sales.out) == 3
    assert engineering.out[-3:] == (Decimal(1), Decimal(0), Decimal(0))  # Fri 11 out; the weekend is off
    assert [d for d, off in zip(HeatMap(MONDAY, SUNDAY, ()).days, engineering.off, strict=True) if off] == sorted(
        WEEKEND)


def test_pending_is_booked_but_not_out_and_rejected_or_cancelled_days_are_nothing() -> None:
    requests = [leave("E1", day(3), day(3), RequestStatus.PENDING), leave("E2", day(3), day(3), RequestStatus.REJECTED),
                leave("E3", day(7), day(9), cancelled=frozenset({day(8)}))]
    engineering, sales = count_out(MONDAY, SUNDAY, PEOPLE, requests, OFF)
    assert engineering.out[3] == 0 and engineering.booked[3] == 1 and engineering.pending == 1
    assert [sales.out[i] for i in (7, 8, 9)] == [Decimal(1), Decimal(0), Decimal(1)]


def test_a_day_is_off_for_a_department_only_when_it_is_off_for_everyone_in_it() -> None:
    off = {"E1": {day(1), day(2)}, "E2": {day(1)}, "E3": set()}
    engineering, sales = count_out(MONDAY, SUNDAY, PEOPLE, [leave("E2", day(1), day(2))], off)
    assert engineering.off[1] and not engineering.off[2]
    assert engineering.out[1:3] == (Decimal(0), Decimal(1))  # E2's holiday is not a day of leave
    assert not any(sales.off)


def test_the_map_names_departments_only_and_survives_the_digest_payload(store: FakeStore,
                                                                       service: LeaveService) -> None:
    with store() as uow:
        uow.holidays.replace("INDIA", "test", [Holiday(day(3), "Founders' day", "INDIA", "Mumbai")])
        for request in (leave("E3", day(1), day(4)), leave("E4", day(3), day(3)), leave("E2", day(2), day(2),
                        RequestStatus.PENDING, HalfDay.FIRST)):
            uow.requests.add(request)
        uow.commit()
        heatmap = department_heatmap(uow, uow.policies.current(), MONDAY, 14)  # type: ignore[arg-type]
        people = uow.employees.all()
    assert heatmap.departments == ("Engineering", "People")
    engineering = heatmap.rows[0]
    assert engineering.headcount == 4
    assert engineering.out[1:5] == (Decimal(1), Decimal(1), Decimal(1), Decimal(1))  # E4 (Mumbai) has the holiday
    assert engineering.pending == 1 and engineering.booked[2] == 2
    payload = json.dumps(heatmap.to_payload())
    assert HeatMap.from_payload(json.loads(payload)) == heatmap
    for person in people:
        assert person.name not in payload and person.email not in payload and person.employee_id not in payload


def test_an_employee_sees_their_department_and_hr_sees_every_department(service: LeaveService) -> None:
    mine = service.execute("rahul@x.test", ShowTeamChart(14, MONDAY), "test")
    every = service.execute("hr@x.test", ShowTeamChart(28, MONDAY), "test")
    assert isinstance(mine, TeamChartView) and isinstance(every, TeamChartView)
    assert (mine.scope, mine.heatmap.departments) == ("Engineering", ("Engineering",))
    assert (every.scope, every.heatmap.departments) == ("all departments", ("Engineering", "People"))
    assert len(mine.heatmap.days) == 14 and len(every.heatmap.days) == 28


def test_pending_leave_is_counted_per_day_apart_from_the_approved() -> None:
    requests = [leave("E1", day(1), day(2), RequestStatus.PENDING), leave("E2", day(2), day(2)),
                leave("E3", day(2), day(2), RequestStatus.PENDING, HalfDay.SECOND)]
    engineering, sales = count_out(MONDAY, SUNDAY, PEOPLE, requests, OFF)
    assert engineering.pending_out[1:3] == (Decimal(1), Decimal(1)) and engineering.out[1:3] == (0, Decimal(1))
    assert sales.pending_on(2) == Decimal("0.5") and sales.out[2] == 0
    assert engineering.pending_on(5) == 0  # the weekend is no day of leave, pending or not


def test_each_row_carries_its_departments_team_limit_and_an_old_payload_reads_without(
        store: FakeStore, service: LeaveService) -> None:
    document = policy_document()
    document["team_limits"] = [{"departments": ["Engineering"], "max_out_percent": 50},
                               {"departments": ["Engineering"], "max_out": 3}]
    service.load_policy(document, "test")
    with store() as uow:
        heatmap = department_heatmap(uow, uow.policies.current(), MONDAY, 14)  # type: ignore[arg-type]
    engineering, people = heatmap.rows
    assert (engineering.headcount, engineering.limit, people.limit) == (4, 2, None)  # the stricter: half of four
    assert [p.limit for p in heatmap.peaks] == [2, None]
    assert HeatMap.from_payload(json.loads(json.dumps(heatmap.to_payload()))) == heatmap
    stored_before = heatmap.to_payload()
    for row in stored_before["rows"]:
        del row["pending_out"], row["limit"]
    old = HeatMap.from_payload(stored_before)
    assert [r.limit for r in old.rows] == [None, None] and old.rows[0].pending_on(3) == 0
