"""The record of calendar events and permanent failures (:class:`core.ports.calendars.CalendarLinks`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from core.ports.calendars import CalendarFailure, CalendarLink
from storage.tables import calendar_events, calendar_failures


class SqlCalendarLinks:
    """Inside the caller's transaction, like every repository."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def of(self, request_id: int, provider: str) -> list[CalendarLink]:
        rows = self._conn.execute(
            select(calendar_events).where(calendar_events.c.request_id == request_id,
                                          calendar_events.c.provider == provider)
            .order_by(calendar_events.c.segment)
        ).all()
        return [CalendarLink(r.request_id, r.provider, r.segment, r.external_id, r.calendar, r.updated_at)
                for r in rows]

    def save(self, link: CalendarLink) -> None:
        key = {"request_id": link.request_id, "provider": link.provider, "segment": link.segment}
        self._upsert(calendar_events, key, {"external_id": link.external_id, "calendar": link.calendar,
                                            "updated_at": link.updated_at})

    def remove(self, request_id: int, provider: str, segment: int) -> None:
        self._conn.execute(delete(calendar_events).where(
            calendar_events.c.request_id == request_id, calendar_events.c.provider == provider,
            calendar_events.c.segment == segment))

    def fail(self, failure: CalendarFailure) -> None:
        key = {"request_id": failure.request_id, "provider": failure.provider}
        self._upsert(calendar_failures, key, {"calendar": failure.calendar, "detail": failure.detail[:4000],
                                              "at": failure.at})

    def clear_failure(self, request_id: int, provider: str) -> None:
        self._conn.execute(delete(calendar_failures).where(
            calendar_failures.c.request_id == request_id, calendar_failures.c.provider == provider))

    def failures(self) -> list[CalendarFailure]:
        rows = self._conn.execute(select(calendar_failures).order_by(calendar_failures.c.at.desc())).all()
        return [CalendarFailure(r.request_id, r.provider, r.calendar, r.detail, r.at) for r in rows]

    def counts(self) -> dict[str, int]:
        rows = self._conn.execute(
            select(calendar_events.c.provider, func.count()).group_by(calendar_events.c.provider)).all()
        return {str(provider): int(count) for provider, count in rows}

    def _upsert(self, table: Table, key: dict[str, Any], values: dict[str, Any]) -> None:
        """Update first, insert when nothing matched; a racing insert becomes an update."""
        where = [table.c[name] == value for name, value in key.items()]
        if self._conn.execute(update(table).where(*where).values(**values)).rowcount > 0:
            return
        try:
            with self._conn.begin_nested():
                self._conn.execute(insert(table).values(**key, **values))
        except IntegrityError:
            self._conn.execute(update(table).where(*where).values(**values))
