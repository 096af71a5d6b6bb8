"""HR's policy page: the version in force, its history, and a new version uploaded.

A new version is read and checked exactly as ``leavebot policies load`` does: the YAML first (a
syntax error says where), then the core's checks (a ``PolicyError`` names the offending key).
Anything wrong is shown on the page and the version in force stays as it was.
"""

from __future__ import annotations

from aiohttp import web

from bot.policy_text import read_policy_yaml
from bot.web.forms import posted
from bot.web.hr import ask_desk, desk_view, hr_page, refused, uploaded
from bot.web.render import redirect_with_flash
from bot.web.session import Viewer, viewer
from core.commands import LoadPolicy, ShowPolicy
from core.views import DeskRefusal, PolicyLoadedView

routes = web.RouteTableDef()

POLICY = "/web/hr/policy"
#: What a version typed into the page rather than uploaded is called in its history.
TYPED = "typed on the dashboard"


@routes.get(POLICY)
async def policy_page(request: web.Request) -> web.StreamResponse:
    person = await viewer(request)
    return hr_page(request, "hr_policy.j2", person, view=await desk_view(request, person, ShowPolicy()), error=None)


@routes.post(POLICY)
async def load_policy(request: web.Request) -> web.StreamResponse:
    person, form = await posted(request)
    try:
        text, name = uploaded(form, "policy_file", "policy_text")
        if not text.strip():
            raise ValueError("Choose a YAML file or paste the policy; nothing was changed.")
        document = read_policy_yaml(text, name or TYPED)
    except ValueError as error:
        return await _refused(request, person, str(error))
    loaded = await ask_desk(request, person, LoadPolicy(document, name or TYPED))
    if isinstance(loaded, DeskRefusal):
        return await _refused(request, person, loaded.message)
    assert isinstance(loaded, PolicyLoadedView)  # the answer to a load
    raise redirect_with_flash(POLICY, f"{loaded.name}: loaded {loaded.leave_types} leave types, "
                                      f"{loaded.regions} regions, {loaded.holidays} holidays. It is now in force.")


async def _refused(request: web.Request, person: Viewer, message: str) -> web.Response:
    """The page again with what was wrong (HR), or the refusal (anyone else, who may not see the page)."""
    if not person.is_hr:
        raise refused(request, person, message)
    view = await desk_view(request, person, ShowPolicy())
    return hr_page(request, "hr_policy.j2", person, status=400, view=view, error=message)
