"""When each scheduled job is due, as a pure function of the time: no timers, no threads.

Every job happens at a local wall-clock time in some time zone (an approver's, a department's,
the organisation's). An occurrence is named by its *local date* (its period), and each local date
has exactly one occurrence, computed with :mod:`zoneinfo`; so a daylight-saving change can move
a run by an hour in UTC, but can neither skip it nor run it twice. :func:`due_runs` is what a
ticking scheduler asks every minute; tests ask it with a frozen clock to run weeks in seconds.

The jobs themselves are named here too (:data:`JOBS`), so that a door can list them, or offer
them as choices, without reaching into :mod:`core.scheduling`, which decides who each one is for.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.domain.leave_year import LeaveYear

#: How far back a scheduler that was down looks for missed occurrences.
LOOKBACK_DAYS = 8

#: Every scheduled job by name, and what it does when, in words (``leavebot jobs list``).
JOBS = {
    "reminders": "09:30 on working days in each approver's time zone: what waits for them; escalation",
    "whos-out": "09:00 in each department's time zone: who is out today and this week",
    "hr-digest": "Mondays 09:00 (organisation's time zone): the weekly HR digest",
    "document-reminders": "Mondays 10:00 (organisation's time zone): documents still due, to each employee",
    "accrual": "the 1st of each month: accrual and grants due, carried days and comp-off credits past expiry "
               "(catches up)",
    "year-end": "each leave year's first day (1 January unless a region sets leave_year_start): carry-forward "
                "and expiry of the year before (catches up)",
    "reassign": "08:00 daily: pending requests whose approver is away move to their cover",
}
JOB_NAMES = tuple(JOBS)
#: The jobs that change the ledger or the requests person by person, idempotently: safe to run for
#: any past date, which catches up on every period missed since.
LEDGER_JOBS = ("accrual", "year-end", "reassign")


class Catchup(enum.Enum):
    """How late a missed occurrence may still run."""

    SAME_DAY = "same_day"  # who's out today, reminders: stale the next local day
    SAME_WEEK = "same_week"  # the Monday digest: still useful until Sunday
    ALWAYS = "always"  # accrual and year end: idempotent, and must not be lost


class Every(enum.Enum):
    DAY = "day"
    MONDAY = "monday"
    MONTH = "month"  # the 1st
    YEAR = "year"  # the 1st of the slot's ``month`` (a leave year's first day; 1 January by default)


@dataclass(frozen=True)
class Slot:
    """One job for one audience (``key``: a time zone, a department, or empty) at a local time."""

    job: str
    key: str
    zone: str
    at: time
    every: Every
    catchup: Catchup
    #: For :attr:`Every.YEAR`: the month on whose 1st it runs (4: a leave year starting 1 April).
    month: int = 1

    def period(self, day: date) -> str:
        label = {Every.DAY: day.isoformat(), Every.MONDAY: day.isoformat(),
                 Every.MONTH: day.strftime("%Y-%m"), Every.YEAR: str(LeaveYear(self.month).of(day))}[self.every]
        return f"{label}@{self.key}" if self.key else label


@dataclass(frozen=True)
class DueRun:
    slot: Slot
    day: date  # the occurrence's local date
    at: datetime  # the occurrence in UTC

    @property
    def job(self) -> str:
        return self.slot.job

    @property
    def period(self) -> str:
        return self.slot.period(self.day)


def occurs_on(every: Every, day: date, month: int = 1) -> bool:
    return {Every.DAY: True, Every.MONDAY: day.weekday() == 0, Every.MONTH: day.day == 1,
            Every.YEAR: day.month == month and day.day == 1}[every]


def instant(day: date, at: time, zone: str) -> datetime:
    """The UTC instant of a local wall-clock time; a time that a spring change skips moves on by
    the gap (``fold=0``), one that an autumn change repeats is taken the first time."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def latest(slot: Slot, now: datetime, lookback_days: int = LOOKBACK_DAYS) -> DueRun | None:
    """The most recent occurrence at or before ``now`` (within the look-back), if any."""
    today = now.astimezone(ZoneInfo(slot.zone)).date()
    horizon = lookback_days if slot.catchup is not Catchup.ALWAYS else 366
    for back in range(horizon + 1):
        day = today - timedelta(days=back)
        if occurs_on(slot.every, day, slot.month) and instant(day, slot.at, slot.zone) <= now:
            return DueRun(slot, day, instant(day, slot.at, slot.zone))
    return None


def following(slot: Slot, now: datetime) -> datetime | None:
    """The next occurrence after ``now`` (for ``jobs list``)."""
    today = now.astimezone(ZoneInfo(slot.zone)).date()
    for ahead in range(367):
        day = today + timedelta(days=ahead)
        if occurs_on(slot.every, day, slot.month) and instant(day, slot.at, slot.zone) > now:
            return instant(day, slot.at, slot.zone)
    return None


def still_useful(run: DueRun, now: datetime) -> bool:
    local = now.astimezone(ZoneInfo(run.slot.zone)).date()
    if run.slot.catchup is Catchup.SAME_DAY:
        return local == run.day
    if run.slot.catchup is Catchup.SAME_WEEK:
        return local.isocalendar()[:2] == run.day.isocalendar()[:2]
    return True


def due_runs(now: datetime, slots: Iterable[Slot]) -> list[DueRun]:
    """The occurrences that should have happened by ``now`` and are still worth running.

    Whether one already ran is the job-run record's business, not this function's: it only says
    what time it is, per slot, so it may be asked any number of times.
    """
    found = [run for slot in slots if (run := latest(slot, now)) is not None and still_useful(run, now)]
    return sorted(found, key=lambda run: (run.at, run.job, run.period))
