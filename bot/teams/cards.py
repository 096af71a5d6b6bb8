"""The Teams door's renderer: Adaptive Cards (schema 1.5) from one Jinja2 template per kind.

Templates under ``bot/templates/teams`` are JSON with holes. Autoescaping is JSON escaping here:
every ``{{ ... }}`` is written out as a JSON value (the environment's ``finalize`` is
``json.dumps``), so a reason typed as ``"}, {"type": ...`` stays a string and can never change a
card's structure; templates never call ``tojson`` themselves. Arrays end with ``null`` after a
trailing comma, and nulls are dropped after parsing, so optional items need no comma bookkeeping. Text that people typed
goes into ``TextRun`` elements, which Teams shows as is rather than as markdown; every other text
is made inert after rendering (:mod:`bot.teams.markdown`), since names and labels come from outside too.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from markupsafe import Markup

from bot.rendering import template_environment
from bot.teams import pictures
from bot.teams.markdown import inert_card
from bot.teams.pictures import PictureLinks
from bot.view_templates import TEMPLATES as VIEW_TEMPLATES
from core import views
from core.domain.model import HalfDay, RequestStatus

Card = dict[str, Any]

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"

#: A decision is shown as the request's own card, refreshed for every viewer.
TEMPLATES = {**VIEW_TEMPLATES, views.DecidedView: "request.j2"}

#: The words of each status as a card shows them, with the Adaptive Card colour that goes with it.
STATUS_WORDS = {
    RequestStatus.PENDING: ("pending", "Warning"),
    RequestStatus.APPROVED: ("approved", "Good"),
    RequestStatus.REJECTED: ("rejected", "Attention"),
    RequestStatus.CANCELLED: ("cancelled", "Default"),
}

HALF_CHOICES = (("FULL", "Whole days"), (HalfDay.FIRST.value, "First half"), (HalfDay.SECOND.value, "Second half"))

#: The commands the welcome card runs with a click (verb ``run``, ``data.command``), with their buttons' titles.
QUICK_COMMANDS = {"balance": "Balance", "team": "Who's out"}

def _json(value: Any) -> Markup:
    """Write one ``{{ ... }}`` as a JSON value; a macro's output (already JSON) passes unchanged."""
    if isinstance(value, Markup):
        return value
    return Markup(json.dumps(value, ensure_ascii=False))


def _status(value: RequestStatus) -> str:
    return STATUS_WORDS[RequestStatus(value)][0]


def _colour(value: RequestStatus) -> str:
    return STATUS_WORDS[RequestStatus(value)][1]


def _holder(request: views.RequestView) -> str:
    """Who a pending request waits for, in words: the reader ("you"), its approver, or HR."""
    if request.yours_to_decide:
        return "you"
    if request.approver is None:
        return "HR"
    return f"{request.approver.name} (HR)" if request.waiting_for == "hr" else request.approver.name


def _when(value: datetime) -> str:
    """A moment as each reader's Teams shows it, in their own time zone and words: Adaptive Cards'
    ``DATE`` and ``TIME`` functions (in a TextBlock), ``Wed, Nov 25, 2026 at 10:00 AM`` in India."""
    moment = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    stamp = f"{moment:%Y-%m-%dT%H:%M:%S}Z"
    return f"{{{{DATE({stamp}, SHORT)}}}} at {{{{TIME({stamp})}}}}"


_ENV = template_environment(
    "teams",
    filters={"when": _when, "status": _status, "colour": _colour, "holder": _holder},
    template_globals={"half_choices": HALF_CHOICES, "quick_commands": QUICK_COMMANDS},
    # Autoescaping marks macro output as safe; ``finalize`` then JSON-encodes everything else.
    autoescape=True,
    finalize=_json,
)


def _compact(value: Any) -> Any:
    """Drop the nulls that templates use as placeholders (list items and absent properties)."""
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_compact(v) for v in value if v is not None]
    return value


def render(template: str, **context: Any) -> Card:
    """Render one template to a card; a template that yields invalid JSON is a bug and raises."""
    context.setdefault("refresh", None)
    context.setdefault("notice", None)
    text = _ENV.get_template(template).render(**context)
    try:
        card = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{template} rendered invalid JSON: {error}") from None
    inert: Card = inert_card(_compact(card))
    return inert


def refresh_section(request_id: int, user_ids: Sequence[str]) -> dict[str, Any]:
    """The ``refresh`` of a request's card: Teams asks for the current card when these people look."""
    return {"data": {"requestId": request_id}, "user_ids": list(user_ids)}


def render_view(
    view: views.View,
    *,
    can_decide: Callable[[views.RequestView], bool] = lambda request: False,
    refresh_user_ids: Sequence[str] = (),
    notice: str | None = None,
    picture_links: PictureLinks | None = None,
    reader_id: str | None = None,
) -> Card:
    """The card answering a command.

    Args:
        can_decide: whether the person reading may approve or reject a listed request; those
            get buttons in a list.
        refresh_user_ids: who sees a single request's card refreshed automatically.
        notice: a line shown above the content (e.g. the outcome of a decision made from a list).
        picture_links: where a team chart's picture is kept for a link (the bot has a public
            address); without, the picture goes inside the card if it fits.
        reader_id: the employee id of who reads it: one who approved an earlier step of a request
            reads "You approved — now with HR".
    """
    if isinstance(view, views.ApplyFormView):
        return apply_form(view)
    try:
        template = TEMPLATES[type(view)]
    except KeyError:
        raise TypeError(f"No Teams card for {type(view).__name__}") from None
    if isinstance(view, views.TeamChartView):
        # The picture is drawn here (the door calls this off the event loop).
        return pictures.pictured(lambda drawn: render(template, view=view, notice=notice, picture=drawn),
                                 view.heatmap, view.scope, links=picture_links, lifetime=pictures.CHART_LIFETIME,
                                 instead=pictures.CHART_INSTEAD)
    request = getattr(view, "request", None)
    refresh = refresh_section(request.id, refresh_user_ids) if request is not None and refresh_user_ids else None
    return render(template, view=view, can_decide=can_decide, refresh=refresh, notice=notice, reader_id=reader_id)


def apply_form(view: views.ApplyFormView, values: dict[str, str] | None = None, error: str | None = None,
               form_id: str | None = None) -> Card:
    """The apply form, filled in with what was sent when it comes back with an error.

    ``form_id`` travels with the submit; the door uses it as the request's idempotency key, so a
    double click or a retried invoke files one request.
    """
    return render("apply_form.j2", types=view.leave_types, hours_types=view.hours_types, values=values or {},
                  error=error, form_id=form_id or uuid.uuid4().hex)


def approval_card(request: views.RequestView, *, can_decide: bool, facts: Sequence[str] = (),
                  balance_after: dict[int, views.BalanceRow] | None = None,
                  team_out: Sequence[views.AbsenceView] = (), escalation: views.Escalation | None = None,
                  refresh_user_ids: Sequence[str] = (), notice: str | None = None, today: date | None = None) -> Card:
    """The approver's card: the request, what it means for the team and the balance, and the buttons;
    ``today`` is the approver's date, whose year the card's dates leave out.

    Once the request is no longer pending (or for someone who may not decide) it is the plain
    request card instead, with no buttons.
    """
    refresh = refresh_section(request.id, refresh_user_ids) if refresh_user_ids else None
    if not can_decide or request.status is not RequestStatus.PENDING:
        return render("request.j2", view=views.DecidedView(request), refresh=refresh, notice=notice)
    return render("approval.j2", r=request, facts=list(facts), balance_after=balance_after or {},
                  escalation=escalation, team_out=list(team_out), refresh=refresh, notice=notice,
                  this_year=today.year if today else None)


def request_card(request: views.RequestView, refresh_user_ids: Sequence[str] = (),
                 notice: str | None = None, to_employee: bool = False, reader_id: str | None = None,
                 today: date | None = None) -> Card:
    """A request as it stands, without buttons: after a decision, and for people who only watch;
    ``to_employee`` when it goes to the person whose request it is, who is addressed as "you" (and
    reads dates in the year of ``today``, theirs, without it); ``reader_id`` as for :func:`render_view`."""
    refresh = refresh_section(request.id, refresh_user_ids) if refresh_user_ids else None
    return render("request.j2", view=views.DecidedView(request), refresh=refresh, notice=notice,
                  to_employee=to_employee, reader_id=reader_id, this_year=today.year if today else None)


def document_added_card(notice: views.Notice) -> Card:
    """To an approver or HR: a document was handed in, with the button that opens it."""
    return render("document_added.j2", added=notice, r=notice.request)


def corrected_card(notice: views.Notice, refresh_user_ids: Sequence[str] = ()) -> Card:
    """To the employee and the approver: HR cancelled or shortened leave; the request as it stands now."""
    r = notice.request
    who = f"{notice.by.name} (HR)" if notice.by else "HR"
    yours = notice.recipient.employee_id == r.employee.employee_id
    what = f"your {r.number}" if yours else f"{r.number} ({r.employee.name})"
    told = (f"{who} cancelled {what}; its days are back in the balance." if r.status is RequestStatus.CANCELLED
            else f"{who} shortened {what}: it now counts {r.days.text()}; the days given back are in the balance.")
    return request_card(r, refresh_user_ids, notice=told, to_employee=yours)


def claim_card(notice: views.ClaimNotice) -> Card:
    """A comp-off claim: to its approver with Approve / Reject, to the claimant once decided."""
    return render("compoff_claim.j2", view=notice.claim, to_approver=notice.kind is views.NoticeKind.APPROVAL_NEEDED)


def adjusted_card(notice: views.BalanceNotice) -> Card:
    """To the person whose balance HR credited or debited, with the reason and the balance now."""
    return render("adjusted.j2", view=notice.adjustment, to_person=True)


def welcome_card(view: views.HelpView) -> Card:
    """The greeting of someone who added the app for themselves: short, with Apply, Balance and
    Who's out buttons; ``help`` gives the rest."""
    return render("welcome.j2", view=view)


def refusal_card(message: str) -> Card:
    return render("refusal.j2", view=views.RefusalView(message))
