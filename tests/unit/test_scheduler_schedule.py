"""When jobs are due: local times per time zone, daylight-saving changes, catch-up rules."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.domain.schedule import Catchup, Every, Slot, due_runs, following, instant

NY = Slot("reminders", "America/New_York", "America/New_York", time(9, 30), Every.DAY, Catchup.SAME_DAY)
LONDON = Slot("reminders", "Europe/London", "Europe/London", time(9, 30), Every.DAY, Catchup.SAME_DAY)
DIGEST = Slot("hr-digest", "", "Asia/Kolkata", time(9, 0), Every.MONDAY, Catchup.SAME_WEEK)
ACCRUAL = Slot("accrual", "", "UTC", time(0, 30), Every.MONTH, Catchup.ALWAYS)


def tick_through(slots: list[Slot], start: datetime, days: int, step: timedelta = timedelta(minutes=1)) -> list:
    """What a scheduler ticking every ``step`` from ``start`` would start (occurrences before
    ``start`` left out), each (job, period) the first time it is due."""
    seen: dict[tuple[str, str], datetime] = {}
    now = start
    while now < start + timedelta(days=days):
        for run in due_runs(now, slots):
            if run.at >= start:
                seen.setdefault((run.job, run.period), now)
        now += step
    return sorted(seen.items(), key=lambda item: item[1])


@pytest.mark.parametrize("slot, change", [(NY, date(2026, 3, 8)), (LONDON, date(2026, 3, 29)),
                                          (NY, date(2026, 11, 1)), (LONDON, date(2026, 10, 25))])
def test_a_daylight_saving_change_neither_skips_nor_doubles_the_local_run(slot: Slot, change: date) -> None:
    start = datetime.combine(change - timedelta(days=3), time(0), tzinfo=UTC)
    started = tick_through([slot], start, days=6)
    days = [period.split("@")[0] for (_, period), _ in started]
    assert len(days) == len(set(days)) == 6  # one run per local date, none twice
    for (_, period), at in started:
        assert at == instant(date.fromisoformat(period[:10]), time(9, 30), slot.zone)
        assert at.astimezone(ZoneInfo(slot.zone)).time() == time(9, 30)
    offsets = Counter(at.hour for _, at in started)
    assert len(offsets) == 2  # the UTC hour moved with the change


def test_the_digest_is_due_mondays_at_nine_in_the_organisations_zone() -> None:
    started = tick_through([DIGEST], datetime(2026, 11, 1, tzinfo=UTC), days=28, step=timedelta(minutes=15))
    assert [period for (_, period), _ in started] == ["2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"]
    assert all(at == datetime.combine(date.fromisoformat(p), time(3, 30), tzinfo=UTC) for (_, p), at in started)


def test_after_a_week_down_only_what_is_still_useful_is_due() -> None:
    down_until = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # Thursday; down since the Thursday before
    due = {run.job: run.period for run in due_runs(down_until, [NY, DIGEST, ACCRUAL])}
    assert due["hr-digest"] == "2026-11-23"  # Monday's digest still goes out this week
    assert due["reminders"] == "2026-11-26@America/New_York"  # today's, not the missed ones
    assert due["accrual"] == "2026-11"


def test_a_daily_run_missed_all_day_is_not_sent_the_next_day() -> None:
    early = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # 04:00 in New York: today's 09:30 has not come
    assert [run.job for run in due_runs(early, [NY])] == []


def test_next_run_for_jobs_list() -> None:
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert following(DIGEST, now) == datetime(2026, 11, 30, 3, 30, tzinfo=UTC)
    assert following(ACCRUAL, now) == datetime(2026, 12, 1, 0, 30, tzinfo=UTC)
