"""What SQL a piece of the core sends: recorded from the engine, to count it or to EXPLAIN it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event


@dataclass
class StatementLog:
    """Every statement (with its parameters) and commit sent while :func:`recording` was active."""

    statements: list[tuple[str, Any]] = field(default_factory=list)
    commits: int = 0

    def counts(self) -> Counter[str]:
        """Statements by their first word (SELECT, INSERT, UPDATE, DELETE...), plus COMMIT."""
        found = Counter(sql.split(None, 1)[0].upper() for sql, _ in self.statements)
        found["COMMIT"] = self.commits
        return found


@contextmanager
def recording(engine: Engine) -> Iterator[StatementLog]:
    """Record what goes through ``engine`` inside the block (executemany counts once)."""
    log = StatementLog()

    def statement(_conn: Any, _cursor: Any, sql: str, parameters: Any, _context: Any, _many: bool) -> None:
        log.statements.append((sql, parameters))

    def commit(_conn: Any) -> None:
        log.commits += 1

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)


def explain(engine: Engine, log: StatementLog) -> list[dict[str, Any]]:
    """MySQL's plan for each recorded SELECT: table, access type, index and rows examined per step."""
    plans = []
    with engine.connect() as connection:
        for sql, parameters in log.statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            for row in connection.exec_driver_sql(f"EXPLAIN {sql}", parameters).mappings():
                plans.append({"sql": " ".join(sql.split())[:90], "table": row["table"], "type": row["type"],
                              "key": row["key"], "rows": row["rows"]})
    return plans
