"""How a person hears of their notices: in chat (Slack or Teams), by e-mail, or both.

Each person may choose (``/leave notify email|chat|both``); without a choice, someone linked to a
chat account hears there and anyone else by e-mail. The outbox asks :meth:`Reach.media` for each
notice, given the media this process can send by, and skips the doors the person does not want.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

CHAT = "chat"
EMAIL = "email"


class NotifyBy(enum.StrEnum):
    """A person's choice, as stored in ``employees.notify_by`` (NULL: no choice made)."""

    EMAIL = EMAIL
    CHAT = CHAT
    BOTH = "both"


@dataclass(frozen=True)
class Reach:
    """What decides how one person is reached: their choice, if any, and whether a chat account
    (Slack or Teams) is linked to them. The default (no choice, linked) means chat, as before
    e-mail existed."""

    notify_by: NotifyBy | None = None
    chat_linked: bool = True

    @property
    def wanted(self) -> frozenset[str]:
        """The media the person asked for, or the default when they did not ask."""
        if self.notify_by is NotifyBy.BOTH:
            return frozenset({CHAT, EMAIL})
        if self.notify_by is not None:
            return frozenset({self.notify_by.value})
        return frozenset({CHAT if self.chat_linked else EMAIL})

    def media(self, available: frozenset[str]) -> frozenset[str]:
        """The media to use where only ``available`` can be sent by: those wanted, or chat when
        e-mail is wanted and cannot be sent here (no mail server is set up), as before e-mail
        existed: chat finds people without a link by their e-mail address. Never e-mail in place
        of chat: a process without the chat doors (a terminal) leaves chat to the server."""
        return (self.wanted & available) or (available & {CHAT})


def medium_of(platform: str) -> str:
    """The medium a platform's posts reach people by: ``email`` for e-mail, chat for any other."""
    return EMAIL if platform == EMAIL else CHAT


#: The reach of someone made without a directory row (a name in a view): chat, as before e-mail.
CHAT_AS_BEFORE = Reach()
