"""How a balance lookup's latency grows with the ledger: one person, 10,000 rows in all vs 1,000,000.

    /tmp/venv/bin/python -m bench.balance_scaling \\
        --small mysql+pymysql://root@127.0.0.1:3306/leavebot_bench_10k \\
        --large mysql+pymysql://root@127.0.0.1:3306/leavebot_bench_1m

Both databases come from :mod:`bench.generate` with the same seed and as many rows per person
(100 people x 100 rows, 10,000 people x 100 rows), so the person asked about has the very same
ledger rows in both; only everybody else's rows differ. ``LeaveService.balance_of`` runs in
alternating rounds (so that load from other work on the machine falls on both alike) and the
median of each side is compared. The SELECTs of one lookup are EXPLAINed on the large database:
a step that reads the whole table (access type ``ALL``) is what would make the ratio grow.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, date, datetime

from sqlalchemy import Engine, func, select

from bench.seed import NOW, Clock
from bench.statements import explain, recording
from core.service import LeaveService
from storage import tables
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.uow import uow_factory

TARGET = 1.3


def own_rows(engine: Engine, employee_id: str) -> list[tuple[object, ...]]:
    """The person's ledger, without the ids (which depend on everybody else's rows)."""
    ledger = tables.ledger_entries.c
    query = select(ledger.type_key, ledger.year, ledger.kind, ledger.days, ledger.source_id, ledger.created_at) \
        .where(ledger.employee_id == employee_id).order_by(ledger.id)
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]


def ledger_size(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(tables.ledger_entries)).scalar_one())


def timed(service: LeaveService, email: str, times: int) -> list[float]:
    took = []
    for _ in range(times):
        started = time.perf_counter()
        service.balance_of(email)
        took.append(time.perf_counter() - started)
    return took


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.balance_scaling", description=__doc__.split("\n")[0])
    parser.add_argument("--small", required=True, help="the database with 10,000 ledger rows")
    parser.add_argument("--large", required=True, help="the database with 1,000,000 ledger rows")
    parser.add_argument("--person", type=int, default=42, help="the person asked about (B00042 by default)")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--lookups", type=int, default=50, help="per round and database")
    parser.add_argument("--as-of", type=date.fromisoformat, default=NOW.date())
    args = parser.parse_args(argv)
    employee_id, email = f"B{args.person:05d}", f"p{args.person}@bench.test"
    clock = Clock(datetime.combine(args.as_of, NOW.timetz()).astimezone(UTC))
    engines = {"small": make_engine(args.small), "large": make_engine(args.large)}
    for engine in engines.values():
        upgrade(engine)  # as `leavebot serve` would: a database generated before a new migration gets it
    rows = {name: own_rows(engine, employee_id) for name, engine in engines.items()}
    if rows["small"] != rows["large"]:
        sys.exit(f"{employee_id} has different ledger rows in the two databases "
                 f"({len(rows['small'])} vs {len(rows['large'])}): generate both with the same seed")
    total = {name: ledger_size(engine) for name, engine in engines.items()}
    services = {name: LeaveService(uow_factory(engine), clock) for name, engine in engines.items()}
    for service in services.values():
        timed(service, email, 20)  # warm the pools and caches
    took: dict[str, list[float]] = {"small": [], "large": []}
    for _ in range(args.rounds):
        for name, service in services.items():
            took[name] += timed(service, email, args.lookups)
    with recording(engines["large"]) as log:
        services["large"].balance_of(email)
    print(f"{employee_id}: {len(rows['large'])} own ledger rows in both; "
          f"{log.counts()['SELECT']} SELECTs per lookup")
    for plan in explain(engines["large"], log):
        print(f"  {plan['table']:<16} {plan['type']:<7} key={plan['key']} rows={plan['rows']}  {plan['sql']}")
    medians = {name: statistics.median(values) for name, values in took.items()}
    for name in took:
        p90 = statistics.quantiles(took[name], n=10)[-1]
        print(f"{name}: {total[name]:,} ledger rows, {len(took[name])} lookups, "
              f"median {medians[name] * 1000:.2f} ms, p90 {p90 * 1000:.2f} ms")
    ratio = medians["large"] / medians["small"]
    print(f"ratio large/small {ratio:.3f} (target at most {TARGET}): {'met' if ratio <= TARGET else 'NOT met'}")
    for engine in engines.values():
        engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1:])
