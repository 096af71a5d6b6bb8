"""The digests' channels: where the weekly HR digest and each department's who's-out are posted.

A policy's ``channels`` set them when it loads (:func:`core.directory.admin.load_policy`); the
deployer may point one elsewhere afterwards (``leavebot channels set``) and list them all. They are
the only chat addresses the core keeps (:class:`core.ports.DigestChannels`).
"""

from __future__ import annotations

from core.ports import Clock, UnitOfWork
from core.ports.jobs import CHANNEL_PLATFORMS as PLATFORMS
from core.scheduling.scheduled import HR_CHANNEL, dept_key

DEPARTMENT_KEYS = dept_key("")


def set_channel(uow: UnitOfWork, clock: Clock, platform: str, department: str | None, address: str) -> str:
    """Point the HR digest (``department`` None) or a department's who's-out at a channel; its key."""
    if platform not in PLATFORMS:
        raise ValueError(f"unknown platform {platform}")
    key = HR_CHANNEL if department is None else dept_key(department)
    uow.channels.save(platform, key, address, clock.now())
    uow.commit()
    return key


def channel_list(uow: UnitOfWork) -> list[tuple[str, str, str]]:
    """``(what, platform, address)`` of every configured channel: ``HR`` or the department's name."""
    rows = []
    for platform in PLATFORMS:
        for key, address in uow.channels.all(platform).items():
            what = "HR" if key == HR_CHANNEL else key.removeprefix(DEPARTMENT_KEYS)
            rows.append((what, platform, address))
    return sorted(rows)
