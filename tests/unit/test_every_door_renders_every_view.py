"""Every view the core can answer renders on every door: text, Slack Block Kit, Teams cards."""

from __future__ import annotations

import dataclasses
import typing
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from bot import render_text
from bot.slack import render as slack_render
from bot.teams import cards as teams_cards
from core import views
from core.domain.amount import Amount
from core.domain.heatmap import HeatMap, HeatRow
from core.domain.model import HalfDay, RequestStatus
from core.domain.reach import NotifyBy

PERSON = views.Person("E3", "Ananya <Iyer> & co", "ananya@x.test")
REQUEST = views.RequestView(
    id=1, number="LV-1001", employee=PERSON, type_key="casual", type_name="Casual leave",
    start=date(2026, 12, 7), end=date(2026, 12, 11), half=None, days=Amount.days(3), status=RequestStatus.APPROVED,
    reason="<!channel> trip", approver=PERSON, decided_by=PERSON, decided_at=datetime(2026, 11, 25, tzinfo=UTC),
    flags=("Team limit: 2 of 4 out",), cancelled_dates=(date(2026, 12, 10), date(2026, 12, 11)),
)
ROW = views.BalanceRow("casual", "CL", "Casual leave", Amount.days(11), Amount.days(3), Amount.days(0),
                       expiring=Amount.days(2), expires_on=date(2027, 3, 31), to_accrue=Amount.days(1))
BALANCE = views.BalanceView(PERSON, 2026, (ROW,))
DOCUMENT = views.DocumentInfo(1, "<!channel> certificate.pdf", "application/pdf", 212_000,
                              datetime(2026, 11, 25, tzinfo=UTC))
SAMPLES: list[views.View] = [
    views.HelpView(BALANCE),
    views.ApplyFormView((("casual", "Casual leave (CL)"),)),
    views.AppliedView(REQUEST, {2026: ROW}),
    views.DecidedView(REQUEST),
    views.CancelledView(REQUEST, Amount.days(2)),
    views.RequestListView("Your requests", (REQUEST,)),
    views.TeamView(date(2026, 12, 8), (views.AbsenceView(PERSON, "Casual leave", date(2026, 12, 8),
                                                         date(2026, 12, 8), HalfDay.FIRST, RequestStatus.PENDING),)),
    views.HolidaysView(2026, "INDIA", (views.HolidayRow(date(2026, 12, 25), "Christmas"),)),
    views.OptionalHolidaysView(2026, "INDIA", 2, 1, (
        views.OptionalHolidayRow(date(2026, 3, 19), "<!channel> Ugadi", "LV-1001", RequestStatus.PENDING),
        views.OptionalHolidayRow(date(2026, 4, 3), "Good Friday")), "optional"),
    views.OptionalHolidaysView(2027, "INDIA", 0, 0, ()),
    BALANCE,
    views.ReportView("2026-12", date(2026, 12, 1), date(2026, 12, 31), "R&D <team>", 1,
                     (views.ReportTotal("casual", "Casual <leave>", Amount.days("2.5")),),
                     (views.ReportFile("leave-taken-2026-12.csv", "employee_id,days\nE3,2.5\n"),
                      views.ReportFile("leave-balances-2026-12.csv", "employee_id,available\nE3,9\n"))),
    views.RefusalView("Only 2 casual days left"),
    views.PlanView("Casual leave", date(2026, 12, 7), date(2026, 12, 11), None, Amount.days(5),
                   (views.HolidayRow(date(2026, 12, 25), "Christmas"),), {2026: ROW},
                   (views.CheckView("notice", True), views.CheckView("balance", False, "Only 2 left")),
                   ("manager",), expiring=Amount.days(1), expires_on=date(2027, 3, 31)),
    views.DelegationView(PERSON, date(2026, 12, 1), date(2026, 12, 4)),
    views.DelegationView(None, ended=1),
    views.FeedView(PERSON, "/calendar/abc.ics", replaced=True),
    views.DashboardLinkView(PERSON, "/web/sign-in/abc", datetime(2026, 12, 1, 9, 15, tzinfo=UTC), 15,
                            "https://leave.example.com/web/sign-in/abc"),
    views.DashboardLinkView(PERSON, "/web/sign-in/abc", datetime(2026, 12, 1, 9, 15, tzinfo=UTC), 15),
    views.NotifyView(PERSON, NotifyBy.BOTH, frozenset({"chat", "email"}), changed=True, email_enabled=False),
    views.NotifyView(PERSON, None, frozenset({"chat"}), changed=False, email_enabled=True),
    views.TeamChartView(HeatMap(date(2026, 12, 7), date(2026, 12, 8), (
        HeatRow("<!channel> R&D", 4, (Decimal("1.5"), Decimal(0)), (False, True), (2, 0), pending=1),)), "R&D"),
    views.QuietView(date(2026, 8, 27), date(2026, 11, 24), None, (("<!channel> R&D", PERSON),)),
    views.QuietView(date(2026, 8, 27), date(2026, 11, 24), "Sales", ()),
    views.AuditView(PERSON, "2026-11", (views.AuditLine(datetime(2026, 11, 25, tzinfo=UTC), "rahul@x.test", "approve",
                                                        "refused", "LV-1001", "slack", "<!channel> not the approver"),),
                    total=3),
    views.AuditView(None, None, (), total=0),
    views.DocumentHandedInView(REQUEST, DOCUMENT),
    views.DocumentsView(REQUEST, (views.DocumentCopy(DOCUMENT, b"%PDF-1.7"),),
                        (views.ReportLink(DOCUMENT.name, "https://leave.example.com/downloads/abc",
                                          datetime(2026, 11, 26, tzinfo=UTC)),)),
    views.DocumentsView(REQUEST, yours=True, how_to=True),
    views.SplitAppliedView((REQUEST, dataclasses.replace(REQUEST, id=2, number="LV-1002", type_key="unpaid",
                                                         type_name="Leave <without> pay", paid=False))),
    views.SplitAppliedView((REQUEST,), duplicate=True),
    views.PayrollView("2026-12", date(2026, 12, 1), date(2026, 12, 31), 1,
                      (views.ReportTotal("casual", "Casual <leave>", Amount.days("2.5")),), Amount.days(2),
                      Amount.days(1), Amount.days(-1), (views.ReportFile("payroll-2026-12.csv", "employee_id\nE3\n"),)),
    views.PayrollView("2027-01", date(2027, 1, 1), date(2027, 1, 31), 0, (), Amount.days(0), Amount.days(0),
                      Amount.days(0), (views.ReportFile("payroll-2027-01.csv", "employee_id\n"),),
                      (views.ReportLink("payroll-2027-01.csv", "https://leave.example.com/downloads/abc",
                                        datetime(2027, 2, 1, tzinfo=UTC)),)),
    views.AdjustedView(PERSON, PERSON, "Casual <leave>", 2026, Amount.days("-1.5"), "<!channel> booked twice",
                       Amount.days(4), Amount.days("2.5")),
    views.AdjustedView(PERSON, None, "Casual <leave>", 2026, Amount.days(2), "<!channel> owed", Amount.days(4),
                       Amount.days(6), duplicate=True),
    views.CompOffClaimView("CO-1001", PERSON, date(2026, 11, 21), HalfDay.FIRST, Amount.days("0.5"),
                           "<!channel> release", RequestStatus.PENDING, waiting_for=PERSON),
    views.CompOffClaimView("CO-1001", PERSON, date(2026, 11, 21), None, Amount.days(1), "<!channel> release",
                           RequestStatus.APPROVED, decided_by=PERSON, note="<!channel> thanks",
                           credit_until=date(2027, 1, 20)),
    views.CompOffClaimView("CO-1001", PERSON, date(2026, 11, 21), None, Amount.days(1), "<!channel> release",
                           RequestStatus.REJECTED, decided_by=PERSON, note="<!channel> not worked"),
    views.RequestListView("Waiting for your decision", (REQUEST,), (views.CompOffClaimView(
        "CO-1001", PERSON, date(2026, 11, 21), None, Amount.days(1), "<!channel> release", RequestStatus.PENDING,
        waiting_for=PERSON),)),
    views.RequestListView("Waiting for your decision", (), (views.CompOffClaimView(
        "CO-1002", PERSON, date(2026, 11, 22), HalfDay.SECOND, Amount.days("0.5"), "<!channel> deploy",
        RequestStatus.PENDING, waiting_hr=True),)),
]


def test_the_samples_cover_every_view() -> None:
    assert {type(v) for v in SAMPLES} == set(typing.get_args(views.View))


def test_the_feed_reply_shows_the_full_link_when_the_public_url_is_known() -> None:
    link = "https://leave.example.com/calendar/abc.ics"
    full = views.FeedView(PERSON, "/calendar/abc.ics", url=link)
    assert link in render_text.render(full)
    assert link in str(slack_render.reply(full))
    assert link in str(teams_cards.render_view(full))
    bare = views.FeedView(PERSON, "/calendar/abc.ics")
    for output in (render_text.render(bare), str(slack_render.reply(bare)), str(teams_cards.render_view(bare))):
        assert "/calendar/abc.ics" in output and "PUBLIC_URL" in output


@pytest.mark.parametrize("view", SAMPLES, ids=lambda v: type(v).__name__)
def test_renders_on_every_door(view: views.View) -> None:
    text = render_text.render(view)
    assert text.strip()
    slack = slack_render.reply(view)
    assert slack
    assert "<!channel>" not in str(slack)  # escaped for mrkdwn
    card = teams_cards.render_view(view)
    assert card["type"] == "AdaptiveCard" and card["body"]
