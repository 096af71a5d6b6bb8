"""The terminal renderer shows every key fact of each view, with half days as .5."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from bot.render_text import TEMPLATES, format_table, render
from core import views
from core.commands import EXAMPLES, PURPOSE, USAGE
from core.domain.amount import Amount
from core.domain.model import HalfDay, RequestStatus
from core.domain.text import format_day

ANANYA = views.Person("E100", "Ananya Iyer", "ananya.iyer@demo.leavebot.example")
ROHAN = views.Person("M10", "Rohan Mehta", "rohan.mehta@demo.leavebot.example")

BALANCE = views.BalanceView(
    person=ANANYA,
    year=2026,
    rows=(
        views.BalanceRow("casual", "CL", "Casual leave", Amount.days(11), Amount.days("2.5"), Amount.days(1)),
        views.BalanceRow("sick", "SL", "Sick leave", Amount.days(11), Amount.days(0), Amount.days(0)),
        views.BalanceRow("maternity", "ML", "Maternity leave", Amount.days(180), Amount.days(0), Amount.days(0)),
    ),
)


def request(**changes: object) -> views.RequestView:
    base: dict[str, object] = {
        "id": 42,
        "number": "LV-1042",
        "employee": ANANYA,
        "type_key": "casual",
        "type_name": "Casual leave",
        "start": date(2026, 12, 24),
        "end": date(2026, 12, 28),
        "half": None,
        "days": Amount.days("2.5"),
        "status": RequestStatus.PENDING,
        "reason": "year-end trip",
        "approver": ROHAN,
        "created_at": datetime(2026, 11, 26, 9, 30, tzinfo=UTC),
    }
    base.update(changes)
    return views.RequestView(**base)  # type: ignore[arg-type]


def test_formats() -> None:
    assert format_day(date(2026, 12, 24)) == "Thu 24 Dec 2026"
    assert [Amount.days(x).figure for x in ("1", "0.5", "2.5", "12.0", "0")] == ["1", "0.5", "2.5", "12", "0"]
    assert format_table(["A", "Num"], [["x", "1"], ["long", "10"]], right=[1]).splitlines() == [
        "A     Num",
        "x       1",
        "long   10",
    ]


def test_every_view_kind_has_a_template() -> None:
    kinds = set(views.View.__args__)
    assert kinds == set(TEMPLATES)


def test_balance_is_an_aligned_table_with_half_days() -> None:
    text = render(BALANCE)
    lines = text.splitlines()
    assert "Ananya Iyer" in lines[0] and "2026" in lines[0]
    assert lines[1].split() == ["Type", "Entitled", "Taken", "Pending", "Available"]
    assert lines[2].split()[-4:] == ["11", "2.5", "1", "7.5"]
    assert "Casual leave (CL)" in lines[2]
    # Columns line up: every row is as wide as the header's right edge.
    assert len({len(line) for line in lines[1:]}) == 1


EVERY_COMMAND = tuple(views.CommandHelp(word, USAGE[word], PURPOSE[word], EXAMPLES[word]) for word in USAGE)


def test_help_shows_the_commands_it_is_given_the_types_and_the_balances() -> None:
    text = render(views.HelpView(balance=BALANCE, commands=EVERY_COMMAND[:2],
                                 leave_types=(views.LeaveTypeView("casual", "CL", "Casual leave"),)))
    assert "Hi Ananya Iyer" in text and "help all" in text
    assert "apply TYPE START [to END]" in text and PURPOSE["balance"] in text and "cancel ID" not in text
    assert "Types: casual (CL)." in text and "7.5" in text
    assert "e.g." not in text


def test_help_all_shows_every_command_with_an_example_and_no_balance() -> None:
    text = render(views.HelpView(commands=EVERY_COMMAND, full=True))
    assert text.startswith("Every command")
    for word in USAGE:
        assert USAGE[word].replace("/leave ", "") in text
        assert "e.g. " + EXAMPLES[word].replace("/leave ", "") in text
    assert "Your balances" not in text and "help all for every command" not in text


def test_apply_form_prints_usage_and_types() -> None:
    text = render(views.ApplyFormView(leave_types=(("casual", "Casual leave (CL)"), ("sick", "Sick leave (SL)"))))
    assert "apply TYPE START" in text
    assert "casual: Casual leave (CL)" in text and "sick: Sick leave (SL)" in text


def test_applied_shows_the_request_and_whats_left() -> None:
    row = views.BalanceRow("casual", "CL", "Casual leave", Amount.days(9), Amount.days(2), Amount.days("2.5"),
                           to_accrue=Amount.days(1))
    view = views.AppliedView(request=request(document_due=True), balance_after={2026: row})
    text = render(view)
    for fact in ("LV-1042", "Casual leave", "Thu 24 Dec 2026 to Mon 28 Dec 2026", "2.5", "PENDING",
                 "Rohan Mehta", "Left in 2026: 4.5 days of casual leave after this request; left at year end, "
                 "with accrual: 5.5 days", "year-end trip", "Document due"):
        assert fact in text, fact


def test_applied_half_day_and_duplicate() -> None:
    half = request(start=date(2026, 12, 24), end=date(2026, 12, 24), half=HalfDay.FIRST, days=Amount.days("0.5"))
    text = render(views.AppliedView(request=half, duplicate=True))
    assert "already" in text and "LV-1042" in text
    assert "Thu 24 Dec 2026 (first half)" in text and "Days:      0.5" in text
    assert "Document due" not in text


def test_decided_names_the_decider_and_note() -> None:
    decided = request(status=RequestStatus.REJECTED, decided_by=ROHAN, decision_note="release week")
    text = render(views.DecidedView(request=decided))
    assert "LV-1042 rejected by Rohan Mehta" in text
    assert "Ananya Iyer" in text and "release week" in text


def test_cancelled_says_days_restored() -> None:
    text = render(views.CancelledView(request=request(status=RequestStatus.CANCELLED), restored=Amount.days("2.5")))
    assert "LV-1042 cancelled" in text and "2.5 days restored" in text


def test_request_list_and_empty_list() -> None:
    text = render(views.RequestListView(title="Your requests", requests=(request(), request(number="LV-1043"))))
    assert text.startswith("Your requests")
    assert "LV-1042" in text and "LV-1043" in text and "PENDING" in text and "Rohan Mehta" in text
    assert "None." in render(views.RequestListView(title="Waiting for you", requests=()))


def test_team_view() -> None:
    absence = views.AbsenceView(ANANYA, "Sick leave", date(2026, 12, 24), date(2026, 12, 24), HalfDay.SECOND,
                                RequestStatus.APPROVED)
    text = render(views.TeamView(day=date(2026, 12, 24), absences=(absence,)))
    assert "Thu 24 Dec 2026" in text and "Ananya Iyer" in text and "second half" in text
    assert "Nobody" in render(views.TeamView(day=date(2026, 12, 24), absences=()))


def test_holidays_view() -> None:
    view = views.HolidaysView(2026, "INDIA", (views.HolidayRow(date(2026, 12, 25), "Christmas"),))
    text = render(view)
    assert "2026" in text and "INDIA" in text and "Fri 25 Dec 2026" in text and "Christmas" in text
    assert "No holidays" in render(views.HolidaysView(2027, "INDIA", ()))


REPORT = views.ReportView(
    "2026-Q4", date(2026, 10, 1), date(2026, 12, 31), "Engineering", 1,
    (views.ReportTotal("casual", "Casual leave", Amount.days("2.5")),),
    (views.ReportFile("leave-taken-2026-Q4-Engineering.csv", "employee_id,type,days\nE3,casual,2.5\n"),
     views.ReportFile("leave-balances-2026-Q4-Engineering.csv", "employee_id,type,available\nE3,casual,9.5\n")))


def test_a_report_not_yet_written_shows_its_summary_and_both_files() -> None:
    text = render(REPORT)
    assert text.splitlines()[:2] == [
        "Leave report 2026-Q4 (Engineering), Thu 1 Oct 2026 to Thu 31 Dec 2026: 1 person took leave.",
        "  Casual leave: 2.5 days"]
    assert "leave-taken-2026-Q4-Engineering.csv:\nemployee_id,type,days\nE3,casual,2.5" in text
    assert text.endswith("leave-balances-2026-Q4-Engineering.csv:\nemployee_id,type,available\nE3,casual,9.5")


def test_a_written_report_shows_where_its_files_are() -> None:
    written = tuple(views.ReportLink(f.name, f"/tmp/out/{f.name}") for f in REPORT.files)
    saved = dataclasses.replace(REPORT, links=written)
    text = render(saved)
    assert text.endswith("balances on Thu 31 Dec 2026:\n  /tmp/out/leave-taken-2026-Q4-Engineering.csv\n"
                         "  /tmp/out/leave-balances-2026-Q4-Engineering.csv")
    assert "employee_id" not in text


@pytest.mark.parametrize("message", ["Only 2.5 casual days left; you asked for 3."])
def test_refusal_is_the_message(message: str) -> None:
    assert render(views.RefusalView(message)) == message
