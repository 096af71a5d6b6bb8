"""The policy's ``calendar`` section: which provider holds whose calendar (Google, Outlook, none)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.policy import values as f

PROVIDERS = ("google", "outlook")
NO_SYNC = "none"


@dataclass(frozen=True)
class CalendarPolicy:
    """The policy's optional ``calendar`` section.

    Example::

        calendar:
          show_type: [casual, privilege]      # older spelling of privacy.public_types
          providers:                          # overrides of the organisation's default
            example.in: outlook               # an e-mail domain
            priya@example.com: none           # one person: no calendar sync
    """

    show_type: frozenset[str] = frozenset()
    providers: Mapping[str, str] = field(default_factory=dict)


def parse_calendar_policy(value: Any) -> CalendarPolicy:
    """Check the ``calendar`` section; raises :class:`core.policy.values.PolicyError` naming the bad key."""
    root = f.mapping(value, "calendar", allowed=frozenset({"show_type", "providers"}))
    providers = f.mapping(root.get("providers", {}), "calendar.providers")
    return CalendarPolicy(
        show_type=frozenset(f.texts(root.get("show_type", []), "calendar.show_type")),
        providers={str(k).strip().casefold(): f.choice(v, f"calendar.providers.{k}", (*PROVIDERS, NO_SYNC))
                   for k, v in providers.items()},
    )


def provider_for(email: str, policy: CalendarPolicy, default: str | None) -> str | None:
    """The provider of this person's calendar: their own override, their domain's, else the default.

    None means no sync (nothing configured, or ``none`` chosen).
    """
    email = email.strip().casefold()
    domain = email.rpartition("@")[2]
    chosen = policy.providers.get(email) or policy.providers.get(domain) or default
    return None if chosen in (None, NO_SYNC) else chosen

