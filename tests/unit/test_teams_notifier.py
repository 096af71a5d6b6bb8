"""How the Teams door sorts a connector's answers for the outbox, and how it reads Retry-After."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from msrest.exceptions import HttpOperationError

from bot.teams.notifier import _sorted, retry_after
from core.ports import DeliveryFailed, RetryLater, Unreachable

NOW = datetime(2026, 11, 25, 4, 30, tzinfo=UTC)


def http_error(status: int, headers: dict[str, str] | None = None, code: str = "") -> HttpOperationError:
    error = HttpOperationError.__new__(HttpOperationError)
    error.response = SimpleNamespace(status_code=status, headers=headers or {})
    error.error = SimpleNamespace(error=SimpleNamespace(code=code)) if code else None
    return error


@pytest.mark.parametrize(
    ("status", "headers", "code", "kind", "after"),
    [
        (429, {"Retry-After": "7"}, "", RetryLater, 7.0),
        (429, {}, "", RetryLater, None),
        (503, {"Retry-After": "120"}, "", RetryLater, 120.0),
        (500, {}, "", RetryLater, None),
        (401, {}, "", DeliveryFailed, None),
        (403, {}, "", DeliveryFailed, None),
        (403, {}, "BotNotInConversationRoster", Unreachable, None),
        (404, {}, "ConversationNotFound", Unreachable, None),
        (400, {}, "BadSyntax", DeliveryFailed, None),
    ],
)
def test_connector_answers_become_what_the_relay_understands(status: int, headers: dict[str, str], code: str,
                                                             kind: type[Exception], after: float | None) -> None:
    sorted_error = _sorted(http_error(status, headers, code))
    assert type(sorted_error) is kind
    assert str(status) in str(sorted_error)
    if isinstance(sorted_error, RetryLater):
        assert sorted_error.after == after


@pytest.mark.parametrize(
    ("value", "expected"),
    [("30", 30.0), ("0", 0.0), ("-5", 0.0), ("Wed, 25 Nov 2026 04:31:00 GMT", 60.0), ("soon", None), (None, None)],
)
def test_retry_after_in_seconds_or_as_a_date(value: Any, expected: float | None) -> None:
    headers = {"Retry-After": value} if value is not None else {}
    assert retry_after(headers, now=lambda: NOW) == expected
