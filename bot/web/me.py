"""The "Me" page: my balances, my requests (cancel all or some of their days), and applying for leave.

Applying takes two steps, as in chat's ``plan`` then ``apply``: the form is first answered with the
plan (days counted, holidays inside, the balance after, every check), and only its Submit button
applies. The Submit form carries a one-off key, so that sending it twice (a double click, a reload)
makes one request. Every action is the chat command of the same meaning, run as the viewer
(``source="web"``): the same rules, refusals and audit.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.server import call_core
from bot.web.door import door_of
from bot.web.forms import posted, text_field
from bot.web.render import redirect_with_flash, render
from bot.web.session import Viewer, viewer
from core.commands import ApplyLeave, CancelRequest, Command, ListRequests, OpenApplyForm, PlanLeave, ShowBalance
from core.domain.hours import time_range_of_fields
from core.domain.model import HalfDay, RequestStatus
from core.views import (
    AppliedView,
    ApplyFormView,
    BalanceView,
    CancelledView,
    PlanView,
    RefusalView,
    RequestListView,
    SplitAppliedView,
    View,
)

routes = web.RouteTableDef()

HOME = "/web/"
SOURCE = "web"
#: The requests that may still be cancelled, all or in part (the core decides which days).
CANCELLABLE = frozenset({RequestStatus.PENDING, RequestStatus.APPROVED})
HALVES = (("", "Whole days"), (HalfDay.FIRST.value, "First half (morning)"),
          (HalfDay.SECOND.value, "Second half (afternoon)"))


@dataclass(frozen=True)
class Application:
    """What the apply form holds, as typed (re-shown on the page when something is wrong)."""

    leave_type: str = ""
    start: str = ""
    end: str = ""
    half: str = ""
    reason: str = ""
    time_from: str = ""
    time_to: str = ""

    @classmethod
    def of(cls, fields: Mapping[str, object]) -> Application:
        """From a POSTed form, or from the query of the plan's Change link."""
        return cls(*(text_field(fields, name) for name in cls.__dataclass_fields__))

    def change_link(self) -> str:
        """The Me page with the form filled in as it was, to change it."""
        return f"{HOME}?{urlencode(asdict(self))}#apply-title"

    def commands(self) -> tuple[PlanLeave, ApplyLeave]:
        """The plan and the application these fields ask for.

        Raises:
            ValueError: a field is missing or unreadable, with what to do.
        """
        if not self.leave_type:
            raise ValueError("Choose a leave type.")
        start = _day(self.start, "first day")
        end = _day(self.end, "last day") if self.end else start
        half = HalfDay(self.half) if self.half in (HalfDay.FIRST.value, HalfDay.SECOND.value) else None
        hours = time_range_of_fields(self.time_from, self.time_to)
        return (PlanLeave(self.leave_type, start, end, half, hours),
                ApplyLeave(self.leave_type, start, end, half, self.reason, time_range=hours))


@routes.get(HOME)
@routes.get("/web/me")
async def me(request: web.Request) -> web.StreamResponse:
    person = await viewer(request)
    return await _page(request, person, Application.of(request.query))


@routes.post("/web/me/plan")
async def plan(request: web.Request) -> web.StreamResponse:
    """The plan of what the form asks for, with a Submit button when the core would accept it."""
    person, form = await posted(request)
    application = Application.of(form)
    try:
        what, _ = application.commands()
    except ValueError as error:
        return await _page(request, person, application, problem=str(error), status=400)
    view = await _run(request, person, what, counted=True)
    if not isinstance(view, PlanView):
        return await _page(request, person, application, problem=_message(view), status=400)
    return render(request, "me_plan.j2", viewer=person, plan=view, application=application,
                  key=secrets.token_urlsafe(16))


@routes.post("/web/me/apply")
async def apply(request: web.Request) -> web.StreamResponse:
    person, form = await posted(request)
    application = Application.of(form)
    try:
        _, command = application.commands()
    except ValueError as error:
        return await _page(request, person, application, problem=str(error), status=400)
    key = text_field(form, "key") or None
    view = await _run(request, person, command, counted=True, idempotency_key=f"web:{key}" if key else None)
    if isinstance(view, AppliedView):
        r = view.request
        state = "approved" if r.status is RequestStatus.APPROVED else "waiting for approval"
        raise redirect_with_flash(HOME, f"Applied: {r.number}, {r.type_name}, {r.days.text()} ({state}).")
    if isinstance(view, SplitAppliedView):
        raise redirect_with_flash(HOME, "Applied: " + ", ".join(r.number for r in view.requests) + ".")
    return await _page(request, person, application, problem=_message(view), status=400)


@routes.post("/web/me/cancel")
async def cancel(request: web.Request) -> web.StreamResponse:
    """Cancel a request, or (with a first and last day) only those of its days."""
    person, form = await posted(request)
    request_id = text_field(form, "request")
    if not request_id.isdigit():
        return await _page(request, person, problem="Choose a request to cancel.", status=400)
    try:
        first = _day(text_field(form, "start"), "first day to cancel") if text_field(form, "start") else None
        last = _day(text_field(form, "end"), "last day to cancel") if text_field(form, "end") else first
    except ValueError as error:
        return await _page(request, person, problem=str(error), status=400)
    view = await _run(request, person, CancelRequest(int(request_id), first, last), counted=True)
    if isinstance(view, CancelledView):
        r = view.request
        raise redirect_with_flash(HOME, f"Cancelled {r.number}: {view.restored.text()} back in your balance.")
    return await _page(request, person, problem=_message(view), status=400)


async def _page(request: web.Request, person: Viewer, application: Application | None = None, *,
                problem: str = "", status: int = 200) -> web.Response:
    """The Me page, read on the person's behalf (not held against their rate limit)."""
    balance, requests, form = [await _run(request, person, command)
                               for command in (ShowBalance(), ListRequests(), OpenApplyForm())]
    context: dict[str, Any] = {
        "balance": balance if isinstance(balance, BalanceView) else None,
        "requests": requests.requests if isinstance(requests, RequestListView) else (),
        "leave_types": form.leave_types if isinstance(form, ApplyFormView) else (),
        "hours_types": form.hours_types if isinstance(form, ApplyFormView) else (),
        "problems": tuple(_message(v) for v in (balance, requests, form) if isinstance(v, RefusalView)),
    }
    today = door_of(request).clock.now().astimezone(ZoneInfo(person.time_zone)).date()  # the reader's today
    return render(request, "me.j2", viewer=person, status=status, application=application or Application(),
                  problem=problem, halves=HALVES, cancellable=CANCELLABLE, today=today, **context)


async def _run(request: web.Request, person: Viewer, command: Command, *, counted: bool = False,
               idempotency_key: str | None = None) -> View:
    """The command run as ``person``, exactly as chat runs it."""
    answer = await call_core(request.app, door_of(request).service.answer, person.email, command, SOURCE,
                             idempotency_key, counted=counted)
    assert answer is not None  # a person named by e-mail is never an unlinked chat account
    return answer.view


def _message(view: View) -> str:
    return view.message if isinstance(view, RefusalView) else "That was not done; reload the page and try again."


def _day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"The {what} must be a date such as 2026-12-24.") from None
