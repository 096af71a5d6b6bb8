"""The weekly digest of a large organisation stays inside what Slack and Teams accept.

The organisation: 600 people in 100 departments whose names are 52 characters, nearly all Georgian
(six bytes each once a Teams message escapes them), and Georgian names of people. Every team may have 3 people
out: 3 of each 6 are off the whole of the digest's two weeks (at the limit every working day),
one of each 6 rested last week, the others not for 90 days (quiet), and one of each 6 has waited
ten days for an answer. Built once on SQLite, straight into the tables (:mod:`bench.seed`).
"""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from bench import seed as bench
from bot import charts
from bot.scheduled import SLACK_BLOCK_LIMIT, SlackPoster
from bot.slack.api import sync_client
from bot.teams import pictures
from bot.teams.posting import TeamsPoster
from core.domain.lists import LIST_LIMIT
from core.ports.chat import ChatStore
from core.service import LeaveService
from storage.engine import make_engine
from storage.uow import uow_factory as make_uow_factory
from tests.integration.slack.conftest import slack_settings
from tests.integration.slack.fake_slack import FakeSlack
from tests.integration.teams.conftest import TeamsRig, texts
from tests.integration.teams.test_teams_picture_size import PUBLIC, card_images, post_linked, post_to_hr
from tests.unit.fakes import FixedClock
from tests.unit.test_charts import LONG_NAME

pytestmark = pytest.mark.asyncio

DEPARTMENTS, PER_DEPARTMENT = 100, 6
WEEK_OF = date(2026, 11, 30)
SECTION_CHARS = 3000  # Slack's limit on a section's text
NAME_CHARS = 52
QUIET = 5 * DEPARTMENTS


def department(n: int) -> str:
    return f"{LONG_NAME} {n:03d}"


def request(person: dict[str, Any], start: date, days: int, status: str, created: int) -> dict[str, Any]:
    end = start + timedelta(days=days - 1)
    return {"employee_id": person["employee_id"], "type_key": "casual", "start_date": start, "end_date": end,
            "half": None, "days": Decimal(days), "year_days": json.dumps({"2026": str(days)}), "status": status,
            "reason": "", "document_ref": None, "document_due": False, "approver_id": person["manager_id"],
            "decision_note": "", "idempotency_key": None, "created_at": bench.NOW - timedelta(days=created),
            "levels": "manager", "level": 0}


@pytest.fixture(scope="module")
def large_digest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The digest of Monday 30 Nov 2026, as the scheduler stores it."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('limits') / 'org.db'}")
    try:
        bench.prepare(engine)
        service = LeaveService(make_uow_factory(engine), bench.Clock(bench.NOW), default_time_zone="Asia/Kolkata")
        document = bench.policy_document()
        document["team_limits"] = [{"max_out": 3, "action": "flag"}]
        service.load_policy(document, "test")
        people = bench.organisation(DEPARTMENTS * PER_DEPARTMENT, DEPARTMENTS)
        requests = []
        for n, person in enumerate(people):
            person.update(department=department(n // PER_DEPARTMENT), first_name="ნინო",
                          last_name=f"ჯავახიშვილი {n}")
            if n % PER_DEPARTMENT in (0, 1, 2):
                requests.append(request(person, WEEK_OF, 12, "APPROVED", created=20))
            elif n % PER_DEPARTMENT == 3:
                requests.append(request(person, WEEK_OF - timedelta(days=7), 5, "APPROVED", created=20))
            elif n % PER_DEPARTMENT == 4:
                requests.append(request(person, WEEK_OF + timedelta(days=21), 2, "PENDING", created=10))
        bench.write(engine, people, requests, [])
        digest = service.hr_digest(WEEK_OF)
    finally:
        engine.dispose()
    assert {len(row["department"]) for row in digest["chart"]["rows"]} == {NAME_CHARS}
    assert len(digest["chart"]["rows"]) == DEPARTMENTS
    return digest


async def test_every_insight_list_is_cut_with_a_count_of_the_rest_and_names_no_one(
        large_digest: dict[str, Any]) -> None:
    insight = large_digest["insight"]
    quiet, near = insight["quiet"], insight["near_limit"]
    assert quiet["total"] == QUIET  # all but the one of each six who rested (the others' leave is still to come)
    assert len(quiet["by_department"]["rows"]) == LIST_LIMIT
    assert quiet["by_department"]["more"] == DEPARTMENTS - LIST_LIMIT
    assert (len(near["rows"]), near["more"], near["total"]) == (LIST_LIMIT, DEPARTMENTS - LIST_LIMIT, DEPARTMENTS)
    assert near["rows"][0]["days"]["total"] == 10, "every working day of the two weeks is at the limit"
    assert all(len(section["rows"]) <= LIST_LIMIT for section in (insight["year_end"]["types"],))
    assert "ნინო" not in json.dumps(insight, ensure_ascii=False)


async def test_slack_gets_fewer_than_50_blocks_each_within_3000_characters_and_a_short_alt_text(
        chat_store: ChatStore, service: LeaveService, slack_api: FakeSlack, large_digest: dict[str, Any]) -> None:
    poster = SlackPoster(service, chat_store, sync_client(slack_settings(slack_api)))
    await asyncio.get_running_loop().run_in_executor(None, poster.post, "channel", "CHR", large_digest)

    (posted,) = slack_api.calls_to("chat.postMessage")
    blocks = posted.params["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    sections = [block["text"]["text"] for block in blocks if block["type"] == "section"]
    assert len(blocks) < SLACK_BLOCK_LIMIT
    assert max(len(text) for text in sections) <= SECTION_CHARS
    assert not any(text.endswith("…") for text in sections), "the lists are cut by rows, not clipped"
    message = "\n".join(sections)
    assert f"*No leave in the last 90 days:* {QUIET} people" in message
    assert message.count(f"_…and {DEPARTMENTS - LIST_LIMIT} more_") >= 2  # the quiet and the near-limit lists
    assert message.count("*At the team limit in the next two weeks* (100)") == 1
    assert message.count("(limit 3): ") == LIST_LIMIT

    (asked,) = slack_api.calls_to("files.getUploadURLExternal")
    alt = str(asked.params["alt_txt"])
    assert len(alt) <= charts.ALT_CHARS
    assert alt.startswith(f"People out per day in {DEPARTMENTS} departments, Mon 30 Nov 2026 to Sun 13 Dec 2026")
    assert alt.endswith(" more departments with people out."), "cut between departments, not inside one"


async def test_teams_with_a_public_address_links_the_picture_and_the_message_fits(
        rig: TeamsRig, clock: FixedClock, large_digest: dict[str, Any]) -> None:
    size, message, picture = await post_linked(rig, clock, large_digest)
    assert str(picture["url"]).startswith(PUBLIC + "/downloads/")
    assert len(picture["altText"]) <= charts.ALT_CHARS
    assert size < pictures.MESSAGE_LIMIT_BYTES
    shown = texts(message["attachments"][0]["content"])
    assert f"No leave in the last 90 days: {QUIET}" in shown
    assert "At the team limit in the next two weeks (100)" in shown
    assert f"{department(0)}: 5" in shown, "the lists are shorter, not gone"


async def test_teams_without_one_leaves_the_picture_out_and_the_message_fits(
        rig: TeamsRig, large_digest: dict[str, Any]) -> None:
    size, message = await post_to_hr(rig, TeamsPoster(rig.service, rig.notifier), large_digest)
    assert not card_images(message)
    assert size < pictures.MESSAGE_LIMIT_BYTES
    shown = texts(message["attachments"][0]["content"])
    assert pictures.DIGEST_INSTEAD in shown and f"No leave in the last 90 days: {QUIET}" in shown
    assert "more" in shown and f"{department(0)}: 5" in shown
