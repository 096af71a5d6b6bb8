"""What ``leavebot jobs list`` reads from the service: each job's next and last run, the channels
it misses, and the outbox's backlog."""

from __future__ import annotations

from datetime import UTC, date, datetime

from core.domain.schedule import JOB_NAMES
from core.service import LeaveService
from core.views import AppliedView
from tests.unit.fakes import FixedClock


def test_each_job_has_its_earliest_next_run_its_last_run_and_its_missing_channels(
        org: LeaveService, clock: FixedClock) -> None:
    before = org.schedule_status()
    jobs = {job.name: job for job in before.jobs}
    assert tuple(jobs) == JOB_NAMES
    # Kiran works in New York: her approver's reminder of today comes after Kolkata's has passed.
    assert jobs["reminders"].next_run == datetime(2026, 11, 25, 14, 30, tzinfo=UTC)
    assert jobs["hr-digest"].next_run == datetime(2026, 11, 30, 3, 30, tzinfo=UTC)  # Monday, 09:00 in Kolkata
    assert jobs["hr-digest"].problems == () and jobs["whos-out"].problems == ("no channel for: People",)
    assert [job.last for job in before.jobs] == [None] * len(JOB_NAMES)
    assert (before.outbox_waiting, before.outbox_oldest) == (0, None)

    (run,) = org.runs_for_date("hr-digest", date(2026, 11, 25))
    assert org.run_due(run, ["slack"]).ran and not org.run_due(run, ["slack"]).ran
    assert isinstance(org.handle_text("rahul@x.test", "apply casual 7 Dec to 9 Dec", "test"), AppliedView)

    after = org.schedule_status()
    last = {job.name: job.last for job in after.jobs}["hr-digest"]
    assert last is not None and (last.period, last.outcome) == ("2026-11-23", "ok")
    assert after.outbox_waiting > 0 and after.outbox_oldest == clock.now()
