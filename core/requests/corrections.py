"""HR's corrections of a balance: ``/leave adjust`` in chat and ``leavebot adjust`` at the command line.

An adjustment is one ``ADJUSTMENT`` ledger entry in the person's current leave year, written with
its audit row and an outbox event (the person is told) in one transaction. Each has a source of its
own, so two identical corrections are two entries; a chat request that a platform sends again
(the same idempotency key) finds its entry and writes nothing more.
"""

from __future__ import annotations

import hashlib
import uuid

from core.balances.entitlement import year_of_day
from core.balances.standing import standing_rows
from core.commands import AdjustBalance
from core.domain.amount import NO_DAYS, Amount
from core.domain.changes import parse_change
from core.domain.fields import REASON, clean
from core.domain.model import AuditEntry, Employee, EntryKind, Event, LedgerEntry, RequestStatus, Source, SourceKind
from core.errors import BadCommand, InsufficientBalance, NotAllowed
from core.language.names import person_named
from core.policy.rules import LeaveType
from core.ports import Clock, UnitOfWork
from core.shared.audit import NOT_HR
from core.shared.context import CommandContext, ensure_entitlement, local_today, person, policy_in_force, policy_on
from core.views import AdjustedView, BalanceNotice, NoticeKind, Person

#: The outbox event of an adjustment; its payload holds what the person is told.
ADJUSTED = "balance.adjusted"
#: Who the audit log names for an adjustment made at the command line.
OPERATOR = "system"


def adjust(ctx: CommandContext, command: AdjustBalance) -> AdjustedView:
    """``/leave adjust PERSON TYPE +N|-N REASON``: HR admins only; anyone else is refused (and the
    refusal recorded as ``not_hr``) before the person named is looked for."""
    if not ctx.actor.is_hr:
        raise NotAllowed("Balance adjustments are made by HR admins; if a balance looks wrong, ask HR to "
                         "correct it.", NOT_HR)
    subject = person_named(ctx.uow, ctx.actor, command.person)
    key = f"{ctx.actor.employee_id}:{ctx.idempotency_key}" if ctx.idempotency_key else None
    return record_adjustment(ctx.uow, ctx.clock, ctx.actor, subject, command.leave_type, command.amount,
                             command.reason, ctx.source, key)


def adjust_by_operator(uow: UnitOfWork, clock: Clock, email: str, leave_type: str, change: str, reason: str,
                       source: str) -> AdjustedView:
    """``leavebot adjust EMAIL TYPE +N|-N REASON``: the operator's correction, read as chat reads it.

    Raises:
        LeaveError: bad input (the CLI's exit code 2); nothing was written.
    """
    subject = uow.employees.by_email(email.strip())
    if subject is None:
        raise BadCommand(f"No employee with e-mail {email.strip()}; check the address (leavebot requests lists "
                         "who has leave).")
    return record_adjustment(uow, clock, None, subject, leave_type, parse_change(change), reason, source, None)


def record_adjustment(uow: UnitOfWork, clock: Clock, by: Employee | None, subject: Employee, type_word: str,
                      change: Amount, reason: str, source: str, key: str | None) -> AdjustedView:
    """Write one adjustment of ``subject``'s ``type_word`` balance in their current leave year, and commit.

    ``key`` identifies a request that may come again (the asker's idempotency key); without one,
    every call is a new adjustment.

    Raises:
        BadCommand: no reason, or a type without a balance (loss of pay).
        UnknownLeaveType: the type is not one of the person's.
        InsufficientBalance: a debit would take the balance below what the type allows.
    """
    reason = clean(reason, REASON)
    if not reason:
        raise BadCommand("Say why the balance changes: the reason is kept in the audit log and shown to "
                         f"{subject.first_name or subject.name}.")
    now = clock.now()
    today = local_today(clock, subject.time_zone)
    employee = uow.employees.lock(subject.employee_id) or subject
    year = year_of_day(policy_on(uow), employee.region, today)
    leave_type = policy_in_force(uow, today).find_type(employee.region, type_word)
    if not leave_type.paid or not leave_type.counting.yearly:
        raise BadCommand(f"{leave_type.name} has no balance to adjust: its days are counted, not held. "
                         "Adjust a type with a yearly balance instead.")
    ensure_entitlement(uow, employee, year, today, now)
    entries = uow.ledger.entries(employee.employee_id, year)
    source_of = _source(key)
    pending = uow.requests.search(employee_ids=[employee.employee_id], statuses=[RequestStatus.PENDING])
    available = standing_rows(policy_on(uow), employee, [leave_type], entries, pending, year, today)[0].available
    done = next((e for e in entries if e.source == source_of and e.kind is EntryKind.ADJUSTMENT), None)
    if done is not None:
        return _view(employee, by, leave_type, year, done.amount, done.note, available - done.amount, available,
                     duplicate=True)
    after = available + change
    _check_debit(employee, leave_type, year, change, available, after)
    uow.ledger.add(LedgerEntry(employee_id=employee.employee_id, type_key=leave_type.key, year=year,
                               kind=EntryKind.ADJUSTMENT, amount=change, created_at=now, source=source_of,
                               note=reason))
    actor = by.email if by is not None else OPERATOR
    uow.audit.add(AuditEntry(at=now, actor=actor, action="adjust", source=source,
                             detail=f"{employee.email} {leave_type.key} {_signed(change)} in {year}: {reason}"))
    view = _view(employee, by, leave_type, year, change, reason, available, after)
    uow.outbox.add(Event(ADJUSTED, _payload(view, employee, leave_type, actor, source_of)), at=now)
    uow.commit()
    return view


def adjustment_notices(event: Event, recipient: Person | None) -> list[BalanceNotice]:
    """The person's notice of an adjustment, from what its event recorded; none for someone who is gone."""
    if recipient is None:
        return []
    payload = event.payload
    by = payload.get("by")
    view = AdjustedView(
        person=recipient,
        by=Person(str(by["employee_id"]), str(by["name"]), str(by["email"])) if isinstance(by, dict) else None,
        type_name=str(payload["type_name"]), year=int(str(payload["year"])),
        change=Amount.days(str(payload["change"])), reason=str(payload["reason"]),
        before=Amount.days(str(payload["before"])), after=Amount.days(str(payload["after"])),
    )
    return [BalanceNotice(key=f"{NoticeKind.ADJUSTED.value}:{payload['source_id']}:{recipient.employee_id}",
                          kind=NoticeKind.ADJUSTED, recipient=recipient, adjustment=view)]


def _check_debit(employee: Employee, leave_type: LeaveType, year: int, change: Amount, available: Amount,
                 after: Amount) -> None:
    """A debit may take the balance down to the type's negative limit, no further."""
    limit = Amount.days(leave_type.negative_limit)
    if change >= NO_DAYS or after >= -limit:
        return
    floor = f"may go at most {limit.text()} below zero" if limit else "may not go below zero"
    most = available + limit
    instead = (f"Debit at most {most.text()}" if most > NO_DAYS else "There is nothing left to debit")
    raise InsufficientBalance(
        f"{employee.name} has {available.text(leave_type.name.lower())} available in {year} (pending requests "
        f"held back), and {leave_type.name.lower()} {floor}; {_signed(change)} would leave {after.figure}. "
        f"{instead}, or credit first if the leave was really owed.")


def _source(key: str | None) -> Source:
    """A source of its own for each adjustment; the same one for a request that comes again."""
    if key is None:
        return Source(SourceKind.ADJUSTMENT, uuid.uuid4().hex)
    return Source(SourceKind.ADJUSTMENT, "key-" + hashlib.sha256(key.encode()).hexdigest()[:40])


def _signed(change: Amount) -> str:
    """``+1.5``, ``-2``: a change as HR typed it."""
    return change.figure if change < NO_DAYS else f"+{change.figure}"


def _view(employee: Employee, by: Employee | None, leave_type: LeaveType, year: int, change: Amount, reason: str,
          before: Amount, after: Amount, *, duplicate: bool = False) -> AdjustedView:
    return AdjustedView(person=person(employee), by=person(by) if by is not None else None, type_name=leave_type.name,
                        year=year, change=change, reason=reason, before=before, after=after, duplicate=duplicate)


def _payload(view: AdjustedView, employee: Employee, leave_type: LeaveType, actor: str,
             source_of: Source) -> dict[str, object]:
    """What the person's notice needs, kept with the event: the balance as it was at the change."""
    by = view.by
    return {
        "employee_id": employee.employee_id, "type_key": leave_type.key, "type_name": view.type_name,
        "year": view.year, "change": view.change.figure, "reason": view.reason, "before": view.before.figure,
        "after": view.after.figure, "actor": actor, "source_id": source_of.id,
        "by": {"employee_id": by.employee_id, "name": by.name, "email": by.email} if by is not None else None,
    }
