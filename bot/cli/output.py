"""What the ``leavebot`` admin commands print: the stable ``--json`` shapes and human tables.

The JSON shapes are part of the outward contract (README, "The leavebot command"): scripts rely on them, so they are
built field by field here rather than by dumping dataclasses whose fields may grow or change.
The tables come from the text door's templates, loaded only when a table is printed, so that a
``--json`` command starts without Jinja2.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from core.domain.amount import Amount
from core.domain.model import AuditEntry, format_request_number
from core.views import BalanceView, Person, RequestListView, RequestView


def number(value: Amount) -> float:
    """Days as a JSON number: half days stay exact (.5), as binary floats represent halves exactly."""
    return float(value.value)


def iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def email_of(person: Person | None) -> str | None:
    return None if person is None else person.email


def balance_json(view: BalanceView) -> list[dict[str, Any]]:
    return [
        {
            "type": row.type_key,
            "code": row.code,
            "name": row.name,
            "entitled": number(row.entitled),
            "taken": number(row.taken),
            "pending": number(row.pending),
            "available": number(row.available),
            "paid": row.paid,
            "lapsed": number(row.lapsed),
            "paid_out": number(row.paid_out),
            "to_accrue": number(row.to_accrue),
            "expiring": number(row.expiring),
            "expires_on": row.expires_on.isoformat() if row.expires_on else None,
            # A type without a yearly balance: per occurrence (maternity) or counted in hours.
            "per_occurrence": number(row.per_occurrence) if row.per_occurrence else None,
            "occurrences": row.occurrences if row.per_occurrence else None,
            "max_hours": number(row.hours_cap) if row.hours_cap else None,
        }
        for row in view.rows
    ]


def request_json(request: RequestView) -> dict[str, Any]:
    return {
        "id": request.number,
        "employee": request.employee.email,
        "type": request.type_key,
        "start": iso(request.start),
        "end": iso(request.end),
        "days": number(request.days),
        # A request of a type counted in hours: "days" holds its hours, asked for in this range.
        "unit": str(request.days.unit),
        "time_range": str(request.time_range) if request.time_range else None,
        "half": None if request.half is None else str(request.half),
        "status": str(request.status),
        "approver": email_of(request.approver),
        # The level a pending request waits at (manager, hr): "hr" names HR when no single admin is its approver.
        "waiting_for": request.waiting_for,
        "reason": request.reason,
        "created_at": iso(request.created_at),
        "decided_by": email_of(request.decided_by),
        "decided_at": iso(request.decided_at),
    }


def audit_json(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": iso(entry.at),
        "actor": entry.actor,
        "action": entry.action,
        "request": None if entry.request_id is None else format_request_number(entry.request_id),
        "outcome": entry.outcome,
        "detail": entry.detail,
        "source": entry.source,
    }


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


def balance_text(view: BalanceView) -> str:
    from bot.render_text import render

    return render(view)


def requests_text(requests: Sequence[RequestView], title: str) -> str:
    from bot.render_text import render

    return render(RequestListView(title=title, requests=tuple(requests)))


def audit_text(entries: Iterable[AuditEntry]) -> str:
    from bot.render_text import format_table

    rows = [
        [
            f"{entry.at:%Y-%m-%d %H:%M:%S}",
            entry.actor,
            entry.action,
            "-" if entry.request_id is None else format_request_number(entry.request_id),
            entry.outcome,
            entry.source,
            entry.detail,
        ]
        for entry in entries
    ]
    if not rows:
        return "No audit entries."
    return format_table(["At (UTC)", "Actor", "Action", "Request", "Outcome", "Source", "Detail"], rows)
