"""Signing in to the web dashboard: ``/leave web`` gives a one-time link, the dashboard redeems it.

The link is a :class:`~core.domain.links.LinkPurpose.SIGN_IN` link (:mod:`core.directory.links`):
it works once, for :data:`LIFETIME`, and only its hash is kept. Its holder signs in as the person
who asked for it, provided that person is still active; every sign-in and every refused attempt
is audited (:data:`SIGN_IN`), as are sign-outs (:data:`SIGN_OUT`). What a session then is (a
cookie, its expiry) is the door's business; the door asks :func:`visitor` on each request whether
the person may still be served.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from core.commands import OpenDashboard
from core.directory.links import check_link, issue_link, redeem_link
from core.domain.links import LinkPurpose, hash_token
from core.domain.model import AuditEntry, Employee, Role
from core.errors import InactiveEmployee
from core.ports import UnitOfWork
from core.shared import audit
from core.shared.context import CommandContext, person
from core.views import DashboardLinkView, WebVisitor

#: How long a sign-in link works, unused.
LIFETIME = timedelta(minutes=15)
SIGN_IN_PATH = "/web/sign-in/"
SIGN_IN = "web.sign_in"
SIGN_OUT = "web.sign_out"
#: Who a refused attempt is recorded against when its link names nobody.
NOBODY = "unknown link"


def dashboard_link(ctx: CommandContext, command: OpenDashboard) -> DashboardLinkView:
    """``/leave web``: a new personal sign-in link for the asker (shown to them alone)."""
    now = ctx.clock.now()
    token = issue_link(ctx.uow, LinkPurpose.SIGN_IN, ctx.actor.employee_id, "", now, LIFETIME)
    ctx.uow.commit()
    path = SIGN_IN_PATH + token
    url = ctx.public_url.rstrip("/") + path if ctx.public_url else None
    return DashboardLinkView(person(ctx.actor), path, now + LIFETIME, int(LIFETIME.total_seconds() // 60), url)


def check_sign_in(uow: UnitOfWork, raw: str, now: datetime) -> WebVisitor:
    """Who the link would sign in, using nothing up (the page with the Sign in button).

    Raises:
        LinkRefused: an unknown, used or expired link.
        InactiveEmployee: its person is no longer active.
    """
    return _visitor_or_refuse(uow, check_link(uow, raw, LinkPurpose.SIGN_IN, now).employee_id)


def sign_in(uow: UnitOfWork, raw: str, now: datetime, source: str) -> WebVisitor:
    """Redeem the link and audit the sign-in, in one transaction; the door then starts the session.

    Raises:
        LinkRefused, InactiveEmployee: as :func:`check_sign_in`; nothing was used or written (the
            caller records the refused attempt, :func:`refused_sign_in`, after rolling back).
    """
    token = redeem_link(uow, raw, LinkPurpose.SIGN_IN, now)
    found = _visitor_or_refuse(uow, token.employee_id)
    uow.audit.add(AuditEntry(now, audit.actor_key(found.email), SIGN_IN, source=source))
    uow.commit()
    return found


def refused_sign_in(uow: UnitOfWork, raw: str, why: str, now: datetime, source: str) -> AuditEntry:
    """The audit entry of a refused sign-in: against the link's person when it names one (a reused or
    expired link, a leaver's), else against :data:`NOBODY`."""
    token = uow.links.get(hash_token(raw)) if raw else None
    employee = uow.employees.get(token.employee_id) if token is not None else None
    return audit.refusal(now, employee.email if employee is not None else NOBODY, SIGN_IN, source, why)


def sign_out(uow: UnitOfWork, employee_id: str, now: datetime, source: str) -> None:
    """Record that the person signed out of the dashboard."""
    employee = uow.employees.get(employee_id)
    uow.audit.add(AuditEntry(now, audit.actor_key(employee.email if employee else employee_id), SIGN_OUT,
                             source=source))
    uow.commit()


def visitor(uow: UnitOfWork, employee_id: str) -> WebVisitor | None:
    """The person a session belongs to, if they may still be served (active in the directory)."""
    employee = uow.employees.get(employee_id)
    if employee is None or not employee.is_active:
        return None
    return _as_visitor(uow, employee)


def _visitor_or_refuse(uow: UnitOfWork, employee_id: str) -> WebVisitor:
    found = visitor(uow, employee_id)
    if found is None:
        raise InactiveEmployee("Your account is not active, so you cannot sign in. Ask HR if this is a mistake.")
    return found


def _as_visitor(uow: UnitOfWork, employee: Employee) -> WebVisitor:
    manages = employee.role in (Role.MANAGER, Role.HR_ADMIN) or bool(uow.employees.reports_of(employee.employee_id))
    return WebVisitor(employee.employee_id, employee.email, employee.name, employee.is_hr, manages,
                      employee.time_zone)
