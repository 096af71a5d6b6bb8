"""A reproducible organisation for the scaling benchmarks: the same ``--seed`` gives the same rows.

    /tmp/venv/bin/python -m bench.generate --seed 1 --employees 10000 --ledger-rows 1000000 \\
        --database-url mysql+pymysql://root@127.0.0.1:3306/leavebot_bench_1m --replace

Each person's history comes from a random generator seeded with (seed, person), so person ``n`` has
the same joining date and the same ledger rows in a small organisation and in a large one with as
many rows per person: that is what lets :mod:`bench.balance_scaling` compare one person's lookup
at 10,000 and at 1,000,000 ledger rows. The ledger runs year by year from each person's joining
year as the policy would have written it (monthly accruals, yearly grants, some leave taken,
carry-forward and expiry at each year end); the person's share of ``--ledger-rows`` keeps the
newest entries and drops the oldest, so the current year stays whole and its balances sane. The
current year is complete up to ``--as-of`` (every accrual that has come due), so a balance lookup
only reads. Leave taken this year comes with its approved request; about one person in ten also
has a request waiting for their manager. Rows go in in the order the jobs would have written them
(month by month across everybody), in multi-row inserts.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url

from bench.seed import NOW, organisation, policy_document, prepare, write
from storage import tables
from storage.engine import is_mysql, make_engine

#: Rows a whole past year takes at least (36 accruals and 2 grants under the default policy).
ROWS_PER_YEAR = 38
PENDING_SHARE = 0.1
LEDGER_COLUMNS = ("created_at", "employee_id", "type_key", "year", "kind", "days", "period", "request_id", "note")
#: What writes each kind of entry the generator makes (``core.domain.model.SourceKind``).
SOURCE_KINDS = {"ALLOCATION": "allocation", "ACCRUAL": "accrual", "LEAVE_TAKEN": "request",
                "CARRIED_IN": "year_end", "CARRIED_OUT": "year_end", "EXPIRY": "year_end"}


@dataclass(frozen=True)
class TypeRule:
    """What the policy says about one leave type, as far as the ledger's history needs it."""

    key: str
    monthly: bool
    days: Decimal  # a month's accrual, or a year's grant
    carry: Decimal


def type_rules(document: dict[str, Any], region: str = "INDIA") -> list[TypeRule]:
    """The region's types with a yearly balance: the ones the jobs grant and accrue (unpaid leave,
    leave per occurrence, in hours or earned by claims have no such history)."""
    kinds = document["leave_types"]
    return [TypeRule(key, kinds[key].get("accrual") == "monthly",
                     Decimal(str(kinds[key]["accrual_rate" if kinds[key].get("accrual") == "monthly"
                                           else "days_per_year"])),
                     Decimal(str(kinds[key].get("max_carry_forward") or 0)))
            for key in document["regions"][region]["leave_types"] if _yearly(kinds[key])]


def _yearly(kind: dict[str, Any]) -> bool:
    return (kind.get("paid", True) and kind.get("entitlement", "yearly") == "yearly"
            and kind.get("unit", "days") == "days" and not kind.get("earned_by_claims"))


@dataclass
class Person:
    """One person's generated history: ledger rows as tuples (:data:`LEDGER_COLUMNS`) and requests."""

    joining: date
    ledger: list[tuple[Any, ...]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)


def history(seed: int, n: int, budget: int, as_of: date, rules: list[TypeRule], manager_id: str | None,
            pro_rata_day: int = 15) -> Person:
    """Person ``n``'s ledger up to ``as_of``: the newest ``budget`` rows of a history long enough to fill it."""
    rng = random.Random(f"{seed}/{n}")
    first_year = as_of.year - budget // ROWS_PER_YEAR - 2 - rng.randrange(3)
    person = Person(date(first_year, rng.randrange(1, 13), rng.randrange(1, 29)))
    employee_id = f"B{n:05d}"
    carried: dict[str, Decimal] = {}
    rows: list[tuple[Any, ...]] = []
    taken_now: list[tuple[date, date, TypeRule, Decimal]] = []
    for year in range(first_year, as_of.year + 1):
        last_month = as_of.month if year == as_of.year else 12
        got = dict(carried)
        for rule in rules:
            if carried.get(rule.key):
                rows.append((_at(year, 1, 1, 15), employee_id, rule.key, year, "CARRIED_IN", carried[rule.key],
                             str(year - 1), None, f"carried from {year - 1}"))
            if not rule.monthly:
                rows.append((max(_at(year, 1, 1), _at(person.joining.year, person.joining.month, person.joining.day)),
                             employee_id, rule.key, year, "ALLOCATION", rule.days, str(year), None,
                             f"{year} allocation"))
                got[rule.key] = got.get(rule.key, Decimal(0)) + rule.days
        for month in range(1, last_month + 1):
            if date(year, month, pro_rata_day) < person.joining:
                continue
            for rule in (r for r in rules if r.monthly):
                rows.append((_at(year, month, 1, 30), employee_id, rule.key, year, "ACCRUAL", rule.days,
                             f"{year}-{month:02d}", None, f"{year}-{month:02d} accrual"))
                got[rule.key] = got.get(rule.key, Decimal(0)) + rule.days
        taken = _leave_taken(rng, year, as_of, person.joining, [r for r in rules if r.monthly])
        for start, end, rule, days in taken:
            got[rule.key] -= days
            rows.append((_at(start.year, start.month, start.day) - timedelta(days=7), employee_id, rule.key, year,
                         "LEAVE_TAKEN", -days, None, len(taken_now) if year == as_of.year else None, ""))
            if year == as_of.year:
                taken_now.append((start, end, rule, days))
        if year < as_of.year:
            carried = _year_end(rows, employee_id, year, rules, got)
    kept = sorted(rows, key=lambda row: row[0])[-budget:] if budget else []
    _attach_requests(person, kept, taken_now, manager_id)
    if manager_id is not None and rng.random() < PENDING_SHARE:
        start = as_of + timedelta(days=7 * rng.randrange(1, 8) + (7 - as_of.weekday()))
        person.requests.append(_request(employee_id, rules[0].key, start, start, Decimal(1), "PENDING", manager_id,
                                        _at(as_of.year, as_of.month, as_of.day)))
    return person


def _at(year: int, month: int, day: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, 0, minute, tzinfo=UTC)


def _leave_taken(rng: random.Random, year: int, as_of: date, joining: date,
                 monthly: list[TypeRule]) -> list[tuple[date, date, TypeRule, Decimal]]:
    """Up to three absences in the second half of the year (enough accrued by then), in distinct weeks."""
    first, last = date(year, 7, 1), min(date(year, 12, 18), as_of - timedelta(days=1))
    if joining.year == year or last < first:
        return []
    weeks = (last - first).days // 7
    chosen = sorted(rng.sample(range(weeks), min(weeks, rng.randrange(4))))
    found = []
    for week in chosen:
        monday = first + timedelta(days=7 * week - first.weekday())
        start = max(first, monday + timedelta(days=rng.randrange(3)))
        days = Decimal(rng.choice((1, 1, 2)))
        found.append((start, start + timedelta(days=int(days) - 1), rng.choice(monthly), days))
    return found


def _year_end(rows: list[tuple[Any, ...]], employee_id: str, year: int, rules: list[TypeRule],
              unused: dict[str, Decimal]) -> dict[str, Decimal]:
    """Carry up to each type's cap into the next year and expire the rest, as the year-end job does."""
    at = _at(year + 1, 1, 1, 10)
    carried = {}
    for rule in rules:
        left = unused.get(rule.key, Decimal(0))
        carry = min(left, rule.carry)
        if carry > 0:
            rows.append((at, employee_id, rule.key, year, "CARRIED_OUT", -carry, str(year), None,
                         f"carried into {year + 1}"))
            carried[rule.key] = carry
        if left - carry > 0:
            rows.append((at, employee_id, rule.key, year, "EXPIRY", carry - left, str(year), None,
                         f"{year} year end: over the carry-forward limit"))
    return carried


def _attach_requests(person: Person, kept: list[tuple[Any, ...]], taken_now: list[tuple[date, date, TypeRule,
                     Decimal]], manager_id: str | None) -> None:
    """This year's leave taken becomes approved requests; the ledger rows point at them by position."""
    for row in kept:
        slot = row[7]
        if slot is None:
            person.ledger.append(row)
            continue
        start, end, rule, days = taken_now[slot]
        person.requests.append(_request(row[1], rule.key, start, end, days, "APPROVED", manager_id, row[0]))
        person.ledger.append((*row[:7], len(person.requests) - 1, row[8]))


def _request(employee_id: str, type_key: str, start: date, end: date, days: Decimal, status: str,
             approver_id: str | None, at: datetime) -> dict[str, Any]:
    decided = status == "APPROVED"
    return {"employee_id": employee_id, "type_key": type_key, "start_date": start, "end_date": end, "half": None,
            "days": days, "year_days": json.dumps({str(start.year): str(days)}), "status": status, "reason": "",
            "document_ref": None, "document_due": False, "approver_id": approver_id,
            "decided_by": approver_id if decided else None, "decided_at": at if decided else None,
            "decision_note": "", "idempotency_key": None, "created_at": at - timedelta(days=1) if decided else at,
            "levels": "manager", "level": 0}


@dataclass
class Organisation:
    """Everything :func:`build` made, in insertion order, with request ids assigned."""

    people: list[dict[str, Any]]
    requests: list[dict[str, Any]]
    ledger: list[tuple[Any, ...]]

    def ledger_rows(self) -> Iterator[dict[str, Any]]:
        """The rows as the table holds them: a leave taken's source is its request, any other's its period."""
        for row in self.ledger:
            values = dict(zip(LEDGER_COLUMNS, row, strict=True))
            period, request_id = values.pop("period"), values.pop("request_id")
            source_id = period if period is not None else "" if request_id is None else str(request_id)
            yield {**values, "source_kind": SOURCE_KINDS[values["kind"]], "source_id": source_id, "once_key": period}


def build(seed: int, employees: int, ledger_rows: int, as_of: date, departments: int | None = None) -> Organisation:
    """The organisation for ``seed``: ``employees`` people sharing ``ledger_rows`` ledger rows as evenly as can be."""
    document = policy_document()
    rules = type_rules(document)
    pro_rata_day = int(document.get("pro_rata_day", 15))
    per_person, extra = divmod(ledger_rows, employees)
    people = organisation(employees, departments or max(1, employees // 100))
    requests: list[dict[str, Any]] = []
    ledger: list[tuple[Any, ...]] = []
    for n, row in enumerate(people):
        person = history(seed, n, per_person + (n < extra), as_of, rules, row["manager_id"], pro_rata_day)
        row["joining_date"] = person.joining
        first_id = len(requests) + 1
        requests.extend({"id": first_id + offset, **request} for offset, request in enumerate(person.requests))
        ledger.extend(entry if entry[7] is None else (*entry[:7], first_id + entry[7], entry[8])
                      for entry in person.ledger)
    ledger.sort(key=lambda entry: entry[0])  # stable: within an instant, person by person
    return Organisation(people, requests, ledger)


def generate(engine: Engine, seed: int, employees: int, ledger_rows: int, as_of: date,
             departments: int | None = None) -> Organisation:
    """Migrate an empty database, load the default policy and write the organisation for ``seed``.

    Raises:
        SystemExit: the database already holds employees (nothing is written).
    """
    prepare(engine, _at(as_of.year, as_of.month, as_of.day))
    with engine.connect() as connection:
        if connection.execute(select(func.count()).select_from(tables.employees)).scalar_one():
            raise SystemExit(f"{engine.url.database}: the database already holds employees; "
                             "generate into an empty one (or pass --replace)")
    org = build(seed, employees, ledger_rows, as_of, departments)
    write(engine, org.people, org.requests, org.ledger_rows(), chunk=10_000)
    return org


def fresh_mysql_database(url: str) -> None:
    """Drop and create the MySQL/MariaDB database named in ``url`` (the benchmarks' own, never a real one)."""
    parsed = make_url(url)
    server = create_engine(parsed.set(database=""))
    with server.begin() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS `{parsed.database}`"))
        connection.execute(text(f"CREATE DATABASE `{parsed.database}` CHARACTER SET utf8mb4"))
    server.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--ledger-rows", type=int, default=1_000_000)
    parser.add_argument("--departments", type=int, help="default: one per 100 people")
    parser.add_argument("--as-of", type=date.fromisoformat, default=NOW.date(), help="the current date (ISO)")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--replace", action="store_true", help="drop and create the MySQL database first")
    args = parser.parse_args(argv)
    if args.employees < 1 or args.ledger_rows < 0:
        parser.error("--employees must be at least 1 and --ledger-rows at least 0")
    engine = make_engine(args.database_url)
    if args.replace:
        if not is_mysql(engine):
            parser.error("--replace drops a MySQL/MariaDB database; for SQLite give a new file")
        fresh_mysql_database(args.database_url)
    started = time.perf_counter()
    org = generate(engine, args.seed, args.employees, args.ledger_rows, args.as_of, args.departments)
    print(f"{len(org.people)} employees, {len(org.requests)} requests, {len(org.ledger)} ledger rows "
          f"written in {time.perf_counter() - started:.1f} s ({engine.dialect.name}, seed {args.seed})")
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1:])
