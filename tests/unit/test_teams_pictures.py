"""A heat map in a Teams card: by link when the bot has a public address, else inline only if the message fits."""

from __future__ import annotations

import base64
import io
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from matplotlib import image

from bot import charts
from bot.teams import cards, pictures
from core.domain.heatmap import HeatMap, HeatRow
from core.views import TeamChartView

START = date(2026, 11, 30)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chart(departments: int, days: int = 14) -> TeamChartView:
    """A busy map: someone out in most departments on most working days."""
    rows = []
    for n in range(departments):
        weekend = tuple((START + timedelta(days=i)).weekday() >= 5 for i in range(days))
        out = tuple(Decimal(0) if off else Decimal((3 * n + i) % 7) for i, off in enumerate(weekend))
        rows.append(HeatRow(f"Customer Success and Renewals {n:03d}", 40, out, weekend,
                            tuple(int(x) for x in out), pending=n % 3))
    return TeamChartView(HeatMap(START, START + timedelta(days=days - 1), tuple(rows)), "all departments")


def images(card: cards.Card) -> list[dict[str, object]]:
    return [item for item in card["body"] if item.get("type") == "Image"]


def width(png: bytes) -> int:
    return int(image.imread(io.BytesIO(png)).shape[1])


@dataclass
class RecordingLinks:
    """Keeps what it is given, as :class:`bot.downloads.DownloadLinks` does in the database."""

    shared: list[tuple[bytes, str, str, timedelta]] = field(default_factory=list)

    def share(self, content: bytes, filename: str, media_type: str, lifetime: timedelta) -> str:
        self.shared.append((content, filename, media_type, lifetime))
        return f"https://leave.example.com/downloads/token-{len(self.shared)}"


def test_without_a_public_address_a_small_map_goes_inline_drawn_compact() -> None:
    card = cards.render_view(chart(3))
    (picture,) = images(card)
    scheme, encoded = str(picture["url"]).split(",", 1)
    png = base64.b64decode(encoded)
    assert scheme == "data:image/png;base64" and png.startswith(PNG_SIGNATURE)
    assert width(png) == charts.COMPACT.width_px < charts.FULL.width_px
    assert pictures.message_bytes(card) <= pictures.MESSAGE_LIMIT_BYTES


def test_the_compact_drawing_is_a_fraction_of_the_full_one() -> None:
    busy = chart(40).heatmap
    full, compact = charts.picture(busy, "all departments"), charts.picture(busy, "all departments", charts.COMPACT)
    assert len(compact.png) * 2 < len(full.png)
    assert compact.alt == full.alt, "the words sum up every department, whichever drawing"
    assert compact.alt.startswith("People out per day in 40 departments") and len(compact.alt) <= charts.ALT_CHARS


def test_a_map_too_large_for_the_message_is_left_out_and_the_card_says_how_to_see_it() -> None:
    view = chart(100)
    card = cards.render_view(view)
    assert not images(card)
    shown = json.dumps(card)
    assert pictures.CHART_INSTEAD in shown and "PUBLIC_URL" in pictures.CHART_INSTEAD
    assert "Customer Success and Renewals 099 (40 people)" in shown, "the counts in words are still there"
    assert pictures.message_bytes(card) <= pictures.MESSAGE_LIMIT_BYTES
    with_picture = cards.render("team_chart.j2", view=view, notice=None, picture=pictures.CardPicture(
        "t", "a", charts.picture(view.heatmap, view.scope, charts.COMPACT).uri))
    assert pictures.message_bytes(with_picture) > pictures.MESSAGE_LIMIT_BYTES, "it was left out for a reason"


def test_with_a_public_address_the_full_picture_is_linked_for_a_day() -> None:
    links = RecordingLinks()
    card = cards.render_view(chart(100), picture_links=links)
    (picture,) = images(card)
    ((png, filename, media_type, lifetime),) = links.shared
    assert picture["url"] == "https://leave.example.com/downloads/token-1"
    assert str(picture["altText"]).startswith("People out per day in 100 departments")
    assert png.startswith(PNG_SIGNATURE) and width(png) == charts.FULL.width_px
    assert (filename, media_type, lifetime) == ("people-out-all-departments-2026-11-30.png", "image/png",
                                                timedelta(days=1))
    assert pictures.message_bytes(card) <= pictures.MESSAGE_LIMIT_BYTES


def test_the_size_counts_the_whole_message_with_non_ascii_escaped() -> None:
    plain = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "a" * 1000}]}
    accented = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "é" * 1000}]}
    assert pictures.message_bytes(plain) > len(json.dumps(plain)) + pictures.ENVELOPE_BYTES
    assert pictures.message_bytes(accented) - pictures.message_bytes(plain) == 5 * 1000  # \u00e9 for each
