"""Whom a typed name means, among the people the asker may ask about.

``/leave balance ananya`` names a person by first name (or full name). The name is looked for only
among the people the asker may see: everyone for HR, themselves and the people who report to them
(at any level) for anyone else. So a name that is unknown, or that only someone outside that circle
bears, gets the caller's refusal, and candidates are listed only when they are all the asker's to see.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.domain.approvals import is_in_reporting_line
from core.domain.dates import clip
from core.domain.model import Employee
from core.errors import BadCommand, UnknownEmployee
from core.ports import UnitOfWork
from core.shared.context import find_person


class AmbiguousName(BadCommand):
    """More than one person the asker may see has that name."""


def person_named(uow: UnitOfWork, actor: Employee, ref: str) -> Employee:
    """The person ``ref`` names: an e-mail, employee id, ``@handle`` or chat mention anywhere in the
    directory (the caller checks permission), else a first or full name unique among those the
    asker may see.

    Raises:
        UnknownEmployee: nobody has that name (among those the asker may see).
        AmbiguousName: several of them have it; the message lists them to pick from.
    """
    try:
        return find_person(uow, ref)
    except UnknownEmployee:
        pass
    wanted = " ".join(ref.strip().lstrip("@").split()).casefold()
    matches = [e for e in _visible(uow, actor)
               if wanted in (e.first_name.strip().casefold(), e.name.casefold())]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise AmbiguousName(f"'{clip(ref, 80)}' could be {_listed(matches)}; say which by e-mail.")
    raise UnknownEmployee(f"I can't find '{clip(ref, 80)}' in the directory; use their e-mail address.")


def _visible(uow: UnitOfWork, actor: Employee) -> list[Employee]:
    """The active people ``actor`` may ask about: everyone for HR, else themselves and their reports."""
    people = [e for e in uow.employees.all() if e.is_active]
    if actor.is_hr:
        return people
    return [e for e in people
            if e.employee_id == actor.employee_id or is_in_reporting_line(actor, e, uow.employees.get)]


def _listed(people: Sequence[Employee]) -> str:
    named = [f"{e.name} ({e.email})" for e in sorted(people, key=lambda e: (e.name.casefold(), e.email))]
    return ", ".join(named[:-1]) + f" or {named[-1]}"
