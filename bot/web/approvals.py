"""The approvals page: what waits for the signed-in person's decision, with the approver card's
context, and Approve / Reject / bulk approve.

What waits is ``/leave pending`` (:class:`core.commands.ShowPending`), run as the viewer: it
includes the requests of people they cover or are delegated, and HR's queue for HR. Beside each
request stands what the approver's card shows (:meth:`core.service.LeaveService.request_seen_by`).
Every decision is a :class:`core.commands.Decide` (or :class:`core.commands.DecideClaim`) run as the
viewer, so the core checks who may decide and records refusals exactly as in chat; a bulk approval
is one such decision per request, each reported on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from bot.server import call_core
from bot.web.door import door_of
from bot.web.forms import Form, posted, text_field
from bot.web.render import page_error, redirect_with_flash, render
from bot.web.session import Viewer, viewer
from core.commands import Command, Decide, DecideClaim, ShowPending
from core.domain.compoff import format_claim_number, parse_claim_number
from core.domain.model import format_request_number
from core.errors import LeaveError
from core.views import CompOffClaimView, DecidedView, Notice, RefusalView, RequestListView, RequestView, View

routes = web.RouteTableDef()

SOURCE = "web"
PATH = "/web/approvals"
TITLE = "Approvals"
#: The checkboxes of the bulk approval: request ids and comp-off claim ids.
PICKED_REQUESTS = "request"
PICKED_CLAIMS = "claim"
NOTHING_PICKED = "Tick the requests to approve first; nothing was changed."
NOT_DONE = "Nothing was done; try again."


@dataclass(frozen=True)
class Waiting:
    """One request in the queue, with the approver card's context (None when the core gives none)."""

    request: RequestView
    notice: Notice | None


@dataclass(frozen=True)
class Outcome:
    """What one decision of a bulk approval came to: ``done`` or refused, in the core's words."""

    number: str
    done: bool
    message: str


@routes.get(PATH)
async def approvals_page(request: web.Request) -> web.StreamResponse:
    person = await viewer(request)
    service = door_of(request).service
    pending = await _ask(request, person, ShowPending())
    if not isinstance(pending, RequestListView):
        raise _refused(request, person, pending)
    waiting = []
    for item in pending.requests:
        seen = await call_core(request.app, service.request_seen_by, person.email, item.id)
        waiting.append(Waiting(item, seen.approver_notice if seen is not None else None))
    reason_required = await call_core(request.app, service.reject_reason_required)
    return render(request, "approvals.j2", viewer=person, waiting=waiting, claims=pending.claims,
                  reason_required=reason_required)


@routes.post(PATH + r"/{request_id:\d+}/{decision:approve|reject}")
async def decide(request: web.Request) -> web.StreamResponse:
    person, form = await posted(request)
    request_id, approve = int(request.match_info["request_id"]), request.match_info["decision"] == "approve"
    reason = "" if approve else _reason(form, format_request_number(request_id))
    view = await _ask(request, person, Decide(request_id, approve, reason))
    if not isinstance(view, DecidedView):
        raise _refused(request, person, view)
    raise redirect_with_flash(PATH, decided_text(view.request))


@routes.post(PATH + r"/claims/{number}/{decision:approve|reject}")
async def decide_claim(request: web.Request) -> web.StreamResponse:
    person, form = await posted(request)
    try:
        claim_id = parse_claim_number(request.match_info["number"])
    except LeaveError as error:
        raise page_error(request, web.HTTPBadRequest, error.message, viewer=person, title=TITLE) from None
    approve = request.match_info["decision"] == "approve"
    reason = "" if approve else _reason(form, format_claim_number(claim_id))
    view = await _ask(request, person, DecideClaim(claim_id, approve, reason))
    if not isinstance(view, CompOffClaimView):
        raise _refused(request, person, view)
    raise redirect_with_flash(PATH, claim_text(view))


@routes.post(PATH + "/bulk")
async def bulk_approve(request: web.Request) -> web.StreamResponse:
    """Approve every ticked request and claim, each through the core on its own: one refused does
    not hold back the others, and the page says what came of each."""
    person, form = await posted(request)
    try:
        requests = [int(value) for value in _ticked(form, PICKED_REQUESTS)]
        claims = [parse_claim_number(value) for value in _ticked(form, PICKED_CLAIMS)]
    except (ValueError, LeaveError):
        raise page_error(request, web.HTTPBadRequest, "That selection could not be read; nothing was changed.",
                         viewer=person, title=TITLE) from None
    if not requests and not claims:
        raise redirect_with_flash(PATH, NOTHING_PICKED)
    outcomes = [await _approve(request, person, Decide(request_id, True)) for request_id in requests]
    outcomes += [await _approve(request, person, DecideClaim(claim_id, True)) for claim_id in claims]
    return render(request, "approvals_done.j2", viewer=person, outcomes=outcomes,
                  approved=sum(1 for outcome in outcomes if outcome.done))


async def _approve(request: web.Request, person: Viewer, command: Decide | DecideClaim) -> Outcome:
    view = await _ask(request, person, command)
    if isinstance(view, DecidedView):
        return Outcome(view.request.number, True, decided_text(view.request))
    if isinstance(view, CompOffClaimView):
        return Outcome(view.number, True, claim_text(view))
    number = (format_request_number(command.request_id) if isinstance(command, Decide)
              else format_claim_number(command.claim_id))
    return Outcome(number, False, view.message if isinstance(view, RefusalView) else NOT_DONE)


async def _ask(request: web.Request, person: Viewer, command: Command) -> View:
    """``command`` run for the viewer as chat runs it (their role, their rate limit, the audit)."""
    answer = await call_core(request.app, door_of(request).service.answer, person.email, command, SOURCE)
    return answer.view if answer is not None else RefusalView(NOT_DONE)


def _refused(request: web.Request, person: Viewer, view: View) -> web.HTTPException:
    message = view.message if isinstance(view, RefusalView) else NOT_DONE
    return page_error(request, web.HTTPForbidden, message, viewer=person, title="Not done")


def _reason(form: Form, number: str) -> str:
    """The reason typed for the item shown as ``number`` (each has its own box in the page's one
    form), else the form's single ``reason`` box."""
    return text_field(form, f"reason-{number}") or text_field(form, "reason")


def _ticked(form: Form, name: str) -> list[str]:
    return [value.strip() for value in form.getall(name, []) if isinstance(value, str) and value.strip()]


def decided_text(request: RequestView) -> str:
    """One sentence on a decision, as the chat reply says it."""
    who = f"{request.number} ({request.employee.name}, {request.type_name}, {request.days.text()})"
    if request.status == "PENDING":
        return f"You approved {who}; it now waits for {'HR' if request.waiting_for == 'hr' else 'the next approver'}."
    return f"{who} {request.status.lower()}."


def claim_text(claim: CompOffClaimView) -> str:
    if claim.status == "PENDING":
        return f"You approved comp-off claim {claim.number} ({claim.person.name}); it now waits for the next approver."
    return f"Comp-off claim {claim.number} ({claim.person.name}) {claim.status.lower()}."
