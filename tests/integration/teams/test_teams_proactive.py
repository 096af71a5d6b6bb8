"""Proactive notices through the outbox: to the approver, to the employee, card updates, retries."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from core.commands import ApplyLeave, Decide
from core.ports import Unreachable
from core.views import AppliedView, RequestView
from storage import tables
from tests.integration.teams.conftest import PERSONAL_CHAT, TeamsRig, actions, texts

pytestmark = pytest.mark.asyncio


async def install(rig: TeamsRig, who: str) -> None:
    """``who`` adds LeaveBot for themselves: Teams sends conversationUpdate, the bot says hello."""
    response = await rig.post(rig.activity("conversation_update_bot_added_personal", who))
    assert response.status in (200, 201)


def apply(rig: TeamsRig, who: str = "ananya@x.test") -> RequestView:
    view = rig.service.execute(who, ApplyLeave("casual", date(2026, 12, 7), date(2026, 12, 9), reason="trip"), "t")
    assert isinstance(view, AppliedView)
    return view.request


def cards_in_chat(rig: TeamsRig, who: str) -> list[dict[str, Any]]:
    return [c.card for c in rig.connector.sent(PERSONAL_CHAT[who]) if c.card is not None]


async def test_installing_the_app_stores_the_chat_and_says_hello(rig: TeamsRig) -> None:
    await install(rig, "boss")
    assert rig.addresses()["employee:E2"]["conversation"]["id"] == PERSONAL_CHAT["boss"]
    (welcome,) = cards_in_chat(rig, "boss")
    assert "Hi Vikram Rao, I'm LeaveBot" in texts(welcome)


async def test_the_approver_gets_the_card_and_it_is_updated_after_the_decision(rig: TeamsRig) -> None:
    await install(rig, "boss")
    await rig.say("ananya", "help")  # Ananya has talked to the bot, so she can be told the outcome
    rig.connector.clear()
    request = apply(rig)
    report = await rig.deliver()
    assert (report.delivered, report.retrying, report.errors) == (1, 0, [])
    (sent,) = rig.connector.sent(PERSONAL_CHAT["boss"])
    assert sent.activity_id is None  # a new message, not a reply to anything
    card = sent.card
    assert card is not None
    assert [(a["verb"], a["data"]["requestId"]) for a in actions(card)] == [("approve", request.id),
                                                                           ("reject", request.id)]
    assert "29:1boss-mri" in card["refresh"]["userIds"]
    with rig.engine.connect() as connection:
        stored = connection.execute(select(tables.chat_cards.c.employee_id, tables.chat_cards.c.message_id)
                                    .where(tables.chat_cards.c.platform == rig.platform)).all()
    assert [(e, m) for e, m in stored] == [("E2", sent.answer)]

    status, body = await rig.click("boss", "approve", {"requestId": request.id})
    assert status == 200 and actions(body["value"]) == []
    rig.connector.clear()
    report = await rig.deliver()
    assert report.errors == []
    (update,) = rig.connector.recorded("PUT")
    assert update.conversation_id == PERSONAL_CHAT["boss"] and update.activity_id == stored[0][1]
    assert update.card is not None and actions(update.card) == []
    assert "Approved by Vikram Rao" in texts(update.card)
    (told,) = rig.connector.sent(PERSONAL_CHAT["ananya"])
    # Addressed to her, in the second person.
    assert told.card is not None
    assert f"Your 3 days of casual leave, 7\u20139 Dec ({request.number}), were approved by Vikram Rao" in texts(
        told.card)
    # Delivered once: another round sends nothing.
    rig.connector.clear()
    await rig.deliver()
    assert rig.connector.recorded() == []


async def test_throttling_is_retried_after_retry_after_and_sent_once(rig: TeamsRig) -> None:
    await install(rig, "boss")
    rig.connector.clear()
    request = apply(rig)
    rig.connector.fail("POST", rf"^/v3/conversations/{PERSONAL_CHAT['boss']}/activities$", 429,
                       headers={"Retry-After": "120"}, code="TooManyRequests")
    report = await rig.deliver()
    assert (report.delivered, report.retrying) == (0, 1)
    assert "429" in report.errors[0]
    with rig.engine.connect() as connection:
        next_attempt = connection.execute(select(tables.outbox.c.next_attempt_at)).scalar_one()
    assert next_attempt.replace(tzinfo=rig.clock.now().tzinfo) >= rig.clock.now() + timedelta(seconds=120)
    assert await rig.deliver() == type(report)()  # not due yet: nothing is tried
    rig.clock.at += timedelta(seconds=121)
    report = await rig.deliver()
    assert (report.delivered, report.retrying, report.errors) == (1, 0, [])
    attempts = rig.connector.sent(PERSONAL_CHAT["boss"])
    assert len(attempts) == 2 and all(a.card == attempts[0].card for a in attempts)
    assert rig.count(tables.chat_cards) == 1
    assert [a["data"]["requestId"] for a in actions(attempts[-1].card or {})] == [request.id, request.id]


async def test_an_approver_who_never_installed_the_app_is_reported_to_hr(rig: TeamsRig) -> None:
    request = apply(rig)
    report = await rig.deliver()
    assert (report.delivered, report.retrying) == (1, 0)
    assert rig.connector.recorded() == []
    (entry,) = [a for a in rig.service.audit_log() if a.action == "notice.unreachable"]
    assert (entry.source, entry.request_id, entry.outcome) == ("teams", request.id, "refused")
    assert "boss@x.test" in entry.detail and "has not installed LeaveBot" in entry.detail


async def test_refused_credentials_are_not_retried(rig: TeamsRig) -> None:
    await install(rig, "boss")
    apply(rig)
    rig.connector.fail("POST", r"/activities$", 403, code="Forbidden")
    report = await rig.deliver()
    assert (report.delivered, report.retrying) == (1, 0) and "403" in report.errors[0]
    rig.clock.at += timedelta(hours=2)
    rig.connector.clear()
    await rig.deliver()
    assert rig.connector.recorded() == []


async def test_someone_met_in_a_channel_is_reached_in_a_new_personal_chat(rig: TeamsRig) -> None:
    channel_message = rig.activity("message_channel_mention", "boss")
    assert (await rig.post(channel_message)).status in (200, 201)
    rig.connector.clear()
    apply(rig)
    report = await rig.deliver()
    assert report.errors == []
    (created,) = rig.connector.recorded("POST")[:1]
    assert created.path == "/v3/conversations"
    assert created.body["members"] == [{"id": "29:1boss-mri"}] and created.body["isGroup"] is False
    assert created.body["channelData"] == {"tenant": {"id": "tenant-1"}}
    (card,) = [c for c in rig.connector.sent() if c.card is not None]
    assert str(card.conversation_id).startswith("a:new-conversation-")
    assert rig.addresses()["employee:E2"]["conversation"]["id"] == card.conversation_id


async def test_the_scheduler_posts_to_a_stored_channel(rig: TeamsRig) -> None:
    rig.connector.channels["19:team-general@thread.tacv2"] = [
        {"id": "19:team-general@thread.tacv2"}, {"id": "19:hr@thread.tacv2", "name": "HR"}]
    response = await rig.post(rig.activity("conversation_update_bot_added_to_team", "hr"))
    assert response.status in (200, 201)
    key = "channel:19:team-general@thread.tacv2:19:hr@thread.tacv2"
    assert rig.notifier.channels()[key] == "HR"
    card = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "Weekly digest"}]}
    # The post runs in a worker thread, as the scheduler's jobs do.
    message_id = await asyncio.get_running_loop().run_in_executor(None, rig.notifier.post_to_channel, key, card)
    (posted,) = rig.connector.sent("19:hr@thread.tacv2")
    assert posted.card == card and message_id == posted.answer
    with pytest.raises(Unreachable):
        await asyncio.get_running_loop().run_in_executor(None, rig.notifier.post_to_channel, "channel:x:y", card)


async def test_a_decision_typed_elsewhere_also_updates_the_card(rig: TeamsRig) -> None:
    await install(rig, "boss")
    request = apply(rig)
    await rig.deliver()
    rig.service.execute("hr@x.test", Decide(request.id, False, "blackout"), "console")
    rig.connector.clear()
    await rig.deliver()
    (update,) = rig.connector.recorded("PUT")
    assert update.card is not None and "Rejected by Meera Nair" in texts(update.card) and actions(update.card) == []
