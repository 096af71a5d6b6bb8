"""HR's corrections in Slack: ``/leave adjust`` once per Slack request, and the DMs that follow."""

from __future__ import annotations

from datetime import date

import pytest

from core.commands import ApplyLeave, Decide
from core.domain.amount import Amount
from core.views import AppliedView
from tests.integration.slack.conftest import ANANYA, MEERA, SlackHarness
from tests.integration.slack.test_slack_commands import shown

pytestmark = pytest.mark.asyncio


def adjustments(slack: SlackHarness) -> int:
    return sum(1 for a in slack.service.audit_log() if a.action == "adjust")


def casual_available(slack: SlackHarness) -> Amount:
    return next(r.available for r in slack.service.balance_of("ananya@x.test").rows if r.type_key == "casual")


async def test_an_adjustment_by_mention_is_made_once_per_slack_request_and_dmed(slack: SlackHarness) -> None:
    typed = "adjust <@U0ANANYA|ananya> casual +1.5 worked <!channel> weekend"
    first = await slack.command(MEERA, typed, trigger_id="555.666.same")
    again = await slack.command(MEERA, typed, trigger_id="555.666.same", retry=1)
    assert (first.status, again.status) == (200, 200)
    await slack.api.wait_calls("response_url", 2)
    replies = [shown(c.params) for c in slack.api.calls_to("response_url")]
    assert any("Ananya Iyer's casual leave for 2026 credited with 1.5 days" in r for r in replies)
    assert any("Already done, nothing more written" in r for r in replies)
    assert adjustments(slack) == 1 and casual_available(slack) == Amount.days("12.5")
    await slack.deliver()
    dms = [shown(c.params) for c in slack.api.calls_to("chat.postMessage") if c.params["channel"] == "D0ANANYA"]
    assert len(dms) == 1
    assert "Meera Nair (HR) credited 1.5 days to your casual leave for 2026" in dms[0]
    assert "<!channel>" not in dms[0] and "Available now: *12.5 days* (was 11 days)" in dms[0]


async def test_hr_shortening_begun_leave_dms_the_employee_and_the_approver(slack: SlackHarness) -> None:
    applied = slack.service.execute("ananya@x.test", ApplyLeave("casual", date(2026, 11, 23), date(2026, 11, 27)),
                                    "test")
    assert isinstance(applied, AppliedView) and applied.request.id is not None
    slack.service.execute("boss@x.test", Decide(applied.request.id, True), "test")
    await slack.deliver()
    before = len(slack.api.calls_to("chat.postMessage"))
    await slack.command(ANANYA, "cancel LV-1001")
    await slack.command(MEERA, "cancel LV-1001")
    await slack.api.wait_calls("response_url", 2)
    replies = [shown(c.params) for c in slack.api.calls_to("response_url")]
    assert any("ask HR to correct it" in r for r in replies)
    assert any("3 days of *LV-1001* given back" in r for r in replies)
    await slack.deliver()
    dms = {c.params["channel"]: shown(c.params) for c in slack.api.calls_to("chat.postMessage")[before:]}
    assert "Meera Nair (HR) shortened your *LV-1001* (casual leave" in dms["D0ANANYA"]
    assert "Meera Nair (HR) shortened *LV-1001* (Ananya Iyer, casual leave" in dms["D0VIKRAM"]
    assert "now counts 2 days" in dms["D0ANANYA"]
    assert casual_available(slack) == Amount.days(9)  # 11 accrued, 2 days of the 5 still taken
