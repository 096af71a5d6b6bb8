"""The weekly HR digest at a glance: its empty sections said in one line.

A quiet week would otherwise print a heading and "None." for each of a dozen sections, and the
one section that matters is lost among them. Every door shows only the sections that have
something in them, and this one line for the rest ("Nothing pending over two days, nothing
expiring."), worded once here so that the terminal, Slack and Teams say the same.

It reads the stored payload (:func:`core.scheduling.digests.hr_digest`) as it is, so that a digest
planned before the insight sections existed still reads well.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: What each empty section says, in the order the digest shows the sections.
EMPTY_SECTIONS: tuple[tuple[str, str], ...] = (
    ("taken", "nobody took leave last week"),
    ("upcoming", "nobody out in the next two weeks"),
    ("pending", "nothing pending over two days"),
    ("documents", "no documents due"),
    ("low_balances", "no balance near zero"),
    ("expiring", "nothing expiring"),
    ("calendar_failures", "no calendar sync failures"),
    ("compoff_lapsed", "no comp-off lapsed"),
    ("quiet", "everyone has had leave in the last {quiet_days} days"),
    ("year_end", "no days to be lost at year end"),
    ("near_limit", "no team at its limit"),
)


def empty_sections(digest: Mapping[str, Any]) -> tuple[str, ...]:
    """The names (keys of :data:`EMPTY_SECTIONS`) of the digest's sections with nothing in them."""
    insight = digest.get("insight") or {}
    sizes: dict[str, int] = {
        "taken": len(digest["taken"]["by_type"]),
        **{key: int(digest[key]["total"]) for key in
           ("upcoming", "pending", "documents", "low_balances", "expiring", "calendar_failures")},
    }
    if "compoff_lapsed" in digest:  # only where the policy has comp-off
        sizes["compoff_lapsed"] = int(digest["compoff_lapsed"]["total"])
    if insight:
        sizes["quiet"] = int(insight["quiet"]["total"])
        sizes["near_limit"] = int(insight["near_limit"]["total"])
        if insight.get("year_end"):  # shown in the last quarter only: out of season it is not "empty"
            sizes["year_end"] = int(insight["year_end"]["types"]["total"])
    return tuple(key for key, _ in EMPTY_SECTIONS if sizes.get(key) == 0)


def nothing_line(digest: Mapping[str, Any]) -> str:
    """The digest's empty sections in one sentence; empty text when every section has something."""
    empty = set(empty_sections(digest))
    quiet_days = ((digest.get("insight") or {}).get("quiet") or {}).get("days")
    said = [words.format(quiet_days=quiet_days) for key, words in EMPTY_SECTIONS if key in empty]
    if not said:
        return ""
    sentence = ", ".join(said)
    return sentence[0].upper() + sentence[1:] + "."
