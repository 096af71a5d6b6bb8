"""Who may see which type of someone's leave: the one rule every view of another person's leave follows.

Why someone is away is personal (sick leave above all), while *that* they are away, for which half
and until when, is what colleagues need to plan. So a colleague sees "Out"; the leave type is
shown only to the person themself, to their approver chain (every manager up their reporting line,
the approver a request was resolved to, and a delegate covering one of those managers) and to HR
admins. The policy may list types that everyone may see::

    privacy:
      public_types: [casual, privilege]

The older ``calendar.show_type`` list means the same and is read as part of it. Nothing is public by
default. A channel post or a team calendar feed has no single reader, so only public types show
there (:data:`CHANNEL` as the viewer).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from core.domain.approvals import Lookup, managers_of
from core.domain.model import Employee
from core.errors import PolicyError
from core.policy import values as f

#: What a colleague sees instead of a private leave type.
OUT = "Out"
#: The viewer of a channel post or a shared feed: nobody in particular, so only public types show.
CHANNEL = None


@dataclass(frozen=True)
class PrivacyPolicy:
    """The policy's optional ``privacy`` section: the leave types (keys) everyone may see."""

    public_types: frozenset[str] = frozenset()


def parse_privacy_policy(value: Any, leave_types: Collection[str], show_type: Iterable[str] = ()) -> PrivacyPolicy:
    """Check the ``privacy`` section; ``show_type`` is the older ``calendar.show_type`` list, kept as is.

    Raises:
        core.errors.PolicyError: naming the bad key, or a public type that is not a leave type.
    """
    root = f.mapping(value, "privacy", allowed=frozenset({"public_types"}))
    public = f.texts(root.get("public_types", []), "privacy.public_types")
    unknown = [key for key in public if key not in leave_types]
    if unknown:
        raise PolicyError(f"privacy.public_types: '{unknown[0]}' is not a leave type "
                          f"(leave types: {', '.join(sorted(leave_types))})")
    return PrivacyPolicy(public_types=frozenset(public) | frozenset(show_type))


def may_see_type(viewer: Employee | None, subject: Employee, type_key: str, public_types: Collection[str], *,
                 lookup: Lookup, approver_id: str | None = None, covering: Collection[str] = ()) -> bool:
    """May ``viewer`` see the type of ``subject``'s leave of ``type_key``?

    Args:
        viewer: who looks; :data:`CHANNEL` (None) for a channel or a shared feed.
        approver_id: the approver the request was resolved to, who sees what they decide.
        covering: the people whose delegate ``viewer`` is (today), whose place in the chain they take.
    """
    if type_key in public_types:
        return True
    if viewer is None:
        return False
    if viewer.employee_id in (subject.employee_id, approver_id) or viewer.is_hr:
        return True
    chain = managers_of(subject, lookup)
    return viewer.employee_id in chain or not chain.isdisjoint(covering)
