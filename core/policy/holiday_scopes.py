"""Where a region's holidays apply, and the optional (restricted) holidays its people pick from.

Indian offices keep their state's holidays, so a region maps each location to its subdivision (the
code ``leavebot holidays sync --subdiv`` takes); a state's synced holidays apply only to the people
whose location maps to that state. A region may also list optional holidays, of which each person
may book ``optional_holidays_allowed`` a year with a leave type marked ``optional_holidays: true``::

    regions:
      INDIA:
        locations: {Bengaluru: KA, Mumbai: MH}
        optional_holidays_allowed: 2
        optional_holidays:
          - {date: 2026-03-19, name: Ugadi}
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.errors import PolicyError
from core.policy import values as f


@dataclass(frozen=True)
class OptionalHoliday:
    """A date on the region's optional list: a working day unless someone books it."""

    day: date
    name: str


def parse_locations(body: Any, where: str) -> tuple[tuple[str, str], ...]:
    """``{Bengaluru: KA, ...}`` as (location, subdivision code in capitals) pairs; a location named
    twice (in any case) is refused, since it could only be in one state."""
    doc = f.mapping(body, where)
    seen: set[str] = set()
    pairs = []
    for location, code in doc.items():
        name = f.text(location, where)
        if name.casefold() in seen:
            raise PolicyError(f"{where}.{name}: this location is named twice")
        seen.add(name.casefold())
        pairs.append((name, f.text(code, f"{where}.{name}").upper()))
    return tuple(pairs)


def parse_optional_holidays(body: Any, where: str) -> tuple[OptionalHoliday, ...]:
    """The region's optional list in date order; a date listed twice is refused."""
    found: dict[date, OptionalHoliday] = {}
    for i, entry in enumerate(f.items(body, where)):
        doc = f.mapping(entry, f"{where}[{i}]", required=frozenset({"date", "name"}),
                        allowed=frozenset({"date", "name"}))
        day = f.iso_date(doc["date"], f"{where}[{i}].date")
        if day in found:
            raise PolicyError(f"{where}[{i}].date: {day} is already listed ({found[day].name})")
        found[day] = OptionalHoliday(day, f.text(doc["name"], f"{where}[{i}].name"))
    return tuple(sorted(found.values(), key=lambda h: h.day))


def subdivision_of(locations: Iterable[tuple[str, str]], location: str) -> str | None:
    """The subdivision ``location`` maps to (any case), or None when it maps to none."""
    wanted = location.strip().casefold()
    return next((code for name, code in locations if name.casefold() == wanted), None)


def locations_in(locations: Iterable[tuple[str, str]], subdivision: str) -> tuple[str, ...]:
    """The locations that map to ``subdivision`` (any case), in the policy's order."""
    wanted = subdivision.strip().upper()
    return tuple(name for name, code in locations if code == wanted)
