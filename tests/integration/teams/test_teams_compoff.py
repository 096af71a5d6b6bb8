"""A comp-off claim in Teams: carded to the approver with the same Approve / Reject (``data.requestId``
the claim's number), decided by ``Action.Execute``; the claimant is carded the outcome."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from core.commands import ClaimCompOff
from core.domain.model import EntryKind, RequestStatus
from core.views import CompOffClaimView
from tests.integration.teams.conftest import TeamsRig, actions, texts
from tests.integration.teams.test_teams_card_actions import card_of
from tests.integration.teams.test_teams_proactive import cards_in_chat, install
from tests.unit.conftest import policy_document

pytestmark = pytest.mark.asyncio


async def claimed_and_carded(rig: TeamsRig) -> dict[str, Any]:
    rig.service.load_policy(policy_document(including=("compoff",)), "test")
    await install(rig, "boss")
    rig.connector.clear()
    made = rig.service.execute("ananya@x.test", ClaimCompOff(date(2026, 11, 21), None, "release <b>night</b>"), "t")
    assert isinstance(made, CompOffClaimView) and made.number == "CO-1001"
    await rig.deliver()
    (card,) = cards_in_chat(rig, "boss")
    return card


def status(rig: TeamsRig) -> RequestStatus:
    with rig.uow_factory() as uow:
        stored = uow.compoff.get(1)
    assert stored is not None
    return stored.status


async def test_the_approver_is_carded_the_claim_and_approves_it(rig: TeamsRig) -> None:
    card = await claimed_and_carded(rig)
    assert "Ananya Iyer claims 1 day of comp-off for Sat 21 Nov 2026: release <b>night</b>" in texts(card)
    assert [(a["verb"], a["data"]["requestId"]) for a in actions(card)] == [("approve", "CO-1001"),
                                                                             ("reject", "CO-1001")]
    refused = card_of(*await rig.click("rahul", "approve", {"requestId": "CO-1001"}))
    assert "CO-1001 isn't yours to decide" in texts(refused) and status(rig) is RequestStatus.PENDING
    decided = card_of(*await rig.click("boss", "approve", {"requestId": "CO-1001"}))
    assert actions(decided) == [] and "CO-1001 approved by Vikram Rao" in texts(decided)
    assert status(rig) is RequestStatus.APPROVED
    with rig.uow_factory() as uow:
        assert [e.amount.figure for e in uow.ledger.entries("E3") if e.kind is EntryKind.COMP_OFF] == ["1"]
    await rig.say("ananya", "help")
    rig.connector.clear()
    await rig.deliver()
    told = " ".join(texts(c) for c in cards_in_chat(rig, "ananya"))
    assert "CO-1001 approved by Vikram Rao" in told and "to be taken by Wed 20 Jan 2027" in told


async def test_the_approver_rejects_the_claim_with_a_reason(rig: TeamsRig) -> None:
    await claimed_and_carded(rig)
    decided = card_of(*await rig.click("boss", "reject", {"requestId": "CO-1001",
                                                          "reason-CO-1001": "not on the rota"}))
    assert "CO-1001 rejected by Vikram Rao" in texts(decided) and "Reason: not on the rota" in texts(decided)
    assert status(rig) is RequestStatus.REJECTED
