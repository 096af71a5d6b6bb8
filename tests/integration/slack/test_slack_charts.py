"""``/leave team week`` in Slack: the counts in the private reply, the picture as a file in the DM."""

from __future__ import annotations

import io

import pytest
from matplotlib import image

from tests.integration.slack.conftest import ANANYA, MEERA, SlackHarness
from tests.integration.slack.test_slack_commands import shown

pytestmark = pytest.mark.asyncio


async def test_team_week_replies_with_the_counts_and_uploads_the_picture_to_the_dm(slack: SlackHarness) -> None:
    await slack.reply_to(ANANYA, "apply casual 8 Dec")
    reply = await slack.reply_to(ANANYA, "team week 7 Dec")
    text = shown(reply)
    assert "People out per day, Engineering: Mon 7 Dec 2026 to Sun 20 Dec 2026" in text
    assert "Engineering (4 people): nobody out; 1 pending" in text and "Ananya" not in text

    (upload,) = await slack.api.wait_for_calls(lambda: slack.api.calls_to("upload"))
    await slack.api.wait_for_calls(lambda: slack.api.calls_to("files.completeUploadExternal"))
    png = upload.params["data"]
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert image.imread(io.BytesIO(png)).shape[1] == 960
    (asked,) = slack.api.calls_to("files.getUploadURLExternal")
    assert asked.params["filename"] == "people-out-engineering-2026-12-07.png"
    assert str(asked.params["alt_txt"]).startswith("People out per day in Engineering")
    opened = slack.api.calls_to("conversations.open")
    assert [c.params["users"] for c in opened] == [ANANYA]


async def test_hr_sees_every_department(slack: SlackHarness) -> None:
    text = shown(await slack.reply_to(MEERA, "team month"))
    assert "People out per day, all departments: Wed 25 Nov 2026 to Tue 22 Dec 2026" in text
    assert "Engineering (4 people)" in text and "People (1 person)" in text
