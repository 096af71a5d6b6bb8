"""The employee CSV's optional eligibility columns: ``gender``, ``employment_type``, ``confirmation_date``.

Leave-type eligibility rules (:mod:`core.policy.eligibility`) read them. A file without one of
these columns leaves what the directory holds for it as it is, so that a directory file written
before the columns existed can be imported again without forgetting anyone's values.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import replace
from datetime import date

from core.domain.model import Employee
from core.policy.eligibility import GENDERS

ELIGIBILITY_COLUMNS = ("gender", "employment_type", "confirmation_date")
#: One word as policies name it: ``permanent``, ``contract``, ``intern``, ``fixed-term``.
EMPLOYMENT_TYPE = re.compile(r"[a-z][a-z0-9_-]{0,39}")


def read_gender(value: str, problems: list[str]) -> str | None:
    """``Female`` and ``female`` alike; empty: not said."""
    gender = value.strip().casefold()
    if gender and gender not in GENDERS:
        problems.append(f"gender '{value}' is not one of {', '.join(GENDERS)} (or leave it empty)")
        return None
    return gender or None


def read_employment_type(value: str, problems: list[str]) -> str | None:
    """One word, kept in lower case as policies compare it; empty: not said."""
    kind = value.strip().casefold()
    if kind and not EMPLOYMENT_TYPE.fullmatch(kind):
        problems.append(f"employment_type '{value}' is not one word of letters, digits, '-' or '_' "
                        "(e.g. permanent, contract, intern)")
        return None
    return kind or None


def check_confirmation(confirmation: date | None, joining: date | None, problems: list[str]) -> None:
    if confirmation and joining and confirmation < joining:
        problems.append(f"confirmation_date {confirmation} is before joining_date {joining}")


def keep_unnamed(employee: Employee, before: Employee | None, header: Collection[str]) -> Employee:
    """The employee with the stored values of the eligibility columns the file does not have."""
    if before is None:
        return employee
    kept = {column: getattr(before, column) for column in ELIGIBILITY_COLUMNS if column not in header}
    return replace(employee, **kept) if kept else employee
