"""How one person's words are read: their local today, their region's date order, their working days.

The grammar (:mod:`core.language.grammar`) reads words only; what ``28/12`` or ``2 days from monday`` means
depends on who typed it. This module gathers that from the directory and the policy in force, so
that every door reads the same line the same way for the same person.
"""

from __future__ import annotations

from datetime import date, timedelta

from core.commands import ApplyLeave, Command, PlanLeave
from core.domain.model import Employee
from core.domain.text import format_span
from core.domain.workdays import holiday_dates, working_dates
from core.language.grammar import Reading
from core.policy.rules import Region
from core.ports import UnitOfWork
from core.shared.context import CommandContext

#: Holidays are read this many calendar days at a time while counting working days forwards.
_LOOK_AHEAD_DAYS = 62

#: Counting stops this far ahead, whatever the calendar; validation refuses such a span anyway.
_COUNT_LIMIT = timedelta(days=3 * 366)


def reading_for(ctx: CommandContext) -> Reading:
    """How the actor's words are read; before any policy is loaded, day first and Mon-Fri.

    The returned counter reads holidays through the command's unit of work, so it is used inside it.
    """
    uow, employee, today = ctx.uow, ctx.actor, ctx.today
    policy = uow.policies.current()
    region = policy.regions.get(employee.region) if policy is not None else None
    if region is None:
        return Reading(today)
    return Reading(today, region.date_order,
                   lambda start, count: _last_working_day(uow, region, employee, start, count))


def _last_working_day(uow: UnitOfWork, region: Region, employee: Employee, start: date, count: int) -> date:
    """The last of ``count`` working days from ``start``: the region's weekend and the holidays of
    the person's region and location are skipped, as the working-day calculator skips them."""
    found: list[date] = []
    window = start
    while len(found) < count and window - start < _COUNT_LIMIT:
        last = window + timedelta(days=_LOOK_AHEAD_DAYS - 1)
        off = holiday_dates(uow.holidays.between(region.key, window, last), region.key, employee.location,
                            region.subdivision_of(employee.location))
        found += working_dates(window, last, region.weekend, off)
        window = last + timedelta(days=1)
    return found[count - 1] if len(found) >= count else window - timedelta(days=1)


def dates_read(command: Command, message: str) -> str:
    """A refusal of a typed application or plan, followed by the dates it was read as, so that a
    surprise (``next friday`` read as a day not meant) shows at once; other refusals as they are."""
    if not isinstance(command, ApplyLeave | PlanLeave):
        return message
    return f"{message} (I read the dates as {format_span(command.start, command.end, command.half)}.)"
