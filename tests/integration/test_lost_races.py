"""Recording what went out, when that record loses a race to another worker: it is written again.

A post or notice is claimed, sent, then its outcome recorded in a short transaction of its own.
Should that transaction lose a race (a deadlock between two schedulers on MariaDB, a busy SQLite),
storage rolls it back and raises :class:`~core.ports.Conflict`; dropping the record then would
leave the item claimed but unsettled, and it would go out a second time once its lease ran out.
Here the real database loses one chosen commit, as storage does on a deadlock, and nothing repeats.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from core.delivery.relay import deliver_due
from core.ports import Conflict, UnitOfWork
from core.scheduling.posting import deliver_posts
from core.service import LeaveService
from core.views import Notice
from tests.integration.scheduler.helpers import RecordingPoster
from tests.integration.test_relay_db import DAYS, Recorder, apply, depth
from tests.unit.fakes import FixedClock


class LosesACommit:
    """A unit-of-work factory over the real one whose ``n``-th commit after :meth:`arm` is rolled
    back and raises :class:`Conflict`, exactly as storage answers a deadlock."""

    def __init__(self, factory: Callable[..., UnitOfWork]) -> None:
        self._factory = factory
        self._countdown: int | None = None
        self.lost = 0

    def arm(self, n: int) -> None:
        self._countdown = n

    def __call__(self, **options: Any) -> UnitOfWork:
        uow = self._factory(**options)
        commit = uow.commit

        def maybe_lose() -> None:
            if self._countdown is not None:
                self._countdown -= 1
                if self._countdown == 0:
                    self._countdown = None
                    self.lost += 1
                    uow.rollback()
                    raise Conflict("commit lost a race: Deadlock found when trying to get lock")
            commit()

        uow.commit = maybe_lose  # type: ignore[method-assign]
        return uow


class ArmingPoster(RecordingPoster):
    """A platform that, while it is being called, arms the next commit to lose its race."""

    def __init__(self, racing: LosesACommit, n: int = 1) -> None:
        super().__init__()
        self._racing, self._n = racing, n

    def post(self, kind: str, address: str, payload: dict[str, Any]) -> None:
        self._racing.arm(self._n)
        super().post(kind, address, payload)


class ArmingRecorder(Recorder):
    def __init__(self, racing: LosesACommit, n: int) -> None:
        super().__init__()
        self._racing, self._n = racing, n

    def deliver(self, notice: Notice) -> None:
        self._racing.arm(self._n)
        super().deliver(notice)


def test_a_planned_post_whose_outcome_lost_a_race_is_not_sent_again(
        uow_factory: Callable[[], UnitOfWork], clock: FixedClock) -> None:
    with uow_factory() as uow:
        uow.jobs.add_post("reminders", "2026-11-25@Asia/Kolkata", "slack:person:E2",
                          {"kind": "approval_reminder", "requests": []}, clock.now())
        uow.commit()
    racing = LosesACommit(uow_factory)
    slack = ArmingPoster(racing)

    report = deliver_posts(racing, clock, {"slack": slack}, sleep=lambda seconds: None)

    assert racing.lost == 1 and (report.delivered, report.errors) == (1, [])
    with uow_factory() as uow:
        assert [outcome for *_, outcome in uow.jobs.posts()] == ["delivered"]
    clock.at += timedelta(hours=1)  # long after the claim's lease
    assert deliver_posts(uow_factory, clock, {"slack": slack}, sleep=lambda seconds: None).delivered == 0
    assert [address for _, address, _ in slack.posts] == ["E2"]


@pytest.mark.parametrize("lost", [1, 2], ids=["target-record", "event-record"])
def test_a_notice_whose_record_lost_a_race_is_not_sent_again(
        service: LeaveService, uow_factory: Callable[[], UnitOfWork], clock: FixedClock, lost: int) -> None:
    apply(service, "ananya@x.test", DAYS[0])
    racing = LosesACommit(uow_factory)
    slack = ArmingRecorder(racing, lost)  # 1: the (door, notice) record; 2: the event's end

    report = deliver_due(racing, clock, [slack])

    assert racing.lost == 1 and (report.delivered, report.errors) == (1, [])
    assert depth(uow_factory) == (0, None)
    clock.at += timedelta(hours=1)
    assert deliver_due(uow_factory, clock, [slack]).delivered == 0
    assert [n.key for n in slack.sent] == ["approval_needed:E2"]
