"""What the channels are told: the weekly HR digest and each department's who's-out.

Both are built as plain, JSON-ready dicts (they are stored with the planned post and rendered
later by each door's templates), from a few bulk reads, so that a digest of a large organisation
takes one pass over its requests rather than a query per person.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core.compoff.lapsed import compoff_lapsed
from core.domain.amount import NO_DAYS, Amount
from core.domain.heatmap import WEEK_SPAN_DAYS
from core.domain.lists import cut
from core.domain.model import Employee, HalfDay, LeaveRequest, RequestStatus, format_request_number
from core.domain.workdays import days_by_year, total_days
from core.policy.counting import Counting, skipped
from core.policy.privacy import CHANNEL
from core.policy.rules import Policy
from core.ports import UnitOfWork
from core.reports.insight import digest_insight
from core.requests.absence import Absences
from core.requests.queries import carried_expiring
from core.shared.context import latest_policy
from core.shared.work_calendar import WorkCalendar, department_heatmap

#: A balance at or below this many days is "near zero".
NEAR_ZERO = Amount.days(1)
PENDING_TOO_LONG = timedelta(days=2)
UPCOMING_DAYS = 14
EXPIRY_WINDOW_DAYS = 30


def _half(request: LeaveRequest) -> str:
    """``FIRST``, ``SECOND`` or empty: the doors word it."""
    return request.half.value if isinstance(request.half, HalfDay) else ""


class _Days:
    """Working days of requests inside a window, by each person's region, holidays read once."""

    def __init__(self, uow: UnitOfWork, policy: Policy, start: date, end: date) -> None:
        self._calendar, self._start, self._end = WorkCalendar(uow, policy, start, end), start, end
        self._policy = policy

    def count(self, request: LeaveRequest, employee: Employee) -> Amount:
        """As the request counted them: every date for a type counted in calendar days, none for hours."""
        if request.time_range is not None:
            return NO_DAYS
        leave_type = self._policy.leave_types.get(request.type_key)
        # The calendar's off days hold the weekend too; a calendar-day type skips none of them.
        _, off = skipped(leave_type.counting if leave_type else Counting(), frozenset(),
                         self._calendar.off_days(employee))
        off = off | request.cancelled_dates
        first, last = max(request.start, self._start), min(request.end, self._end)
        # The calendar's off days already hold the weekend.
        return total_days(days_by_year(first, last, request.half, frozenset(), off))


def hr_digest(uow: UnitOfWork, now: datetime, week_of: date) -> dict[str, Any]:
    """The Monday digest for the week starting ``week_of`` (a Monday, the organisation's date)."""
    policy = latest_policy(uow)
    people = {e.employee_id: e for e in uow.employees.all()}
    type_name = {key: t.name for key, t in policy.leave_types.items()}
    last_start, last_end = week_of - timedelta(days=7), week_of - timedelta(days=1)
    counter = _Days(uow, policy, last_start, last_end)
    taken: dict[tuple[str, str], Amount] = defaultdict(lambda: NO_DAYS)
    for request in uow.requests.search(statuses=[RequestStatus.APPROVED], overlapping=(last_start, last_end)):
        employee = people.get(request.employee_id)
        if employee is not None:
            taken[(employee.department, request.type_key)] += counter.count(request, employee)
    upcoming_end = week_of + timedelta(days=UPCOMING_DAYS - 1)
    upcoming = [
        {"name": people[r.employee_id].name, "department": people[r.employee_id].department,
         "type": type_name.get(r.type_key, r.type_key), "start": r.start.isoformat(), "end": r.end.isoformat(),
         "half": _half(r), "status": r.status.value}
        for r in sorted(uow.requests.search(statuses=[RequestStatus.APPROVED, RequestStatus.PENDING],
                                            overlapping=(week_of, upcoming_end)), key=lambda r: (r.start, r.id or 0))
        if r.employee_id in people
    ]
    pending = uow.requests.search(statuses=[RequestStatus.PENDING])
    heatmap = department_heatmap(uow, policy, week_of, WEEK_SPAN_DAYS)
    return {
        "kind": "hr_digest",
        "week_of": week_of.isoformat(),
        "taken": _taken(taken, type_name),
        "upcoming": cut(upcoming),
        "upcoming_by_department": dict(sorted(Counter(row["department"] for row in upcoming).items())),
        "pending": cut(_pending_rows(pending, people, type_name, now)),
        "documents": cut(_documents(uow, people, type_name)),
        "low_balances": cut(_low_balances(uow, policy, people, pending, week_of)),
        "expiring": cut(_expiring(uow, policy, people, week_of)),
        "calendar_failures": cut(_calendar_failures(uow, people)),
        "chart": heatmap.to_payload(),
        "insight": digest_insight(uow, policy, list(people.values()), pending, week_of, heatmap, now),
        **compoff_lapsed(uow, policy, people, last_start, week_of),
    }


def _taken(taken: dict[tuple[str, str], Amount], type_name: dict[str, str]) -> dict[str, Any]:
    """Totals by type, and the departments' figures largest first (cut: a hundred departments
    would not fit on a phone, nor in a Teams card)."""
    by_type: dict[str, Amount] = defaultdict(lambda: NO_DAYS)
    for (_, key), days in taken.items():
        by_type[type_name.get(key, key)] += days
    rows = [{"department": dept, "type": type_name.get(key, key), "days": days.figure}
            for (dept, key), days in sorted(taken.items(), key=lambda item: (-item[1], item[0])) if days]
    return {"total": sum(taken.values(), NO_DAYS).figure,
            "by_type": [{"type": name, "days": days.figure} for name, days in sorted(by_type.items()) if days],
            "by_department": cut(rows)}


def _pending_rows(pending: Iterable[LeaveRequest], people: dict[str, Employee], type_name: dict[str, str],
                  now: datetime) -> list[dict[str, Any]]:
    rows = []
    for r in sorted(pending, key=lambda r: r.created_at):
        if now - r.created_at <= PENDING_TOO_LONG or r.employee_id not in people:
            continue
        approver = people.get(r.approver_id or "")
        rows.append({"number": r.number, "name": people[r.employee_id].name, "type": type_name.get(r.type_key,
                     r.type_key), "start": r.start.isoformat(), "waiting_days": (now - r.created_at).days,
                     "approver": approver.name if approver else "HR"})
    return rows


def _documents(uow: UnitOfWork, people: dict[str, Employee], type_name: dict[str, str]) -> list[dict[str, Any]]:
    return [{"number": format_request_number(d.request_id), "name": people[d.employee_id].name,
             "type": type_name.get(d.type_key, d.type_key), "start": d.start.isoformat()}
            for d in uow.jobs.documents_due() if d.employee_id in people]


def _low_balances(uow: UnitOfWork, policy: Policy, people: dict[str, Employee], pending: list[LeaveRequest],
                  today: date) -> list[dict[str, Any]]:
    """Balances near or below zero, each in the leave year containing ``today`` for its person; comp-off
    only below zero, since it is earned claim by claim and usually near zero."""
    current = _current_years(policy, people, today)
    held: dict[tuple[str, str], Amount] = defaultdict(lambda: NO_DAYS)
    for r in pending:
        if r.employee_id in current and r.time_range is None:  # hours are held against no balance
            held[(r.employee_id, r.type_key)] += r.year_days.get(current[r.employee_id], NO_DAYS)
    totals = {(employee_id, type_key): total for year in sorted(set(current.values()))
              for (employee_id, type_key), total in uow.jobs.ledger_totals(year).items()
              if current.get(employee_id) == year}
    rows = []
    for (employee_id, type_key), total in sorted(totals.items()):
        employee, leave_type = people.get(employee_id), policy.leave_types.get(type_key)
        if employee is None or not employee.is_active or leave_type is None or not leave_type.counting.yearly:
            continue
        available = Amount.days(total) - held[(employee_id, type_key)]
        if available < NO_DAYS or (available <= NEAR_ZERO and leave_type.comp_off is None):
            rows.append({"name": employee.name, "department": employee.department, "type": leave_type.name,
                         "available": available.figure, "negative": available < NO_DAYS})
    return sorted(rows, key=lambda row: (not row["negative"], row["name"]))


def _current_years(policy: Policy, people: dict[str, Employee], today: date) -> dict[str, int]:
    """Per person id, the leave year containing ``today`` in their region."""
    return {employee_id: policy.leave_year(e.region).of(today) for employee_id, e in people.items()}


def _expiring(uow: UnitOfWork, policy: Policy, people: dict[str, Employee], today: date) -> list[dict[str, Any]]:
    rows = []
    current = _current_years(policy, people, today)
    carried = {(employee_id, type_key, year): days for year in sorted(set(current.values()))
               for (employee_id, type_key), days in uow.jobs.ledger_totals(year, kinds=("CARRIED_IN",)).items()
               if current.get(employee_id) == year}
    for (employee_id, type_key, year), days in sorted(carried.items()):
        employee, leave_type = people.get(employee_id), policy.leave_types.get(type_key)
        if not days or employee is None or leave_type is None:
            continue
        entries = uow.ledger.entries(employee_id, year)
        left, expires = carried_expiring(uow, employee, leave_type, entries, year, today)
        if left and expires is not None and (expires - today).days <= EXPIRY_WINDOW_DAYS:
            rows.append({"name": employee.name, "type": leave_type.name, "days": left.figure,
                         "expires_on": expires.isoformat()})
    return rows


def _calendar_failures(uow: UnitOfWork, people: dict[str, Employee]) -> list[dict[str, Any]]:
    """Permanent calendar sync refusals, newest first: who, which request, provider, why and when."""
    rows = []
    for failure in uow.calendars.failures():
        request = uow.requests.get(failure.request_id)
        employee = people.get(request.employee_id) if request is not None else None
        rows.append({"number": format_request_number(failure.request_id),
                     "name": employee.name if employee is not None else failure.calendar,
                     "provider": failure.provider, "detail": failure.detail,
                     "failed_at": failure.at.isoformat()})
    return rows


def department_zone(members: Iterable[Employee], default: str) -> str:
    """A department's time zone: the one most of its people work in (its region's clock)."""
    zones = Counter(e.time_zone for e in members if e.is_active)
    return zones.most_common(1)[0][0] if zones else default


def whos_out(uow: UnitOfWork, now: datetime, department: str, day: date) -> dict[str, Any]:
    """Who in ``department`` is out today (each by their own local date) and later this week.

    The whole channel reads it, so a row names the leave type only when the policy makes it public
    (:mod:`core.policy.privacy`), else says "Out"; ``back_on`` is the person's first working day back.
    """
    policy = latest_policy(uow)
    members = {e.employee_id: e for e in uow.employees.all() if e.department == department and e.is_active}
    week_end = day + timedelta(days=6 - day.weekday())
    requests = uow.requests.search(employee_ids=list(members), statuses=[RequestStatus.APPROVED],
                                   overlapping=(day - timedelta(days=1), week_end + timedelta(days=1)))
    seen = Absences(uow, policy, CHANNEL, day, day - timedelta(days=1), max((r.end for r in requests), default=day))
    today: list[dict[str, Any]] = []
    later: list[dict[str, Any]] = []
    for r in sorted(requests, key=lambda r: (r.start, members[r.employee_id].name)):
        employee = members[r.employee_id]
        local = now.astimezone(ZoneInfo(employee.time_zone)).date()
        row = {"name": employee.name, "type": seen.type_label(r, employee), "start": r.start.isoformat(),
               "end": r.end.isoformat(), "half": _half(r), "back_on": seen.back_on(r, employee, local).isoformat()}
        if r.covers(local):
            today.append(row)
        elif local < r.end and r.start <= week_end:
            later.append(row)
    return {"kind": "whos_out", "department": department, "day": day.isoformat(), "today": cut(today),
            "this_week": cut(later)}
