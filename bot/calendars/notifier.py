"""Calendar sync as an outbox target: the relay's retries, back-off and give-up come with it.

Each configured provider is one target (``google``, ``outlook``). The target only hands a calendar
notice's request to :meth:`core.service.LeaveService.sync_calendar` with its provider's gateway; what
the calendars should hold, and what is recorded, is the core's (:mod:`core.calendars.sync`).
"""

from __future__ import annotations

from core.ports.calendars import CalendarGateway
from core.service import LeaveService
from core.views import AnyNotice, Notice, NoticeKind


class CalendarNotifier:
    """:class:`core.ports.Notifier` for one calendar provider; it takes calendar notices only."""

    kinds = frozenset({NoticeKind.CALENDAR})

    def __init__(self, gateway: CalendarGateway, service: LeaveService, default_provider: str | None) -> None:
        self.name = gateway.name
        self._gateway = gateway
        self._service = service
        self._default = default_provider

    def deliver(self, notice: AnyNotice) -> None:
        if isinstance(notice, Notice) and notice.kind is NoticeKind.CALENDAR:
            self._service.sync_calendar(notice.request.id, self._gateway, self._default)
