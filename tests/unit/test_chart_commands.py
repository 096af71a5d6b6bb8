"""``/leave team week|month`` and ``/leave insight quiet``: the words, and what each door shows."""

from __future__ import annotations

import base64
import json
from datetime import date
from decimal import Decimal

import pytest

from bot import render_text
from bot.slack import render as slack_render
from bot.teams import cards as teams_cards
from core.commands import EXAMPLES, PURPOSE, ShowQuiet, ShowTeam, ShowTeamChart
from core.domain.heatmap import HeatMap, HeatRow
from core.errors import BadCommand
from core.language.grammar import USAGE, parse_command
from core.views import CommandHelp, HelpView, Person, QuietView, TeamChartView

TODAY = date(2026, 11, 25)
ROW = HeatRow("Engineering", 4, (Decimal("0.5"), Decimal(2), Decimal(0)), (False, False, True), (2, 2, 0), pending=1,
              pending_out=(Decimal(1), Decimal(0), Decimal(0)), limit=2)
UNLIMITED = HeatRow("People", 1, (Decimal(0),) * 3, (False, False, True), (0, 0, 0))
VIEW = TeamChartView(HeatMap(date(2026, 12, 4), date(2026, 12, 6), (ROW, UNLIMITED)), "Engineering")


@pytest.mark.parametrize(("typed", "expected"), [
    ("team week", ShowTeamChart(14, TODAY)),
    ("/leave team Month", ShowTeamChart(28, TODAY)),
    ("team week next monday", ShowTeamChart(14, date(2026, 11, 30))),
    ("team week 7 Dec", ShowTeamChart(14, date(2026, 12, 7))),
    ("team", ShowTeam(TODAY)),
    ("team tomorrow", ShowTeam(date(2026, 11, 26))),
    ("insight quiet", ShowQuiet(None)),
    ("insight quiet Customer  Success", ShowQuiet("Customer  Success")),
])
def test_the_words(typed: str, expected: object) -> None:
    assert parse_command(typed, TODAY) == expected


@pytest.mark.parametrize(("typed", "said"), [
    ("insight", "Insights: quiet."),
    ("insight loud", "'loud' is not an insight I have."),
    ("team week someday", "someday"),
])
def test_bad_words_say_why_and_show_the_usage(typed: str, said: str) -> None:
    with pytest.raises(BadCommand) as refused:
        parse_command(typed, TODAY)
    assert said in refused.value.message
    if typed.startswith("insight"):
        assert USAGE["insight"] in refused.value.message


def test_the_terminal_shows_the_counts_headcount_limit_and_pending_leave_as_a_table() -> None:
    text = render_text.render(VIEW)
    assert "People out per day, Engineering: Fri 4 Dec 2026 to Sun 6 Dec 2026" in text
    table = text.splitlines()[1:5]
    assert table[0].split() == ["Department", "People", "Limit", "4", "5", "6"]
    assert table[1].split() == ["Fr", "Sa", "Su"]
    assert table[2].split() == ["Engineering", "4", "2", "0.5+1", "2", "-"]
    assert table[3].split() == ["People", "1", "-", ".", ".", "-"]
    assert "+N on pending leave" in text and "Limit: the most people who may be out on a day" in text


def test_slack_says_each_departments_busiest_day_limit_and_where_the_picture_is() -> None:
    reply = json.dumps(slack_render.reply(VIEW))
    assert "Engineering (4 people, limit 2): at most 2 out, on Sat 5 Dec 2026; 1 pending" in reply
    assert "People (1 person): nobody out" in reply
    assert "direct messages" in reply


def test_teams_shows_the_picture_as_a_data_uri_with_alt_text() -> None:
    card = teams_cards.render_view(VIEW)
    (picture,) = [item for item in card["body"] if item.get("type") == "Image"]
    assert picture["url"].startswith("data:image/png;base64,")
    assert base64.b64decode(picture["url"].split(",", 1)[1]).startswith(b"\x89PNG\r\n\x1a\n")
    assert picture["altText"].startswith("People out per day in 2 departments")
    assert "Engineering (4 people, limit 2): at most 2 out" in json.dumps(card)


def test_the_names_behind_the_count_on_every_door() -> None:
    view = QuietView(date(2026, 8, 27), date(2026, 11, 24), "Engineering",
                     (("Engineering", Person("E4", "Rahul <b>Verma</b>", "rahul@x.test")),))
    assert "Rahul <b>Verma</b>  rahul@x.test  Engineering" in render_text.render(view)
    assert "Rahul &lt;b&gt;Verma&lt;/b&gt; (Engineering)" in json.dumps(slack_render.reply(view))
    assert "Rahul <b>Verma</b> (Engineering)" in json.dumps(teams_cards.render_view(view))


def test_help_lists_the_new_words_on_every_door() -> None:
    every = HelpView(commands=tuple(CommandHelp(w, USAGE[w], PURPOSE[w], EXAMPLES[w]) for w in USAGE), full=True)
    for shown in (render_text.render(every), json.dumps(slack_render.reply(every)),
                  json.dumps(teams_cards.render_view(every))):
        assert "team week|month" in shown and "insight quiet" in shown
