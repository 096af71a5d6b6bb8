"""The core's front desk: one object every door calls, whatever the door.

Each call is one unit of work, run again whole when storage reports a lost race. Chat calls
(:meth:`LeaveService.handle_text`, :meth:`LeaveService.execute`, :meth:`LeaveService.answer`) turn
refusals into a :class:`~core.views.RefusalView`; admin calls raise the :class:`~core.errors.LeaveError`
so that the CLI can choose its exit code.

A chat command is one unit of work from end to end: the person is found (a chat account by its
link, which is made on first contact), held back if they go too fast (in memory), their words
read, the command's use case run (:data:`HANDLERS`, each given the :class:`~core.shared.context.CommandContext`
resolved once for the command), audited and committed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, TypeVar

from core.calendars import feeds
from core.calendars.sync import CalendarSync, calendar_status, resync
from core.commands import (
    AdjustBalance,
    ApplyLeave,
    CancelRequest,
    ChooseNotify,
    ClaimCompOff,
    Command,
    ConfirmSplit,
    Decide,
    DecideClaim,
    Delegate,
    DeskCommand,
    HandInDocument,
    Help,
    ListRequests,
    OpenApplyForm,
    OpenDashboard,
    Payroll,
    PlanLeave,
    Report,
    ShowAudit,
    ShowBalance,
    ShowDocuments,
    ShowFeed,
    ShowHolidays,
    ShowOptionalHolidays,
    ShowPending,
    ShowQuiet,
    ShowTeam,
    ShowTeamChart,
)
from core.compoff import claims
from core.delivery import notices
from core.delivery.relay import DeliveryReport, deliver_due
from core.directory import admin, channels, dashboard, desk, identity, link_decisions, links, notify
from core.directory.admin import HolidaySync, PolicySummary
from core.domain.links import LinkPurpose
from core.domain.model import AuditEntry, Employee, RequestStatus
from core.domain.schedule import LEDGER_JOBS, DueRun
from core.errors import ImportRejected, InactiveEmployee, LeaveError, LinkRefused, NotAllowed, UnknownEmployee
from core.language import help as guide
from core.language.grammar import parse_command, subcommand
from core.language.reading import dates_read, reading_for
from core.observation import COMMAND, ERROR, REFUSED, UNPARSED, Observation, Watcher, command_word, unwatched
from core.policy.public_holidays import public_holidays
from core.policy.validation import validate_employee
from core.ports import AuditQuery, Clock, Conflict, Notifier, Unavailable, UnitOfWork, UnitOfWorkFactory
from core.ports.calendars import PROVIDERS, CalendarGateway
from core.ports.jobs import Poster
from core.ports.limits import RateLimit
from core.reports import insight, payroll
from core.reports import leave_report as reports
from core.requests import confirmation, corrections, documents, home, optional_listing, planning, queries, workflow
from core.requests import month as month_view
from core.scheduling import digests, posting, scheduled
from core.scheduling.jobs import JobResult, run_job
from core.scheduling.status import schedule_view
from core.shared import audit
from core.shared.context import CommandContext, latest_policy, local_today, refuse
from core.shared.limits import RateLimiter, SlowDown, Verdict
from core.shared.transactions import before_writing, in_unit_of_work, looking_first
from core.views import (
    AdjustedView,
    AppliedView,
    BacklogView,
    BalanceView,
    CalendarStatusView,
    CancelledView,
    CompOffClaimView,
    DecidedView,
    DecisionLinkView,
    DeskRefusal,
    DeskView,
    DocumentHandedInView,
    Feed,
    HelpView,
    HomeView,
    ImportResult,
    NotifyView,
    PayrollView,
    PostReport,
    RefusalView,
    ReportView,
    RequestView,
    ResyncView,
    RunOutcome,
    ScheduleView,
    SeenRequestView,
    SplitAppliedView,
    TeamMonthView,
    View,
    WebVisitor,
)

T = TypeVar("T")


#: What a home page's reads are recorded as when a stranger opens it.
HOME = "home"
#: What a team calendar's reads are recorded as when a stranger opens it.
CALENDAR = "calendar"
UNAVAILABLE = "LeaveBot can't reach its database right now — nothing was saved; try again shortly."
BUSY = "LeaveBot is very busy right now and nothing was changed; please try again shortly."
#: How the brake and the audit log name a client trying sign-in links (followed by its address).
SIGN_IN_CLIENT = "web sign-in from "


class Busy(LeaveError):
    """The database kept losing races; nothing was changed."""


class DatabaseUnavailable(LeaveError):
    """The database cannot be reached; nothing was changed, and asking again later will work."""

    def __init__(self, message: str = UNAVAILABLE) -> None:
        super().__init__(message)


@dataclass(frozen=True)
class ChatUser:
    """A person as a chat platform names them, for :meth:`LeaveService.answer` to find in the directory.

    Attributes:
        platform: ``slack`` or ``teams``.
        user_id: their account there (the Slack user id, the Teams AAD object id).
        email: their profile's e-mail there, once the door has asked the platform for it (first
            contact): the account is then linked to the employee with that e-mail
            (:mod:`core.directory.identity`).
    """

    platform: str
    user_id: str
    email: str | None = None


@dataclass(frozen=True)
class Answer:
    """What one chat command came to, for a door that does more than show the view.

    Attributes:
        view: the reply (a :class:`~core.views.RefusalView` when refused).
        actor: who asked, when the directory knows them.
        command: what ran (or was refused): None when the line could not be read, or the person
            was refused before it was.
    """

    view: View
    actor: Employee | None = None
    command: Command | None = None


class LeaveService:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, default_time_zone: str = "UTC",
                 on_change: Callable[[], None] | None = None, public_url: str | None = None,
                 watch: Watcher = unwatched, rate_limit: RateLimit | None = None, email_enabled: bool = False) -> None:
        """``on_change`` is called after a change has committed (the doors deliver the outbox then);
        ``public_url`` is where people reach this server, for complete feed links; ``watch`` sees
        every chat command and every outbox event (the serving process's metrics and request ids);
        ``rate_limit`` brakes each person's commands and clicks (:mod:`core.shared.limits`; None: no brake);
        ``email_enabled``: this server sends e-mail (``SMTP_URL`` is set)."""
        self._uow_factory = uow_factory
        self.email_enabled = email_enabled
        self._clock = clock
        self._default_time_zone = default_time_zone
        self._on_change = on_change
        self._public_url = public_url
        self._watch = watch
        self._limiter = RateLimiter(rate_limit, clock) if rate_limit is not None else None

    # -- chat: every door ---------------------------------------------------------------------

    def handle_text(self, actor_email: str, text: str, source: str,
                    adjust: Callable[[Command], Command] | None = None) -> View:
        """Read what a person typed (in their own local date) and run it, in one unit of work.

        ``adjust`` is the door's last word on the command once read, as for :meth:`answer` (the
        terminal reads the file that ``document LV-1042 FILE`` names).
        """
        return self._answer(actor_email, text, source, adjust=adjust).view

    def read_command(self, actor_email: str, text: str, source: str) -> Command:
        """What a person's line means, read as they write dates and count days (:mod:`core.language.reading`).

        Raises:
            LeaveError: the words are not a command, or the person is unknown (recorded).
        """

        def read(uow: UnitOfWork) -> Command:
            actor = self._known_actor(uow, actor_email, source, text)
            return parse_command(text, reading_for(self._context(uow, actor, source)))

        return self._run(read, read_only=True)

    def execute(self, actor_email: str, command: Command, source: str, idempotency_key: str | None = None,
                *, counted: bool = True) -> View:
        """Run a neutral command for a person, in one unit of work; refusals come back as a view,
        never as a crash.

        ``counted`` is False when a door reads on the person's behalf rather than the person
        acting (a card redrawn after a click): that is not held against their rate limit.
        """
        return self._answer(actor_email, command, source, idempotency_key, counted=counted).view

    def answer(self, who: ChatUser | str, asked: str | Command, source: str, idempotency_key: str | None = None, *,
               counted: bool = True, adjust: Callable[[Command], Command] | None = None) -> Answer | None:
        """What a chat user typed (``asked`` a line) or clicked (a command), run for them: finding
        them, the brake, reading, running and recording all in one unit of work (a read-only one
        for a command that only looks: :data:`LOOKING`).

        Args:
            who: the chat user, or the e-mail of a person named for this command only, whose chat
                accounts are neither read nor linked (the Teams Emulator, where nobody proves who
                they are).
            adjust: the door's last word on the command once read, before it runs (Slack names a
                mentioned person by the e-mail Slack gave); it runs inside the unit of work, so it
                must not wait on anything.

        Returns:
            What came of it, with who asked and what was run for a door that does more than show
            the view; None when the account is linked to nobody and came without an e-mail: the
            door asks the platform for it and asks again with it (nothing was run or recorded).

        Raises:
            AlreadyLinked: the e-mail's employee is linked to another account (recorded); nothing ran.
            Busy, DatabaseUnavailable: linking an account met for the first time failed; nothing ran.
        """
        if isinstance(who, ChatUser) and who.email is not None:
            # First contact: the link is made in a unit of work of its own, so that it stands
            # whatever the command comes to (None: nobody has the e-mail, a stranger).
            self.link_by_email(who.platform, who.user_id, who.email)
        try:
            return self._answer(who, asked, source, idempotency_key, counted=counted, adjust=adjust)
        except _Unlinked:
            if isinstance(who, ChatUser) and who.email is not None:  # the link was moved meanwhile
                raise Busy(BUSY) from None
            return None

    def record_stranger(self, identity: str, source: str, attempted: str) -> RefusalView | None:
        """A chat user the directory does not know tried ``attempted``, and the door refused them itself.

        The attempt is recorded like every refusal. Returns the slow-down refusal when the
        stranger is flooding (and then records only the flood), else None: the door says why.

        Args:
            identity: their e-mail when the platform told one, else their platform id.
        """
        held = self._brake(self._check(identity), identity, source, self._record)
        if held is None:
            self._record(audit.stranger(self._clock.now(), identity, source, attempted))
        return held

    def _answer(self, who: str | ChatUser, asked: str | Command, source: str, idempotency_key: str | None = None,
                *, counted: bool = True, adjust: Callable[[Command], Command] | None = None) -> Answer:
        """Find the person, brake, read, run, audit, commit: one unit of work, run again whole
        after a lost race; a refusal is answered as a :class:`~core.views.RefusalView`.

        A command that only looks runs in a read-only unit of work (SQLite takes no write lock for
        it); should it come to a write (a refusal or a flood to record, grants that came due) it
        runs again whole in one that writes, kept across the two as across retries: the brake is
        asked once, the watcher sees it once.

        The watcher sees the command from the moment the person is found (a chat account the core
        cannot place yet runs nothing), once however often the work runs.

        Raises:
            _Unlinked: ``who`` is a chat account linked to nobody, without an e-mail to link it by.
        """
        read = isinstance(asked, str)
        given = None if isinstance(asked, str) else asked
        turn = _Turn(Observation(COMMAND, command_word(given) if given else UNPARSED, door=source), command=given)
        with contextlib.ExitStack() as watching:

            def watched() -> Observation:
                if not turn.watched:
                    turn.seen, turn.watched = watching.enter_context(self._watch(turn.seen)), True
                return turn.seen

            def work(uow: UnitOfWork) -> Answer:
                employee, name = self._person(uow, who)
                turn.actor = employee
                seen = watched()
                if counted and turn.verdict is None:
                    turn.verdict = self._check(name)
                held = self._brake(turn.verdict, name, source, lambda entry: _commit(uow, entry))
                if held is not None:
                    seen.outcome = REFUSED
                    return Answer(held, employee)
                attempted = asked if isinstance(asked, str) else command_word(asked)
                turn.actor = self._known(uow, employee, name, source, attempted)
                ctx = self._context(uow, turn.actor, source, idempotency_key)
                command = parse_command(asked, reading_for(ctx)) if isinstance(asked, str) else asked
                turn.command = adjust(command) if adjust is not None else command
                seen.name = command_word(turn.command)
                handler = HANDLERS.get(type(turn.command))
                if handler is None:
                    raise LeaveError(f"I can't handle {type(turn.command).__name__} yet.")
                return Answer(handler(ctx, turn.command), turn.actor, turn.command)

            try:
                answer = self._run(work, read_only=_only_looks(asked))
            except LeaveError as error:
                watched().outcome = _outcome(error)
                return Answer(self._refusal(error, turn, source, typed=read), turn.actor,
                              turn.command)
            view = answer.view
            if isinstance(view, RefusalView):
                watched().outcome = REFUSED
            changed = isinstance(view, DecidedView | CancelledView) or (
                isinstance(view, AppliedView | DocumentHandedInView | SplitAppliedView | AdjustedView)
                and not view.duplicate)
            if changed and self._on_change is not None:
                self._on_change()
            return answer

    def _person(self, uow: UnitOfWork, who: str | ChatUser) -> tuple[Employee | None, str]:
        """The employee ``who`` is (None: nobody the directory has), and the name the brake and the
        audit log know them by: the e-mail (the chat profile's for a stranger).

        Raises:
            _Unlinked: a chat account linked to nobody, whose e-mail is not a stranger's.
        """
        if isinstance(who, str):
            return uow.employees.by_email(who), who
        employee = uow.employees.by_chat_id(who.platform, who.user_id)
        if employee is not None:
            return employee, employee.email
        if who.email is None or uow.employees.by_email(who.email) is not None:
            raise _Unlinked()
        return None, who.email

    def _known(self, uow: UnitOfWork, employee: Employee | None, name: str, source: str, attempted: str) -> Employee:
        """The actor as the directory knows them; a stranger's (or a leaver's) attempt is refused and recorded."""
        try:
            return validate_employee(employee, name)
        except (UnknownEmployee, InactiveEmployee) as error:
            raise refuse(uow, error, audit.stranger(self._clock.now(), name, source, attempted)) from None

    def _known_actor(self, uow: UnitOfWork, actor_email: str, source: str, attempted: str) -> Employee:
        """:meth:`_known` for someone named by e-mail."""
        return self._known(uow, uow.employees.by_email(actor_email), actor_email, source, attempted)

    def _context(self, uow: UnitOfWork, actor: Employee, source: str,
                 idempotency_key: str | None = None) -> CommandContext:
        return CommandContext(uow, self._clock, actor, local_today(self._clock, actor.time_zone), source,
                              idempotency_key, self._public_url, self.email_enabled)

    def _check(self, name: str) -> Verdict | None:
        """The brake's verdict on one more action by ``name`` (None: there is no brake)."""
        return self._limiter.check(name) if self._limiter is not None else None

    def _brake(self, verdict: Verdict | None, name: str, source: str,
               record: Callable[[AuditEntry], None]) -> RefusalView | None:
        """Hold back someone who is going too fast; their first refusal in a window is recorded."""
        if verdict is None or verdict.allowed:
            return None
        if verdict.report and self._limiter is not None:
            limit = self._limiter.limit
            record(audit.refusal(
                self._clock.now(), name, audit.RATE_LIMITED, source,
                f"over {limit.burst} actions at once or {limit.per_minute:g} a minute; "
                f"held back for {verdict.retry_after} s"))
        return RefusalView(SlowDown(verdict.retry_after).message)

    def _refusal(self, error: LeaveError, turn: _Turn, source: str, *, typed: bool) -> RefusalView:
        """The answer to a refused command. A refusal that the use case did not record itself is
        recorded here, after its unit of work was rolled back; a typed application's refusal says
        which dates were read."""
        if isinstance(error, NotAllowed) and not error.audited and turn.actor is not None and turn.command is not None:
            self._record(audit.refusal(self._clock.now(), turn.actor.email, error.action or command_word(turn.command),
                                       source, error.message))
        if typed and turn.command is not None:
            return RefusalView(dates_read(turn.command, error.message))
        return RefusalView(error.message)

    def _record(self, entry: AuditEntry) -> None:
        """Write one refusal's audit entry in its own unit of work.

        When the database is too busy or unreachable to take it, the refusal still stands and is
        still answered: nothing was done, which is what the entry would have said.
        """
        with contextlib.suppress(Busy, DatabaseUnavailable):
            self._run(lambda uow: _commit(uow, entry))

    # -- administration: the CLI ----------------------------------------------------------------

    def adjust(self, email: str, leave_type: str, change: str, reason: str, source: str = "cli") -> AdjustedView:
        """``leavebot adjust EMAIL TYPE +N|-N REASON``: the operator's correction of a balance (audited as
        ``system``); the person is told through the outbox as for ``/leave adjust``.

        Raises:
            LeaveError: bad input (an unknown person or type, no sign, no reason, a debit too large);
                nothing was written.
        """
        view = self._run(lambda uow: corrections.adjust_by_operator(uow, self._clock, email, leave_type, change,
                                                                    reason, source))
        if self._on_change is not None:
            self._on_change()
        return view

    def report(self, command: Report) -> ReportView:
        """HR's report for the operator's CLI: no actor, so no permission check."""
        return self._run(lambda uow: reports.build_report(uow, command))

    def payroll(self, month: str) -> PayrollView:
        """``leavebot payroll YYYY-MM``: the month for payroll, read as ``/leave payroll`` reads it;
        the operator's CLI, so no permission check.

        Raises:
            LeaveError: the words are not one month (the CLI's usage error).
        """
        command = parse_command(f"payroll {month}", self._today(None))
        assert isinstance(command, Payroll)  # the first word chose the command
        return self._run(lambda uow: payroll.build_payroll(uow, command), read_only=True)

    def desk(self, actor_email: str, command: DeskCommand, source: str) -> DeskView | DeskRefusal:
        """HR's desk on the dashboard, run as ``actor_email`` in one unit of work: the same use cases
        as the CLI's, refused to anyone but an HR admin and recorded as chat's refusals are (the
        brake, strangers and leavers included).

        Returns:
            What came of it, or the refusal with the message chat or the CLI would give (and every
            bad line of a rejected import); a refused command changed nothing.
        """
        turn = _Turn(Observation(COMMAND, type(command).__name__, door=source))
        verdict = self._check(actor_email)

        def work(uow: UnitOfWork) -> DeskView | DeskRefusal:
            held = self._brake(verdict, actor_email, source, lambda entry: _commit(uow, entry))
            if held is not None:
                return DeskRefusal(held.message)
            turn.actor = self._known_actor(uow, actor_email, source, type(command).__name__)
            ctx = self._context(uow, turn.actor, source)
            return desk.Desk(self._default_time_zone, public_holidays).run(ctx, command)

        with self._watch(turn.seen) as seen:
            try:
                answer = self._run(work, read_only=type(command) in desk.LOOKING)
            except LeaveError as error:
                seen.outcome = _outcome(error)
                if isinstance(error, NotAllowed) and not error.audited and turn.actor is not None:
                    self._record(audit.refusal(self._clock.now(), turn.actor.email, error.action or "desk", source,
                                               error.message))
                return DeskRefusal(error.message, tuple(error.problems) if isinstance(error, ImportRejected) else ())
            if isinstance(answer, DeskRefusal):
                seen.outcome = REFUSED
            return answer

    def import_employees(self, csv_text: str, source: str = "cli") -> ImportResult:
        return self._run(lambda uow: admin.import_employees(uow, self._clock, csv_text, self._default_time_zone,
                                                            source))

    def load_policy(self, document: Any, source: str) -> PolicySummary:
        return self._run(lambda uow: admin.load_policy(uow, self._clock, document, source))

    def ensure_policy(self, document: Callable[[], Any], source: str) -> bool:
        """Load the policy ``document()`` gives only when no policy is in force yet (a new database);
        a callable, so that every command on a database that has one is spared reading it."""

        def load_if_missing(uow: UnitOfWork) -> bool:
            if uow.policies.current() is not None:
                return False
            admin.load_policy(uow, self._clock, document(), source)
            return True

        return self._run(load_if_missing)

    def sync_holidays(self, country: str, subdiv: str | None, year: int) -> HolidaySync:
        return self._run(lambda uow: admin.sync_holidays(uow, self._clock, public_holidays, country, subdiv, year))

    def balance_of(self, email: str, year: int | None = None) -> BalanceView:
        def look(uow: UnitOfWork) -> BalanceView:
            employee = uow.employees.by_email(email)
            if employee is None:
                raise UnknownEmployee(f"No employee with e-mail {email}.")
            return queries.balance(uow, self._clock, employee, year)

        return self._run(look)

    def list_requests(
        self, employee_email: str | None = None, status: RequestStatus | None = None
    ) -> list[RequestView]:
        return self._run(lambda uow: admin.list_requests(uow, employee_email, status))

    def audit_log(self, query: AuditQuery | None = None) -> list[AuditEntry]:
        """The audit entries that match (all of them by default), oldest first."""
        return self._run(lambda uow: audit.search(uow, query or AuditQuery()))

    def hr_digest(self, week_of: date) -> dict[str, Any]:
        """The weekly HR digest of the week containing ``week_of``, as the scheduler would post it."""
        monday = week_of - timedelta(days=week_of.weekday())
        return self._run(lambda uow: digests.hr_digest(uow, self._clock.now(), monday))

    def has_employees(self) -> bool:
        return self._run(lambda uow: bool(uow.employees.all()))

    # -- the doors' plumbing --------------------------------------------------------------------

    def linked_employee(self, platform: str, user_id: str) -> Employee | None:
        """The employee a chat user was linked to on first contact, if any."""
        return self._run(lambda uow: uow.employees.by_chat_id(platform, user_id))

    def employee_by_email(self, email: str) -> Employee | None:
        """The employee with this e-mail, without linking anything: for a door that may name a person
        for one turn but must not remember the chat user as them (the Teams Emulator)."""
        return self._run(lambda uow: uow.employees.by_email(email))

    def link_by_email(self, platform: str, user_id: str, email: str) -> Employee | None:
        """Link a chat user to the employee with this e-mail (from the platform's profile).

        Raises:
            AlreadyLinked: that employee is linked to another account (refused and audited).
        """
        return self._run(lambda uow: identity.link_on_first_contact(uow, self._clock, platform, user_id, email))

    def relink(self, email: str, platform: str, user_id: str, by: str, source: str) -> str | None:
        """HR's explicit link of an employee to a chat account, replacing the earlier one (audited);
        the earlier account, if any."""
        return self._run(lambda uow: identity.relink(uow, self._clock, email, platform, user_id, by, source))

    def run_job(self, name: str, as_of: date) -> JobResult:
        """Run a periodic job for the period containing ``as_of`` (and catch up on missed ones)."""
        if name not in LEDGER_JOBS:
            raise LeaveError(f"There is no job '{name}'. Jobs: {', '.join(LEDGER_JOBS)}.")
        result = run_job(self._uow_factory, self._clock, name, as_of)
        if result.written and self._on_change is not None:
            self._on_change()
        return result

    def backlog(self) -> BacklogView:
        """What waits: the outbox's depth and oldest event, and the calendar failures per provider."""

        def look(uow: UnitOfWork) -> BacklogView:
            waiting, oldest = uow.outbox.depth()
            failures = uow.calendars.failures()
            return BacklogView(waiting, oldest, {provider: sum(1 for f in failures if f.provider == provider)
                                                 for provider in PROVIDERS})

        return self._run(look)

    def deliver_notices(self, notifiers: Sequence[Notifier], limit: int = 100) -> DeliveryReport:
        """Deliver the outbox to the doors (after a change, and on a schedule for retries)."""
        return deliver_due(self._uow_factory, self._clock, notifiers, limit, self._watch)

    # -- calendars: sync, status and feeds -----------------------------------------------------

    def sync_calendar(self, request_id: int, gateway: CalendarGateway, default_provider: str | None) -> None:
        """Bring the request's events in ``gateway``'s calendars in line with the request as it is now:
        a calendar notifier's delivery. Raises like a notifier (:class:`core.ports.RetryLater`,
        :class:`core.ports.DeliveryFailed`, the latter recorded for ``calendar_status``)."""
        CalendarSync(self._uow_factory, self._clock, gateway, default_provider).request(request_id)

    def resync_calendars(self, gateways: Sequence[CalendarGateway], default_provider: str | None,
                         employee_email: str | None = None) -> ResyncView:
        """The same sync over current and upcoming leave (one person's, by e-mail, or everyone's):
        repairs events deleted or changed by hand."""
        return resync(self._uow_factory, self._clock, gateways, default_provider, self._default_time_zone,
                      employee_email)

    def calendar_status(self) -> CalendarStatusView:
        return self._run(calendar_status)

    def create_feed(self, employee_email: str | None = None, department: str | None = None) -> str:
        """A new feed link (its path) of a person or a department; only its hash is kept."""
        return self._run(lambda uow: feeds.new_feed_link(uow, self._clock, employee_email, department))

    def revoke_feed(self, link: str) -> bool:
        """Stop a feed, named by its token or link; False when no active feed has that token."""
        return self._run(lambda uow: feeds.revoke_feed(uow, self._clock, link))

    def feed(self, token: str) -> Feed | None:
        """What a feed link serves; None for an unknown or revoked token, or a person no longer active."""
        return self._run(lambda uow: feeds.feed_for(uow, self._clock, token), read_only=True)

    def notify_link(self, raw: str) -> NotifyView:
        """Whose e-mailed "switch to chat" link this is, and how they hear now; uses nothing (a GET).

        Raises:
            LinkRefused: the link is unknown, used or expired.
        """
        return self._run(lambda uow: notify.chat_link_holder(uow, raw, self._clock, self.email_enabled),
                         read_only=True)

    def switch_to_chat(self, raw: str) -> NotifyView:
        """The confirmed "switch to chat" link: used up, and its holder's notices go to chat (audited).

        Raises:
            LinkRefused: the link is unknown, used or expired. NotAllowed: no chat account is linked.
        """
        return self._run(lambda uow: notify.switch_to_chat(uow, raw, self._clock, self.email_enabled))

    def issue_link(self, purpose: LinkPurpose, employee_id: str, subject: str, lifetime: timedelta) -> str:
        """A new one-time link's token for a door to put in a URL (an e-mail's Approve and Reject,
        its switch back to chat): one short transaction; only the token's hash is kept."""

        def issue(uow: UnitOfWork) -> str:
            raw = links.issue_link(uow, purpose, employee_id, subject, self._clock.now(), lifetime)
            uow.commit()
            return raw

        return self._run(issue)

    def decision_link(self, raw_token: str) -> DecisionLinkView:
        """What an e-mailed Approve or Reject link would decide, for its confirmation page: a look
        that uses nothing up (:mod:`core.directory.link_decisions`).

        Raises:
            LeaveError: the link is unknown, used or expired (:class:`~core.errors.LinkRefused`), its
                approver is no longer active, or the request is not theirs to see.
        """
        return self._run(lambda uow: link_decisions.decision_link(uow, self._clock, raw_token), read_only=True)

    def decide_by_link(self, raw_token: str, reason: str = "") -> DecidedView | CompOffClaimView:
        """Decide as an e-mailed link says, as the approver it is bound to, in one unit of work with
        using the link up (:func:`core.directory.link_decisions.decide_by_link`); audited as ``email``.

        Raises:
            LeaveError: the link's refusal, or the decision's (recorded as a click's is).
        """
        view = self._run(lambda uow: link_decisions.decide_by_link(uow, self._clock, raw_token, reason,
                                                                   self._public_url))
        if self._on_change is not None:
            self._on_change()
        return view

    # -- what the doors show: Home, a request as its viewer sees it ---------------------------

    def home_view(self, actor_email: str, source: str) -> HomeView:
        """``actor_email``'s home page (the Slack App Home tab), read in one unit of work.

        The door reads it on the person's behalf, so it is not held against their rate limit.
        Someone the directory does not know (or no longer lists) is refused and recorded as for
        any command; the page then says why, as it does when the database is out of reach.
        """

        def look(uow: UnitOfWork) -> HomeView:
            employee = uow.employees.by_email(actor_email)
            try:
                actor = self._known(uow, employee, actor_email, source, HOME)
            except (UnknownEmployee, InactiveEmployee) as error:
                return home.refused_home(error.message, self._today(employee), employee)
            return home.home_of(uow, self._clock, actor)

        try:
            return self._run(look, read_only=True)
        except LeaveError as error:
            return home.refused_home(error.message, self._today(None))

    def team_month(self, actor_email: str, month: str | None, source: str, department: str | None = None,
                   location: str | None = None) -> TeamMonthView:
        """The team calendar of ``month`` (``YYYY-MM``; None: this month) as ``actor_email`` may see it
        (:mod:`core.requests.month`: whom and which types as ``/leave team`` shows them, everyone for HR).

        Raises:
            LeaveError: an unknown or inactive person (recorded), a month that cannot be read, or a
                department or location not among the viewer's choices.
        """

        def look(uow: UnitOfWork) -> TeamMonthView:
            actor = self._known_actor(uow, actor_email, source, CALENDAR)
            return month_view.team_month(self._context(uow, actor, source), month, department, location)

        return self._run(look, read_only=True)

    def reject_reason_required(self) -> bool:
        """Whether a rejection must say why (the policy's ``reject_reason``), for a door that asks for
        the reason before it knows which request or who asks (Slack's form opens on the Reject click)."""
        return self._run(lambda uow: latest_policy(uow).reject_reason_required, read_only=True)

    def request_seen_by(self, actor_email: str, request_id: int) -> SeenRequestView | None:
        """One request as ``actor_email`` may see it now and whether they may decide it, to redraw a
        card they clicked or that their chat client asked to refresh; None when it does not exist or
        isn't theirs to see. For someone who may decide, it carries what the approver's card shows."""

        def look(uow: UnitOfWork) -> SeenRequestView | None:
            seen = queries.request_seen_by(uow, self._clock, actor_email, request_id)
            if seen is None or not seen.can_decide:
                return seen
            return replace(seen, approver_notice=notices.approval_notice(uow, self._clock, request_id, actor_email))

        return self._run(look, read_only=True)

    def read_report(self, period: str) -> Report:
        """The operator's ``leavebot report PERIOD``: the period read as ``/leave report`` reads it,
        today being the operator's in the default time zone.

        Raises:
            LeaveError: the words are not a period (the CLI's usage error).
        """
        command = parse_command(f"report {period}", self._today(None))
        assert isinstance(command, Report)  # the first word chose the command
        return command

    def _today(self, employee: Employee | None) -> date:
        """Today where ``employee`` is, or in the default time zone for nobody in particular."""
        return local_today(self._clock, employee.time_zone if employee else self._default_time_zone)

    # -- the digests' channels, and whom the doors' own stores reach --------------------------

    def set_digest_channel(self, platform: str, department: str | None, address: str) -> str:
        """Point the HR digest (``department`` None) or a department's who's-out at a channel; its key.

        Raises:
            ValueError: an unknown platform.
        """
        return self._run(lambda uow: channels.set_channel(uow, self._clock, platform, department, address))

    def digest_channels(self) -> list[tuple[str, str, str]]:
        """``(what, platform, address)`` of every configured channel, ``what`` being HR or a department."""
        return self._run(channels.channel_list)

    def employee(self, employee_id: str) -> Employee | None:
        """The directory's entry of an employee id (leavers too): for a door that keeps its addresses by
        employee id and must find the person behind one."""
        return self._run(lambda uow: uow.employees.get(employee_id))

    def hr_admin_ids(self) -> list[str]:
        """The employee ids of the active HR admins, who may decide any request."""
        return self._run(lambda uow: [hr.employee_id for hr in uow.employees.hr_admins() if hr.is_active])

    # -- the web dashboard: signing in with a link from chat -------------------------------------

    def check_sign_in(self, raw: str, client: str) -> WebVisitor:
        """Who a sign-in link would sign in; nothing is used up (the page with the Sign in button).

        Raises:
            LeaveError: the link is unknown, used or expired (:class:`~core.errors.LinkRefused`), its
                person is no longer active, or ``client`` is trying too fast (``retry_after``).
        """
        self._sign_in_brake(client)
        return self._run(lambda uow: dashboard.check_sign_in(uow, raw, self._clock.now()), read_only=True)

    def sign_in(self, raw: str, source: str, client: str) -> WebVisitor:
        """Redeem a sign-in link: it cannot be used again, and the sign-in is audited; the door then
        starts the session. A refused attempt is audited too, as refused.

        Args:
            client: where the attempt came from (the client's address), braked like a chat user.

        Raises:
            LeaveError: as :meth:`check_sign_in`.
        """
        self._sign_in_brake(client)
        try:
            return self._run(lambda uow: dashboard.sign_in(uow, raw, self._clock.now(), source))
        except (LinkRefused, InactiveEmployee) as error:
            why = error.message
            with contextlib.suppress(Busy, DatabaseUnavailable):
                self._run(lambda uow: _commit(uow, dashboard.refused_sign_in(uow, raw, why, self._clock.now(),
                                                                             source)))
            raise

    def sign_out(self, employee_id: str, source: str) -> None:
        """Record that a person signed out of the dashboard (the door ends the session)."""
        self._run(lambda uow: dashboard.sign_out(uow, employee_id, self._clock.now(), source))

    def visitor(self, employee_id: str) -> WebVisitor | None:
        """The person a dashboard session belongs to; None when they are no longer active (or gone)."""
        return self._run(lambda uow: dashboard.visitor(uow, employee_id), read_only=True)

    def _sign_in_brake(self, client: str) -> None:
        """Hold back a client trying sign-in links too fast (the chat brake, keyed by the address).

        Raises:
            SlowDown: too many attempts; the flood is recorded once, as for chat.
        """
        name = SIGN_IN_CLIENT + client
        verdict = self._check(name)
        if verdict is not None and self._brake(verdict, name, "web", self._record) is not None:
            raise SlowDown(verdict.retry_after)

    # -- scheduling: the scheduler process and its CLI -------------------------------------------
    # The organisation's time zone, which the digests and the ledger jobs keep, is the default one.

    def due_runs(self, only: Iterable[str] | None = None) -> list[DueRun]:
        """The job occurrences due now that no run has taken yet, in order: a scheduler tick's work
        (``only``: these jobs alone)."""
        return self._run(lambda uow: scheduled.pending_runs(uow, self._clock.now(), self._default_time_zone, only))

    def runs_for_date(self, job: str, on: date) -> list[DueRun]:
        """The occurrences of ``job`` for the period containing ``on`` (``leavebot jobs run``); none
        when it has nobody to run for."""
        return self._run(lambda uow: scheduled.for_date(uow, self._default_time_zone, job, on))

    def run_due(self, run: DueRun, platforms: Sequence[str]) -> RunOutcome:
        """Run one occurrence unless another run (a replica, a manual ``jobs run``) already took its
        period: then ``ran`` is False and nothing was done. Personal posts are planned for
        ``platforms``, the doors of the process that will send them (:meth:`deliver_posts`).

        A posting job takes its period and plans its posts in one unit of work; a ledger job
        (accrual, year end, reassign) works person by person, each in a unit of work of its own.
        """
        return scheduled.run_due(self._uow_factory, self._clock, run, platforms)

    def deliver_posts(self, posters: Mapping[str, Poster], sleep: Callable[[float], None]) -> PostReport:
        """Send the due planned posts of every platform that has a poster here; never raises for a
        platform's failure. Each post is claimed, then settled, in units of work of their own, so
        no post goes out twice; ``sleep`` waits out a platform's short ``Retry-After``."""
        return posting.deliver_posts(self._uow_factory, self._clock, posters, sleep)

    def schedule_status(self) -> ScheduleView:
        """``leavebot jobs list``: each job's next and last run, the channels it misses, and the
        outbox's backlog."""
        return self._run(lambda uow: schedule_view(uow, self._clock.now(), self._default_time_zone))

    # -- transactions ---------------------------------------------------------------------------

    def _run(self, work: Callable[[UnitOfWork], T], *, read_only: bool = False) -> T:
        """One unit of work; run again from the start when it lost a race to another one.

        ``read_only`` for work that only looks, unless it comes to a write after all: it then runs
        again in a unit of work that writes (:func:`~core.shared.transactions.looking_first`).

        An unreachable database is not retried here (it would only make the person wait): it
        becomes a refusal that says so, and the next request reconnects.
        """
        try:
            if read_only:
                return looking_first(self._uow_factory, work)
            return in_unit_of_work(self._uow_factory, work)
        except Conflict as error:
            raise Busy(BUSY) from error
        except Unavailable as error:
            raise DatabaseUnavailable() from error


def _only_looks(asked: str | Command) -> bool:
    """Whether a command only looks, as far as can be told before its unit of work: a line by its
    first word (reading the rest needs the person's dates, read in the unit of work)."""
    if isinstance(asked, str):
        return subcommand(asked) in LOOKING_WORDS
    return type(asked) in LOOKING


def _outcome(error: LeaveError) -> str:
    """A busy or unreachable database is our failure, not a refusal of what the person asked."""
    return ERROR if isinstance(error, Busy | DatabaseUnavailable) else REFUSED


class _Unlinked(Exception):
    """A chat account linked to nobody came without the e-mail to link it by."""


@dataclass
class _Turn:
    """One chat command on its way through :meth:`LeaveService._answer`, kept across the retries of
    its unit of work: the watcher's observation (once entered), the brake's verdict (asked once),
    who asked and what they asked, as far as they are known."""

    seen: Observation
    watched: bool = False
    verdict: Verdict | None = None
    actor: Employee | None = None
    command: Command | None = None


def _commit(uow: UnitOfWork, entry: AuditEntry) -> None:
    before_writing(uow)
    uow.audit.add(entry)
    uow.commit()


# -- the use case of each chat command ----------------------------------------------------------

Handler = Callable[[CommandContext, Any], View]


def _help(ctx: CommandContext, command: Help) -> HelpView:
    """The words the asker can type, with the leave types they may take and their balance beside
    them; ``help all`` is the reference of every command instead, without the balance."""
    balance = None if command.full else queries.balance_for(ctx, ShowBalance())
    return HelpView(balance=balance, commands=guide.commands_for(ctx, command.full), full=command.full,
                    leave_types=guide.leave_types_for(ctx))


def _feed(ctx: CommandContext, command: ShowFeed) -> View:
    return feeds.my_feed(ctx.uow, ctx.clock, ctx.actor.email, ctx.public_url)


#: One use case per command type, each taking the command's context (resolved once, in the
#: command's unit of work) and the command. Those that only read (:data:`LOOKING`) write nothing and
#: commit nothing: the balance alone writes, and only the grants and accruals that came due since
#: anyone last looked; a refusal that HR's commands record is written too.
HANDLERS: dict[type, Handler] = {
    Help: _help,
    OpenApplyForm: queries.apply_form,
    ApplyLeave: workflow.apply_leave,
    Decide: workflow.decide,
    CancelRequest: workflow.cancel,
    ShowBalance: queries.balance_for,
    ListRequests: queries.my_requests,
    ShowPending: queries.pending_for,
    ShowTeam: queries.team_out,
    ShowTeamChart: queries.team_chart,
    ShowQuiet: insight.quiet_for,
    ShowHolidays: queries.holidays_for,
    ShowOptionalHolidays: optional_listing.optional_holidays_for,
    ShowAudit: audit.audit_for,
    Report: reports.leave_report,
    PlanLeave: planning.plan,
    Delegate: planning.delegate,
    ShowFeed: _feed,
    OpenDashboard: dashboard.dashboard_link,
    ShowDocuments: documents.show,
    HandInDocument: documents.hand_in,
    ConfirmSplit: confirmation.confirm_split,
    Payroll: payroll.payroll,
    AdjustBalance: corrections.adjust,
    ClaimCompOff: claims.claim,
    DecideClaim: claims.decide_claim,
    ChooseNotify: notify.choose,
}

#: The commands whose use cases only look. They run in a read-only unit of work, so that looking
#: never waits for a writer (nor, on SQLite, holds one up). What they may come to write after all
#: (the balance's grants that came due, a refusal recorded, the brake's note of a flood) first asks
#: for a unit of work that writes (:func:`~core.shared.transactions.before_writing`), and the
#: command runs again whole in one: correct always, and as cheap as a look in the steady state.
LOOKING: frozenset[type] = frozenset({
    Help, OpenApplyForm, ShowBalance, ListRequests, ShowPending, ShowTeam, ShowTeamChart, ShowQuiet,
    ShowHolidays, ShowOptionalHolidays, ShowAudit, Report, PlanLeave, Payroll,
})
#: The first words of the typed lines that always read as one of :data:`LOOKING` (``apply`` may be
#: a form or an application, ``document`` a look or a hand-in: those run as writes).
LOOKING_WORDS = frozenset({"help", "balance", "list", "pending", "team", "holidays", "optional", "report", "insight",
                           "audit", "plan", "payroll"})
