"""Approve or Reject from an e-mail: the pages behind the links in an approval-needed e-mail.

``GET /email/decide/<token>`` only shows what the link would decide (mail scanners and link
previews fetch every link in a message, so a GET must never decide); its button POSTs back to the
same address, which decides through the core like a click, as the approver the link was sent to
(:meth:`core.service.LeaveService.decide_by_link`).

No CSRF token is needed: the form posts the link's token itself, in its path, and that token *is*
the credential (random, single-use, bound to one approver and one decision). A forged cross-site
POST would need the token, and whoever has the token can decide anyway; no cookie or session
vouches for the request, so there is nothing ambient for another site to ride on.
"""

from __future__ import annotations

from aiohttp import web

from bot.email.link_pages import SERVICE, link_refused, mount_links
from bot.server import call_core
from bot.web.render import render
from core.errors import AlreadyDecided, InactiveEmployee, LeaveError, NotAllowed
from core.service import LeaveService
from core.views import CompOffClaimView, DecidedView

PATH = "/email/decide/{token}"
#: Longer reasons are cut, as a chat reason is (the core cleans it too).
REASON_LIMIT = 500
HINT = "Requests waiting for you are also listed by /leave pending in chat."

routes = web.RouteTableDef()


def mount_decide(app: web.Application, service: LeaveService) -> None:
    """Serve the Approve / Reject pages on ``app``."""
    mount_links(app, service, routes)


@routes.get(PATH)
async def confirm_page(request: web.Request) -> web.StreamResponse:
    service = request.app[SERVICE]
    try:
        link = await call_core(request.app, service.decision_link, request.match_info["token"])
    except LeaveError as error:
        return _refused(request, error)
    return render(request, "email_decide.j2", link=link, action=request.path)


@routes.post(PATH)
async def decide(request: web.Request) -> web.StreamResponse:
    service = request.app[SERVICE]
    form = await request.post()
    reason = str(form.get("reason", ""))[:REASON_LIMIT]
    try:
        view = await call_core(request.app, service.decide_by_link, request.match_info["token"], reason)
    except LeaveError as error:
        return _refused(request, error)
    number, outcome, message = _outcome(view)
    return render(request, "email_decided.j2", number=number, outcome=outcome, message=message)


def _outcome(view: DecidedView | CompOffClaimView) -> tuple[str, str, str]:
    """The number, what became of it, and a line saying so."""
    if isinstance(view, DecidedView):
        number, status = view.request.number, view.request.status
        who = view.request.employee.name
        waiting = view.request.waiting_for
    else:
        number, status, who, waiting = view.number, view.status, view.person.name, ("hr" if view.waiting_hr else None)
    if waiting is not None:
        return number, "approved at your step", f"Thank you. {number} now waits for HR's approval; {who} will hear " \
            "of the outcome."
    outcome = status.value.lower()
    return number, outcome, f"Done: {number} is {outcome}. {who} is told now."


def _refused(request: web.Request, error: LeaveError) -> web.Response:
    """403 when the decision was refused (not theirs any more, already decided, an approver no longer
    active), 400 for bad input (a reason missing); a link that cannot be used as :func:`link_refused` says."""
    final = isinstance(error, NotAllowed | AlreadyDecided | InactiveEmployee)
    status = web.HTTPForbidden.status_code if final else web.HTTPBadRequest.status_code
    return link_refused(request, error, status=status, title="Not decided", hint=HINT)
