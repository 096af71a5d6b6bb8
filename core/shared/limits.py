"""Per-person rate limiting: a brake on floods of commands and clicks, whichever door they come from.

Each person (keyed by the e-mail the door identified them by) has a token bucket: every action
takes a token, tokens come back at :attr:`~core.ports.limits.RateLimit.per_minute` a minute, and
at most :attr:`~core.ports.limits.RateLimit.burst` are saved up, so a few quick clicks pass and a
script hammering the bot does not. Time comes from the injected clock, so the rule is tested by
moving the clock.

A refused flood is written to the audit log once per person per :data:`REPORT_WINDOW`, not once
per message, so that the brake cannot itself fill the database.

The buckets live in this process's memory: with several replicas each one counts on its own, so
a person may get up to (replicas x the limit) through. That is fine for a flood brake, which is
what this is; it is not a quota.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.errors import LeaveError
from core.ports import Clock
from core.ports.limits import RateLimit

#: A refused person is written to the audit log at most once in this window.
REPORT_WINDOW = timedelta(minutes=1)
#: Past this many tracked people, buckets that have filled up again are forgotten.
MAX_TRACKED = 10_000


class SlowDown(LeaveError):
    """Too many actions too quickly; nothing was done."""

    def __init__(self, retry_after: int) -> None:
        unit = "second" if retry_after == 1 else "seconds"
        super().__init__(f"You're going a bit fast \u2014 try again in {retry_after} {unit}.")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Verdict:
    """Whether an action may go ahead.

    Attributes:
        allowed: the action may run.
        retry_after: whole seconds until the next action would be allowed (0 when allowed).
        report: the first refusal of this person in the current :data:`REPORT_WINDOW`; the
            caller writes it to the audit log.
    """

    allowed: bool
    retry_after: int = 0
    report: bool = False


@dataclass
class _Bucket:
    tokens: float
    at: datetime


class RateLimiter:
    """Token buckets keyed by person; safe to call from the doors' worker threads."""

    def __init__(self, limit: RateLimit, clock: Clock) -> None:
        self.limit = limit
        self._clock = clock
        self._per_second = limit.per_minute / 60
        self._buckets: dict[str, _Bucket] = {}
        self._reported: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def check(self, actor: str) -> Verdict:
        """Take one token from ``actor``'s bucket if there is one."""
        key = actor.strip().casefold()
        now = self._clock.now()
        with self._lock:
            bucket = self._refilled(key, now)
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return Verdict(allowed=True)
            wait = max(1, math.ceil((1 - bucket.tokens) / self._per_second))
            last = self._reported.get(key)
            report = last is None or now - last >= REPORT_WINDOW or now < last
            if report:
                self._reported[key] = now
            return Verdict(allowed=False, retry_after=wait, report=report)

    def _refilled(self, key: str, now: datetime) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= MAX_TRACKED:
                self._forget_idle(now)
            bucket = self._buckets[key] = _Bucket(float(self.limit.burst), now)
            return bucket
        elapsed = max((now - bucket.at).total_seconds(), 0.0)
        bucket.tokens = min(float(self.limit.burst), bucket.tokens + elapsed * self._per_second)
        bucket.at = max(now, bucket.at)
        return bucket

    def _forget_idle(self, now: datetime) -> None:
        """Drop the people whose bucket is full again: forgetting them changes nothing for them."""
        full_after = timedelta(seconds=self.limit.burst / self._per_second)
        for key in [k for k, b in self._buckets.items() if now - b.at >= full_after]:
            del self._buckets[key]
            self._reported.pop(key, None)
