"""The core's front desk: one object every door calls, whatever the door.

Each call is one unit of work, run again whole when storage reports a lost race. Chat calls
(:meth:`LeaveService.handle_text`, :meth:`LeaveService.execute`) turn refusals into a
:class:`~core.views.RefusalView`; admin calls raise the :class:`~core.errors.LeaveError` so that
the CLI can choose its exit code.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, TypeVar

from core import admin, feeds, planning, queries, workflow
from core.admin import PolicySummary
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
    ShowBalance,
    ShowFeed,
    ShowHolidays,
    ShowPending,
    ShowTeam,
)
from core.context import actor_employee, local_today
from core.directory import ImportResult
from core.errors import LeaveError, UnknownEmployee
from core.grammar import parse_command
from core.jobs import JOBS, JobResult, run_job
from core.model import AuditEntry, Employee, RequestStatus
from core.ports import Clock, Conflict, Notifier, UnitOfWork, UnitOfWorkFactory
from core.public_holidays import public_holidays
from core.relay import DeliveryReport, deliver_due
from core.views import (
    AppliedView,
    BalanceView,
    CancelledView,
    DecidedView,
    HelpView,
    RefusalView,
    RequestView,
    View,
)

T = TypeVar("T")
ATTEMPTS = 5


class Busy(LeaveError):
    """The database kept losing races; nothing was changed."""


class LeaveService:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, default_time_zone: str = "UTC",
                 on_change: Callable[[], None] | None = None, public_url: str | None = None) -> None:
        """``on_change`` is called after a change has committed (the doors deliver the outbox then);
        ``public_url`` is where people reach this server, for complete feed links."""
        self._uow_factory = uow_factory
        self._clock = clock
        self._default_time_zone = default_time_zone
        self._on_change = on_change
        self._public_url = public_url

    # -- chat: every door ---------------------------------------------------------------------

    def handle_text(self, actor_email: str, text: str, source: str) -> View:
        """Parse what a person typed (in their own local date) and run it."""
        try:
            today = self._run(lambda uow: local_today(self._clock, actor_employee(uow, actor_email).time_zone))
            command = parse_command(text, today)
        except LeaveError as error:
            return RefusalView(error.message)
        return self.execute(actor_email, command, source)

    def execute(self, actor_email: str, command: Command, source: str, idempotency_key: str | None = None) -> View:
        """Run a neutral command for a person; refusals come back as a view, never as a crash."""
        try:
            view = self._run(lambda uow: self._dispatch(uow, actor_email, command, source, idempotency_key))
        except LeaveError as error:
            return RefusalView(error.message)
        changed = isinstance(view, DecidedView | CancelledView) or (
            isinstance(view, AppliedView) and not view.duplicate
        )
        if changed and self._on_change is not None:
            self._on_change()
        return view

    def _dispatch(self, uow: UnitOfWork, actor_email: str, command: Command, source: str,
                  idempotency_key: str | None) -> View:
        clock = self._clock
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
            case ShowHolidays():
                return queries.holidays_for(uow, actor_email, command.year)
            case Report():
                return queries.leave_report(uow, actor_email, command)
            case PlanLeave():
                return planning.plan(uow, clock, actor_email, command)
            case Delegate():
                return planning.delegate(uow, clock, actor_email, command)
            case ShowFeed():
                return feeds.my_feed(uow, clock, actor_email, self._public_url)
        raise LeaveError(f"I can't handle {type(command).__name__} yet.")

    # -- administration: the CLI ----------------------------------------------------------------

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

    def audit_log(self, since: date | None = None) -> list[AuditEntry]:
        return self._run(lambda uow: admin.audit_log(uow, since))

    def has_employees(self) -> bool:
        return self._run(lambda uow: bool(uow.employees.all()))

    # -- the doors' plumbing --------------------------------------------------------------------

    def linked_employee(self, platform: str, user_id: str) -> Employee | None:
        """The employee a chat user was linked to on first contact, if any."""
        return self._run(lambda uow: uow.employees.by_chat_id(platform, user_id))

    def link_by_email(self, platform: str, user_id: str, email: str) -> Employee | None:
        """Link a chat user to the employee with this e-mail (from the platform's profile)."""

        def link(uow: UnitOfWork) -> Employee | None:
            employee = uow.employees.by_email(email)
            if employee is None:
                return None
            uow.employees.link_chat_id(employee.employee_id, platform, user_id)
            uow.audit.add(AuditEntry(at=self._clock.now(), actor=employee.email, action="identity.link",
                                     source=platform, detail=user_id))
            uow.commit()
            return employee

        return self._run(link)

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
        return deliver_due(self._uow_factory, self._clock, notifiers, limit)

    # -- transactions ---------------------------------------------------------------------------

    def _run(self, work: Callable[[UnitOfWork], T]) -> T:
        """One unit of work; run again from the start when it lost a race to another one."""
        for attempt in range(ATTEMPTS):
            try:
                with self._uow_factory() as uow:
                    return work(uow)
            except Conflict:
                time.sleep(random.uniform(0, 0.05 * 2**attempt))
        raise Busy("LeaveBot is very busy right now and nothing was changed; please try again shortly.")
