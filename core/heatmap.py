"""The heat map's numbers: how many people of each department are out on each day of a range.

Only counts leave the core here, never names, so the picture can be shown to a whole channel.
A day counts for a person when their approved leave covers it and it is a working day for them
(their region's weekend and their holidays are not leave days, as for balances); a half day
counts as 0.5. Pending requests are not in the cells (they may still be refused): each row says
how many pending requests touch the range instead. A cell is *off* when the day is a weekend or
holiday for everyone in the department, so the picture can shade it.

The map travels inside the digest's stored payload, hence :meth:`HeatMap.to_payload` and
:meth:`HeatMap.from_payload` (plain JSON: dates as ISO text, counts as numbers).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from core.model import Employee, LeaveRequest, RequestStatus
from core.policy import Policy
from core.workdays import HALF, ONE, each_day, holiday_dates

if TYPE_CHECKING:  # the ports name the views, and the views name the heat map
    from core.ports import UnitOfWork

ZERO = Decimal(0)
#: ``/leave team week`` and the digest show two weeks; ``/leave team month`` four.
WEEK_SPAN_DAYS = 14
MONTH_SPAN_DAYS = 28
DEFAULT_WEEKEND = frozenset({5, 6})


@dataclass(frozen=True)
class HeatRow:
    """One department over the range: ``out[i]`` people out on the range's ``i``-th day."""

    department: str
    headcount: int
    out: tuple[Decimal, ...]
    off: tuple[bool, ...]
    #: Distinct people with approved or pending leave on each day (what team limits count).
    booked: tuple[int, ...]
    #: Pending requests that touch the range; not counted in ``out``.
    pending: int = 0


@dataclass(frozen=True)
class Peak:
    department: str
    headcount: int
    day: date | None
    out: Decimal
    pending: int


@dataclass(frozen=True)
class HeatMap:
    start: date
    end: date
    rows: tuple[HeatRow, ...]

    @property
    def days(self) -> tuple[date, ...]:
        return tuple(each_day(self.start, self.end))

    @property
    def peaks(self) -> tuple[Peak, ...]:
        """Each department's busiest day (the first, if several tie); ``day`` None when nobody is out."""
        found = []
        for row in self.rows:
            most = max(row.out, default=ZERO)
            day = self.days[row.out.index(most)] if most else None
            found.append(Peak(row.department, row.headcount, day, most, row.pending))
        return tuple(found)

    @property
    def departments(self) -> tuple[str, ...]:
        """The row labels: department names only, never a person's."""
        return tuple(row.department for row in self.rows)

    def to_payload(self) -> dict[str, Any]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "rows": [
            {"department": r.department, "headcount": r.headcount, "out": [float(n) for n in r.out],
             "off": list(r.off), "booked": list(r.booked), "pending": r.pending} for r in self.rows]}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> HeatMap:
        rows = tuple(
            HeatRow(department=str(r["department"]), headcount=int(r["headcount"]),
                    out=tuple(Decimal(str(n)) for n in r["out"]), off=tuple(bool(o) for o in r["off"]),
                    booked=tuple(int(b) for b in r["booked"]), pending=int(r["pending"]))
            for r in payload["rows"]
        )
        return cls(date.fromisoformat(payload["start"]), date.fromisoformat(payload["end"]), rows)


class WorkCalendar:
    """Which days are off for a person (weekend of their region, holidays of their region and
    location) inside one range, each region's holidays read once."""

    def __init__(self, uow: UnitOfWork, policy: Policy, start: date, end: date) -> None:
        self._uow, self._policy, self._start, self._end = uow, policy, start, end
        self._holidays: dict[tuple[str, str], set[date]] = {}

    def off_days(self, employee: Employee) -> set[date]:
        key = (employee.region, employee.location)
        if key not in self._holidays:
            found = self._uow.holidays.between(employee.region, self._start, self._end)
            self._holidays[key] = holiday_dates(found, employee.region, employee.location)
        region = self._policy.regions.get(employee.region)
        weekend = region.weekend if region else DEFAULT_WEEKEND
        return {d for d in each_day(self._start, self._end) if d.weekday() in weekend} | self._holidays[key]


def count_out(start: date, end: date, members: Iterable[Employee], requests: Iterable[LeaveRequest],
              off_days: Mapping[str, set[date]]) -> tuple[HeatRow, ...]:
    """The rows of a heat map, one per department of ``members`` (sorted by name).

    Args:
        members: the active people to count, each under their department.
        requests: approved and pending requests of those people that touch the range.
        off_days: each member's days off inside the range, by employee id.
    """
    days = list(each_day(start, end))
    index = {d: i for i, d in enumerate(days)}
    by_department: dict[str, list[Employee]] = defaultdict(list)
    for member in members:
        by_department[member.department].append(member)
    department_of = {m.employee_id: m.department for ms in by_department.values() for m in ms}
    out: dict[str, list[Decimal]] = {dept: [ZERO] * len(days) for dept in by_department}
    booked: dict[str, list[set[str]]] = {dept: [set() for _ in days] for dept in by_department}
    pending: dict[str, int] = defaultdict(int)
    for request in requests:
        department = department_of.get(request.employee_id)
        if department is None or request.status not in (RequestStatus.APPROVED, RequestStatus.PENDING):
            continue
        if request.status is RequestStatus.PENDING:
            pending[department] += 1
        away = off_days.get(request.employee_id, set())
        for day in each_day(max(start, request.start), min(end, request.end)):
            if day in away or not request.covers(day):
                continue
            booked[department][index[day]].add(request.employee_id)
            if request.status is RequestStatus.APPROVED:
                out[department][index[day]] += HALF if request.half else ONE
    return tuple(
        HeatRow(department=dept, headcount=len(staff), out=tuple(out[dept]),
                off=tuple(all(day in off_days.get(m.employee_id, set()) for m in staff) for day in days),
                booked=tuple(len(people) for people in booked[dept]), pending=pending[dept])
        for dept, staff in sorted(by_department.items(), key=lambda item: item[0].casefold())
    )


def department_heatmap(uow: UnitOfWork, policy: Policy, start: date, days: int,
                       departments: Iterable[str] | None = None) -> HeatMap:
    """The heat map of ``days`` days from ``start`` for ``departments`` (None: every department)."""
    end = start + timedelta(days=days - 1)
    wanted = None if departments is None else {d.casefold() for d in departments}
    members = [e for e in uow.employees.all()
               if e.is_active and (wanted is None or e.department.casefold() in wanted)]
    calendar = WorkCalendar(uow, policy, start, end)
    # The whole organisation is one query by dates; only a department's is narrowed to its people.
    requests = uow.requests.search(employee_ids=None if wanted is None else [m.employee_id for m in members],
                                   statuses=[RequestStatus.APPROVED, RequestStatus.PENDING],
                                   overlapping=(start, end)) if members else []
    off = {m.employee_id: calendar.off_days(m) for m in members}
    return HeatMap(start, end, count_out(start, end, members, requests, off))
