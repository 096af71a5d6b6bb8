"""The leave types a person may take, as every list shows them and every application is judged.

A type's rules (:mod:`core.policy.eligibility`) read the person, the day and how many requests of
the type they already have; this module counts those, so that balances, forms, help and the
application all count the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date

from core.domain.model import Employee, RequestStatus
from core.policy.rules import LeaveType, Policy
from core.ports import UnitOfWork

#: The requests that count towards a type's ``max_occurrences``: neither cancelled nor rejected.
COUNTED = (RequestStatus.PENDING, RequestStatus.APPROVED)


def occurrences(uow: UnitOfWork, employee: Employee) -> Counter[str]:
    """The person's pending and approved requests, counted by type key."""
    return Counter(uow.requests.count_by_type(employee.employee_id, COUNTED))


def open_types(uow: UnitOfWork, policy: Policy, employee: Employee, today: date,
               counted: Mapping[str, int] | None = None) -> list[LeaveType]:
    """:meth:`Policy.types_open_to` with the person's requests counted (``counted``, when the caller
    has already counted them: a balance reads the counts once for this and for its rows)."""
    return policy.types_open_to(employee, today, occurrences(uow, employee) if counted is None else counted)

