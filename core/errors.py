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


class NotEligible(LeaveError):
    """The person may not take this leave type (gender, service, employment type, times taken)."""


class InvalidDates(LeaveError):
    """End before start, too far in the past or too far ahead, bad half day."""


class NoWorkingDays(LeaveError):
    """The span covers only weekends and holidays."""


class OverlappingLeave(LeaveError):
    """The span overlaps the person's own pending or approved leave."""


class InsufficientBalance(LeaveError):
    """Not enough days left, counting pending requests."""


class TooLongForOccurrence(LeaveError):
    """A per-occurrence type's request is longer than one occurrence may run."""


class HoursNotAllowed(LeaveError):
    """Hours missing for a type counted in hours, over its cap, or given for a type counted in days."""


class MonthlyLimitReached(LeaveError):
    """The type's ``max_applications_per_month`` requests already start in that month."""


class NoticeTooShort(LeaveError):
    """The leave type needs more notice than was given."""


class BlackoutPeriod(LeaveError):
    """The dates fall in a blackout that refuses leave."""


class TeamLimitReached(LeaveError):
    """Too many of the department would be out on one day."""


class ApplicationLimit(LeaveError):
    """One application breaks a limit of its leave type (:mod:`core.policy.application_limits`)."""


class TooFewDays(ApplicationLimit):
    """Fewer days than the type's ``min_days``."""


class StretchTooLong(ApplicationLimit):
    """With the requests it touches, more days in a row than ``max_consecutive_days``."""


class AdjacentLeave(ApplicationLimit):
    """It touches leave of a type it may not touch (``not_adjacent_to``)."""


class TooLateToApply(ApplicationLimit):
    """It began longer ago than the type's ``backdate_days``."""


class NotAnOptionalHoliday(LeaveError):
    """An optional-holiday type was asked for a date the region does not list, or for more than one day."""


class OptionalHolidaysUsed(LeaveError):
    """The person has booked as many optional holidays this year as the region allows."""


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


class LinkRefused(LeaveError):
    """A one-time link that cannot be used: ``reason`` is ``unknown``, ``used`` or ``expired``."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
