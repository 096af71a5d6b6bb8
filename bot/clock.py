"""The real clock. The core never reads the time itself; it is handed this (or a fake in tests)."""

from __future__ import annotations

from datetime import UTC, datetime


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)
