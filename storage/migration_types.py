"""The column types and table options every migration spells its tables with.

Migrations import these instead of repeating them; they are part of the schema's history, so a
change here would change what old migrations build: add new helpers, never alter these.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

#: InnoDB for row locks and foreign keys; utf8mb4 whatever the server's default character set.
MYSQL_TABLE_OPTIONS: dict[str, Any] = {
    "mysql_engine": "InnoDB",
    "mysql_charset": "utf8mb4",
    "mariadb_engine": "InnoDB",
    "mariadb_charset": "utf8mb4",
}


def id_type() -> sa.types.TypeEngine[int]:
    """BIGINT keys, INTEGER on SQLite (where only INTEGER PRIMARY KEY autoincrements)."""
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def utc_type() -> sa.types.TypeEngine[Any]:
    """A UTC instant with microseconds (``DATETIME(6)`` on MySQL/MariaDB)."""
    return sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def long_text_type() -> sa.types.TypeEngine[str]:
    """Text of up to 16 MB (``MEDIUMTEXT`` on MySQL/MariaDB, whose ``TEXT`` stops at 64 KB)."""
    return sa.Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")

