"""How an escalation is recorded in the audit log, and read back.

The escalation job (:mod:`core.scheduling.reminders`) moves a request that waited too long one step
up and writes one audit entry saying so. The new holder's card, and every redraw of it, reads the
latest such entry back to say why the request reached them; the morning reminder reads the day's
entries so as not to repeat a request whose card has just gone out. The entry's detail is written
and read here only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from core.domain.model import AuditEntry
from core.domain.text import counted
from core.ports import AuditQuery, UnitOfWork

ESCALATED = "request.escalated"
#: Who holds a request that went up to HR, in the detail.
TO_HR = "HR"
_DETAIL = re.compile(r"^no answer in (?P<days>\d+) working days? \(\d+ since filed\): (?P<from>\S+) -> (?P<to>\S+)$")


@dataclass(frozen=True)
class Escalated:
    """One step up: ``unanswered`` (an employee id) had the request ``working_days`` working days
    and did not decide; ``holder`` has it now (None: HR)."""

    request_id: int
    at: datetime
    unanswered: str
    holder: str | None
    working_days: int


def escalation_entry(step: Escalated, waited: int) -> AuditEntry:
    """The audit entry of ``step``; ``waited`` counts the working days since the request was filed."""
    detail = (f"no answer in {counted(step.working_days, 'working day')} ({waited} since filed): "
              f"{step.unanswered} -> {step.holder or TO_HR}")
    return AuditEntry(at=step.at, actor="system", action=ESCALATED, request_id=step.request_id,
                      source="scheduler", detail=detail)


def read_step(entry: AuditEntry) -> Escalated | None:
    """The step an escalation entry records; None for an entry written in another form."""
    found = _DETAIL.match(entry.detail) if entry.action == ESCALATED and entry.request_id else None
    if found is None or entry.request_id is None:
        return None
    holder = found["to"]
    return Escalated(entry.request_id, entry.at, found["from"], None if holder == TO_HR else holder,
                     int(found["days"]))


def last_step(uow: UnitOfWork, request_id: int) -> Escalated | None:
    """The latest escalation of one request, if it has been escalated."""
    steps = [s for e in uow.audit.search(AuditQuery(request_id=request_id, action=ESCALATED))
             if (s := read_step(e)) is not None]
    return steps[-1] if steps else None


def escalated_since(uow: UnitOfWork, since: datetime) -> set[int]:
    """The requests escalated at or after ``since``."""
    return {s.request_id for e in uow.audit.search(AuditQuery(action=ESCALATED, since=since))
            if (s := read_step(e)) is not None}
