"""HR's corrections in Teams: the person whose balance changed, and the employee and approver of
leave HR shortened, each get a card in their chat with the bot."""

from __future__ import annotations

from datetime import date

import pytest

from core.commands import ApplyLeave, Decide
from core.views import AppliedView
from tests.integration.teams.conftest import TeamsRig, texts
from tests.integration.teams.test_teams_proactive import cards_in_chat, install

pytestmark = pytest.mark.asyncio


async def test_the_person_adjusted_gets_a_card_with_the_reason_and_the_balance_now(rig: TeamsRig) -> None:
    await rig.say("ananya", "help")
    rig.connector.clear()
    reply = await rig.say("hr", "adjust ananya casual -0.5 half day booked twice")
    assert "debited by 0.5 days" in texts(reply)
    await rig.deliver()
    (card,) = cards_in_chat(rig, "ananya")
    shown = texts(card)
    assert "Your casual leave balance changed" in shown
    assert "Meera Nair (HR) debited 0.5 days from your casual leave for 2026: half day booked twice" in shown
    assert "Available now: 10.5 days (was 11 days)." in shown


async def test_hr_shortening_begun_leave_is_carded_to_the_employee_and_the_approver(rig: TeamsRig) -> None:
    await install(rig, "boss")
    await rig.say("ananya", "help")
    applied = rig.service.execute("ananya@x.test", ApplyLeave("casual", date(2026, 11, 23), date(2026, 11, 27)), "t")
    assert isinstance(applied, AppliedView) and applied.request.id is not None
    rig.service.execute("boss@x.test", Decide(applied.request.id, True), "t")
    await rig.deliver()
    rig.connector.clear()
    reply = await rig.say("hr", "cancel LV-1001 from 26 Nov")
    assert "2 days of LV-1001 given back" in texts(reply)
    await rig.deliver()
    employee = " ".join(texts(c) for c in cards_in_chat(rig, "ananya"))
    approver = " ".join(texts(c) for c in cards_in_chat(rig, "boss"))
    assert "Meera Nair (HR) shortened your LV-1001: it now counts 3 days" in employee
    assert "Meera Nair (HR) shortened LV-1001 (Ananya Iyer): it now counts 3 days" in approver
