"""Supporting documents in Slack, end to end against the stand-in: a file dropped into the DM with the
bot (``message`` and ``file_shared``), the hand-in form's file input, the approver's Open button and
``/leave document``, each link working once; the limits and the refusals, on SQLite and MariaDB."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from core.domain.documents import MAX_BYTES
from core.ports import AuditQuery
from storage import tables
from tests.integration.slack.conftest import ANANYA, MEERA, RAHUL, VIKRAM, SlackHarness, payload
from tests.integration.slack.fake_slack import BOT_TOKEN, Call
from tests.integration.slack.test_slack_commands import action_ids, shown

pytestmark = pytest.mark.asyncio

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00 a scanned certificate"
DOCX = b"PK\x03\x04 a word document"


async def sick_leave_with_a_document_due(slack: SlackHarness) -> dict[str, Any]:
    """Ananya applies for four days of sick leave (more than three need a document): LV-1001."""
    reply = await slack.reply_to(ANANYA, "apply sick 1 Dec to 4 Dec flu")
    assert "LV-1001" in shown(reply)
    return reply


def dropped(file_id: str = "F0DOC00001", user: str = ANANYA, text: str = "my certificate for LV-1001",
            channel: str = "D0ANANYA") -> dict[str, Any]:
    """A file dropped into the DM with the bot, as Slack tells of it."""
    body = payload("event_message_file_share")
    body["event"].update(user=user, text=text, channel=channel)
    body["event"]["files"][0]["id"] = file_id
    return body


def replies_in(slack: SlackHarness, channel: str) -> list[Call]:
    return [c for c in slack.api.calls_to("chat.postMessage") if c.params.get("channel") == channel]


async def reply_in(slack: SlackHarness, channel: str, count: int = 1) -> dict[str, Any]:
    """The ``count``-th message the bot posts into ``channel`` (waiting for it)."""
    found = await slack.api.wait_for_calls(lambda: replies_in(slack, channel), count)
    return found[count - 1].params


def documents(slack: SlackHarness) -> list[Any]:
    kept = tables.request_documents.c
    with slack.engine.connect() as connection:
        return list(connection.execute(select(kept.request_id, kept.filename, kept.ref, kept.source)))


def still_due(slack: SlackHarness) -> bool:
    [request] = slack.service.list_requests("ananya@x.test")
    return request.document_due


def click(action_id: str, user: str, value: str, response_url: str) -> dict[str, Any]:
    body = payload("block_actions_approve")
    body["user"]["id"] = user
    body["container"]["channel_id"] = body["channel"]["id"] = f"D{user[1:]}"
    body["response_url"] = response_url
    body["actions"][0].update(action_id=action_id, value=value)
    return body


async def responded(slack: SlackHarness, url: str) -> dict[str, Any]:
    name = url.rsplit("/", 1)[1]
    [call] = await slack.api.wait_for_calls(
        lambda: [c for c in slack.api.calls_to("response_url") if c.params["name"] == name])
    return call.params


def link_in(message: dict[str, Any]) -> str:
    """The one-time link a reply carries (a path on this server: the test sets no PUBLIC_URL)."""
    text = shown(message)
    start = text.index("`/downloads/") + 1
    return text[start:text.index("`", start)]


async def test_a_file_dropped_into_the_dm_is_kept_once_and_the_approver_opens_it_once(slack: SlackHarness) -> None:
    applied = await sick_leave_with_a_document_due(slack)
    assert "Document due for LV-1001" in shown(applied)
    assert ("leave_hand_in", "LV-1001") in action_ids(applied)
    assert (await slack.deliver()).errors == []
    card = await reply_in(slack, "D0VIKRAM")
    assert "Document due" in shown(card)
    slack.api.add_file("F0DOC00001", "certificate.pdf", PDF)

    await slack.event(dropped())
    thanks = await reply_in(slack, "D0ANANYA")
    assert "Thank you: `certificate.pdf` (1 KB) is now with *LV-1001*" in shown(thanks)
    [download] = slack.api.calls_to("file.download")
    assert download.token == BOT_TOKEN
    assert documents(slack) == [(1, "certificate.pdf", "slack:F0DOC00001", "slack")]
    assert not still_due(slack)

    # Slack tells of the same upload again as file_shared, and retries an event: kept once, answered once.
    await slack.event(payload("event_file_shared"))
    await slack.event(dropped(), retry=1)
    await slack.api.settle()
    assert len(replies_in(slack, "D0ANANYA")) == 1 and len(documents(slack)) == 1
    assert [e.action for e in slack.service.audit_log(AuditQuery(action="document"))] == ["document"]

    report = await slack.deliver()
    assert report.errors == []
    notice = await reply_in(slack, "D0VIKRAM", count=2)  # after his approval card
    assert "*Ananya Iyer* handed in a document for *LV-1001*" in shown(notice)
    assert action_ids(notice) == [("leave_open_document", "LV-1001")]
    # The card he will click no longer says the document is due; its buttons stay.
    [redrawn] = [c.params for c in slack.api.calls_to("chat.update") if c.params.get("channel") == "D0VIKRAM"]
    assert "Document due" not in shown(redrawn) and "Ananya Iyer asks for" in shown(redrawn)
    assert action_ids(redrawn) == action_ids(card)

    url = slack.response_url()
    await slack.interact(click("leave_open_document", VIKRAM, "LV-1001", url))
    opened = await responded(slack, url)
    assert opened["response_type"] == "ephemeral" and "Documents of LV-1001" in shown(opened)
    link = link_in(opened)
    served = await slack.client.get(link)
    assert served.status == 200 and served.content_type == "application/pdf" and await served.read() == PDF
    assert served.headers["Content-Disposition"] == 'attachment; filename="certificate.pdf"'
    assert (await slack.client.get(link)).status == 404
    assert [e.actor for e in slack.service.audit_log(AuditQuery(action="open_document"))] == ["boss@x.test"]


async def test_the_hand_in_form_takes_a_file_and_answers_in_the_dm(slack: SlackHarness) -> None:
    await sick_leave_with_a_document_due(slack)
    slack.api.add_file("F0DOC00002", "scan.jpg", JPEG, "image/jpeg")
    await slack.interact(click("leave_hand_in", ANANYA, "LV-1001", slack.response_url()))
    [opened] = await slack.api.wait_calls("views.open")
    form = opened.params["view"]
    assert form["callback_id"] == "leave_document" and "LV-1001" in form["private_metadata"]
    [file_input] = [b["element"] for b in form["blocks"] if b.get("type") == "input"]
    assert file_input["type"] == "file_input" and file_input["filetypes"] == ["pdf", "jpg", "jpeg", "png", "heic"]

    response = await slack.interact(payload("view_submission_document"))
    assert response.status == 200 and await response.text() == ""  # the form closes at once
    thanks = await reply_in(slack, "D0ANANYA")
    assert "`scan.jpg` (1 KB) is now with *LV-1001*" in shown(thanks)
    assert documents(slack) == [(1, "scan.jpg", "slack:F0DOC00002", "slack")] and not still_due(slack)


async def test_files_not_taken_are_refused_and_the_request_stays_due(slack: SlackHarness) -> None:
    await sick_leave_with_a_document_due(slack)
    slack.api.add_file("F0DOCX0001", "note.docx", DOCX, "application/msword")
    slack.api.add_file("F0HUGE0001", "scan.pdf", PDF, size=MAX_BYTES + 1)

    await slack.event(dropped("F0DOCX0001"))
    refused = await reply_in(slack, "D0ANANYA")
    assert "I can't take note.docx: I take a PDF, JPEG, PNG or HEIC file of at most 10 MB" in shown(refused)
    await slack.event(dropped("F0HUGE0001"))
    too_big = await reply_in(slack, "D0ANANYA", count=2)
    assert "scan.pdf is 10.0 MB; I take a PDF, JPEG, PNG or HEIC file of at most 10 MB" in shown(too_big)
    assert [c.params["file_id"] for c in slack.api.calls_to("file.download")] == ["F0DOCX0001"]  # the huge one unread
    assert documents(slack) == [] and still_due(slack)


async def test_only_the_requests_employee_hands_in_and_only_its_approvers_and_hr_open(slack: SlackHarness) -> None:
    await sick_leave_with_a_document_due(slack)
    slack.api.add_file("F0RAHUL001", "certificate.pdf", PDF)
    await slack.event(dropped("F0RAHUL001", user=RAHUL, channel="D0RAHUL"))
    refused = await reply_in(slack, "D0RAHUL")
    assert "LV-1001 isn't yours to hand in a document for" in shown(refused)
    assert documents(slack) == [] and still_due(slack)

    url = slack.response_url()
    await slack.interact(click("leave_open_document", RAHUL, "LV-1001", url))
    assert "LV-1001 isn't yours to open" in shown(await responded(slack, url))
    assert "LV-1001 isn't yours to open" in shown(await slack.reply_to(RAHUL, "document LV-1001"))
    refusals = [e.action for e in slack.service.audit_log(AuditQuery(actor="rahul@x.test")) if e.outcome == "refused"]
    assert refusals == ["not_owner", "not_approver", "not_approver"]

    slack.api.add_file("F0DOC00001", "certificate.pdf", PDF)
    await slack.event(dropped(text="here it is"))  # her one request with a document due
    await reply_in(slack, "D0ANANYA")
    reply = await slack.reply_to(MEERA, "document LV-1001")
    assert "Documents of LV-1001" in shown(reply) and "Each link works once" in shown(reply)
    assert (await slack.client.get(link_in(reply))).status == 200


async def test_file_shared_alone_keeps_a_file_it_can_place(slack: SlackHarness) -> None:
    await sick_leave_with_a_document_due(slack)
    slack.api.add_file("F0DOC00001", "certificate.pdf", PDF)
    await slack.event(payload("event_file_shared"))
    thanks = await reply_in(slack, "D0ANANYA")
    assert "is now with *LV-1001*" in shown(thanks) and not still_due(slack)


async def test_words_alone_in_the_dm_get_told_what_the_dm_is_for(slack: SlackHarness) -> None:
    body = dropped(text="hello?")
    del body["event"]["subtype"], body["event"]["files"]
    await slack.event(body)
    hint = await reply_in(slack, "D0ANANYA")
    assert "A file dropped here is handed in as the supporting document of your leave" in shown(hint)
