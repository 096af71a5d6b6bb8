"""The Slack door's renderer: core views in, Block Kit JSON out, one Jinja2 template per kind.

Templates under ``bot/templates/slack`` are JSON with every value written through ``tojson``, so
no text can break out of its string. Text that a person typed or that names a person goes
through ``esc`` (mrkdwn escaping; ``quote`` for text that may run to several lines) and every
text through ``clip`` (Block Kit's length limits); the output is parsed back with
:func:`json.loads`, so a template that produces anything but JSON fails loudly in tests rather
than in a workspace. The same facts reach Slack as reach the terminal: the filters only format.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.rendering import template_environment
from bot.slack import escape
from bot.slack.escape import (
    ELLIPSIS,
    MESSAGE_BLOCKS,
    MESSAGE_TEXT,
    VIEW_BLOCKS,
    code_mrkdwn,
    escape_mrkdwn,
    quote_mrkdwn,
    truncate,
)
from bot.view_templates import TEMPLATES
from core import views
from core.domain.model import RequestStatus
from core.domain.text import counted, format_day

#: How many requests a list shows; Block Kit allows 50 blocks in a message, 100 in a view.
LIST_LIMIT = 20
HOME_LIST_LIMIT = 15
#: How much of an audit entry's detail its line shows.
AUDIT_DETAIL_LIMIT = 500
#: Block Kit's limits under their names in :mod:`bot.slack.escape`, so that templates write
#: ``clip(SECTION_TEXT)`` rather than a bare number.
BLOCK_KIT_LIMITS = {name: value for name, value in vars(escape).items() if name.isupper() and isinstance(value, int)}

STATUS_EMOJI = {
    RequestStatus.PENDING: ":hourglass_flowing_sand:",
    RequestStatus.APPROVED: ":white_check_mark:",
    RequestStatus.REJECTED: ":x:",
    RequestStatus.CANCELLED: ":no_entry_sign:",
}

Message = dict[str, Any]


@dataclass(frozen=True)
class ListActions:
    """Which buttons a request list offers: decisions (``/leave pending``) or cancelling (``/leave list``)."""

    decide: bool = False
    cancel: bool = False
    today: date | None = None


def slack_time(value: datetime | None) -> str:
    """A time that Slack shows in each reader's own time zone: "today at 10:00 AM", "Nov 24 at 4:30 PM"
    (so a template writes "approved by Vikram, {{ at|when }}", never "at" before it); the fallback is
    in the zone the view gives it (the reader's, or UTC)."""
    if value is None:
        return ""
    fallback = f"{format_day(value.date())} {value:%H:%M} {value.tzname() or 'UTC'}"
    return f"<!date^{int(value.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def can_cancel(request: views.RequestView, today: date | None) -> bool:
    """Whether a Cancel button is worth showing; the core still decides when it is clicked."""
    if request.status is RequestStatus.PENDING:
        return True
    return request.status is RequestStatus.APPROVED and (today is None or request.start > today)


_ENV = template_environment(
    "slack",
    filters={"esc": escape_mrkdwn, "code": code_mrkdwn, "quote": quote_mrkdwn, "clip": truncate, "when": slack_time},
    template_globals={"status_emoji": STATUS_EMOJI, "can_cancel": can_cancel, "list_limit": LIST_LIMIT,
                      "home_list_limit": HOME_LIST_LIMIT, "audit_detail_limit": AUDIT_DETAIL_LIMIT, **BLOCK_KIT_LIMITS},
)


def _render(name: str, block_limit: int, **context: Any) -> dict[str, Any]:
    """Render one template to a dict, holding it to Slack's block count."""
    rendered: dict[str, Any] = json.loads(_ENV.get_template(name).render(**context))
    blocks = rendered.get("blocks")
    if isinstance(blocks, list) and len(blocks) > block_limit:
        kept = blocks[: block_limit - 1]
        kept.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": f"{ELLIPSIS} and {counted(len(blocks) - len(kept), 'more block')} not shown."}]})
        rendered["blocks"] = kept
    if "text" in rendered:
        # The fallback text is plain words, but Slack reads mentions in it too: escape it whole.
        rendered["text"] = truncate(escape_mrkdwn(rendered["text"]), MESSAGE_TEXT)
    return rendered


def reply(view: views.View, actions: ListActions | None = None) -> Message:
    """The ephemeral reply to a command: ``{"text": ..., "blocks": [...]}``."""
    try:
        name = TEMPLATES[type(view)]
    except KeyError:
        raise TypeError(f"No Slack template for {type(view).__name__}") from None
    return _render(name, MESSAGE_BLOCKS, view=view, actions=actions or ListActions())


def notice_text(text: str) -> Message:
    """A one-line message of the door's own (e.g. why a person cannot be identified)."""
    return _render("refusal.j2", MESSAGE_BLOCKS, view=views.RefusalView(text))


def approval_card(notice: views.Notice) -> Message:
    """The approver's card: who, what, when, balance after, facts, who else is out; Approve / Reject."""
    return _render("approval_card.j2", MESSAGE_BLOCKS, notice=notice, r=notice.request)


def closed_card(request: views.RequestView, decider: views.Person | None = None) -> Message:
    """The same card once acted on: the facts and where the request stands, and no buttons.

    ``decider`` is who just approved a level of a request that now waits for the next level.
    """
    return _render("closed_card.j2", MESSAGE_BLOCKS, r=request, decider=decider)


def decided_message(request: views.RequestView, today: date | None = None) -> Message:
    """The employee's DM with the outcome; dates in the year of ``today`` (theirs) read without it."""
    return _render("decided_dm.j2", MESSAGE_BLOCKS, r=request, this_year=today.year if today else None)


def closed_message(request: views.RequestView) -> Message:
    """The approver's DM when someone else decided or cancelled a request they were asked about."""
    return _render("closed_dm.j2", MESSAGE_BLOCKS, r=request)


def reassigned_message(request: views.RequestView, holder: views.Person | None) -> Message:
    """To the employee and the previous approver: who holds a pending request now (None: HR)."""
    return _render("reassigned_dm.j2", MESSAGE_BLOCKS, r=request, holder=holder)


def document_added_message(notice: views.Notice) -> Message:
    """To an approver or HR: a document was handed in, with the button that opens it."""
    return _render("document_added_dm.j2", MESSAGE_BLOCKS, notice=notice, r=notice.request)


def corrected_message(notice: views.Notice) -> Message:
    """To the employee and the approver: HR cancelled or shortened leave (that had begun)."""
    return _render("corrected_dm.j2", MESSAGE_BLOCKS, notice=notice, r=notice.request)


def adjusted_message(notice: views.BalanceNotice) -> Message:
    """To the person whose balance HR credited or debited, with the reason and the balance now."""
    return _render("adjusted.j2", MESSAGE_BLOCKS, view=notice.adjustment, to_person=True)


def claim_message(notice: views.ClaimNotice) -> Message:
    """A comp-off claim: to its approver with Approve / Reject, to the claimant once decided."""
    return _render("compoff_claim.j2", MESSAGE_BLOCKS, view=notice.claim,
                   to_approver=notice.kind is views.NoticeKind.APPROVAL_NEEDED)


def document_modal(request_number: str, private_metadata: str) -> dict[str, Any]:
    """The hand-in form of a request: one file input."""
    return _render("document_modal.j2", VIEW_BLOCKS, number=request_number, private_metadata=private_metadata)


def apply_modal(form: views.ApplyFormView, private_metadata: str = "") -> dict[str, Any]:
    """The ``/leave apply`` form: type, start, end, half day, reason, document link."""
    return _render("apply_modal.j2", VIEW_BLOCKS, form=form, private_metadata=private_metadata)


def reject_modal(request_number: str, private_metadata: str, required: bool = True) -> dict[str, Any]:
    """The reason-for-rejection form that a Reject button opens; ``required``: the policy wants a reason."""
    return _render("reject_modal.j2", VIEW_BLOCKS, number=request_number, private_metadata=private_metadata,
                   required=required)


def info_modal(title: str, text: str) -> dict[str, Any]:
    """A modal that only says something (a refusal after submit), with a Close button."""
    return _render("info_modal.j2", VIEW_BLOCKS, title=title, text=text)


def home(page: views.HomeView, notice: str = "") -> dict[str, Any]:
    """The App Home tab; ``notice`` is a line above it, e.g. the outcome of a click on the tab."""
    return _render("home.j2", VIEW_BLOCKS, home=page, notice=notice)


def field_errors(errors: Mapping[str, str]) -> dict[str, str]:
    """Inline errors for ``response_action: errors``, each held to a field's text limit."""
    return {block: truncate(message, 2000, markup=False) for block, message in errors.items()}
