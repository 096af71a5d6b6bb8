"""The audit log's use cases: HR's search in chat, the CLI's search, and recording refused attempts.

Every decision and every refused attempt is recorded (who, what, when, from where). Most are
written by the use case that refused (a decision by someone who is not the approver); the
service records the rest here, once each: permission refusals that no use case wrote down,
people the directory does not know, and floods held back by the rate limit.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from core.commands import SearchAudit, ShowAudit
from core.domain.dates import clip, day_bounds
from core.domain.model import AuditEntry, format_request_number
from core.errors import NotAllowed, UnknownEmployee
from core.ports import AuditQuery, UnitOfWork
from core.shared.context import CommandContext, find_person, person
from core.views import AuditLine, AuditSearchView, AuditView

#: How many entries a chat reply shows; the rest are counted and the asker narrows the search.
CHAT_LIMIT = 20
REFUSED = "refused"
#: The actions of the refusals the service records itself.
RATE_LIMITED = "rate_limited"
UNKNOWN_PERSON = "unknown_person"
#: The actions of permission refusals: deciding, cancelling, looking at or running what isn't
#: the person's. Each is recorded under one of these whatever the request or person named, so
#: the log reads the same for an existing and a made-up target.
NOT_APPROVER = "not_approver"
NOT_OWNER = "not_owner"
NOT_MANAGER = "not_manager"
NOT_HR = "not_hr"
#: What a refusal's detail keeps of what was typed, and what a chat reply shows of a detail.
DETAIL_LIMIT = 200
CHAT_DETAIL_LIMIT = 300


def search(uow: UnitOfWork, query: AuditQuery) -> list[AuditEntry]:
    """The matching entries, oldest first (``leavebot audit``).

    Raises:
        UnknownEmployee: ``query.employee`` is nobody in the directory (a typo would otherwise
            look like a clean record).
    """
    if query.employee is not None and uow.employees.by_email(query.employee) is None:
        raise UnknownEmployee(f"No employee with e-mail {query.employee}.")
    return uow.audit.search(query)


def audit_for(ctx: CommandContext, command: ShowAudit) -> AuditView:
    """``/leave audit [@person] [PERIOD]``: HR only; the newest :data:`CHAT_LIMIT` entries first.

    Raises:
        NotAllowed: the asker is not an HR admin (the service records the attempt).
        UnknownEmployee: the person named is not in the directory.
    """
    uow = ctx.uow
    if not ctx.actor.is_hr:
        raise NotAllowed("The audit log is for HR admins; ask HR if you need to know who did what.", NOT_HR)
    subject = find_person(uow, command.person) if command.person else None
    since, until = day_bounds(command.start, command.end)
    query = AuditQuery(person=subject.email if subject else None, since=since, until=until)
    total = uow.audit.count(query)
    entries = uow.audit.search(replace(query, limit=CHAT_LIMIT))
    return AuditView(
        person=person(subject) if subject else None,
        period=command.label,
        entries=tuple(_line(entry) for entry in reversed(entries)),
        total=total,
    )


def search_for(ctx: CommandContext, command: SearchAudit, limit: int) -> AuditSearchView:
    """HR's search of the audit log on the dashboard: by person (typed as in ``/leave audit``),
    action, days and request; the newest ``limit`` entries first.

    Raises:
        NotAllowed: the asker is not an HR admin (the service records the attempt).
        UnknownEmployee: the person named is not in the directory.
    """
    if not ctx.actor.is_hr:
        raise NotAllowed("The audit log is for HR admins; ask HR if you need to know who did what.", NOT_HR)
    subject = find_person(ctx.uow, command.person) if command.person else None
    since, until = day_bounds(command.start, command.end)
    query = AuditQuery(person=subject.email if subject else None, action=command.action or None,
                       request_id=command.request_id, since=since, until=until)
    entries = ctx.uow.audit.search(replace(query, limit=limit))
    return AuditSearchView(tuple(_line(entry) for entry in reversed(entries)), ctx.uow.audit.count(query), limit)


def actor_key(actor: str) -> str:
    """How an actor is written and searched: e-mails in lower case, as the directory keeps them;
    anything else (``system``, a chat user id) as it is."""
    text = actor.strip()
    return text.lower() if "@" in text else text


def refusal(at: datetime, actor: str, action: str, source: str, detail: str,
            request_id: int | None = None) -> AuditEntry:
    """The entry of one refused attempt."""
    return AuditEntry(at=at, actor=actor_key(actor), action=action, outcome=REFUSED, request_id=request_id,
                      detail=detail, source=source)


def stranger(at: datetime, identity: str, source: str, attempted: str) -> AuditEntry:
    """The entry of an attempt by someone the directory does not know (or no longer lists)."""
    return refusal(at, identity, UNKNOWN_PERSON, source, attempted[:DETAIL_LIMIT])


def _line(entry: AuditEntry) -> AuditLine:
    return AuditLine(
        at=entry.at,
        actor=entry.actor,
        action=entry.action,
        outcome=entry.outcome,
        request=format_request_number(entry.request_id) if entry.request_id is not None else None,
        source=entry.source,
        detail=clip(entry.detail, CHAT_DETAIL_LIMIT),
    )
