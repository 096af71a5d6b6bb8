"""Neutral commands: what a person asked for, whichever door they used.

The text grammar (:mod:`core.language.grammar`) and each door's forms and buttons produce these; the
service (:meth:`core.service.LeaveService.execute`) runs the matching use case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.domain.model import HalfDay


@dataclass(frozen=True)
class Help:
    pass


@dataclass(frozen=True)
class OpenApplyForm:
    """``/leave apply`` with nothing after it: the door shows a form."""


@dataclass(frozen=True)
class ApplyLeave:
    leave_type: str
    start: date
    end: date
    half: HalfDay | None = None
    reason: str = ""
    document_ref: str | None = None


@dataclass(frozen=True)
class ShowBalance:
    """``person`` is an e-mail, employee id or chat mention; None means the asker."""

    person: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class ListRequests:
    pass


@dataclass(frozen=True)
class CancelRequest:
    """The whole request, or (``start`` to ``end``) some of its days that have not come yet."""

    request_id: int
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class PlanLeave:
    """What-if: judge an application without making it."""

    leave_type: str
    start: date
    end: date
    half: HalfDay | None = None


@dataclass(frozen=True)
class Delegate:
    """Name who decides for me from ``start`` to ``end``; ``person`` None ends my delegations."""

    person: str | None
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class ShowPending:
    pass


@dataclass(frozen=True)
class Decide:
    request_id: int
    approve: bool
    reason: str = ""


@dataclass(frozen=True)
class ShowTeam:
    day: date


@dataclass(frozen=True)
class ShowTeamChart:
    """``/leave team week|month [FROM]``: people out per department per day, counts only."""

    days: int
    start: date


@dataclass(frozen=True)
class ShowQuiet:
    """``/leave insight quiet [DEPARTMENT]``: HR's names behind the digest's count."""

    department: str | None = None


@dataclass(frozen=True)
class ShowHolidays:
    year: int


@dataclass(frozen=True)
class Report:
    """HR's report between two dates: leave taken, and balances on the last day.

    ``label`` names the period (``2026-Q4``, or ``2026-10-01 to 2026-11-15``); ``department``, as
    typed, narrows it to one department.
    """

    label: str
    start: date
    end: date
    department: str | None = None


@dataclass(frozen=True)
class ShowAudit:
    """``/leave audit [@person] [PERIOD]``: HR's search of the audit log.

    ``person`` is passed on as typed (matched as the actor or as the employee concerned);
    ``start``/``end`` are the period's first and last days, ``label`` the period as shown.
    """

    person: str | None = None
    start: date | None = None
    end: date | None = None
    label: str | None = None


@dataclass(frozen=True)
class ShowFeed:
    """``/leave feed``: the asker's own calendar feed link."""


Command = (
    Help | OpenApplyForm | ApplyLeave | ShowBalance | ListRequests | CancelRequest | ShowPending
    | Decide | ShowTeam | ShowHolidays | Report | PlanLeave | Delegate | ShowFeed | ShowTeamChart | ShowQuiet
    | ShowAudit
)
