"""Sending what the job runs planned: each post once, paced by the platforms' rate limits.

Like the outbox relay, a sender *claims* a post for a lease before calling the platform, and
records its outcome at once; so two leaders, or a leader that died mid-way, never send a post
that was recorded. Recording an outcome that lost a race to the other leader is run again until
it is written: a post that went out but stayed claimed would go out again when its lease ran out.
A short ``Retry-After`` (Slack's 429) is waited out in place, so a fan-out of hundreds of
reminders runs at the rate the platform allows instead of backing off for minutes; a long one, or
an outage, puts the post back with the relay's back-off.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Mapping
from datetime import timedelta

from core.delivery.relay import MAX_ATTEMPTS, backoff
from core.domain.model import AuditEntry
from core.ports import Clock, Conflict, DeliveryFailed, RetryLater, UnitOfWork, UnitOfWorkFactory, Unreachable
from core.ports.jobs import PlannedPost, Poster
from core.shared.transactions import in_unit_of_work
from core.views import PostReport

LEASE = timedelta(minutes=5)
#: A ``Retry-After`` up to this long is slept through by the sender; longer ones are rescheduled.
WAIT_IN_PLACE_SECONDS = 60.0
WAITS_PER_POST = 20


class Pacer:
    """Learns a platform's rate from its first 429 and keeps under it from then on.

    Slack answers 429 with a whole number of seconds, so waiting out every ``Retry-After`` would
    waste most of each second; counting how many posts the last second held when the 429 came
    gives the cap, and spacing posts to it avoids the next 429s altogether.
    """

    def __init__(self, monotonic: Callable[[], float]) -> None:
        self._monotonic = monotonic
        self._sent: deque[float] = deque()
        self.cap: int | None = None

    def _recent(self) -> int:
        now = self._monotonic()
        while self._sent and now - self._sent[0] >= 1.0:
            self._sent.popleft()
        return len(self._sent)

    def wait(self) -> float:
        """Seconds to wait before the next post to stay under the learned cap (0 when free)."""
        if self.cap is None or self._recent() < self.cap:
            return 0.0
        return max(0.0, 1.0 - (self._monotonic() - self._sent[0]))

    def sent(self) -> None:
        self._sent.append(self._monotonic())

    def refused(self) -> None:
        """The last post was refused: it did not count, and what the second held is the cap."""
        if self._sent:
            self._sent.pop()
        self.cap = max(1, self._recent())


def deliver_posts(uow_factory: UnitOfWorkFactory, clock: Clock, posters: Mapping[str, Poster],
                  sleep: Callable[[float], None], limit: int = 500,
                  monotonic: Callable[[], float] = time.monotonic) -> PostReport:
    """Send every due post whose platform has a poster here; never raises for a platform's failure."""
    report = PostReport()
    pacers = {platform: Pacer(monotonic) for platform in posters}
    while True:
        with uow_factory() as uow:
            due = [p for p in uow.jobs.due_posts(clock.now(), limit) if p.target.split(":", 1)[0] in posters]
        if not due:
            return report
        for post in due:
            try:
                _send(uow_factory, clock, posters, pacers, sleep, post.id, report)
            except Conflict:
                continue
        if len(due) < limit:
            return report


def _send(uow_factory: UnitOfWorkFactory, clock: Clock, posters: Mapping[str, Poster], pacers: Mapping[str, Pacer],
          sleep: Callable[[float], None], post_id: int, report: PostReport) -> None:
    now = clock.now()

    def claim(uow: UnitOfWork) -> PlannedPost | None:
        claimed = uow.jobs.claim_post(post_id, now, now + LEASE)
        uow.commit()
        return claimed

    post = in_unit_of_work(uow_factory, claim)
    if post is None:
        return
    platform, kind, address = post.target.split(":", 2)
    pacer = pacers[platform]
    for _ in range(WAITS_PER_POST):
        pause = pacer.wait()
        if pause:
            sleep(pause)
        try:
            pacer.sent()
            posters[platform].post(kind, address, post.payload)
        except RetryLater as error:
            pacer.refused()
            if error.after is not None and error.after <= WAIT_IN_PLACE_SECONDS:
                sleep(error.after)
                report.waited += error.after
                continue
            _retry(uow_factory, clock, post, str(error), error.after, report)
            return
        except Unreachable as error:
            _settle(uow_factory, clock, post, "unreachable", str(error))
            report.unreachable += 1
            return
        except DeliveryFailed as error:
            _settle(uow_factory, clock, post, "failed", str(error))
            report.failed += 1
            report.errors.append(f"{post.target}: {error}")
            return
        except Exception as error:  # a door's bug must not stop the other posts
            _retry(uow_factory, clock, post, f"{type(error).__name__}: {error}", None, report)
            return
        _settle(uow_factory, clock, post, "delivered", "")
        report.delivered += 1
        return
    _retry(uow_factory, clock, post, "rate limited too many times in a row", None, report)


def _settle(uow_factory: UnitOfWorkFactory, clock: Clock, post: PlannedPost, outcome: str, detail: str) -> None:
    """Record how the post ended; only an unsettled post is settled, so running it again is safe."""

    def settle(uow: UnitOfWork) -> None:
        uow.jobs.settle_post(post.id, clock.now(), outcome, detail[:1000])
        if outcome != "delivered":
            uow.audit.add(AuditEntry(at=clock.now(), actor="system", action=f"post.{outcome}", outcome="refused",
                                     source="scheduler", detail=f"{post.job} {post.period} {post.target}: {detail}"))
        uow.commit()

    in_unit_of_work(uow_factory, settle)


def _retry(uow_factory: UnitOfWorkFactory, clock: Clock, post: PlannedPost, error: str, after: float | None,
           report: PostReport) -> None:
    if post.attempts + 1 >= MAX_ATTEMPTS:
        _settle(uow_factory, clock, post, "failed", f"given up: {error}")
        report.failed += 1
        report.errors.append(f"{post.target}: given up: {error}")
        return

    def put_back(uow: UnitOfWork) -> None:
        uow.jobs.retry_post(post.id, error[:1000], clock.now() + backoff(post.attempts, after))
        uow.commit()

    in_unit_of_work(uow_factory, put_back)
    report.retrying += 1
    report.errors.append(f"{post.target}: {error}")
