"""Who is talking: a Teams user (AAD object id) resolved to an employee, linked once by e-mail.

The first time someone writes, Teams' member info gives their e-mail (or their user principal
name, which is the sign-in address and usually the same); the core links the two and remembers,
so member info is asked only once per person.

In Emulator mode nobody proves who they are, so nothing is linked: the person named by the
activity is looked up for this turn only, and a real person's Teams link is neither read nor
written.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botframework.connector import Channels

from core.domain.model import Employee
from core.service import LeaveService

log = logging.getLogger(__name__)

PLATFORM = "teams"

Run = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class Caller:
    """The person behind an activity; ``employee`` is None when the directory doesn't know them."""

    user_id: str
    employee: Employee | None
    email: str | None = None

    @property
    def unknown_message(self) -> str:
        seen = f" (your e-mail: {self.email})" if self.email else ""
        return f"I can't find you in LeaveBot's directory yet. Please ask HR to add you{seen}."


async def identify(context: TurnContext, service: LeaveService, run: Run, emulator: bool = False) -> Caller | None:
    """Resolve the sender of this activity; None when there is no sender (a system event).

    Args:
        run: runs a synchronous core call off the event loop (the server's worker pool).
        emulator: the activity is unauthenticated (Emulator mode): resolve without linking.
    """
    sender = context.activity.from_property
    if sender is None or not sender.id:
        return None
    user_id = getattr(sender, "aad_object_id", None) or sender.id
    if emulator:
        return await _unlinked(context, service, run, user_id)
    employee: Employee | None = await run(service.linked_employee, PLATFORM, user_id)
    if employee is not None:
        return Caller(user_id, employee)
    email = await _email_of(context)
    if not email:
        return Caller(user_id, None)
    linked: Employee | None = await run(service.link_by_email, PLATFORM, user_id, email)
    return Caller(user_id, linked, email)


async def _unlinked(context: TurnContext, service: LeaveService, run: Run, user_id: str) -> Caller:
    """The person an Emulator activity names, for this turn only."""
    email = await _email_of(context)
    employee: Employee | None = await run(service.employee_by_email, email) if email else None
    return Caller(user_id, employee, email)


async def _email_of(context: TurnContext) -> str | None:
    """The sender's e-mail from Teams member info; in the Emulator, a user name that is an e-mail."""
    activity = context.activity
    if activity.channel_id == Channels.emulator:
        name = activity.from_property.name or ""
        return name if "@" in name else None
    try:
        member = await TeamsInfo.get_member(context, activity.from_property.id)
    except Exception:  # an unknown member or a connector outage: the person is told to ask HR
        log.warning("Teams: no member info for %s", activity.from_property.id, exc_info=True)
        return None
    email = getattr(member, "email", None) or getattr(member, "user_principal_name", None)
    return str(email).strip() if email else None
