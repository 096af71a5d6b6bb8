"""What ``leavebot jobs list`` and ``leavebot channels`` show and change.

A channel that is not configured is reported here (and in the run's record), never a crash: a
who's-out with nowhere to go is simply not posted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from core.ports import Clock, UnitOfWorkFactory
from core.ports.jobs import JobRun
from core.scheduling.schedule import following
from core.scheduling.scheduled import DESCRIPTIONS, HR_CHANNEL, PLATFORMS, dept_key, slots


@dataclass
class JobStatus:
    name: str
    description: str
    next_run: datetime | None
    last: JobRun | None
    problems: list[str] = field(default_factory=list)


def job_statuses(uow_factory: UnitOfWorkFactory, clock: Clock, org_zone: str,
                 platforms: Sequence[str] = PLATFORMS) -> list[JobStatus]:
    """Each job with its next occurrence (the earliest over its audiences) and its last run."""
    now = clock.now()
    with uow_factory() as uow:
        found = slots(uow, org_zone)
        last = uow.jobs.last_runs()
        departments = sorted({s.key for s in found if s.job == "whos-out"})
        configured = {key for p in platforms for key in uow.chat.addresses(p, "digest:")}
    statuses = []
    for name, description in DESCRIPTIONS.items():
        times = [t for s in found if s.job == name and (t := following(s, now)) is not None]
        statuses.append(JobStatus(name, description, min(times, default=None), last.get(name)))
    by_name = {s.name: s for s in statuses}
    if HR_CHANNEL not in configured:
        by_name["hr-digest"].problems.append("no HR channel: leavebot channels set --hr --slack ID|--teams KEY")
    missing = [d for d in departments if dept_key(d) not in configured]
    if missing:
        by_name["whos-out"].problems.append(f"no channel for: {', '.join(missing)}")
    return statuses


def set_channel(uow_factory: UnitOfWorkFactory, clock: Clock, platform: str, department: str | None,
                address: str) -> str:
    """Point the HR digest (``department`` None) or a department's who's-out at a channel."""
    if platform not in PLATFORMS:
        raise ValueError(f"unknown platform {platform}")
    key = HR_CHANNEL if department is None else dept_key(department)
    with uow_factory() as uow:
        uow.chat.save_address(platform, key, address, clock.now())
        uow.commit()
    return key


def list_channels(uow_factory: UnitOfWorkFactory) -> list[tuple[str, str, str]]:
    """``(what, platform, address)`` of every configured channel."""
    rows = []
    with uow_factory() as uow:
        for platform in PLATFORMS:
            for key, address in uow.chat.addresses(platform, "digest:").items():
                what = "HR" if key == HR_CHANNEL else key.removeprefix("digest:dept:")
                rows.append((what, platform, address))
    return sorted(rows)
