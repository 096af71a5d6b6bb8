"""Who a Slack user is to LeaveBot, and how to reach an employee on Slack.

A Slack user is linked to an employee by the e-mail of their Slack profile on first contact, and
the link is stored (never kept only in memory), so Slack is asked once per person. Someone who is
not in the directory is passed to the core under their Slack e-mail, and the core's refusal
("ask HR to add you (your e-mail: …)") is what they read; the door invents no wording of its own
except when Slack does not tell us an e-mail at all.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.api import delivery_error, error_code
from bot.slack.runner import Runner
from core.commands import Command
from core.domain.model import Employee
from core.errors import LeaveError
from core.ports import Unreachable
from core.service import UNAVAILABLE, Answer, ChatUser, LeaveService
from core.views import Person, RefusalView

log = logging.getLogger(__name__)

PLATFORM = "slack"

NO_EMAIL = (
    "I couldn't read your e-mail address from Slack, so I can't find you in the LeaveBot directory; "
    "ask HR to add you together with your Slack account."
)


@dataclass(frozen=True)
class Actor:
    """The person behind a Slack request.

    ``email`` is what the core is asked under: the linked employee's e-mail, or the Slack
    profile's e-mail when nobody in the directory has it yet (the core then refuses politely).
    ``employee`` is None for someone the directory does not know.
    """

    user_id: str
    email: str
    employee: Employee | None

    @property
    def known(self) -> bool:
        return self.employee is not None


async def resolve_actor(service: LeaveService, run: Runner, client: AsyncWebClient, user_id: str) -> Actor | None:
    """The actor behind ``user_id``, linking them on first contact; None when Slack gives no e-mail."""
    employee = await run(service.linked_employee, PLATFORM, user_id)
    if employee is not None:
        return Actor(user_id, employee.email, employee)
    email = await profile_email(client, user_id)
    if not email:
        return None
    employee = await run(service.link_by_email, PLATFORM, user_id, email)
    return Actor(user_id, employee.email if employee else email, employee)


async def answer_as(service: LeaveService, run: Runner, client: AsyncWebClient, user_id: str, asked: str | Command,
                    source: str, key: str | None = None, adjust: Callable[[Command], Command] | None = None,
                    ) -> tuple[Actor, Answer] | None:
    """Run what ``user_id`` typed or clicked (:meth:`~core.service.LeaveService.answer`): the core finds
    them in the command's own unit of work. On first contact Slack is asked for their e-mail, which
    the core links them by before it runs the command; None when Slack gives no e-mail.

    Raises:
        LeaveError: the link was refused (the e-mail's owner has another account), or the database
            failed before the person was found; nothing ran.
    """
    ask = functools.partial(service.answer, adjust=adjust)
    who = ChatUser(PLATFORM, user_id)
    answer = await run(ask, who, asked, source, key)
    if answer is None:
        who = ChatUser(PLATFORM, user_id, await profile_email(client, user_id))
        if not who.email:
            return None
        answer = await run(ask, who, asked, source, key)
        assert answer is not None, "an account that comes with its e-mail is always answered"
    email = answer.actor.email if answer.actor is not None else who.email
    if email is None:
        # The core failed before it found the person (the database): a failure like any other.
        raise LeaveError(answer.view.message if isinstance(answer.view, RefusalView) else UNAVAILABLE)
    return Actor(user_id, email, answer.actor), answer


async def profile_email(client: AsyncWebClient, user_id: str) -> str | None:
    """The e-mail of a Slack user's profile (None when Slack does not tell it)."""
    try:
        response = await client.users_info(user=user_id)
    except SlackApiError as error:
        log.warning("users.info for %s failed: %s", user_id, error_code(error))
        return None
    user = response.get("user") or {}
    profile = user.get("profile") or {}
    email = profile.get("email")
    return str(email) if email else None


def slack_user_id(service: LeaveService, client: WebClient, person: Person) -> str:
    """The Slack user id of an employee, looked up by e-mail (and linked) when not known yet.

    Raises:
        Unreachable: nobody in the workspace has the employee's e-mail.
        RetryLater, DeliveryFailed: what Slack's answer means for the outbox.
    """
    employee = service.employee(person.employee_id)
    if employee is not None and employee.slack_user_id:
        return employee.slack_user_id
    if not person.email:
        raise Unreachable(f"{person.name} has no e-mail address to look up on Slack")
    try:
        response = client.users_lookupByEmail(email=person.email)
    except SlackApiError as error:
        raise delivery_error(error, f"users.lookupByEmail {person.email}") from error
    user_id = str((response.get("user") or {}).get("id") or "")
    if not user_id:
        raise Unreachable(f"no Slack user with e-mail {person.email}")
    service.link_by_email(PLATFORM, user_id, person.email)
    return user_id
