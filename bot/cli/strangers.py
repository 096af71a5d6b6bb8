"""What the terminal says to an e-mail that the directory does not know.

The default database is ``leavebot.db`` in the current directory, so a ``leavebot chat`` or
``leavebot balance`` run from another folder opens (and creates) an empty database there, and
"ask HR to add you" would send the newcomer to the wrong person. The message names the database
that was opened, and says so when it has no employees at all.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL


def database_name(url: URL) -> str:
    """The database as a person can find it: a SQLite file's absolute path, else the URL without its password."""
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return str(Path(url.database).resolve())
    return url.render_as_string(hide_password=True)


def unknown_person(email: str, database: str, has_employees: bool) -> str:
    """One line for an e-mail that ``database`` does not hold: whom to ask, or why nobody could be found."""
    if not has_employees:
        return (f"No employee with e-mail {email}: the database {database} has no employees at all. "
                "Run leavebot in the folder of your database or set DATABASE_URL, or try leavebot demo.")
    return f"No employee with e-mail {email} in {database}; ask HR to add you (leavebot employees import)"
