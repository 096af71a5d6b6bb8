"""Escalations and reminders with context, through the scheduler's tick on a frozen clock.

Ananya files on Monday 30 Nov for Monday 21 Dec; Vikram, who has no manager, does not answer, so
on Thursday at 09:30 (three working days on) the request goes up to HR (Meera), who already has
Vikram's own request waiting. In that one tick Meera gets the escalated card, which says why it
came to her and how long it waited, and a reminder that leaves the escalated request out; from
the next morning her reminder lists both. "Applied N days ahead" counts from the filing date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from bot.slack import render as slack_render
from bot.teams import cards as teams_cards
from core.commands import ApplyLeave
from core.domain.model import format_request_number
from core.ports import UnitOfWork
from core.service import LeaveService
from core.views import AppliedView, Notice, NoticeKind
from scheduler.runner import AlwaysLeader, SchedulerRunner
from tests.integration.scheduler.helpers import RecordingPoster, add_pending, at
from tests.trees import nodes
from tests.unit.fakes import FixedClock

WHY = "Escalated to you: no answer from Vikram Rao in 3 working days; waiting 3 days since it was filed"


class Door:
    """The outbox's side of a door: keeps the notices it is handed."""

    name = "slack"

    def __init__(self) -> None:
        self.sent: list[Notice] = []

    def deliver(self, notice: Notice) -> None:
        self.sent.append(notice)

    def cards_to(self, employee_id: str) -> list[Notice]:
        return [n for n in self.sent if n.kind is NoticeKind.APPROVAL_NEEDED and n.recipient.employee_id == employee_id]


def reminded(poster: RecordingPoster) -> dict[str, list[str]]:
    """Who was reminded of which requests."""
    return {p["approver"]["employee_id"]: [r["number"] for r in p["requests"]]
            for _, _, p in poster.of_kind("approval_reminder")}


def slack_text(notice: Notice) -> str:
    message = slack_render.approval_card(notice)
    return " ".join(str(n["text"]) for n in nodes(message["blocks"]) if isinstance(n.get("text"), str))


def teams_text(notice: Notice) -> str:
    card: dict[str, Any] = teams_cards.approval_card(
        notice.request, can_decide=True, facts=notice.facts, balance_after=notice.balance_after,
        team_out=notice.team_out, escalation=notice.escalation)
    return " ".join(str(n["text"]) for n in nodes(card) if isinstance(n.get("text"), str))


def test_the_escalated_card_says_why_and_no_reminder_repeats_it_the_same_minute(
        org: LeaveService, uow_factory: Callable[[], UnitOfWork], clock: FixedClock) -> None:
    clock.at = at(2026, 11, 30, 3)  # Monday 08:30 in Kolkata
    applied = org.execute("ananya@x.test", ApplyLeave("casual", date(2026, 12, 21), date(2026, 12, 21)), "test")
    assert isinstance(applied, AppliedView)
    number = applied.request.number
    # Vikram's own request, filed on Wednesday: it waits for Meera, and is not due to move up this week.
    own = add_pending(uow_factory, "E2", "E1", date(2026, 12, 22), at(2026, 12, 2, 3))
    door, poster = Door(), RecordingPoster()
    # The outbox is delivered by the same tick, as ``leavebot serve`` does.
    scheduler = SchedulerRunner(org, clock, AlwaysLeader(), {"slack": poster},
                                extra=[lambda: org.deliver_notices([door])], sleep=lambda seconds: None)

    scheduler.tick()  # 08:30: nothing due yet but the outbox
    (first,) = door.cards_to("E2")
    assert first.facts[0] == "Applied 21 days ahead" and first.escalation is None

    for day in (1, 2, 3):  # Tuesday to Thursday, 09:30
        clock.at = at(2026, 12, day, 4)
        scheduler.tick()
        if day < 3:
            assert reminded(poster)["E2"] == [number]
            poster.posts.clear()

    # Thursday: three working days without an answer. One card to Meera, and her reminder without it.
    (escalated,) = door.cards_to("E1")
    assert escalated.request.number == number
    assert escalated.escalation is not None and escalated.escalation.unanswered is not None
    assert escalated.escalation.unanswered.name == "Vikram Rao"
    assert (escalated.escalation.working_days, escalated.escalation.waited_days) == (3, 3)
    assert escalated.facts[0] == "Applied 21 days ahead"  # from Monday's filing, not from Thursday
    assert WHY in slack_text(escalated) and WHY in teams_text(escalated)
    own_number = format_request_number(own)
    assert reminded(poster) == {"E1": [own_number]}

    # Friday: the escalated request is Meera's like any other, and the reminder lists both.
    poster.posts.clear()
    clock.at = at(2026, 12, 4, 4)
    scheduler.tick()
    assert sorted(reminded(poster)["E1"]) == sorted([number, own_number])
    # A card redrawn later (a click, a Teams refresh) still says why the request came to Meera, and
    # counts the wait to the day it is drawn.
    seen = org.request_seen_by("hr@x.test", applied.request.id)
    assert seen is not None and seen.approver_notice is not None
    assert seen.approver_notice.escalation == replace(escalated.escalation, waited_days=4)


def test_an_hr_admin_who_had_the_request_is_not_named_to_herself(
        org: LeaveService, uow_factory: Callable[[], UnitOfWork], clock: FixedClock) -> None:
    clock.at = at(2026, 11, 30, 3)  # Monday 08:30 in Kolkata
    # Vikram's request waits for Meera, his approver; she has no manager, so it goes up to HR: herself.
    add_pending(uow_factory, "E2", "E1", date(2026, 12, 21), clock.at)
    door = Door()
    scheduler = SchedulerRunner(org, clock, AlwaysLeader(), {"slack": RecordingPoster()},
                                extra=[lambda: org.deliver_notices([door])], sleep=lambda seconds: None)
    for day in (1, 2, 3):  # Tuesday to Thursday, 09:30
        clock.at = at(2026, 12, day, 4)
        scheduler.tick()

    (escalated,) = door.cards_to("E1")
    assert escalated.escalation is not None and escalated.escalation.by_reader
    mine = "Escalated to HR after 3 working days with you; waiting 3 days since it was filed"
    for text in (slack_text(escalated), teams_text(escalated)):
        assert mine in text and "Meera Nair in" not in text
