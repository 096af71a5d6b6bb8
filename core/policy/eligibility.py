"""Who may take a leave type: gender, months of service, employment type, times taken.

A type's ``eligible`` block in the policy names the rules; :meth:`Eligibility.refusal` says why a
person is not eligible, or nothing when they are. A rule on a fact the directory does not hold for
the person (no ``gender`` column, say) does not exclude them, so that a directory without the
optional columns keeps every type open to everyone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.domain.dates import months_after
from core.domain.model import Employee
from core.domain.text import counted, format_day
from core.policy import values as f

GENDERS = ("female", "male", "other")
FIELDS = frozenset({"gender", "min_service_months", "employment_type", "max_occurrences"})
#: Fifty years: a longer wait is a typo.
MAX_SERVICE_MONTHS = 600


@dataclass(frozen=True)
class Eligibility:
    """The rules of one type; empty (the default) lets everyone take it."""

    genders: tuple[str, ...] = ()
    min_service_months: int = 0
    employment_types: tuple[str, ...] = ()
    #: Requests of the type that may be pending or approved over a person's whole employment.
    max_occurrences: int | None = None

    def refusal(self, type_name: str, employee: Employee, today: date, occurrences: int) -> str | None:
        """Why ``employee`` may not take the type on ``today``, having ``occurrences`` requests of it
        pending or approved; None when they may."""
        if self.genders and employee.gender and employee.gender not in self.genders:
            return (f"{type_name} is for {_either(self.genders)} employees; "
                    "choose another leave type, or ask HR if your directory record is wrong.")
        if self.employment_types and employee.employment_type and employee.employment_type not in self.employment_types:
            return (f"{type_name} is for {_either(self.employment_types)} employees, and you are recorded as "
                    f"{employee.employment_type}; choose another leave type, or ask HR if that is wrong.")
        opens = self.opens_on(employee)
        if opens is not None and today < opens:
            after = ("when your probation ends" if employee.confirmation_date
                     else f"after {counted(self.min_service_months, 'month')} of service")
            return (f"{type_name} opens {after}, on {format_day(opens, weekday=False)}; "
                    "apply from then, or choose another leave type.")
        if self.max_occurrences is not None and occurrences >= self.max_occurrences:
            return (f"{type_name} may be taken {counted(self.max_occurrences, 'time')} at most, and you already "
                    f"have {counted(occurrences, 'request')} of it (pending or approved); "
                    "choose another leave type, or ask HR if one should not count.")
        return None

    def opens_on(self, employee: Employee) -> date | None:
        """The first day of service the type needs: the confirmation date when the directory has one
        (probation ended), else the joining date plus the months; None without a service rule."""
        if not self.min_service_months:
            return None
        if employee.confirmation_date:
            return employee.confirmation_date
        return months_after(employee.joining_date, self.min_service_months)


def parse_eligibility(value: Any, where: str) -> Eligibility:
    """``eligible: {gender: [female], min_service_months: 6, employment_type: [permanent],
    max_occurrences: 2}``, every key optional; raise :class:`core.errors.PolicyError` naming a bad one."""
    doc: Mapping[str, Any] = f.mapping(value, where, allowed=FIELDS)
    genders = _words(doc.get("gender", []), f"{where}.gender")
    for i, gender in enumerate(genders):
        f.choice(gender, f"{where}.gender[{i}]", GENDERS)
    limit = doc.get("max_occurrences")
    return Eligibility(
        genders=genders,
        min_service_months=f.whole(doc.get("min_service_months", 0), f"{where}.min_service_months", 0,
                                   MAX_SERVICE_MONTHS),
        employment_types=_words(doc.get("employment_type", []), f"{where}.employment_type"),
        max_occurrences=f.whole(limit, f"{where}.max_occurrences", 1) if limit is not None else None,
    )


def _words(value: Any, where: str) -> tuple[str, ...]:
    """A list of words (a single word is taken as a list of one), lower case as the directory keeps them."""
    return tuple(word.casefold() for word in f.texts([value] if isinstance(value, str) else value, where))


def _either(words: tuple[str, ...]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"
