"""Input is bounded and clean: one limit per field in every door, invisible characters never
stored, typed formatting shown as typed on the approver's card, and a directory file with a
line break in a name refused with its line.

Each attack goes through a real door (the Slack app with the stand-in Slack, the Teams app with
the stand-in connector, the terminal chat, the ``leavebot`` command) on SQLite and MariaDB.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from bot.cli.chat import run_chat
from core.service import LeaveService
from storage import tables
from tests.integration.slack.conftest import ANANYA, VIKRAM, SlackHarness, payload
from tests.integration.slack.test_slack_commands import shown
from tests.integration.slack.test_slack_modal import submission
from tests.integration.teams.conftest import PERSONAL_CHAT, TeamsRig, texts
from tests.integration.test_cli import DEMO_CSV, Leavebot, leavebot  # noqa: F401  (a fixture, reused)
from tests.security.test_refusals import outward, snapshot
from tests.trees import nodes

LONG = "x" * 612
TOO_LONG = "Your reason is 612 characters; the limit is 500."
#: A reason that tries every trick of mrkdwn and Markdown on the approver's card.
FORGED = ("*bold* > quote\n*Approved by HR*\n> quoted\n<!channel> <https://evil.example|click> "
          "_it_ ~gone~ `code` [here](https://evil.example)")


def stored_reasons(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(select(tables.leave_requests.c.reason)).scalars())


def teams_form(reason: str) -> dict[str, Any]:
    return {"leaveType": "casual", "start": "2026-12-07", "end": "2026-12-09", "reason": reason}


@pytest.mark.asyncio
async def test_an_over_long_reason_is_refused_in_a_slack_command(slack: SlackHarness) -> None:
    await slack.reply_to(ANANYA, "balance")  # first contact and the year's grants, before the attack
    before, sent = snapshot(slack.engine), len(outward(slack))
    reply = shown(await slack.reply_to(ANANYA, f"apply casual 7 Dec {LONG}"))
    assert TOO_LONG in reply
    assert snapshot(slack.engine) == before
    await slack.api.settle()
    assert outward(slack)[sent:] == []


@pytest.mark.asyncio
async def test_an_over_long_reason_is_refused_on_the_slack_apply_form(slack: SlackHarness) -> None:
    await slack.reply_to(ANANYA, "balance")
    before, sent = snapshot(slack.engine), len(outward(slack))
    response = await slack.interact(submission(reason=LONG))
    answer = await response.json()
    assert answer["response_action"] == "errors" and answer["errors"]["reason"].startswith(TOO_LONG)
    assert snapshot(slack.engine) == before
    await slack.api.settle()
    assert outward(slack)[sent:] == []


@pytest.mark.asyncio
async def test_an_over_long_rejection_reason_is_refused_in_the_slack_modal(slack: SlackHarness) -> None:
    await slack.reply_to(ANANYA, "apply casual 7 Dec")
    await slack.reply_to(VIKRAM, "balance")
    await slack.deliver()
    await slack.api.settle()
    before, sent = snapshot(slack.engine), len(outward(slack))
    submit = payload("view_submission_reject")
    submit["view"]["state"]["values"]["reason"]["value"]["value"] = LONG
    answer = await (await slack.interact(submit)).json()
    assert answer["response_action"] == "update" and TOO_LONG in shown(answer["view"])
    assert snapshot(slack.engine) == before
    await slack.api.settle()
    assert outward(slack)[sent:] == []


@pytest.mark.asyncio
async def test_an_over_long_reason_is_refused_in_a_teams_message_and_form(rig: TeamsRig) -> None:
    await rig.say("ananya", "balance")
    before, sent = snapshot(rig.engine), len(rig.connector.calls)
    assert TOO_LONG in texts(await rig.say("ananya", f"apply casual 7 Dec {LONG}"))
    status, body = await rig.click("ananya", "apply", teams_form(LONG))
    assert status == 200 and TOO_LONG in texts(body["value"])
    assert snapshot(rig.engine) == before
    # Only the reply to her own message went out.
    assert [c.conversation_id for c in rig.connector.calls[sent:] if c.method != "GET"] == [PERSONAL_CHAT["ananya"]]


def test_an_over_long_reason_is_refused_at_the_terminal(service: LeaveService, engine: Engine) -> None:
    run_chat(service, "ananya@x.test", io.StringIO("balance\n"), io.StringIO())
    before = snapshot(engine)
    out = io.StringIO()
    assert run_chat(service, "ananya@x.test", io.StringIO(f"apply casual 7 Dec {LONG}\n"), out) == 0
    assert TOO_LONG in out.getvalue()
    assert snapshot(engine) == before


@pytest.mark.asyncio
async def test_invisible_characters_in_a_reason_are_stripped_before_it_is_stored(slack: SlackHarness,
                                                                                 rig: TeamsRig) -> None:
    """Stripped, not refused (see core/domain/fields.py): the words survive, the controls never reach the database."""
    await slack.interact(submission(reason="family\x00 visit \u202eevil\u2066 \x1b[31mred"))
    await rig.say("ananya", "apply casual 14 Dec lunch\u202e with\x07 team")
    reasons = stored_reasons(slack.engine)
    assert sorted(reasons) == ["family visit evil [31mred", "lunch with team"]
    assert not [r for r in reasons if re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", r)]


@pytest.mark.asyncio
async def test_typed_formatting_shows_as_written_on_the_slack_approval_card(slack: SlackHarness) -> None:
    await slack.interact(submission(reason=FORGED))
    await slack.deliver()
    [card] = [c for c in slack.api.calls_to("chat.postMessage") if c.params["channel"] == "D0VIKRAM"]
    texts = [b["text"]["text"] for b in card.params["blocks"] if b["type"] == "section" and "text" in b]
    [reason] = [text for text in texts if text.startswith("*Reason*")]
    assert reason == (
        "*Reason*\n"
        "> \u2217bold\u2217 &gt; quote\n"
        "> \u2217Approved by HR\u2217\n"
        "> \uff1e quoted\n"
        "> &lt;!channel&gt; &lt;https://evil.example|click&gt; \u02cdit\u02cd \u223cgone\u223c \u02cbcode\u02cb "
        "[here](https://evil.example)"
    )
    # What Slack would read as markup: no mention, link, entity but the escapes, no mark but the label's.
    body = reason.removeprefix("*Reason*\n")
    assert not re.search(r"[<*_~`]|&(?!amp;|lt;|gt;)", body)
    assert all(line.startswith("> ") for line in body.split("\n"))
    assert "<!channel>" not in str(card.params) and [s.reason for s in slack.service.list_requests()] == [FORGED]


@pytest.mark.asyncio
async def test_typed_formatting_shows_as_written_on_the_teams_approval_card(rig: TeamsRig) -> None:
    await rig.post(rig.activity("conversation_update_bot_added_personal", "boss"))
    status, _ = await rig.click("ananya", "apply", teams_form(FORGED))
    assert status == 200
    rig.connector.clear()
    await rig.deliver()
    [sent] = rig.connector.sent(PERSONAL_CHAT["boss"])
    assert sent.card is not None
    runs, blocks = _text_elements(sent.card)
    assert FORGED in runs  # a TextRun is shown as is: the reason reads exactly as typed
    for text in blocks:  # nothing a TextBlock or fact shows is read as Markdown
        assert not re.search(r"[*`~]|\]\s*\(|(^|\s)_|_($|\s)|^\s*([-+>#]|\d+[.)])\s", text, re.MULTILINE), text
    assert not [text for text in blocks if "Approved by HR" in text]


def _text_elements(card: Any) -> tuple[list[str], list[str]]:
    """The texts of a card's TextRuns (shown as is), and those that Teams reads as Markdown."""
    runs: list[str] = []
    markdown: list[str] = []

    for node in nodes(card):
        if node.get("type") == "TextRun":
            runs.append(node["text"])
        elif node.get("type") == "TextBlock":
            markdown.append(node["text"])
        elif node.get("type") == "FactSet":
            markdown.extend(str(f.get(k, "")) for f in node["facts"] for k in ("title", "value"))
    return runs, markdown


def test_a_name_with_a_line_break_is_refused_with_its_line_and_nothing_is_written(
        leavebot: Leavebot, engine: Engine, tmp_path: Path) -> None:  # noqa: F811  (the fixture)
    leavebot("employees", "import", str(DEMO_CSV))
    before = snapshot(engine)
    lines = DEMO_CSV.read_text().splitlines()
    rows = [lines[0], lines[1], lines[2].replace(",Rohan,", ',"Rohan\nBEGIN:VEVENT",', 1), *lines[3:5],
            lines[5].replace(",INDIA,", ",IN\u202eDIA,", 1)]
    bad = tmp_path / "names.csv"
    bad.write_text("\n".join(rows) + "\n")
    refused = leavebot("employees", "import", str(bad), expect=2)
    assert f"{bad}:3: first_name contains a line break (U+000A)" in refused.stderr, refused.stderr
    assert f"{bad}:7: country contains an invisible control character (U+202E)" in refused.stderr, refused.stderr
    assert snapshot(engine) == before
