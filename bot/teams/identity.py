"""Who is talking: a Teams user (AAD object id) resolved to an employee, linked once by e-mail.

The first time someone writes, Teams' member info gives their e-mail (or their user principal
name, which is the sign-in address and usually the same); the core links the two and remembers,
so member info is asked only once per person.

A message or a card action is a command, and the core finds its sender in the command's own unit
of work (:class:`Sender`, :meth:`~core.service.LeaveService.answer`, as for Slack): one
transaction per command. What is no command (an install, a card redrawn on request) looks the
sender up first (:func:`identify`).

In Emulator mode nobody proves who they are, so nothing is linked: the person named by the
activity is looked up for this turn only, and a real person's Teams link is neither read nor
written.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botframework.connector import Channels

from core.commands import Command
from core.domain.model import Employee
from core.service import Answer, ChatUser, LeaveService

log = logging.getLogger(__name__)

PLATFORM = "teams"
#: The door, as the core's audit log names it.
SOURCE = "teams"

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


class Unplaced(Exception):
    """Nothing places the sender in the directory, not even an e-mail to refuse them by; nothing ran."""


class Sender:
    """The person behind one message or card action, asked about only through the commands they send.

    Args:
        run: runs a synchronous core call off the event loop (the server's worker pool).
        emulator: the activity is unauthenticated (Emulator mode): the person is named by e-mail for
            each command, and no Teams account is read or linked.
        found: called once, as soon as the directory's person behind the activity is known (the
            door remembers their conversation then, before it answers).

    Attributes:
        user_id: their Teams account (the AAD object id).
        employee: who the core found them to be, once a command found anyone.
        email: what Teams (or the Emulator) told of their e-mail, once asked.
    """

    def __init__(self, context: TurnContext, service: LeaveService, run: Run, emulator: bool = False,
                 found: Callable[[Employee], Awaitable[None]] | None = None) -> None:
        sender = context.activity.from_property
        self.user_id: str = getattr(sender, "aad_object_id", None) or sender.id
        self.employee: Employee | None = None
        self.email: str | None = None
        self._context = context
        self._service = service
        self._run = run
        self._emulator = emulator
        self._found = found
        self._asked = False

    async def ask(self, asked: str | Command, key: str | None = None, *, counted: bool = True) -> Answer:
        """Run what they typed (a line) or clicked (a command) for them, in one unit of work.

        Teams' member info is asked only for an account linked to nobody (first contact), and the
        core links it by that e-mail before the command runs.

        Returns:
            What came of it: the core's refusal (recorded, with no ``actor``) for someone it does
            not know, or when it could not reach the database.

        Raises:
            Unplaced: no e-mail places them (Teams tells none, or an Emulator name is no e-mail);
                nothing ran.
            LeaveError: linking them was refused (the e-mail's owner has another account), or the
                database failed while linking; nothing ran.
        """
        ask = functools.partial(self._service.answer, counted=counted)
        if self._emulator:
            email = await self._email()
            answer: Answer | None = await self._run(ask, email, asked, SOURCE, key) if email else None
        else:
            answer = await self._run(ask, ChatUser(PLATFORM, self.user_id), asked, SOURCE, key)
            if answer is None and (email := await self._email()):
                answer = await self._run(ask, ChatUser(PLATFORM, self.user_id, email), asked, SOURCE, key)
        if answer is None:
            raise Unplaced()
        await self._place(answer.actor)
        return answer

    async def known(self) -> Employee | None:
        """Who they are, for what is no command: looked up (and linked on first contact) unless a
        command found them already."""
        if self.employee is None:
            caller = await identify(self._context, self._service, self._run, emulator=self._emulator)
            if caller is not None:
                self.email = caller.email or self.email
                await self._place(caller.employee)
        return self.employee

    @property
    def unknown_message(self) -> str:
        """What someone no e-mail places is told (:meth:`Caller.unknown_message`)."""
        return Caller(self.user_id, None, self.email).unknown_message

    async def _place(self, employee: Employee | None) -> None:
        """Note who the core found; the first time anyone is found, say so (``found``)."""
        if employee is None or self.employee is not None:
            return
        self.employee = employee
        if self._found is not None:
            await self._found(employee)

    async def _email(self) -> str | None:
        if not self._asked:
            self.email, self._asked = await _email_of(self._context), True
        return self.email


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
