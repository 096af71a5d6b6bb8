"""Bring a database to the newest schema with Alembic, configured in code (no alembic.ini).

The migration scripts live in ``storage/migrations`` inside the package, so an installed
``leavebot`` can upgrade its database without a checkout of the repository.

Every ``leavebot`` command migrates on start, and most find nothing to do. Alembic (with the
template and highlighting libraries it pulls in) costs more to import than such a command takes
to run, so :func:`upgrade` first reads the stored revision with one plain SELECT and compares it
with the newest script's, which the scripts' file names give (``NNNN_what_it_does.py`` holding
``revision = "NNNN"``); Alembic is imported only when there is something for it to do, or to
refuse.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: Alembic's default name for the table that holds the revision a database is at.
VERSION_TABLE = "alembic_version"
#: A migration script's file name; the number is its revision.
SCRIPT_NAME = re.compile(r"(\d{4})_\w+\.py")


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at the packaged scripts; ``url`` only for use without a connection."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        # ConfigParser interpolation would choke on a '%' in a password.
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run every migration not yet applied; running it on an up-to-date database does nothing.

    A database already at the newest revision is left without importing Alembic. Any other
    (empty, behind, ahead of this version, or an explicit target ``revision``) goes to Alembic,
    which migrates it or refuses a revision it does not know.
    """
    if revision == "head":
        with engine.connect() as connection:
            if _stored_revisions(connection) == (head_revision(),):
                return
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for a database never migrated."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest revision among the packaged scripts: the highest number among their file names.

    Read from the names rather than through Alembic's script directory, which would import Alembic
    and every script; a unit test holds the two to the same answer.
    """
    names = (path.name for path in (MIGRATIONS_DIR / "versions").iterdir())
    numbers = [match[1] for name in names if (match := SCRIPT_NAME.fullmatch(name))]
    if not numbers:
        raise RuntimeError(f"No migration scripts found in {MIGRATIONS_DIR}")
    return max(numbers)


def _stored_revisions(connection: Connection) -> tuple[str, ...]:
    """The revisions in the version table, without Alembic; none for a database never migrated."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return ()
    return tuple(connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars())
