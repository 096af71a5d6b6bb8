"""``/leave optional [YEAR]``: the optional (restricted) holidays a person may pick from.

The list is the region's (:mod:`core.policy.holiday_scopes`); each date shows the asker's booking
of it, pending or approved, and the reply says how many more the year allows, counted as an
application counts them (:mod:`core.policy.optional_holidays`). ``YEAR`` is a leave year of the
asker's region: with ``leave_year_start: 04-01``, 2026 lists 1 Apr 2026 to 31 Mar 2027.
"""

from __future__ import annotations

from datetime import date

from core.commands import ShowOptionalHolidays
from core.policy.optional_holidays import bookings
from core.shared.context import CommandContext, policy_in_force
from core.shared.eligibility import COUNTED, open_types
from core.views import OptionalHolidayRow, OptionalHolidaysView


def optional_holidays_for(ctx: CommandContext, command: ShowOptionalHolidays) -> OptionalHolidaysView:
    """The year's list with the asker's bookings; ``type_key`` is None when no type open to them
    books optional holidays (the list is shown all the same, with none left)."""
    actor, year = ctx.actor, command.year
    policy = policy_in_force(ctx.uow, date(year, 12, 31))  # 31 Dec lies in leave year ``year``, whatever its start
    leave_year = policy.leave_year(actor.region)
    region = policy.regions.get(actor.region)
    listed = [h for h in region.optional_holidays if leave_year.of(h.day) == year] if region else []
    kind = next((t for t in open_types(ctx.uow, policy, actor, ctx.today) if t.optional_holidays), None)
    if region is None or kind is None:
        rows = tuple(OptionalHolidayRow(h.day, h.name) for h in listed)
        return OptionalHolidaysView(year, actor.region, 0, 0, rows, leave_year=leave_year)
    active = ctx.uow.requests.search(employee_ids=[actor.employee_id], statuses=COUNTED)
    booked = {r.start: r for r in bookings(active, kind, year, leave_year)}
    rows = tuple(
        OptionalHolidayRow(h.day, h.name, booked[h.day].number, booked[h.day].status) if h.day in booked
        else OptionalHolidayRow(h.day, h.name)
        for h in listed
    )
    allowed = region.optional_holidays_allowed
    return OptionalHolidaysView(year, region.key, allowed, max(allowed - len(booked), 0), rows, kind.key,
                                leave_year)
