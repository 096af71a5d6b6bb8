"""Neutral view models: what a use case answers. Each door renders them with its own templates."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

from core.domain.amount import NO_DAYS, Amount
from core.domain.heatmap import HeatMap
from core.domain.hours import TimeRange
from core.domain.leave_year import CALENDAR_YEAR, LeaveYear
from core.domain.model import HalfDay, RequestStatus
from core.domain.reach import CHAT_AS_BEFORE, NotifyBy, Reach
from core.domain.text import counted


@dataclass(frozen=True)
class Person:
    employee_id: str
    name: str
    email: str
    #: How they hear of their notices; the outbox skips the doors they do not want.
    reach: Reach = CHAT_AS_BEFORE


@dataclass(frozen=True)
class BalanceRow:
    """One type's year: ``available = entitled - taken - pending - lapsed``; the ledger sums to
    ``available + pending``."""

    type_key: str
    code: str
    name: str
    entitled: Amount
    taken: Amount
    pending: Amount
    #: Days that left the year: expired at year end, carried into the next year, or paid out.
    lapsed: Amount = NO_DAYS
    #: Carried-forward days that will expire on ``expires_on`` unless used before.
    expiring: Amount = NO_DAYS
    expires_on: date | None = None
    #: Days still to accrue by the year's end; leave later in the year may already count on them.
    to_accrue: Amount = NO_DAYS
    #: False for loss of pay: no balance, only the days taken this year (and pending) are shown.
    paid: bool = True
    #: Of ``lapsed``, the days paid out at the year end (``overflow: encash``).
    paid_out: Amount = NO_DAYS

    #: Of ``entitled``, the days the year end of ``carried_from`` is expected to carry in, as things
    #: stand (it has not run yet): so that next year's leave can be booked in December.
    carried_expected: Amount = NO_DAYS
    carried_from: int | None = None
    #: ``2026 (1 Apr 2026 \u2013 31 Mar 2027)`` when the leave year is not the calendar year, so that
    #: "Left in ..." says which twelve months; empty for a calendar year.
    year_name: str = ""
    #: A per-occurrence type (maternity): what one occurrence may run to, and how many of its
    #: requests the person has (pending or approved); such a type has no yearly balance.
    per_occurrence: Amount = NO_DAYS
    occurrences: int = 0
    #: A type counted in hours (``permission``): the most hours one request may ask for, and how many
    #: requests may start in a month (None: any number); it has no balance either.
    hours_cap: Amount = field(default_factory=lambda: Amount.hours(0))
    per_month: int | None = None
    #: A comp-off type's credits still to spend: what is left of each and its last day, soonest first.
    credits: tuple[tuple[Amount, date], ...] = ()

    @property
    def counted_as(self) -> str:
        """What every door shows, in place of a balance, for a type that has none: ``182 days per
        occurrence · 1 used``, ``at most 2 hours at a time, 2 times a month``; else nothing."""
        if self.per_occurrence:
            return f"{self.per_occurrence.text()} per occurrence · {self.occurrences} used"
        if self.hours_cap:
            monthly = f", {counted(self.per_month, 'time')} a month" if self.per_month else ""
            return f"at most {self.hours_cap.text()} at a time{monthly}"
        return ""

    @property
    def available(self) -> Amount:
        return self.entitled - self.taken - self.pending - self.lapsed

    @property
    def carried_note(self) -> str:
        """``incl. 10 days carried from 2026 (expected)``, or nothing when none is expected."""
        if not self.carried_expected:
            return ""
        return f"incl. {self.carried_expected.text()} carried from {self.carried_from} (expected)"

    @property
    def at_year_end(self) -> Amount:
        """The projection, shown as one ("left at year end, with accrual"): what is available once
        the rest of the year's accruals are in. Year-end carry-forward and expiry are not foreseen."""
        return self.available + self.to_accrue


@dataclass(frozen=True)
class BalanceView:
    person: Person
    year: int
    rows: tuple[BalanceRow, ...]
    #: ``1 Apr 2026 \u2013 31 Mar 2027`` when the person's leave year is not the calendar year; else empty.
    span: str = ""


@dataclass(frozen=True)
class RequestView:
    id: int
    number: str
    employee: Person
    type_key: str
    type_name: str
    start: date
    end: date
    half: HalfDay | None
    days: Amount
    status: RequestStatus
    reason: str
    approver: Person | None
    document_due: bool = False
    decided_by: Person | None = None
    decided_at: datetime | None = None
    decision_note: str = ""
    created_at: datetime | None = None
    #: The level a pending request waits at: ``manager`` or ``hr``.
    waiting_for: str | None = None
    #: Warnings for the approver (team limit, blackout).
    flags: tuple[str, ...] = ()
    #: Days given back by a partial cancel.
    cancelled_dates: tuple[date, ...] = ()
    #: Filed after the leave began (its first day is before the day it was filed).
    back_dated: bool = False
    #: It waits for the decision of the person reading the view ("waiting for you").
    yours_to_decide: bool = False
    #: A pending request past its first step: who approved the steps before the one it waits at.
    approved_by: tuple[Person, ...] = ()
    #: A pending request can be rejected only with a reason (the policy's ``reject_reason``).
    reject_reason_required: bool = False
    #: False for loss of pay (an unpaid type): every card and notice says "unpaid" plainly.
    paid: bool = True
    #: The hours of a request of a type counted in hours (``days`` is then in hours).
    time_range: TimeRange | None = None


@dataclass(frozen=True)
class CommandHelp:
    """One command as help shows it: its usage (``/leave apply TYPE START ...``), what it is for, an example."""

    word: str
    usage: str
    purpose: str
    example: str


@dataclass(frozen=True)
class LeaveTypeView:
    """A leave type someone may take, as they may type it: its key or its code."""

    key: str
    code: str
    name: str
    #: For a type counted in hours, how to ask for it: ``hours, at most 2, e.g. 16:00-18:00``.
    hours: str = ""


@dataclass(frozen=True)
class HelpView:
    """What the asker can type: the commands for them (``full``: every command, for ``help all``),
    the leave types they may take, and their balances."""

    balance: BalanceView | None = None
    commands: tuple[CommandHelp, ...] = ()
    full: bool = False
    leave_types: tuple[LeaveTypeView, ...] = ()


@dataclass(frozen=True)
class ApplyFormView:
    """The door's apply form: the types the person may choose from, as (key, label); when some are
    counted in hours (a "permission"), their keys, and the form asks for the hours too."""

    leave_types: tuple[tuple[str, str], ...]
    hours_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class AppliedView:
    request: RequestView
    #: The balance of the request's type in each year it touches, with this request counted: the
    #: rows ``balance`` shows from now on.
    balance_after: dict[int, BalanceRow] = field(default_factory=dict)
    duplicate: bool = False


@dataclass(frozen=True)
class SplitAppliedView:
    """The ``yes`` to an offer of unpaid leave: the requests it made, the paid part first.

    ``duplicate`` when a door's replay of the same ``yes`` found them made already.
    """

    requests: tuple[RequestView, ...]
    duplicate: bool = False


@dataclass(frozen=True)
class DecidedView:
    request: RequestView


@dataclass(frozen=True)
class CancelledView:
    request: RequestView
    restored: Amount


@dataclass(frozen=True)
class AdjustedView:
    """An HR correction of one person's balance of one type in one leave year.

    ``change`` is signed (a credit above zero); ``before`` and ``after`` are what was available,
    pending requests held back; ``by`` is None for the operator's command line (``leavebot adjust``).
    ``duplicate``: the same chat request came again and nothing more was written.
    """

    person: Person
    by: Person | None
    type_name: str
    year: int
    change: Amount
    reason: str
    before: Amount
    after: Amount
    duplicate: bool = False


@dataclass(frozen=True)
class CompOffClaimView:
    """A comp-off claim as it stands after it was made or decided at one level (:mod:`core.compoff`).

    ``waiting_for`` is the approver it waits for (None: it waits for HR, or is decided);
    ``credit_until`` the last day its credit may be spent, once approved.
    """

    number: str
    person: Person
    day: date
    half: HalfDay | None
    days: Amount
    reason: str
    status: RequestStatus
    waiting_for: Person | None = None
    waiting_hr: bool = False
    decided_by: Person | None = None
    note: str = ""
    credit_until: date | None = None


@dataclass(frozen=True)
class RequestListView:
    title: str
    requests: tuple[RequestView, ...]
    #: With ``pending``: the comp-off claims waiting for the reader too.
    claims: tuple[CompOffClaimView, ...] = ()
    #: With ``list``: the reader's own comp-off claims, each with its status.
    own_claims: tuple[CompOffClaimView, ...] = ()


@dataclass(frozen=True)
class HomeView:
    """A person's home page (the Slack App Home tab): their balances, their upcoming and pending
    leave, and what waits for their decision, all read at once.

    ``name`` is how to greet them; ``today`` is their local date (what may still be cancelled);
    ``show_queue`` is True for approvers even when nothing waits; ``problems`` says why something
    could not be shown (e.g. the directory does not know them), and then the rest is empty.
    ``claims`` are their own comp-off claims (as ``list`` shows them), ``queue_claims`` the claims
    waiting for their decision (as ``pending`` shows them).
    """

    name: str
    today: date
    balance: BalanceView | None = None
    upcoming: tuple[RequestView, ...] = ()
    queue: tuple[RequestView, ...] = ()
    show_queue: bool = False
    problems: tuple[str, ...] = ()
    claims: tuple[CompOffClaimView, ...] = ()
    queue_claims: tuple[CompOffClaimView, ...] = ()


@dataclass(frozen=True)
class AbsenceView:
    """Someone's leave as another person sees it: ``type_name`` is "Out" unless they may see the type
    (:mod:`core.policy.privacy`); ``back_on`` is their first working day back."""

    person: Person
    type_name: str
    start: date
    end: date
    half: HalfDay | None
    status: RequestStatus
    back_on: date | None = None


@dataclass(frozen=True)
class TeamView:
    day: date
    absences: tuple[AbsenceView, ...]


@dataclass(frozen=True)
class MonthDay:
    """One day of a team month: ``off`` when it is a weekend day or a holiday of the viewer, and
    the holiday's name (empty on other days)."""

    day: date
    off: bool = False
    holiday: str = ""


@dataclass(frozen=True)
class MonthCell:
    """One person's leave on one day, as the viewer may see it: ``label`` is the type's name or
    "Out" (:mod:`core.policy.privacy`), ``code`` its short form (the type's code, or "Out");
    ``half`` for a half day."""

    label: str
    code: str
    status: RequestStatus
    half: HalfDay | None = None


@dataclass(frozen=True)
class MonthRow:
    """A person out at least once in the month; ``cells`` has one entry per day (None: at work or off)."""

    person: Person
    department: str
    location: str
    cells: tuple[MonthCell | None, ...]


@dataclass(frozen=True)
class TeamMonthView:
    """The web door's team calendar: who is out on each day of ``month`` (its first day), among the
    people the viewer may see (``scope``), narrowed to ``department`` and ``location`` when chosen
    from ``departments`` and ``locations``; ``people`` counts those in view."""

    month: date
    days: tuple[MonthDay, ...]
    rows: tuple[MonthRow, ...]
    scope: str
    people: int
    departments: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    department: str | None = None
    location: str | None = None


@dataclass(frozen=True)
class TeamChartView:
    """``/leave team week|month``: the heat map of ``scope`` (one department, or all for HR)."""

    heatmap: HeatMap
    scope: str


@dataclass(frozen=True)
class QuietView:
    """HR's list of people with no leave from ``since`` to ``until``, as (department, person)."""

    since: date
    until: date
    department: str | None
    people: tuple[tuple[str, Person], ...]


@dataclass(frozen=True)
class HolidayRow:
    day: date
    name: str


@dataclass(frozen=True)
class HolidaysView:
    year: int
    region: str
    holidays: tuple[HolidayRow, ...]


@dataclass(frozen=True)
class OptionalHolidayRow:
    """A listed optional holiday and the asker's booking of it (``request``: its number), if any."""

    day: date
    name: str
    request: str | None = None
    status: RequestStatus | None = None


@dataclass(frozen=True)
class OptionalHolidaysView:
    """``/leave optional``: the year's optional holidays of the asker's region, which they booked,
    and how many more they may book (``type_key``: the type that books one; None: not theirs)."""

    year: int
    region: str
    allowed: int
    left: int
    holidays: tuple[OptionalHolidayRow, ...]
    type_key: str | None = None
    #: The region's leave year, which ``year`` names and the allowance is counted in.
    leave_year: LeaveYear = CALENDAR_YEAR

    @property
    def year_name(self) -> str:
        """``2026``, or ``2026 (1 Apr 2026 \u2013 31 Mar 2027)`` for a leave year that is not the calendar year."""
        return self.leave_year.name(self.year)


@dataclass(frozen=True)
class ReportFile:
    """One file of a report: its name and its text (a CSV)."""

    name: str
    text: str


@dataclass(frozen=True)
class ReportTotal:
    """The days of one leave type taken in a report's period, everyone together."""

    type_key: str
    name: str
    days: Amount


@dataclass(frozen=True)
class ReportLink:
    """Where a door put one of a report's files: a download link (Teams) or a path written (terminal)."""

    name: str
    location: str
    expires_at: datetime | None = None


@dataclass(frozen=True)
class ReportView:
    """HR's report: leave taken per person and type in the period, and balances on its last day.

    ``files`` holds the two CSVs (taken first); ``people`` counts those who took leave in it.
    ``links`` is filled by a door that hands the files out itself rather than attaching them.
    """

    label: str
    start: date
    end: date
    department: str | None
    people: int
    totals: tuple[ReportTotal, ...]
    files: tuple[ReportFile, ...]
    links: tuple[ReportLink, ...] = ()


@dataclass(frozen=True)
class PayrollView:
    """HR's month for payroll: one CSV row per person with leave or ledger movements in it, and the totals.

    ``files`` holds the one CSV (delivered as a report's files are); ``links`` as for :class:`ReportView`.
    """

    label: str
    start: date
    end: date
    people: int
    paid: tuple[ReportTotal, ...]
    unpaid: Amount
    encashed: Amount
    adjusted: Amount
    files: tuple[ReportFile, ...]
    links: tuple[ReportLink, ...] = ()


#: Views that carry files, which each door hands out the same way (Slack: into the asker's direct
#: messages; Teams: a download link each; the terminal: written into a folder).
FilesView = ReportView | PayrollView
#: One of :data:`FilesView`, kept as it was by a door that adds its ``links``.
FilesT = TypeVar("FilesT", bound=FilesView)


@dataclass(frozen=True)
class DocumentInfo:
    """One supporting document kept with a request, as it is listed (its file is not read)."""

    id: int
    name: str
    media_type: str
    size: int
    handed_in_at: datetime


@dataclass(frozen=True)
class DocumentCopy:
    """A document with its file, for a door to hand out: by one-time link (Slack, Teams) or written
    to disk (the terminal)."""

    info: DocumentInfo
    content: bytes


@dataclass(frozen=True)
class DocumentHandedInView:
    """The reply to a document handed in: kept with the request, which no longer waits for one.

    Nothing changed when ``duplicate`` (the platform told of this very upload before: a door that
    answered then need not answer again) or ``repeated`` (the same file was handed in for the
    request before, in another upload: the person is told so).
    """

    request: RequestView
    document: DocumentInfo
    duplicate: bool = False
    repeated: bool = False


@dataclass(frozen=True)
class DocumentsView:
    """A request's documents, for someone allowed to open them (its employee, approver chain, HR).

    ``files`` are the documents with their bytes, oldest first; a door that hands them out says
    where in ``links`` (one each, same order: a one-time download link, or the path it wrote).
    ``yours``: the asker is the request's employee, who hands documents in; ``how_to``: tell them
    how (they asked to hand one in without a file, or one is due and none was handed in yet).
    """

    request: RequestView
    files: tuple[DocumentCopy, ...] = ()
    links: tuple[ReportLink, ...] = ()
    yours: bool = False
    how_to: bool = False


@dataclass(frozen=True)
class CheckView:
    name: str  # notice, overlap, balance, blackout, team_limit
    ok: bool
    message: str = ""


@dataclass(frozen=True)
class PlanView:
    """What an application would give, without making it."""

    type_name: str
    start: date
    end: date
    half: HalfDay | None
    days: Amount
    holidays: tuple[HolidayRow, ...]
    #: As :attr:`AppliedView.balance_after`: the balance once such a request is made.
    balance_after: dict[int, BalanceRow]
    checks: tuple[CheckView, ...]
    approval: tuple[str, ...]
    flags: tuple[str, ...] = ()
    expiring: Amount = NO_DAYS
    expires_on: date | None = None

    @property
    def would_pass(self) -> bool:
        return all(check.ok for check in self.checks)


@dataclass(frozen=True)
class DelegationView:
    """``delegate`` decides for the asker from ``start`` to ``end``; None: delegations ended."""

    delegate: Person | None
    start: date | None = None
    end: date | None = None
    ended: int = 0


@dataclass(frozen=True)
class NotifyView:
    """How the asker hears of their notices: ``chosen`` (None: the default), what that means for
    them (``media``: ``chat``, ``email``), whether it was ``changed`` just now, and whether
    e-mail is set up on this server (``email_enabled``; a choice of e-mail is kept either way)."""

    person: Person
    chosen: NotifyBy | None
    media: frozenset[str]
    changed: bool
    email_enabled: bool

    @property
    def where(self) -> str:
        """``in chat``, ``by e-mail to …`` or both, as every door words it."""
        by_email = f"by e-mail to {self.person.email}"
        if self.media == {"chat", "email"}:
            return f"in chat (Slack or Teams) and {by_email}"
        return by_email if self.media == {"email"} else "in chat (Slack or Teams)"

    @property
    def lines(self) -> tuple[str, ...]:
        """What the answer says, one sentence a line, the same in every door."""
        said = [f"Your notices {'now go' if self.changed else 'go'} {self.where}."]
        if self.chosen is None:
            said.append("That is the default; choose with /leave notify email, chat or both.")
        if self.chosen in (NotifyBy.EMAIL, NotifyBy.BOTH) and not self.email_enabled:
            said.append("E-mail is not set up on this server yet: your choice is kept and takes effect once it is.")
        return tuple(said)


@dataclass(frozen=True)
class FeedView:
    """A new link to the asker's own calendar feed: its path on this server (``/calendar/TOKEN.ics``),
    and the full link when the server's public address is known. The link is shown this once;
    ``replaced`` says that an earlier link of theirs stopped working."""

    person: Person
    path: str
    replaced: bool = False
    url: str | None = None


@dataclass(frozen=True)
class DashboardLinkView:
    """``/leave web``: a personal link that signs the asker in to the web dashboard, once, until
    ``expires_at`` (``minutes`` from now): its path, and the full link when the public address is known."""

    person: Person
    path: str
    expires_at: datetime
    minutes: int
    url: str | None = None


@dataclass(frozen=True)
class WebVisitor:
    """Who a dashboard session belongs to, as the pages need them: the nav shows HR's pages to HR,
    the approvals to those who decide (``is_manager``); the core still decides every action."""

    employee_id: str
    email: str
    name: str
    is_hr: bool
    is_manager: bool
    #: Their IANA time zone: what "today" is for them on the pages (which requests may still be cancelled).
    time_zone: str


@dataclass(frozen=True)
class FeedItem:
    """One run of days of approved leave in an iCalendar feed; ``title`` is already private where it must be."""

    uid: str
    title: str
    first: date
    last: date  # inclusive
    half: HalfDay | None
    stamp: datetime


@dataclass(frozen=True)
class Feed:
    """What a feed link serves; the door turns it into iCalendar text."""

    name: str
    items: tuple[FeedItem, ...]


@dataclass(frozen=True)
class CalendarFailureLine:
    """A calendar sync a provider refused for good, as HR reads it (``request`` as shown: ``LV-1042``)."""

    request: str
    provider: str
    employee: str  # the e-mail of the request's owner (the calendar's, when the request is gone)
    at: datetime
    detail: str


@dataclass(frozen=True)
class CalendarStatusView:
    """``leavebot calendar status``: events kept per provider, and the permanent failures, newest first."""

    events: dict[str, int]
    failures: tuple[CalendarFailureLine, ...]


@dataclass(frozen=True)
class ResyncView:
    """What ``leavebot calendar resync`` did: events written and removed over the requests checked,
    the refusals (``LV-1042 lena@x.test: …``, kept for ``calendar status``) and the syncs to retry
    later (``LV-1042 google: try again later: …``)."""

    checked: int
    written: int
    removed: int
    refused: tuple[str, ...]
    later: tuple[str, ...]


class NoticeKind(enum.StrEnum):
    APPROVAL_NEEDED = "approval_needed"  # to the approver: the card with Approve / Reject
    DECIDED = "decided"  # to the employee: the outcome
    REQUEST_CLOSED = "request_closed"  # to the approver: decided, cancelled or shortened; update the cards
    REASSIGNED = "reassigned"  # to the employee and the previous approver: who holds the request now
    CALENDAR = "calendar"  # to calendar targets only: bring the employee's calendars in line with the request
    DOCUMENT_ADDED = "document_added"  # to the approvers: a document was handed in, with a way to open it
    CORRECTED = "corrected"  # to the employee and the approver: HR cancelled or shortened leave that had begun
    ADJUSTED = "adjusted"  # to the employee: HR credited or debited their balance (a BalanceNotice)


@dataclass(frozen=True)
class Escalation:
    """Why a pending request reached its approver by escalation: ``unanswered`` (None: someone no
    longer in the directory) had it ``working_days`` working days without deciding; the request
    has waited ``waited_days`` calendar days since it was filed. ``by_reader``: the reader is the
    one who had it (an HR admin who was also its approver), so the card does not name them to
    themself."""

    unanswered: Person | None
    working_days: int
    waited_days: int
    by_reader: bool = False

    @property
    def line(self) -> str:
        """The one sentence every door shows above the facts of the card."""
        waited = f"waiting {counted(self.waited_days)} since it was filed"
        held = counted(self.working_days, "working day")
        if self.by_reader:
            return f"Escalated to HR after {held} with you; {waited}"
        who = f" from {self.unanswered.name}" if self.unanswered else ""
        return f"Escalated to you: no answer{who} in {held}; {waited}"


@dataclass(frozen=True)
class Notice:
    """Something a door must tell one person, built from an outbox event.

    ``key`` is unique within the event (e.g. ``approval_needed:E2``), so a door's delivery of it
    is recorded once and never repeated.
    """

    key: str
    kind: NoticeKind
    recipient: Person
    request: RequestView
    #: For the approver: the balance of the request's type in each year it touches, this request
    #: counted (what ``balance`` shows the employee, and what is left once it is approved).
    balance_after: dict[int, BalanceRow] = field(default_factory=dict)
    #: For the approver: who else in the team is out during the request, by date.
    team_out: tuple[AbsenceView, ...] = ()
    #: Short facts for the approver, e.g. "Applied 12 days ahead", "Document due".
    facts: tuple[str, ...] = ()
    #: For REASSIGNED: who holds the request now (None: HR).
    holder: Person | None = None
    #: For the approver of a request that moved up to them for want of an answer: why, and how long it waited.
    escalation: Escalation | None = None
    #: For DOCUMENT_ADDED: the document handed in.
    document: DocumentInfo | None = None
    #: Set by the outbox for each door: the (event, target) this delivery is, which a door may
    #: attach to what it sends so as to recognise it later.
    delivery_id: str = ""
    #: Set by the outbox when an earlier round may have sent this notice without recording it: a
    #: door that can look up what it sent since then should, rather than send it twice.
    sent_since: datetime | None = None
    #: The recipient's local date when the notice was made: dates in their current year read without it.
    today: date | None = None
    #: For CORRECTED: the HR admin who cancelled or shortened the leave.
    by: Person | None = None


@dataclass(frozen=True)
class BalanceNotice:
    """Something a door must tell one person about their balance rather than a request: an HR
    adjustment (:attr:`NoticeKind.ADJUSTED`). ``key``, ``delivery_id`` and ``sent_since`` are as
    for a :class:`Notice`."""

    key: str
    kind: NoticeKind
    recipient: Person
    adjustment: AdjustedView
    delivery_id: str = ""
    sent_since: datetime | None = None


@dataclass(frozen=True)
class ClaimNotice:
    """A comp-off claim someone must hear of: the approver while it waits for them
    (:attr:`NoticeKind.APPROVAL_NEEDED`, with Approve / Reject), the claimant once it is decided
    (:attr:`NoticeKind.DECIDED`). ``key``, ``delivery_id`` and ``sent_since`` are as for a :class:`Notice`."""

    key: str
    kind: NoticeKind
    recipient: Person
    claim: CompOffClaimView
    delivery_id: str = ""
    sent_since: datetime | None = None


#: Whatever the outbox hands a door to tell someone.
AnyNotice = Notice | BalanceNotice | ClaimNotice


@dataclass(frozen=True)
class SeenRequestView:
    """One request as one person may see it right now, and whether they may approve or reject it:
    for redrawing a card they clicked or that their client asked to refresh.

    ``approver_notice`` is, for someone who may decide, what the approver's card shows beside the
    request (facts, balance after, who else is out), the same as the card the outbox sent.
    """

    request: RequestView
    can_decide: bool = False
    approver_notice: Notice | None = None


@dataclass(frozen=True)
class DecisionLinkView:
    """What an e-mailed Approve or Reject link is about, for its confirmation page (nothing is used
    up by looking): the approver it is bound to, what it does, and the request (as the approver's
    card shows it) or the comp-off claim; ``can_decide`` False once that is no longer theirs to decide.
    """

    approver: Person
    approve: bool
    can_decide: bool
    reason_required: bool
    request: SeenRequestView | None = None
    claim: CompOffClaimView | None = None


@dataclass(frozen=True)
class AuditLine:
    """One audit entry as HR reads it; ``request`` is the id as shown (``LV-1042``)."""

    at: datetime
    actor: str
    action: str
    outcome: str
    request: str | None
    source: str
    detail: str


@dataclass(frozen=True)
class AuditView:
    """``/leave audit``: the newest matching entries first; ``total`` counts all that match."""

    person: Person | None
    period: str | None
    entries: tuple[AuditLine, ...]
    total: int

    @property
    def title(self) -> str:
        """``Audit log for Ananya Iyer, 2026-11``: what was searched."""
        who = f" for {self.person.name}" if self.person else ""
        return f"Audit log{who}{f', {self.period}' if self.period else ''}"

    @property
    def cut(self) -> str:
        """The line that says the reply shows only part of what matched; empty when it shows all."""
        if self.total <= len(self.entries):
            return ""
        return (f"Showing {len(self.entries)} of {self.total} \u2014 narrow the search: "
                "/leave audit @person PERIOD")


@dataclass(frozen=True)
class ImportResult:
    """What an import of the employee CSV did: people added, changed, and already as the file says."""

    created: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class JobRun:
    """One (job, period)'s record: taken before anything is sent, so it is done at most once."""

    job: str
    period: str
    started_at: datetime
    finished_at: datetime | None
    outcome: str  # running | ok | failed
    detail: str = ""


@dataclass(frozen=True)
class RunOutcome:
    """What one occurrence of a scheduled job did; ``ran`` is False when another run (a replica, a
    manual ``jobs run``) already had its period, and then nothing was done. ``posts``: how many
    messages it planned."""

    job: str
    period: str
    ran: bool
    summary: str = ""
    posts: int = 0


@dataclass
class PostReport:
    """What one round of sending the planned posts did; counted up as the posts go, post by post."""

    delivered: int = 0
    unreachable: int = 0
    retrying: int = 0
    failed: int = 0
    #: Seconds spent waiting out the platforms' short ``Retry-After``s.
    waited: float = 0.0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class JobStatus:
    """A scheduled job for ``leavebot jobs list``: its next occurrence (the earliest over its
    audiences; None when it has none, e.g. nobody works here yet), its last run, and what keeps it
    from posting (a channel not configured), never a crash."""

    name: str
    description: str
    next_run: datetime | None
    last: JobRun | None
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScheduleView:
    """The scheduled jobs, and the outbox that every tick also delivers: how many notices wait, and
    since when the oldest."""

    jobs: tuple[JobStatus, ...]
    outbox_waiting: int
    outbox_oldest: datetime | None


@dataclass(frozen=True)
class BacklogView:
    """What waits to be delivered, for the metrics scrape: outbox events not delivered yet, since
    when the oldest, and the calendar syncs refused for good (not repaired since) per provider."""

    outbox_waiting: int
    outbox_oldest: datetime | None
    calendar_failures: dict[str, int]


@dataclass(frozen=True)
class RefusalView:
    message: str


View = (
    HelpView | ApplyFormView | AppliedView | DecidedView | CancelledView | RequestListView
    | TeamView | HolidaysView | OptionalHolidaysView | BalanceView | ReportView | RefusalView | PlanView
    | DelegationView | FeedView | NotifyView | DashboardLinkView
    | TeamChartView | QuietView | AuditView | DocumentHandedInView | DocumentsView | SplitAppliedView | PayrollView
    | AdjustedView | CompOffClaimView
)


# -- HR's desk on the dashboard (answers to ``core.commands.DeskCommand``): pages only, never a chat
# reply, so they are not part of :data:`View`.


@dataclass(frozen=True)
class PersonRow:
    """One person of the directory as HR's list shows them; ``manager`` is the manager's name."""

    employee_id: str
    name: str
    email: str
    department: str
    location: str
    manager: str | None
    role: str
    active: bool
    slack_linked: bool
    teams_linked: bool


@dataclass(frozen=True)
class PeopleView:
    """The directory narrowed by ``search`` (everyone when empty), by name; ``total`` counts everyone."""

    search: str
    people: tuple[PersonRow, ...]
    total: int


@dataclass(frozen=True)
class DeactivatedView:
    """A person marked inactive; ``already`` when they were so before (nothing changed)."""

    person: Person
    already: bool = False


@dataclass(frozen=True)
class LeaveTypeLine:
    """One leave type of the policy in force, by its key numbers."""

    key: str
    code: str
    name: str
    days_per_year: Amount
    accrual: str
    max_carry_forward: Amount | None
    min_notice_days: int
    approval: str
    paid: bool


@dataclass(frozen=True)
class PolicyVersionLine:
    """A policy version put in force: when, by whom, from which door, and what the document was called."""

    at: datetime
    actor: str
    source: str
    name: str


@dataclass(frozen=True)
class PolicyDeskView:
    """The policy in force (None: none loaded yet) by its types and regions, and its history, newest first."""

    effective_from: date | None
    leave_types: tuple[LeaveTypeLine, ...]
    regions: tuple[str, ...]
    history: tuple[PolicyVersionLine, ...]


@dataclass(frozen=True)
class PolicyLoadedView:
    """What a new policy version put in force holds."""

    name: str
    leave_types: int
    regions: int
    holidays: int


@dataclass(frozen=True)
class RegionHolidays:
    """One region's holidays of a year, where each comes from (the policy, a sync), and its locations
    as ``(location, subdivision)`` pairs."""

    region: str
    country_code: str | None
    locations: tuple[tuple[str, str], ...]
    holidays: tuple[HolidayLine, ...]


@dataclass(frozen=True)
class HolidayLine:
    """A holiday with where it comes from (``policy``, ``holidays:IN-KA``) and the subdivision it is for."""

    day: date
    name: str
    source: str
    subdivision: str | None


@dataclass(frozen=True)
class HolidayDeskView:
    year: int
    regions: tuple[RegionHolidays, ...]


@dataclass(frozen=True)
class HolidaysSyncedView:
    """What a sync stored: how many, in which region, and whom they apply to (no locations: everyone)."""

    stored: int
    region: str
    place: str
    year: int
    locations: tuple[str, ...]


@dataclass(frozen=True)
class AuditSearchView:
    """The audit entries found, newest first (at most ``limit`` of ``total``)."""

    entries: tuple[AuditLine, ...]
    total: int
    limit: int


@dataclass(frozen=True)
class WaitingLine:
    """An outbox event not delivered yet: what it is, since when, how often it was tried and why it failed."""

    id: int
    name: str
    created_at: datetime | None
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None


@dataclass(frozen=True)
class OpsView:
    """The scheduled jobs, the outbox's waiting events (failed ones first) and the calendar syncs refused."""

    schedule: ScheduleView
    waiting: tuple[WaitingLine, ...]
    calendars: CalendarStatusView


@dataclass(frozen=True)
class DeskRefusal:
    """A desk command refused: the message as chat or the CLI gives it, and for a rejected import
    every bad line, as ``(line number, reason)``."""

    message: str
    problems: tuple[tuple[int, str], ...] = ()


DeskView = (
    PeopleView | ImportResult | DeactivatedView | PolicyDeskView | PolicyLoadedView | HolidayDeskView
    | HolidaysSyncedView | AuditSearchView | OpsView
)
