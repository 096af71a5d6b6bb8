"""The terminal door's renderer: one plain-text Jinja2 template per kind of view.

Templates only lay out what the view already says; the filters here only format (dates, day
counts, aligned columns), so the same facts reach the terminal as reach Slack and Teams.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from bot.rendering import template_environment
from bot.view_templates import TEMPLATES
from core import views
from core.domain.heatmap import HeatMap
from core.domain.text import WEEKDAY_NAMES, format_day


def format_time(value: datetime | None) -> str:
    """``Wed 25 Nov 2026 10:00 IST``: in the zone the view gives it (the reader's, or UTC)."""
    return "" if value is None else f"{format_day(value.date())} {value:%H:%M} {value.tzname() or 'UTC'}"


def format_table(header: Sequence[str], rows: Iterable[Sequence[Any]], right: Iterable[int] = ()) -> str:
    """Columns padded to their widest cell; the columns in ``right`` (numbers) align right."""
    cells = [[str(c) for c in header], *([str(c) for c in row] for row in rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    right_columns = set(right)
    lines = []
    for row in cells:
        padded = [
            cell.rjust(widths[i]) if i in right_columns else cell.ljust(widths[i]) for i, cell in enumerate(row)
        ]
        lines.append("  ".join(padded).rstrip())
    return "\n".join(lines)


# Plain text for a terminal: there is no markup to escape, so autoescape stays off.
_ENV = template_environment(
    "text",
    filters={"time": format_time, "weekday_letter": lambda day: WEEKDAY_NAMES[day.weekday()][:2]},
    template_globals={"table": format_table},
    keep_trailing_newline=True,
)


def render(view: views.View) -> str:
    """The reply to print for ``view``, without a trailing newline."""
    try:
        name = TEMPLATES[type(view)]
    except KeyError:
        raise TypeError(f"No text template for {type(view).__name__}") from None
    return _ENV.get_template(name).render(view=view).strip("\n")


def render_digest(digest: dict[str, Any], heatmap: HeatMap) -> str:
    """The weekly HR digest as text (``digest`` worded as for the chat doors), with its heat map as a table."""
    return _ENV.get_template("hr_digest.j2").render(digest=digest, heatmap=heatmap).strip("\n")
