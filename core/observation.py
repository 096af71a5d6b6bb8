"""Watching the core's work from outside: what ran, where from, how it went.

The serving process measures the core (Prometheus metrics, a request id on every log line), but the
core knows nothing of either: it hands each unit of work to an injected :data:`Watcher` as an
:class:`Observation`, runs the work inside the watcher's context, and fills in the outcome. The
watcher owns timing, correlation and logging, so the core still reads no clock and no context.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

from core.commands import ApplyLeave, CancelRequest, Command, Decide, ListRequests, OpenApplyForm, PlanLeave

COMMAND, JOB, DELIVERY = "command", "job", "delivery"
OK, REFUSED, ERROR = "ok", "refused", "error"
FAILED, SKIPPED = "failed", "skipped"
#: A chat text that did not parse into a command.
UNPARSED = "unparsed"

#: Commands whose ``/leave`` word is not their class name; the others follow :func:`command_word`'s rule.
COMMAND_WORDS: dict[type, str] = {
    ApplyLeave: "apply", OpenApplyForm: "apply_form", ListRequests: "list", CancelRequest: "cancel",
    PlanLeave: "plan",
}


@dataclass
class Observation:
    """One unit of work as the watcher sees it; the core fills in ``outcome`` and ``problems``.

    Attributes:
        kind: ``command``, ``job`` or ``delivery``.
        name: the command's word (``apply``), the job's name (``accrual``) or the event's name.
        door: where a command came from (``slack``, ``teams``, ``console``...); empty otherwise.
        correlation: the request id the work continues, when it was recorded earlier (an outbox
            event carries the id of the request that wrote it).
        outcome: ``ok``, ``refused`` or ``error`` for commands; ``ok``, ``failed`` or ``skipped``
            (another runner had the period) for jobs; ``delivered``, ``retrying`` or ``given_up``
            for events.
        problems: what went wrong, in words, for the watcher to log under the work's request id.
    """

    kind: str
    name: str
    door: str = ""
    correlation: str | None = None
    outcome: str = OK
    problems: list[str] = field(default_factory=list)


#: Entered around each unit of work; yields the observation that the core then fills in.
Watcher = Callable[[Observation], AbstractContextManager[Observation]]


def unwatched(observation: Observation) -> AbstractContextManager[Observation]:
    """The watcher of a service nobody measures (tests, tools): it does nothing."""
    return nullcontext(observation)


def command_word(command: Command) -> str:
    """The ``/leave`` word of a command, so that metrics speak the words people type (README, "What people type").

    ``approve``/``reject`` for a decision; otherwise the class name in snake case without ``Show``
    (``ShowTeamChart`` is ``team_chart``), so that a new command is named without a change here.
    """
    if isinstance(command, Decide):
        return "approve" if command.approve else "reject"
    known = COMMAND_WORDS.get(type(command))
    if known is not None:
        return known
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(command).__name__.removeprefix("Show")).lower()
