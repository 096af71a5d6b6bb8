"""Per-type limits on one application, as the policy file writes them under a leave type.

``min_days`` and ``max_consecutive_days`` bound a request's length (a stretch of touching requests
of the type counts as one); ``not_adjacent_to`` keeps leave of the type from touching leave of
the listed types; ``backdate_days`` says how long after its first day leave may still be applied
for; ``sandwich`` charges the weekends and holidays that lie between leave days. They bind the
person applying, not HR's corrections (``/leave adjust``), which write the ledger directly.
The checks themselves are in :mod:`core.policy.limit_checks`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.errors import PolicyError
from core.policy import values as f

#: The keys of a leave type that this module reads.
LIMIT_FIELDS = frozenset({"min_days", "max_consecutive_days", "not_adjacent_to", "backdate_days", "sandwich"})
#: The furthest back any policy may allow (a request is kept to the leave years the ledger holds).
MAX_BACKDATE_DAYS = 366


@dataclass(frozen=True)
class ApplicationLimits:
    """The limits of one leave type; the defaults limit nothing and charge no weekend."""

    #: The fewest days (as charged) one application may ask for.
    min_days: Decimal | None = None
    #: The most days (as charged) in a row, touching requests of the type counted together.
    max_consecutive_days: Decimal | None = None
    #: Types whose approved or pending leave this type may not touch, in either order.
    not_adjacent_to: tuple[str, ...] = ()
    #: Days after its first day that leave may still be applied for; None: the general limit.
    backdate_days: int | None = None
    #: Weekends and holidays between leave days (of one request, or of touching ones) are charged.
    sandwich: bool = False


def parse_application_limits(doc: Mapping[str, Any], where: str) -> ApplicationLimits:
    """Read the limit keys of the leave type at ``where`` (its other keys are read elsewhere)."""
    sandwich = doc.get("sandwich", False)
    if not isinstance(sandwich, bool):
        raise PolicyError(f"{where}.sandwich: expected true or false, got {sandwich!r}")
    min_days = f.optional_days(doc.get("min_days"), f"{where}.min_days")
    most = f.optional_days(doc.get("max_consecutive_days"), f"{where}.max_consecutive_days")
    if most is not None and most <= 0:
        raise PolicyError(f"{where}.max_consecutive_days: expected more than 0 days, got {most}")
    if min_days is not None and most is not None and min_days > most:
        raise PolicyError(f"{where}.min_days: {min_days} is more than max_consecutive_days ({most})")
    backdate = doc.get("backdate_days")
    return ApplicationLimits(
        min_days=min_days,
        max_consecutive_days=most,
        not_adjacent_to=f.texts(doc.get("not_adjacent_to", []), f"{where}.not_adjacent_to"),
        backdate_days=None if backdate is None else f.whole(backdate, f"{where}.backdate_days", 0,
                                                            MAX_BACKDATE_DAYS),
        sandwich=sandwich,
    )


def check_adjacent_types(limits: Mapping[str, ApplicationLimits], keys: Iterable[str]) -> None:
    """Every ``not_adjacent_to`` entry names a type of the document (and not its own type)."""
    known = set(keys)
    for key, found in limits.items():
        for i, other in enumerate(found.not_adjacent_to):
            if other not in known:
                raise PolicyError(f"leave_types.{key}.not_adjacent_to[{i}]: '{other}' is not defined under "
                                  "leave_types")
            if other == key:
                raise PolicyError(f"leave_types.{key}.not_adjacent_to[{i}]: a type cannot exclude itself; "
                                  "use max_consecutive_days to limit a stretch of it")
