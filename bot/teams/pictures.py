"""Heat maps in Teams cards, inside the size Teams accepts for one message.

A bot cannot attach a picture to a Teams message the way Slack's ``files_upload_v2`` does: an
Adaptive Card's ``Image`` names a URL. Two ways to give it one:

* **By link**, when the bot has a public address (``PUBLIC_URL``): the full picture is stored with
  the download links (:mod:`bot.downloads`) and the card points at it. Every viewer's Teams
  client, and Microsoft's image proxy, fetches the picture, so the link serves it many times
  until it expires (a day for ``/leave team week|month``, 30 days for the weekly digest, which a
  channel scrolls back to). Such a link may be reused because the picture never shows a person's
  name: departments, counts per day, nothing more.
* **Inside the card** as a ``data:`` URI otherwise: the compact drawing (:data:`bot.charts.COMPACT`),
  and only when the whole message still fits under :data:`MESSAGE_LIMIT_BYTES`. When it does not
  (a digest of many departments), the card leaves the picture out and says how to see it.

Either way a digest whose lists alone pass the limit (a large organisation with long, non-ASCII
names) is sent with shorter lists, each still saying how many more there are (:func:`fitted`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from botbuilder.core import CardFactory, MessageFactory
from botbuilder.schema import Activity

from core.domain.heatmap import HeatMap

#: Teams refuses a bot's message above this size, card included (413 ``MessageSizeTooBig``).
#: Microsoft has published 28 KB (the figure of its older pages and of the Teams connectors), then
#: 40 KB and 100 KB measured differently; the smallest is kept so that a card is accepted whichever
#: rule the tenant's service applies.
MESSAGE_LIMIT_BYTES = 28_000
#: What sending adds around the card: the conversation's, sender's and recipient's ids, the
#: service URL, the reply-to id. A few hundred bytes in practice; kept generous.
ENVELOPE_BYTES = 1_000
PNG = "image/png"
#: Rows kept in each of a digest's lists, tried in turn, when its card is too large with all of them.
SHORTER_LISTS = (12, 10, 8, 6, 4, 2, 1)
#: How long a picture's link works: ``/leave team week|month`` is looked at the same day; the
#: digest stays in its channel and is scrolled back to for weeks.
CHART_LIFETIME = timedelta(days=1)
DIGEST_LIFETIME = timedelta(days=30)
#: What a card says when its picture would make the message too large to send.
CHART_INSTEAD = ("The picture is too large to send inside a Teams message; the counts are below. "
                 "Ask your admin to set PUBLIC_URL so that the bot can show it by link.")
DIGEST_INSTEAD = ("The picture is too large to send inside a Teams message for this many departments: set "
                  "PUBLIC_URL so that the bot can show it by link, or run leavebot digest to get it as a file.")

Card = dict[str, Any]


class PictureLinks(Protocol):
    """Where a picture is kept for a card to point at (:class:`bot.downloads.DownloadLinks`)."""

    def share(self, content: bytes, filename: str, media_type: str, lifetime: timedelta) -> str:
        """Keep ``content`` and return an absolute link that serves it to anyone until ``lifetime`` has passed."""
        ...


@dataclass(frozen=True)
class CardPicture:
    """A heat map as a card template shows it.

    ``url`` is a link or a ``data:`` URI; None when the picture is left out, and ``note`` says why.
    """

    title: str
    alt: str
    url: str | None
    note: str | None = None

    @property
    def inline(self) -> bool:
        """Whether the picture travels inside the message (a ``data:`` URI), and so counts in its size."""
        return self.url is not None and self.url.startswith("data:")


def card_message(card: Card) -> Activity:
    """The message that carries ``card``: what the bot sends, and what Teams measures."""
    activity: Activity = MessageFactory.attachment(CardFactory.adaptive_card(card))
    return activity


def message_bytes(card: Card) -> int:
    """The size of the message carrying ``card`` as JSON, every non-ASCII character escaped (the
    longest way of writing it), plus room for what sending adds."""
    return len(json.dumps(card_message(card).serialize())) + ENVELOPE_BYTES


def fitted(render: Callable[[int | None], Card]) -> Card:
    """``render(None)`` (the lists as long as core cut them) if its message fits, else ``render(rows)``
    with the longest of :data:`SHORTER_LISTS` that fits (the shortest if none does): the digest of a
    large organisation with long, non-ASCII names (six bytes a letter once escaped) must still go."""
    card = render(None)
    for rows in SHORTER_LISTS:
        if message_bytes(card) <= MESSAGE_LIMIT_BYTES:
            break
        card = render(rows)
    return card


def pictured(render: Callable[[CardPicture], Card], heatmap: HeatMap, scope: str, *,
             links: PictureLinks | None, lifetime: timedelta, instead: str) -> Card:
    """The card that ``render`` makes around the heat map, by link or inline (see the module).

    Args:
        render: the card's template, given the picture (or where it is and why it is left out).
        links: where pictures are kept for a link; None when the bot has no public address.
        lifetime: how long a link works.
        instead: what the card says when the picture is left out.
    """
    from bot import charts  # loaded by the first picture, not by every worker that only answers in words

    if links is not None:
        drawn = charts.picture(heatmap, scope)
        return render(CardPicture(drawn.title, drawn.alt, links.share(drawn.png, drawn.filename, PNG, lifetime)))
    drawn = charts.picture(heatmap, scope, charts.COMPACT)
    card = render(CardPicture(drawn.title, drawn.alt, drawn.uri))
    if message_bytes(card) <= MESSAGE_LIMIT_BYTES:
        return card
    return render(CardPicture(drawn.title, drawn.alt, None, instead))
