"""The Teams apply card offers each person only the leave types they may take; a closed one is refused on it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.teams.conftest import TeamsRig, actions, texts
from tests.integration.teams.test_teams_card_actions import card_of
from tests.unit.eligibility_org import ELIGIBILITY_CSV, PAID_TYPES, eligibility_policy

pytestmark = pytest.mark.asyncio


def with_eligibility(rig: TeamsRig) -> TeamsRig:
    rig.service.load_policy(eligibility_policy(), "test")
    rig.service.import_employees(ELIGIBILITY_CSV)
    return rig


def type_choices(card: dict[str, Any]) -> list[str]:
    [choice_set] = [e for e in card["body"] if e.get("id") == "leaveType"]
    return [c["value"] for c in choice_set["choices"] if c["value"] in PAID_TYPES]


async def test_the_card_lists_the_types_open_to_whoever_opens_it(rig: TeamsRig) -> None:
    with_eligibility(rig)
    assert type_choices(card_of(*await rig.click("ananya", "applyForm", {}))) == [
        "casual", "sick", "privilege", "maternity"]
    assert type_choices(card_of(*await rig.click("rahul", "applyForm", {}))) == [
        "casual", "sick", "privilege", "paternity"]


async def test_a_closed_type_sent_anyway_is_refused_on_the_card(rig: TeamsRig) -> None:
    with_eligibility(rig)
    form = card_of(*await rig.click("rahul", "applyForm", {}))
    sent = {"formId": actions(form)[0]["data"]["formId"], "leaveType": "maternity", "start": "2026-12-07",
            "end": "2026-12-09", "half": "FULL", "reason": "", "documentRef": ""}
    refused = card_of(*await rig.click("rahul", "apply", sent))
    assert "Maternity leave is for female employees" in texts(refused)
    assert type_choices(refused) == ["casual", "sick", "privilege", "paternity"]
    assert rig.service.list_requests("rahul@x.test") == []
