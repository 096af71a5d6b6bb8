"""Scheduled posts put into words for every door: dates worded, the HR digest's empty sections
said in one line, and its heat map drawn.

A quiet week would otherwise print a heading and "None." for each of a dozen sections, and the
one section that matters is lost among them. Every door shows only the sections that have
something in them, and this one line for the rest ("Nothing pending over two days, nothing
expiring."), worded once here so that the terminal, Slack and Teams say the same.

It reads the stored payload (:func:`core.scheduling.digests.hr_digest`) as it is, so that a digest
planned before the insight sections existed still reads well.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from bot.rendering import format_span
from core.domain.heatmap import HeatMap
from core.domain.text import format_day

if TYPE_CHECKING:
    from bot.charts import Picture

#: The kinds of scheduled post, each with a template of that name in every door.
TEMPLATES = {"hr_digest", "whos_out", "approval_reminder", "document_reminder"}

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


#: What a digest's picture covers: the whole organisation, counts only.
CHART_SCOPE = "all departments"


def _day(text: str) -> str:
    return format_day(date.fromisoformat(text))


def worded(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload with the dates put into words (``when``, ``start_day``...) for the templates."""

    def rows(value: Any) -> Any:
        if isinstance(value, list):
            return [rows(v) for v in value]
        if isinstance(value, dict):
            row = {k: rows(v) for k, v in value.items()}
            if "start" in row and "end" in row:
                row["when"] = format_span(date.fromisoformat(row["start"]), date.fromisoformat(row["end"]),
                                          row.get("half") or None)
            if "start" in row:
                row["start_day"] = _day(row["start"])
            if "day" in row:
                row["day_label"] = _day(row["day"])
            if "back_on" in row:
                row["back_day"] = _day(row["back_on"])
            if "expires_on" in row:
                row["expires_day"] = _day(row["expires_on"])
            if "worked_on" in row:
                row["worked_day"] = _day(row["worked_on"])
            if "failed_at" in row:
                row["failed_day"] = format_day(datetime.fromisoformat(row["failed_at"]).date())
            return row
        return value

    shaped: dict[str, Any] = rows(payload)
    if "week_of" in shaped:
        shaped["week_day"] = _day(shaped["week_of"])
    if shaped.get("kind") == "hr_digest":  # its empty sections are folded into one line
        shaped["empty"], shaped["nothing"] = empty_sections(shaped), nothing_line(shaped)
    return shaped


def digest_picture(payload: dict[str, Any]) -> Picture | None:
    """The heat map of a digest that has one (the HR digest), drawn. The drawing library is loaded
    here, when a picture is drawn, not by every door that only posts words."""
    from bot import charts

    chart = payload.get("chart")
    return charts.picture(HeatMap.from_payload(chart), CHART_SCOPE) if isinstance(chart, dict) else None


def post_template(payload: dict[str, Any]) -> str:
    """The door template's file name for a scheduled post of this payload's kind."""
    kind = str(payload.get("kind"))
    if kind not in TEMPLATES:
        raise ValueError(f"no template for a scheduled post of kind {kind!r}")
    return f"{kind}.j2"
