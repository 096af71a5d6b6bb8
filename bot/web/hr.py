"""HR's pages of the dashboard: what they share (asking the core as the viewer, refusals, uploads).

The door never decides who is HR. Every page and every POST asks the core as the viewer
(``LeaveService.desk`` for the desk's commands, ``LeaveService.answer`` for the chat commands HR
already has: ``report``, ``payroll``, ``team month``), and the core refuses anyone but an HR admin
and records the attempt, as it does in chat. The door only turns a refusal into a page: 403 for
someone who is not HR, 400 for HR's own bad input.
"""

from __future__ import annotations

from aiohttp import web

from bot.server import call_core
from bot.web.door import door_of
from bot.web.forms import Form, text_field
from bot.web.render import page_error, render
from bot.web.session import Viewer, viewer
from core.commands import Command, DeskCommand
from core.views import DeskRefusal, DeskView, RefusalView, View

routes = web.RouteTableDef()

HR = "/web/hr"
SOURCE = "web"
#: The largest upload (a CSV or a policy) read; bigger ones are refused before reading.
UPLOAD_LIMIT = 2 * 1024 * 1024
#: The HR pages, in the order of their menu: (path, title).
PAGES = (("/web/hr/people", "People"), ("/web/hr/policy", "Policy"), ("/web/hr/holidays", "Holidays"),
         ("/web/hr/reports", "Reports"), ("/web/hr/audit", "Audit"), ("/web/hr/ops", "Jobs and outbox"))


@routes.get(HR)
async def hr_home(request: web.Request) -> web.StreamResponse:
    await viewer(request)
    raise web.HTTPSeeOther(PAGES[0][0])


async def ask_desk(request: web.Request, person: Viewer, command: DeskCommand) -> DeskView | DeskRefusal:
    """Run one of HR's desk commands as ``person``; a refusal comes back, for the page to show."""
    service = door_of(request).service
    return await call_core(request.app, service.desk, person.email, command, SOURCE)


async def desk_view(request: web.Request, person: Viewer, command: DeskCommand) -> DeskView:
    """:func:`ask_desk`, a refusal raised as its page."""
    answer = await ask_desk(request, person, command)
    if isinstance(answer, DeskRefusal):
        raise refused(request, person, answer.message)
    return answer


async def ask_chat(request: web.Request, person: Viewer, asked: str | Command) -> View:
    """Run a chat command (typed words or a command) as ``person``; a refusal raised as its page."""
    answer = await call_core(request.app, door_of(request).service.answer, person.email, asked, SOURCE)
    view = answer.view if answer is not None else RefusalView("You are not known here.")
    if isinstance(view, RefusalView):
        raise refused(request, person, view.message)
    return view


def refused(request: web.Request, person: Viewer, message: str) -> web.HTTPException:
    """The refusal page: 403 for someone who is not an HR admin (the core refused and recorded it),
    400 for an HR admin's input the core would not take (it changed nothing)."""
    status: type[web.HTTPException] = web.HTTPBadRequest if person.is_hr else web.HTTPForbidden
    return page_error(request, status, message, viewer=person)


def hr_page(request: web.Request, template: str, person: Viewer, *, status: int = 200,
            **context: object) -> web.Response:
    """An HR page (``template`` extends ``web/hr_base.j2``), with HR's menu."""
    return render(request, template, viewer=person, status=status, pages=PAGES, **context)


def uploaded(form: Form, file_field: str, text_field_name: str) -> tuple[str, str | None]:
    """The text sent as a file (preferred when one was chosen) or typed in the text box, and the
    file's name (None when typed).

    Raises:
        ValueError: the file is not UTF-8 text, or too large (the message says which).
    """
    sent = form.get(file_field)
    if isinstance(sent, web.FileField) and sent.filename:
        data = sent.file.read(UPLOAD_LIMIT + 1)
        if len(data) > UPLOAD_LIMIT:
            raise ValueError(f"{sent.filename} is larger than {UPLOAD_LIMIT // (1024 * 1024)} MB.")
        try:
            return data.decode("utf-8-sig"), sent.filename
        except UnicodeDecodeError:
            raise ValueError(f"{sent.filename} is not UTF-8 text.") from None
    return text_field(form, text_field_name), None
