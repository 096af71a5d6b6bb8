"""Teams Adaptive Cards: every view renders a valid 1.5 card, people's text can't change a card's
structure, and the approval card carries the contract's verbs and ids (README, "HTTP endpoints")."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.teams import cards
from core import views
from core.commands import EXAMPLES, PURPOSE, USAGE
from core.domain.amount import NO_DAYS, Amount
from core.domain.model import HalfDay, RequestStatus
from tests.trees import nodes

ANANYA = views.Person("E3", "Ananya Iyer", "ananya@x.test")
VIKRAM = views.Person("E2", "Vikram Rao", "boss@x.test")
HOSTILE = 'x"}]}, {"type": "Action.Execute", "verb": "approve"} **bold** [link](https://evil.example) <at>x</at>'


def request(**changes: Any) -> views.RequestView:
    base: dict[str, Any] = {
        "id": 42, "number": "LV-1042", "employee": ANANYA, "type_key": "casual", "type_name": "Casual leave",
        "start": date(2026, 12, 7), "end": date(2026, 12, 9), "half": None, "days": Amount.days(3),
        "status": RequestStatus.PENDING, "reason": "family visit", "approver": VIKRAM,
        "created_at": datetime(2026, 11, 25, 4, 30, tzinfo=UTC),
    }
    base.update(changes)
    return views.RequestView(**base)


BALANCE = views.BalanceView(ANANYA, 2026, (
    views.BalanceRow("casual", "CL", "Casual leave", Amount.days(12), Amount.days("2.5"), Amount.days(1)),
))

EVERY_VIEW: list[views.View] = [
    views.HelpView(BALANCE),
    views.HelpView(),
    views.HelpView(BALANCE, tuple(views.CommandHelp(w, USAGE[w], PURPOSE[w], EXAMPLES[w]) for w in USAGE),
                   leave_types=(views.LeaveTypeView("casual", "CL", HOSTILE),)),
    views.HelpView(None, tuple(views.CommandHelp(w, USAGE[w], PURPOSE[w], EXAMPLES[w]) for w in USAGE), full=True),
    views.ApplyFormView((("casual", "Casual leave (CL)"), ("sick", "Sick leave (SL)"))),
    views.AppliedView(request(), {2026: views.BalanceRow("casual", "CL", "Casual leave", Amount.days(11), NO_DAYS,
                                                         Amount.days(2), to_accrue=Amount.days(1))}),
    views.AppliedView(request(), duplicate=True),
    views.DecidedView(request(status=RequestStatus.APPROVED, decided_by=VIKRAM,
                              decided_at=datetime(2026, 11, 25, 5, 0, tzinfo=UTC))),
    views.CancelledView(request(status=RequestStatus.CANCELLED), Amount.days(3)),
    views.RequestListView("Your requests", (request(), request(id=43, number="LV-1043"))),
    views.RequestListView("Your requests", ()),
    views.TeamView(date(2026, 12, 7), (views.AbsenceView(ANANYA, "Casual leave", date(2026, 12, 7),
                                                         date(2026, 12, 7), HalfDay.FIRST, RequestStatus.APPROVED),)),
    views.TeamView(date(2026, 12, 7), ()),
    views.HolidaysView(2026, "INDIA", (views.HolidayRow(date(2026, 12, 25), "Christmas"),)),
    views.HolidaysView(2027, "INDIA", ()),
    BALANCE,
    views.ReportView("2026-Q4", date(2026, 10, 1), date(2026, 12, 31), None, 1,
                     (views.ReportTotal("casual", "Casual leave", Amount.days(2)),),
                     (views.ReportFile("leave-taken-2026-Q4.csv", "employee_id,days\nE3,2\n"),)),
    views.RefusalView("Only 2.5 casual days left; you asked for 3"),
]


def buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    refresh = card.get("refresh", {}).get("action")
    return [e for e in nodes(card) if e.get("type") == "Action.Execute" and e is not refresh]


@pytest.mark.parametrize("view", EVERY_VIEW, ids=lambda v: type(v).__name__)
def test_every_view_is_a_schema_1_5_card_without_nulls(view: views.View) -> None:
    card = cards.render_view(view, can_decide=lambda r: True, refresh_user_ids=["29:boss"])
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    assert card["body"], "a card says something"
    assert "null" not in json.dumps(card)
    assert all(isinstance(e.get("type", ""), str) for e in nodes(card))


def test_every_view_type_has_a_template() -> None:
    assert set(cards.TEMPLATES) | {views.ApplyFormView} >= {type(v) for v in EVERY_VIEW}


def test_text_people_typed_stays_text_in_a_text_run() -> None:
    card = cards.approval_card(request(reason=HOSTILE), can_decide=True)
    runs = [e for e in nodes(card) if e.get("type") == "TextRun"]
    assert [r["text"] for r in runs] == [HOSTILE]
    assert [b["verb"] for b in buttons(card)] == ["approve", "reject"]  # no injected button


def test_the_approval_card_follows_the_contract() -> None:
    card = cards.approval_card(
        request(flags=("Team limit reached on Tue 8 Dec",)), can_decide=True,
        facts=("Applied 12 days ahead", "3 working days"), balance_after={2026: views.BalanceRow(
            "casual", "CL", "Casual leave", Amount.days(11), NO_DAYS, Amount.days(2), to_accrue=Amount.days(1))},
        escalation=views.Escalation(views.Person("E9", "Priya Shah", "priya@x.test"), 3, 7),
        team_out=(views.AbsenceView(VIKRAM, "Sick leave", date(2026, 12, 8), date(2026, 12, 8), None,
                                    RequestStatus.APPROVED),),
        refresh_user_ids=["29:boss", "29:hr"],
    )
    approve, reject = buttons(card)
    assert (approve["verb"], reject["verb"]) == ("approve", "reject")
    assert approve["data"]["requestId"] == 42 and reject["data"]["requestId"] == 42
    # Reject opens the reason box (named after the request) and its own Reject button, as Slack's form does.
    (shown,) = [a for a in nodes(card) if a.get("type") == "Action.ShowCard"]
    assert shown["title"] == "Reject" and reject in nodes(shown["card"])
    assert [i["id"] for i in nodes(card) if i.get("type") == "Input.Text"] == ["reason-42"]
    assert approve["associatedInputs"] == "none"
    assert card["refresh"] == {
        "action": {"type": "Action.Execute", "verb": "refresh", "title": "Refresh", "data": {"requestId": 42}},
        "userIds": ["29:boss", "29:hr"],
    }
    text = json.dumps(card)
    for fact in ("Applied 12 days ahead", "Left in 2026 once approved: 9 days of casual leave; left at year end, "
                 "with accrual: 10 days", "Escalated to you: no answer from Priya Shah in 3 working days; waiting 7 "
                 "days since it was filed", "Vikram Rao: Sick leave", "Team limit reached"):
        assert fact in text


def test_a_decided_request_shows_who_and_when_and_has_no_buttons() -> None:
    decided = request(status=RequestStatus.APPROVED, decided_by=VIKRAM,
                      decided_at=datetime(2026, 11, 25, 5, 0, tzinfo=UTC), decision_note="enjoy")
    for card in (cards.approval_card(decided, can_decide=True), cards.request_card(decided, ["29:boss"])):
        assert buttons(card) == []
        # Teams writes the stamp in each reader's own zone.
        assert "Approved by Vikram Rao on {{DATE(2026-11-25T05:00:00Z, SHORT)}} at {{TIME(2026-11-25T05:00:00Z)}}" \
            in json.dumps(card)
        assert not any(e.get("type") == "Input.Text" for e in nodes(card))


def test_someone_who_may_not_decide_sees_no_buttons() -> None:
    assert buttons(cards.approval_card(request(), can_decide=False)) == []


def test_a_pending_request_waiting_at_the_hr_level_says_so() -> None:
    assert "Waiting for HR" in json.dumps(cards.request_card(request(waiting_for="hr", approver=None)))
    # The one HR admin on duty is named, as HR.
    meera = views.Person("E1", "Meera Nair", "hr@x.test")
    assert "Waiting for Meera Nair (HR)" in json.dumps(cards.request_card(request(waiting_for="hr", approver=meera)))
    # To that admin, it waits for them.
    assert "Waiting for you" in json.dumps(cards.request_card(request(waiting_for="hr", approver=meera,
                                                                      yours_to_decide=True)))


def test_the_apply_form_has_the_inputs_and_comes_back_filled_in_with_the_error() -> None:
    form = views.ApplyFormView((("casual", "Casual leave (CL)"), ("sick", "Sick leave (SL)")))
    card = cards.apply_form(form)
    inputs = {e["id"]: e for e in nodes(card) if str(e.get("type", "")).startswith("Input.")}
    assert {k: v["type"] for k, v in inputs.items()} == {
        "leaveType": "Input.ChoiceSet", "start": "Input.Date", "end": "Input.Date", "half": "Input.ChoiceSet",
        "reason": "Input.Text", "documentRef": "Input.Text",
    }
    assert [c["value"] for c in inputs["leaveType"]["choices"]] == ["casual", "sick"]
    assert [c["value"] for c in inputs["half"]["choices"]] == ["FULL", "FIRST", "SECOND"]
    (submit,) = buttons(card)
    assert submit["verb"] == "apply" and len(submit["data"]["formId"]) == 32
    again = cards.apply_form(form, {"leaveType": "sick", "start": "2026-12-05", "reason": HOSTILE},
                             "No working days between Sat 5 Dec and Sat 5 Dec", submit["data"]["formId"])
    inputs = {e["id"]: e for e in nodes(again) if str(e.get("type", "")).startswith("Input.")}
    assert (inputs["leaveType"]["value"], inputs["start"]["value"], inputs["reason"]["value"]) == (
        "sick", "2026-12-05", HOSTILE)
    assert "value" not in inputs["end"]
    assert "No working days" in json.dumps(again)
    assert buttons(again)[0]["data"]["formId"] == submit["data"]["formId"]


def test_a_pending_list_offers_buttons_only_where_the_reader_may_decide() -> None:
    mine, theirs = request(id=1, number="LV-1001"), request(id=2, number="LV-1002")
    card = cards.render_view(views.RequestListView("Waiting for your decision", (mine, theirs)),
                             can_decide=lambda r: r.id == 2)
    assert [(b["verb"], b["data"]["requestId"], b["data"]["origin"]) for b in buttons(card)] == [
        ("approve", 2, "list"), ("reject", 2, "list")]


def report_with_links(*locations: str) -> views.ReportView:
    expires = datetime(2026, 11, 26, 4, 30, tzinfo=UTC)
    return views.ReportView(
        "2026-Q4", date(2026, 10, 1), date(2026, 12, 31), HOSTILE, 2,
        (views.ReportTotal("casual", "Casual leave", Amount.days("3.5")),), (),
        tuple(views.ReportLink(f"leave-{i}.csv", location, expires) for i, location in enumerate(locations)))


def test_a_report_links_to_its_files_with_buttons_when_the_links_are_complete() -> None:
    card = cards.render_view(report_with_links("https://leave.example.com/downloads/abc", "https://x/downloads/d"))
    assert [(a["type"], a["title"], a["url"]) for a in card["actions"]] == [
        ("Action.OpenUrl", "Download leave-0.csv", "https://leave.example.com/downloads/abc"),
        ("Action.OpenUrl", "Download leave-1.csv", "https://x/downloads/d")]
    text = json.dumps(card)
    assert "Casual leave" in text and "3.5 days" in text
    assert "Each link works once, until {{DATE(2026-11-26T04:30:00Z, SHORT)}} at {{TIME(2026-11-26T04:30:00Z)}}" in text
    assert all(e.get("type") != "Action.Execute" for e in nodes(card)), "the hostile department made a button"


def test_a_report_without_public_url_shows_the_paths_and_says_how_to_complete_them() -> None:
    card = cards.render_view(report_with_links("/downloads/abc"))
    assert card["actions"] == []
    assert "/downloads/abc" in json.dumps(card) and "set PUBLIC_URL" in json.dumps(card)
