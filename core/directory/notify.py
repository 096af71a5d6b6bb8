"""Where a person's notices go: ``/leave notify email|chat|both``, and the e-mailed link back to chat.

The choice is stored on the person (:attr:`core.domain.model.Employee.notify_by`) and read by the
outbox for every notice (:class:`core.domain.reach.Reach`). Choosing chat is refused to someone
with no chat account linked: they would hear nothing at all. Choosing e-mail where no mail server
is set up is kept (it takes effect once one is) and the answer says so. Every change is audited.
"""

from __future__ import annotations

from dataclasses import replace

from core.commands import ChooseNotify
from core.directory.links import check_link, redeem_link
from core.domain.links import LinkPurpose, LinkToken
from core.domain.model import AuditEntry, Employee
from core.domain.reach import CHAT, EMAIL, NotifyBy
from core.errors import LinkRefused, NotAllowed
from core.ports import Clock, UnitOfWork
from core.shared.context import CommandContext, person
from core.views import NotifyView

NO_CHAT_LINK = ("You have no Slack or Teams account linked to LeaveBot yet, so notices sent to chat would reach "
                "nobody. Write to LeaveBot once from Slack or Teams, then choose chat.")


def choose(ctx: CommandContext, command: ChooseNotify) -> NotifyView:
    """Show the asker's choice, or make a new one."""
    if command.choice is None:
        return view(ctx.actor, changed=False, email_enabled=ctx.email_enabled)
    updated = set_choice(ctx.uow, ctx.clock, ctx.actor, command.choice, ctx.source)
    return view(updated, changed=True, email_enabled=ctx.email_enabled)


def set_choice(uow: UnitOfWork, clock: Clock, employee: Employee, choice: NotifyBy, source: str) -> Employee:
    """Store ``choice`` for ``employee`` and audit it, committing with whatever the unit of work
    holds already (a link used up); refused, with nothing written, as the module says."""
    if choice is NotifyBy.CHAT and not employee.reach.chat_linked:
        raise NotAllowed(NO_CHAT_LINK)
    updated = replace(employee, notify_by=choice)
    uow.employees.save(updated)
    uow.audit.add(AuditEntry(at=clock.now(), actor=employee.email, action="notify", source=source,
                             detail=f"{employee.notify_by or 'default'} -> {choice}"))
    uow.commit()
    return updated


def view(employee: Employee, *, changed: bool, email_enabled: bool) -> NotifyView:
    """How ``employee`` hears, where this server sends e-mail (``email_enabled``) or not."""
    available = frozenset({CHAT, EMAIL}) if email_enabled else frozenset({CHAT})
    return NotifyView(person=person(employee), chosen=employee.notify_by, media=employee.reach.media(available),
                      changed=changed, email_enabled=email_enabled)


def chat_link_holder(uow: UnitOfWork, raw: str, clock: Clock, email_enabled: bool) -> NotifyView:
    """What the e-mailed "switch to chat" link would change, for its confirmation page; uses nothing."""
    return view(_holder(uow, check_link(uow, raw, LinkPurpose.NOTIFY, clock.now())), changed=False,
                email_enabled=email_enabled)


def switch_to_chat(uow: UnitOfWork, raw: str, clock: Clock, email_enabled: bool) -> NotifyView:
    """The confirmed "switch to chat" link: the link is used and the holder's notices go to chat."""
    holder = _holder(uow, redeem_link(uow, raw, LinkPurpose.NOTIFY, clock.now()))
    return view(set_choice(uow, clock, holder, NotifyBy.CHAT, "email"), changed=True, email_enabled=email_enabled)


def _holder(uow: UnitOfWork, token: LinkToken) -> Employee:
    """The active person the link was made for (nobody's link for anything else than chat)."""
    found = uow.employees.get(token.employee_id) if token.subject == CHAT else None
    if found is None or not found.is_active:
        raise LinkRefused("unknown", "This link is not valid. Ask for a new one.")
    return found
