"""What lies around an application: the employee's days off near it and their active requests,
so that the per-type limits can see which requests touch it and the sandwich rule which days
lie between leave days.

Two requests *touch* when nothing but weekends and holidays lies between them: one ends the
working day before the other starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from core.domain.model import Employee, Holiday, LeaveRequest
from core.domain.workdays import LONGEST_RUN, holiday_dates


@dataclass(frozen=True)
class Surroundings:
    """The employee's weekend, their holidays over a window wide enough for every request listed,
    and their approved and pending requests."""

    weekend: frozenset[int]
    holidays: frozenset[date]
    requests: tuple[LeaveRequest, ...]

    def is_off(self, day: date) -> bool:
        return day.weekday() in self.weekend or day in self.holidays

    def working_day_before(self, day: date) -> date:
        return self._next_working(day, timedelta(days=-1))

    def working_day_after(self, day: date) -> date:
        return self._next_working(day, timedelta(days=1))

    def _next_working(self, day: date, step: timedelta) -> date:
        found = day + step
        for _ in range(LONGEST_RUN):
            if not self.is_off(found):
                break
            found += step
        return found

    def touching(self, start: date, end: date, type_keys: Iterable[str]) -> list[tuple[LeaveRequest, str]]:
        """Requests of ``type_keys`` that touch ``start``..``end``, each with ``before`` or ``after``."""
        keys = set(type_keys)
        before, after = self.working_day_before(start), self.working_day_after(end)
        found = [(r, "before") for r in self.requests if r.type_key in keys and r.covers(before)]
        return found + [(r, "after") for r in self.requests if r.type_key in keys and r.covers(after)]

    def stretch(self, start: date, end: date, type_key: str) -> list[LeaveRequest]:
        """The requests of ``type_key`` that make one stretch with ``start``..``end``: those touching
        it, those touching them, and so on, in date order."""
        chained: dict[int, LeaveRequest] = {}
        edges = [(start, end)]
        while edges:
            first, last = edges.pop()
            for request, _side in self.touching(first, last, [type_key]):
                key = request.id or 0
                if key not in chained:
                    chained[key] = request
                    edges.append((request.start, request.end))
        return sorted(chained.values(), key=lambda r: r.start)

    def whole_days(self, type_key: str, start: date, end: date) -> set[date]:
        """The dates from ``start`` to ``end`` that whole-day requests of ``type_key`` cover: what a
        sandwich may reach across to (a half day does not sandwich)."""
        days: set[date] = set()
        for request in self.requests:
            if request.type_key != type_key or request.half is not None:
                continue
            day = max(request.start, start)
            while day <= min(request.end, end):
                if request.covers(day):
                    days.add(day)
                day += timedelta(days=1)
        return days



def reach(start: date, end: date, requests: Sequence[LeaveRequest]) -> tuple[date, date]:
    """The dates whose holidays :class:`Surroundings` needs: a month past ``start``..``end`` and
    every one of ``requests``."""
    return (min([start, *(r.start for r in requests)]) - timedelta(days=LONGEST_RUN),
            max([end, *(r.end for r in requests)]) + timedelta(days=LONGEST_RUN))


def surroundings(employee: Employee, weekend: frozenset[int], holidays: Iterable[Holiday],
                 requests: Sequence[LeaveRequest], subdivision: str | None) -> Surroundings:
    """The employee's surroundings from the holidays read over :func:`reach`, and their approved
    and pending ``requests``; ``subdivision``: what the policy maps their location to."""
    off = holiday_dates(holidays, employee.region, employee.location, subdivision)
    return Surroundings(weekend, frozenset(off),
                        tuple(requests))
