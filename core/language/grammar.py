"""The ``/leave`` text grammar (README, "What people type"): one line of words in, one neutral command out.

Slack slash commands, Teams messages and the terminal chat all send the same words, so they are
read once, here. Every refusal is a :class:`core.errors.BadCommand` (or its subclass
:class:`core.errors.BadDate`) whose message says what was wrong and shows the usage; no other
exception escapes, whatever the input.

The grammar only reads words. Whether a leave type exists, a person may be asked about or a
span is allowed is the use cases' business: the type and the person are passed on as typed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from core.commands import (
    EXAMPLES,
    USAGE,
    AdjustBalance,
    ApplyLeave,
    CancelRequest,
    ChooseNotify,
    ClaimCompOff,
    Command,
    ConfirmSplit,
    Decide,
    DecideClaim,
    Delegate,
    HandInDocument,
    Help,
    ListRequests,
    OpenApplyForm,
    OpenDashboard,
    Payroll,
    PlanLeave,
    Report,
    ShowAudit,
    ShowBalance,
    ShowDocuments,
    ShowFeed,
    ShowHolidays,
    ShowOptionalHolidays,
    ShowPending,
    ShowQuiet,
    ShowTeam,
    ShowTeamChart,
)
from core.domain.changes import parse_change
from core.domain.compoff import is_claim_number, parse_claim_number
from core.domain.dates import (
    MONTH_NAMES,
    DateOrder,
    clip,
    looks_like_date_start,
    parse_date,
    parse_period,
    parse_request_id,
    parse_year,
    read_date,
    read_span,
    unreadable_date_message,
)
from core.domain.heatmap import MONTH_SPAN_DAYS, WEEK_SPAN_DAYS
from core.domain.hours import TimeRange, read_time_range
from core.domain.model import HalfDay
from core.domain.reach import NotifyBy
from core.errors import BadCommand, BadDate

SUBCOMMANDS = ", ".join(USAGE)

#: Words between the first and the last day of a span. Dashes include the typographic ones that
#: chat clients substitute for ``-`` as people type.
RANGE_WORDS = frozenset({"to", "-", "\u2013", "\u2014", "until", "till", "through", "thru"})

#: One- and two-word spellings of a half day; a plain "half day" is the first half.
HALF_DAY_WORDS: dict[tuple[str, ...], HalfDay] = {
    ("half-day",): HalfDay.FIRST,
    ("halfday",): HalfDay.FIRST,
    ("half", "day"): HalfDay.FIRST,
    ("first-half",): HalfDay.FIRST,
    ("first", "half"): HalfDay.FIRST,
    ("second-half",): HalfDay.SECOND,
    ("second", "half"): HalfDay.SECOND,
    ("morning",): HalfDay.FIRST,
    ("afternoon",): HalfDay.SECOND,
}

#: Words that may stand between the leave type and its first day: ``apply sick leave tomorrow``,
#: ``apply casual leave on monday``, ``apply 2 days casual from monday``.
FILLER_WORDS = frozenset({"leave", "on", "from", "starting", "for"})

#: ``apply 2 days casual from monday``: at most this many working days by count.
MAX_COUNTED_DAYS = 366

#: A count of days, in one word or two: ``2 days``, ``2days``, ``1 day``.
_COUNT = re.compile(r"(?P<count>[0-9]{1,4})\s*(?:days?)?")

#: Words that may stand before a balance's year: ``balance --year 2027``, ``balance for 2027``.
YEAR_WORDS = frozenset({"--year", "-y", "year", "for", "in"})

DOCUMENT_PREFIXES = ("doc:", "document:")

#: The periods a report takes, as the messages name them.
REPORT_PERIODS = "2026-11, 2026-Q4, 2026 or 1 Oct 2026 to 15 Nov 2026"

#: Words that may introduce a report's department: ``/leave report 2026-Q4 department Sales``.
DEPARTMENT_WORDS = frozenset({"department", "dept"})

#: A date is at most this many words: ``Dec 24, 2026``.
MAX_DATE_WORDS = 3

#: A span of one month's days is at most this many words: ``28th - 31st Dec 2026``.
MAX_SPAN_WORDS = 5

_PREFIX = re.compile(r"\s*/?leave(?=\s|$)", re.IGNORECASE)
_WORD = re.compile(r"\S+")
_SHOWN_REQUEST_ID = re.compile(r"(?:#|lv-?)[0-9]+", re.IGNORECASE)


@dataclass(frozen=True)
class _Word:
    """One word of the line, with where it stood, so a reason keeps the spacing it was typed with."""

    text: str
    start: int
    end: int
    index: int

    @property
    def lower(self) -> str:
        return self.text.lower()


def weekdays_only(start: date, count: int) -> date:
    """The last of ``count`` working days from ``start``, Saturdays and Sundays off: the counter a
    :class:`Reading` uses when nobody gave it the person's own calendar."""
    day, left = start, count
    while True:
        if day.weekday() < 5:
            left -= 1
            if left == 0:
                return day
        day += timedelta(days=1)


@dataclass(frozen=True)
class Reading:
    """What reading a line depends on besides its words, all of it the person's own.

    Attributes:
        today: the current date in their time zone, for relative dates and defaults.
        order: whether their region writes ``28/12`` day first or month first.
        last_working_day: the last of N working days from a date (their weekend and holidays),
            for ``apply 2 days casual from monday``.
    """

    today: date
    order: DateOrder = DateOrder.DAY_FIRST
    last_working_day: Callable[[date, int], date] = weekdays_only


def parse_command(text: str, at: date | Reading) -> Command:
    """Read one ``/leave`` line.

    Args:
        text: what the person typed, with or without the leading ``/leave`` (or ``leave``).
        at: how to read it (:class:`Reading`); a plain date is today, with the defaults.

    Raises:
        BadCommand: the words are not a command; the message says why and shows the usage.
        BadDate: a date could not be read (a :class:`BadCommand` too).
    """
    body = _PREFIX.sub("", text, count=1)
    words = [_Word(m.group(), m.start(), m.end(), i) for i, m in enumerate(_WORD.finditer(body))]
    if not words:
        return Help()
    verb, rest = words[0], words[1:]
    handler = _HANDLERS.get(verb.lower)
    if handler is None:
        guess = difflib.get_close_matches(verb.lower, list(_HANDLERS), n=1, cutoff=0.7)
        hint = f". Did you mean '{guess[0]}'?" if guess else ""
        raise BadCommand(f"I don't know '{clip(verb.text)}'. Try: {SUBCOMMANDS}{hint}")
    return handler(body, rest, at if isinstance(at, Reading) else Reading(at))


def subcommand(text: str) -> str:
    """The subcommand a line starts with, in lower case (``help`` for an empty line), as
    :func:`parse_command` chooses it: a word it does not know comes back as it is.

    What the words mean needs the person's own reading of dates; which kind of command they ask
    for does not, so it can be told before anything is read for them.
    """
    word = _WORD.search(_PREFIX.sub("", text, count=1))
    return word.group().lower() if word else "help"


def _shown(day: date) -> str:
    """``24 Dec 2026``, in English whatever the process locale (``%b`` would follow it)."""
    return f"{day.day} {MONTH_NAMES[day.month - 1][:3]} {day.year}"


def _usage(subcommand: str) -> str:
    return f"Usage: {USAGE[subcommand]} (e.g. {EXAMPLES[subcommand]})"


def _joined(body: str, words: Sequence[_Word]) -> str:
    """The words as typed: original spacing between neighbours, one space where words were taken out."""
    parts: list[str] = []
    for previous, word in zip([None, *words], words, strict=False):
        if previous is not None:
            parts.append(body[previous.end : word.start] if word.index == previous.index + 1 else " ")
        parts.append(word.text)
    return "".join(parts)


def _help(body: str, words: Sequence[_Word], at: Reading) -> Command:
    """``help all``: every command with its options; ``help`` with anything else: the asker's commands
    (whose help ends by naming ``help all``)."""
    return Help(full=len(words) == 1 and words[0].lower == "all")


def _apply(body: str, words: Sequence[_Word], at: Reading) -> Command:
    """``apply [N days] TYPE [leave] [on|from] START [to END] [half-day|first-half|second-half|morning|afternoon]
    [REASON...]``."""
    if words and words[0].lower == "leave":
        words = words[1:]
    if not words:
        return OpenApplyForm()
    words, document_ref = _take_document(words)
    if not words:
        raise BadCommand(f"Say which leave type and when. {_usage('apply')}")
    count, used = _take_count(words)
    words = words[used:]
    if words and _find_date(words, at) is not None:
        raise BadCommand(f"Say the leave type before the date. {_usage('apply')}")
    if not words:
        raise BadCommand(f"Say which leave type, e.g. apply 2 days casual from monday. {_usage('apply')}")
    leave_type, rest = words[0].text, _skip_fillers(words[1:])
    if count is None:
        count, used = _take_count(rest)
        rest = _skip_fillers(rest[used:])
    if not rest:
        raise BadCommand(f"Say when your {clip(leave_type)} leave starts. {_usage('apply')}")
    start, end, half, position = _span(rest, at, "apply", halves=True, count=count)
    time_range, used = _take_time_range(rest[position:])
    if time_range is not None and (half is not None or end != start):
        raise BadCommand(f"Hours are asked for on one day without a half day, e.g. apply {clip(leave_type)} "
                         f"tomorrow 16:00-18:00. {_usage('apply')}")
    reason = _joined(body, rest[position + used:])
    return ApplyLeave(leave_type, start, end, half, reason, document_ref, time_range)


def _take_time_range(words: Sequence[_Word]) -> tuple[TimeRange | None, int]:
    """``16:00-18:00`` (one word) or ``16:00 to 18:00`` (three) after the date, and how many words it used."""
    for count in (1, 3):
        if len(words) < count:
            break
        try:
            found = read_time_range(" ".join(w.text for w in words[:count]))
        except ValueError as error:
            raise BadCommand(str(error)) from None
        if found is not None:
            return found, count
    return None, 0


def _take_count(words: Sequence[_Word]) -> tuple[int | None, int]:
    """``2 days`` (or ``2days``, ``1 day``) at the start of the words, and how many words it used.

    A lone number is not a count (``apply casual 24 dec``): the word ``day`` or ``days`` must follow.
    """
    if not words:
        return None, 0
    joined = words[0].lower if words[0].lower.endswith(("day", "days")) or len(words) == 1 else (
        f"{words[0].lower} {words[1].lower}")
    match = _COUNT.fullmatch(joined)
    if match is None or not joined.endswith(("day", "days")):
        return None, 0
    count = int(match["count"])
    if not 1 <= count <= MAX_COUNTED_DAYS:
        raise BadCommand(f"'{clip(joined)}' is not a number of days I can count; give 1 to {MAX_COUNTED_DAYS}, "
                         f"or the first and last day. {_usage('apply')}")
    return count, 1 if " " not in joined else 2


def _skip_fillers(words: Sequence[_Word]) -> Sequence[_Word]:
    """The words without the fillers in front (``leave``, ``on``, ``from``) unless a filler is all there is."""
    position = 0
    while position < len(words) - 1 and words[position].lower in FILLER_WORDS:
        position += 1
    return words[position:]


def _span(words: Sequence[_Word], at: Reading, subcommand: str, halves: bool, *, count: int | None = None,
          past: bool = False) -> tuple[date, date, HalfDay | None, int]:
    """``START [to END]``, or ``START`` and ``count`` working days, or ``dec 28-31``; with ``halves``
    a half-day word after it; and how many words they used. ``past``: see :func:`core.domain.dates.parse_date`."""
    together = None if count is not None else _find_span(words, at, past)
    if together is not None:
        (start, end), position = together
    else:
        start, position = _date_at(words, at, past=past)
        end = at.last_working_day(start, count) if count is not None else start
    if count is None and together is None and position < len(words) and words[position].lower in RANGE_WORDS:
        connector = words[position].text
        position += 1
        if position == len(words):
            raise BadCommand(f"Say the last day after '{connector}'. {_usage(subcommand)}")
        try:
            end, used = _date_at(words[position:], at, not_before=start, past=past)
        except BadDate as error:
            raise BadDate(f"After '{connector}' I expected the last day. {error.message}") from None
        position += used
    half = None
    if halves:
        half, used = _take_half(words[position:])
        position += used
    if half is not None and end != start:
        raise BadCommand(
            f"A half day must be a single day; you asked for {_shown(start)} to {_shown(end)}. "
            "Apply for the half day on its own."
        )
    return start, end, half, position


def _plan(body: str, words: Sequence[_Word], at: Reading) -> Command:
    """``plan TYPE START [to END] [half-day|first-half|second-half] [HH:MM-HH:MM]``: what-if, nothing
    is created."""
    if not words or len(words) < 2:
        raise BadCommand(f"Say which leave type and when. {_usage('plan')}")
    start, end, half, position = _span(words[1:], at, "plan", halves=True)
    time_range, used = _take_time_range(words[1 + position:])
    position += used
    if position < len(words) - 1:
        raise BadCommand(f"I didn't understand '{clip(_joined(body, words[1 + position:]))}'. {_usage('plan')}")
    return PlanLeave(words[0].text, start, end, half, time_range)


def _delegate(body: str, words: Sequence[_Word], at: Reading) -> Command:
    """``delegate PERSON FROM [to TO]``, or ``delegate off`` to end my delegations."""
    if not words:
        raise BadCommand(f"Say who decides for you, and when. {_usage('delegate')}")
    if len(words) == 1 and words[0].lower in ("off", "none", "stop", "end"):
        return Delegate(None)
    if len(words) == 1:
        raise BadCommand(f"Say from when {clip(words[0].text)} decides for you. {_usage('delegate')}")
    start, end, _half, position = _span(words[1:], at, "delegate", halves=False)
    if position < len(words) - 1:
        raise BadCommand(f"I didn't understand '{clip(_joined(body, words[1 + position:]))}'. {_usage('delegate')}")
    return Delegate(words[0].text, start, end)


def _take_document(words: Sequence[_Word]) -> tuple[list[_Word], str | None]:
    """Take a ``doc:LINK`` (or ``document:LINK``, or ``doc: LINK``) out of the words."""
    kept: list[_Word] = []
    links: list[str] = []
    position = 0
    while position < len(words):
        word = words[position]
        position += 1
        prefix = next((p for p in DOCUMENT_PREFIXES if word.lower.startswith(p)), None)
        if prefix is None:
            kept.append(word)
            continue
        link = word.text[len(prefix) :]
        if not link and position < len(words):
            link, position = words[position].text, position + 1
        if link.startswith("<") and link.endswith(">"):  # Slack's escaped link: <url|label>
            link = link[1:-1].split("|", 1)[0]
        if not link:
            raise BadCommand(f"'{word.text}' needs a link right after it, e.g. doc:https://drive.example.com/note.pdf")
        links.append(link)
    if len(links) > 1:
        raise BadCommand(f"Attach one document per request (as doc:LINK); I found {len(links)}.")
    return kept, (links[0] if links else None)


def _find_date(words: Sequence[_Word], at: Reading, *, not_before: date | None = None,
               past: bool = False) -> tuple[date, int] | None:
    """The date that the first words form, trying the most words first, and how many it used.

    Longest first, because ``24 Dec 2026`` must not stop at ``24 Dec`` and leave ``2026`` as the
    reason. None when no prefix has a date's form.
    """
    for count in range(min(MAX_DATE_WORDS, len(words)), 0, -1):
        found = read_date(" ".join(w.text for w in words[:count]), at.today, not_before=not_before, order=at.order,
                          past=past)
        if found is not None:
            return found, count
    return None


def _find_span(words: Sequence[_Word], at: Reading, past: bool) -> tuple[tuple[date, date], int] | None:
    """One month's days written together at the start of the words (``dec 28-31``), and how many words.

    Not when a date follows: ``jan 1 - 1 jan 2000`` is two dates joined by a dash.
    """
    for count in range(min(MAX_SPAN_WORDS, len(words)), 0, -1):
        if count < len(words) and looks_like_date_start(words[count].text):
            continue
        found = read_span(" ".join(w.text for w in words[:count]), at.today, past=past)
        if found is not None:
            return found, count
    return None


def _date_at(words: Sequence[_Word], at: Reading, *, not_before: date | None = None,
             past: bool = False) -> tuple[date, int]:
    """Like :func:`_find_date`, but a missing date is a BadDate quoting the words read instead."""
    found = _find_date(words, at, not_before=not_before, past=past)
    if found is None:
        quoted = words[:2] if len(words) > 1 and looks_like_date_start(words[0].text) else words[:1]
        raise BadDate(unreadable_date_message(" ".join(w.text for w in quoted)))
    return found


def _take_half(words: Sequence[_Word]) -> tuple[HalfDay | None, int]:
    for count in (2, 1):
        key = tuple(w.lower for w in words[:count])
        if len(key) == count and key in HALF_DAY_WORDS:
            return HALF_DAY_WORDS[key], count
    return None, 0


def _balance(body: str, words: Sequence[_Word], at: Reading) -> Command:
    """``balance [PERSON] [[--year] YEAR]``: the person is passed on as typed for the use case to find
    (an e-mail, a mention or a first name)."""
    year = parse_year(words[-1].text) if words else None
    if year is not None:
        words = words[:-1]
        if words and words[-1].lower in YEAR_WORDS:
            words = words[:-1]
    elif words and words[-1].lower in YEAR_WORDS - {"for", "in"}:
        raise BadCommand(f"Say which year after '{clip(words[-1].text)}', e.g. 2027. {_usage('balance')}")
    return ShowBalance(_joined(body, words) or None, year)


def _list(body: str, words: Sequence[_Word], at: Reading) -> Command:
    return ListRequests()


def _pending(body: str, words: Sequence[_Word], at: Reading) -> Command:
    return ShowPending()


def _request_id(words: Sequence[_Word], subcommand: str, what: str) -> int:
    if not words:
        raise BadCommand(f"Say which request to {what} (see /leave list for ids). {_usage(subcommand)}")
    return parse_request_id(words[0].text)


def _cancel(body: str, words: Sequence[_Word], at: Reading) -> Command:
    """``cancel ID [DATE [to DATE]]``: the whole request, or some of its days. Words that are not
    dates are refused rather than ignored, since cancelling is not undone."""
    request_id = _request_id(words, "cancel", "cancel")
    if len(words) == 1:
        return CancelRequest(request_id)
    if _SHOWN_REQUEST_ID.fullmatch(words[1].text):
        raise BadCommand(f"Cancel one request at a time. {_usage('cancel')}")
    if words[1].lower == "from":
        if len(words) == 2:
            raise BadCommand(f"Say from which day to give back, e.g. from 9 Dec. {_usage('cancel')}")
        start, position = _date_at(words[2:], at)
        if position < len(words) - 2:
            raise BadCommand(f"'from' takes one day, the first to give back; the rest of the request goes with it. "
                             f"{_usage('cancel')}")
        return CancelRequest(request_id, start, onward=True)
    if _find_date(words[1:], at) is None and not looks_like_date_start(words[1].text):
        raise BadCommand(
            "After the id, give only the days to give back (e.g. 26 Dec to 28 Dec, or from 9 Dec), or nothing "
            f"to cancel the whole request. {_usage('cancel')}"
        )
    start, end, _half, position = _span(words[1:], at, "cancel", halves=False)
    if position < len(words) - 1:
        raise BadCommand(f"I didn't understand '{clip(_joined(body, words[1 + position:]))}'. {_usage('cancel')}")
    return CancelRequest(request_id, start, end)


def _adjust(body: str, words: Sequence[_Word], at: Reading) -> Command:
    """``adjust PERSON TYPE +N|-N REASON``: the person (one word: an e-mail, a mention or a first
    name) and the type are passed on as typed; the reason is required, since the person reads it."""
    if len(words) < 3:
        missing = ("whose balance", "which leave type", "by how much (+N or -N)")[len(words)]
        raise BadCommand(f"Say {missing}, and why. {_usage('adjust')}")
    change = parse_change(words[2].text)
    reason = _joined(body, words[3:])
    if not reason.strip():
        raise BadCommand(f"Say why: the reason is kept in the audit log and shown to {clip(words[0].text)}. "
                         f"{_usage('adjust')}")
    return AdjustBalance(words[0].text, words[1].text, change, reason)


def _decide(subcommand: str, approve: bool) -> Callable[[str, Sequence[_Word], Reading], Command]:
    def decide(body: str, words: Sequence[_Word], at: Reading) -> Command:
        """``approve ID [NOTE]`` / ``reject ID [REASON]``; a comp-off claim's id (``CO-1001``) decides the claim."""
        if words and is_claim_number(words[0].text):
            return DecideClaim(parse_claim_number(words[0].text), approve, _joined(body, words[1:]))
        request_id = _request_id(words, subcommand, subcommand)
        if len(words) > 1 and _SHOWN_REQUEST_ID.fullmatch(words[1].text):
            raise BadCommand(f"Decide one request at a time. {_usage(subcommand)}")
        return Decide(request_id, approve, _joined(body, words[1:]))

    return decide


#: ``team week`` and ``team month``: how many days the heat map covers.
CHART_SPANS = {"week": WEEK_SPAN_DAYS, "month": MONTH_SPAN_DAYS}
INSIGHTS = ("quiet",)


def _team(body: str, words: Sequence[_Word], at: Reading) -> Command:
    """``team [DATE]``: who is out on a day; ``team week|month [FROM]``: the heat map from a day on."""
    if words and words[0].lower in CHART_SPANS:
        start = parse_date(_joined(body, words[1:]), at.today, order=at.order) if len(words) > 1 else at.today
        return ShowTeamChart(CHART_SPANS[words[0].lower], start)
    return ShowTeam(parse_date(_joined(body, words), at.today, order=at.order) if words else at.today)


def _insight(body: str, words: Sequence[_Word], at: Reading) -> Command:
    """``insight quiet [DEPARTMENT]``: the department is passed on as typed for the use case to find."""
    if not words or words[0].lower not in INSIGHTS:
        said = f"'{clip(words[0].text)}' is not an insight I have. " if words else ""
        raise BadCommand(f"{said}Insights: {', '.join(INSIGHTS)}. {_usage('insight')}")
    return ShowQuiet(_joined(body, words[1:]) or None)


def _of_year(word: str, make: Callable[[int], Command]) -> Callable[[str, Sequence[_Word], Reading], Command]:
    """``WORD [YEAR]`` (``holidays``, ``optional``): the year asked, this year by default."""

    def read(body: str, words: Sequence[_Word], at: Reading) -> Command:
        if not words:
            return make(at.today.year)
        typed = _joined(body, words)
        year = parse_year(typed)
        if year is None:
            raise BadCommand(f"'{clip(typed)}' is not a year. {_usage(word)}")
        return make(year)

    return read


def _report(body: str, words: Sequence[_Word], at: Reading) -> Command:
    """``report PERIOD [DEPARTMENT]`` or ``report FROM to TO [DEPARTMENT]``.

    A first word with no date's form is a period (month, quarter or year); otherwise the words
    are a span, read like an application's. Whatever follows is a department, optionally after the
    word ``department``; the use case checks that it exists.
    """
    if not words:
        raise BadCommand(f"Say which period, as {REPORT_PERIODS}. {_usage('report')}")
    start, end, label, rest = _period(words, at, "report")
    return Report(label, start, end, _report_department(body, rest))


def _period(words: Sequence[_Word], at: Reading, subcommand: str) -> tuple[date, date, str, Sequence[_Word]]:
    """The period the words start with, its label, and the words after it.

    A first word with no date's form is a period (month, quarter or year); otherwise the words
    are a span, read like an application's but looking back: a first day without a year is the
    latest such day on or before today, so ``1 Oct to 15 Nov`` is the most recent such period.
    """
    if _find_date(words, at) is None and _find_span(words, at, past=True) is None:
        try:
            start, end, label = parse_period(words[0].text)
        except BadCommand as error:
            raise BadCommand(f"{error.message} Or give two dates, e.g. 1 Oct 2026 to 15 Nov 2026. "
                             f"{_usage(subcommand)}") from None
        return start, end, label, words[1:]
    start, end, _half, position = _span(words, at, subcommand, halves=False, past=True)
    if end < start:
        raise BadCommand(f"The period ends on {_shown(end)}, before it starts on {_shown(start)}; "
                         f"put the earlier date first. {_usage(subcommand)}")
    label = start.isoformat() if start == end else f"{start.isoformat()} to {end.isoformat()}"
    return start, end, label, words[position:]


def _audit(body: str, words: Sequence[_Word], at: Reading) -> Command:
    """``audit [PERSON] [PERIOD]``: HR's search of the audit log.

    The person is one word (``@name``, an e-mail, a mention), passed on as typed for the use case
    to find; a first word that starts like a period or a date is the period instead.
    """
    person = None
    if words and not (words[0].text[:1].isdigit() or _find_date(words, at) is not None
                      or _find_span(words, at, past=True) is not None):
        person, words = words[0].text, words[1:]
    if not words:
        return ShowAudit(person)
    start, end, label, rest = _period(words, at, "audit")
    if rest:
        raise BadCommand(f"I didn't understand '{clip(_joined(body, rest))}'. {_usage('audit')}")
    return ShowAudit(person, start, end, label)


def _report_department(body: str, words: Sequence[_Word]) -> str | None:
    """The department named after a report's period, without the optional word ``department``."""
    if words and words[0].lower in RANGE_WORDS:
        raise BadCommand(f"A report covers one month, quarter or year, or the days between two dates "
                         f"(1 Oct 2026 to 15 Nov 2026). {_usage('report')}")
    if words and words[0].lower in DEPARTMENT_WORDS:
        if len(words) == 1:
            raise BadCommand(f"Say which department after '{words[0].text}'. {_usage('report')}")
        words = words[1:]
    return _joined(body, words) or None


def _feed(body: str, words: Sequence[_Word], at: Reading) -> Command:
    if words:
        raise BadCommand(f"/leave feed takes nothing after it. {_usage('feed')}")
    return ShowFeed()


def _web(body: str, words: Sequence[_Word], at: Reading) -> Command:
    if words:
        raise BadCommand(f"/leave web takes nothing after it. {_usage('web')}")
    return OpenDashboard()


def _document(body: str, words: Sequence[_Word], at: Reading) -> Command:
    """``document ID``: open a request's documents; ``document ID FILE``: hand one in (the terminal
    reads FILE, which may hold spaces; in a chat the file is dropped into the conversation)."""
    request_id = _request_id(words, "document", "open or hand a document in for")
    if len(words) == 1:
        return ShowDocuments(request_id)
    return HandInDocument(request_id, path=_joined(body, words[1:]))


def _yes(body: str, words: Sequence[_Word], at: Reading) -> Command:
    """``yes``: one word, taking the offer just made; anything after it is not a yes."""
    if words:
        raise BadCommand(f"Reply with the one word yes to take the offer just made. {_usage('yes')}")
    return ConfirmSplit()


def _compoff(body: str, words: Sequence[_Word], at: Reading) -> Command:
    """``compoff claim DATE [half-day] REASON``: a past day, read as past (``saturday``: the last one)."""
    if not words or words[0].lower != "claim":
        raise BadCommand(f"Say claim, the day you worked and why. {_usage('compoff')}")
    if len(words) == 1:
        raise BadCommand(f"Say which day you worked, and why. {_usage('compoff')}")
    day, position = _date_at(words[1:], at, past=True)
    half, used = _take_half(words[1 + position:])
    reason = _joined(body, words[1 + position + used:])
    if not reason.strip():
        raise BadCommand(f"Say what you worked on; your approver reads it. {_usage('compoff')}")
    return ClaimCompOff(day, half, reason)


def _payroll(body: str, words: Sequence[_Word], at: Reading) -> Command:
    """``payroll YYYY-MM``: one calendar month, as payroll runs."""
    if len(words) != 1:
        raise BadCommand(f"Say which month, as 2026-11. {_usage('payroll')}")
    start, end, label = parse_period(words[0].text)
    if start.month != end.month:
        raise BadCommand(f"Payroll is made a month at a time; '{clip(words[0].text)}' is not one month. "
                         f"{_usage('payroll')}")
    return Payroll(label, start, end)


def _notify(body: str, words: Sequence[_Word], at: Reading) -> Command:
    """``notify [email|chat|both]``: one word, or none to see the current choice."""
    if not words:
        return ChooseNotify()
    if len(words) > 1 or words[0].lower not in set(NotifyBy):
        raise BadCommand(f"'{clip(_joined(body, words))}' is not one of {', '.join(NotifyBy)}. {_usage('notify')}")
    return ChooseNotify(NotifyBy(words[0].lower))


_HANDLERS: dict[str, Callable[[str, Sequence[_Word], Reading], Command]] = {
    "help": _help,
    "apply": _apply,
    "balance": _balance,
    "list": _list,
    "cancel": _cancel,
    "pending": _pending,
    "approve": _decide("approve", approve=True),
    "reject": _decide("reject", approve=False),
    "team": _team,
    "holidays": _of_year("holidays", ShowHolidays),
    "optional": _of_year("optional", ShowOptionalHolidays),
    "report": _report,
    "insight": _insight,
    "audit": _audit,
    "plan": _plan,
    "delegate": _delegate,
    "feed": _feed,
    "web": _web,
    "document": _document,
    "yes": _yes,
    "payroll": _payroll,
    "adjust": _adjust,
    "compoff": _compoff,
    "notify": _notify,
}
