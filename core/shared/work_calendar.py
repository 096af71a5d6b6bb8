"""Which days are off for whom, read from storage: each person's weekend and holidays over a range,
and the department heat map counted over them.

Kept apart from :mod:`core.domain.heatmap` (the map itself, a view the ports name) because reading needs
the unit of work.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta

from core.domain.heatmap import HeatMap, count_out
from core.domain.model import Employee, RequestStatus
from core.domain.workdays import each_day, holiday_dates
from core.policy.rules import Policy
from core.ports import UnitOfWork

DEFAULT_WEEKEND = frozenset({5, 6})


class WorkCalendar:
    """Which days are off for a person (weekend of their region, holidays of their region and
    location) inside one range, each region's holidays read once."""

    def __init__(self, uow: UnitOfWork, policy: Policy, start: date, end: date) -> None:
        self._uow, self._policy, self._start, self._end = uow, policy, start, end
        self._holidays: dict[tuple[str, str], set[date]] = {}

    def off_days(self, employee: Employee) -> set[date]:
        key = (employee.region, employee.location)
        region = self._policy.regions.get(employee.region)
        if key not in self._holidays:
            found = self._uow.holidays.between(employee.region, self._start, self._end)
            subdivision = region.subdivision_of(employee.location) if region else None
            self._holidays[key] = holiday_dates(found, employee.region, employee.location, subdivision)
        weekend = region.weekend if region else DEFAULT_WEEKEND
        return {d for d in each_day(self._start, self._end) if d.weekday() in weekend} | self._holidays[key]


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
    rows = count_out(start, end, members, requests, off)
    return HeatMap(start, end, tuple(replace(row, limit=team_limit(policy, row.department, row.headcount))
                                     for row in rows))


def team_limit(policy: Policy, department: str, headcount: int) -> int | None:
    """The most people of ``department`` (``headcount`` strong) who may be out on one day: the
    strictest of the policy's team limits that cover it; None when none does."""
    allowed = [limit.allowed_out(headcount) for limit in policy.team_limits if limit.covers(department)]
    return min(allowed, default=None)
