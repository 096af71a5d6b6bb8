"""What ``leavebot jobs list`` shows: each job's next and last run, and what keeps it from posting.

A channel that is not configured is reported here (and in the run's record), never a crash: a
who's-out with nowhere to go is simply not posted.
"""

from __future__ import annotations

from datetime import datetime

from core.domain.schedule import JOBS, following
from core.ports import UnitOfWork
from core.ports.jobs import CHANNEL_PLATFORMS
from core.scheduling.scheduled import HR_CHANNEL, dept_key, slots
from core.views import JobStatus, ScheduleView


def schedule_view(uow: UnitOfWork, now: datetime, org_zone: str) -> ScheduleView:
    """Each job with its next occurrence (the earliest over its audiences) and its last run, and
    the outbox's backlog; a channel counts as configured when any platform has it."""
    found = slots(uow, org_zone)
    last = uow.jobs.last_runs()
    departments = sorted({s.key for s in found if s.job == "whos-out"})
    configured = {key for p in CHANNEL_PLATFORMS for key in uow.channels.all(p)}
    problems: dict[str, list[str]] = {name: [] for name in JOBS}
    if HR_CHANNEL not in configured:
        problems["hr-digest"].append("no HR channel: leavebot channels set --hr --slack ID|--teams KEY")
    missing = [d for d in departments if dept_key(d) not in configured]
    if missing:
        problems["whos-out"].append(f"no channel for: {', '.join(missing)}")
    jobs = []
    for name, description in JOBS.items():
        times = [t for s in found if s.job == name and (t := following(s, now)) is not None]
        jobs.append(JobStatus(name, description, min(times, default=None), last.get(name), tuple(problems[name])))
    waiting, oldest = uow.outbox.depth()
    return ScheduleView(tuple(jobs), waiting, oldest)
