"""``leavebot doctor``: check the configuration, the database and every platform's credentials.

Each check gives ``ok``, ``warn`` or ``fail`` and one line saying what is wrong and how to fix it,
so that whoever installs the bot learns about a wrong secret before the first person types
``/leave``. Nothing is changed: the database is read, never migrated, and credentials are only
exchanged for a token (or, for Slack, shown to ``auth.test``). Secrets are never printed; the
lines name the setting to fix instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from bot import doctor_probes as probes
from bot.doctor_probes import Check
from bot.settings import Settings, SettingsError
from core.domain.model import Role
from core.domain.text import counted
from storage.engine import is_sqlite, make_engine, ping
from storage.migrate import alembic_config, current_revision, head_revision
from storage.uow import uow_factory

#: How long the database may take to answer before it counts as unreachable.
DATABASE_TIMEOUT_SECONDS = 3.0


def settings_failed(error: SettingsError) -> list[Check]:
    """The report when the settings themselves do not load (nothing else can be checked)."""
    return [Check("settings", "fail", f"{error} (fix it in the environment or .env)")]


def run_checks(settings: Settings) -> list[Check]:
    """Every check, in the order a person would fix things: settings, database, then platforms.

    The Google token is asked for on behalf of someone in the directory (an active HR admin first),
    when the database can be read, so that domain-wide delegation is proven too.
    """
    checks = [Check("settings", "ok", "loaded from the environment and .env")]
    engine = _engine(settings, checks)
    subject = None
    if engine is not None:
        try:
            if _schema_checks(engine, checks):
                subject = _someone(engine)
        finally:
            engine.dispose()
    checks.extend(probes.slack_checks(settings))
    checks.append(probes.teams_check(settings))
    checks.append(probes.google_check(settings, subject))
    checks.append(probes.outlook_check(settings))
    checks.append(probes.email_check(settings))
    return checks


def render(checks: Sequence[Check]) -> str:
    """One line per check, aligned: ``ok    database    sqlite:///leavebot.db answers``."""
    width = max((len(c.name) for c in checks), default=0)
    lines = [f"{c.status:<5} {c.name:<{width}}  {c.detail}" for c in checks]
    failed = sum(c.status == "fail" for c in checks)
    warned = sum(c.status == "warn" for c in checks)
    lines.append(f"{failed} failed, {counted(warned, 'warning')}, "
                 f"{len(checks) - failed - warned} ok")
    return "\n".join(lines)


def healthy(checks: Sequence[Check]) -> bool:
    return not any(c.status == "fail" for c in checks)


# --- the database --------------------------------------------------------------------------------


def _engine(settings: Settings, checks: list[Check]) -> Engine | None:
    """An engine when the database answers (the check is added either way); None otherwise."""
    url = make_url(settings.database_url)
    shown = url.render_as_string(hide_password=True)
    in_file = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
    if in_file and not Path(url.database or "").is_file():
        checks.append(Check("database", "warn", f"{shown}: no such file yet; `leavebot db upgrade` creates it"))
        return None
    engine = make_engine(settings.database_url)
    if ping(engine, timeout_seconds=DATABASE_TIMEOUT_SECONDS):
        checks.append(Check("database", "ok", f"{shown} answers"))
        return engine
    cause = _connect_error(engine) if not is_sqlite(engine) else "cannot be opened"
    engine.dispose()
    checks.append(Check("database", "fail",
                        f"{shown}: {cause}; check DATABASE_URL (host, user, password, database) and that the "
                        "server runs"))
    return None


def _connect_error(engine: Engine) -> str:
    """Why a connection fails, in the driver's words (its first line), for the fix to aim at."""
    try:
        with engine.connect():
            return f"no answer within {DATABASE_TIMEOUT_SECONDS:g} s"
    except Exception as error:
        text = str(getattr(error, "orig", error)).strip().splitlines()
        return text[0] if text else type(error).__name__


def _schema_checks(engine: Engine, checks: list[Check]) -> bool:
    """Migrations at head, then a policy and people; True when the data could be read."""
    head = head_revision()
    revision = current_revision(engine)
    if revision is None:
        checks.append(Check("migrations", "fail", "the database has no schema: run `leavebot db upgrade`"))
        return False
    if revision != head:
        checks.append(Check("migrations", "fail", _revision_problem(revision, head)))
        return False
    checks.append(Check("migrations", "ok", f"at revision {head}, the newest"))
    with uow_factory(engine)() as uow:
        policy = uow.policies.current()
        people = uow.employees.all()
    if policy is None:
        checks.append(Check("policy", "warn", "no leave policy yet: `leavebot policies load [FILE.yaml]` "
                                              "(`leavebot serve` loads the built-in one on start)"))
    else:
        checks.append(Check("policy", "ok", f"{len(policy.leave_types)} leave types, {len(policy.regions)} regions"))
    active = sum(e.is_active for e in people)
    if not active:
        checks.append(Check("employees", "warn", "nobody active in the directory: "
                                                 "`leavebot employees import FILE.csv`"))
    else:
        checks.append(Check("employees", "ok", f"{active} active of {len(people)}"))
    return True


def _revision_problem(revision: str, head: str) -> str:
    known = _known_revisions()
    if revision in known and known.index(revision) < known.index(head):
        return f"the database is at revision {revision}, this version needs {head}: run `leavebot db upgrade`"
    return (f"the database is at revision {revision}, which this version of LeaveBot does not know (a newer "
            f"release wrote it?): run the newest LeaveBot, never an older one, on this database")


def _known_revisions() -> list[str]:
    scripts = ScriptDirectory.from_config(alembic_config())
    return [s.revision for s in reversed(list(scripts.walk_revisions()))]


def _someone(engine: Engine) -> str | None:
    """An active HR admin's e-mail (else anyone active): whom the Google check acts as."""
    with uow_factory(engine)() as uow:
        people = [e for e in uow.employees.all() if e.is_active]
    people.sort(key=lambda e: (e.role is not Role.HR_ADMIN, e.email))
    return people[0].email if people else None
