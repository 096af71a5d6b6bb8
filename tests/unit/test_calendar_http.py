"""Which provider answers are worth another try, and which are final."""

from __future__ import annotations

import json

import pytest
import requests

from core.ports import DeliveryFailed, RetryLater
from storage.calendars.http import check, retry_after


def _response(status: int, body: object = None, headers: dict[str, str] | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body or {}).encode()
    response.headers.update(headers or {})
    return response


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_throttling_and_outages_are_retried(status: int) -> None:
    with pytest.raises(RetryLater):
        check(_response(status), "insert")


def test_retry_after_is_honoured_in_seconds_or_as_a_date() -> None:
    with pytest.raises(RetryLater) as raised:
        check(_response(429, headers={"Retry-After": "120"}), "insert")
    assert raised.value.after == 120
    assert retry_after(_response(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})) == 0
    assert retry_after(_response(429)) is None


def test_google_rate_limits_sent_as_403_are_retried_other_403s_are_final() -> None:
    limited = {"error": {"code": 403, "errors": [{"reason": "rateLimitExceeded"}], "message": "Rate Limit"}}
    with pytest.raises(RetryLater):
        check(_response(403, limited), "insert")
    with pytest.raises(DeliveryFailed, match="HTTP 403 Not allowed"):
        check(_response(403, {"error": {"code": 403, "message": "Not allowed"}}), "insert")
    for status in (400, 401, 404):
        with pytest.raises(DeliveryFailed):
            check(_response(status), "insert")


def test_success_passes() -> None:
    check(_response(200), "insert")
    check(_response(204), "delete")
