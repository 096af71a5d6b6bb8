"""The conversations of ``tests/conversations`` (format in its README), replayed through every door.

Each file is a conversation; each door (the terminal chat, Slack slash commands, Teams messages)
replays it from the same starting organisation, on SQLite and on MariaDB, at the fixed clock of
Wed 25 Nov 2026 10:00 India. A reply must contain every fragment its line names.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.render_text import render
from core.service import LeaveService
from tests.integration.slack.conftest import (  # noqa: F401 (fixtures, used by name)
    ANANYA,
    MEERA,
    RAHUL,
    VIKRAM,
    SlackHarness,
    fake_slack,
    slack,
    slack_api,
)
from tests.integration.teams.conftest import (  # noqa: F401 (fixtures, used by name)
    TeamsRig,
    connector,
    make_rig,
    rig,
    settings,
    texts,
)
from tests.trees import nodes
from tests.unit.conftest import policy_document

CONVERSATIONS = Path(__file__).resolve().parents[1] / "conversations"
FILES = sorted(CONVERSATIONS.glob("*.txt"))
ARROW = "\u2192"
AND = " && "
#: In front of a fragment: the reply must not contain it.
NOT = "!"

#: Each first name of a conversation as every door knows that person.
EMAILS = {"ananya": "ananya@x.test", "rahul": "rahul@x.test", "vikram": "boss@x.test", "meera": "hr@x.test"}
SLACK_USERS = {"ananya": ANANYA, "rahul": RAHUL, "vikram": VIKRAM, "meera": MEERA}
TEAMS_PEOPLE = {"ananya": "ananya", "rahul": "rahul", "vikram": "boss", "meera": "hr"}

Say = Callable[[str, str], Awaitable[str]]


@dataclass(frozen=True)
class Turn:
    line: int
    who: str
    text: str
    expected: tuple[str, ...]


def turns(path: Path) -> list[Turn]:
    """The turns of one conversation file; a malformed line fails the test, naming the line."""
    found = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = re.fullmatch(rf"(?P<who>\w+):\s*(?P<text>.*?)\s*{ARROW}\s*(?P<expected>.+)", line)
        assert match is not None, f"{path.name}:{number}: expected 'who: input {ARROW} fragment', got {line!r}"
        assert match["who"] in EMAILS, f"{path.name}:{number}: '{match['who']}' is not one of {', '.join(EMAILS)}"
        expected = tuple(part.strip() for part in match["expected"].split(AND))
        found.append(Turn(number, match["who"], match["text"], expected))
    return found


def plain(text: str) -> str:
    """What a person reads, without formatting marks and with runs of white space as one space."""
    return " ".join(re.sub(r"[*_`]", "", text).split())


def own_policy(path: Path) -> dict[str, Any] | None:
    """The policy a conversation runs under when ``NAME.yaml`` sits beside ``NAME.txt``: the shared
    organisation's, with the built-in policy's types it leaves out that the file lists
    (``including: [optional]``) and the types of its own it defines (``leave_types: {permission:
    {...}}``, offered in every region), with the region keys it sets (``regions: {INDIA:
    {leave_year_start: 04-01}}``); None: the shared organisation's as it is."""
    beside = path.with_suffix(".yaml")
    if not beside.exists():
        return None
    extra = yaml.safe_load(beside.read_text(encoding="utf-8"))
    document = policy_document(including=tuple(extra.get("including", ())))
    for key, body in extra.get("leave_types", {}).items():
        document["leave_types"][key] = body
        for region in document["regions"].values():
            if "leave_types" in region:  # a region without the list offers every type already
                region["leave_types"].append(key)
    for key, body in extra.get("regions", {}).items():
        document["regions"][key].update(body)
    return document


async def converse(path: Path, say: Say, service: LeaveService) -> None:
    document = own_policy(path)
    if document is not None:
        service.load_policy(document, path.name)
    for turn in turns(path):
        reply = plain(await say(turn.who, turn.text))
        for fragment in turn.expected:
            absent = fragment.startswith(NOT)
            found = plain(fragment.removeprefix(NOT)) in reply
            assert found != absent, f"{path.name}:{turn.line}: {turn.who}: {turn.text!r} -> {reply!r}"


def slack_text(message: dict[str, Any]) -> str:
    """Every text of a Slack message, blocks and fallback alike."""
    parts = [str(message.get("text") or "")]
    parts += [str(node.get("text")) for node in nodes(message.get("blocks", []))
              if node.get("type") in ("mrkdwn", "plain_text")]
    return "\n".join(parts)


def test_every_phrase_of_the_corpus_file_is_well_formed() -> None:
    assert FILES, f"no conversations in {CONVERSATIONS}"
    for path in FILES:
        assert turns(path), f"{path.name} has no turns"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
@pytest.mark.asyncio
async def test_the_terminal_door(path: Path, service: LeaveService) -> None:
    async def say(who: str, text: str) -> str:
        return render(service.handle_text(EMAILS[who], text, source="console"))

    await converse(path, say, service)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
@pytest.mark.asyncio
async def test_the_slack_door(path: Path, slack: SlackHarness) -> None:  # noqa: F811
    async def say(who: str, text: str) -> str:
        return slack_text(await slack.reply_to(SLACK_USERS[who], text))

    await converse(path, say, slack.service)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
@pytest.mark.asyncio
async def test_the_teams_door(path: Path, rig: TeamsRig) -> None:  # noqa: F811
    async def say(who: str, text: str) -> str:
        return texts(await rig.say(TEAMS_PEOPLE[who], text))

    await converse(path, say, rig.service)
