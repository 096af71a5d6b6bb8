"""The one date parser: the dates, periods and request ids that people type.

Every door (slash command, Teams message, terminal line, CLI flag) reads dates through this module
so that ``24 Dec`` means the same day everywhere. Nothing here reads the clock: ``today`` is
passed in, already in the employee's time zone, which keeps every rule testable.

Accepted date forms (case-insensitive, surrounding spaces ignored):

* ISO: ``2026-12-24``;
* numbers in the region's order (:class:`DateOrder`): ``28/12/2026``, ``28-12-2026``, ``28.12.2026``
  and, with a slash, ``28/12`` (day first, the default); ``12/28/2026`` where the month comes first;
* day-month or month-day, optionally with a year: ``24 Dec``, ``Dec 24``, ``24 December``,
  ``24-Dec``, ``24th Dec``, ``24 Dec 2026``, ``Dec 24 2026``, ``Dec 24, 2026``;
* ``today``, ``tomorrow``, ``yesterday``;
* weekday names (``monday``, ``mon``, ...): the first such day from today on; ``this friday``
  the same; ``next friday`` the Friday of next week (Monday to Sunday), so on a Wednesday
  ``this friday`` is two days ahead and ``next friday`` nine. As the end of a span that
  starts later, ``next friday`` is the first Friday after the start.

A few days of one month may be written together: ``dec 28-31``, ``28-31 Dec 2026``
(:func:`read_span`).
"""

from __future__ import annotations

import calendar
import difflib
import enum
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple

from core.domain.model import REQUEST_NUMBER_OFFSET
from core.errors import BadCommand, BadDate

#: A date written without a year is this year's, unless it lies more than this many days before
#: today; then it is next year's. So in late November ``5 Jan`` is next January, while a date a
#: few weeks back (a sick day being recorded late) still means this year. Early in January the
#: window reaches into last year: ``31 Dec`` then means the day just gone.
PAST_WINDOW_DAYS = 60

#: Years outside this range are refused. No leave is taken in them, and the bound keeps the
#: arithmetic of later steps (``end + 1 day``, next year's date) clear of ``date.max``.
MIN_YEAR = 1900
MAX_YEAR = 2999



class DateOrder(enum.StrEnum):
    """Which number comes first in ``28/12/2026``: a region's setting (``date_order`` in the policy)."""

    DAY_FIRST = "day_first"  # 28/12/2026: India, the United Kingdom and most of the world
    MONTH_FIRST = "month_first"  # 12/28/2026: the United States


#: Request numbers beyond this are refused rather than handed to a database that would overflow.
MAX_REQUEST_NUMBER = 2**31 - 1

ACCEPTED_FORMS = "2026-12-24, 24 Dec, Dec 24, 24 Dec 2026, today, tomorrow, friday or next friday"

#: English month names, spelled out rather than taken from :mod:`calendar`, whose names follow
#: the process locale.
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

MONTHS: dict[str, int] = {}
for _number, _name in enumerate(MONTH_NAMES, start=1):
    MONTHS[_name.lower()] = _number
    MONTHS[_name[:3].lower()] = _number
MONTHS["sept"] = 9

#: Each weekday's spellings, Monday first (``date.weekday()`` numbering).
_WEEKDAY_SPELLINGS = (
    ("monday", "mon"),
    ("tuesday", "tue", "tues"),
    ("wednesday", "wed"),
    ("thursday", "thu", "thur", "thurs"),
    ("friday", "fri"),
    ("saturday", "sat"),
    ("sunday", "sun"),
)
WEEKDAYS: dict[str, int] = {name: number for number, names in enumerate(_WEEKDAY_SPELLINGS) for name in names}

RELATIVE_DAYS: dict[str, int] = {"yesterday": -1, "today": 0, "tomorrow": 1}

_ISO = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})")
_DAY = r"(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?"
_MONTH = r"(?P<month>[a-z]+)\.?"
_YEAR = r"(?P<year>[0-9]{4})"
_SEP = r"(?:\s*[-,]\s*|\s+)"
_DAY_MONTH = re.compile(rf"{_DAY}{_SEP}{_MONTH}(?:{_SEP}{_YEAR})?")
_MONTH_DAY = re.compile(rf"{_MONTH}{_SEP}{_DAY}(?:{_SEP}{_YEAR})?")
_NUMERIC = re.compile(r"(?P<first>[0-9]{1,2})(?P<sep>[/.-])(?P<second>[0-9]{1,2})(?:(?P=sep)(?P<year>[0-9]{4}))?")
_DASH = r"\s*[-\u2013\u2014]\s*"
_TWO_DAYS = rf"(?P<first>[0-9]{{1,2}})(?:st|nd|rd|th)?{_DASH}(?P<last>[0-9]{{1,2}})(?:st|nd|rd|th)?"
_DAYS_MONTH = re.compile(rf"{_TWO_DAYS}{_SEP}{_MONTH}(?:{_SEP}{_YEAR})?")
_MONTH_DAYS = re.compile(rf"{_MONTH}{_SEP}{_TWO_DAYS}(?:{_SEP}{_YEAR})?")
_WEEKDAY = re.compile(r"(?:(?P<qualifier>this|next)\s+)?(?P<weekday>[a-z]+)")

_PERIOD_MONTH = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})")
_PERIOD_QUARTER = re.compile(r"(?P<year>[0-9]{4})-?q(?P<quarter>[1-4])")
_PERIOD_YEAR = re.compile(r"(?P<year>[0-9]{4})")
_REQUEST_ID = re.compile(r"#?(?:lv-?)?(?P<number>[0-9]{1,18})")

#: Words a mistyped date is compared against, to suggest the intended one.
_KNOWN_WORDS = sorted({*MONTHS, *WEEKDAYS, *RELATIVE_DAYS, "next", "this"})


def parse_date(text: str, today: date, *, not_before: date | None = None,
               order: DateOrder = DateOrder.DAY_FIRST, past: bool = False) -> date:
    """Read one date as a person typed it.

    Args:
        text: the words, e.g. ``"24 Dec"`` or ``"next friday"``.
        today: the current date in the person's time zone; relative words count from it.
        not_before: the start of a span when ``text`` is its end. If the plain reading falls
            before it, a date written without a year or as a weekday is read again as the first
            such day on or after it, so ``monday to friday`` and ``30 Dec to 2 Jan`` read
            forwards. Explicit dates (ISO, with a year, ``today``) are never moved.
        order: whether ``28/12`` puts the day or the month first (the person's region says).
        past: a date without a year is the latest such day on or before ``today``: the start of
            a report's period, which looks back, not ahead (with ``not_before``, its end: the
            first such day on or after the start).

    Raises:
        BadDate: the text is not one of the accepted forms, or names a day that does not exist
            (``31 Feb``); the message says which and shows the accepted forms.
    """
    found = read_date(text, today, not_before=not_before, order=order, past=past)
    if found is None:
        raise BadDate(unreadable_date_message(text))
    return found


def read_date(text: str, today: date, *, not_before: date | None = None,
              order: DateOrder = DateOrder.DAY_FIRST, past: bool = False) -> date | None:
    """Like :func:`parse_date`, but None when ``text`` has no date's form at all.

    The grammar tries several word counts for a date (``24``, ``24 Dec``, ``24 Dec 2026``); a
    shape that is not a date is a reason to try another count, while a date's shape naming a day
    that does not exist (``31 Feb``) is the person's mistake and is raised at once.

    Raises:
        BadDate: the text has a date's form but names no real day, or one out of range.
    """
    shown = " ".join(text.split())
    words = shown.lower()
    # Looking back, a span's end is the first such day after its start, not the one nearest today.
    reading = _Reading(shown, today, order, not_before if past else None, past)
    try:
        found = _read(words, reading)
        if found is not None and not_before is not None and found < not_before:
            found = _read(words, reading._replace(anchor=not_before)) or found
    except OverflowError:
        found = date.max
    if found is not None and not MIN_YEAR <= found.year <= MAX_YEAR:
        raise BadDate(f"'{clip(shown)}' is not a date I can use: the year must be between {MIN_YEAR} and {MAX_YEAR}.")
    return found


def read_span(text: str, today: date, *, past: bool = False) -> tuple[date, date] | None:
    """Some days of one month written together: ``dec 28-31``, ``28-31 Dec``, ``28th-31st Dec 2026``.

    Returns:
        The first and the last day, or None when ``text`` is not such a span. Without a year the
        first day takes its year as a lone ``28 Dec`` would (``past``: see :func:`parse_date`).

    Raises:
        BadDate: the days do not exist in that month, or the last comes before the first.
    """
    shown = " ".join(text.split())
    match = _DAYS_MONTH.fullmatch(shown.lower()) or _MONTH_DAYS.fullmatch(shown.lower())
    if match is None or match["month"] not in MONTHS:
        return None
    month, first, last = MONTHS[match["month"]], int(match["first"]), int(match["last"])
    if last < first:
        raise BadDate(f"In '{clip(shown)}' the last day comes before the first; write the earlier day first.")
    if match["year"] is not None:
        start = _build(shown, int(match["year"]), month, first)
    else:
        start = _without_year(_Reading(shown, today, DateOrder.DAY_FIRST, None, past), month, first)
    return start, _build(shown, start.year, month, last)


def months_after(day: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day when it is shorter (31 Aug + 6: 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def clip(text: str, limit: int = 60) -> str:
    """``text`` shortened for quoting in a message, so a pasted essay is not echoed back whole."""
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def looks_like_date_start(word: str) -> bool:
    """True if ``word`` can begin a multi-word date (``24``, ``Dec``, ``next``).

    The grammar uses this to quote enough of an unreadable date in its error message.
    """
    lowered = word.lower().rstrip(".,")
    return bool(re.fullmatch(_DAY, lowered)) or lowered in MONTHS or lowered in ("next", "this")


def unreadable_date_message(shown: str) -> str:
    """The message for words that are not a date: what was typed, a guess, and the forms."""
    if not shown.strip():
        return f"Give a date, written like {ACCEPTED_FORMS}."
    guesses: list[str] = []
    for word in shown.lower().split():
        if word not in _KNOWN_WORDS and re.fullmatch(r"[a-z]{3,}", word):
            guesses += difflib.get_close_matches(word, _KNOWN_WORDS, n=1, cutoff=0.75)
    hint = f" Did you mean '{guesses[0]}'?" if guesses else ""
    return f"I can't read '{clip(' '.join(shown.split()))}' as a date.{hint} Write it like {ACCEPTED_FORMS}."


class _Reading(NamedTuple):
    """What reading one date needs besides its words."""

    shown: str  # the words as typed, for messages
    today: date
    order: DateOrder
    anchor: date | None  # year-less and weekday forms resolve to their first day on or after it
    past: bool  # year-less forms resolve to their last day on or before today


def _read(words: str, reading: _Reading) -> date | None:
    """The date in ``words`` (lower case, single spaces), or None when it is no accepted form."""
    shown, today = reading.shown, reading.today
    if words in RELATIVE_DAYS:
        return today + timedelta(days=RELATIVE_DAYS[words])
    if match := _ISO.fullmatch(words):
        return _build(shown, int(match["year"]), int(match["month"]), int(match["day"]))
    if (match := _NUMERIC.fullmatch(words)) and (match["year"] is not None or match["sep"] == "/"):
        day, month = _day_and_month(shown, int(match["first"]), int(match["second"]), reading.order)
        if match["year"] is not None:
            return _build(shown, int(match["year"]), month, day)
        return _without_year(reading, month, day)
    if (match := _DAY_MONTH.fullmatch(words) or _MONTH_DAY.fullmatch(words)) and match["month"] in MONTHS:
        month, day = MONTHS[match["month"]], int(match["day"])
        if match["year"] is not None:
            return _build(shown, int(match["year"]), month, day)
        return _without_year(reading, month, day)
    if (match := _WEEKDAY.fullmatch(words)) and match["weekday"] in WEEKDAYS:
        base = reading.anchor or today
        wanted = WEEKDAYS[match["weekday"]]
        ahead = (wanted - base.weekday()) % 7
        if match["qualifier"] == "next" and reading.anchor is None:
            # The day of that name in next week (weeks run Monday to Sunday).
            ahead = 7 - base.weekday() + wanted
        elif match["qualifier"] == "next" and ahead == 0:
            ahead = 7  # after a span's start: the first such day strictly after it
        return base + timedelta(days=ahead)
    return None


def _day_and_month(shown: str, first: int, second: int, order: DateOrder) -> tuple[int, int]:
    """``28/12`` as (day, month) in the region's order; a month over 12 is refused with the swap."""
    day, month = (first, second) if order is DateOrder.DAY_FIRST else (second, first)
    if month > 12 and day <= 12:
        way = "day first (28/12/2026)" if order is DateOrder.DAY_FIRST else "month first (12/28/2026)"
        raise BadDate(f"'{clip(shown)}' has no month {month}: here dates are written {way}. "
                      f"Write it as {format_numeric(day=month, month=day, order=order)} or as {month} "
                      f"{MONTH_NAMES[day - 1][:3]}.")
    return day, month


def format_numeric(day: int, month: int, order: DateOrder) -> str:
    """``28/12`` or ``12/28``: a day and month as the region writes them."""
    return f"{day}/{month}" if order is DateOrder.DAY_FIRST else f"{month}/{day}"


def _without_year(reading: _Reading, month: int, day: int) -> date:
    """Give a year-less day-month its year.

    Plainly: the one such day from :data:`PAST_WINDOW_DAYS` before ``today`` to about ten months
    ahead; that is this year's unless it lies further back, then next year's. With an anchor:
    the first such day on or after it (29 Feb: the next leap year's). Looking back (``past``):
    the last such day on or before ``today``.
    """
    shown, today, anchor = reading.shown, reading.today, reading.anchor
    _check_day(shown, month, day, year=None)
    if anchor is not None:
        for year in range(anchor.year, anchor.year + 8):
            if _exists(year, month, day) and date(year, month, day) >= anchor:
                return _build(shown, year, month, day)
    if reading.past:
        for year in range(today.year, today.year - 8, -1):
            if _exists(year, month, day) and date(year, month, day) <= today:
                return _build(shown, year, month, day)
    # The window starts PAST_WINDOW_DAYS back, in last year during January and February, so that
    # "31 Dec" typed on 5 January is the day just gone, not a date a year ahead.
    earliest = today - timedelta(days=PAST_WINDOW_DAYS)
    year = earliest.year
    # Compare 29 Feb as 28 Feb in a common year: only the choice of year depends on it.
    comparable = date(year, month, min(day, calendar.monthrange(year, month)[1]))
    if comparable < earliest:
        year += 1
    return _build(shown, year, month, day)


def _exists(year: int, month: int, day: int) -> bool:
    return MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def _check_day(shown: str, month: int, day: int, year: int | None) -> None:
    """Refuse a month or day that no calendar has, naming what is wrong with it."""
    if not 1 <= month <= 12:
        raise BadDate(f"'{clip(shown)}' does not exist: there are only 12 months. Write it like {ACCEPTED_FORMS}.")
    if day < 1:
        raise BadDate(f"'{clip(shown)}' does not exist: days of the month start at 1.")
    name = MONTH_NAMES[month - 1]
    if year is None:
        most = 29 if month == 2 else calendar.monthrange(2001, month)[1]
        if day > most:
            raise BadDate(f"'{clip(shown)}' does not exist: {name} has at most {most} days.")
        return
    most = calendar.monthrange(year, month)[1]
    if day > most:
        leap = " (not a leap year)" if month == 2 and day == 29 else ""
        raise BadDate(f"'{clip(shown)}' does not exist: {name} {year} has {most} days{leap}.")


def _build(shown: str, year: int, month: int, day: int) -> date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise BadDate(f"'{clip(shown)}' is not a date I can use: the year must be between {MIN_YEAR} and {MAX_YEAR}.")
    _check_day(shown, month, day, year)
    return date(year, month, day)


def parse_period(text: str) -> tuple[date, date, str]:
    """Read a report period: a month (``2026-11``), a quarter (``2026-Q4``) or a year (``2026``).

    Returns:
        ``(first day, last day, label)``; the label is normalised (``2026-01``, ``2026-Q4``) so
        that reports and their file names look the same whichever way the period was typed.

    Raises:
        BadCommand: anything else, with the three forms in the message.
    """
    shown = text.strip()
    words = shown.lower()
    usage = f"'{clip(shown)}' is not a period; use a month (2026-11), a quarter (2026-Q4) or a year (2026)."
    year: int
    if match := _PERIOD_MONTH.fullmatch(words):
        year, month = int(match["year"]), int(match["month"])
        if not 1 <= month <= 12:
            raise BadCommand(f"{usage} There is no month {month}.")
        first_month, last_month, label = month, month, f"{year:04d}-{month:02d}"
    elif match := _PERIOD_QUARTER.fullmatch(words):
        year, quarter = int(match["year"]), int(match["quarter"])
        first_month, last_month, label = 3 * quarter - 2, 3 * quarter, f"{year:04d}-Q{quarter}"
    elif match := _PERIOD_YEAR.fullmatch(words):
        year = int(match["year"])
        first_month, last_month, label = 1, 12, f"{year:04d}"
    else:
        raise BadCommand(usage)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise BadCommand(f"{usage} The year must be between {MIN_YEAR} and {MAX_YEAR}.")
    last_day = calendar.monthrange(year, last_month)[1]
    return date(year, first_month, 1), date(year, last_month, last_day), label


def day_bounds(since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    """The UTC instants around whole days typed as a period: from the start of ``since`` to the end
    of ``until`` (the audit log is written, and searched, in UTC)."""
    start = datetime.combine(since, time(), tzinfo=UTC) if since else None
    end = datetime.combine(until + timedelta(days=1), time(), tzinfo=UTC) if until else None
    return start, end


def parse_year(text: str) -> int | None:
    """The year in ``text`` (four digits, within the usable range), or None if it is not one."""
    if _PERIOD_YEAR.fullmatch(text.strip()):
        year = int(text)
        if MIN_YEAR <= year <= MAX_YEAR:
            return year
    return None


def parse_request_id(text: str) -> int:
    """Read a request id as shown to people (``LV-1042``, ``lv-1042``, ``#1042``, ``1042``).

    Returns:
        The stored id: the number minus :data:`core.domain.model.REQUEST_NUMBER_OFFSET`.

    Raises:
        BadCommand: not such a number, or a number no request can have.
    """
    shown = text.strip()
    match = _REQUEST_ID.fullmatch(shown.lower())
    if match is None or not REQUEST_NUMBER_OFFSET < int(match["number"]) <= MAX_REQUEST_NUMBER:
        raise BadCommand(f"'{clip(shown)}' is not a request id; ids look like LV-1042 (see /leave list)")
    return int(match["number"]) - REQUEST_NUMBER_OFFSET
