"""HR's report (``/leave report``): leave taken per person and type in a period, and balances at its end.

Both files follow the ledger's own rules, so that their figures can be checked against it:

- *Taken*: each approved request's days inside the period, counted day by day as its ledger
  entries were (:func:`core.shared.context.request_days`: the employee's weekend and holidays left out, a
  half day as 0.5, the days a partial cancel gave back left out). Over a calendar year they add up
  to the year's leave-taken entries less their reversals, and the reports of adjacent periods add
  up to the report of both. Rejected and cancelled requests took nothing; leave approved for days
  still to come counts, as it does in the ledger.
- *Balances*: each person's balance for the year of the period's last day, as the balance view
  showed it at the end of that day (in the person's time zone): the ledger entries written by
  then (the ledger is append-only, so they are exactly what stood then), the grants and accruals
  due by then (the view writes those when it is looked at), and the requests then waiting for a
  decision (decided or withdrawn later: the request's decision time, the audit log's cancel), with
  the days that their approval charged. A request shortened while it still waited counts shortened.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from core.balances.entitlement import grants, missing, year_of_day
from core.balances.ledger import balance_rows
from core.commands import Report
from core.domain.amount import NO_DAYS, Amount
from core.domain.dates import clip
from core.domain.model import (
    AuditEntry,
    Employee,
    EntryKind,
    LeaveRequest,
    LedgerEntry,
    RequestStatus,
    Source,
    SourceKind,
)
from core.errors import LeaveError, NotAllowed
from core.ports import UnitOfWork
from core.shared.audit import NOT_HR
from core.shared.context import CommandContext, latest_policy, policy_in_force, policy_on, refuse, request_days
from core.views import BalanceRow, ReportFile, ReportTotal, ReportView

REFUSAL = "Reports are for HR admins; ask HR for the figures you need."
TAKEN_COLUMNS = ("employee_id", "email", "name", "department", "type", "days", "requests", "first_day", "last_day")
BALANCE_COLUMNS = ("employee_id", "email", "name", "department", "type", "year", "as_of", "entitled", "taken",
                   "pending", "lapsed", "available")
#: A spreadsheet reads a cell starting with one of these as a formula; such text gets a leading quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Taken:
    """One person's leave of one type inside a period."""

    days: Amount = NO_DAYS
    requests: int = 0
    first: date = date.max
    last: date = date.min

    def add(self, days: dict[date, Decimal]) -> None:
        self.days += Amount(sum(days.values(), Decimal(0)))
        self.requests += 1
        self.first, self.last = min(self.first, *days), max(self.last, *days)


def leave_report(ctx: CommandContext, command: Report) -> ReportView:
    """The report for an HR admin; anyone else is refused, and the attempt audited."""
    uow, actor = ctx.uow, ctx.actor
    if not actor.is_hr:
        raise refuse(uow, NotAllowed(REFUSAL), AuditEntry(at=ctx.clock.now(), actor=actor.email, action=NOT_HR,
                                                          outcome="refused", detail=f"report {command.label}",
                                                          source=ctx.source))
    return build_report(uow, command)


def build_report(uow: UnitOfWork, command: Report) -> ReportView:
    """Both files and their summary; no permission check (the CLI is the operator's own tool).

    Raises:
        LeaveError: the department is not one in the directory; the message lists those that are.
    """
    people = employees_of(uow, command.department)
    department = people[0].department if command.department and people else None
    taken = taken_between(uow, people, command.start, command.end)
    names = {key: t.name for key, t in latest_policy(uow).leave_types.items()}
    by_type: dict[str, Amount] = {}
    for (_employee_id, type_key), found in taken.items():
        by_type[type_key] = by_type.get(type_key, NO_DAYS) + found.days
    totals = tuple(ReportTotal(key, names.get(key, key), days) for key, days in sorted(by_type.items()))
    stem = _stem(command.label, department)
    files = (
        ReportFile(f"leave-taken-{stem}.csv", _taken_csv(people, taken)),
        ReportFile(f"leave-balances-{stem}.csv", _balances_csv(uow, people, command.start, command.end)),
    )
    return ReportView(label=command.label, start=command.start, end=command.end, department=department,
                      people=len({employee_id for employee_id, _type in taken}), totals=totals, files=files)


def employees_of(uow: UnitOfWork, department: str | None) -> list[Employee]:
    """Everyone, or the people of one department (named in any case), by employee id."""
    everyone = sorted(uow.employees.all(), key=lambda e: e.employee_id)
    if department is None:
        return everyone
    wanted = " ".join(department.split()).casefold()
    chosen = [e for e in everyone if " ".join(e.department.split()).casefold() == wanted]
    if not chosen:
        known = sorted({e.department for e in everyone}, key=str.casefold)
        listed = ", ".join(known) if known else "none yet (import employees first)"
        raise LeaveError(f"There is no department '{clip(department)}'. Departments: {listed}.")
    return chosen


def taken_between(uow: UnitOfWork, people: Sequence[Employee], start: date,
                  end: date) -> dict[tuple[str, str], Taken]:
    """Approved leave dated from ``start`` to ``end``, per (employee id, type); requests with no
    working day left inside the period are left out."""
    by_id = {e.employee_id: e for e in people}
    taken: dict[tuple[str, str], Taken] = {}
    found = uow.requests.search(employee_ids=list(by_id), statuses=[RequestStatus.APPROVED],
                                overlapping=(start, end)) if by_id else []
    for request in found:
        days = request_days(uow, by_id[request.employee_id], request, start, end)
        if days:
            taken.setdefault((request.employee_id, request.type_key), Taken()).add(days)
    return taken


def balances_on(uow: UnitOfWork, employee: Employee, day: date, requests: Iterable[LeaveRequest],
                withdrawn: Mapping[int, datetime]) -> tuple[BalanceRow, ...]:
    """The balance rows of ``day``'s leave year (in the person's region) as they stood at the end of ``day``.

    Args:
        requests: the employee's requests, whatever their status; those waiting for a decision at
            the end of ``day`` count as pending.
        withdrawn: when requests were cancelled (by request id), from the audit log.
    """
    cutoff = datetime.combine(day + timedelta(days=1), time(), ZoneInfo(employee.time_zone))
    year = year_of_day(policy_on(uow), employee.region, day)
    written = uow.ledger.entries(employee.employee_id, year)
    entries = [e for e in written if e.created_at < cutoff]
    projected: dict[str, Amount] = {}
    for grant in missing(grants(policy_on(uow), employee, year, day), entries):
        projected[grant.type_key] = projected.get(grant.type_key, NO_DAYS) + grant.amount
    waiting = [_as_pending(r, written, year) for r in requests if _pending_at(r, cutoff, withdrawn.get(r.id or 0))]
    leave_types = policy_in_force(uow, day).types_for(employee.region)
    return balance_rows(leave_types, entries, waiting, year, projected)


def _pending_at(request: LeaveRequest, cutoff: datetime, withdrawn_at: datetime | None) -> bool:
    """Created by ``cutoff`` and not yet decided or withdrawn then."""
    if request.created_at >= cutoff:
        return False
    ended = request.decided_at if request.decided_at is not None else withdrawn_at
    return request.status is RequestStatus.PENDING or (ended is not None and ended >= cutoff)


def _as_pending(request: LeaveRequest, entries: Sequence[LedgerEntry], year: int) -> LeaveRequest:
    """The request as it waited: an approved one with the days its approval charged (a partial
    cancel may have given some back since)."""
    if request.decided_at is None or request.status is RequestStatus.REJECTED:
        return replace(request, status=RequestStatus.PENDING)
    source = Source(SourceKind.REQUEST, str(request.id))
    charged = -sum((e.amount for e in entries if e.source == source and e.kind is EntryKind.LEAVE_TAKEN), NO_DAYS)
    return replace(request, status=RequestStatus.PENDING, year_days={year: charged})


def _taken_csv(people: Sequence[Employee], taken: dict[tuple[str, str], Taken]) -> str:
    by_id = {e.employee_id: e for e in people}
    rows = [
        [*who(by_id[employee_id]), type_key, t.days.figure, t.requests, t.first.isoformat(), t.last.isoformat()]
        for (employee_id, type_key), t in sorted(taken.items())
    ]
    return csv_text(TAKEN_COLUMNS, rows)


def _balances_csv(uow: UnitOfWork, people: Sequence[Employee], start: date, end: date) -> str:
    """One row per person employed at some time in the period and type offered to them."""
    employed = [e for e in people if e.joining_date <= end and (e.leaving_date is None or e.leaving_date >= start)]
    requests: dict[str, list[LeaveRequest]] = {}
    if employed:
        for request in uow.requests.search(employee_ids=[e.employee_id for e in employed]):
            requests.setdefault(request.employee_id, []).append(request)
    # Every time zone's end of ``end`` comes after its midnight in UTC.
    withdrawn = {e.request_id: e.at for e in uow.audit.since(datetime.combine(end, time(), UTC))
                 if e.action == "cancel" and e.outcome == "ok" and e.request_id is not None}
    types = policy_on(uow)(end).leave_types
    rows = []
    for employee in employed:
        for row in balances_on(uow, employee, end, requests.get(employee.employee_id, []), withdrawn):
            figures = [d.figure for d in (row.entitled, row.taken, row.pending, row.lapsed, row.available)]
            kind = types.get(row.type_key)
            if kind is not None and not (kind.paid and kind.counting.yearly):
                # Unpaid leave and leave per occurrence (maternity) have no yearly balance: taken, not left.
                figures[0] = figures[-1] = ""
            rows.append([*who(employee), row.type_key, year_of_day(policy_on(uow), employee.region, end),
                         end.isoformat(), *figures])
    return csv_text(BALANCE_COLUMNS, rows)


def who(employee: Employee) -> list[str]:
    """A CSV row's first cells, naming the person (the payroll file starts its rows alike)."""
    return [_cell(t) for t in (employee.employee_id, employee.email, employee.name, employee.department)]


def _cell(text: str) -> str:
    """Text as a spreadsheet shows it, never run as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A CSV file's text: the header row, then the rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _stem(label: str, department: str | None) -> str:
    """``2026-Q4-Engineering``: the period (and department) in a file name safe on every system."""
    words = label if department is None else f"{label} {department}"
    return re.sub(r"[^A-Za-z0-9]+", "-", words).strip("-") or "report"
