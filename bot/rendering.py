"""How every door's Jinja2 environment is built: the options and the formatting all doors share.

Each door keeps one template per kind of view in its own folder (``bot/templates/{text,slack,teams}``)
and adds only what is its own: its escaping filters, a finalizer, its globals. The shared filters
only format (dates, amounts of leave, counts, spans), so the same facts reach every door in the same
words: an amount of leave is printed ``|amount`` ("2.5 days", ``|amount("carried")`` "1 carried day")
or, in a column headed Days, ``|figure`` ("2.5"), never with a plural of the template's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from core.domain.amount import Amount
from core.domain.documents import ACCEPTED, size_text
from core.domain.fields import FORM_LIMITS
from core.domain.text import counted, format_day, format_days, format_range


def format_span(start: date, end: date, half: Any = None, this_year: int | None = None) -> str:
    """One day, a half day or a range, in the words a person would use; dates in ``this_year``
    (the reader's current year, when a template knows it) without their year."""
    first, last = (format_day(day, year=day.year != this_year) for day in (start, end))
    if start == end:
        if half is not None:
            return f"{first} ({str(getattr(half, 'value', half)).lower()} half)"
        return first
    return f"{first} to {last}"


def short_span(start: date, end: date, half: Any = None, this_year: int | None = None) -> str:
    """A span as a headline reads it (:func:`core.domain.text.format_range`): ``7\u20139 Dec``."""
    return format_range(start, end, None if half is None else str(getattr(half, "value", half)), this_year)


def amount_text(value: Amount | str, kind: str = "") -> str:
    """How an amount of leave reads (:meth:`Amount.text`). A scheduled post's payload, stored as
    JSON, keeps its days as their figure (``"2.5"``); they read as the amount they were."""
    return (value if isinstance(value, Amount) else Amount.days(value)).text(kind)


def amount_figure(value: Amount) -> str:
    return value.figure


#: What every door's templates may use, whatever they render to. ``number`` is for counts that may
#: hold halves (people out on a day), ``counted`` for counts of things (people, days of waiting).
SHARED_FILTERS: Mapping[str, Any] = {"day": format_day, "amount": amount_text, "figure": amount_figure,
                                     "number": format_days, "counted": counted, "size": size_text}
SHARED_GLOBALS: Mapping[str, Any] = {"span": format_span, "short_span": short_span, "limits": FORM_LIMITS,
                                     "documents_accepted": ACCEPTED}


def template_environment(folder: str, *, filters: Mapping[str, Any] | None = None,
                         template_globals: Mapping[str, Any] | None = None, **options: Any) -> Environment:
    """The environment for the templates under ``bot/templates/{folder}``.

    Undefined names fail loudly (a typo in a template is a bug, not an empty string), block tags
    leave no blank lines, and autoescaping is off unless the door turns it on, since each door
    escapes for its own output (mrkdwn, JSON) with its own filters.

    Args:
        filters: the door's own filters, added to :data:`SHARED_FILTERS`.
        template_globals: the door's own globals, added to :data:`SHARED_GLOBALS`.
        options: further :class:`jinja2.Environment` options (``autoescape``, ``finalize``...).
    """
    settings: dict[str, Any] = {"autoescape": False, "trim_blocks": True, "lstrip_blocks": True,
                                "undefined": StrictUndefined, "extensions": ["jinja2.ext.do"], **options}
    env = Environment(loader=PackageLoader("bot", f"templates/{folder}"), **settings)
    env.filters.update({**SHARED_FILTERS, **(filters or {})})
    env.globals.update({**SHARED_GLOBALS, **(template_globals or {})})
    return env
