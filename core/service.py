"""The core's front desk: one object every door calls, whatever the door.

Each call is one unit of work, run again whole when storage reports a lost race. Chat calls
(:meth:`LeaveService.handle_text`, :meth:`LeaveService.execute`) turn refusals into a
:class:`~core.views.RefusalView`; admin calls raise the :class:`~core.errors.LeaveError` so that
the CLI can choose its exit code.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any, TypeVar

from core.calendars import feeds
from core.commands import (
    ApplyLeave,
    CancelRequest,
    Command,
    Decide,
    Delegate,
    Help,
    ListRequests,
    OpenApplyForm,
    PlanLeave,
    Report,
    ShowAudit,
    ShowBalance,
    ShowFeed,
    ShowHolidays,
    ShowPending,
    ShowQuiet,
    ShowTeam,
    ShowTeamChart,
)
from core.delivery.relay import DeliveryReport, deliver_due
from core.directory import admin, identity
from core.directory.admin import PolicySummary
from core.directory.csv_import import ImportResult
from core.domain.model import AuditEntry, Employee, RequestStatus
from core.errors import InactiveEmployee, LeaveError, NotAllowed, UnknownEmployee
from core.language.grammar import parse_command
from core.language.reading import dates_read, reading_for
from core.observation import COMMAND, ERROR, REFUSED, UNPARSED, Observation, Watcher, command_word, unwatched
from core.policy.public_holidays import public_holidays
from core.ports import AuditQuery, Clock, Conflict, Notifier, Unavailable, UnitOfWork, UnitOfWorkFactory
from core.reports import insight
from core.reports import leave_report as reports
from core.requests import planning, queries, workflow
from core.scheduling import digests
from core.scheduling.jobs import JOBS, JobResult, run_job
from core.shared import audit
from core.shared.context import actor_employee, refuse
from core.shared.limits import RateLimit, RateLimiter, SlowDown
from core.shared.transactions import in_unit_of_work
from core.views import (
    AppliedView,
    BalanceView,
    CancelledView,
    DecidedView,
    HelpView,
    RefusalView,
    ReportView,
    RequestView,
    View,
)

T = TypeVar("T")


UNAVAILABLE = "LeaveBot can't reach its database right now — nothing was saved; try again shortly."


class Busy(LeaveError):
    """The database kept losing races; nothing was changed."""


class DatabaseUnavailable(LeaveError):
    """The database cannot be reached; nothing was changed, and asking again later will work."""

    def __init__(self, message: str = UNAVAILABLE) -> None:
        super().__init__(message)


class LeaveService:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, default_time_zone: str = "UTC",
                 on_change: Callable[[], None] | None = None, public_url: str | None = None,
                 watch: Watcher = unwatched, rate_limit: RateLimit | None = None) -> None:
        """``on_change`` is called after a change has committed (the doors deliver the outbox then);
        ``public_url`` is where people reach this server, for complete feed links; ``watch`` sees
        every chat command and every outbox event (the serving process's metrics and request ids);
        ``rate_limit`` brakes each person's commands and clicks (:mod:`core.shared.limits`; None: no brake)."""
        self._uow_factory = uow_factory
        self._clock = clock
        self._default_time_zone = default_time_zone
        self._on_change = on_change
        self._public_url = public_url
        self._watch = watch
        self._limiter = RateLimiter(rate_limit, clock) if rate_limit is not None else None

    # -- chat: every door ---------------------------------------------------------------------

    def handle_text(self, actor_email: str, text: str, source: str) -> View:
        """Parse what a person typed (in their own local date) and run it."""
        with self._watch(Observation(COMMAND, UNPARSED, door=source)) as seen:
            held = self._brake(actor_email, source)
            if held is not None:
                seen.outcome = REFUSED
                return held
            try:
                command = self.read_command(actor_email, text, source)
            except LeaveError as error:
                seen.outcome = _outcome(error)
                return RefusalView(error.message)
            seen.name = command_word(command)
            return self._execute(actor_email, command, source, None, seen, typed=True)

    def read_command(self, actor_email: str, text: str, source: str) -> Command:
        """What a person's line means, read as they write dates and count days (:mod:`core.language.reading`).

        For a door that acts on the command itself before running it (Slack opens a form).

        Raises:
            LeaveError: the words are not a command, or the person is unknown (recorded).
        """
        return self._run(lambda uow: parse_command(
            text, reading_for(uow, self._clock, self._known_actor(uow, actor_email, source, text))))

    def execute(self, actor_email: str, command: Command, source: str, idempotency_key: str | None = None,
                *, counted: bool = True, typed: bool = False) -> View:
        """Run a neutral command for a person; refusals come back as a view, never as a crash.

        ``counted`` is False when a door reads on the person's behalf rather than the person
        acting (the Slack Home tab, the list redrawn after a click): that is not held against
        their rate limit. ``typed`` is True when the command was read from a typed line
        (:meth:`read_command`): a refused application then says which dates were understood.
        """
        with self._watch(Observation(COMMAND, command_word(command), door=source)) as seen:
            held = self._brake(actor_email, source) if counted else None
            if held is not None:
                seen.outcome = REFUSED
                return held
            return self._execute(actor_email, command, source, idempotency_key, seen, typed=typed)

    def record_stranger(self, identity: str, source: str, attempted: str) -> RefusalView | None:
        """A chat user the directory does not know tried ``attempted``, and the door refused them itself.

        The attempt is recorded like every refusal. Returns the slow-down refusal when the
        stranger is flooding (and then records only the flood), else None: the door says why.

        Args:
            identity: their e-mail when the platform told one, else their platform id.
        """
        held = self._brake(identity, source)
        if held is None:
            self._record(audit.stranger(self._clock.now(), identity, source, attempted))
        return held

    def _brake(self, actor_email: str, source: str) -> RefusalView | None:
        """Hold back someone who is going too fast; their first refusal in a window is recorded."""
        if self._limiter is None:
            return None
        verdict = self._limiter.check(actor_email)
        if verdict.allowed:
            return None
        if verdict.report:
            limit = self._limiter.limit
            self._record(audit.refusal(
                self._clock.now(), actor_email, audit.RATE_LIMITED, source,
                f"over {limit.burst} actions at once or {limit.per_minute:g} a minute; "
                f"held back for {verdict.retry_after} s"))
        return RefusalView(SlowDown(verdict.retry_after).message)

    def _known_actor(self, uow: UnitOfWork, actor_email: str, source: str, attempted: str) -> Employee:
        """The actor as the directory knows them; a stranger's (or a leaver's) attempt is refused and recorded."""
        try:
            return actor_employee(uow, actor_email)
        except (UnknownEmployee, InactiveEmployee) as error:
            raise refuse(uow, error, audit.stranger(self._clock.now(), actor_email, source, attempted)) from None

    def _record(self, entry: AuditEntry) -> None:
        """Write one refusal's audit entry in its own unit of work.

        When the database is too busy or unreachable to take it, the refusal still stands and is
        still answered: nothing was done, which is what the entry would have said.
        """

        def write(uow: UnitOfWork) -> None:
            uow.audit.add(entry)
            uow.commit()

        with contextlib.suppress(Busy, DatabaseUnavailable):
            self._run(write)

    def _execute(self, actor_email: str, command: Command, source: str, idempotency_key: str | None,
                 seen: Observation, *, typed: bool = False) -> View:
        try:
            view = self._run(lambda uow: self._dispatch(uow, actor_email, command, source, idempotency_key))
        except LeaveError as error:
            seen.outcome = _outcome(error)
            if isinstance(error, NotAllowed) and not error.audited:
                self._record(audit.refusal(self._clock.now(), actor_email, error.action or command_word(command),
                                           source, error.message))
            return RefusalView(dates_read(command, error.message) if typed else error.message)
        if isinstance(view, RefusalView):
            seen.outcome = REFUSED
        changed = isinstance(view, DecidedView | CancelledView) or (
            isinstance(view, AppliedView) and not view.duplicate
        )
        if changed and self._on_change is not None:
            self._on_change()
        return view

    def _dispatch(self, uow: UnitOfWork, actor_email: str, command: Command, source: str,
                  idempotency_key: str | None) -> View:
        clock = self._clock
        self._known_actor(uow, actor_email, source, command_word(command))
        match command:
            case Help():
                return HelpView(balance=queries.balance_for(uow, clock, actor_email, ShowBalance()))
            case OpenApplyForm():
                return queries.apply_form(uow, actor_email)
            case ApplyLeave():
                return workflow.apply_leave(uow, clock, actor_email, command, source, idempotency_key)
            case Decide():
                return workflow.decide(uow, clock, actor_email, command, source)
            case CancelRequest():
                return workflow.cancel(uow, clock, actor_email, command, source)
            case ShowBalance():
                return queries.balance_for(uow, clock, actor_email, command)
            case ListRequests():
                return queries.my_requests(uow, actor_email)
            case ShowPending():
                return queries.pending_for(uow, actor_email)
            case ShowTeam():
                return queries.team_out(uow, actor_email, command.day)
            case ShowTeamChart():
                return queries.team_chart(uow, actor_email, command)
            case ShowQuiet():
                return insight.quiet_for(uow, clock, actor_email, command, source)
            case ShowHolidays():
                return queries.holidays_for(uow, actor_email, command.year)
            case ShowAudit():
                return audit.audit_for(uow, actor_email, command)
            case Report():
                return reports.leave_report(uow, clock, actor_email, command, source)
            case PlanLeave():
                return planning.plan(uow, clock, actor_email, command)
            case Delegate():
                return planning.delegate(uow, clock, actor_email, command)
            case ShowFeed():
                return feeds.my_feed(uow, clock, actor_email, self._public_url)
        raise LeaveError(f"I can't handle {type(command).__name__} yet.")

    # -- administration: the CLI ----------------------------------------------------------------

    def report(self, command: Report) -> ReportView:
        """HR's report for the operator's CLI: no actor, so no permission check."""
        return self._run(lambda uow: reports.build_report(uow, command))

    def import_employees(self, csv_text: str, source: str = "cli") -> ImportResult:
        return self._run(lambda uow: admin.import_employees(uow, self._clock, csv_text, self._default_time_zone,
                                                            source))

    def load_policy(self, document: Any, source: str) -> PolicySummary:
        return self._run(lambda uow: admin.load_policy(uow, self._clock, document, source))

    def ensure_policy(self, document: Any, source: str) -> bool:
        """Load ``document`` only when no policy is in force yet (a new database)."""

        def load_if_missing(uow: UnitOfWork) -> bool:
            if uow.policies.current() is not None:
                return False
            admin.load_policy(uow, self._clock, document, source)
            return True

        return self._run(load_if_missing)

    def sync_holidays(self, country: str, subdiv: str | None, year: int) -> int:
        return self._run(lambda uow: admin.sync_holidays(uow, self._clock, public_holidays, country, subdiv, year))

    def request_seen_by(self, actor_email: str, request_id: int) -> RequestView | None:
        """One request as ``actor_email`` may see it, to redraw a card they clicked; None when it
        does not exist or isn't theirs to see."""
        return self._run(lambda uow: queries.request_seen_by(uow, self._clock, actor_email, request_id))

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
        if name not in JOBS:
            raise LeaveError(f"There is no job '{name}'. Jobs: {', '.join(JOBS)}.")
        result = run_job(self._uow_factory, self._clock, name, as_of)
        if result.written and self._on_change is not None:
            self._on_change()
        return result

    def deliver_notices(self, notifiers: Sequence[Notifier], limit: int = 100) -> DeliveryReport:
        """Deliver the outbox to the doors (after a change, and on a schedule for retries)."""
        return deliver_due(self._uow_factory, self._clock, notifiers, limit, self._watch)

    # -- transactions ---------------------------------------------------------------------------

    def _run(self, work: Callable[[UnitOfWork], T]) -> T:
        """One unit of work; run again from the start when it lost a race to another one.

        An unreachable database is not retried here (it would only make the person wait): it
        becomes a refusal that says so, and the next request reconnects.
        """
        try:
            return in_unit_of_work(self._uow_factory, work)
        except Conflict as error:
            raise Busy("LeaveBot is very busy right now and nothing was changed; please try again shortly.") from error
        except Unavailable as error:
            raise DatabaseUnavailable() from error


def _outcome(error: LeaveError) -> str:
    """A busy or unreachable database is our failure, not a refusal of what the person asked."""
    return ERROR if isinstance(error, Busy | DatabaseUnavailable) else REFUSED
