"""Making text safe for Slack: mrkdwn escaping and truncation to Block Kit's limits.

Slack reads ``<...>`` in mrkdwn as a link, a mention or a broadcast (``<!channel>``), ``&``
starts an entity, ``*``, ``_``, ``~`` and backticks format, and a ``>`` that starts a line quotes
it; so any text a person typed (a reason, a name, a refusal that quotes what was typed) is
escaped before it is put into mrkdwn, and the marks are shown by look-alikes
(:mod:`bot.lookalikes`) since mrkdwn has no escape for them. Text of several lines is shown as a
quote (:func:`quote_mrkdwn`), so that none of its lines can pass for a line of the card.

Block Kit refuses a whole message when one text is too long; cutting a text with an ellipsis
keeps the message deliverable instead.
"""

from __future__ import annotations

import re

from bot.lookalikes import LOOKALIKES, inert_marks

ELLIPSIS = "\u2026"

#: Block Kit's limits, in characters (https://api.slack.com/reference/block-kit).
SECTION_TEXT = 3000
FIELD_TEXT = 2000
HEADER_TEXT = 150
BUTTON_TEXT = 75
OPTION_TEXT = 75
CONTEXT_TEXT = 2000
CONFIRM_TEXT = 300
OPTION_VALUE = 150
MODAL_TITLE = 24
PLACEHOLDER = 150
MESSAGE_TEXT = 3000
#: At most this many fields in a section, and options in a select menu.
SECTION_FIELDS = 10
SELECT_OPTIONS = 100
#: At most this many buttons in an actions block.
ACTIONS_ELEMENTS = 25
#: At most this many blocks in a message, and in a modal or the Home tab.
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_SPECIAL = re.compile(r"[&<>]")
_LEADING_QUOTE = re.compile(r"(^[ \t]*)>", re.MULTILINE)
#: A tail that must not be cut in two: an entity (``&amp;``) or a link / mention / date token (``<...>``).
_UNCLOSED_TAIL = re.compile(r"(&[a-z]{0,5}|<[^<>]*)$")


def escape_mrkdwn(text: object) -> str:
    """``text`` as Slack should show it: it pings, links, formats and quotes nothing.

    ``&``, ``<`` and ``>`` are escaped; formatting marks and a ``>`` that starts a line become
    look-alikes.
    """
    value = _LEADING_QUOTE.sub(lambda match: match.group(1) + LOOKALIKES[">"], inert_marks(str(text)))
    return _SPECIAL.sub(lambda match: _ESCAPES[match.group()], value)


def code_mrkdwn(text: object) -> str:
    """``text`` for a code span (a link or path to copy): Slack formats nothing inside one, so the
    marks stay as they are (a look-alike ``_`` would break a path); only ``&``, ``<`` and ``>`` are
    escaped, and a backtick, which would close the span, is dropped."""
    return _SPECIAL.sub(lambda match: _ESCAPES[match.group()], str(text).replace("`", ""))


def quote_mrkdwn(text: object) -> str:
    """``text`` escaped and shown as a quote, every line of it: what a person wrote stays inside
    the quote's bar, however many lines it has."""
    return "\n".join("> " + line for line in escape_mrkdwn(text).split("\n"))


def truncate(text: object, limit: int, markup: bool = True) -> str:
    """``text`` cut to at most ``limit`` characters, ending with an ellipsis when it was cut.

    In mrkdwn (``markup``) the cut never splits an escaped entity or a ``<...>`` token, which
    Slack would otherwise show half-read (``&am``) or read as a different link. Plain text has no
    such tokens and is cut where the limit falls.
    """
    value = str(text)
    if len(value) <= limit:
        return value
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit]
    head = value[: limit - len(ELLIPSIS)]
    if markup:
        head = _UNCLOSED_TAIL.sub("", head)
    return head.rstrip() + ELLIPSIS


_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|([^>]*))?>")
_SPECIAL_MENTION = re.compile(r"<!(\w+)(?:\^[^|>]*)?(?:\|([^>]*))?>")
_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")


def plain_from_slack(text: str) -> str:
    """What a person typed, from the text Slack sends (mentions, channels, links, entities).

    Slack sends ``@priya`` as ``<@U123|priya>``, a link as ``<https://…|label>`` and ``<`` as
    ``&lt;``; the core should store words as they were typed, so they are turned back here.
    """
    text = _MENTION.sub(lambda m: "@" + (m.group(2) or m.group(1)), text)
    text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = _SPECIAL_MENTION.sub(lambda m: "@" + (m.group(2) or m.group(1)).lstrip("@"), text)
    text = _LINK.sub(lambda m: m.group(1), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def mentioned_user(text: str) -> str | None:
    """The Slack user id of a mention that makes up all of ``text`` (``<@U123|priya>``), if it is one."""
    match = _MENTION.fullmatch(text.strip())
    return match.group(1) if match else None
