"""Taking secrets out of text that is kept or shown: log lines, stored error messages, audit details.

Pure text in, text out, so that every layer can use it: the logs (:mod:`bot.observability.redaction`
adds the configured secret values on top) and storage, which redacts error text and audit details
before it writes them. What is recognised is anything *shaped* like a credential: Slack
``xox?-``/``xapp-`` tokens, ``Bearer`` credentials, JWTs, PEM private keys, Slack ``response_url``
webhooks, and the token of a calendar feed, download, dashboard sign-in or e-mail link in a path, however
it is spelt.
"""

from __future__ import annotations

import re

REDACTED = "[redacted]"
#: Replaced whole.
TOKEN_SHAPES = (
    re.compile(r"\bxox[abposre]-[A-Za-z0-9-]+"),
    re.compile(r"\bxapp-[A-Za-z0-9-]+"),
    re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*)?"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.DOTALL),
)
#: A path segment: up to the next slash, space, quote, query or fragment.
_SEGMENT = r"[^/\s\"'<>?#]+"
#: Shapes whose surroundings stay readable: only what lies between the two groups is replaced.
FRAMED_SHAPES = (
    re.compile(r"(\bBearer\s+)[A-Za-z0-9._~+/=-]+()", re.IGNORECASE),
    # A Slack response_url lets whoever holds it post as the bot into that conversation.
    re.compile(r"(https?://hooks\.slack(?:-gov)?\.com/)\S+()", re.IGNORECASE),
    # A feed's token is the one path segment after ``calendar`` (``.ics`` or not); a path that goes
    # on (Google's ``/calendar/v3/...``) is not a feed.
    re.compile(r"(/calendar/+)[^/\s\"'<>?#]+?(\.ics)?(?=[\s\"'<>?#]|$)", re.IGNORECASE),
    re.compile(rf"(/downloads/+){_SEGMENT}()", re.IGNORECASE),
    # A dashboard sign-in link's token signs its holder in, once.
    re.compile(rf"(/web/+sign-in/+){_SEGMENT}()", re.IGNORECASE),
    # An e-mail's Approve, Reject or switch-to-chat link acts as the person it was sent to.
    re.compile(rf"(/email/+(?:decide|notify)/+){_SEGMENT}()", re.IGNORECASE),
)


def redact(text: str) -> str:
    """``text`` with every credential-shaped part replaced by ``[redacted]``."""
    for shape in TOKEN_SHAPES:
        text = shape.sub(REDACTED, text)
    for framed in FRAMED_SHAPES:
        text = framed.sub(rf"\g<1>{REDACTED}\g<2>", text)
    return text
