"""HR's people page: the directory searched, the employee CSV imported, a person deactivated.

The import is the CLI's (``leavebot employees import``): all or nothing, every bad line reported.
A rejected file is shown again with its problems line by line, and nothing is written.
Deactivating asks first: the list's button only shows who would be deactivated, and a second POST
(``confirmed``) does it.
"""

from __future__ import annotations

from aiohttp import web

from bot.web.forms import posted, text_field
from bot.web.hr import ask_desk, desk_view, hr_page, refused, uploaded
from bot.web.render import redirect_with_flash
from bot.web.session import viewer
from core.commands import DeactivateEmployee, ImportEmployees, ShowPeople
from core.views import DeactivatedView, DeskRefusal, ImportResult, PeopleView

routes = web.RouteTableDef()

PEOPLE = "/web/hr/people"


@routes.get(PEOPLE)
async def people_page(request: web.Request) -> web.StreamResponse:
    person = await viewer(request)
    search = request.query.get("q", "").strip()
    view = await desk_view(request, person, ShowPeople(search))
    return hr_page(request, "hr_people.j2", person, view=view, csv_text="", problems=(), message=None)


@routes.post(f"{PEOPLE}/import")
async def import_people(request: web.Request) -> web.StreamResponse:
    person, form = await posted(request)
    try:
        csv_text, name = uploaded(form, "csv_file", "csv_text")
    except ValueError as error:
        raise refused(request, person, str(error)) from None
    if not csv_text.strip():
        raise refused(request, person, "Choose a CSV file or paste its lines; nothing was imported.")
    answer = await ask_desk(request, person, ImportEmployees(csv_text))
    if isinstance(answer, DeskRefusal):
        if not person.is_hr:
            raise refused(request, person, answer.message)
        view = await desk_view(request, person, ShowPeople())
        return hr_page(request, "hr_people.j2", person, status=400, view=view, csv_text=csv_text,
                       problems=answer.problems, message=answer.message)
    assert isinstance(answer, ImportResult)  # the answer to an import
    source = f"{name}: " if name else ""
    raise redirect_with_flash(PEOPLE, f"{source}{answer.created} created, {answer.updated} updated, "
                                      f"{answer.unchanged} unchanged. Nothing else was changed.")


@routes.post(f"{PEOPLE}/deactivate")
async def deactivate(request: web.Request) -> web.StreamResponse:
    person, form = await posted(request)
    email = text_field(form, "email")
    if text_field(form, "confirmed") != "yes":
        view = await desk_view(request, person, ShowPeople(email))
        chosen = next((row for row in view.people if row.email.casefold() == email.casefold()), None) \
            if isinstance(view, PeopleView) else None
        if chosen is None:
            raise refused(request, person, f"No employee with e-mail {email}.")
        return hr_page(request, "hr_deactivate.j2", person, chosen=chosen)
    done = await desk_view(request, person, DeactivateEmployee(email))
    assert isinstance(done, DeactivatedView)  # the answer to a deactivation
    who = f"{done.person.name} ({done.person.email})"
    raise redirect_with_flash(PEOPLE, f"{who} was already inactive." if done.already else
                              f"{who} is now inactive: they can no longer sign in or act.")
