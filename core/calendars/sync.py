"""Calendar sync: bringing a request's events in a provider's calendars in line with the request.

Each configured provider is one outbox target (``google``, ``outlook``), so the relay's retries,
back-off and give-up come with it. A calendar notice names a request; the sync makes the
employee's calendar hold the events the request calls for *now* (approved: one per unbroken run
of days; anything else: none). Working from the current state rather than from the event makes
late, repeated or out-of-order deliveries converge, and lets ``leavebot calendar resync`` run the
very same code over current and upcoming leave.

The provider is called outside any transaction, so that a slow one holds no row: reading what to
do is one unit of work, and each event is recorded in one of its own as soon as the provider has
it, so that a failure on the next one cannot make this one go twice. A permanent refusal is kept
for HR (``leavebot calendar status``) until a later sync of the same request succeeds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from core.calendars.entries import desired_entries
from core.domain.model import LeaveRequest, RequestStatus, format_request_number
from core.errors import LeaveError
from core.policy.calendar import PROVIDERS, provider_for
from core.ports import Clock, DeliveryFailed, RetryLater, UnitOfWork, UnitOfWorkFactory
from core.ports.calendars import CalendarEntry, CalendarFailure, CalendarGateway, CalendarLink, CalendarLinks
from core.shared.context import Presenter, latest_policy, local_today
from core.shared.transactions import in_unit_of_work
from core.views import CalendarFailureLine, CalendarStatusView, ResyncView

log = logging.getLogger(__name__)

#: How far back a resync looks: leave that ended long ago needs no repair.
RESYNC_PAST = timedelta(days=31)
RESYNC_AHEAD = timedelta(days=3 * 366)


@dataclass
class SyncResult:
    """What syncs did, added up over the requests of a resync."""

    written: int = 0
    removed: int = 0
    failed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Plan:
    """What one sync has to do: the events the request calls for, and the ones already put there."""

    number: str
    calendar: str  # the employee's e-mail
    desired: dict[int, CalendarEntry]
    links: dict[int, CalendarLink]


class CalendarSync:
    """The sync of one provider (``gateway``); ``default_provider`` holds the calendars of everyone
    the policy's ``calendar.providers`` does not send elsewhere (None: nobody's)."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, gateway: CalendarGateway,
                 default_provider: str | None) -> None:
        self.provider = gateway.name
        self._uow_factory = uow_factory
        self._clock = clock
        self._gateway = gateway
        self._default = default_provider

    def request(self, request_id: int, result: SyncResult | None = None) -> SyncResult:
        """Make the provider hold exactly the events the request calls for.

        Raises:
            core.ports.RetryLater: the provider is throttling, down or slow; nothing is recorded.
            core.ports.DeliveryFailed: the provider refused for good; recorded for HR first.
        """
        result = result if result is not None else SyncResult()
        plan = in_unit_of_work(self._uow_factory, lambda uow: self._plan(uow, request_id))
        if plan is None or not (plan.desired or plan.links):
            return result
        try:
            for segment, link in plan.links.items():
                if segment not in plan.desired:
                    self._gateway.delete(link.calendar, link.external_id)
                    self._forget(request_id, segment)
                    result.removed += 1
            for segment, entry in plan.desired.items():
                known = plan.links.get(segment)
                external_id = self._gateway.upsert(plan.calendar, entry, known.external_id if known else None)
                self._remember(CalendarLink(request_id, self.provider, segment, external_id, plan.calendar,
                                            self._clock.now()))
                result.written += 1
        except DeliveryFailed as error:
            self._record_failure(request_id, plan.calendar, str(error))
            result.failed.append(f"{plan.number} {plan.calendar}: {error}")
            raise
        self._commit(lambda links: links.clear_failure(request_id, self.provider))
        return result

    def _plan(self, uow: UnitOfWork, request_id: int) -> _Plan | None:
        request = uow.requests.get(request_id)
        employee = uow.employees.get(request.employee_id) if request else None
        if request is None or employee is None:
            return None
        policy = latest_policy(uow)
        links = {link.segment: link for link in uow.calendars.of(request_id, self.provider)}
        ours = provider_for(employee.email, policy.calendar, self._default) == self.provider
        type_name = Presenter(uow).request(request).type_name
        desired = desired_entries(request, employee.time_zone, type_name, policy.privacy.public_types) if ours else {}
        return _Plan(request.number, employee.email, desired, links)

    def _remember(self, link: CalendarLink) -> None:
        self._commit(lambda links: links.save(link))

    def _forget(self, request_id: int, segment: int) -> None:
        self._commit(lambda links: links.remove(request_id, self.provider, segment))

    def _record_failure(self, request_id: int, calendar: str, detail: str) -> None:
        log.warning("calendar %s: request %s for %s refused: %s", self.provider, request_id, calendar, detail)
        failure = CalendarFailure(request_id, self.provider, calendar, detail, self._clock.now())
        self._commit(lambda links: links.fail(failure))

    def _commit(self, change: Callable[[CalendarLinks], None]) -> None:
        """``change`` to the record of events, committed at once in a unit of work of its own."""

        def work(uow: UnitOfWork) -> None:
            change(uow.calendars)
            uow.commit()

        in_unit_of_work(self._uow_factory, work)


def resync(uow_factory: UnitOfWorkFactory, clock: Clock, gateways: Sequence[CalendarGateway],
           default_provider: str | None, time_zone: str, employee_email: str | None = None) -> ResyncView:
    """Run every provider's sync over current and upcoming leave (of one person, by e-mail, or of
    everyone), which repairs events deleted or changed by hand.

    A refusal is recorded and listed, and a provider to retry later is named; neither stops the rest.
    """
    requests = in_unit_of_work(uow_factory, lambda uow: _to_resync(uow, clock, time_zone, employee_email))
    syncs = [CalendarSync(uow_factory, clock, gateway, default_provider) for gateway in gateways]
    result, later = SyncResult(), []
    for request in requests:
        for sync in syncs:
            try:
                sync.request(request.id or 0, result)
            except DeliveryFailed:
                continue  # recorded, and listed by ``calendar status``
            except RetryLater as error:
                later.append(f"{request.number} {sync.provider}: try again later: {error}")
    return ResyncView(checked=len(requests), written=result.written, removed=result.removed,
                      refused=tuple(result.failed), later=tuple(later))


def _to_resync(uow: UnitOfWork, clock: Clock, time_zone: str, employee_email: str | None) -> list[LeaveRequest]:
    """Approved and cancelled requests from a month back to three years ahead (a cancel's events go too)."""
    people = uow.employees.all()
    if employee_email:
        people = [e for e in people if e.email.casefold() == employee_email.casefold()]
        if not people:
            raise LeaveError(f"No employee with e-mail {employee_email}.")
    today = local_today(clock, time_zone)
    return uow.requests.search(employee_ids=[e.employee_id for e in people],
                               statuses=[RequestStatus.APPROVED, RequestStatus.CANCELLED],
                               overlapping=(today - RESYNC_PAST, today + RESYNC_AHEAD))


def calendar_status(uow: UnitOfWork) -> CalendarStatusView:
    """Events kept per provider, and what the providers refused for good (the outbox gave those up)."""
    counts = uow.calendars.counts()
    failures = uow.calendars.failures()
    emails = {e.employee_id: e.email for e in uow.employees.all()}
    owners = {f.request_id: r.employee_id for f in failures if (r := uow.requests.get(f.request_id))}
    return CalendarStatusView(
        events={provider: counts.get(provider, 0) for provider in PROVIDERS},
        failures=tuple(CalendarFailureLine(format_request_number(f.request_id), f.provider,
                                           emails.get(owners.get(f.request_id, ""), f.calendar), f.at, f.detail)
                       for f in failures))
