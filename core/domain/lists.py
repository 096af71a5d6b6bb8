"""Long lists cut for a channel post: the first rows, and how many more there are.

A digest is read on a phone, and each platform caps a message (Slack's blocks and section texts,
Teams' message size), so every list that grows with the organisation is cut the same way and the
doors say "and N more".
"""

from __future__ import annotations

from typing import Any

#: Lists longer than this are cut, with a count of the rest.
LIST_LIMIT = 15
CUT_KEYS = frozenset({"rows", "more", "total"})


def cut(items: list[dict[str, Any]], limit: int = LIST_LIMIT) -> dict[str, Any]:
    """``rows`` (the first ``limit`` items), ``more`` (how many are left out) and ``total``."""
    return {"rows": items[:limit], "more": max(0, len(items) - limit), "total": len(items)}


def shorter(value: Any, limit: int) -> Any:
    """``value`` (a digest's payload, or any part of it) with every cut list cut to ``limit`` rows,
    its ``more`` counting the rows left out: for a door whose message cannot hold ``LIST_LIMIT``."""
    if isinstance(value, list):
        return [shorter(item, limit) for item in value]
    if not isinstance(value, dict):
        return value
    shortened = {key: shorter(item, limit) for key, item in value.items()}
    if value.keys() == CUT_KEYS:
        shortened["rows"] = shortened["rows"][:limit]
        shortened["more"] = value["total"] - len(shortened["rows"])
    return shortened
