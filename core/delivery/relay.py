"""Delivering the outbox: each event's notices to each door, once, with back-off on failure.

Runs right after a change commits (so people hear at once) and again on a schedule (so nothing
is lost when a platform is down). A worker first *claims* an event for a lease (a committed
conditional update), so two workers or two replicas never send it together, and no database lock
is held while a platform is called. Each (door, notice) is recorded in its own short transaction
once it has gone out, so a retry after a partial failure, or after a worker died, repeats nothing
that was recorded (a record that lost a race to another worker is written again, not dropped); a
round that takes over from a worker that died tells the doors (``sent_since``
on each notice), so that a door able to see what it already sent does not repeat the one notice
that went out unrecorded. An event that keeps failing is given up after :data:`MAX_ATTEMPTS` rounds
(about a day), recorded as failed and audited, rather than retried for ever.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta

from core.delivery.notices import notices_for
from core.domain.model import AuditEntry
from core.observation import DELIVERY, Observation, Watcher, unwatched
from core.ports import (
    Clock,
    Conflict,
    DeliveryFailed,
    Notifier,
    OutboxItem,
    RetryLater,
    UnitOfWork,
    UnitOfWorkFactory,
    Unreachable,
)
from core.shared.transactions import in_unit_of_work
from core.views import AnyNotice, Notice, NoticeKind

FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 30
#: What a notifier gets unless it says otherwise with a ``kinds`` attribute: every notice for
#: people; calendar notices go only to the calendar targets, which ask for them.
PEOPLE_KINDS = frozenset(NoticeKind) - {NoticeKind.CALENDAR}


@dataclass
class DeliveryReport:
    delivered: int = 0
    retrying: int = 0
    given_up: int = 0
    errors: list[str] = field(default_factory=list)


def backoff(attempts: int, asked: float | None = None) -> timedelta:
    """30 s, 1 min, 2 min... at most an hour; a platform's own ``Retry-After`` wins when longer."""
    wait = min(FIRST_RETRY * 2 ** min(attempts, 12), LONGEST_WAIT)
    return max(wait, timedelta(seconds=asked)) if asked else wait


def deliver_due(uow_factory: UnitOfWorkFactory, clock: Clock, notifiers: Sequence[Notifier],
                limit: int = 100, watch: Watcher = unwatched) -> DeliveryReport:
    """Deliver every event whose time has come; returns what happened, never raises for a door.

    Each event's delivery runs inside ``watch``, which learns the request id that wrote the event
    (so the door's log lines about it carry that id), how it ended, and what went wrong.
    """
    report = DeliveryReport()
    if not notifiers:
        return report
    with uow_factory() as uow:
        due = [item.id for item in uow.outbox.due(clock.now(), limit)]
    for event_id in due:
        try:
            _deliver_one(uow_factory, clock, notifiers, event_id, report, watch)
        except Conflict:
            continue  # the database was busy; the lease runs out and a later round takes it
    return report


def _deliver_one(uow_factory: UnitOfWorkFactory, clock: Clock, notifiers: Sequence[Notifier], event_id: int,
                 report: DeliveryReport, watch: Watcher) -> None:
    now = clock.now()

    def claim(uow: UnitOfWork) -> OutboxItem | None:
        claimed = uow.outbox.claim(event_id, now, now + LEASE)
        uow.commit()
        return claimed

    item = in_unit_of_work(uow_factory, claim)
    if item is None:
        return  # another worker has it
    errors_before = len(report.errors)
    with watch(Observation(DELIVERY, item.event.name, correlation=item.correlation)) as seen:
        seen.outcome = _deliver_claimed(uow_factory, clock, notifiers, item, report)
        seen.problems = report.errors[errors_before:]


def _deliver_claimed(uow_factory: UnitOfWorkFactory, clock: Clock, notifiers: Sequence[Notifier],
                     item: OutboxItem, report: DeliveryReport) -> str:
    """Send what the claimed event has not sent yet; returns how the event ended (see :func:`_finish`)."""
    event_id = item.id
    with uow_factory() as uow:
        done = uow.outbox.done_targets(event_id)
        try:
            notices = notices_for(uow, clock, item.event)
        except Exception as error:  # a bad event must not hold up the others
            notices, failures = [], [f"{item.event.name}: {type(error).__name__}: {error}"]
        else:
            failures = []
    retry_after: float | None = None
    available = media_of(notifiers)
    for notice in notices:
        for notifier in notifiers:
            target = f"{notifier.name}:{notice.key}"
            if target in done or not _wanted(notifier, notice, available):
                continue
            outcome, detail = "delivered", ""
            try:
                notifier.deliver(replace(notice, delivery_id=f"{event_id}/{target}",
                                         sent_since=item.created_at if item.resumed else None))
            except Unreachable as error:
                outcome, detail = "unreachable", str(error)
            except DeliveryFailed as error:
                outcome, detail = "failed", str(error)
                report.errors.append(f"{target}: {error}")
            except RetryLater as error:
                failures.append(f"{target}: {error}")
                retry_after = max(retry_after or 0, error.after or 0) or None
                continue
            except Exception as error:  # a door's bug or outage must not stop the other deliveries
                failures.append(f"{target}: {type(error).__name__}: {error}")
                continue
            _settle(uow_factory, clock, event_id, target, outcome, detail, notice)
    return _finish(uow_factory, clock, item, failures, retry_after, report)


def media_of(notifiers: Sequence[Notifier]) -> frozenset[str]:
    """The media (``chat``, ``email``) the notifiers here can reach people by."""
    return frozenset(medium for notifier in notifiers if (medium := getattr(notifier, "medium", None)))


def _wanted(notifier: Notifier, notice: AnyNotice, available: frozenset[str]) -> bool:
    """Whether ``notifier`` should send ``notice``: one of its kinds, and, for a notifier that
    reaches people by a ``medium``, one the recipient wants (:class:`core.domain.reach.Reach`)."""
    if notice.kind not in getattr(notifier, "kinds", PEOPLE_KINDS):
        return False
    medium = getattr(notifier, "medium", None)
    return medium is None or medium in notice.recipient.reach.media(available)


def _settle(uow_factory: UnitOfWorkFactory, clock: Clock, event_id: int, target: str, outcome: str, detail: str,
            notice: AnyNotice) -> None:
    """Record one target's outcome at once, so a crash later cannot make it go out twice; a record
    that lost a race is written again, for the same reason."""

    def settle(uow: UnitOfWork) -> None:
        uow.outbox.settle_target(event_id, target, outcome, clock.now(), detail)
        if outcome != "delivered":
            uow.audit.add(AuditEntry(at=clock.now(), actor="system", action=f"notice.{outcome}", outcome="refused",
                                     request_id=notice.request.id if isinstance(notice, Notice) else None,
                                     source=target.split(":", 1)[0],
                                     detail=f"{notice.recipient.email}: {detail}"))
        uow.commit()

    in_unit_of_work(uow_factory, settle)


def _finish(uow_factory: UnitOfWorkFactory, clock: Clock, item: OutboxItem, failures: list[str],
            retry_after: float | None, report: DeliveryReport) -> str:
    """Record the round's end: ``delivered``, ``given_up`` or ``retrying`` (run again when it lost a race)."""
    now = clock.now()
    if not failures:
        ended = "delivered"
    elif item.attempts + 1 >= MAX_ATTEMPTS:
        ended = "given_up"
    else:
        ended = "retrying"

    def record(uow: UnitOfWork) -> None:
        if ended == "retrying":
            uow.outbox.mark_failed(item.id, "; ".join(failures)[:2000], now + backoff(item.attempts, retry_after))
        else:
            uow.outbox.mark_delivered(item.id, now)
        if ended == "given_up":
            uow.audit.add(AuditEntry(at=now, actor="system", action="notice.given_up", outcome="refused",
                                     request_id=_request_id(item), source="outbox",
                                     detail="; ".join(failures)[:2000]))
        uow.commit()

    in_unit_of_work(uow_factory, record)
    if ended == "delivered":
        report.delivered += 1
    elif ended == "given_up":
        report.given_up += 1
    else:
        report.retrying += 1
    report.errors.extend(failures)
    return ended


def _request_id(item: OutboxItem) -> int | None:
    value = item.event.payload.get("request_id")
    return int(str(value)) if value is not None else None
