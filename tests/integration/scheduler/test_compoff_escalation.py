"""Comp-off claims in the morning reminders and the escalation, through the scheduler's tick.

On Monday 30 Nov Ananya claims Saturday 28 Nov (her approver Vikram has no manager) and Kiran
claims Sunday 29 Nov (his approver is Ananya, whose manager is Vikram). Nobody answers: the
reminders list the claims beside the requests, and on Thursday, three working days on, each claim
moves up one step, Ananya's to HR (Meera) and Kiran's to Vikram, exactly once; the new holder gets
the claim's card, and from the next morning the claim in the reminder.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from core.commands import ClaimCompOff, DecideClaim
from core.domain.model import RequestStatus, format_request_number
from core.ports import UnitOfWork
from core.scheduling.reminders import ESCALATION_JOB
from core.service import LeaveService
from core.views import AnyNotice, ClaimNotice, CompOffClaimView, NoticeKind
from scheduler.runner import AlwaysLeader, SchedulerRunner
from tests.integration.scheduler.helpers import RecordingPoster, add_pending, at
from tests.unit.conftest import policy_document
from tests.unit.fakes import FixedClock


class Door:
    """The outbox's side of a door: keeps the notices it is handed."""

    name = "slack"

    def __init__(self) -> None:
        self.sent: list[AnyNotice] = []

    def deliver(self, notice: AnyNotice) -> None:
        self.sent.append(notice)

    def claim_cards_to(self, employee_id: str) -> list[str]:
        return [n.claim.number for n in self.sent if isinstance(n, ClaimNotice)
                and n.kind is NoticeKind.APPROVAL_NEEDED and n.recipient.employee_id == employee_id]


def reminded(poster: RecordingPoster) -> dict[str, tuple[list[str], list[str]]]:
    """Who was reminded of which requests and which claims."""
    return {p["approver"]["employee_id"]: ([r["number"] for r in p["requests"]], [c["number"] for c in p["claims"]])
            for _, _, p in poster.of_kind("approval_reminder")}


@pytest.fixture
def claims_org(service: LeaveService, clock: FixedClock) -> LeaveService:
    clock.at = at(2026, 11, 30, 3)  # Monday 08:30 in Kolkata
    document = policy_document(including=("compoff",))
    document["escalate_after_working_days"] = 3
    service.load_policy(document, "test")
    return service


def claim(service: LeaveService, who: str, day: date) -> str:
    view = service.execute(who, ClaimCompOff(day, None, "release cut-over"), "test")
    assert isinstance(view, CompOffClaimView), view
    return view.number


def test_claims_are_reminded_and_move_up_once_to_their_new_holder(
        claims_org: LeaveService, uow_factory: Callable[[], UnitOfWork], clock: FixedClock) -> None:
    ananyas = claim(claims_org, "ananya@x.test", date(2026, 11, 28))
    kirans = claim(claims_org, "kiran@x.test", date(2026, 11, 29))
    door, poster = Door(), RecordingPoster()
    scheduler = SchedulerRunner(claims_org, clock, AlwaysLeader(), {"slack": poster},
                                extra=[lambda: claims_org.deliver_notices([door])], sleep=lambda seconds: None)
    scheduler.tick()
    assert (door.claim_cards_to("E2"), door.claim_cards_to("E3")) == ([ananyas], [kirans])

    clock.at = at(2026, 12, 1, 4)  # Tuesday 09:30
    scheduler.tick()
    assert reminded(poster) == {"E2": ([], [ananyas]), "E3": ([], [kirans])}
    # A request waiting for Vikram too, filed on Wednesday: not due to move up this week.
    request = format_request_number(add_pending(uow_factory, "E4", "E2", date(2026, 12, 21), at(2026, 12, 2, 3)))

    poster.posts.clear()
    clock.at = at(2026, 12, 3, 4)  # Thursday 09:30: three working days without an answer
    scheduler.tick()
    assert door.claim_cards_to("E1") == [ananyas]
    assert door.claim_cards_to("E2") == [ananyas, kirans]
    # The claims whose cards just went out are not repeated; Vikram's reminder keeps the request.
    assert reminded(poster) == {"E2": ([request], [])}
    with uow_factory() as uow:
        assert uow.jobs.taken(ESCALATION_JOB, [f"{ananyas}#1", f"{ananyas}#2", f"{kirans}#1", f"{kirans}#2"]) \
            == {f"{ananyas}#1", f"{kirans}#1"}
        held = {c.number: (c.approver_id, c.status) for c in uow.compoff.pending()}
    assert held == {ananyas: (None, RequestStatus.PENDING), kirans: ("E2", RequestStatus.PENDING)}

    sent = len(door.sent)
    clock.at = at(2026, 12, 3, 5)  # the same day again: nothing moves twice
    scheduler.tick()
    assert len(door.sent) == sent

    poster.posts.clear()
    clock.at = at(2026, 12, 4, 4)  # Friday: each claim is its new holder's like any other
    scheduler.tick()
    assert reminded(poster) == {"E1": ([], [ananyas]), "E2": ([request], [kirans])}
    # ... and the new holders decide them with the usual words.
    for who, number in (("hr@x.test", ananyas), ("boss@x.test", kirans)):
        decided = claims_org.execute(who, DecideClaim(int(number[3:]) - 1000, True, ""), "test")
        assert isinstance(decided, CompOffClaimView) and decided.status is RequestStatus.APPROVED
