"""The leave types a person may take, as every list shows them and every application is judged.

A type's rules (:mod:`core.policy.eligibility`) read the person, the day and how many requests of
the type they already have; this module counts those, so that balances, forms, help and the
application all count the same way.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from core.domain.model import Employee, RequestStatus
from core.policy.rules import LeaveType, Policy
from core.ports import UnitOfWork

#: The requests that count towards a type's ``max_occurrences``: neither cancelled nor rejected.
COUNTED = (RequestStatus.PENDING, RequestStatus.APPROVED)


def occurrences(uow: UnitOfWork, employee: Employee) -> Counter[str]:
    """The person's pending and approved requests, counted by type key."""
    return Counter(r.type_key for r in uow.requests.search(employee_ids=[employee.employee_id], statuses=COUNTED))


def open_types(uow: UnitOfWork, policy: Policy, employee: Employee, today: date) -> list[LeaveType]:
    """:meth:`Policy.types_open_to` with the person's requests counted."""
    return policy.types_open_to(employee, today, occurrences(uow, employee))

