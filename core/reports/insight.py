"""The digest's insight, in counts: who has not rested, what will be lost, where the team is thin.

- *Quiet people*: active people employed for the whole window (the last 90 days) with no
  approved leave on any day of it, counted per department. The names go to HR admins only, on
  request (``/leave insight quiet [DEPARTMENT]``): a channel sees numbers.
- *Lost at year end*: for each leave type that carries days forward, the days that would expire
  on 31 December if nobody took more leave: the year's whole entitlement (accruals still to come
  included) less what was taken and what pending requests hold, above the carry-forward cap, by
  the same rule as the year-end job (:func:`core.balances.entitlement.year_end`). Types without a rule
  (maternity, paternity) are granted for an event, not to be used up, and types that carry nothing
  (sick leave) are meant to go unused: neither is "lost", and both are left out. Shown in the last
  quarter of the year only, when something can still be done about it.
- *At the team limit*: the working days of the coming two weeks on which a department has as many
  people out as its limit allows, or more (approved or pending, as the limit check counts them),
  each day over the limit marked: on those days the next request is refused or flagged.

Every list is cut as the digest's other lists are (:func:`core.domain.lists.cut`), the largest first: a
hundred departments with long names would not fit in a Slack section or a Teams message.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from core.balances.entitlement import grants, year_end
from core.commands import ShowQuiet
from core.domain.amount import NO_DAYS, Amount
from core.domain.heatmap import HeatMap
from core.domain.lists import cut
from core.domain.model import AuditEntry, Employee, EntryKind, LeaveRequest, RequestStatus
from core.domain.workdays import each_day
from core.errors import BadCommand, NotAllowed
from core.policy.rules import Policy
from core.ports import UnitOfWork
from core.shared.audit import NOT_HR
from core.shared.context import CommandContext, person, policy_on, refuse
from core.views import QuietView

QUIET_WINDOW_DAYS = 90
#: The year-end section shows from this many days before 31 December.
YEAR_END_WINDOW_DAYS = 92
#: Ledger kinds that are not grants: with the year's grants they make the balance at year end.
NOT_GRANTED = tuple(k.value for k in EntryKind if k not in (EntryKind.ALLOCATION, EntryKind.ACCRUAL))
QUIET_REFUSAL = "Names of people without recent leave are for HR admins; the weekly digest has the counts."


def quiet_window(today: date) -> tuple[date, date]:
    """The last ``QUIET_WINDOW_DAYS`` days before ``today``."""
    return today - timedelta(days=QUIET_WINDOW_DAYS), today - timedelta(days=1)


def quiet_people(uow: UnitOfWork, people: Iterable[Employee], since: date, until: date) -> list[Employee]:
    """The active people, employed since ``since``, with no approved leave between ``since`` and ``until``."""
    candidates = {e.employee_id: e for e in people if e.is_active and e.joining_date <= since}
    rested = {
        r.employee_id
        for r in uow.requests.search(employee_ids=list(candidates), statuses=[RequestStatus.APPROVED],
                                     overlapping=(since, until))
        if any(r.covers(d) for d in each_day(max(since, r.start), min(until, r.end)))
    } if candidates else set()
    return sorted((e for key, e in candidates.items() if key not in rested),
                  key=lambda e: (e.department.casefold(), e.name.casefold()))


def quiet_counts(quiet: Iterable[Employee]) -> dict[str, Any]:
    """How many quiet people in all, and per department, the most first (then by name)."""
    by_department: dict[str, int] = defaultdict(int)
    for employee in quiet:
        by_department[employee.department] += 1
    rows = [{"department": d, "people": n}
            for d, n in sorted(by_department.items(), key=lambda i: (-i[1], i[0].casefold()))]
    return {"total": sum(by_department.values()), "by_department": cut(rows)}


def year_end_loss(uow: UnitOfWork, policy: Policy, people: Iterable[Employee], pending: Iterable[LeaveRequest],
                  closing: Mapping[str, int], now: datetime) -> list[dict[str, Any]]:
    """Per leave type that carries days forward or pays them out: how many people would lose days,
    how many days, and how many days would be paid out instead.

    ``closing`` names, per person id, the leave year whose end is meant (people of regions whose
    leave years start in different months close different years); people it does not name are left out.
    """
    held: dict[tuple[str, str], Amount] = defaultdict(lambda: NO_DAYS)
    for r in pending:
        if r.employee_id in closing and r.time_range is None:  # hours are held against no balance
            held[(r.employee_id, r.type_key)] += r.year_days.get(closing[r.employee_id], NO_DAYS)
    moved = {year: uow.jobs.ledger_totals(year, kinds=NOT_GRANTED) for year in set(closing.values())}
    on = policy_on(uow)
    lost: dict[str, list[Amount]] = defaultdict(list)
    paid: dict[str, Amount] = defaultdict(lambda: NO_DAYS)
    for employee in people:
        if not employee.is_active or employee.employee_id not in closing:
            continue
        year, leave_year = closing[employee.employee_id], policy.leave_year(employee.region)
        types = [t for t in policy.types_for(employee.region) if t.max_carry_forward or t.overflow.encashes]
        granted: dict[str, Decimal] = defaultdict(Decimal)
        for grant in grants(on, employee, year, leave_year.last(year)):
            granted[grant.type_key] += grant.amount.value
        unused = {t.key: Amount.days(granted[t.key] + moved[year].get((employee.employee_id, t.key), Decimal(0)))
                         - held[(employee.employee_id, t.key)] for t in types}
        for entry in year_end(types, employee, year, unused, now, leave_year):
            if entry.kind is EntryKind.EXPIRY:
                lost[entry.type_key].append(-entry.amount)
            elif entry.kind is EntryKind.ENCASHMENT:
                paid[entry.type_key] -= entry.amount
    # Days a type pays out (``overflow: encash``) are not lost: its row says how many go that way.
    return [{"type": policy.leave_types[key].name, "people": len(lost[key]), "days": sum(lost[key], NO_DAYS).figure,
             **({"paid_out": paid[key].figure} if paid[key] else {})}
            for key in sorted({*lost, *(k for k, days in paid.items() if days)},
                              key=lambda key: policy.leave_types[key].name)]


def near_limit(heatmap: HeatMap) -> dict[str, Any]:
    """Departments with a working day on which as many people are out as their limit allows, or more,
    and those days (``over`` when more); the departments with the most such days first (then by name)."""
    found = []
    for row in heatmap.rows:
        if row.limit is None:
            continue
        days = [{"day": day.isoformat(), "out": booked, "over": booked > row.limit}
                for day, booked, off in zip(heatmap.days, row.booked, row.off, strict=True)
                if not off and booked >= row.limit]
        if days:
            found.append({"department": row.department, "limit": row.limit, "days": cut(days)})
    return cut(sorted(found, key=lambda f: (-f["days"]["total"], f["department"].casefold())))


def closing_soon(policy: Policy, people: Iterable[Employee], week_of: date) -> dict[str, int]:
    """Per person id, the leave year that ends within :data:`YEAR_END_WINDOW_DAYS` of ``week_of``
    (31 Dec for a calendar year, 31 Mar for an April one); people whose year end is further off are left out."""
    found = {}
    for employee in people:
        leave_year = policy.leave_year(employee.region)
        year = leave_year.of(week_of)
        if (leave_year.last(year) - week_of).days < YEAR_END_WINDOW_DAYS:
            found[employee.employee_id] = year
    return found


def digest_insight(uow: UnitOfWork, policy: Policy, people: list[Employee], pending: list[LeaveRequest],
                   week_of: date, heatmap: HeatMap, now: datetime) -> dict[str, Any]:
    """The digest's three insight sections (``year_end`` is None outside the last quarter)."""
    since, until = quiet_window(week_of)
    closing = closing_soon(policy, people, week_of)
    return {
        "quiet": {"since": since.isoformat(), "days": QUIET_WINDOW_DAYS,
                  **quiet_counts(quiet_people(uow, people, since, until))},
        "year_end": {"year": min(closing.values()), "types": cut(year_end_loss(uow, policy, people, pending, closing,
                                                                               now))}
        if closing else None,
        "near_limit": near_limit(heatmap),
    }


def quiet_for(ctx: CommandContext, command: ShowQuiet) -> QuietView:
    """HR's list behind the digest's count: who had no leave in the last 90 days; anyone else is
    refused, and the attempt audited."""
    uow, actor = ctx.uow, ctx.actor
    if not actor.is_hr:
        raise refuse(uow, NotAllowed(QUIET_REFUSAL), AuditEntry(
            at=ctx.clock.now(), actor=actor.email, action=NOT_HR, outcome="refused", detail="insight quiet",
            source=ctx.source))
    people = uow.employees.all()
    if command.department is not None:
        wanted = command.department.casefold()
        people = [e for e in people if e.department.casefold() == wanted]
        if not people:
            known = sorted({e.department for e in uow.employees.all() if e.is_active})
            raise BadCommand(f"There is no department called '{command.department}'. "
                                  f"Departments: {', '.join(known)}.")
    since, until = quiet_window(ctx.today)
    quiet = quiet_people(uow, people, since, until)
    department = people[0].department if command.department is not None else None  # as the directory spells it
    return QuietView(since=since, until=until, department=department,
                     people=tuple((e.department, person(e)) for e in quiet))
