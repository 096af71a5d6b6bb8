"""The team calendar of a month: who is out on each day, among the people the viewer may see.

It follows chat's rules rather than adding its own: the people in view are those ``/leave team``
shows the viewer (:func:`core.requests.queries.team_members`: their manager, the people who share
that manager, their own reports), and HR admins see everyone, as their report does; each absence
reads as :class:`core.requests.absence.Absences` tells it, "Out" unless the viewer may see the
type (:mod:`core.policy.privacy`). Pending leave is shown as pending; days the person does not
work (their weekend, their holidays) are left empty.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from datetime import date

from core.domain.dates import clip
from core.domain.model import Employee, LeaveRequest
from core.domain.workdays import each_day, holidays_listed
from core.errors import BadCommand
from core.policy.privacy import OUT
from core.policy.rules import Policy
from core.ports import UnitOfWork
from core.requests.absence import Absences
from core.requests.assessment import ACTIVE
from core.requests.queries import team_members
from core.shared.context import CommandContext, latest_policy, person
from core.shared.work_calendar import WorkCalendar
from core.views import MonthCell, MonthDay, MonthRow, TeamMonthView

_MONTH = re.compile(r"(\d{4})-(\d{2})")
EVERYONE = "everyone"
YOUR_TEAM = "your team"


def month_start(text: str | None, today: date) -> date:
    """The first day of the month written ``YYYY-MM`` (``2026-12``); this month when nothing is written.

    Raises:
        BadCommand: the text is not a month.
    """
    if not text or not text.strip():
        return today.replace(day=1)
    found = _MONTH.fullmatch(text.strip())
    if found is None or not 1 <= int(found[2]) <= 12 or int(found[1]) < 1900:
        raise BadCommand(f"'{clip(text, 40)}' is not a month; write it as {today:%Y-%m}.")
    return date(int(found[1]), int(found[2]), 1)


def team_month(ctx: CommandContext, month: str | None, department: str | None = None,
               location: str | None = None) -> TeamMonthView:
    """The month's calendar as ``ctx.actor`` may see it, narrowed to a department and a location.

    Raises:
        BadCommand: the month cannot be read, or the department or location is not one of those
            the viewer can choose from (they are named in the message).
    """
    uow, actor = ctx.uow, ctx.actor
    start = month_start(month, ctx.today)
    end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
    visible = _visible(ctx)
    departments = _choices(e.department for e in visible)
    locations = _choices(e.location for e in visible)
    department = _chosen(department, departments, "department")
    location = _chosen(location, locations, "location")
    members = {e.employee_id: e for e in visible
               if (department is None or e.department == department) and (location is None or e.location == location)}
    requests = uow.requests.search(employee_ids=list(members), statuses=ACTIVE,
                                   overlapping=(start, end)) if members else []
    policy = latest_policy(uow)
    absences = Absences(uow, policy, actor, ctx.today, start, end)
    work = WorkCalendar(uow, policy, start, end)
    by_person: dict[str, list[LeaveRequest]] = {}
    for request in requests:
        by_person.setdefault(request.employee_id, []).append(request)
    rows = []
    for employee_id, taken in by_person.items():
        subject = members[employee_id]
        off = work.off_days(subject)
        cells = tuple(None if day in off else _cell(policy, absences, taken, subject, day)
                      for day in each_day(start, end))
        if any(cells):
            rows.append(MonthRow(person(subject), subject.department, subject.location, cells))
    rows.sort(key=lambda row: (row.person.name.casefold(), row.person.employee_id))
    return TeamMonthView(month=start, days=_days(uow, policy, actor, work, start, end), rows=tuple(rows),
                         scope=EVERYONE if actor.is_hr else YOUR_TEAM, people=len(members),
                         departments=departments, locations=locations, department=department, location=location)


def _visible(ctx: CommandContext) -> list[Employee]:
    """The people whose leave the viewer may see at all: everyone active for HR, else their team."""
    if ctx.actor.is_hr:
        return [e for e in ctx.uow.employees.all() if e.is_active]
    return team_members(ctx.uow, ctx.actor)


def _choices(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({v for v in values if v}, key=str.casefold))


def _chosen(value: str | None, choices: tuple[str, ...], what: str) -> str | None:
    """``value`` as one of ``choices`` (any case); None for no choice.

    Raises:
        BadCommand: naming the choices the viewer has.
    """
    if value is None or not value.strip():
        return None
    for choice in choices:
        if choice.casefold() == value.strip().casefold():
            return choice
    raise BadCommand(f"'{clip(value, 60)}' is not a {what} you can look at; choose one of: "
                     f"{', '.join(choices) or 'none'}.")


def _cell(policy: Policy, absences: Absences, taken: list[LeaveRequest], subject: Employee,
          day: date) -> MonthCell | None:
    for request in taken:
        if request.covers(day):
            label = absences.type_label(request, subject)
            leave_type = policy.leave_types.get(request.type_key)
            code = leave_type.code if leave_type is not None and label != OUT else OUT
            half = request.half if request.start == request.end else None
            return MonthCell(label, code, request.status, half)
    return None


def _days(uow: UnitOfWork, policy: Policy, viewer: Employee, work: WorkCalendar, start: date,
          end: date) -> tuple[MonthDay, ...]:
    """The month's days, shaded by the viewer's own weekend and holidays."""
    region = policy.regions.get(viewer.region)
    found = uow.holidays.between(viewer.region, start, end)
    names = {h.day: h.name for h in holidays_listed(found, viewer.region, viewer.location,
                                                    region.subdivision_of(viewer.location) if region else None)}
    off = work.off_days(viewer)
    return tuple(MonthDay(day, day in off, names.get(day, "")) for day in each_day(start, end))
