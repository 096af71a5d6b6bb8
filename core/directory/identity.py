"""Which chat account is which employee: the link made on first contact, and HR's relink.

A Slack user or Teams account is linked to the employee whose e-mail its profile shows, the first
time it is seen. Once an employee is linked, a *second* account showing the same e-mail is not
taken as them: an e-mail in a chat profile is easy to set, and silently moving the link would hand
that person's leave, approvals and balances to whoever holds the new account. The attempt is
refused (the person is told to ask HR) and audited; HR moves a link explicitly with
``leavebot link``, which is audited too.
"""

from __future__ import annotations

from core.domain.model import AuditEntry, Employee
from core.errors import LeaveError, UnknownEmployee
from core.ports import Clock, UnitOfWork
from core.shared.audit import actor_key, refusal

PLATFORMS = ("slack", "teams")
LINK = "identity.link"
RELINK = "identity.relink"
_NAMES = {"slack": "Slack", "teams": "Teams"}


class AlreadyLinked(LeaveError):
    """The e-mail's employee is linked to another account of the platform."""


def linked_id(employee: Employee, platform: str) -> str | None:
    """The employee's account on ``platform``, if linked."""
    return employee.slack_user_id if platform == "slack" else employee.teams_aad_object_id


def link_on_first_contact(uow: UnitOfWork, clock: Clock, platform: str, user_id: str,
                          email: str) -> Employee | None:
    """Link a chat account to the employee with its profile's e-mail; None when nobody has it.

    Raises:
        AlreadyLinked: the employee is linked to another account of the platform (the refusal is
            recorded and committed before it is raised).
    """
    employee = uow.employees.by_email(email)
    if employee is None:
        return None
    linked = linked_id(employee, platform)
    if linked == user_id:
        return employee
    name = _NAMES.get(platform, platform)
    if linked is not None:
        uow.audit.add(refusal(clock.now(), user_id, LINK, platform,
                              f"{name} account {user_id} shows the e-mail of {employee.email}, "
                              f"who is linked to {linked}; not relinked"))
        uow.commit()
        raise AlreadyLinked(
            f"This {name} account shows the e-mail {employee.email}, but that person's LeaveBot record is "
            f"already linked to another {name} account, so I can't take this one as them. If the account "
            "has changed, ask HR to link it to this one.")
    uow.employees.link_chat_id(employee.employee_id, platform, user_id)
    uow.audit.add(AuditEntry(at=clock.now(), actor=employee.email, action=LINK, source=platform, detail=user_id))
    uow.commit()
    return employee


def relink(uow: UnitOfWork, clock: Clock, email: str, platform: str, user_id: str, by: str,
           source: str) -> str | None:
    """HR links the employee with ``email`` to a chat account, replacing any earlier link.

    The account is taken from whoever had it. Recorded with the previous account, by ``by``.

    Returns:
        The account the employee was linked to before, if any.

    Raises:
        UnknownEmployee: nobody has the e-mail.
        LeaveError: an unknown platform or an empty account id.
    """
    if platform not in PLATFORMS:
        raise LeaveError(f"'{platform}' is not a chat platform; use one of {', '.join(PLATFORMS)}.")
    account = user_id.strip()
    if not account:
        raise LeaveError(f"Give the {_NAMES[platform]} account to link.")
    employee = uow.employees.by_email(email)
    if employee is None:
        raise UnknownEmployee(f"No employee with e-mail {email}.")
    previous = linked_id(employee, platform)
    uow.employees.link_chat_id(employee.employee_id, platform, account)
    uow.audit.add(AuditEntry(at=clock.now(), actor=actor_key(by), action=RELINK, source=source,
                             detail=f"{employee.email} {platform}: {previous or 'none'} -> {account}"))
    uow.commit()
    return previous
