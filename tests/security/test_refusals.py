"""A refusal reveals nothing: someone with no part in a request, a person or an HR command learns
only that it isn't theirs, in the same words whether the target exists or not.

Each attack goes through a real door (signed Slack requests against the running app with the
stand-in Slack; the terminal's path through the service) on SQLite and MariaDB. Each test checks
the words of the refusal, the audit row it leaves, that no other row changed, and that nothing
went to anybody else.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import Engine, select

from bot.cli.chat import SOURCE as TERMINAL
from core.domain.model import RequestStatus
from core.views import RefusalView
from storage import tables
from tests.integration.slack.conftest import ANANYA, RAHUL, VIKRAM, SlackHarness
from tests.integration.slack.fake_slack import Call
from tests.integration.slack.test_slack_approvals import card_updates, click
from tests.integration.slack.test_slack_commands import shown
from tests.integration.teams.conftest import TeamsRig, texts

pytestmark = pytest.mark.asyncio

Rows = dict[str, list[tuple[Any, ...]]]

#: Every way a refusal could give away who decided a request, or when.
TELLTALES = ("Vikram", "Rao", "Meera", "approved", "rejected", "25 Nov", "2026", "UTC", "<!date")


def snapshot(engine: Engine) -> Rows:
    """Every row of every table, in a stable order: what 'nothing was written' is checked against."""
    with engine.connect() as connection:
        return {table.name: sorted((tuple(row) for row in connection.execute(select(table))), key=repr)
                for table in tables.metadata.sorted_tables}


def written_since(before: Rows, after: Rows) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The tables that changed apart from the audit log, and the audit rows added."""
    changed = [name for name in before if name != tables.audit_log.name and before[name] != after[name]]
    old = set(before[tables.audit_log.name])
    return changed, [row for row in after[tables.audit_log.name] if row not in old]


def audit_actions(rows: list[tuple[Any, ...]]) -> list[tuple[str, str, str]]:
    """``(actor, action, outcome)`` of audit rows, in the column order of the table."""
    columns = [c.name for c in tables.audit_log.columns]
    actor, action, outcome = (columns.index(name) for name in ("actor", "action", "outcome"))
    return [(row[actor], row[action], row[outcome]) for row in rows]


def outward(slack: SlackHarness) -> list[Call]:
    """What the door sent to anyone but the person typing: messages posted or updated."""
    return [c for c in slack.api.calls if c.method in ("chat.postMessage", "chat.update", "chat.postEphemeral")]


def same_words(text: str) -> str:
    """A refusal with its request number (or the person as typed) taken out, to compare wordings."""
    return re.sub(r"LV-\d+", "LV-N", text)


async def one_pending_one_decided(slack: SlackHarness) -> None:
    """LV-1001 waits for Vikram; LV-1002 Vikram approved. Rahul (no part in either) has talked to
    the bot before, so neither his first contact nor his year's grants are written during an attack."""
    await slack.reply_to(ANANYA, "apply casual 7 Dec to 9 Dec family visit")
    await slack.reply_to(ANANYA, "apply casual 14 Dec")
    await slack.reply_to(VIKRAM, "approve LV-1002 enjoy")
    await slack.reply_to(RAHUL, "balance")
    await slack.deliver()
    await slack.api.settle()


async def test_a_stranger_deciding_a_pending_a_decided_or_a_made_up_request_reads_the_same(
        slack: SlackHarness) -> None:
    await one_pending_one_decided(slack)
    before, sent = snapshot(slack.engine), len(outward(slack))
    replies = {typed: shown(await slack.reply_to(RAHUL, typed))
               for typed in ("approve LV-1001", "approve LV-1002", "reject LV-1002 no", "approve LV-9999")}
    typed_at_terminal = slack.service.handle_text("rahul@x.test", "approve LV-1002", TERMINAL)
    assert isinstance(typed_at_terminal, RefusalView)

    assert {same_words(text) for text in replies.values()} == {
        ":warning: LV-N isn't yours to decide; /leave pending lists those waiting for you."}
    assert same_words(typed_at_terminal.message) == same_words(replies["approve LV-1002"]).removeprefix(":warning: ")
    assert not [word for word in TELLTALES for text in replies.values() if word in text]
    changed, audited = written_since(before, snapshot(slack.engine))
    assert changed == []
    assert audit_actions(audited) == [("rahul@x.test", "not_approver", "refused")] * 5
    await slack.api.settle()
    assert outward(slack)[sent:] == []
    statuses = {r.number: r.status for r in slack.service.list_requests()}
    assert statuses == {"LV-1001": RequestStatus.PENDING, "LV-1002": RequestStatus.APPROVED}


async def test_a_strangers_click_on_a_decided_card_does_not_redraw_it_for_them(slack: SlackHarness) -> None:
    await slack.reply_to(ANANYA, "apply casual 7 Dec to 9 Dec family visit")
    await slack.deliver()
    [card] = [c for c in slack.api.calls_to("chat.postMessage") if c.params["channel"] == "D0VIKRAM"]
    await slack.interact(click("leave_approve", VIKRAM, card, slack.response_url()))
    await slack.api.wait_for_calls(lambda: card_updates(slack, card))
    await slack.reply_to(RAHUL, "balance")
    await slack.deliver()
    await slack.api.settle()
    before, sent = snapshot(slack.engine), len(outward(slack))

    # Rahul forges a click on Vikram's card, now decided: its channel and ts are all it takes.
    url = slack.response_url()
    await slack.interact(click("leave_approve", RAHUL, card, url))
    name = url.rsplit("/", 1)[1]
    await slack.api.wait_for(lambda fake: any(c.params.get("name") == name for c in fake.calls_to("response_url")))
    [told] = [c for c in slack.api.calls_to("response_url") if c.params["name"] == name]
    assert shown(told.params) == ":warning: LV-1001 isn't yours to decide; /leave pending lists those waiting for you."
    await slack.api.settle()
    assert outward(slack)[sent:] == []  # the decided card is neither redrawn nor sent to him
    changed, audited = written_since(before, snapshot(slack.engine))
    assert changed == [] and audit_actions(audited) == [("rahul@x.test", "not_approver", "refused")]


async def test_cancelling_someone_elses_request_reads_like_an_unknown_id_and_is_audited(
        slack: SlackHarness) -> None:
    await one_pending_one_decided(slack)
    before, sent = snapshot(slack.engine), len(outward(slack))
    replies = [shown(await slack.reply_to(RAHUL, f"cancel {number}")) for number in ("LV-1001", "LV-1002", "LV-9999")]
    assert {same_words(text) for text in replies} == {
        ":warning: LV-N isn't yours to cancel; /leave list shows your requests."}
    changed, audited = written_since(before, snapshot(slack.engine))
    assert changed == []
    assert audit_actions(audited) == [("rahul@x.test", "not_owner", "refused")] * 3
    await slack.api.settle()
    assert outward(slack)[sent:] == []
    assert {r.status for r in slack.service.list_requests()} == {RequestStatus.PENDING, RequestStatus.APPROVED}


async def test_a_plain_employee_cannot_tell_whether_a_colleague_exists_from_balance(slack: SlackHarness) -> None:
    await one_pending_one_decided(slack)
    before, sent = snapshot(slack.engine), len(outward(slack))
    asked = ("ananya@x.test", f"<@{ANANYA}|ananya>", "@ananya", "E3", "nobody@x.test", "@nobody")
    replies = {who: shown(await slack.reply_to(RAHUL, f"balance {who}")) for who in asked}
    wordings = {re.sub(r"'[^']*'", "'…'", text) for text in replies.values()}
    assert wordings == {":warning: You can see your own balances and those of people who report to you; "
                        "'…' is not one of them."}
    assert not [text for text in replies.values() if "Ananya Iyer" in text or "can't find" in text]
    changed, audited = written_since(before, snapshot(slack.engine))
    assert changed == []
    assert audit_actions(audited) == [("rahul@x.test", "not_manager", "refused")] * len(asked)
    await slack.api.settle()
    assert outward(slack)[sent:] == []


@pytest.mark.parametrize("typed", ["report 2026-11", "report 2026-Q4 Engineering", "audit", "audit @ananya 2026-11",
                                   "insight quiet", "insight quiet Engineering"])
async def test_hr_only_commands_are_refused_to_others_and_audited(slack: SlackHarness, typed: str) -> None:
    await slack.reply_to(RAHUL, "balance")
    before, sent = snapshot(slack.engine), len(outward(slack))
    reply = shown(await slack.reply_to(RAHUL, typed))
    assert "for HR admins" in reply
    changed, audited = written_since(before, snapshot(slack.engine))
    assert changed == []
    assert audit_actions(audited) == [("rahul@x.test", "not_hr", "refused")]
    await slack.api.settle()
    assert outward(slack)[sent:] == []


async def test_a_teams_stranger_gets_the_same_card_for_a_real_and_a_made_up_request(rig: TeamsRig) -> None:
    rig.service.handle_text("ananya@x.test", "apply casual 7 Dec", "teams")
    rig.service.handle_text("boss@x.test", "approve LV-1001", "teams")
    rig.service.handle_text("rahul@x.test", "balance", "teams")
    await rig.say("rahul", "list")  # his first contact (the chat link) is not part of the attack
    await rig.deliver()
    before, sent = snapshot(rig.engine), len(rig.connector.calls)
    cards = [(await rig.click("rahul", "approve", {"requestId": number}))[1] for number in ("LV-1001", "LV-9999")]
    shown_texts = {same_words(texts(body["value"])) for body in cards}
    assert len(shown_texts) == 1 and "isn't yours to decide" in shown_texts.pop()
    assert not [word for word in TELLTALES for body in cards if word in texts(body["value"])]
    changed, audited = written_since(before, snapshot(rig.engine))
    assert changed == []
    assert audit_actions(audited) == [("rahul@x.test", "not_approver", "refused")] * 2
    assert [c for c in rig.connector.calls[sent:] if c.method != "GET"] == []  # it may look him up, not write
