"""The free text people give us: one length limit per field, and the characters it may hold.

Every door (Slack, Teams, the terminal, the CSV import) hands text to the core as typed; the use
cases pass each field through here before anything is written, so a limit reads the same
wherever it is met: "Your reason is 612 characters; the limit is 500."

Invisible characters are **stripped** from what people type in chat (reasons, notes, names of
people they refer to): C0 and C1 control characters (NUL, escape, DEL...) and the bidirectional
embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) that make text read
differently from what it holds. A multi-line field keeps its line breaks (``\\r\\n``, ``\\r``,
U+2028 and U+2029 become a plain ``\\n``) and turns tabs into spaces; a single-line field turns
every break into a space. Nothing typed with them is ever stored raw, and the person's words
survive. The employee import **refuses** them instead (:func:`import_problem`): a directory
file is data that HR can correct, and a name with a line break in it would break the person's
calendar feed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.errors import BadCommand


@dataclass(frozen=True)
class Field:
    """One field of free text: what messages call it, its length limit, whether it may hold lines."""

    name: str
    limit: int
    multiline: bool = False


#: What people type in chat and forms.
REASON = Field("reason", 500, multiline=True)
NOTE = Field("note", 500, multiline=True)
DOCUMENT = Field("document link", 1000)
PERSON = Field("person named", 255)

#: The length limit of each field of the doors' forms, by what the forms call it: Slack's modals and
#: Teams' cards hold their inputs to these, the limits the use cases then check.
FORM_LIMITS: dict[str, int] = {"reason": REASON.limit, "note": NOTE.limit, "document": DOCUMENT.limit}

#: The employee CSV's free-text columns (the directory's own limits: see ``storage/tables.py``);
#: roles, statuses and dates have checks of their own.
IMPORT_FIELDS: dict[str, Field] = {
    "employee_id": Field("employee_id", 64),
    "email": Field("email", 255),
    "first_name": Field("first_name", 100),
    "last_name": Field("last_name", 100),
    "manager_email": Field("manager_email", 255),
    "department": Field("department", 100),
    "location": Field("location", 100),
    "country": Field("country", 64),
    "time_zone": Field("time_zone", 64),
    "slack_user_id": Field("slack_user_id", 64),
    "teams_aad_object_id": Field("teams_aad_object_id", 64),
}

#: C0 controls but tab, line feed and carriage return (handled as whitespace), DEL, C1 controls,
#: and the bidirectional embeddings, overrides and isolates.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAK = re.compile("\r\n|[\r\n\u2028\u2029]")
#: Anything that is not plain text in a directory field: every control, line break and bidi control.
_NOT_PLAIN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


class TooLong(BadCommand):
    """A field is longer than its limit; nothing was done."""

    def __init__(self, field: Field, length: int) -> None:
        super().__init__(f"Your {field.name} is {length} characters; the limit is {field.limit}. "
                         "Shorten it and send it again.")
        self.field = field


def clean(text: str, field: Field) -> str:
    """``text`` with invisible characters stripped and outer whitespace trimmed, held to its limit.

    Raises:
        TooLong: the cleaned text is longer than ``field.limit``.
    """
    value = _INVISIBLE.sub("", text).replace("\t", " ")
    value = _LINE_BREAK.sub("\n" if field.multiline else " ", value).strip()
    if len(value) > field.limit:
        raise TooLong(field, len(value))
    return value


def import_problem(column: str, value: str) -> str | None:
    """Why ``value`` cannot be stored in the directory column ``column``, or None if it can."""
    field = IMPORT_FIELDS.get(column)
    found = _NOT_PLAIN.search(value)
    if found:
        what = "a line break" if found.group() in "\r\n\u2028\u2029" else "an invisible control character"
        return f"{column} contains {what} (U+{ord(found.group()):04X}); remove it"
    if field is not None and len(value) > field.limit:
        return f"{column} is {len(value)} characters; the limit is {field.limit}"
    return None
