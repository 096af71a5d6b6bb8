"""Reading the employee CSV: every row checked, every problem reported with its line number.

An import is all or nothing, so :func:`read_employees` collects every problem before refusing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.directory.eligibility_columns import (
    ELIGIBILITY_COLUMNS,
    check_confirmation,
    keep_unnamed,
    read_employment_type,
    read_gender,
)
from core.domain.fields import import_problem
from core.domain.model import Employee, EmployeeStatus, Role
from core.domain.text import counted
from core.errors import ImportRejected
from core.policy.rules import Policy
from core.views import ImportResult

E = TypeVar("E", Role, EmployeeStatus)

REQUIRED_COLUMNS = (
    "employee_id", "email", "first_name", "last_name", "manager_email", "role", "department",
    "location", "country", "joining_date", "status",
)
OPTIONAL_COLUMNS = ("time_zone", "slack_user_id", "teams_aad_object_id", "leaving_date", *ELIGIBILITY_COLUMNS)
LINE_BREAKS = re.compile("\r\n|\r|\n")
EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


@dataclass
class _Row:
    line: int
    values: dict[str, str]
    employee: Employee | None = None
    manager_email: str = ""


def valid_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def read_employees(
    csv_text: str, policy: Policy, existing: Iterable[Employee], default_time_zone: str
) -> list[Employee]:
    """Check the CSV against the policy and the directory; return the employees it describes.

    Raises:
        ImportRejected: listing ``(line, reason)`` for every bad row; nothing is returned then.
    """
    reader = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    problems = _header_problems(header)
    if problems:
        raise ImportRejected(problems)
    reader.fieldnames = header
    rows: list[_Row] = []
    for values in reader:
        # A quoted value may hold line breaks: a row is told by the line it starts on.
        line = reader.line_num - sum(len(LINE_BREAKS.findall(v)) for v in values.values() if isinstance(v, str))
        if None in values:
            problems.append((line, f"{counted(len(values[None]), 'more value')} than columns"))
            continue
        cleaned = {k: (v or "").strip() for k, v in values.items()}
        if any(cleaned.values()):
            rows.append(_Row(line, cleaned))
    if not rows and not problems:
        raise ImportRejected([(1, "no employee rows after the header")])
    by_id = {e.employee_id: e for e in existing}
    for row in rows:
        problems.extend((row.line, why) for why in _check_row(row, policy, default_time_zone))
    problems.extend(_duplicates(rows, by_id.values()))
    problems.extend(_managers(rows, by_id))
    if problems:
        raise ImportRejected(sorted(set(problems)))
    return [keep_unnamed(row.employee, by_id.get(row.employee.employee_id), header) for row in rows if row.employee]


def count_changes(employees: Iterable[Employee], existing: Mapping[str, Employee]) -> ImportResult:
    created = updated = unchanged = 0
    for employee in employees:
        before = existing.get(employee.employee_id)
        if before is None:
            created += 1
        elif before == employee:
            unchanged += 1
        else:
            updated += 1
    return ImportResult(created, updated, unchanged)


def _header_problems(header: list[str]) -> list[tuple[int, str]]:
    if not header:
        return [(1, "the file is empty; a header row is required")]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    repeated = sorted({c for c in header if header.count(c) > 1})
    problems = []
    if missing:
        problems.append((1, f"missing {counted(len(missing), 'column')}: {', '.join(missing)}"))
    if unknown:
        problems.append((1, f"unknown {counted(len(unknown), 'column')}: {', '.join(unknown)} "
                            f"(optional ones: {', '.join(OPTIONAL_COLUMNS)})"))
    if repeated:
        problems.append((1, f"repeated {counted(len(repeated), 'column')}: {', '.join(repeated)}"))
    return problems


def _check_row(row: _Row, policy: Policy, default_time_zone: str) -> list[str]:
    v = row.values
    problems: list[str] = []
    for column in ("employee_id", "email", "first_name", "role", "country", "joining_date", "status"):
        if not v.get(column):
            problems.append(f"{column} is empty")
    problems.extend(p for p in (import_problem(column, value) for column, value in v.items()) if p)
    email = v.get("email", "").lower()
    if email and not EMAIL.match(email):
        problems.append(f"'{v['email']}' is not an e-mail address")
    manager_email = v.get("manager_email", "").lower()
    if manager_email and not EMAIL.match(manager_email):
        problems.append(f"manager_email '{v['manager_email']}' is not an e-mail address")
    role = _enum(Role, v.get("role", ""), "role", problems)
    status = _enum(EmployeeStatus, v.get("status", ""), "status", problems)
    joining = _date(v, "joining_date", problems)
    leaving = _date(v, "leaving_date", problems)
    if joining and leaving and leaving < joining:
        problems.append(f"leaving_date {leaving} is before joining_date {joining}")
    confirmation = _date(v, "confirmation_date", problems)
    check_confirmation(confirmation, joining, problems)
    gender = read_gender(v.get("gender", ""), problems)
    employment_type = read_employment_type(v.get("employment_type", ""), problems)
    region = policy.region(v["country"]) if v.get("country") else None
    if v.get("country") and region is None:
        known = ", ".join(f"{r.key} ({', '.join(r.aliases)})" if r.aliases else r.key for r in policy.regions.values())
        problems.append(f"country '{v['country']}' is not a region of the policy (regions: {known})")
    time_zone = v.get("time_zone") or default_time_zone
    if not valid_time_zone(time_zone):
        problems.append(f"time_zone '{time_zone}' is not an IANA time zone (e.g. Asia/Kolkata)")
    row.manager_email = manager_email
    if problems or role is None or status is None or joining is None or region is None:
        return problems
    row.employee = Employee(
        employee_id=v["employee_id"],
        email=email,
        first_name=v["first_name"],
        last_name=v.get("last_name", ""),
        manager_id=None,  # resolved from manager_email once every row is known
        role=role,
        department=v.get("department", ""),
        location=v.get("location", ""),
        region=region.key,
        joining_date=joining,
        status=status,
        time_zone=time_zone,
        slack_user_id=v.get("slack_user_id") or None,
        teams_aad_object_id=v.get("teams_aad_object_id") or None,
        leaving_date=leaving,
        gender=gender,
        employment_type=employment_type,
        confirmation_date=confirmation,
    )
    return problems


def _date(values: dict[str, str], column: str, problems: list[str]) -> date | None:
    if not values.get(column):
        return None
    try:
        return date.fromisoformat(values[column])
    except ValueError:
        problems.append(f"{column} '{values[column]}' is not an ISO date (YYYY-MM-DD)")
        return None


def _enum(kind: type[E], value: str, column: str, problems: list[str]) -> E | None:
    try:
        return kind(value.strip().upper())
    except ValueError:
        if value:
            problems.append(f"{column} '{value}' is not one of {', '.join(m.value for m in kind)}")
        return None


def _duplicates(rows: list[_Row], existing: Iterable[Employee]) -> list[tuple[int, str]]:
    """Ids and e-mails repeated in the file, or e-mails owned by someone else already."""
    problems: list[tuple[int, str]] = []
    file_ids = {r.values.get("employee_id") for r in rows}
    owners: dict[str, str] = {}
    for e in existing:
        if e.employee_id in file_ids:
            continue
        for column, value in (("email", e.email), ("slack_user_id", e.slack_user_id),
                              ("teams_aad_object_id", e.teams_aad_object_id)):
            if value:
                owners[f"{column}:{value}"] = e.employee_id
    first_line: dict[str, int] = {}
    for row in rows:
        for column in ("employee_id", "email", "slack_user_id", "teams_aad_object_id"):
            value = row.values.get(column, "")
            value = value.lower() if column == "email" else value
            if not value:
                continue
            key = f"{column}:{value}"
            if key in first_line:
                problems.append((row.line, f"duplicate {column} '{value}' (also on line {first_line[key]})"))
            else:
                first_line[key] = row.line
            if key in owners:
                problems.append((row.line, f"{column} '{value}' already belongs to employee {owners[key]}"))
    return problems


def _managers(rows: list[_Row], by_id: dict[str, Employee]) -> list[tuple[int, str]]:
    """Resolve manager e-mails to ids (file first, then directory) and refuse cycles."""
    problems: list[tuple[int, str]] = []
    merged = dict(by_id)
    for row in rows:
        if row.employee:
            merged[row.employee.employee_id] = row.employee
    id_by_email = {e.email: e.employee_id for e in merged.values()}
    id_by_email.update((row.values.get("email", "").lower(), row.values.get("employee_id", "")) for row in rows)
    for row in rows:
        if not row.manager_email:
            continue
        manager_id = id_by_email.get(row.manager_email)
        if manager_id is None:
            problems.append((row.line, f"unknown manager '{row.manager_email}' (not in this file or the directory)"))
        elif row.employee is None:
            continue
        elif manager_id == row.employee.employee_id:
            problems.append((row.line, "an employee cannot be their own manager"))
        else:
            row.employee = replace(row.employee, manager_id=manager_id)
            merged[row.employee.employee_id] = row.employee
    for row in rows:
        if row.employee and row.employee.manager_id:
            cycle = _cycle_from(row.employee.employee_id, merged)
            if cycle:
                problems.append((row.line, f"manager cycle: {' -> '.join(cycle)}"))
    return problems


def _cycle_from(start: str, employees: Mapping[str, Employee]) -> list[str]:
    path = [start]
    current = employees.get(start)
    while current and current.manager_id:
        if current.manager_id == start:
            return [employees[i].email for i in [*path, start]]
        if current.manager_id in path:
            return []  # a cycle further up; reported on the rows that form it
        path.append(current.manager_id)
        current = employees.get(current.manager_id)
    return []
