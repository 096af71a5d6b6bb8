"""Calendar sync as an outbox target: the relay's retries, back-off and give-up come with it.

Each configured provider is one target (``google``, ``outlook``). A calendar notice names a
request; the target brings that request's events in the employee's calendar in line with what
the request is *now* (approved: the events of its unbroken runs of days; anything else: none).
Working from the current state rather than from the event makes late, repeated or out-of-order
deliveries converge, and lets ``leavebot calendar resync`` reuse the very same code.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from core.calendars.entries import desired_entries
from core.policy.calendar import provider_for
from core.ports import Clock, DeliveryFailed, UnitOfWorkFactory
from core.ports.calendars import CalendarFailure, CalendarGateway, CalendarLink
from core.shared.context import Presenter, latest_policy
from core.views import Notice, NoticeKind

log = logging.getLogger(__name__)


@dataclass
class SyncResult:
    written: int = 0
    removed: int = 0
    failed: list[str] = field(default_factory=list)


class CalendarNotifier:
    """:class:`core.ports.Notifier` for one calendar provider; it takes calendar notices only."""

    kinds = frozenset({NoticeKind.CALENDAR})

    def __init__(self, gateway: CalendarGateway, uow_factory: UnitOfWorkFactory, clock: Clock,
                 default_provider: str | None) -> None:
        self.name = gateway.name
        self._gateway = gateway
        self._uow_factory = uow_factory
        self._clock = clock
        self._default = default_provider

    def deliver(self, notice: Notice) -> None:
        if notice.kind is NoticeKind.CALENDAR:
            self.sync(notice.request.id)

    def sync(self, request_id: int, result: SyncResult | None = None) -> SyncResult:
        """Make the provider hold exactly the events the request calls for; raises like a notifier."""
        result = result if result is not None else SyncResult()
        with self._uow_factory() as uow:
            request = uow.requests.get(request_id)
            employee = uow.employees.get(request.employee_id) if request else None
            if request is None or employee is None:
                return result
            policy = latest_policy(uow)
            links = {link.segment: link for link in uow.calendars.of(request_id, self.name)}
            ours = provider_for(employee.email, policy.calendar, self._default) == self.name
            type_name = Presenter(uow).request(request).type_name
        public = policy.privacy.public_types
        desired = desired_entries(request, employee.time_zone, type_name, public) if ours else {}
        if not desired and not links:
            return result
        try:
            for segment, link in links.items():
                if segment not in desired:
                    self._gateway.delete(link.calendar, link.external_id)
                    self._forget(request_id, segment)
                    result.removed += 1
            for segment, entry in desired.items():
                known = links.get(segment)
                external_id = self._gateway.upsert(employee.email, entry, known.external_id if known else None)
                self._remember(CalendarLink(request_id, self.name, segment, external_id, employee.email,
                                            self._clock.now()))
                result.written += 1
        except DeliveryFailed as error:
            self._record_failure(request_id, employee.email, str(error))
            result.failed.append(f"{request.number} {employee.email}: {error}")
            raise
        self._clear_failure(request_id)
        return result

    def _remember(self, link: CalendarLink) -> None:
        """Recorded at once, so that a failure on the next segment cannot make this one go twice."""
        with self._uow_factory() as uow:
            uow.calendars.save(link)
            uow.commit()

    def _forget(self, request_id: int, segment: int) -> None:
        with self._uow_factory() as uow:
            uow.calendars.remove(request_id, self.name, segment)
            uow.commit()

    def _record_failure(self, request_id: int, calendar: str, detail: str) -> None:
        log.warning("calendar %s: request %s for %s refused: %s", self.name, request_id, calendar, detail)
        with self._uow_factory() as uow:
            uow.calendars.fail(CalendarFailure(request_id, self.name, calendar, detail, self._clock.now()))
            uow.commit()

    def _clear_failure(self, request_id: int) -> None:
        with self._uow_factory() as uow:
            uow.calendars.clear_failure(request_id, self.name)
            uow.commit()
