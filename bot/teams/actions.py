"""What the card buttons do (``Action.Execute`` verbs) and which card answers each command.

Each verb becomes one neutral core command, exactly as typed commands do; the answer is the card
that replaces the one that was clicked, for the person who clicked it.

Verbs: ``apply`` (the form's submit), ``applyForm`` (open the form), ``approve`` / ``reject``
(``data.requestId``, optional ``reason``), ``refresh`` (Teams asking for a card's current state).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import date
from typing import Any

from bot.teams import cards
from bot.teams.cards import Card
from bot.teams.directory import TeamsDirectory
from bot.teams.pictures import PictureLinks
from bot.teams.request_state import RequestState, request_state
from core.commands import ApplyLeave, Decide, OpenApplyForm, ShowPending
from core.domain.dates import MAX_REQUEST_NUMBER, parse_request_id
from core.domain.model import REQUEST_NUMBER_OFFSET, Employee, HalfDay, RequestStatus
from core.errors import LeaveError
from core.ports import Clock, UnitOfWorkFactory
from core.service import LeaveService
from core.views import (
    AppliedView,
    ApplyFormView,
    CancelledView,
    DecidedView,
    RefusalView,
    RequestView,
    TeamChartView,
    View,
)

SOURCE = "teams"
FORM_FIELDS = ("leaveType", "start", "end", "half", "reason", "documentRef")

Run = Callable[..., Awaitable[Any]]


class CardActions:
    """Turns card actions into core commands and views into the cards that answer them.

    Args:
        run: runs a synchronous call (the core, the database) off the event loop.
        picture_links: where a heat map is kept for a card to link to; None (no public address)
            to send it inside the card.
    """

    def __init__(self, service: LeaveService, directory: TeamsDirectory, uow_factory: UnitOfWorkFactory,
                 clock: Clock, run: Run, picture_links: PictureLinks | None = None) -> None:
        self._service = service
        self._directory = directory
        self._uow_factory = uow_factory
        self._clock = clock
        self._run = run
        self._picture_links = picture_links

    async def act(self, viewer: Employee, user_id: str, verb: str, data: Mapping[str, Any]) -> Card:
        """The card answering one button; ``user_id`` is the clicker's Teams id (for refreshes)."""
        if verb in ("approve", "reject"):
            return await self._decide(viewer, verb == "approve", data)
        if verb == "apply":
            return await self._apply(viewer, user_id, data)
        if verb == "applyForm":
            return await self.card_for(await self._execute(viewer, OpenApplyForm()), viewer, user_id)
        if verb == "refresh":
            return await self._refresh(viewer, data)
        return cards.refusal_card("That button is not one I know; type help to see what I can do.")

    async def card_for(self, view: View, viewer: Employee, user_id: str, notice: str | None = None) -> Card:
        """The card for a view answering ``viewer``."""
        if isinstance(view, ApplyFormView):
            return cards.apply_form(view)
        if isinstance(view, TeamChartView):
            # Drawing the picture (and keeping it for its link) takes a moment.
            card: Card = await self._run(cards.render_view, view, picture_links=self._picture_links)
            return card
        refresh: list[str] = []
        if isinstance(view, AppliedView):
            # The employee's own card follows the request (approved, rejected) when they look at it.
            refresh = [user_id, *await self._watchers(view.request)]
        elif isinstance(view, DecidedView | CancelledView):
            refresh = await self._watchers(view.request)
        return cards.render_view(view, can_decide=lambda r: _may_decide(viewer, r), refresh_user_ids=refresh,
                                 notice=notice)

    async def _decide(self, viewer: Employee, approve: bool, data: Mapping[str, Any]) -> Card:
        request_id = _request_id(data)
        if request_id is None:
            return cards.refusal_card("This card does not say which request it is about; see /leave pending.")
        reason = str(data.get("reason") or "").strip()
        view = await self._execute(viewer, Decide(request_id, approve, reason))
        if data.get("origin") == "list":
            # Decided from a list of pending requests: show the list again, minus this one.
            notice = _outcome(view)
            pending = await self._execute(viewer, ShowPending(), counted=False)
            return await self.card_for(pending, viewer, "", notice=notice)
        if isinstance(view, DecidedView):
            return cards.request_card(view.request, await self._watchers(view.request))
        message = view.message if isinstance(view, RefusalView) else "That did not work; please try again."
        state = await self._state(viewer, request_id)
        if state is None:
            return cards.refusal_card(message)
        return await self._state_card(state, notice=message)

    async def _apply(self, viewer: Employee, user_id: str, data: Mapping[str, Any]) -> Card:
        values = {name: str(data.get(name) or "").strip() for name in FORM_FIELDS}
        try:
            command = _apply_command(values)
        except LeaveError as error:
            return await self._form_again(viewer, values, error.message, data)
        form_id = str(data.get("formId") or "")[:64]
        # Scoped to the person, so that a form id seen elsewhere can't fetch someone else's request.
        key = f"teams-form:{viewer.employee_id}:{form_id}" if form_id else None
        view = await self._execute(viewer, command, key)
        if isinstance(view, RefusalView):
            return await self._form_again(viewer, values, view.message, data)
        return await self.card_for(view, viewer, user_id)

    async def _form_again(self, viewer: Employee, values: dict[str, str], error: str,
                          data: Mapping[str, Any]) -> Card:
        form = await self._execute(viewer, OpenApplyForm(), counted=False)
        if not isinstance(form, ApplyFormView):
            return cards.refusal_card(error)
        return cards.apply_form(form, values, error, str(data.get("formId") or "") or None)

    async def _refresh(self, viewer: Employee, data: Mapping[str, Any]) -> Card:
        request_id = _request_id(data)
        state = await self._state(viewer, request_id) if request_id is not None else None
        if state is None:
            return cards.refusal_card("This request is not yours to see.")
        return await self._state_card(state)

    async def _state(self, viewer: Employee, request_id: int) -> RequestState | None:
        state: RequestState | None = await self._run(request_state, self._uow_factory, self._clock, viewer,
                                                      request_id)
        return state

    async def _state_card(self, state: RequestState, notice: str | None = None) -> Card:
        watchers = await self._watchers(state.request)
        extra = state.approver_notice
        if state.can_decide and extra is not None:
            return cards.approval_card(state.request, can_decide=True, facts=extra.facts,
                                       available_after=extra.available_after, team_out=extra.team_out,
                                       refresh_user_ids=watchers, notice=notice)
        return cards.request_card(state.request, watchers, notice)

    async def _watchers(self, request: RequestView) -> list[str]:
        """Who gets the request's card refreshed automatically: its approver and HR."""
        approvers = [request.approver.employee_id] if request.approver else []
        found: list[str] = await self._run(self._directory.refresh_user_ids, approvers)
        return found

    async def _execute(self, viewer: Employee, command: Any, key: str | None = None, counted: bool = True) -> View:
        """Run a command for the clicker; ``counted`` False for a card redrawn after their click, which
        is not a second action against their rate limit."""
        view: View = await self._run(self._service.execute, viewer.email, command, SOURCE, key, counted=counted)
        return view


def _request_id(data: Mapping[str, Any]) -> int | None:
    """``data.requestId``: the stored id as a number, or the id as shown (``LV-1042``) as text.

    None for anything else, a number no request can have included (negative, or past what the
    database stores: it would fail there instead of being refused here).
    """
    value = data.get("requestId")
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value <= MAX_REQUEST_NUMBER - REQUEST_NUMBER_OFFSET else None
    if isinstance(value, str) and value.strip():
        try:
            return parse_request_id(value)
        except LeaveError:
            return None
    return None


def _apply_command(values: Mapping[str, str]) -> ApplyLeave:
    """The form's fields as an application; what the form itself can check is checked here."""
    if not values["leaveType"]:
        raise LeaveError("Choose a leave type.")
    if not values["start"]:
        raise LeaveError("Pick the first day of your leave.")
    start = _form_date(values["start"], "first day")
    end = _form_date(values["end"], "last day") if values["end"] else start
    half = None if values["half"] in ("", "FULL") else _half(values["half"])
    return ApplyLeave(values["leaveType"], start, end, half, values["reason"], values["documentRef"] or None)


def _form_date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise LeaveError(f"The {what} '{text}' is not a date; pick it from the calendar.") from None


def _half(text: str) -> HalfDay:
    try:
        return HalfDay(text.upper())
    except ValueError:
        raise LeaveError("Choose a whole day, the first half or the second half.") from None


def _outcome(view: View) -> str:
    if isinstance(view, DecidedView):
        r = view.request
        return f"{r.number} {cards.STATUS_WORDS[r.status][0]}: {r.employee.name}, {r.type_name.lower()}."
    return view.message if isinstance(view, RefusalView) else ""


def _may_decide(viewer: Employee, request: RequestView) -> bool:
    """Whether a listed request gets Approve / Reject buttons.

    Someone else's pending request only appears in a list of what waits for the reader's decision
    (their own list holds only their own requests); the core checks again on the click.
    """
    return request.status is RequestStatus.PENDING and request.employee.employee_id != viewer.employee_id
