"""Neutral commands: what a person asked for, whichever door they used.

The text grammar (:mod:`core.language.grammar`) and each door's forms and buttons produce these; the
service (:meth:`core.service.LeaveService.execute`) runs the matching use case. The words people
type for each (:data:`USAGE`, :data:`EXAMPLES`) are kept here too, where every door's help can read them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from core.domain.amount import Amount
from core.domain.documents import DocumentFile
from core.domain.hours import TimeRange
from core.domain.model import HalfDay
from core.domain.reach import NotifyBy

#: One usage line per subcommand; the grammar's messages quote them and every door's help lists them.
USAGE: dict[str, str] = {
    "apply": "/leave apply TYPE START [to END] [half-day|first-half|second-half|morning|afternoon] [REASON]",
    "balance": "/leave balance [@person] [YEAR]",
    "list": "/leave list",
    "cancel": "/leave cancel ID [DATE [to DATE] | from DATE]",
    "pending": "/leave pending",
    "approve": "/leave approve ID [NOTE]",
    "reject": "/leave reject ID [REASON]",
    "team": "/leave team [DATE] | /leave team week|month [FROM]",
    "holidays": "/leave holidays [YEAR]",
    "optional": "/leave optional [YEAR]",
    "report": "/leave report PERIOD [DEPARTMENT] | /leave report FROM to TO [department DEPARTMENT]",
    "insight": "/leave insight quiet [DEPARTMENT]",
    "audit": "/leave audit [@person] [PERIOD]",
    "plan": "/leave plan TYPE START [to END] [half-day|first-half|second-half]",
    "delegate": "/leave delegate @person FROM [to TO] | /leave delegate off",
    "feed": "/leave feed",
    "web": "/leave web",
    "document": "/leave document ID [FILE]",
    "help": "/leave help [all]",
    "yes": "/leave yes",
    "payroll": "/leave payroll YYYY-MM",
    "adjust": "/leave adjust @person TYPE +N|-N REASON",
    "compoff": "/leave compoff claim DATE [half-day] REASON",
    "notify": "/leave notify [email|chat|both]",
}

#: One worked example per subcommand, shown next to the usage when words are missing.
EXAMPLES: dict[str, str] = {
    "apply": "/leave apply casual 24 Dec to 26 Dec family trip",
    "balance": "/leave balance @priya 2027",
    "list": "/leave list",
    "cancel": "/leave cancel LV-1042 28 Dec to 31 Dec",
    "pending": "/leave pending",
    "approve": "/leave approve LV-1042",
    "reject": "/leave reject LV-1042 the release is that week",
    "team": "/leave team tomorrow",
    "holidays": "/leave holidays 2027",
    "optional": "/leave optional 2027",
    "report": "/leave report 2026-Q4 Engineering",
    "insight": "/leave insight quiet Engineering",
    "audit": "/leave audit @priya 2026-11",
    "plan": "/leave plan privilege 14 Dec to 18 Dec",
    "delegate": "/leave delegate priya@example.com 21 Dec to 2 Jan",
    "feed": "/leave feed",
    "web": "/leave web",
    "document": "/leave document LV-1042 certificate.pdf",
    "help": "/leave help all",
    "yes": "/leave yes",
    "payroll": "/leave payroll 2026-11",
    "adjust": "/leave adjust @priya casual +1.5 worked the launch weekend",
    "compoff": "/leave compoff claim 21 Nov half-day release cut-over",
    "notify": "/leave notify email",
}

#: What each subcommand is for, in a few words, as help lists it beside the usage.
PURPOSE: dict[str, str] = {
    "apply": "apply for leave (or /leave apply alone for a form)",
    "balance": "your balances; managers and HR may ask about their people",
    "list": "your requests, newest first",
    "cancel": "cancel a request not yet started, or only some days still to come",
    "pending": "requests waiting for your decision",
    "approve": "approve a request waiting for you",
    "reject": "reject a request waiting for you, saying why",
    "team": "who in your team is out on a day (default today), or per day for two or four weeks",
    "holidays": "holidays that apply to you",
    "optional": "the optional (restricted) holidays you may pick, which you booked, and how many are left",
    "report": "HR only: a CSV of leave taken (2026-11, 2026-Q4, 2026)",
    "insight": "HR only: who had no leave in the last 90 days",
    "audit": "HR only: who did what, refused attempts included",
    "plan": "what-if: days, holidays, balance after and every check; nothing is created",
    "delegate": "who decides for you while you are away (delegate off to end)",
    "feed": "a calendar feed of your leave, for Google or Outlook",
    "web": "a personal link that signs you in to the web dashboard (works once, for 15 minutes)",
    "document": "open a request's documents, or hand one in",
    "help": "the commands for you; help all: every command, with an example of each",
    "yes": "apply both parts of the paid + unpaid split just offered (within 5 minutes)",
    "payroll": "HR only: the month's paid, unpaid and encashed days and adjustments, as a CSV",
    "adjust": "HR only: credit (+N) or debit (-N) a balance, saying why",
    "compoff": "claim a weekend day or holiday you worked; approved like leave, spent as comp-off",
    "notify": "where your notices go: by e-mail, in chat or both (alone: where they go now)",
}


class Audience(enum.StrEnum):
    """Who a subcommand is for: short help lists only the reader's, ``help all`` every one."""

    EVERYONE = "everyone"
    #: Whoever decides leave: managers, HR, anyone with reports or standing in for an approver.
    APPROVERS = "approvers"
    HR = "hr"


#: Who each subcommand is for (the use cases still decide who may run it).
AUDIENCE: dict[str, Audience] = {
    **dict.fromkeys(("apply", "balance", "list", "cancel", "team", "holidays", "optional", "plan", "feed", "document",
                     "help"),
                    Audience.EVERYONE),
    **dict.fromkeys(("pending", "approve", "reject", "delegate"), Audience.APPROVERS),
    **dict.fromkeys(("report", "insight", "audit"), Audience.HR),
    "yes": Audience.EVERYONE,
    "web": Audience.EVERYONE,
    "payroll": Audience.HR,
    "adjust": Audience.HR,
    "compoff": Audience.EVERYONE,
    "notify": Audience.EVERYONE,
}

#: What the short help leaves to ``help all``: rarely typed, or explained where they are needed.
FULL_HELP_ONLY = frozenset({"feed", "document", "help", "yes", "notify"})


@dataclass(frozen=True)
class Help:
    """``/leave`` or ``/leave help``: what the asker can type; ``full`` (``help all``): every command."""

    full: bool = False


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
    #: For a type counted in hours (``permission``): the hours of the one day asked for.
    time_range: TimeRange | None = None


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
    """The whole request, or (``start`` to ``end``) some of its days that have not come yet.

    ``onward`` (``cancel LV-1042 from 9 Dec``): from ``start`` to the request's last day, the words
    for someone who came back early. Only HR may give back days already begun or past.
    """

    request_id: int
    start: date | None = None
    end: date | None = None
    onward: bool = False


@dataclass(frozen=True)
class PlanLeave:
    """What-if: judge an application without making it."""

    leave_type: str
    start: date
    end: date
    half: HalfDay | None = None
    #: As :attr:`ApplyLeave.time_range`.
    time_range: TimeRange | None = None


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
class ShowOptionalHolidays:
    """``/leave optional [YEAR]``: the region's optional holidays of the year, with the asker's bookings."""

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


@dataclass(frozen=True)
class OpenDashboard:
    """``/leave web``: a one-time link that signs the asker in to the web dashboard."""


@dataclass(frozen=True)
class ShowDocuments:
    """``/leave document ID``: a request's documents, to open (its employee, approver chain and HR)."""

    request_id: int


@dataclass(frozen=True)
class HandInDocument:
    """A supporting document for one of the asker's own requests.

    Attributes:
        request_id: the request; None when the file came without one (dropped into a chat): then
            the request named in ``words`` (``LV-1042``), else the asker's one request with a
            document due.
        file: the file as the door received it; None when none came with the words (``/leave
            document LV-1042 FILE`` typed where no file can be read): the asker is told how.
        path: the FILE typed in the terminal, for that door to read into ``file``.
        words: what the person wrote with the file.
    """

    request_id: int | None = None
    file: DocumentFile | None = None
    path: str = ""
    words: str = ""


@dataclass(frozen=True)
class ConfirmSplit:
    """``yes``: apply the paid + unpaid split the asker was just offered (:mod:`core.domain.splits`)."""


@dataclass(frozen=True)
class Payroll:
    """``/leave payroll YYYY-MM``: HR's month for payroll; ``label`` is the month (``2026-11``)."""

    label: str
    start: date
    end: date


@dataclass(frozen=True)
class AdjustBalance:
    """``/leave adjust PERSON TYPE +N|-N REASON``: HR credits (``amount`` above zero) or debits a
    balance in the current leave year. ``person`` and ``leave_type`` are passed on as typed."""

    person: str
    leave_type: str
    amount: Amount
    reason: str


@dataclass(frozen=True)
class ClaimCompOff:
    """``/leave compoff claim DATE [half-day] REASON``: a day off worked, claimed back as comp-off."""

    day: date
    half: HalfDay | None
    reason: str


@dataclass(frozen=True)
class DecideClaim:
    """``approve CO-1001`` / ``reject CO-1001``: a comp-off claim decided as leave is (:class:`Decide`)."""

    claim_id: int
    approve: bool
    reason: str = ""


@dataclass(frozen=True)
class ChooseNotify:
    """``/leave notify [email|chat|both]``: how the asker hears of their notices; None: just show it."""

    choice: NotifyBy | None = None


Command = (
    Help | OpenApplyForm | ApplyLeave | ShowBalance | ListRequests | CancelRequest | ShowPending
    | Decide | ShowTeam | ShowHolidays | ShowOptionalHolidays | Report | PlanLeave | Delegate | ShowFeed | OpenDashboard
    | ShowTeamChart | ShowQuiet
    | ShowAudit | ShowDocuments | HandInDocument | ConfirmSplit | Payroll | AdjustBalance
    | ClaimCompOff | DecideClaim | ChooseNotify
)


# -- HR's desk: what the dashboard's HR pages ask for. Nobody types these (no grammar, no help
# entry): a door builds them from a form and runs them with ``LeaveService.desk``, which refuses
# anyone but an HR admin and records the attempt, as chat does for HR's typed commands.


@dataclass(frozen=True)
class ShowPeople:
    """The directory, narrowed to the people whose name, e-mail or department contains ``search``."""

    search: str = ""


@dataclass(frozen=True)
class ImportEmployees:
    """The employee CSV, imported all or nothing (as ``leavebot employees import``)."""

    csv_text: str


@dataclass(frozen=True)
class DeactivateEmployee:
    """Mark a person inactive: they can no longer sign in or act; their history stays."""

    email: str


@dataclass(frozen=True)
class ShowPolicy:
    """The policy version in force, and the versions loaded before it."""


@dataclass(frozen=True)
class LoadPolicy:
    """A new policy version (the document as read from its YAML), checked as ``leavebot policies load``
    checks it; ``name`` is what the audit log calls it (the uploaded file's name)."""

    document: object
    name: str


@dataclass(frozen=True)
class ShowHolidayDesk:
    """Each region's holidays of ``year``, with its locations and the country code to sync by."""

    year: int


@dataclass(frozen=True)
class SyncHolidays:
    """Store a country's (or one subdivision's) public holidays of a year (as ``leavebot holidays sync``)."""

    country: str
    subdivision: str | None
    year: int


@dataclass(frozen=True)
class SearchAudit:
    """The audit log searched by person (actor or employee concerned), action, dates and request."""

    person: str | None = None
    action: str | None = None
    start: date | None = None
    end: date | None = None
    request_id: int | None = None


@dataclass(frozen=True)
class ShowOps:
    """The scheduled jobs' last runs, what waits in the outbox (and why it failed), calendar failures."""


DeskCommand = (
    ShowPeople | ImportEmployees | DeactivateEmployee | ShowPolicy | LoadPolicy | ShowHolidayDesk | SyncHolidays
    | SearchAudit | ShowOps
)
