"""Keeping Markdown out of Adaptive Card text: what a card shows is what was written.

Teams reads a subset of Markdown in a ``TextBlock`` and in a ``FactSet``'s titles and values:
bold, italic, lists and links. Our templates never use it, but those texts carry names,
departments and leave types that came from outside, so every one of them is made inert after
rendering (:func:`inert_card`): one place, whichever template put the text there. Typed
paragraphs such as reasons go into ``TextRun`` elements, which Teams shows as they are.
"""

from __future__ import annotations

import re
from typing import Any

from bot.lookalikes import inert_marks

#: A link's ``](``: broken with a zero-width space, which Markdown does not skip.
_LINK = re.compile(r"\]\s*\(")
#: A list item's marker at the start of a line (``- ``, ``+ ``, ``1. ``, ``1) ``), or a heading's or quote's.
_LINE_MARK = re.compile(r"^([ \t]*)([-+#>]|\d+[.)])(?=\s|$)", re.MULTILINE)
ZERO_WIDTH_SPACE = "\u200b"


def escape_markdown(text: str) -> str:
    """``text`` that Teams shows as written: no emphasis, code, strike, link, list or heading."""
    value = inert_marks(text)
    value = _LINK.sub(lambda match: "]" + ZERO_WIDTH_SPACE + match.group()[1:], value)
    return _LINE_MARK.sub(lambda match: match.group(1) + ZERO_WIDTH_SPACE + match.group(2), value)


def inert_card(value: Any) -> Any:
    """``value`` (a card or any part of one) with the text of every TextBlock and fact made inert."""
    if isinstance(value, list):
        return [inert_card(item) for item in value]
    if not isinstance(value, dict):
        return value
    inert = {key: inert_card(item) for key, item in value.items()}
    if inert.get("type") == "TextBlock" and isinstance(inert.get("text"), str):
        inert["text"] = escape_markdown(inert["text"])
    if inert.get("type") == "FactSet":
        inert["facts"] = [
            {key: escape_markdown(item) if key in ("title", "value") and isinstance(item, str) else item
             for key, item in fact.items()} if isinstance(fact, dict) else fact
            for fact in inert.get("facts", [])
        ]
    return inert
