"""Supporting documents in Teams, end to end against the stand-in connector: a file attached to a
message in the personal chat (fetched from its ``downloadUrl``), the approver's card with "Open the
document" and its one-time link, typed ``document LV-1001``; the refusals, on SQLite and MariaDB."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from core.ports import AuditQuery
from storage import tables
from tests.integration.teams.conftest import PERSONAL_CHAT, RigFactory, TeamsRig, actions, texts

pytestmark = pytest.mark.asyncio

PUBLIC = "https://leave.example.com"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
DOCX = b"PK\x03\x04 a word document"


def with_file(rig: TeamsRig, who: str, name: str, content: bytes, text: str = "<p>my certificate for LV-1001</p>",
              url: str | None = None) -> dict[str, Any]:
    """A message from ``who`` with a file attached, its ``downloadUrl`` on the stand-in (or ``url``)."""
    rig.connector.files[name] = content
    activity = rig.activity("message_personal_file", who, text=text)
    attached = activity["attachments"][0]
    attached["name"] = name
    attached["content"]["downloadUrl"] = url or rig.connector.file_url(name)
    return activity


async def send(rig: TeamsRig, who: str, activity: dict[str, Any]) -> dict[str, Any]:
    """Post the activity; the card the bot answered with in ``who``'s chat."""
    before = len(rig.connector.sent(PERSONAL_CHAT[who]))
    response = await rig.post(activity)
    assert response.status in (200, 201), await response.text()
    sent = rig.connector.sent(PERSONAL_CHAT[who])
    assert len(sent) == before + 1
    card = sent[-1].card
    assert card is not None
    return card


def kept(rig: TeamsRig) -> list[Any]:
    with rig.engine.connect() as connection:
        return list(connection.execute(select(tables.request_documents.c.filename, tables.request_documents.c.ref,
                                              tables.request_documents.c.source)))


def still_due(rig: TeamsRig) -> bool:
    [request] = rig.service.list_requests("ananya@x.test")
    return request.document_due


def open_links(card: dict[str, Any]) -> list[str]:
    return [a["url"] for a in card.get("actions", []) if a.get("type") == "Action.OpenUrl"]


async def test_a_file_attached_in_the_chat_is_kept_and_the_approver_opens_it_once(make_rig: RigFactory) -> None:
    rig = await make_rig(public_url=PUBLIC)
    await rig.say("boss", "help")  # Vikram has talked to the bot, so a notice can reach him
    applied = await rig.say("ananya", "apply sick 1 Dec to 4 Dec flu")
    assert "Document due for LV-1001: attach the file to a message in this chat" in texts(applied)

    thanks = await send(rig, "ananya", with_file(rig, "ananya", "certificate.pdf", PDF))
    assert "Thank you: certificate.pdf is now with LV-1001" in texts(thanks)
    assert kept(rig) == [("certificate.pdf", "teams:1150D938-8870-4044-9F2C-5BBD2B3D0B38", "teams")]
    assert not still_due(rig)
    assert [e.action for e in rig.service.audit_log(AuditQuery(action="document"))] == ["document"]

    rig.connector.clear()
    report = await rig.deliver()
    assert report.errors == []
    [notice] = [c.card for c in rig.connector.sent(PERSONAL_CHAT["boss"])
                if c.card is not None and "handed in a document" in texts(c.card)]
    assert "Ananya Iyer handed in a document for LV-1001" in texts(notice)
    [open_button] = actions(notice)
    assert (open_button["verb"], open_button["data"]["requestId"]) == ("openDocument", 1)

    status, body = await rig.click("boss", "openDocument", open_button["data"])
    assert status == 200
    opened = body["value"]
    assert "Documents of LV-1001" in texts(opened) and "Each link works once" in texts(opened)
    [link] = open_links(opened)
    assert link.startswith(PUBLIC + "/downloads/")
    served = await rig.client.get(link.removeprefix(PUBLIC))
    assert served.status == 200 and await served.read() == PDF and served.content_type == "application/pdf"
    assert (await rig.client.get(link.removeprefix(PUBLIC))).status == 404


async def test_files_not_taken_and_links_not_followed_are_refused(rig: TeamsRig) -> None:
    await rig.say("ananya", "apply sick 1 Dec to 4 Dec flu")
    refused = await send(rig, "ananya", with_file(rig, "ananya", "note.docx", DOCX))
    assert "I can't take note.docx: I take a PDF, JPEG, PNG or HEIC file of at most 10 MB" in texts(refused)
    elsewhere = await send(rig, "ananya", with_file(rig, "ananya", "certificate.pdf", PDF,
                                                    url="https://files.example.com/certificate.pdf"))
    assert "Teams gave no address I follow for certificate.pdf" in texts(elsewhere)
    assert kept(rig) == [] and still_due(rig)


async def test_only_the_requests_employee_hands_in_and_only_its_approvers_and_hr_open(rig: TeamsRig) -> None:
    await rig.say("ananya", "apply sick 1 Dec to 4 Dec flu")
    refused = await send(rig, "rahul", with_file(rig, "rahul", "certificate.pdf", PDF))
    assert "LV-1001 isn't yours to hand in a document for" in texts(refused)
    assert "LV-1001 isn't yours to open" in texts(await rig.say("rahul", "document LV-1001"))
    assert kept(rig) == [] and still_due(rig)

    await send(rig, "ananya", with_file(rig, "ananya", "certificate.pdf", PDF, text="here it is"))
    listed = await rig.say("hr", "document LV-1001")
    assert "Documents of LV-1001" in texts(listed) and "certificate.pdf" in texts(listed)
    assert "/downloads/" in texts(listed) and "set PUBLIC_URL" in texts(listed)  # no public address: a path
