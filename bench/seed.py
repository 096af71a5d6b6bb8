"""Bulk-seed a large organisation straight into the tables (the import's checks would dominate).

Used by the benchmarks only: 10,000 people in 100 departments by default, one manager per
department, requests spread over the year around the digest's week. :mod:`bench.generate` builds
its larger, history-shaped organisations from the same pieces (:func:`organisation`, :func:`write`).
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import islice
from typing import Any

import yaml
from sqlalchemy import Engine, insert

from core.service import LeaveService
from storage import tables
from storage.cache import Kind, bump
from storage.migrate import upgrade
from storage.uow import uow_factory

POLICY = "bot/policies/default.yaml"
NOW = datetime(2026, 11, 30, 3, 30, tzinfo=UTC)  # Monday 09:00 in Kolkata
TYPES = ("casual", "sick", "privilege")


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


def seed(engine: Engine, employees: int = 10_000, departments: int = 100, requests: int = 50_000,
         pending_share: float = 0.1, rng: random.Random | None = None) -> None:
    rng = rng or random.Random(6)
    prepare(engine)
    people = organisation(employees, departments)
    rows = []
    for _ in range(requests):
        who = people[rng.randrange(employees)]
        start = date(2026, 1, 5) + timedelta(days=rng.randrange(360))
        length = rng.choice((0, 0, 1, 2, 4))
        status = "PENDING" if rng.random() < pending_share else rng.choice(("APPROVED", "APPROVED", "REJECTED"))
        days = Decimal(length + 1)
        rows.append({"employee_id": who["employee_id"], "type_key": rng.choice(TYPES), "start_date": start,
                     "end_date": start + timedelta(days=length), "half": None, "days": days,
                     "year_days": json.dumps({str(start.year): str(days)}), "status": status, "reason": "",
                     "document_ref": None, "document_due": rng.random() < 0.01,
                     "approver_id": who["manager_id"], "decision_note": "", "idempotency_key": None,
                     "created_at": NOW - timedelta(days=rng.randrange(1, 30)), "levels": "manager", "level": 0})
    ledger = [{"employee_id": p["employee_id"], "type_key": t, "year": 2026, "kind": "ACCRUAL",
               "days": Decimal(rng.choice((0, 1, 11))), "source_kind": "accrual", "source_id": "2026-11",
               "once_key": "2026-11", "note": "",
               "created_at": NOW} for p in people for t in TYPES]
    write(engine, people, rows, ledger)


def policy_document() -> Any:
    with open(POLICY, encoding="utf-8") as policy:
        return yaml.safe_load(policy)


def prepare(engine: Engine, at: datetime = NOW) -> None:
    """Migrate and load the default policy, as ``leavebot serve`` does on a new database."""
    upgrade(engine)
    service = LeaveService(uow_factory(engine), Clock(at), default_time_zone="Asia/Kolkata")
    service.load_policy(policy_document(), "bench")


def organisation(employees: int, departments: int, joining: Callable[[int], date] = lambda _n: date(2020, 1, 1),
                 ) -> list[dict[str, Any]]:
    """Employee rows ``B00000``...: one manager heading each department, ``B00000`` also HR admin."""
    per_dept = max(1, employees // departments)
    people = []
    for n in range(employees):
        dept = n // per_dept
        manager = None if n % per_dept == 0 else f"B{dept * per_dept:05d}"
        people.append({"employee_id": f"B{n:05d}", "email": f"p{n}@bench.test", "first_name": f"P{n}",
                       "last_name": "Bench", "manager_id": manager,
                       "role": "MANAGER" if manager is None else "EMPLOYEE", "department": f"Dept {dept:03d}",
                       "location": "Bengaluru", "region": "INDIA", "joining_date": joining(n),
                       "status": "ACTIVE", "time_zone": "Asia/Kolkata", "updated_at": NOW})
    people[0]["role"] = "HR_ADMIN"
    return people


def write(engine: Engine, people: list[dict[str, Any]], requests: Iterable[dict[str, Any]],
          ledger: Iterable[dict[str, Any]], chunk: int = 5000) -> None:
    """Bulk-insert (executemany, ``chunk`` rows at a time) in one transaction; managers first.

    The directory's version stamp is written too, as every writer of the directory must, and each
    person's, as every writer of their ledger or requests must, so that the processes serving this
    organisation may keep the people they read and what their balances read (:mod:`storage.cache`).
    """
    with engine.begin() as connection:
        connection.execute(insert(tables.employees), [p for p in people if p["manager_id"] is None])
        connection.execute(insert(tables.employees), [p for p in people if p["manager_id"] is not None])
        bump(connection, [Kind.EMPLOYEES])
        connection.execute(insert(tables.person_stamps),
                           [{"employee_id": p["employee_id"], "token": uuid.uuid4().hex} for p in people])
        for table, rows in ((tables.leave_requests, requests), (tables.ledger_entries, ledger)):
            each = iter(rows)
            while batch := list(islice(each, chunk)):
                connection.execute(insert(table), batch)
