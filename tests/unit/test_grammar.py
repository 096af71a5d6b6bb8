"""The ``/leave`` grammar: each subcommand, each refusal, and properties over any input."""

from __future__ import annotations

import typing
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.commands import (
    ApplyLeave,
    CancelRequest,
    ChooseNotify,
    Command,
    Decide,
    Delegate,
    Help,
    ListRequests,
    OpenApplyForm,
    PlanLeave,
    Report,
    ShowAudit,
    ShowBalance,
    ShowHolidays,
    ShowPending,
    ShowTeam,
)
from core.domain.dates import MONTH_NAMES, MONTHS, RELATIVE_DAYS, WEEKDAYS, DateOrder
from core.domain.model import HalfDay
from core.domain.reach import NotifyBy
from core.errors import BadCommand, BadDate, PolicyError
from core.language.grammar import EXAMPLES, USAGE, Reading, parse_command
from core.policy.rules import parse_policy
from core.service import LeaveService
from core.views import BalanceView, RefusalView
from tests.unit.conftest import ORG_CSV, policy_document

WEDNESDAY = date(2026, 11, 25)
NEW_YEAR_EVE_EVE = date(2026, 12, 30)
COMMAND_TYPES = typing.get_args(Command)


def parse(text: str, today: date = WEDNESDAY) -> Command:
    return parse_command(text, today)


def refusal(text: str, today: date = WEDNESDAY) -> BadCommand:
    with pytest.raises(BadCommand) as caught:
        parse_command(text, today)
    assert caught.value.message
    return caught.value


def apply(
    leave_type: str,
    start: date,
    end: date | None = None,
    half: HalfDay | None = None,
    reason: str = "",
    document_ref: str | None = None,
) -> ApplyLeave:
    return ApplyLeave(leave_type, start, end or start, half, reason, document_ref)


# Help and the prefix


@pytest.mark.parametrize("text", ["", "   ", "/leave", "/LEAVE  ", "help", "HELP", "/leave help", "help apply"])
def test_help(text: str) -> None:
    assert parse(text) == Help()


@pytest.mark.parametrize("text", ["help all", "/leave HELP All", "leave help all"])
def test_help_all(text: str) -> None:
    assert parse(text) == Help(full=True)


def test_the_prefix_is_the_whole_word_leave_with_or_without_a_slash() -> None:
    assert parse("/Leave list") == ListRequests()
    assert parse("\t/leave\tlist\n") == ListRequests()
    assert parse("leave list") == ListRequests()
    assert parse("Leave") == Help()
    assert "'/leavelist'" in refusal("/leavelist").message
    assert "'leavelist'" in refusal("leavelist").message


def test_unknown_subcommands_list_the_known_ones() -> None:
    assert refusal("xyz").message == (
        "I don't know 'xyz'. Try: apply, balance, list, cancel, pending, approve, reject, team, holidays, optional, "
        "report, insight, audit, plan, delegate, feed, web, document, help, yes, payroll, adjust, compoff, notify"
    )
    assert "Did you mean 'apply'?" in refusal("aply sick today").message
    assert "Did you mean 'holidays'?" in refusal("holiday").message


def test_usage_has_a_line_and_an_example_for_every_subcommand() -> None:
    assert (
        set(USAGE)
        == set(EXAMPLES)
        == {
            "apply",
            "balance",
            "list",
            "cancel",
            "pending",
            "approve",
            "reject",
            "team",
            "holidays",
            "optional",
            "report",
            "insight",
            "audit",
            "plan",
            "delegate",
            "feed",
            "web",
            "document",
            "help",
            "yes",
            "payroll",
            "adjust",
            "compoff",
            "notify",
        }
    )
    for name, line in USAGE.items():
        assert line.startswith(f"/leave {name}")
        assert EXAMPLES[name].startswith(f"/leave {name}")
    for name, example in EXAMPLES.items():
        assert isinstance(parse(example), COMMAND_TYPES), name


# apply


def test_apply_alone_opens_the_form() -> None:
    assert parse("apply") == OpenApplyForm()
    assert parse("/leave APPLY ") == OpenApplyForm()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("apply sick tomorrow", apply("sick", date(2026, 11, 26))),
        ("apply SL today", apply("SL", WEDNESDAY)),
        ("/leave apply casual 2026-12-24", apply("casual", date(2026, 12, 24))),
        ("apply casual 24 Dec", apply("casual", date(2026, 12, 24))),
        ("apply casual Dec 24", apply("casual", date(2026, 12, 24))),
        ("apply casual 24-Dec", apply("casual", date(2026, 12, 24))),
        ("apply casual Dec 24, 2026", apply("casual", date(2026, 12, 24))),
        ("apply casual 24 December 2027", apply("casual", date(2027, 12, 24))),
        ("apply casual next friday", apply("casual", date(2026, 12, 4))),
        ("apply casual this friday", apply("casual", date(2026, 11, 27))),
        ("apply casual friday", apply("casual", date(2026, 11, 27))),
        ("apply casual 5 jan", apply("casual", date(2027, 1, 5))),
        ("apply casual 24 Dec to 26 Dec", apply("casual", date(2026, 12, 24), date(2026, 12, 26))),
        ("apply casual 24 Dec - 26 Dec", apply("casual", date(2026, 12, 24), date(2026, 12, 26))),
        ("apply casual 24 Dec \u2013 26 Dec", apply("casual", date(2026, 12, 24), date(2026, 12, 26))),
        ("apply casual 24 Dec until 26 Dec", apply("casual", date(2026, 12, 24), date(2026, 12, 26))),
        ("apply casual 24 Dec till 26 Dec", apply("casual", date(2026, 12, 24), date(2026, 12, 26))),
        ("apply casual 24 Dec TO 26 Dec", apply("casual", date(2026, 12, 24), date(2026, 12, 26))),
        (
            "apply PL Dec 24, 2026 to Jan 2, 2027 family trip",
            apply("PL", date(2026, 12, 24), date(2027, 1, 2), reason="family trip"),
        ),
        ("apply casual tomorrow to friday", apply("casual", date(2026, 11, 26), date(2026, 11, 27))),
        (
            "apply casual 24 dec to 26 dec Family  Trip, at last!",
            apply("casual", date(2026, 12, 24), date(2026, 12, 26), reason="Family  Trip, at last!"),
        ),
        ("apply sick today fever", apply("sick", WEDNESDAY, reason="fever")),
        ("apply sick 24 dec 2026 flu", apply("sick", date(2026, 12, 24), reason="flu")),
        ("apply sick 24 dec flu", apply("sick", date(2026, 12, 24), reason="flu")),
    ],
)
def test_apply(text: str, expected: ApplyLeave) -> None:
    assert parse(text) == expected


def test_the_end_of_a_span_reads_forwards() -> None:
    # On a Wednesday, "monday" alone is 30 Nov; "monday to friday" is that whole week.
    assert parse("apply casual monday to friday") == apply("casual", date(2026, 11, 30), date(2026, 12, 4))
    # In mid-March "20 Jan" alone is this January; as the end of a span from 30 Dec it is next January.
    assert parse("apply casual 30 dec to 20 jan", date(2026, 3, 15)) == apply(
        "casual", date(2026, 12, 30), date(2027, 1, 20)
    )
    assert parse("apply casual 31 dec to 2 jan", NEW_YEAR_EVE_EVE) == apply(
        "casual", date(2026, 12, 31), date(2027, 1, 2)
    )
    # An explicit end before the start is left for the use case to refuse with InvalidDates.
    assert parse("apply casual 2026-12-26 to 2026-12-24") == apply("casual", date(2026, 12, 26), date(2026, 12, 24))


@pytest.mark.parametrize(
    ("words", "half"),
    [
        ("half-day", HalfDay.FIRST),
        ("HALF-DAY", HalfDay.FIRST),
        ("halfday", HalfDay.FIRST),
        ("half day", HalfDay.FIRST),
        ("first-half", HalfDay.FIRST),
        ("first half", HalfDay.FIRST),
        ("second-half", HalfDay.SECOND),
        ("Second Half", HalfDay.SECOND),
    ],
)
def test_half_days(words: str, half: HalfDay) -> None:
    assert parse(f"apply casual 24 Dec {words}") == apply("casual", date(2026, 12, 24), half=half)
    assert parse(f"apply casual 24 Dec to 24 Dec {words} dentist") == apply(
        "casual", date(2026, 12, 24), half=half, reason="dentist"
    )


def test_am_and_pm_stay_in_the_reason() -> None:
    assert parse("apply casual tomorrow am flying") == apply("casual", date(2026, 11, 26), reason="am flying")


def test_a_half_day_must_be_one_day() -> None:
    error = refusal("apply casual 24 Dec to 26 Dec half-day")
    assert "A half day must be a single day" in error.message
    assert "24 Dec 2026 to 26 Dec 2026" in error.message


@pytest.mark.parametrize(
    ("text", "link", "reason"),
    [
        ("apply sick tomorrow fever doc:https://x.example/note.pdf", "https://x.example/note.pdf", "fever"),
        ("apply sick tomorrow doc:https://x.example/a fever", "https://x.example/a", "fever"),
        ("apply sick tomorrow fever  DOC:abc  and   cold", "abc", "fever and   cold"),
        ("apply sick tomorrow document:drive/42 fever", "drive/42", "fever"),
        ("apply sick tomorrow doc: https://x.example/a fever", "https://x.example/a", "fever"),
        ("apply sick tomorrow doc:<https://x.example/a|x.example/a> fever", "https://x.example/a", "fever"),
        ("apply sick doc:abc tomorrow fever", "abc", "fever"),
        ("apply sick tomorrow half-day doc:abc", "abc", ""),
    ],
)
def test_document_links_are_taken_out_of_the_reason(text: str, link: str, reason: str) -> None:
    command = parse(text)
    assert isinstance(command, ApplyLeave)
    assert command.document_ref == link
    assert command.reason == reason
    assert command.start == date(2026, 11, 26)


def test_document_mistakes() -> None:
    assert "needs a link" in refusal("apply sick tomorrow doc:").message
    assert "needs a link" in refusal("apply sick tomorrow doc:<>").message
    assert "one document" in refusal("apply sick tomorrow doc:a doc:b").message


def test_apply_with_missing_words_shows_usage_and_an_example() -> None:
    for text in ["apply sick", "apply tomorrow", "apply 24 dec", "apply doc:abc"]:
        message = refusal(text).message
        assert USAGE["apply"] in message, text
        assert EXAMPLES["apply"] in message, text
    assert "Say when" in refusal("apply sick").message
    assert "leave type before the date" in refusal("apply tomorrow").message


def test_apply_with_an_unreadable_date_names_the_word() -> None:
    error = refusal("apply sick tomorow")
    assert isinstance(error, BadDate)
    assert "'tomorow'" in error.message
    assert "Did you mean 'tomorrow'?" in error.message
    assert "'24 Decmber'" in refusal("apply casual 24 Decmber trip").message
    assert "'next fridy'" in refusal("apply casual next fridy").message


def test_apply_with_an_impossible_date() -> None:
    error = refusal("apply casual 31 Feb")
    assert isinstance(error, BadDate)
    assert "does not exist" in error.message
    error = refusal("apply casual 2026-12-24 to 2026-13-01")
    assert "does not exist" in error.message


def test_apply_with_a_bad_end() -> None:
    # "to" always introduces the last day: a typo there must not turn into a one-day request.
    assert "Say the last day after 'to'" in refusal("apply casual tomorrow to").message
    assert "'do'" in refusal("apply sick tomorrow to do nothing").message
    assert "'26 Decmber'" in refusal("apply casual 24 Dec to 26 Decmber").message
    error = refusal("apply casual tomorrow - family")
    assert isinstance(error, BadDate)
    assert "After '-' I expected the last day" in error.message
    assert "'family'" in error.message


# balance


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("balance", ShowBalance()),
        ("BALANCE", ShowBalance()),
        ("balance 2027", ShowBalance(None, 2027)),
        ("balance priya@x.com", ShowBalance("priya@x.com")),
        ("balance priya@x.com 2027", ShowBalance("priya@x.com", 2027)),
        ("balance <@U123ABC|priya>", ShowBalance("<@U123ABC|priya>")),
        ("balance <@U123ABC>", ShowBalance("<@U123ABC>")),
        ("balance @priya", ShowBalance("@priya")),
        ("balance E042 2025", ShowBalance("E042", 2025)),
        ("balance <@U123ABC|Priya Sharma>", ShowBalance("<@U123ABC|Priya Sharma>")),
    ],
)
def test_balance(text: str, expected: ShowBalance) -> None:
    assert parse(text) == expected


# list, pending, cancel, approve, reject


def test_list_and_pending() -> None:
    assert parse("list") == ListRequests()
    assert parse("/leave LIST") == ListRequests()
    assert parse("pending") == ShowPending()
    assert parse("Pending approvals") == ShowPending()


@pytest.mark.parametrize("typed", ["LV-1042", "lv-1042", "1042", "#1042"])
def test_cancel_approve_reject(typed: str) -> None:
    assert parse(f"cancel {typed}") == CancelRequest(42)
    assert parse(f"approve {typed}") == Decide(42, True)
    assert parse(f"reject {typed}") == Decide(42, False)


def test_decisions_keep_their_reason() -> None:
    assert parse("reject LV-1042 Release  week, sorry") == Decide(42, False, "Release  week, sorry")
    assert parse("approve LV-1042 enjoy!") == Decide(42, True, "enjoy!")
    assert parse("reject LV-1042 2027 plans") == Decide(42, False, "2027 plans")


@pytest.mark.parametrize("verb", ["cancel", "approve", "reject"])
def test_request_commands_need_an_id(verb: str) -> None:
    message = refusal(verb).message
    assert USAGE[verb] in message
    assert "/leave list" in message
    assert refusal(f"{verb} 42").message == "'42' is not a request id; ids look like LV-1042 (see /leave list)"
    assert "not a request id" in refusal(f"{verb} LV-x").message


def test_one_request_at_a_time() -> None:
    assert "one request at a time" in refusal("cancel LV-1042 LV-1043").message
    assert "only the days to give back" in refusal("cancel LV-1042 changed my mind").message
    assert "one request at a time" in refusal("approve LV-1042 #1043").message


# team, holidays, report


def test_team() -> None:
    assert parse("team") == ShowTeam(WEDNESDAY)
    assert parse("team tomorrow") == ShowTeam(date(2026, 11, 26))
    assert parse("team Dec 24, 2026") == ShowTeam(date(2026, 12, 24))
    assert parse("team next friday") == ShowTeam(date(2026, 12, 4))
    assert "'someday'" in refusal("team someday").message


def test_holidays() -> None:
    assert parse("holidays") == ShowHolidays(2026)
    assert parse("holidays", NEW_YEAR_EVE_EVE) == ShowHolidays(2026)
    assert parse("holidays 2027") == ShowHolidays(2027)
    for text in ["holidays next", "holidays 27", "holidays 2027 2028", "holidays 99999"]:
        message = refusal(text).message
        assert "is not a year" in message
        assert USAGE["holidays"] in message


def test_report() -> None:
    assert parse("report 2026-11") == Report("2026-11", date(2026, 11, 1), date(2026, 11, 30))
    assert parse("report 2026-q4") == Report("2026-Q4", date(2026, 10, 1), date(2026, 12, 31))
    assert parse("report 2026") == Report("2026", date(2026, 1, 1), date(2026, 12, 31))
    assert parse("report 2028-Q1") == Report("2028-Q1", date(2028, 1, 1), date(2028, 3, 31))
    assert USAGE["report"] in refusal("report").message
    assert "2026-Q4" in refusal("report last month").message


# Properties

GRAMMAR_WORDS = """/leave leave to - until till half-day first-half second-half half day first second doc: doc:x
    document: DOC:<> doc:<a|b> LV-1042 lv- #1001 1000 0 2026 2026-Q4 2026-13 2026-12-24 0000-01-01
    9999-12-31 24 31 29 24th Dec Feb feb. December Dec, next this friday mon today tomorrow yesterday
    tomorow <@U1|x> @x priya@x.com / , ? * `"""
VOCABULARY = [
    *USAGE,
    *GRAMMAR_WORDS.split(),
    *["9" * 30, "\u2013", "\u00e9", "\u00df", "\u0130", "\u0663", "\u00b2", "\n", "\t", "\x00"],
]


def _refuses_cleanly(text: str, today: date) -> None:
    try:
        command = parse_command(text, today)
    except BadCommand as error:
        assert isinstance(error.message, str)
        assert error.message.strip()
    else:
        assert isinstance(command, COMMAND_TYPES)


@given(text=st.text(), today=st.dates())
def test_any_text_gives_a_command_or_a_bad_command(text: str, today: date) -> None:
    _refuses_cleanly(text, today)


@settings(max_examples=500)
@given(
    words=st.lists(st.one_of(st.sampled_from(VOCABULARY), st.text(max_size=6)), max_size=10),
    separators=st.lists(st.sampled_from([" ", "  ", "\t", "\n", ""]), min_size=10, max_size=10),
    today=st.one_of(st.dates(date(2000, 1, 1), date(2100, 12, 31)), st.dates()),
)
def test_any_words_give_a_command_or_a_bad_command(words: list[str], separators: list[str], today: date) -> None:
    text = "".join(word + separator for word, separator in zip(words, separators, strict=False))
    _refuses_cleanly(text, today)


MONTH_FORMATS = ["{d} {b}", "{b} {d}", "{d} {B}", "{B} {d}", "{d}-{b}", "{d}th {b}"]
YEAR_FORMATS = ["{iso}", "{d} {b} {y}", "{b} {d} {y}", "{b} {d}, {y}", "{d} {B} {y}", "{d}-{b}-{y}"]
WEEKDAY_SPELLINGS = {number: sorted(name for name, value in WEEKDAYS.items() if value == number) for number in range(7)}
NOT_A_TYPE = {*MONTHS, *WEEKDAYS, *RELATIVE_DAYS, "next", "this"}


@st.composite
def written_dates(draw: st.DrawFn, today: date, day: date) -> str:
    """``day`` written in any form that, read on ``today``, means ``day``."""
    offset = (day - today).days
    forms = list(YEAR_FORMATS)
    if -59 <= offset <= 300:
        forms += MONTH_FORMATS
    if offset in (-1, 0, 1):
        forms.append({-1: "yesterday", 0: "today", 1: "tomorrow"}[offset])
    if 0 <= offset <= 6:
        forms += ["{weekday}", "this {weekday}"]
    if (day - timedelta(days=day.weekday())) - (today - timedelta(days=today.weekday())) == timedelta(days=7):
        forms.append("next {weekday}")  # next week's, Monday to Sunday
    form = draw(st.sampled_from(forms))
    text = form.format(
        iso=day.isoformat(),
        d=day.day,
        b=MONTH_NAMES[day.month - 1][:3],
        B=MONTH_NAMES[day.month - 1],
        y=day.year,
        weekday=draw(st.sampled_from(WEEKDAY_SPELLINGS[day.weekday()])),
    )
    case = draw(st.sampled_from(["lower", "upper", "title", "as written"]))
    return {"lower": text.lower(), "upper": text.upper(), "title": text.title()}.get(case, text)


@dataclass(frozen=True)
class Case:
    today: date
    text: str
    expected: ApplyLeave


@st.composite
def apply_commands(draw: st.DrawFn) -> Case:
    """A valid ``apply`` line and the command it must parse to."""
    today = draw(st.dates(date(1990, 1, 1), date(2900, 12, 31)))
    leave_type = draw(
        st.one_of(
            st.sampled_from(["casual", "CL", "sick", "SL", "privilege", "PL", "maternity", "ML", "PTL"]),
            st.from_regex(r"[A-Za-z][A-Za-z_]{0,11}", fullmatch=True),
        ).filter(lambda word: word.lower() not in NOT_A_TYPE)
    )
    start = today + timedelta(days=draw(st.integers(-59, 270)))
    words = [draw(written_dates(today, start))]
    end = start
    if draw(st.booleans()):
        end = start + timedelta(days=draw(st.integers(0, 30)))
        words += [draw(st.sampled_from(["to", "TO", "-", "until", "till", "\u2013"])), draw(written_dates(today, end))]
    half = None
    if end == start and draw(st.booleans()):
        spelling = draw(
            st.sampled_from(["half-day", "halfday", "half day", "first-half", "second-half", "Second Half"])
        )
        half = HalfDay.SECOND if "second" in spelling.lower() else HalfDay.FIRST
        words.append(spelling)
    reason_words = draw(st.lists(st.from_regex(r"[A-Za-z0-9!,.']{1,8}", fullmatch=True), max_size=5))
    reason = " ".join(["for", *reason_words]) if draw(st.booleans()) else ""
    if reason:
        words.append(reason)
    document = None
    if draw(st.booleans()):
        document = draw(st.from_regex(r"https://[a-z]{1,10}\.example/[A-Za-z0-9/_-]{0,12}", fullmatch=True))
        tokens = " ".join(words).split(" ")
        position = draw(st.integers(0, len(tokens)))
        tokens.insert(position, draw(st.sampled_from(["doc:", "document:", "DOC:"])) + document)
        words = [" ".join(tokens)]
    prefix = draw(st.sampled_from(["", "/leave ", "/LEAVE  ", " "]))
    verb = draw(st.sampled_from(["apply", "APPLY", "Apply"]))
    gap = draw(st.sampled_from([" ", "  ", "\t"]))
    text = f"{prefix}{verb}{gap}{leave_type}{gap}{' '.join(words)}"
    return Case(today, text, ApplyLeave(leave_type, start, end, half, reason, document))


@settings(max_examples=400)
@given(case=apply_commands())
def test_valid_apply_lines_round_trip(case: Case) -> None:
    assert parse_command(case.text, case.today) == case.expected


# partial cancel, plan, delegate


def test_cancel_some_days() -> None:
    assert parse("cancel LV-1042 28 Dec") == CancelRequest(42, date(2026, 12, 28), date(2026, 12, 28))
    assert parse("cancel LV-1042 28 Dec to 31 Dec") == CancelRequest(42, date(2026, 12, 28), date(2026, 12, 31))
    assert parse("cancel LV-1042") == CancelRequest(42)
    assert "I didn't understand 'please'" in refusal("cancel LV-1042 28 Dec please").message


def test_plan_reads_like_apply_without_a_reason() -> None:
    assert parse("plan PL 14 Dec to 18 Dec") == PlanLeave("PL", date(2026, 12, 14), date(2026, 12, 18))
    assert parse("plan casual tomorrow second-half") == PlanLeave(
        "casual", date(2026, 11, 26), date(2026, 11, 26), HalfDay.SECOND
    )
    assert "Say which leave type and when" in refusal("plan").message
    assert "I didn't understand 'because'" in refusal("plan casual tomorrow because").message


def test_delegate() -> None:
    assert parse("delegate priya@x.test 21 Dec to 2 Jan") == Delegate(
        "priya@x.test", date(2026, 12, 21), date(2027, 1, 2)
    )
    assert parse("delegate <@U123|priya> tomorrow") == Delegate("<@U123|priya>", date(2026, 11, 26),
                                                                  date(2026, 11, 26))
    assert parse("delegate off") == Delegate(None)
    assert "Say from when" in refusal("delegate priya@x.test").message


# -- the phrasing people use ------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("apply sick leave tomorrow", apply("sick", date(2026, 11, 26))),
    ("apply casual leave on monday", apply("casual", date(2026, 11, 30))),
    ("apply casual on monday", apply("casual", date(2026, 11, 30))),
    ("apply leave casual tomorrow", apply("casual", date(2026, 11, 26))),
    ("leave apply casual tomorrow", apply("casual", date(2026, 11, 26))),
    ("Leave apply casual tomorrow back on friday", apply("casual", date(2026, 11, 26), reason="back on friday")),
    ("apply 2 days casual from monday", apply("casual", date(2026, 11, 30), date(2026, 12, 1))),
    ("apply casual 2 days from monday", apply("casual", date(2026, 11, 30), date(2026, 12, 1))),
    ("apply casual for 3days from friday", apply("casual", date(2026, 11, 27), date(2026, 12, 1))),
    ("apply 1 day sick from tomorrow", apply("sick", date(2026, 11, 26))),
    ("apply privilege dec 28-31", apply("privilege", date(2026, 12, 28), date(2026, 12, 31))),
    ("apply privilege 28-31 Dec trip", apply("privilege", date(2026, 12, 28), date(2026, 12, 31), reason="trip")),
    ("apply privilege Dec 28th \u2013 31st 2027", apply("privilege", date(2027, 12, 28), date(2027, 12, 31))),
    ("apply casual 28/12/2026", apply("casual", date(2026, 12, 28))),
    ("apply casual 28-12-2026", apply("casual", date(2026, 12, 28))),
    ("apply casual 28.12.2026", apply("casual", date(2026, 12, 28))),
    ("apply casual 5/1", apply("casual", date(2027, 1, 5))),
    ("apply casual 28/12/2026 to 4/1/2027", apply("casual", date(2026, 12, 28), date(2027, 1, 4))),
    ("apply casual 2026-12-31 afternoon", apply("casual", date(2026, 12, 31), half=HalfDay.SECOND)),
    ("apply casual 2026-12-31 morning", apply("casual", date(2026, 12, 31), half=HalfDay.FIRST)),
    ("apply casual 2026-12-31 afternoon dentist", apply("casual", date(2026, 12, 31), half=HalfDay.SECOND,
                                                        reason="dentist")),
])
def test_the_phrasing_people_use_to_apply(text: str, expected: ApplyLeave) -> None:
    assert parse(text) == expected


def test_next_friday_is_next_weeks_and_this_friday_this_weeks() -> None:
    assert parse("apply casual this friday") == apply("casual", date(2026, 11, 27))
    assert parse("apply casual next friday") == apply("casual", date(2026, 12, 4))
    assert parse("apply casual next monday") == apply("casual", date(2026, 11, 30))


def test_a_count_of_days_uses_the_persons_own_working_days() -> None:
    def skipping_the_1st(start: date, count: int) -> date:
        assert (start, count) == (date(2026, 11, 30), 2)
        return date(2026, 12, 2)

    reading = Reading(WEDNESDAY, last_working_day=skipping_the_1st)
    assert parse_command("apply 2 days casual from monday", reading) == apply("casual", date(2026, 11, 30),
                                                                              date(2026, 12, 2))


def test_a_count_of_days_skips_weekends_and_holidays_of_the_region(service: LeaveService) -> None:
    # Thu 24 Dec, then Christmas (a holiday) and the weekend are skipped: Mon 28 Dec is the second day.
    command = service.read_command("ananya@x.test", "apply 2 days casual from 24 dec", "test")
    assert command == apply("casual", date(2026, 12, 24), date(2026, 12, 28))


@pytest.mark.parametrize(("text", "expected"), [
    ("apply 0 days casual from monday", "'0 days' is not a number of days I can count"),
    ("apply 2 days", "Say which leave type"),
    ("apply 2 days casual", "Say when your casual leave starts"),
    ("apply privilege dec 31-28", "the last day comes before the first"),
    ("apply privilege 30-31 feb", "February has at most 29 days"),
    ("apply casual 12/28/2026", "'12/28/2026' has no month 28: here dates are written day first (28/12/2026). "
                                "Write it as 28/12 or as 28 Dec."),
    ("apply casual 31/2/2026", "February 2026 has 28 days"),
    ("apply 2 days casual from monday afternoon", "A half day must be a single day"),
])
def test_the_new_phrasing_refuses_clearly(text: str, expected: str) -> None:
    assert expected in refusal(text).message


def test_month_first_regions_read_numbers_the_other_way() -> None:
    us = Reading(WEDNESDAY, DateOrder.MONTH_FIRST)
    assert parse_command("apply casual 12/28/2026", us) == apply("casual", date(2026, 12, 28))
    assert parse_command("apply casual 1/5", us) == apply("casual", date(2027, 1, 5))
    with pytest.raises(BadDate) as raised:
        parse_command("apply casual 28/12/2026", us)
    assert raised.value.message.startswith("'28/12/2026' has no month 28: here dates are written month first")
    # Names and ISO dates read the same everywhere.
    assert parse_command("apply casual 28 Dec", us) == parse("apply casual 28 Dec")
    assert parse_command("apply casual 2026-12-28", us) == parse("apply casual 2026-12-28")


def test_the_date_order_is_a_region_setting_with_day_first_by_default() -> None:
    document = policy_document()
    assert parse_policy(document).regions["INDIA"].date_order is DateOrder.DAY_FIRST
    del document["regions"]["INDIA"]["date_order"]
    assert parse_policy(document).regions["INDIA"].date_order is DateOrder.DAY_FIRST
    document["regions"]["INDIA"]["date_order"] = "month_first"
    assert parse_policy(document).regions["INDIA"].date_order is DateOrder.MONTH_FIRST
    document["regions"]["INDIA"]["date_order"] = "year_first"
    with pytest.raises(PolicyError) as raised:
        parse_policy(document)
    assert raised.value.message == "regions.INDIA.date_order: 'year_first' is not one of day_first, month_first"


def test_the_region_decides_how_a_person_s_numbers_are_read(service: LeaveService) -> None:
    document = policy_document()
    document["regions"]["INDIA"]["date_order"] = "month_first"
    service.load_policy(document, "test")
    assert service.read_command("ananya@x.test", "apply casual 12/28/2026", "test") == apply("casual",
                                                                                             date(2026, 12, 28))


@pytest.mark.parametrize(("text", "expected"), [
    ("leave balance", ShowBalance()),
    ("balance --year 2027", ShowBalance(None, 2027)),
    ("balance for 2027", ShowBalance(None, 2027)),
    ("balance ananya", ShowBalance("ananya")),
    ("balance Ananya Iyer --year 2027", ShowBalance("Ananya Iyer", 2027)),
])
def test_balance_phrasing(text: str, expected: ShowBalance) -> None:
    assert parse(text) == expected


def test_balance_year_flag_needs_a_year() -> None:
    assert "Say which year after '--year'" in refusal("balance --year").message


@pytest.mark.parametrize(("text", "expected"), [
    ("report 1 oct to 15 nov", Report("2026-10-01 to 2026-11-15", date(2026, 10, 1), date(2026, 11, 15))),
    ("report 1 Jan to 15 Feb", Report("2026-01-01 to 2026-02-15", date(2026, 1, 1), date(2026, 2, 15))),
    ("report 1 dec to 31 dec", Report("2025-12-01 to 2025-12-31", date(2025, 12, 1), date(2025, 12, 31))),
    ("report 15 nov to 10 jan", Report("2026-11-15 to 2027-01-10", date(2026, 11, 15), date(2027, 1, 10))),
    ("report dec 1-31", Report("2025-12-01 to 2025-12-31", date(2025, 12, 1), date(2025, 12, 31))),
])
def test_a_period_without_a_year_is_the_most_recent_one(text: str, expected: Report) -> None:
    assert parse(text) == expected


def test_an_audit_period_without_a_year_is_the_most_recent_one() -> None:
    assert parse("audit 1 Oct to 15 Nov") == ShowAudit(None, date(2026, 10, 1), date(2026, 11, 15),
                                                       "2026-10-01 to 2026-11-15")
    assert parse("audit @priya 1 Jan to 15 Feb") == ShowAudit("@priya", date(2026, 1, 1), date(2026, 2, 15),
                                                              "2026-01-01 to 2026-02-15")


# -- a person named by first name (core.language.names) -------------------------------------------------

TWO_PRIYAS = ORG_CSV + (
    "E6,priya.shah@x.test,Priya,Shah,boss@x.test,EMPLOYEE,Engineering,Bengaluru,INDIA,2024-01-08,ACTIVE,Asia/Kolkata\n"
    "E7,priya.menon@x.test,Priya,Menon,hr@x.test,EMPLOYEE,People,Bengaluru,INDIA,2024-01-08,ACTIVE,Asia/Kolkata\n"
)


def balance_reply(service: LeaveService, asker: str, text: str) -> str:
    view = service.handle_text(asker, text, "test")
    if isinstance(view, RefusalView):
        return view.message
    assert isinstance(view, BalanceView)
    return f"{view.person.name} {view.year}"


def test_a_first_name_means_the_one_such_person_the_asker_may_ask_about(service: LeaveService) -> None:
    service.import_employees(TWO_PRIYAS)
    assert balance_reply(service, "boss@x.test", "balance priya") == "Priya Shah 2026"
    assert balance_reply(service, "boss@x.test", "balance PRIYA --year 2027") == "Priya Shah 2027"
    assert balance_reply(service, "hr@x.test", "balance Priya Menon") == "Priya Menon 2026"


def test_an_ambiguous_first_name_lists_the_candidates_the_asker_may_see(service: LeaveService) -> None:
    service.import_employees(TWO_PRIYAS)
    assert balance_reply(service, "hr@x.test", "balance priya") == (
        "'priya' could be Priya Menon (priya.menon@x.test) or Priya Shah (priya.shah@x.test); say which by e-mail.")


def test_a_name_outside_the_askers_people_is_refused_naming_nobody(service: LeaveService) -> None:
    service.import_employees(TWO_PRIYAS)
    for asker, text in [("rahul@x.test", "balance priya"), ("boss@x.test", "balance Priya Menon"),
                        ("boss@x.test", "balance nobody")]:
        message = balance_reply(service, asker, text)
        assert message.startswith("You can see your own balances and those of people who report to you"), message
        assert "@x.test" not in message
    assert balance_reply(service, "hr@x.test", "balance nobody") == (
        "I can't find 'nobody' in the directory; use their e-mail address.")


# notify


@pytest.mark.parametrize(("text", "choice"), [("notify", None), ("notify email", NotifyBy.EMAIL),
                                              ("/leave NOTIFY Chat", NotifyBy.CHAT), ("notify both", NotifyBy.BOTH)])
def test_notify_reads_one_choice_or_none(text: str, choice: NotifyBy | None) -> None:
    assert parse(text) == ChooseNotify(choice)


@pytest.mark.parametrize("text", ["notify sms", "notify email chat", "notify <b>"])
def test_notify_refuses_anything_but_email_chat_or_both(text: str) -> None:
    message = refusal(text).message
    assert "is not one of email, chat, both" in message
    assert "Usage: /leave notify [email|chat|both]" in message
