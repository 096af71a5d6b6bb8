"""How every door's Jinja2 environment is built: the options and the formatting all doors share.

Each door keeps one template per kind of view in its own folder (``bot/templates/{text,slack,teams}``)
and adds only what is its own: its escaping filters, a finalizer, its globals. The shared filters
only format (dates, day counts, spans), so the same facts reach every door in the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from core.domain.fields import REASON
from core.domain.text import counted, format_day, format_days


def format_span(start: date, end: date, half: Any = None) -> str:
    """One day, a half day or a range, in the words a person would use."""
    if start == end:
        if half is not None:
            return f"{format_day(start)} ({str(getattr(half, 'value', half)).lower()} half)"
        return format_day(start)
    return f"{format_day(start)} to {format_day(end)}"


#: What every door's templates may use, whatever they render to.
SHARED_FILTERS: Mapping[str, Any] = {"day": format_day, "days": format_days, "counted": counted}
SHARED_GLOBALS: Mapping[str, Any] = {"span": format_span, "reason_limit": REASON.limit}


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
