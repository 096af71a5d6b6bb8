"""``team week`` to the bot in Teams: the picture inside the card, as a data URI, with alt text (no PUBLIC_URL)."""

from __future__ import annotations

import base64
import io

import pytest
from matplotlib import image

from bot import charts
from tests.integration.teams.conftest import TeamsRig, texts

pytestmark = pytest.mark.asyncio


async def test_team_week_answers_with_the_picture_in_the_card(rig: TeamsRig) -> None:
    card = await rig.say("rahul", "team week")
    (picture,) = [item for item in card["body"] if item.get("type") == "Image"]
    scheme, encoded = picture["url"].split(",", 1)
    assert scheme == "data:image/png;base64"
    png = base64.b64decode(encoded)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) < 100_000
    assert image.imread(io.BytesIO(png)).shape[1] == charts.COMPACT.width_px  # the compact drawing, to fit
    assert picture["altText"].startswith("People out per day in Engineering, Wed 25 Nov 2026")
    assert "Engineering (4 people): nobody out" in texts(card)
    assert "Rahul" not in texts(card)


async def test_the_names_behind_the_count_are_refused_to_a_manager(rig: TeamsRig) -> None:
    card = await rig.say("boss", "insight quiet")
    assert "for HR admins" in texts(card)
