"""The apply modal offers each person only the leave types they may take, and says why on its type field."""

from __future__ import annotations

import pytest

from tests.integration.slack.conftest import ANANYA, RAHUL, SlackHarness
from tests.integration.slack.test_slack_commands import shown
from tests.integration.slack.test_slack_home import homes_of, opened
from tests.integration.slack.test_slack_modal import submission
from tests.unit.eligibility_org import ELIGIBILITY_CSV, PAID_TYPES, eligibility_policy

pytestmark = pytest.mark.asyncio


def with_eligibility(slack: SlackHarness) -> SlackHarness:
    slack.service.load_policy(eligibility_policy(), "test")
    slack.service.import_employees(ELIGIBILITY_CSV)
    return slack


async def offered(slack: SlackHarness, user: str, trigger: str) -> list[str]:
    await slack.command(user, "apply", trigger_id=trigger)
    [opened] = await slack.api.wait_for_calls(
        lambda: [c for c in slack.api.calls_to("views.open") if c.params["trigger_id"] == trigger])
    return [o["value"] for o in opened.params["view"]["blocks"][0]["element"]["options"] if o["value"] in PAID_TYPES]


async def test_the_modal_lists_the_types_open_to_whoever_opens_it(slack: SlackHarness) -> None:
    with_eligibility(slack)
    assert await offered(slack, ANANYA, "1.ananya") == ["casual", "sick", "privilege", "maternity"]
    assert await offered(slack, RAHUL, "2.rahul") == ["casual", "sick", "privilege", "paternity"]


async def test_a_submission_of_a_closed_type_is_refused_on_the_type_field(slack: SlackHarness) -> None:
    with_eligibility(slack)
    body = submission(leave_type="maternity")
    body["user"]["id"] = RAHUL
    answer = await (await slack.interact(body)).json()
    assert answer["response_action"] == "errors" and list(answer["errors"]) == ["leave_type"]
    assert answer["errors"]["leave_type"].startswith("Maternity leave is for female employees")
    assert slack.service.list_requests() == []


async def test_home_shows_the_balances_of_the_open_types_only(slack: SlackHarness) -> None:
    with_eligibility(slack)
    await slack.event(opened(RAHUL))
    [home] = await slack.api.wait_for_calls(lambda: homes_of(slack, RAHUL))
    assert "Paternity leave (PTL)" in shown(home) and "Maternity leave" not in shown(home)
