"""What each notice says by e-mail: a subject, a plain-text body and an HTML body, from templates.

One pair of templates per kind of notice (``bot/templates/email/<kind>.txt.j2`` and
``.html.j2``) over the same views the chat doors render, with the same shared date and amount
wording (:mod:`bot.rendering`); the HTML is autoescaped, the plain text is not escaped at all.
The subject is set by the plain-text template (``{% set subject = ... %}``), so it reads as the
text does. Links (Approve, Reject, back to chat) are made by the caller and passed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.rendering import template_environment
from core.views import AnyNotice, BalanceNotice, ClaimNotice, Notice, NoticeKind

_TEXT = template_environment("email")
#: Every template, the shared sentences of ``_words.j2`` too, is escaped when it renders HTML.
_HTML = template_environment("email", autoescape=True)


@dataclass(frozen=True)
class Letter:
    """One e-mail's words: its subject and its two bodies."""

    subject: str
    text: str
    html: str


def template_of(notice: AnyNotice) -> str | None:
    """The templates' name for a notice; None for one that e-mail leaves unsaid: a request closed
    by the reader themself (they know; chat only redraws their card then)."""
    if isinstance(notice, BalanceNotice):
        return "adjusted"
    if isinstance(notice, ClaimNotice):
        return "compoff_claim"
    if notice.kind is NoticeKind.REQUEST_CLOSED:
        decider = notice.request.decided_by
        return None if decider is not None and decider.employee_id == notice.recipient.employee_id else "request_closed"
    return notice.kind.value


def letter(notice: AnyNotice, name: str, links: Mapping[str, str] | None = None) -> Letter:
    """The e-mail for ``notice`` from the templates ``name`` (:func:`template_of`).

    ``links`` holds ``approve_url``/``reject_url`` (an approval asked for) and ``unsubscribe_url``.
    """
    context: dict[str, Any] = {"notice": notice, "approve_url": "", "reject_url": "", "unsubscribe_url": "",
                               **(links or {})}
    if isinstance(notice, Notice):
        context.update(r=notice.request, this_year=notice.today.year if notice.today else None)
    elif isinstance(notice, BalanceNotice):
        context.update(v=notice.adjustment)
    else:
        context.update(v=notice.claim)
    return render_letter(name, context)


def render_letter(name: str, context: Mapping[str, Any]) -> Letter:
    """The templates ``name`` (``.txt.j2``, which sets the subject, and ``.html.j2``) over ``context``."""
    context = {"unsubscribe_url": "", **context}
    text_module = _TEXT.get_template(f"{name}.txt.j2").make_module(context)
    subject = " ".join(str(vars(text_module)["subject"]).split())  # what the template set
    html = _HTML.get_template(f"{name}.html.j2").render(subject=subject, **context)
    return Letter(subject=subject, text=str(text_module).strip() + "\n", html=html)
