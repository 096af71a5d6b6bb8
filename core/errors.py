"""Named errors. Each carries the human message that every door shows as it is.

A door never rewrites these messages; it only chooses how to display them.
"""

from __future__ import annotations


class LeaveError(Exception):
    """Base of every refusal the core can give. ``message`` says why and what to do.

    ``audited`` is set once the refused attempt has been written to the audit log, so that it is
    written once, by whoever refused it.
    """

    audited = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadCommand(LeaveError):
    """The words typed could not be understood."""


class BadDate(BadCommand):
    """A date could not be read."""


class UnknownEmployee(LeaveError):
    """The person is not in the directory."""


class InactiveEmployee(LeaveError):
    """The person is in the directory but no longer active."""


class UnknownLeaveType(LeaveError):
    """The leave type named is not offered to this person."""


class InvalidDates(LeaveError):
    """End before start, too far in the past or too far ahead, bad half day."""


class NoWorkingDays(LeaveError):
    """The span covers only weekends and holidays."""


class OverlappingLeave(LeaveError):
    """The span overlaps the person's own pending or approved leave."""


class InsufficientBalance(LeaveError):
    """Not enough days left, counting pending requests."""


class NoticeTooShort(LeaveError):
    """The leave type needs more notice than was given."""


class BlackoutPeriod(LeaveError):
    """The dates fall in a blackout that refuses leave."""


class TeamLimitReached(LeaveError):
    """Too many of the department would be out on one day."""


class NotAllowed(LeaveError):
    """The person may not do this; the attempt is audited.

    ``action`` names the refusal in the audit log (``not_approver``, ``not_hr``...); without one
    the attempted command's word is used.
    """

    def __init__(self, message: str, action: str | None = None) -> None:
        super().__init__(message)
        self.action = action


class AlreadyDecided(LeaveError):
    """The request was decided before; the message says by whom and when."""


class CannotCancel(LeaveError):
    """The request is in a state, or has reached a date, that forbids cancelling."""


class BadDocument(LeaveError):
    """A file handed in is not one that is taken (its kind, its size), or its request takes no more."""


class PolicyError(LeaveError):
    """A policy file is malformed; the message names the offending key."""


class ImportRejected(LeaveError):
    """An employee import had bad rows; nothing was written.

    ``problems`` lists ``(line number, reason)`` for every bad row.
    """

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        lines = "; ".join(f"line {line}: {why}" for line, why in problems)
        super().__init__(f"Import refused, nothing was written. {lines}")
        self.problems = problems
