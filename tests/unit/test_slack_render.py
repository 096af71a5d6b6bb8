"""Block Kit from core views: valid JSON, within Slack's limits, and nothing a person typed can ping anyone."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.slack import render
from bot.slack.escape import ELLIPSIS
from core import views
from core.commands import EXAMPLES, PURPOSE, USAGE
from core.domain.amount import Amount
from core.domain.model import HalfDay, RequestStatus
from tests.trees import nodes

EVIL = '<!channel> & <@UEVIL> "quoted" \\ back'
LONG = "a very long reason " * 400

EMPLOYEE = views.Person("E3", f"Ananya {EVIL}", "ananya@x.test")
MANAGER = views.Person("E2", "Vikram Rao", "boss@x.test")
PENDING = views.RequestView(
    id=1, number="LV-1001", employee=EMPLOYEE, type_key="casual", type_name=f"Casual {EVIL}",
    start=date(2026, 12, 7), end=date(2026, 12, 9), half=None, days=Amount.days(3), status=RequestStatus.PENDING,
    reason=f"{EVIL} {LONG}", approver=MANAGER, flags=(f"Team limit {EVIL}",),
)
APPROVED = dataclasses.replace(PENDING, status=RequestStatus.APPROVED, decided_by=MANAGER,
                               decided_at=datetime(2026, 11, 25, 5, 12, tzinfo=UTC), decision_note=EVIL)
ROW = views.BalanceRow("casual", "CL", f"Casual {EVIL}", Amount.days(12), Amount.days(3), Amount.days("0.5"),
                       expiring=Amount.days(2), expires_on=date(2027, 3, 31))
BALANCE = views.BalanceView(EMPLOYEE, 2026, (ROW,) * 12)
ABSENCE = views.AbsenceView(EMPLOYEE, f"Sick {EVIL}", date(2026, 12, 7), date(2026, 12, 7), HalfDay.FIRST,
                            RequestStatus.APPROVED)
NOTICE = views.Notice("approval_needed:E2", views.NoticeKind.APPROVAL_NEEDED, MANAGER, PENDING,
                      {2026: dataclasses.replace(ROW, pending=Amount.days(0), to_accrue=Amount.days(1))},
                      (ABSENCE,) * 30, (f"Document: {EVIL}", "3 working days"),
                      escalation=views.Escalation(EMPLOYEE, 3, 7))

EVERY_COMMAND = tuple(views.CommandHelp(word, USAGE[word], PURPOSE[word], EXAMPLES[word]) for word in USAGE)
REPLIES: list[views.View] = [
    views.HelpView(BALANCE),
    views.HelpView(None),
    views.HelpView(BALANCE, EVERY_COMMAND, leave_types=(views.LeaveTypeView(f"t{EVIL}", EVIL, EVIL),) * 40),
    views.HelpView(None, EVERY_COMMAND, full=True),
    views.AppliedView(PENDING, {2026: ROW}),
    views.AppliedView(PENDING, duplicate=True),
    views.DecidedView(APPROVED),
    views.DecidedView(dataclasses.replace(PENDING, waiting_for="hr", approver=None)),
    views.CancelledView(dataclasses.replace(PENDING, status=RequestStatus.CANCELLED), Amount.days(3)),
    views.CancelledView(dataclasses.replace(APPROVED, cancelled_dates=(date(2026, 12, 9),)), Amount.days(1)),
    views.RequestListView(f"Your requests {EVIL}", (PENDING, APPROVED) * 40),
    views.RequestListView("Nothing", ()),
    views.TeamView(date(2026, 12, 7), (ABSENCE,) * 200),
    views.TeamView(date(2026, 12, 7), ()),
    views.HolidaysView(2026, "INDIA", tuple(views.HolidayRow(date(2026, 12, 25), EVIL) for _ in range(5))),
    BALANCE,
    views.ReportView("2026-Q4", date(2026, 10, 1), date(2026, 12, 31), EVIL, 300,
                     tuple(views.ReportTotal(f"t{i}", f"Type {EVIL}", Amount.days(i)) for i in range(40)),
                     (views.ReportFile(f"taken-{EVIL}.csv", f"employee_id,name\nE3,{EVIL}\n" * 300),)),
    views.RefusalView(f"I don't know '{EVIL}'. Try: apply"),
    views.ApplyFormView((("casual", f"Casual {EVIL}"),)),
    views.PlanView(f"Casual {EVIL}", date(2026, 12, 7), date(2026, 12, 9), None, Amount.days(3),
                   (views.HolidayRow(date(2026, 12, 8), EVIL),), {2026: ROW},
                   (views.CheckView("notice", True), views.CheckView("balance", False, EVIL)), ("manager", "hr"),
                   flags=(EVIL,), expiring=Amount.days(1), expires_on=date(2027, 3, 31)),
    views.DelegationView(EMPLOYEE, date(2026, 12, 21), date(2027, 1, 2)),
    views.DelegationView(None, ended=2),
]


def _messages() -> Iterator[tuple[str, dict[str, Any], int]]:
    """Every kind of message and view, built from hostile text, with its block limit."""
    actions = render.ListActions(decide=True, cancel=True, today=date(2026, 11, 25))
    for view in REPLIES:
        yield type(view).__name__, render.reply(view, actions), 50
    yield "approval card", render.approval_card(NOTICE), 50
    yield "closed card", render.closed_card(APPROVED), 50
    yield "level card", render.closed_card(dataclasses.replace(PENDING, approver=None), MANAGER), 50
    yield "decided dm", render.decided_message(APPROVED), 50
    yield "closed dm", render.closed_message(APPROVED), 50
    yield "reassigned dm", render.reassigned_message(PENDING, None), 50
    yield "apply modal", render.apply_modal(views.ApplyFormView((("casual", f"Casual {EVIL} {LONG}"),) * 120)), 100
    yield "reject modal", render.reject_modal("LV-1001", "{}"), 100
    yield "info modal", render.info_modal(f"Reject {EVIL}", f"{EVIL} {LONG}"), 100
    home = views.HomeView(f"Ananya {EVIL}", date(2026, 11, 25), BALANCE, (PENDING,) * 40, (PENDING,) * 40, True,
                          problems=(EVIL,))
    yield "home", render.home(home, notice=EVIL), 100


MESSAGES = list(_messages())


def _text_objects(node: Any, parent: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every text object with the key it sits under (``text``, ``title``, ``label``...)."""
    if isinstance(node, dict):
        if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
            yield parent, node
        for key, value in node.items():
            yield from _text_objects(value, key)
    elif isinstance(node, list):
        for item in node:
            yield from _text_objects(item, parent)


def _blocks_of(node: Any) -> Iterator[dict[str, Any]]:
    return (block for block in nodes(node) if block.get("type") in ("section", "header", "actions", "context"))


@pytest.mark.parametrize(("name", "message", "limit"), MESSAGES, ids=[m[0] for m in MESSAGES])
def test_nothing_typed_can_ping_anyone(name: str, message: dict[str, Any], limit: int) -> None:
    for _, text in _text_objects(message):
        if text["type"] == "mrkdwn":
            assert "<!channel>" not in text["text"] and "<@UEVIL>" not in text["text"], text
    assert "<!channel>" not in message.get("text", "")


@pytest.mark.parametrize(("name", "message", "limit"), MESSAGES, ids=[m[0] for m in MESSAGES])
def test_every_text_is_within_slack_limits(name: str, message: dict[str, Any], limit: int) -> None:
    assert len(message["blocks"]) <= limit
    for block in _blocks_of(message["blocks"]):
        kind = block.get("type")
        if kind == "section":
            assert len(block.get("text", {}).get("text", "")) <= 3000
            assert len(block.get("fields", [])) <= 10
            assert all(len(f["text"]) <= 2000 for f in block.get("fields", []))
        if kind == "header":
            assert len(block["text"]["text"]) <= 150
        if kind == "actions":
            for element in block["elements"]:
                assert len(element["text"]["text"]) <= 75
    for key, text in _text_objects(message):
        assert len(text["text"]) <= 3000
        if key == "title" and message.get("type") == "modal":
            assert len(text["text"]) <= 24
    for option in message.get("blocks", [{}])[0].get("element", {}).get("options", []):
        assert len(option["text"]["text"]) <= 75 and len(option["value"]) <= 150
    assert len(message.get("text", "")) <= 3000


def test_the_approval_card_carries_the_contract_buttons() -> None:
    card = render.approval_card(NOTICE)
    actions = [b for b in card["blocks"] if b["type"] == "actions"]
    assert [(e["action_id"], e["value"]) for e in actions[0]["elements"]] == [
        ("leave_approve", "LV-1001"), ("leave_reject", "LV-1001")]
    shown = " ".join(t["text"] for _, t in _text_objects(card))
    assert "9 days of casual" in shown and "Also out then" in shown and "3 working days" in shown
    assert "left in 2026 if approved; left at year end, with accrual: 10 days" in shown
    assert "Escalated to you: no answer from Ananya &lt;!channel&gt;" in shown
    assert "in 3 working days; waiting 7 days since it was filed" in shown


def test_a_decided_card_has_no_buttons_and_says_who_and_when() -> None:
    card = render.closed_card(APPROVED)
    assert all(b["type"] != "actions" for b in card["blocks"])
    outcome = card["blocks"][-1]["text"]["text"]
    assert outcome.startswith(":white_check_mark: *Approved* by Vikram Rao, <!date^1795583520^")
    assert outcome.endswith(
        '|Wed 25 Nov 2026 05:12 UTC>\nNote:\n> &lt;!channel&gt; &amp; &lt;@UEVIL&gt; "quoted" \\ back')


def test_a_long_reason_is_cut_with_an_ellipsis_rather_than_refused() -> None:
    reply = render.reply(views.AppliedView(PENDING))
    request_text = reply["blocks"][1]["text"]["text"]
    assert len(request_text) == 3000 or request_text.endswith(ELLIPSIS)
    assert request_text.endswith(ELLIPSIS)


def test_long_lists_are_capped_and_say_so() -> None:
    reply = render.reply(views.RequestListView("Your requests", (PENDING,) * 60), render.ListActions(cancel=True))
    assert reply["blocks"][-1]["elements"][0]["text"] == "Showing the newest 20 of 60."
    cancels = [b for b in reply["blocks"] if b.get("accessory", {}).get("action_id") == "leave_cancel"]
    assert len(cancels) == 20


def test_a_pending_list_offers_decisions_and_a_started_leave_no_cancel() -> None:
    started = dataclasses.replace(APPROVED, start=date(2026, 11, 20))
    pending = render.reply(views.RequestListView("Waiting", (PENDING,)), render.ListActions(decide=True))
    assert [e["action_id"] for e in pending["blocks"][-1]["elements"]] == ["leave_approve", "leave_reject"]
    mine = render.reply(views.RequestListView("Mine", (started, APPROVED)),
                        render.ListActions(cancel=True, today=date(2026, 11, 25)))
    assert ["accessory" in b for b in mine["blocks"][1:]] == [False, True]


def test_the_apply_modal_names_its_fields() -> None:
    modal = render.apply_modal(views.ApplyFormView((("casual", "Casual leave (CL)"), ("sick", "Sick leave (SL)"))))
    assert modal["callback_id"] == "leave_apply"
    assert [b["block_id"] for b in modal["blocks"]] == ["leave_type", "start", "end", "half", "reason", "document"]
    assert [o["value"] for o in modal["blocks"][0]["element"]["options"]] == ["casual", "sick"]
    assert modal["blocks"][1]["element"]["type"] == "datepicker"
