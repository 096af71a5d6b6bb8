"""The per-person rate limit: a token bucket on the injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.shared.limits import MAX_TRACKED, REPORT_WINDOW, RateLimit, RateLimiter, SlowDown
from tests.unit.fakes import FixedClock

START = datetime(2026, 11, 25, 4, 30, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


def allowed(limiter: RateLimiter, actor: str, times: int) -> list[bool]:
    return [limiter.check(actor).allowed for _ in range(times)]


def test_a_burst_passes_then_the_next_action_waits_for_a_token(clock: FixedClock) -> None:
    limiter = RateLimiter(RateLimit(per_minute=20, burst=3), clock)
    assert allowed(limiter, "ananya@x.test", 3) == [True, True, True]
    held = limiter.check("ananya@x.test")
    assert not held.allowed and held.retry_after == 3  # a token every 3 s at 20 a minute


def test_tokens_come_back_with_time_up_to_the_burst(clock: FixedClock) -> None:
    limiter = RateLimiter(RateLimit(per_minute=60, burst=2), clock)
    assert allowed(limiter, "a@x.test", 3) == [True, True, False]
    clock.at += timedelta(seconds=1)
    assert allowed(limiter, "a@x.test", 2) == [True, False]
    clock.at += timedelta(hours=1)  # a long pause saves up no more than the burst
    assert allowed(limiter, "a@x.test", 3) == [True, True, False]


def test_each_person_has_their_own_bucket_whatever_the_case_of_their_address(clock: FixedClock) -> None:
    limiter = RateLimiter(RateLimit(per_minute=1, burst=1), clock)
    assert allowed(limiter, "Ananya@X.test", 2) == [True, False]
    assert limiter.check("ananya@x.test").allowed is False
    assert limiter.check("rahul@x.test").allowed is True


def test_a_flood_is_reported_once_per_window(clock: FixedClock) -> None:
    limiter = RateLimiter(RateLimit(per_minute=1, burst=1), clock)
    limiter.check("a@x.test")
    reports = [limiter.check("a@x.test").report for _ in range(5)]
    assert reports == [True, False, False, False, False]
    assert limiter.check("b@x.test").report is False  # b is not limited at all
    clock.at += REPORT_WINDOW - timedelta(seconds=1)
    assert limiter.check("a@x.test").report is False
    clock.at += timedelta(seconds=1)
    assert limiter.check("a@x.test").allowed  # the token that came back in the meantime
    verdict = limiter.check("a@x.test")
    assert not verdict.allowed and verdict.report  # a new window: written down once more


def test_a_clock_that_steps_back_takes_no_tokens_and_gives_none(clock: FixedClock) -> None:
    limiter = RateLimiter(RateLimit(per_minute=60, burst=1), clock)
    assert limiter.check("a@x.test").allowed
    clock.at -= timedelta(minutes=5)
    assert limiter.check("a@x.test").allowed is False
    clock.at += timedelta(minutes=5, seconds=1)
    assert limiter.check("a@x.test").allowed


def test_people_whose_bucket_is_full_again_are_forgotten_when_many_are_tracked(clock: FixedClock) -> None:
    limiter = RateLimiter(RateLimit(per_minute=60, burst=1), clock)
    for number in range(MAX_TRACKED):
        limiter.check(f"p{number}@x.test")
    clock.at += timedelta(seconds=1)
    limiter.check("new@x.test")
    assert limiter.check("p0@x.test").allowed  # forgotten, so a fresh full bucket
    assert limiter.check("p0@x.test").allowed is False


def test_the_refusal_says_when_to_try_again() -> None:
    assert SlowDown(1).message == "You're going a bit fast \u2014 try again in 1 second."
    assert SlowDown(12).message.endswith("try again in 12 seconds.")


@pytest.mark.parametrize("limit", [{"per_minute": 0}, {"burst": 0}])
def test_a_limit_needs_a_rate_and_a_burst(limit: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        RateLimit(**limit)  # type: ignore[arg-type]
