"""Apply + approve round trips per second through the core, against raw PyMySQL doing the same writes.

    /tmp/venv/bin/python -m bench.round_trips --database-url mysql+pymysql://root@127.0.0.1:3306/leavebot_bench_1m

On an organisation from :mod:`bench.generate` (10,000 people, 1,000,000 ledger rows), each round
trip is one person applying for a day of casual leave (``LeaveService.execute(ApplyLeave)``) and
their manager approving it (``Decide``): two units of work. The statements of one round trip are
recorded from the engine and counted; the baseline then does, over a plain PyMySQL connection,
exactly as many INSERTs and UPDATEs per round trip, in as many transactions, into a scratch copy
of ``leave_requests`` (same columns and indexes), which it drops at the end. The two alternate in
blocks so that other load on the machine falls on both alike.

Every run uses people who have no leave from ``--as-of`` on, so the database can be reused; it
keeps the requests the runs made.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pymysql
from sqlalchemy import Engine, and_, exists, select
from sqlalchemy.engine import make_url

from bench.seed import NOW, Clock
from bench.statements import recording
from core.commands import ApplyLeave, Decide
from core.service import LeaveService
from core.views import AppliedView, DecidedView, View
from storage import tables
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.uow import uow_factory

TARGET = 0.25
SCRATCH = "bench_raw_round_trips"
WARM_UP = 10


def applicants(engine: Engine, after: date, count: int) -> list[tuple[str, str]]:
    """(applicant e-mail, manager e-mail) of people with a manager and no leave from ``after`` on."""
    people, managers, requests = tables.employees, tables.employees.alias("managers"), tables.leave_requests
    busy = exists().where(and_(requests.c.employee_id == people.c.employee_id, requests.c.end_date >= after))
    query = (select(people.c.email, managers.c.email)
             .join(managers, managers.c.employee_id == people.c.manager_id)
             .where(~busy, people.c.role == "EMPLOYEE").order_by(people.c.employee_id).limit(count))
    with engine.connect() as connection:
        found = [(str(a), str(b)) for a, b in connection.execute(query)]
    if len(found) < count:
        sys.exit(f"only {len(found)} people are free to apply; generate a fresh organisation")
    return found


def round_trip(service: LeaveService, applicant: str, manager: str, day: date) -> None:
    applied: View = service.execute(applicant, ApplyLeave("casual", day, day), "bench")
    if not isinstance(applied, AppliedView):
        raise SystemExit(f"{applicant} could not apply: {applied}")
    decided = service.execute(manager, Decide(applied.request.id, approve=True), "bench")
    if not isinstance(decided, DecidedView):
        raise SystemExit(f"{manager} could not approve: {decided}")


class RawBaseline:
    """The same number of INSERTs, UPDATEs and COMMITs per round trip, over bare PyMySQL."""

    def __init__(self, url: str, phases: list[Counter[str]]) -> None:
        parsed = make_url(url)
        self.connection = pymysql.connect(host=parsed.host or "127.0.0.1", port=parsed.port or 3306,
                                          user=parsed.username or "root", password=parsed.password or "",
                                          database=parsed.database, autocommit=False, charset="utf8mb4")
        self.phases = phases
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
            cursor.execute(f"CREATE TABLE {SCRATCH} LIKE leave_requests")
        self.connection.commit()

    def round_trip(self, n: int, day: date) -> None:
        last_id = 0
        with self.connection.cursor() as cursor:
            for phase in self.phases:
                for _ in range(phase["INSERT"]):
                    cursor.execute(
                        f"INSERT INTO {SCRATCH} (employee_id, type_key, start_date, end_date, days, year_days, "
                        "status, reason, document_due, decision_note, created_at, levels, level) "
                        "VALUES (%s, 'casual', %s, %s, 1, %s, 'PENDING', '', 0, '', %s, 'manager', 0)",
                        (f"B{n % 10_000:05d}", day, day, '{"2026": "1"}', datetime.now(UTC).replace(tzinfo=None)))
                    last_id = cursor.lastrowid
                for _ in range(phase["UPDATE"]):
                    cursor.execute(f"UPDATE {SCRATCH} SET status = 'APPROVED', decided_at = %s WHERE id = %s",
                                   (datetime.now(UTC).replace(tzinfo=None), last_id))
                self.connection.commit()

    def close(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        self.connection.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.round_trips", description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True, help="a MariaDB/MySQL organisation from bench.generate")
    parser.add_argument("--round-trips", type=int, default=400)
    parser.add_argument("--blocks", type=int, default=4, help="alternations between the core and the baseline")
    parser.add_argument("--as-of", type=date.fromisoformat, default=NOW.date())
    args = parser.parse_args(argv)
    engine = make_engine(args.database_url)
    upgrade(engine)  # as `leavebot serve` would: a database generated before a new migration gets it
    clock = Clock(datetime.combine(args.as_of, NOW.timetz()).astimezone(UTC))
    service = LeaveService(uow_factory(engine), clock, default_time_zone="Asia/Kolkata")
    day = args.as_of + timedelta(days=14 + (7 - args.as_of.weekday()) % 7)  # a Monday, two weeks ahead
    people = applicants(engine, args.as_of, args.round_trips + WARM_UP + 1)
    for applicant, manager in people[:WARM_UP]:
        round_trip(service, applicant, manager, day)
    applicant, manager = people[WARM_UP]
    with recording(engine) as apply_log:
        applied = service.execute(applicant, ApplyLeave("casual", day, day), "bench")
    if not isinstance(applied, AppliedView):
        raise SystemExit(f"{applicant} could not apply: {applied}")
    with recording(engine) as approve_log:
        service.execute(manager, Decide(applied.request.id, approve=True), "bench")
    phases = [apply_log.counts(), approve_log.counts()]
    for name, counts in zip(("apply", "approve"), phases, strict=True):
        print(f"{name}: " + ", ".join(f"{counts[word]} {word}" for word in ("SELECT", "INSERT", "UPDATE", "DELETE",
                                                                             "COMMIT")))
    baseline = RawBaseline(args.database_url, phases)
    timings: dict[str, float] = {"core": 0.0, "raw": 0.0}
    queue = people[WARM_UP + 1:]
    per_block = args.round_trips // args.blocks
    for block in range(args.blocks):
        started = time.perf_counter()
        for applicant, manager in queue[block * per_block:(block + 1) * per_block]:
            round_trip(service, applicant, manager, day)
        timings["core"] += time.perf_counter() - started
        started = time.perf_counter()
        for n in range(per_block):
            baseline.round_trip(n, day)
        timings["raw"] += time.perf_counter() - started
    baseline.close()
    rates = {name: per_block * args.blocks / took for name, took in timings.items()}
    ratio = rates["core"] / rates["raw"]
    print(f"core: {rates['core']:.1f} round trips/s; raw PyMySQL: {rates['raw']:.1f} round trips/s "
          f"({per_block * args.blocks} each)")
    print(f"ratio core/raw {ratio:.3f} (target at least {TARGET}): {'met' if ratio >= TARGET else 'NOT met'}")
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1:])
