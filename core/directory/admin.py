"""HR's and the deployer's use cases: the directory, the policy, public holidays and listings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from core.directory.csv_import import count_changes, read_employees
from core.domain.model import AuditEntry, Employee, Holiday, RequestStatus
from core.errors import LeaveError, PolicyError, UnknownEmployee
from core.policy.holiday_scopes import locations_in
from core.policy.rules import ALWAYS, Policy, Region, parse_policy
from core.ports import Clock, UnitOfWork
from core.scheduling.scheduled import HR_CHANNEL, dept_key
from core.shared.context import Presenter, latest_policy
from core.views import ImportResult, RequestView

POLICY_SOURCE = "policy"
#: The audit action of a policy version put in force: its entries are the policy's history.
POLICY_LOADED = "policies.load"


@dataclass(frozen=True)
class PolicySummary:
    leave_types: int
    regions: int
    holidays: int


def import_employees(uow: UnitOfWork, clock: Clock, csv_text: str, default_time_zone: str,
                     source: str, actor: str = "system") -> ImportResult:
    """All or nothing: every row is checked before anything is written. ``actor`` is who is recorded
    as importing (``system`` for the operator's CLI, the HR admin's e-mail on the dashboard)."""
    existing = {e.employee_id: e for e in uow.employees.all()}
    employees = [_keep_links(e, existing.get(e.employee_id))
                 for e in read_employees(csv_text, latest_policy(uow), existing.values(), default_time_zone)]
    result = count_changes(employees, existing)
    for employee in _managers_first(employees):
        if existing.get(employee.employee_id) != employee:
            uow.employees.save(employee)
    uow.audit.add(AuditEntry(at=clock.now(), actor=actor, action="employees.import", source=source,
                             detail=f"created {result.created}, updated {result.updated}, "
                                    f"unchanged {result.unchanged}"))
    uow.commit()
    return result


def _keep_links(employee: Employee, before: Employee | None) -> Employee:
    """Chat links found on first contact, and how the person asked to be notified, survive a
    re-import of a file that does not name them."""
    if before is None:
        return employee
    return replace(
        employee,
        slack_user_id=employee.slack_user_id or before.slack_user_id,
        teams_aad_object_id=employee.teams_aad_object_id or before.teams_aad_object_id,
        notify_by=before.notify_by,
    )


def _managers_first(employees: list[Employee]) -> list[Employee]:
    """Order rows so that a manager is saved before the people who report to them."""
    by_id = {e.employee_id: e for e in employees}
    ordered: list[Employee] = []
    placed: set[str] = set()

    def place(employee: Employee) -> None:
        if employee.employee_id in placed:
            return
        placed.add(employee.employee_id)
        manager = by_id.get(employee.manager_id or "")
        if manager is not None:
            place(manager)
        ordered.append(employee)

    for employee in employees:
        place(employee)
    return ordered


def load_policy(uow: UnitOfWork, clock: Clock, document: Any, source: str, *, actor: str = "system",
                door: str = "cli") -> PolicySummary:
    """Put a checked policy in force; a bad document leaves the old one untouched. ``source`` names
    the document (its file); ``actor`` and ``door`` are who loaded it, and where, for the audit log."""
    policy = parse_policy(document)
    used = {e.region for e in uow.employees.all()}
    missing = sorted(used - set(policy.regions))
    if missing:
        raise PolicyError(f"regions.{missing[0]}: employees are in this region, so the policy must define it")
    now = clock.now()
    uow.policies.save(document, source, now)
    # A version replaces the company holidays from its first day on; earlier ones stay as they were.
    since = None if policy.effective_from == ALWAYS else policy.effective_from
    for region in policy.regions:
        uow.holidays.replace(region, POLICY_SOURCE,
                             [h for h in policy.holidays if h.region == region and (since is None or h.day >= since)],
                             start=since)
    for department, platform, address in policy.channels:
        uow.channels.save(platform, HR_CHANNEL if department is None else dept_key(department), address, now)
    uow.audit.add(AuditEntry(at=now, actor=actor, action=POLICY_LOADED, source=door, detail=source))
    uow.commit()
    return PolicySummary(len(policy.leave_types), len(policy.regions), len(policy.holidays))


PublicHolidays = Callable[[str, str | None, int], list[tuple[date, str]]]


@dataclass(frozen=True)
class HolidaySync:
    """What ``holidays sync`` stored: how many, in which region, and for whom."""

    stored: int
    region: str
    #: The subdivision synced (``KA``), None for the country's own list.
    subdivision: str | None
    #: The locations a subdivision's holidays apply to (empty for the whole region).
    locations: tuple[str, ...]


def sync_holidays(uow: UnitOfWork, clock: Clock, fetch: PublicHolidays, country: str, subdiv: str | None,
                  year: int, *, actor: str = "system", door: str = "cli") -> HolidaySync:
    """Store a country's (or one subdivision's) public holidays for one year in the region that has
    that country code. A subdivision's apply only where the region's ``locations`` map to it, so a
    subdivision no location maps to is refused: its holidays would apply to nobody."""
    policy = latest_policy(uow)
    region = _region_for_country(policy, country)
    subdivision = subdiv.strip().upper() if subdiv else None
    locations = locations_in(region.locations, subdivision) if subdivision else ()
    if subdivision and not locations:
        mapped = ", ".join(f"{name} ({code})" for name, code in region.locations) or "none yet"
        raise LeaveError(
            f"No location of region {region.key} maps to subdivision '{subdivision}', so its holidays would apply to "
            f"nobody. Mapped locations: {mapped}. Map one under regions.{region.key}.locations in the policy first."
        )
    found = fetch(country.upper(), subdivision, year)
    source = f"holidays:{country.upper()}" + (f"-{subdivision}" if subdivision else "")
    holidays = [Holiday(day=day, name=name, region=region.key, source=source, subdivision=subdivision)
                for day, name in found]
    uow.holidays.replace(region.key, source, holidays, start=date(year, 1, 1), end=date(year, 12, 31))
    uow.audit.add(AuditEntry(at=clock.now(), actor=actor, action="holidays.sync", source=door,
                             detail=f"{source} {year}: {len(holidays)}"))
    uow.commit()
    return HolidaySync(len(holidays), region.key, subdivision, locations)


def _region_for_country(policy: Policy, country: str) -> Region:
    code = country.strip().casefold()
    for region in policy.regions.values():
        if (region.country_code or "").casefold() == code:
            return region
    named = policy.region(country)
    if named is None:
        raise LeaveError(
            f"No region of the policy has country code '{country}'; add `country_code: {country.upper()}` to one."
        )
    return named


def list_requests(uow: UnitOfWork, employee_email: str | None, status: RequestStatus | None) -> list[RequestView]:
    ids = None
    if employee_email:
        employee = uow.employees.by_email(employee_email)
        if employee is None:
            raise UnknownEmployee(f"No employee with e-mail {employee_email}.")
        ids = [employee.employee_id]
    requests = uow.requests.search(employee_ids=ids, statuses=[status] if status else None)
    presenter = Presenter(uow)
    return [presenter.request(r) for r in requests]
