"""Walking the JSON trees that Slack and Teams are sent (Block Kit messages, Adaptive Cards)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def nodes(tree: Any) -> Iterator[dict[str, Any]]:
    """Every object in ``tree``, in document order (an object before what it holds)."""
    if isinstance(tree, dict):
        yield tree
        for value in tree.values():
            yield from nodes(value)
    elif isinstance(tree, list):
        for item in tree:
            yield from nodes(item)
