"""Showing a formatting mark that a person typed without it formatting anything.

Slack's mrkdwn has no escape character, and Teams does not reliably honour Markdown's backslash,
so a ``*`` in a reason would make the words after it bold on an approver's card. Each door
replaces the marks its markup reads with characters that look alike but mean nothing to it;
the person's words stay readable, and only the core's stored text is the exact original.
"""

from __future__ import annotations

import re

#: Each mark and the look-alike shown instead.
LOOKALIKES = {
    "*": "\u2217",  # ASTERISK OPERATOR
    "_": "\u02cd",  # MODIFIER LETTER LOW MACRON
    "~": "\u223c",  # TILDE OPERATOR
    "`": "\u02cb",  # MODIFIER LETTER GRAVE ACCENT
    ">": "\uff1e",  # FULLWIDTH GREATER-THAN SIGN
}

_MARK = re.compile(r"[*_~`]")


def inert_marks(text: str) -> str:
    """``text`` with every bold, italic, strike and code mark made inert.

    An underscore between two letters or digits (``priya_s@x.test``, ``snake_case``) is left as
    it is: neither mrkdwn nor Markdown reads one inside a word, and e-mail addresses stay exact.
    """

    def swap(match: re.Match[str]) -> str:
        mark, at = match.group(), match.start()
        inside_word = 0 < at < len(text) - 1 and text[at - 1].isalnum() and text[at + 1].isalnum()
        return mark if mark == "_" and inside_word else LOOKALIKES[mark]

    return _MARK.sub(swap, text)
