"""Two schedulers on one database through a simulated month: every post exactly once.

Both runners tick at the same instants from two threads (two leaders overlapping, the worst
case the job-run record must survive); the clock is frozen and moved by hand, so a month of
half-hourly ticks takes seconds.
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from core.domain.model import RequestStatus
from core.ports import UnitOfWork
from core.service import LeaveService
from tests.integration.scheduler.helpers import RecordingPoster, add_pending, at, runner
from tests.unit.fakes import FixedClock

KOLKATA = ZoneInfo("Asia/Kolkata")


def tick_until(runners: list, clock: FixedClock, until: datetime, step: timedelta = timedelta(minutes=30)) -> None:
    with ThreadPoolExecutor(max_workers=len(runners)) as pool:
        while clock.at < until:
            reports = list(pool.map(lambda r: r.tick(), runners))
            assert not [e for report in reports for e in report.errors], reports
            clock.at += step


def duplicates(posts: list) -> list:
    counted = Counter((kind, address, json.dumps(payload, sort_keys=True)) for kind, address, payload in posts)
    return [key for key, n in counted.items() if n > 1]


def test_two_schedulers_over_a_month_post_everything_exactly_once(
        org: LeaveService, uow_factory: Callable[[], UnitOfWork], clock: FixedClock) -> None:
    clock.at = at(2026, 11, 30)  # Monday 05:30 in Kolkata
    request_id = add_pending(uow_factory, "E3", "E2", date(2026, 12, 21), clock.at)  # waits for Vikram (E2)
    slack, teams = RecordingPoster(), RecordingPoster()
    posters = {"slack": slack, "teams": teams}
    first, second = runner(org, clock, posters), runner(org, clock, posters)

    tick_until([first, second], clock, at(2026, 12, 29, 18))

    assert duplicates(slack.posts) == [] and duplicates(teams.posts) == []
    mondays = ["2026-11-30", "2026-12-07", "2026-12-14", "2026-12-21", "2026-12-28"]
    assert [p["week_of"] for _, a, p in slack.of_kind("hr_digest") if a == "CHR"] == mondays
    assert [p["week_of"] for _, a, p in teams.of_kind("hr_digest") if a == "channel:T1:HR"] == mondays
    engineering = [p["day"] for _, a, p in slack.of_kind("whos_out") if a == "CENG"]
    working = [d.isoformat() for d in (date(2026, 11, 30) + timedelta(days=n) for n in range(30))
               if d.weekday() < 5 and d != date(2026, 12, 25)]  # Christmas is a holiday of the policy
    assert engineering == working[: len(engineering)] and len(engineering) >= len(working) - 1
    assert teams.of_kind("whos_out") == []  # Engineering has no Teams channel: not posted, not a crash

    reminders = [(a, p["approver"]["employee_id"]) for _, a, p in slack.of_kind("approval_reminder")]
    # Vikram is reminded on the first three working days; then the request escalates to HR (he has
    # no manager), and HR (Meera, E1) is reminded every working day after.
    assert [who for _, who in reminders[:3]] == ["E2", "E2", "E2"]
    assert {who for _, who in reminders[3:]} == {"E1"}
    with uow_factory() as uow:
        request = uow.requests.get(request_id)
        assert request is not None and request.status is RequestStatus.PENDING and request.approver_id is None
        events = [row for row in uow.outbox.due(clock.now() + timedelta(days=365), 100)
                  if row.event.name == "leave.reassigned"]
        assert len(events) == 1  # the employee is told, once
        assert uow.jobs.taken("escalation", [f"{request.number}#1", f"{request.number}#2"]) == {
            f"{request.number}#1"}
        assert uow.jobs.last_runs()["accrual"].period == "2026-12"


def test_a_leader_killed_mid_fan_out_leaves_the_rest_to_the_next_without_repeats(
        org: LeaveService, uow_factory: Callable[[], UnitOfWork], clock: FixedClock) -> None:
    clock.at = at(2026, 11, 30, 3, 31)  # Monday 09:01 in Kolkata: the digest and who's-out are due
    dying = RecordingPoster(die_after=1)
    with contextlib.suppress(KeyboardInterrupt):  # the process dies after its first post
        runner(org, clock, {"slack": dying, "teams": dying}).tick()
    assert len(dying.posts) == 1
    survivor = RecordingPoster()
    successor = runner(org, clock, {"slack": survivor, "teams": survivor})
    successor.tick()  # the dead leader's claim is still leased: nothing is taken from under it
    waiting = len(survivor.posts)
    clock.at += timedelta(minutes=6)
    successor.tick()
    with uow_factory() as uow:
        planned = uow.jobs.posts()
    assert all(outcome == "delivered" for *_, outcome in planned)
    assert len(dying.posts) + len(survivor.posts) == len(planned) and waiting == len(planned) - 2
    assert duplicates(dying.posts + survivor.posts) == []


def test_catch_up_after_a_week_of_downtime(org: LeaveService, uow_factory: Callable[[], UnitOfWork],
                                           clock: FixedClock) -> None:
    clock.at = at(2026, 11, 25, 12)
    add_pending(uow_factory, "E3", "E2", date(2026, 12, 21), clock.at)
    slack = RecordingPoster()
    posters = {"slack": slack}
    runner(org, clock, posters).tick()
    clock.at = at(2026, 12, 3, 6)  # back eight days later: Thursday, 11:30 in Kolkata
    runner(org, clock, posters).tick()
    # This week's digest on the first tick (Wednesday), and the next Monday's, late but once.
    assert [p["week_of"] for *_, p in slack.of_kind("hr_digest")] == ["2026-11-23", "2026-11-30"]
    assert [p["day"] for *_, p in slack.of_kind("whos_out")][-1] == "2026-12-03"
    assert "2026-12-01" not in [p["day"] for *_, p in slack.of_kind("whos_out")]  # stale days are not posted
    with uow_factory() as uow:
        assert uow.jobs.taken("accrual", ["2026-12"]) == {"2026-12"}
    before = len(slack.posts)
    runner(org, clock, posters).tick()
    assert len(slack.posts) == before
