"""Random weeks of every leave rule at once, with every figure held against the ledger.

Shared by the unit tests (on the fakes) and the integration tests (on SQLite and MariaDB). People
apply for every kind of leave (paid, unpaid, optional holidays, comp-off earned by claims, maternity
in calendar days, across the new year), take the paid + unpaid split they are offered, cancel some
days; HR approves, rejects, adjusts balances and
cuts short leave that has begun; the accrual and year-end jobs run as the days go by (privilege
leave beyond its carry-forward is paid out). After every
step:

- each balance shown (every type, this year and next) equals the sum of its ledger, less the
  carry-forward next year only expects;
- every active request charges exactly its working days (sandwich is off: no weekend or holiday is
  ever charged), counted here independently of the code under test, and no day of a person is
  charged twice;

and at the end, payroll's months and the leave report equal the ledger.
"""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from core.domain.model import EntryKind, LeaveRequest, LedgerEntry, RequestStatus, SourceKind
from core.service import LeaveService
from core.views import CompOffClaimView, PayrollView, ReportView, View
from tests.unit.conftest import policy_document
from tests.unit.fakes import FixedClock

HR = "hr@x.test"
PEOPLE = {"ananya@x.test": "E3", "rahul@x.test": "E4", "kiran@x.test": "E5"}
TYPES = ("casual", "sick", "privilege", "unpaid", "optional", "compoff", "maternity")
CHARGED = (EntryKind.LEAVE_TAKEN, EntryKind.REVERSAL)


def policy() -> dict[str, Any]:
    """The built-in policy with unpaid leave, optional holidays and comp-off, and privilege leave
    paid out (up to 3 days) beyond its carry-forward at the year end."""
    document = policy_document(including=("unpaid", "optional", "compoff"))
    document["leave_types"]["privilege"].update(overflow="encash", max_encash_days=3)
    return document


def dates(document: dict[str, Any], key: str) -> tuple[date, ...]:
    """The dates of the region's ``holidays`` or ``optional_holidays`` list."""
    return tuple(sorted(entry["date"] for entry in document["regions"]["INDIA"].get(key, [])))


@dataclass
class World:
    """The service under test, its frozen clock, and how to read what it holds."""

    service: LeaveService
    clock: FixedClock
    ledger: Callable[[], list[LedgerEntry]]
    requests: Callable[[], list[LeaveRequest]]
    holidays: frozenset[date]
    optional_dates: tuple[date, ...]
    #: Types counted in calendar days (maternity): weekends and holidays inside count too.
    calendar_types: frozenset[str] = frozenset()

    @property
    def today(self) -> date:
        return self.clock.now().date()

    def say(self, who: str, words: str) -> View:
        return self.service.handle_text(who, words, "test")


def play(world: World, seed: int, steps: int) -> None:
    """``steps`` random operations, every figure checked after each; payroll and reports at the end."""
    rng = random.Random(seed)
    for _ in range(steps):
        operation = rng.choice(OPERATIONS)
        operation(world, rng)
        balances_equal_the_ledger(world)
        requests_charge_their_working_days_once(world)
    payroll_and_reports_equal_the_ledger(world)


# -- operations -------------------------------------------------------------------------------------


def apply(world: World, rng: random.Random) -> None:
    who = rng.choice(list(PEOPLE))
    kind = rng.choice(TYPES)
    if kind == "optional":
        world.say(who, f"apply optional {rng.choice(world.optional_dates).isoformat()} festival")
        return
    start = world.today + timedelta(days=rng.randrange(-3, 50))
    end = start + timedelta(days=rng.randrange(0, 6))
    half = " half-day" if start == end and rng.random() < 0.2 else ""
    world.say(who, f"apply {kind} {start.isoformat()} to {end.isoformat()}{half} family")


def earn_comp_off(world: World, rng: random.Random) -> None:
    """A Saturday worked, claimed and approved by HR, and a day of it asked for as comp-off."""
    who = rng.choice(list(PEOPLE))
    saturday = world.today - timedelta(days=(world.today.weekday() - 5) % 7 or 7)
    claimed = world.say(who, f"compoff claim {saturday.isoformat()} release weekend")
    if isinstance(claimed, CompOffClaimView):
        world.say(HR, f"approve {claimed.number}")
    world.say(who, f"apply compoff {(world.today + timedelta(days=rng.randrange(1, 20))).isoformat()} rest")


def take_the_split(world: World, rng: random.Random) -> None:
    """A paid type asked for beyond its balance, then the offered split taken with ``yes``."""
    who = rng.choice(list(PEOPLE))
    start = world.today + timedelta(days=rng.randrange(10, 40))
    world.say(who, f"apply casual {start.isoformat()} to {(start + timedelta(days=20)).isoformat()} trip")
    world.say(who, "yes")


def decide(world: World, rng: random.Random) -> None:
    waiting = [r for r in world.requests() if r.status is RequestStatus.PENDING]
    if waiting:
        chosen = rng.choice(waiting)
        world.say(HR, f"{rng.choice(['approve', 'approve', 'reject'])} {chosen.number} reason")


def cancel(world: World, rng: random.Random) -> None:
    active = [r for r in world.requests() if r.status in (RequestStatus.PENDING, RequestStatus.APPROVED)]
    if not active:
        return
    chosen = rng.choice(active)
    owner = next(e for e, i in PEOPLE.items() if i == chosen.employee_id) if chosen.employee_id in PEOPLE.values() \
        else HR
    words = rng.choice([f"cancel {chosen.number}", f"cancel {chosen.number} from {chosen.end.isoformat()}"])
    world.say(rng.choice([owner, HR]), words)  # HR may also cut short leave that has begun


def adjust(world: World, rng: random.Random) -> None:
    who = rng.choice(list(PEOPLE))
    kind = rng.choice(("casual", "sick", "privilege"))
    change = rng.choice(("+1", "+0.5", "-1", "+2"))
    world.say(HR, f"adjust {who} {kind} {change} correction")


def time_passes(world: World, rng: random.Random) -> None:
    world.clock.at += timedelta(days=rng.randrange(1, 12))


def run_jobs(world: World, rng: random.Random) -> None:
    world.service.run_job(rng.choice(("accrual", "year-end")), world.today)


OPERATIONS: tuple[Callable[[World, random.Random], None], ...] = (
    apply, apply, apply, take_the_split, earn_comp_off, decide, decide, cancel, adjust, time_passes, run_jobs,
)


def calendar_types(document: dict[str, Any]) -> frozenset[str]:
    return frozenset(k for k, t in document["leave_types"].items() if t.get("count") == "calendar_days")


# -- checks -----------------------------------------------------------------------------------------


def balances_equal_the_ledger(world: World) -> None:
    for email, employee_id in PEOPLE.items():
        for year in (world.today.year, world.today.year + 1):
            rows = world.service.balance_of(email, year).rows  # it writes grants that have begun
            entries = world.ledger()
            for row in rows:
                total = sum((e.amount.value for e in entries if e.employee_id == employee_id
                             and e.type_key == row.type_key and e.year == year), Decimal(0))
                shown = row.available + row.pending - row.carried_expected
                assert total == shown.value, (total, email, year, row, world.today)


def working_days(request: LeaveRequest, holidays: frozenset[date],
                 every_day_types: frozenset[str]) -> dict[date, Decimal]:
    """What the request should charge, counted here: Monday to Friday, not a holiday (every day for a
    type counted in calendar days), not given back."""
    share = Decimal("0.5") if request.half else Decimal(1)
    days = (request.start + timedelta(days=n) for n in range((request.end - request.start).days + 1))
    every_day = request.type_key in every_day_types
    return {d: share for d in days if d not in request.cancelled_dates
            and (every_day or (d.weekday() < 5 and d not in holidays))}


def requests_charge_their_working_days_once(world: World) -> None:
    entries = world.ledger()
    charged: dict[int, Decimal] = Counter()
    for e in entries:
        if e.kind in CHARGED and e.source.kind is SourceKind.REQUEST:
            charged[int(e.source.id)] += e.amount.value
    per_day: dict[tuple[str, date], Decimal] = Counter()
    for request in world.requests():
        if request.status not in (RequestStatus.PENDING, RequestStatus.APPROVED):
            continue
        expected = working_days(request, world.holidays, world.calendar_types)
        for day, share in expected.items():
            per_day[(request.employee_id, day)] += share
        asked = sum((a.value for a in request.year_days.values()), Decimal(0))
        if request.status is RequestStatus.APPROVED:
            assert -charged[request.id or 0] == sum(expected.values()), (request, expected)
        elif not request.cancelled_dates:
            assert asked == sum(expected.values()), (request, expected)
    doubled = {key: share for key, share in per_day.items() if share > 1}
    assert not doubled, doubled


def months_of(days: Iterable[date]) -> list[str]:
    return sorted({f"{d.year}-{d.month:02d}" for d in days})


def payroll_and_reports_equal_the_ledger(world: World) -> None:
    entries = world.ledger()
    requests = world.requests()
    spans = [d for r in requests for d in (r.start, r.end)] + [e.created_at.date() for e in entries]
    exported: dict[tuple[str, str], Decimal] = Counter()
    adjusted: dict[str, Decimal] = Counter()
    for month in months_of(spans):
        view = world.say(HR, f"payroll {month}")
        assert isinstance(view, PayrollView), view
        for row in csv.DictReader(io.StringIO(view.files[0].text)):
            for column, value in row.items():
                if column.startswith("paid_") and column != "paid_days":
                    exported[(row["employee_id"], column.removeprefix("paid_"))] += Decimal(value)
            exported[(row["employee_id"], "unpaid")] += Decimal(row["unpaid_days"])
            adjusted[row["employee_id"]] += Decimal(row["adjustment_days"])
    ledger_taken: dict[tuple[str, str], Decimal] = Counter()
    ledger_adjusted: dict[str, Decimal] = Counter()
    for e in entries:
        if e.kind in CHARGED:
            ledger_taken[(e.employee_id, e.type_key)] -= e.amount.value
        elif e.kind is EntryKind.ADJUSTMENT:
            ledger_adjusted[e.employee_id] += e.amount.value
    assert {k: v for k, v in exported.items() if v} == {k: v for k, v in ledger_taken.items() if v}
    assert {k: v for k, v in adjusted.items() if v} == {k: v for k, v in ledger_adjusted.items() if v}
    reported: dict[tuple[str, str], Decimal] = Counter()
    for year in sorted({d.year for d in spans}):
        view = world.say(HR, f"report {year}")
        assert isinstance(view, ReportView), view
        for row in csv.DictReader(io.StringIO(view.files[0].text)):
            reported[(row["employee_id"], row["type"])] += Decimal(row["days"])
    assert {k: v for k, v in reported.items() if v} == {k: v for k, v in ledger_taken.items() if v}
