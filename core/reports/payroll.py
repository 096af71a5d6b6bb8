"""HR's month for payroll (``/leave payroll YYYY-MM``, ``leavebot payroll``): one CSV row per person.

Each figure is the ledger's, for the month:

- *Paid leave by type* and *unpaid days*: approved leave split to the days of the month, counted
  as the request was (:func:`core.reports.leave_report.taken_between`: the employee's weekend and
  holidays left out, half days as 0.5, the days a partial cancel gave back left out, a cancelled
  request not at all), which is what its leave-taken entries less their reversals charged. A
  request across two months counts in each month for its days there.
- *Encashed days* and *adjustments*: the ``ENCASHMENT`` and ``ADJUSTMENT`` entries written in the
  month (their entry date in the person's time zone); encashed days as paid out (positive),
  adjustments signed (a credit positive, a debit negative).

Only people with something in the month get a row; a month with nothing is the header alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from core.commands import Payroll
from core.domain.amount import NO_DAYS, Amount
from core.domain.model import AuditEntry, Employee, EntryKind
from core.errors import NotAllowed
from core.policy.rules import LeaveType
from core.ports import UnitOfWork
from core.reports.leave_report import csv_text, employees_of, taken_between, who
from core.shared.audit import NOT_HR
from core.shared.context import CommandContext, in_zone, latest_policy, refuse
from core.views import PayrollView, ReportFile, ReportTotal

REFUSAL = "Payroll figures are for HR admins; ask HR for what you need."
#: The columns before and after one ``paid_<type key>`` column per paid type of the policy in force.
PERSON_COLUMNS = ("employee_id", "email", "name", "department")
TOTAL_COLUMNS = ("paid_days", "unpaid_days", "encashed_days", "adjustment_days")


@dataclass
class Month:
    """One person's figures for the month."""

    paid: dict[str, Amount] = field(default_factory=dict)
    unpaid: Amount = NO_DAYS
    encashed: Amount = NO_DAYS
    adjusted: Amount = NO_DAYS

    @property
    def paid_total(self) -> Amount:
        return sum(self.paid.values(), NO_DAYS)

    @property
    def empty(self) -> bool:
        return not (self.paid_total or self.unpaid or self.encashed or self.adjusted)


def payroll(ctx: CommandContext, command: Payroll) -> PayrollView:
    """The month for an HR admin; anyone else is refused, and the attempt audited."""
    if not ctx.actor.is_hr:
        raise refuse(ctx.uow, NotAllowed(REFUSAL), AuditEntry(
            at=ctx.clock.now(), actor=ctx.actor.email, action=NOT_HR, outcome="refused",
            detail=f"payroll {command.label}", source=ctx.source))
    return build_payroll(ctx.uow, command)


def build_payroll(uow: UnitOfWork, command: Payroll) -> PayrollView:
    """The file and its totals; no permission check (the CLI is the operator's own tool)."""
    people = employees_of(uow, None)
    types = latest_policy(uow).leave_types
    paid_types = [t for t in types.values() if t.paid]
    months = _months(uow, people, types, command)
    rows = [[*who(employee), *(month.paid.get(t.key, NO_DAYS).figure for t in paid_types),
             *(d.figure for d in (month.paid_total, month.unpaid, month.encashed, month.adjusted))]
            for employee in people if (month := months.get(employee.employee_id)) is not None]
    header = (*PERSON_COLUMNS, *(f"paid_{t.key}" for t in paid_types), *TOTAL_COLUMNS)
    totals = tuple(ReportTotal(t.key, t.name, days) for t in paid_types
                   if (days := sum((m.paid.get(t.key, NO_DAYS) for m in months.values()), NO_DAYS)))
    return PayrollView(
        label=command.label, start=command.start, end=command.end, people=len(rows), paid=totals,
        unpaid=sum((m.unpaid for m in months.values()), NO_DAYS),
        encashed=sum((m.encashed for m in months.values()), NO_DAYS),
        adjusted=sum((m.adjusted for m in months.values()), NO_DAYS),
        files=(ReportFile(f"payroll-{command.label}.csv", csv_text(header, rows)),),
    )


def _months(uow: UnitOfWork, people: Sequence[Employee], leave_types: Mapping[str, LeaveType],
            command: Payroll) -> dict[str, Month]:
    """Each person's month, for those with something in it (a type no longer in the policy counts as paid)."""
    months: dict[str, Month] = {}
    for (employee_id, type_key), taken in taken_between(uow, people, command.start, command.end).items():
        month = months.setdefault(employee_id, Month())
        leave_type = leave_types.get(type_key)
        if leave_type is not None and not leave_type.paid:
            month.unpaid += taken.days
        else:
            month.paid[type_key] = month.paid.get(type_key, NO_DAYS) + taken.days
    for employee in people:
        for entry in uow.ledger.entries(employee.employee_id):
            if entry.kind not in (EntryKind.ADJUSTMENT, EntryKind.ENCASHMENT):
                continue
            if not command.start <= in_zone(entry.created_at, employee.time_zone).date() <= command.end:
                continue
            month = months.setdefault(employee.employee_id, Month())
            if entry.kind is EntryKind.ENCASHMENT:
                month.encashed -= entry.amount
            else:
                month.adjusted += entry.amount
    return {employee_id: month for employee_id, month in months.items() if not month.empty}
