"""HR's holidays page: each region's holidays of a year (from the policy and from syncs), with its
locations, and a sync from the ``holidays`` package, as ``leavebot holidays sync`` does."""

from __future__ import annotations

from aiohttp import web

from bot.web.door import door_of
from bot.web.forms import posted, text_field
from bot.web.hr import desk_view, hr_page, refused
from bot.web.render import redirect_with_flash
from bot.web.session import viewer
from core.commands import ShowHolidayDesk, SyncHolidays
from core.domain.dates import parse_year
from core.views import HolidaysSyncedView

routes = web.RouteTableDef()

HOLIDAYS = "/web/hr/holidays"


@routes.get(HOLIDAYS)
async def holidays_page(request: web.Request) -> web.StreamResponse:
    person = await viewer(request)
    this_year = door_of(request).clock.now().year
    typed = request.query.get("year", "").strip()
    year = parse_year(typed) if typed else this_year
    if year is None:
        raise refused(request, person, f"'{typed}' is not a year; write it as 2027.")
    view = await desk_view(request, person, ShowHolidayDesk(year))
    return hr_page(request, "hr_holidays.j2", person, view=view, years=range(this_year - 1, this_year + 3))


@routes.post(f"{HOLIDAYS}/sync")
async def sync(request: web.Request) -> web.StreamResponse:
    person, form = await posted(request)
    country, typed = text_field(form, "country"), text_field(form, "year")
    year = parse_year(typed)
    if not country or year is None:
        raise refused(request, person, "Give a country code (such as IN) and a year (such as 2027); "
                                       "nothing was synced.")
    synced = await desk_view(request, person, SyncHolidays(country, text_field(form, "subdivision") or None, year))
    assert isinstance(synced, HolidaysSyncedView)  # the answer to a sync
    where = f"people in {', '.join(synced.locations)}" if synced.locations else f"everyone in region {synced.region}"
    raise redirect_with_flash(f"{HOLIDAYS}?year={year}", f"Stored {synced.stored} public holidays for {synced.place} "
                                                         f"in {year}; they apply to {where}.")
