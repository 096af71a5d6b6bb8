"""Whatever a person types (a reason, a note, a name), the real Slack and Teams templates show it
as text: it never adds a mention, a link, a quote or a formatting mark to a card.

The check does not trust the escaping it tests. Each card is rendered twice: once with the
hostile text, once with the same text made harmless (every character but line breaks replaced
by ``x``). Whatever Slack or Teams would read as markup is listed for both, in order; the lists
must be the same, so every mark on the card is the template's own.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.slack import render as slack
from bot.teams import cards as teams
from core import views
from core.domain.amount import NO_DAYS, Amount
from core.domain.model import RequestStatus
from tests.trees import nodes

#: Typed text, biased towards the characters that markup is made of. Short enough that no text
#: on a card is cut to fit (a cut would fall in different places in the two renderings).
MARKUP = "*_~`<>&|!@#[]()-+>.1 \n"
TYPED = st.text(alphabet=st.one_of(st.sampled_from(MARKUP), st.characters()), max_size=40)

#: mrkdwn: a link, mention or date token, an entity other than the three escapes, a formatting
#: mark, and a quote at the start of a line.
SLACK_MARKUP = re.compile(r"<|>|&(?!amp;|lt;|gt;)|[*~`]|(?<![^\W_])_|_(?![^\W_])|^[ \t]*(?:>|&gt;)", re.MULTILINE)
#: Teams' Markdown: emphasis, code, strike, a link's ``](`` and a list, heading or quote marker.
TEAMS_MARKUP = re.compile(r"[*~`]|(?<![^\W_])_|_(?![^\W_])|\]\s*\(|^[ \t]*(?:[-+#>]|\d+[.)])(?=\s|$)", re.MULTILINE)


def harmless(text: str) -> str:
    return re.sub(r"[^\n]", "x", text)


def requests(reason: str, note: str, name: str, approver: str) -> list[views.RequestView]:
    employee = views.Person("E3", name, "ananya@x.test")
    manager = views.Person("E2", approver, "boss@x.test")
    pending = views.RequestView(
        id=1, number="LV-1001", employee=employee, type_key="casual", type_name="Casual leave",
        start=date(2026, 12, 7), end=date(2026, 12, 9), half=None, days=Amount.days(3), status=RequestStatus.PENDING,
        reason=reason, approver=manager)
    decided = dataclasses.replace(pending, status=RequestStatus.REJECTED, decided_by=manager,
                                  decided_at=datetime(2026, 11, 25, 5, 12, tzinfo=UTC), decision_note=note)
    return [pending, decided]


def document_views(reason: str, note: str, name: str, approver: str) -> tuple[views.Notice, list[views.View]]:
    """A document named as typed (``note``), handed in for the pending request: its notice and replies."""
    pending, _decided = requests(reason, note, name, approver)
    document = views.DocumentInfo(1, note, "application/pdf", 2048, datetime(2026, 11, 25, 5, 12, tzinfo=UTC))
    notice = views.Notice("document_added:1:E2", views.NoticeKind.DOCUMENT_ADDED, pending.employee, pending,
                          document=document)
    return notice, [views.DocumentHandedInView(pending, document),
                    views.DocumentsView(pending, (views.DocumentCopy(document, b"%PDF"),), (views.ReportLink(
                        note, "https://leave.example.com/downloads/abc", datetime(2026, 11, 26, tzinfo=UTC)),))]


def slack_cards(reason: str, note: str, name: str, approver: str) -> list[dict[str, Any]]:
    pending, decided = requests(reason, note, name, approver)
    absence = views.AbsenceView(pending.approver or pending.employee, "Sick leave", date(2026, 12, 7),
                                date(2026, 12, 7), None, RequestStatus.APPROVED)
    notice = views.Notice("approval_needed:E2", views.NoticeKind.APPROVAL_NEEDED, decided.employee, pending,
                          {2026: views.BalanceRow("casual", "CL", "Casual leave", Amount.days(12), NO_DAYS,
                                                           Amount.days(3))},
                          (absence,), ("3 working days",))
    added, replies = document_views(reason, note, name, approver)
    return [slack.approval_card(notice), slack.closed_card(decided), slack.decided_message(decided),
            slack.reply(views.RequestListView("Your requests", (pending, decided))),
            slack.document_added_message(added), *(slack.reply(view) for view in replies)]


def teams_cards(reason: str, note: str, name: str, approver: str) -> list[dict[str, Any]]:
    pending, decided = requests(reason, note, name, approver)
    added, replies = document_views(reason, note, name, approver)
    return [teams.approval_card(pending, can_decide=True, facts=("3 working days",)),
            teams.request_card(decided), teams.document_added_card(added),
            *(teams.render_view(view) for view in replies)]


def slack_markup(message: dict[str, Any]) -> list[str]:
    """Every mark that Slack would read in a message: in its mrkdwn texts and its fallback text."""
    found = SLACK_MARKUP.findall(str(message.get("text", "")))
    for node in nodes(message.get("blocks", [])):
        if node.get("type") == "mrkdwn":
            found.extend(SLACK_MARKUP.findall(node["text"]))
    return found


def teams_markup(card: dict[str, Any]) -> list[str]:
    """Every mark that Teams would read as Markdown: in TextBlocks and in facts."""
    found: list[str] = []
    for node in nodes(card):
        if node.get("type") == "TextBlock":
            found.extend(TEAMS_MARKUP.findall(node["text"]))
        if node.get("type") == "FactSet":
            for fact in node["facts"]:
                found.extend(TEAMS_MARKUP.findall(fact["title"]) + TEAMS_MARKUP.findall(fact["value"]))
    return found


def same_markup(render: Callable[..., list[dict[str, Any]]], markup: Callable[[dict[str, Any]], list[str]],
                typed: tuple[str, str, str, str]) -> None:
    hostile = [markup(card) for card in render(*typed)]
    tame = [markup(card) for card in render(*(harmless(text) for text in typed))]
    assert hostile == tame


@settings(max_examples=200, deadline=None)
@given(TYPED, TYPED, TYPED, TYPED)
def test_typed_text_adds_no_markup_to_a_slack_card(reason: str, note: str, name: str, approver: str) -> None:
    same_markup(slack_cards, slack_markup, (reason, note, name, approver))


@settings(max_examples=200, deadline=None)
@given(TYPED, TYPED, TYPED, TYPED)
def test_typed_text_adds_no_markup_to_a_teams_card(reason: str, note: str, name: str, approver: str) -> None:
    same_markup(teams_cards, teams_markup, (reason, note, name, approver))


def test_the_check_sees_markup_that_slips_through() -> None:
    """The property fails for a card that lets a mark through: the comparison is not blind."""
    leaked = {"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*Reason*\n*Approved by HR*"}}]}
    tame = {"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*Reason*\nxxxxxxxxxxxxxxxx"}}]}
    assert slack_markup(leaked) != slack_markup(tame)
    assert teams_markup({"type": "TextBlock", "text": "[x](https://evil)"}) != teams_markup(
        {"type": "TextBlock", "text": "xxxxxxxxxxxxxxxxx"})
