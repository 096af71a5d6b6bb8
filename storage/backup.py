"""The organisation's whole state as one JSON document, and back: ``leavebot export`` / ``import-state``.

The dump is generic over :data:`storage.tables.metadata`, so a table added later is exported and
restored without anyone remembering to list it here. Only purely transient tables are left out
(:data:`TRANSIENT`), and the document says which and why:

* ``scheduler_leases``: which process leads the scheduler right now. It names a process of the
  old deployment and expires within minutes; restoring it could only keep the new deployment's
  scheduler waiting.
* ``downloads``: report files waiting to be taken by one-time link, and heat-map pictures that
  Teams cards link to. They copy what the other tables hold, expire within a day (a digest's
  picture within 30 days), and a report or chart is made again on request.

Values are written losslessly and read back by the column's type: dates and UTC times in ISO
8601 (with microseconds and offset), days as decimal strings (``"1.50"``), bytes in base64; JSON
numbers, strings, booleans and null as they are. A document records the schema revision it was
taken at and is restored only into a database at that same revision, so every column means the
same on both sides (SQLite to MariaDB and back included).

Identity values are restored as they were (request ``LV-1042`` stays 1042). Neither database needs
its counters fixed afterwards: InnoDB moves ``AUTO_INCREMENT`` past the largest id inserted, and
SQLite gives an ``INTEGER PRIMARY KEY`` (none of ours is ``AUTOINCREMENT``) the largest id plus one.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Connection, Engine, Table, func, select
from sqlalchemy.types import TypeDecorator

from storage.engine import is_mysql
from storage.tables import metadata

FORMAT = "leavebot-export"
FORMAT_VERSION = 1
#: Tables that hold no organisational state, with the reason written into every export.
TRANSIENT: Mapping[str, str] = {
    "scheduler_leases": "who leads the scheduler at this moment; it expires within minutes and names a process "
                        "of the old deployment",
    "downloads": "copies of reports handed out by one-time link and of heat maps linked from Teams cards; they "
                 "expire within a day (a digest's picture within 30 days) and are made again on request",
}
INSERT_BATCH = 500


class BackupRefused(Exception):
    """The document cannot be restored here; ``str()`` says why and what to do instead."""


@dataclass(frozen=True)
class RestoreSummary:
    """What an import wrote: rows per table, and the schema revision it was at."""

    revision: str
    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def state_tables() -> list[Table]:
    """Every table of the organisation's state, parents before children (foreign-key order)."""
    return [table for table in metadata.sorted_tables if table.name not in TRANSIENT]


def export_state(engine: Engine, now: datetime) -> dict[str, Any]:
    """Read every state table in one consistent snapshot and return the export document.

    On MySQL/MariaDB the read runs at REPEATABLE READ so that all tables are seen as of one
    moment while the bot keeps serving; on SQLite the read transaction is a snapshot already.
    """
    options = {"isolation_level": "REPEATABLE READ"} if is_mysql(engine) else {}
    with engine.connect().execution_options(**options) as connection, connection.begin():
        revision = _revision_of(connection)
        tables = {table.name: _dump_table(connection, table) for table in state_tables()}
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "schema_revision": revision,
        "exported_at": now.astimezone(UTC).isoformat(),
        "skipped": dict(TRANSIENT),
        "tables": tables,
    }


def import_state(engine: Engine, document: Any, *, replace: bool = False) -> RestoreSummary:
    """Restore an export into ``engine``'s database (migrated to the same revision) in one transaction.

    Args:
        engine: the target; it must be migrated already (``leavebot db upgrade``).
        document: the parsed JSON of :func:`export_state`.
        replace: clear a database that already holds state; without it such a database is refused.

    Raises:
        BackupRefused: not an export, another schema revision, unknown tables or columns, or a
            database that is not empty (without ``replace``). Nothing is written then.
    """
    tables = _checked_tables(document)
    with engine.begin() as connection:
        revision = _revision_of(connection)
        if document["schema_revision"] != revision:
            raise BackupRefused(
                f"the file was exported at schema revision {document['schema_revision']} and this database is at "
                f"{revision}: restore it with the LeaveBot version that wrote it, then run `leavebot db upgrade`"
            )
        occupied = [t.name for t in state_tables() if _count(connection, t)]
        if occupied and not replace:
            raise BackupRefused(
                f"the database already holds data ({', '.join(occupied)}): restore into an empty, migrated "
                "database, or pass --replace to clear it first"
            )
        for table in reversed(state_tables()):
            _clear(connection, table)
        rows = {table.name: _restore_table(connection, table, tables.get(table.name)) for table in state_tables()}
    return RestoreSummary(revision, rows)


# --- export ------------------------------------------------------------------------------------


def _revision_of(connection: Connection) -> str:
    revision = MigrationContext.configure(connection).get_current_revision()
    if revision is None:
        raise BackupRefused("the database has no schema yet: run `leavebot db upgrade` first")
    return revision


def _dump_table(connection: Connection, table: Table) -> dict[str, Any]:
    columns = list(table.columns)
    keys = list(table.primary_key.columns) or columns
    rows = [tuple(row) for row in connection.execute(select(*columns))]
    positions = [columns.index(key) for key in keys]
    # Sorted here rather than by the database, whose collation may order text differently.
    rows.sort(key=lambda row: tuple(_sort_key(row[i]) for i in positions))
    return {"columns": [c.name for c in columns], "rows": [[encode_value(value) for value in row] for row in rows]}


def _sort_key(value: Any) -> tuple[int, Any]:
    return (0, "") if value is None else (1, value)


def encode_value(value: Any) -> Any:
    """A column's value as JSON can hold it without loss (see :func:`decode_value`)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


# --- import ------------------------------------------------------------------------------------


def _checked_tables(document: Any) -> dict[str, dict[str, Any]]:
    """The document's tables after checking its shape against this schema; nothing is trusted blindly."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupRefused("not a LeaveBot export (no \"format\": \"leavebot-export\")")
    if document.get("version") != FORMAT_VERSION:
        raise BackupRefused(f"export format version {document.get('version')!r} is not {FORMAT_VERSION}")
    tables = document.get("tables")
    if not isinstance(tables, dict) or not isinstance(document.get("schema_revision"), str):
        raise BackupRefused("the export has no tables or no schema revision")
    known = {table.name: table for table in state_tables()}
    unknown = sorted(set(tables) - set(known))
    if unknown:
        raise BackupRefused(f"the export has tables this schema does not: {', '.join(unknown)}")
    for name, content in tables.items():
        columns = content.get("columns") if isinstance(content, dict) else None
        if not isinstance(columns, list) or not isinstance(content.get("rows"), list):
            raise BackupRefused(f"table {name}: expected \"columns\" and \"rows\" lists")
        strange = sorted(set(columns) - set(known[name].columns.keys()))
        if strange:
            raise BackupRefused(f"table {name}: unknown columns {', '.join(map(str, strange))}")
        if any(not isinstance(row, list) or len(row) != len(columns) for row in content["rows"]):
            raise BackupRefused(f"table {name}: every row needs one value per column ({len(columns)})")
    return tables


def _restore_table(connection: Connection, table: Table, content: dict[str, Any] | None) -> int:
    if not content or not content["rows"]:
        return 0
    columns = [table.columns[name] for name in content["columns"]]
    records = [{c.name: decode_value(c, value) for c, value in zip(columns, row, strict=True)}
               for row in content["rows"]]
    # A column pointing into its own table (an employee's manager) is filled in a second pass, so
    # that the order of the rows does not matter.
    own = [name for name in _own_references(table) if name in content["columns"]]
    first = [{**record, **dict.fromkeys(own)} for record in records] if own else records
    for batch in _batches(first):
        connection.execute(table.insert(), batch)
    if own:
        keys = list(table.primary_key.columns)
        for record in records:
            if any(record[name] is not None for name in own):
                condition = [key == record[key.name] for key in keys]
                connection.execute(table.update().where(*condition).values({n: record[n] for n in own}))
    return len(records)


def decode_value(column: Column[Any], value: Any) -> Any:
    """The value :func:`encode_value` wrote, read back by the column's type.

    Raises:
        BackupRefused: the text does not fit the column (a date that is not one, bad base64...).
    """
    if value is None:
        return None
    column_type = column.type
    if isinstance(column_type, TypeDecorator):  # e.g. UtcDateTime: read as the type it wraps
        column_type = column_type.impl_instance
    try:
        kind = column_type.python_type
    except NotImplementedError:
        return value
    try:
        if kind is datetime:
            return datetime.fromisoformat(value)
        if kind is date:
            return date.fromisoformat(value)
        if kind is Decimal:
            return Decimal(str(value))
        if kind is bytes:
            return base64.b64decode(value, validate=True)
    except (TypeError, ValueError, ArithmeticError):
        raise BackupRefused(f"table {column.table.name}, column {column.name}: {value!r} is not a "
                            f"{kind.__name__}") from None
    return value


def _own_references(table: Table) -> list[str]:
    """The columns of ``table`` that point at ``table`` itself."""
    return [c.name for c in table.columns if any(fk.column.table is table for fk in c.foreign_keys)]


def _clear(connection: Connection, table: Table) -> None:
    """Delete every row; references within the table are cut first, as InnoDB checks them row by row."""
    own = _own_references(table)
    if own:
        connection.execute(table.update().values(dict.fromkeys(own)))
    connection.execute(table.delete())


def _batches(records: Sequence[dict[str, Any]]) -> Iterable[Sequence[dict[str, Any]]]:
    for start in range(0, len(records), INSERT_BATCH):
        yield records[start:start + INSERT_BATCH]


def _count(connection: Connection, table: Table) -> int:
    return int(connection.execute(select(func.count()).select_from(table)).scalar_one())
