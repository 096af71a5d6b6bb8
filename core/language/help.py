"""What help shows each person: the commands that are theirs, or every command (``help all``).

A short help that lists HR's report to an employee, or approvals to someone nobody reports to,
buries the few commands they need. Each command names its audience (:data:`core.commands.AUDIENCE`);
the reader's part in the organisation, read from the command's context, picks the audiences
they belong to. The use cases still decide who may run what: help only chooses what to mention.
"""

from __future__ import annotations

from core.commands import AUDIENCE, EXAMPLES, FULL_HELP_ONLY, PURPOSE, USAGE, Audience
from core.domain.model import Role
from core.policy.counting import hours_hint
from core.shared.context import CommandContext, acting_for, latest_policy
from core.shared.eligibility import open_types
from core.views import CommandHelp, LeaveTypeView

#: Roles that decide leave whether or not anyone reports to them today.
APPROVER_ROLES = (Role.MANAGER, Role.HR_ADMIN)


def audiences_of(ctx: CommandContext) -> frozenset[Audience]:
    """The audiences the asker belongs to: everyone; approvers when they may have leave to decide
    (a manager or HR by role, someone with people reporting to them, or a delegate standing in
    today); HR for HR admins."""
    actor = ctx.actor
    found = {Audience.EVERYONE}
    if actor.role in APPROVER_ROLES or ctx.uow.employees.reports_of(actor.employee_id) or acting_for(
            ctx.uow, actor, ctx.today):
        found.add(Audience.APPROVERS)
    if actor.is_hr:
        found.add(Audience.HR)
    return frozenset(found)


def commands_for(ctx: CommandContext, full: bool) -> tuple[CommandHelp, ...]:
    """Every command (``full``), or the asker's everyday ones in the grammar's order."""
    if full:
        words = list(USAGE)
    else:
        mine = audiences_of(ctx)
        words = [word for word in USAGE if AUDIENCE[word] in mine and word not in FULL_HELP_ONLY]
    return tuple(CommandHelp(word, USAGE[word], PURPOSE[word], EXAMPLES[word]) for word in words)


def leave_types_for(ctx: CommandContext) -> tuple[LeaveTypeView, ...]:
    """The leave types the asker may take, as help lists them."""
    types = open_types(ctx.uow, latest_policy(ctx.uow), ctx.actor, ctx.today)
    return tuple(LeaveTypeView(t.key, t.code, t.name, hours_hint(t.counting)) for t in types)
