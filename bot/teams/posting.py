"""Scheduled posts in Teams: a digest, a who's-out or a reminder as a card, to a channel or a person.

The scheduler's Teams poster (:class:`core.ports.jobs.Poster`), kept in this package with every other
botbuilder import, so that a server without Teams never loads the Bot Framework's libraries.
"""

from __future__ import annotations

from typing import Any

from bot.digest_words import CHART_SCOPE, post_template, worded
from bot.teams import cards as teams_cards
from bot.teams import pictures
from bot.teams.notifier import TeamsNotifier
from bot.teams.pictures import CardPicture, PictureLinks
from core.domain.heatmap import HeatMap
from core.domain.lists import shorter
from core.ports import Unreachable
from core.service import LeaveService
from core.views import Person


class TeamsPoster:
    """Posts to a stored Teams channel, or to an employee's personal chat, through the notifier.

    Args:
        picture_links: where a digest's heat map is kept for the card to link to; None (no public
            address) to send it inside the card when it fits.
    """

    def __init__(self, service: LeaveService, notifier: TeamsNotifier,
                 picture_links: PictureLinks | None = None) -> None:
        self._service = service
        self._notifier = notifier
        self._picture_links = picture_links

    def card(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The post's card, its lists cut shorter when the message would be too large for Teams
        (:func:`bot.teams.pictures.fitted`). A picture inside the card is kept only beside the whole
        lists: it repeats their counts, so it is the first thing to go."""
        template = post_template(payload)

        def render(drawn: CardPicture | None, rows: int | None) -> dict[str, Any]:
            digest = worded(payload if rows is None else shorter(payload, rows))
            return teams_cards.render(template, digest=digest, picture=drawn)

        chart = payload.get("chart")
        if not isinstance(chart, dict):
            return pictures.fitted(lambda rows: render(None, rows))
        return pictures.pictured(
            lambda drawn: render(drawn, None) if drawn.inline else pictures.fitted(lambda rows: render(drawn, rows)),
            HeatMap.from_payload(chart), CHART_SCOPE, links=self._picture_links,
            lifetime=pictures.DIGEST_LIFETIME, instead=pictures.DIGEST_INSTEAD)

    def post(self, kind: str, address: str, payload: dict[str, Any]) -> None:
        card = self.card(payload)
        if kind == "channel":
            self._notifier.post_to_channel(address, card)
            return
        employee = self._service.employee(address)
        if employee is None:
            raise Unreachable(f"no employee {address}")
        self._notifier.post_to_person(Person(employee.employee_id, employee.name, employee.email), card)
