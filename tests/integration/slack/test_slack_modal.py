"""The apply modal: a submission files the request once; what is wrong is shown on its field."""

from __future__ import annotations

from typing import Any

import pytest

from core.domain.amount import Amount
from tests.integration.slack.conftest import ANANYA, STRANGER, SlackHarness, payload
from tests.integration.slack.test_slack_commands import shown
from tests.unit.conftest import policy_document

pytestmark = pytest.mark.asyncio


def submission(**values: Any) -> dict[str, Any]:
    """The captured submission with some fields changed (``start="2026-12-09"``, ``leave_type="sick"``...)."""
    body = payload("view_submission_apply")
    state = body["view"]["state"]["values"]
    for block, value in values.items():
        element = state[block]["value"]
        if element["type"] == "datepicker":
            element["selected_date"] = value
        elif element["type"] in ("static_select", "radio_buttons"):
            element["selected_option"] = {"text": {"type": "plain_text", "text": str(value)}, "value": value}
        else:
            element["value"] = value
    return body


async def test_a_valid_submission_files_the_request_and_confirms_in_private(slack: SlackHarness) -> None:
    response = await slack.interact(submission())
    assert response.status == 200 and await response.text() == ""
    [request] = slack.service.list_requests()
    assert (request.number, request.type_key, request.days, request.reason) == ("LV-1001", "casual", Amount.days(3),
                                                                                 "family visit")
    [confirmation] = await slack.api.wait_calls("chat.postMessage")
    assert confirmation.params["channel"] == ANANYA
    assert "*LV-1001* submitted" in shown(confirmation.params)


async def test_a_form_opened_by_slash_command_confirms_where_the_command_was_typed(slack: SlackHarness) -> None:
    url = slack.response_url()
    await slack.command(ANANYA, "apply", trigger_id="9.9.form", response_url=url)
    [opened] = await slack.api.wait_calls("views.open")
    body = submission()
    body["view"]["private_metadata"] = opened.params["view"]["private_metadata"]
    await slack.interact(body)
    name = url.rsplit("/", 1)[1]
    await slack.api.wait_for(lambda fake: any(c.params["name"] == name for c in fake.calls_to("response_url")))
    reply = next(c.params for c in slack.api.calls_to("response_url") if c.params["name"] == name)
    assert reply["response_type"] == "ephemeral" and "*LV-1001* submitted" in shown(reply)


async def test_a_replayed_submission_files_one_request(slack: SlackHarness) -> None:
    await slack.interact(submission())
    again = await slack.interact(submission(), retry=1)
    assert again.status == 200
    assert len(slack.service.list_requests()) == 1


async def test_an_end_before_the_start_is_shown_on_the_end_date(slack: SlackHarness) -> None:
    response = await slack.interact(submission(start="2026-12-09", end="2026-12-07"))
    answer = await response.json()
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == ["end"]
    assert answer["errors"]["end"].startswith("The end date Mon 7 Dec 2026 is before the start date Wed 9 Dec 2026")
    assert slack.service.list_requests() == []


async def test_too_little_notice_is_shown_on_the_start_date(slack: SlackHarness) -> None:
    answer = await (await slack.interact(submission(leave_type="privilege", start="2026-11-27",
                                                    end="2026-11-27"))).json()
    assert list(answer["errors"]) == ["start"] and "at least 7 days ahead" in answer["errors"]["start"]


async def test_a_half_day_over_several_days_is_shown_on_the_half_day_choice(slack: SlackHarness) -> None:
    answer = await (await slack.interact(submission(half="FIRST"))).json()
    assert list(answer["errors"]) == ["half"]


async def test_a_missing_start_is_caught_before_the_core(slack: SlackHarness) -> None:
    answer = await (await slack.interact(submission(start=None))).json()
    assert answer == {"response_action": "errors", "errors": {"start": "Choose the first day of your leave."}}


async def test_someone_not_in_the_directory_sees_why_on_the_form(slack: SlackHarness) -> None:
    body = submission()
    body["user"]["id"] = STRANGER
    answer = await (await slack.interact(body)).json()
    assert answer["response_action"] == "errors"
    assert "ask HR to add you (your e-mail: stranger@elsewhere.test)" in next(iter(answer["errors"].values()))


async def test_the_home_button_opens_the_form(slack: SlackHarness) -> None:
    body = payload("block_actions_home_cancel")
    body["actions"][0].update(action_id="leave_open_apply", value="")
    await slack.interact(body)
    [opened] = await slack.api.wait_calls("views.open")
    assert opened.params["view"]["callback_id"] == "leave_apply"


def with_permission(slack: SlackHarness) -> None:
    """The shared organisation's policy with a short leave counted in hours, as README's example has."""
    document = policy_document()
    document["leave_types"]["permission"] = {"code": "PM", "name": "Permission", "unit": "hours",
                                             "max_hours_per_application": 2, "max_applications_per_month": 2}
    document["regions"]["INDIA"]["leave_types"].append("permission")
    slack.service.load_policy(document, "test")


def with_hours(body: dict[str, Any], start: str, end: str) -> dict[str, Any]:
    state = body["view"]["state"]["values"]
    for block, chosen in (("time_from", start), ("time_to", end)):
        state[block] = {"value": {"type": "timepicker", "selected_time": chosen or None}}
    return body


async def test_the_form_asks_for_hours_only_when_it_offers_a_type_counted_in_hours(slack: SlackHarness) -> None:
    await slack.command(ANANYA, "apply", trigger_id="9.9.plain")
    with_permission(slack)
    await slack.command(ANANYA, "apply", trigger_id="9.9.hours")
    plain, hours = await slack.api.wait_calls("views.open", count=2)
    blocks = [[b["block_id"] for b in call.params["view"]["blocks"]] for call in (plain, hours)]
    assert "time_from" not in blocks[0] and [b for b in blocks[1] if b.startswith("time")] == ["time_from", "time_to"]


async def test_a_permission_applied_through_the_form_keeps_its_hours(slack: SlackHarness) -> None:
    with_permission(slack)
    one_hour_only = with_hours(submission(leave_type="permission", start="2026-11-26", end="2026-11-26"), "16:00", "")
    answer = await (await slack.interact(one_hour_only)).json()
    assert list(answer["errors"]) == ["time_to"] and "both the first and the last hour" in answer["errors"]["time_to"]
    assert slack.service.list_requests() == []
    response = await slack.interact(with_hours(submission(leave_type="permission", start="2026-11-26",
                                                          end="2026-11-26"), "16:00", "18:00"))
    assert response.status == 200 and await response.text() == ""
    [request] = slack.service.list_requests()
    assert (request.type_key, str(request.time_range), request.days) == ("permission", "16:00-18:00",
                                                                         Amount.hours(2))
