"""What the card buttons do (``Action.Execute`` verbs) and which card answers each command.

Each verb becomes one neutral core command, exactly as typed commands do; the answer is the card
that replaces the one that was clicked, for the person who clicked it.

Verbs: ``apply`` (the form's submit), ``applyForm`` (open the form), ``approve`` / ``reject``
(``data.requestId``; a rejection's reason from the box ``reason-<requestId>``), ``refresh`` (Teams
asking for a card's current state), ``openDocument`` (``data.requestId``: one-time links to the
request's documents), ``dashboard`` (a fresh one-time sign-in link to the web dashboard), ``run``
(``data.command``, one of the welcome card's words: run as if the clicker had typed it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import date
from typing import Any

from bot.downloads import DownloadLinks
from bot.teams import cards
from bot.teams.cards import Card
from bot.teams.directory import TeamsDirectory
from bot.teams.identity import Sender, Unplaced
from bot.teams.pictures import PictureLinks
from core.commands import (
    ApplyLeave,
    Command,
    Decide,
    DecideClaim,
    OpenApplyForm,
    OpenDashboard,
    ShowDocuments,
    ShowPending,
)
from core.domain.compoff import is_claim_number, parse_claim_number
from core.domain.dates import MAX_REQUEST_NUMBER, parse_request_id
from core.domain.hours import time_range_of_fields
from core.domain.model import REQUEST_NUMBER_OFFSET, Employee, HalfDay, RequestStatus
from core.errors import LeaveError
from core.service import UNAVAILABLE, LeaveService
from core.views import (
    AppliedView,
    ApplyFormView,
    CancelledView,
    DecidedView,
    DocumentsView,
    RefusalView,
    RequestView,
    SeenRequestView,
    TeamChartView,
    View,
)

FORM_FIELDS = ("leaveType", "start", "end", "half", "reason", "documentRef", "timeFrom", "timeTo")

Run = Callable[..., Awaitable[Any]]


class CardActions:
    """Turns card actions into core commands and views into the cards that answer them.

    Args:
        run: runs a synchronous call (the core, the database) off the event loop.
        picture_links: where a heat map is kept for a card to link to; None (no public address)
            to send it inside the card.
        document_links: where a request's documents are kept for their one-time links; None:
            they are only listed.
    """

    def __init__(self, service: LeaveService, directory: TeamsDirectory, run: Run,
                 picture_links: PictureLinks | None = None, document_links: DownloadLinks | None = None) -> None:
        self._service = service
        self._directory = directory
        self._run = run
        self._picture_links = picture_links
        self._document_links = document_links

    async def act(self, sender: Sender, user_id: str, verb: str, data: Mapping[str, Any]) -> Card:
        """The card answering one button; ``user_id`` is the clicker's Teams id (for refreshes).

        A button that is a command runs as one, the core finding the clicker in its unit of work.

        Raises:
            Unplaced: nothing places the clicker (no e-mail for an account linked to nobody, or
                someone the directory does not know clicked what is no command); nothing ran.
            LeaveError: the core refused someone it does not know (recorded), or could not be reached.
        """
        if verb in ("approve", "reject"):
            return await self._decide(sender, verb == "approve", data)
        if verb == "apply":
            return await self._apply(sender, user_id, data)
        if verb in ("applyForm", "dashboard"):
            view, viewer = await self._execute(sender, OpenApplyForm() if verb == "applyForm" else OpenDashboard())
            return await self.card_for(view, viewer, user_id)
        if verb == "refresh":
            return await self._refresh(sender, data)
        if verb == "openDocument":
            return await self._open_documents(sender, user_id, data)
        if verb == "run":
            return await self._run_typed(sender, user_id, data)
        if await sender.known() is None:
            raise Unplaced()
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
                                 notice=notice, reader_id=viewer.employee_id)

    async def _decide(self, sender: Sender, approve: bool, data: Mapping[str, Any]) -> Card:
        shown = str(data.get("requestId") or "")
        if is_claim_number(shown):
            # A comp-off claim's card: decided as a request is; its reason box is named after it too.
            reason = str(data.get(f"reason-{shown}") or "").strip()
            view, viewer = await self._execute(sender, DecideClaim(parse_claim_number(shown), approve, reason))
            return await self.card_for(view, viewer, "")
        request_id = _request_id(data)
        if request_id is None:
            return cards.refusal_card("This card does not say which request it is about; see /leave pending.")
        # The reason box of a request is named after it (a card may list several); older cards had one "reason".
        reason = str(data.get(f"reason-{request_id}") or data.get("reason") or "").strip()
        view, viewer = await self._execute(sender, Decide(request_id, approve, reason))
        if data.get("origin") == "list":
            # Decided from a list of pending requests: show the list again, minus this one.
            notice = _outcome(view)
            pending, _ = await self._execute(sender, ShowPending(), counted=False)
            return await self.card_for(pending, viewer, "", notice=notice)
        if isinstance(view, DecidedView):
            return cards.request_card(view.request, await self._watchers(view.request), reader_id=viewer.employee_id)
        message = view.message if isinstance(view, RefusalView) else "That did not work; please try again."
        state = await self._state(viewer, request_id)
        if state is None:
            return cards.refusal_card(message)
        return await self._state_card(state, notice=message, reader_id=viewer.employee_id)

    async def _run_typed(self, sender: Sender, user_id: str, data: Mapping[str, Any]) -> Card:
        """A welcome button: its word read and run by the core for the clicker, as if they had typed it."""
        word = str(data.get("command") or "")
        if word not in cards.QUICK_COMMANDS:
            return cards.refusal_card("That button is not one I know; type help to see what I can do.")
        view, viewer = await self._execute(sender, word)
        return await self.card_for(view, viewer, user_id)

    async def _open_documents(self, sender: Sender, user_id: str, data: Mapping[str, Any]) -> Card:
        """The request's documents, each by a one-time link, for someone allowed to open them."""
        request_id = _request_id(data)
        if request_id is None:
            return cards.refusal_card("This card does not say which request it is about; see /leave list.")
        view, viewer = await self._execute(sender, ShowDocuments(request_id))
        if isinstance(view, DocumentsView) and self._document_links is not None and view.files:
            view = await self._run(self._document_links.hand_out, view)
        return await self.card_for(view, viewer, user_id)

    async def _apply(self, sender: Sender, user_id: str, data: Mapping[str, Any]) -> Card:
        values = {name: str(data.get(name) or "").strip() for name in FORM_FIELDS}
        try:
            command = _apply_command(values)
        except LeaveError as error:
            return await self._form_again(sender, values, error.message, data)
        form_id = str(data.get("formId") or "")[:64]
        # The core scopes the key to the person, so a form id seen elsewhere can't fetch someone else's request.
        key = f"teams-form:{form_id}" if form_id else None
        view, viewer = await self._execute(sender, command, key)
        if isinstance(view, RefusalView):
            return await self._form_again(sender, values, view.message, data)
        return await self.card_for(view, viewer, user_id)

    async def _form_again(self, sender: Sender, values: dict[str, str], error: str,
                          data: Mapping[str, Any]) -> Card:
        form, _ = await self._execute(sender, OpenApplyForm(), counted=False)
        if not isinstance(form, ApplyFormView):
            return cards.refusal_card(error)
        return cards.apply_form(form, values, error, str(data.get("formId") or "") or None)

    async def _refresh(self, sender: Sender, data: Mapping[str, Any]) -> Card:
        """The card as the clicker may see it now: no command, so they are looked up first."""
        viewer = await sender.known()
        if viewer is None:
            raise Unplaced()
        request_id = _request_id(data)
        state = await self._state(viewer, request_id) if request_id is not None else None
        if state is None:
            return cards.refusal_card("This request is not yours to see.")
        return await self._state_card(state, reader_id=viewer.employee_id)

    async def _state(self, viewer: Employee, request_id: int) -> SeenRequestView | None:
        """The request as ``viewer`` may see it now, with what an approver's card shows beside it."""
        state: SeenRequestView | None = await self._run(self._service.request_seen_by, viewer.email, request_id)
        return state

    async def _state_card(self, state: SeenRequestView, notice: str | None = None,
                          reader_id: str | None = None) -> Card:
        watchers = await self._watchers(state.request)
        extra = state.approver_notice
        if state.can_decide and extra is not None:
            return cards.approval_card(state.request, can_decide=True, facts=extra.facts,
                                       balance_after=extra.balance_after, team_out=extra.team_out,
                                       escalation=extra.escalation,
                                       refresh_user_ids=watchers, notice=notice, today=extra.today)
        return cards.request_card(state.request, watchers, notice, reader_id=reader_id)

    async def _watchers(self, request: RequestView) -> list[str]:
        """Who gets the request's card refreshed automatically: its approver and HR."""
        approvers = [request.approver.employee_id] if request.approver else []
        found: list[str] = await self._run(self._directory.refresh_user_ids, approvers)
        return found

    async def _execute(self, sender: Sender, command: str | Command, key: str | None = None,
                       counted: bool = True) -> tuple[View, Employee]:
        """Run a command for the clicker, in one unit of work that finds them too: the view, and who
        they are. ``counted`` False for a card redrawn after their click, which is not a second
        action against their rate limit.

        Raises:
            Unplaced: nothing places the clicker; nothing ran.
            LeaveError: the core refused someone it does not know (recorded), or could not be reached.
        """
        answer = await sender.ask(command, key, counted=counted)
        if answer.actor is None:
            raise LeaveError(answer.view.message if isinstance(answer.view, RefusalView) else UNAVAILABLE)
        return answer.view, answer.actor


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
    try:
        hours = time_range_of_fields(values["timeFrom"], values["timeTo"])
    except ValueError as error:
        raise LeaveError(str(error)) from None
    return ApplyLeave(values["leaveType"], start, end, half, values["reason"], values["documentRef"] or None,
                      time_range=hours)


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
    """The line above the list a decision was made from; a step approved says whom it is with now."""
    if isinstance(view, DecidedView):
        r = view.request
        if r.status is RequestStatus.PENDING:
            holder = "HR" if r.waiting_for == "hr" or r.approver is None else r.approver.name
            return f"You approved {r.number} — now with {holder}."
        return f"{r.number} {cards.STATUS_WORDS[r.status][0]}: {r.employee.name}, {r.type_name.lower()}."
    return view.message if isinstance(view, RefusalView) else ""


def _may_decide(viewer: Employee, request: RequestView) -> bool:
    """Whether a listed request gets Approve / Reject buttons.

    Someone else's pending request only appears in a list of what waits for the reader's decision
    (their own list holds only their own requests); the core checks again on the click.
    """
    return request.status is RequestStatus.PENDING and request.employee.employee_id != viewer.employee_id
