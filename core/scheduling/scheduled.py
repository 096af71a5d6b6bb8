"""The scheduled jobs: their slots (who, where, when) and one run of each, exactly once.

A run first takes its (job, period) record, then plans its posts, in one transaction: two
schedulers, a restart or a manual ``jobs run`` racing for the same period find the record taken
and do nothing; a run that dies before committing leaves nothing behind and is done whole by the
next tick, and one that lost a race to the database (a deadlock) is done whole again at once.
Sending happens afterwards (:mod:`core.scheduling.posting`), post by post.

Channels are configured per platform in :class:`core.ports.DigestChannels` (``uow.channels``)
under ``digest:hr`` and ``digest:dept:<Department>`` (values: a Slack channel id, or the key of a
Teams channel the bot was added to).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from core.domain.model import Employee, format_request_number
from core.domain.reach import CHAT_AS_BEFORE, medium_of
from core.domain.schedule import LEDGER_JOBS, Catchup, DueRun, Every, Slot, due_runs, instant
from core.domain.text import counted
from core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from core.ports.jobs import CHANNEL_PLATFORMS
from core.scheduling.digests import department_zone, hr_digest, whos_out
from core.scheduling.jobs import JobResult, run_job
from core.scheduling.reminders import is_working_day, reminders
from core.shared.context import latest_policy
from core.shared.transactions import in_unit_of_work
from core.views import RunOutcome

HR_CHANNEL = "digest:hr"
#: A ledger job (accrual, year end) still ``running`` after this long lost its runner; it is run again.
STALE_RUN = timedelta(hours=1)


def dept_key(department: str) -> str:
    return f"digest:dept:{department}"


def slots(uow: UnitOfWork, org_zone: str) -> list[Slot]:
    """Every slot, from the people in the directory (their zones and departments) right now."""
    people = [e for e in uow.employees.all() if e.is_active]
    departments: dict[str, list[Employee]] = {}
    for e in people:
        departments.setdefault(e.department, []).append(e)
    found = [Slot("reminders", zone, zone, time(9, 30), Every.DAY, Catchup.SAME_DAY)
             for zone in sorted({e.time_zone for e in people})]
    found += [Slot("whos-out", dept, department_zone(members, org_zone), time(9, 0), Every.DAY, Catchup.SAME_DAY)
              for dept, members in sorted(departments.items())]
    found += [
        Slot("hr-digest", "", org_zone, time(9, 0), Every.MONDAY, Catchup.SAME_WEEK),
        Slot("document-reminders", "", org_zone, time(10, 0), Every.MONDAY, Catchup.SAME_WEEK),
        Slot("accrual", "", org_zone, time(0, 30), Every.MONTH, Catchup.ALWAYS),
        *year_end_slots(uow, people, org_zone),
        Slot("reassign", "", org_zone, time(8, 0), Every.DAY, Catchup.SAME_DAY),
    ]
    return found


def year_end_slots(uow: UnitOfWork, people: Iterable[Employee], org_zone: str) -> list[Slot]:
    """One year-end slot per month a leave year of the directory's regions starts in: the January
    one keeps its plain period (``2026``), another is keyed by its start (``2026@04-01``). Each run
    closes, for everyone, whichever leave years have ended, so a run on another region's start
    changes nothing for people whose year has not ended."""
    policy = uow.policies.current()
    months = {policy.leave_year(e.region).month for e in people} if policy else set()
    return [Slot("year-end", "" if month == 1 else f"{month:02d}-01", org_zone, time(1, 0), Every.YEAR,
                 Catchup.ALWAYS, month)
            for month in sorted(months or {1})]


Plan = Callable[[UnitOfWork, datetime], tuple[list[tuple[str, dict[str, Any]]], str]]


def channels(uow: UnitOfWork, key: str, platforms: Sequence[str]) -> list[str]:
    """Post targets for a configured channel: ``slack:channel:C123`` per platform that has one."""
    return [f"{p}:channel:{address}" for p in platforms if (address := uow.channels.address(p, key))]


def reaching(uow: UnitOfWork, employee_id: str, platforms: Sequence[str]) -> list[str]:
    """The platforms a personal post to ``employee_id`` goes by: those of the media they want
    (:class:`core.domain.reach.Reach`; ``email`` is e-mail, every other platform chat), as the
    outbox chooses for notices."""
    employee = uow.employees.get(employee_id)
    reach = employee.reach if employee is not None else CHAT_AS_BEFORE
    wanted = reach.media(frozenset(map(medium_of, platforms)))
    return [p for p in platforms if medium_of(p) in wanted]


def _plan(run: DueRun, platforms: Sequence[str]) -> Plan:
    """The planning function of a posting job's run: (target, payload) pairs and a summary.

    Channel posts go to every platform with a configured channel (whichever process has that
    door sends them); personal ones to ``platforms``, the doors enabled where the job runs.
    """
    slot, day = run.slot, run.day

    def hr(uow: UnitOfWork, now: datetime) -> tuple[list[tuple[str, dict[str, Any]]], str]:
        targets = channels(uow, HR_CHANNEL, CHANNEL_PLATFORMS)
        if not targets:
            return [], "no HR channel configured"
        payload = hr_digest(uow, now, day - timedelta(days=day.weekday()))
        return [(t, payload) for t in targets], f"HR digest of the week of {payload['week_of']}"

    def out(uow: UnitOfWork, now: datetime) -> tuple[list[tuple[str, dict[str, Any]]], str]:
        targets = channels(uow, dept_key(slot.key), CHANNEL_PLATFORMS)
        if not targets:
            return [], f"no channel for {slot.key}"
        members = [e for e in uow.employees.all() if e.department == slot.key and e.is_active]
        policy = latest_policy(uow)
        local = next((e for e in members if e.time_zone == slot.zone), None)
        if local is not None and not is_working_day(uow, policy, local, day):
            return [], f"{day} is not a working day in {slot.key}"
        payload = whos_out(uow, now, slot.key, day)
        return [(t, payload) for t in targets], f"who's out in {slot.key}: {payload['today']['total']} today"

    def remind(uow: UnitOfWork, now: datetime) -> tuple[list[tuple[str, dict[str, Any]]], str]:
        found, summary = reminders(uow, now, slot.key, day)
        return [(f"{p}:person:{approver}", payload) for approver, payload in found
                for p in reaching(uow, approver, platforms)], summary

    def documents(uow: UnitOfWork, now: datetime) -> tuple[list[tuple[str, dict[str, Any]]], str]:
        by_person: dict[str, list[dict[str, Any]]] = {}
        for due in uow.jobs.documents_due():
            by_person.setdefault(due.employee_id, []).append(
                {"number": format_request_number(due.request_id), "start": due.start.isoformat(),
                 "end": due.end.isoformat(), "type": due.type_key})
        posts = [(f"{p}:person:{who}", {"kind": "document_reminder", "requests": rows})
                 for who, rows in sorted(by_person.items()) for p in reaching(uow, who, platforms)]
        return posts, counted(len(by_person), "document reminder")

    return {"hr-digest": hr, "whos-out": out, "reminders": remind, "document-reminders": documents}[slot.job]


def run_due(uow_factory: UnitOfWorkFactory, clock: Clock, run: DueRun, platforms: Sequence[str]) -> RunOutcome:
    """Run one occurrence unless another run already took its (job, period)."""
    now = clock.now()
    if run.job in LEDGER_JOBS:
        return _run_ledger_job(uow_factory, clock, run)
    plan = _plan(run, platforms)

    def take_and_plan(uow: UnitOfWork) -> RunOutcome:
        if not uow.jobs.start(run.job, run.period, now):
            return RunOutcome(run.job, run.period, ran=False)
        posts, summary = plan(uow, now)
        for target, payload in posts:
            uow.jobs.add_post(run.job, run.period, target, payload, now)
        uow.jobs.finish(run.job, run.period, now, "ok", summary)
        uow.commit()
        return RunOutcome(run.job, run.period, ran=True, summary=summary, posts=len(posts))

    return in_unit_of_work(uow_factory, take_and_plan)


def _run_ledger_job(uow_factory: UnitOfWorkFactory, clock: Clock, run: DueRun) -> RunOutcome:
    """Accrual, year end, reassign: per-person transactions of their own, idempotent; the record
    only keeps two runners from doing the work at once, and is taken over when its runner died."""
    now = clock.now()

    def take(uow: UnitOfWork) -> bool:
        taken = uow.jobs.start(run.job, run.period, now) or uow.jobs.restart(run.job, run.period, now,
                                                                              now - STALE_RUN)
        uow.commit()
        return taken

    def finish(outcome: str, detail: str) -> Callable[[UnitOfWork], None]:
        def record(uow: UnitOfWork) -> None:
            uow.jobs.finish(run.job, run.period, clock.now(), outcome, detail)
            uow.commit()
        return record

    if not in_unit_of_work(uow_factory, take):
        return RunOutcome(run.job, run.period, ran=False)
    try:
        result: JobResult = run_job(uow_factory, clock, run.job, run.day)
    except Exception as error:
        in_unit_of_work(uow_factory, finish("failed", f"{type(error).__name__}: {error}"[:500]))
        raise
    in_unit_of_work(uow_factory, finish("ok", result.summary))
    return RunOutcome(run.job, run.period, ran=True, summary=result.summary)


def pending_runs(uow: UnitOfWork, now: datetime, org_zone: str, only: Iterable[str] | None = None) -> list[DueRun]:
    """The occurrences due at ``now`` that no run has taken yet."""
    wanted = [s for s in slots(uow, org_zone) if only is None or s.job in set(only)]
    due = due_runs(now, wanted)
    done: set[tuple[str, str]] = set()
    for job in {r.job for r in due}:
        done |= {(job, p) for p in uow.jobs.taken(job, [r.period for r in due if r.job == job])}
    return [r for r in due if (r.job, r.period) not in done]


def for_date(uow: UnitOfWork, org_zone: str, job: str, on: date) -> list[DueRun]:
    """The occurrences of ``job`` for the period containing ``on`` (a manual ``jobs run --as-of``)."""
    wanted = [s for s in slots(uow, org_zone) if s.job == job]
    runs = []
    for slot in wanted:
        day = on
        if slot.every is Every.MONDAY:
            day = on - timedelta(days=on.weekday())
        runs.append(DueRun(slot, day, instant(day, slot.at, slot.zone)))
    return runs
