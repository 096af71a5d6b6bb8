"""The heat map's numbers: how many people of each department are out on each day of a range.

Only counts leave the core here, never names, so the picture can be shown to a whole channel.
A day counts for a person when their approved leave covers it and it is a working day for them
(their region's weekend and their holidays are not leave days, as for balances); a half day
counts as 0.5. Pending requests are not in the cells (they may still be refused): each row says
how many pending requests touch the range, and how many people are on pending leave each day, so
that a picture can draw them apart from the approved. A cell is *off* when the day is a weekend or
holiday for everyone in the department, so the picture can shade it. Each row carries its
department's team limit (the most people who may be out on a day), when the policy sets one.

The map travels inside the digest's stored payload, hence :meth:`HeatMap.to_payload` and
:meth:`HeatMap.from_payload` (plain JSON: dates as ISO text, counts as numbers).

Only the counting is here; reading the people, their requests and their days off is
:func:`core.shared.work_calendar.department_heatmap`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from core.domain.model import Employee, LeaveRequest, RequestStatus
from core.domain.workdays import HALF, ONE, each_day

ZERO = Decimal(0)
#: ``/leave team week`` and the digest show two weeks; ``/leave team month`` four.
WEEK_SPAN_DAYS = 14
MONTH_SPAN_DAYS = 28


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
    #: People on pending leave each day (a half day 0.5), apart from ``out``; empty: none.
    pending_out: tuple[Decimal, ...] = ()
    #: The most people of the department who may be out on a day (the policy's team limit); None: no limit.
    limit: int | None = None

    def pending_on(self, index: int) -> Decimal:
        """People on pending leave on the range's ``index``-th day."""
        return self.pending_out[index] if self.pending_out else ZERO


@dataclass(frozen=True)
class Peak:
    department: str
    headcount: int
    day: date | None
    out: Decimal
    pending: int
    limit: int | None = None


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
            found.append(Peak(row.department, row.headcount, day, most, row.pending, row.limit))
        return tuple(found)

    @property
    def departments(self) -> tuple[str, ...]:
        """The row labels: department names only, never a person's."""
        return tuple(row.department for row in self.rows)

    def to_payload(self) -> dict[str, Any]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "rows": [
            {"department": r.department, "headcount": r.headcount, "out": [float(n) for n in r.out],
             "off": list(r.off), "booked": list(r.booked), "pending": r.pending,
             "pending_out": [float(n) for n in r.pending_out], "limit": r.limit} for r in self.rows]}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> HeatMap:
        """The map a payload holds; one stored before the rows carried their pending days and limit
        reads as having neither."""
        rows = tuple(
            HeatRow(department=str(r["department"]), headcount=int(r["headcount"]),
                    out=tuple(Decimal(str(n)) for n in r["out"]), off=tuple(bool(o) for o in r["off"]),
                    booked=tuple(int(b) for b in r["booked"]), pending=int(r["pending"]),
                    pending_out=tuple(Decimal(str(n)) for n in r.get("pending_out", ())),
                    limit=None if r.get("limit") is None else int(r["limit"]))
            for r in payload["rows"]
        )
        return cls(date.fromisoformat(payload["start"]), date.fromisoformat(payload["end"]), rows)


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
    waiting: dict[str, list[Decimal]] = {dept: [ZERO] * len(days) for dept in by_department}
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
            counted = out if request.status is RequestStatus.APPROVED else waiting
            counted[department][index[day]] += HALF if request.half else ONE
    return tuple(
        HeatRow(department=dept, headcount=len(staff), out=tuple(out[dept]),
                off=tuple(all(day in off_days.get(m.employee_id, set()) for m in staff) for day in days),
                booked=tuple(len(people) for people in booked[dept]), pending=pending[dept],
                pending_out=tuple(waiting[dept]))
        for dept, staff in sorted(by_department.items(), key=lambda item: item[0].casefold())
    )
