"""The heat map picture: a real PNG, phone-sized, not blank, labelled with departments only; a fixed colour
scale with its legend, pending leave outlined, each row's headcount and limit, and type that stays legible."""

from __future__ import annotations

import base64
import io
import re
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest
from matplotlib import image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from bot import charts
from core.domain.heatmap import HeatMap, HeatRow

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
START = date(2026, 11, 30)
#: 48 characters, nearly all Georgian (which the picture's font draws): with " 001" a long department name,
#: six bytes a character once a Teams message escapes it.
LONG_NAME = "მომხმარებელთა მომსახურების დეპარტამენტი, თბილისი"


def heatmap(departments: list[str], days: int = 14) -> HeatMap:
    rows = []
    for n, department in enumerate(departments):
        weekend = tuple((START + timedelta(days=i)).weekday() >= 5 for i in range(days))
        out = tuple(Decimal(0) if off else Decimal((i + n) % 4) / (2 if i % 3 == 0 else 1)
                    for i, off in enumerate(weekend))
        rows.append(HeatRow(department, 8, out, weekend, tuple(int(x) for x in out), pending=n % 2))
    return HeatMap(START, START + timedelta(days=days - 1), tuple(rows))


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(image.imread(io.BytesIO(png), format="png"))


@pytest.mark.parametrize("days", [14, 28])
def test_the_picture_is_a_phone_sized_png_with_content(days: int) -> None:
    png = charts.render_png(heatmap(["Engineering", "People", "Customer Success"], days), "all departments")
    assert png.startswith(PNG_SIGNATURE)
    assert len(png) < 100_000  # small enough for a Teams card as a data URI
    shown = pixels(png)
    height, width = shown.shape[:2]
    assert 800 <= width <= 1000 and 200 <= height <= 1200
    colours = {tuple(p) for p in shown.reshape(-1, shown.shape[2])[::7]}
    assert len(colours) > 8  # palette cells, hatching and text: not one flat colour
    white = np.all(shown[..., :3] > 0.98, axis=-1).mean()
    assert white < 0.9


def test_an_empty_map_still_draws_and_says_nobody_is_out() -> None:
    quiet = HeatMap(START, START + timedelta(days=13), (HeatRow("Sales", 3, (Decimal(0),) * 14, (False,) * 14,
                                                                (0,) * 14),))
    drawn = charts.picture(quiet, "Sales")
    assert drawn.png.startswith(PNG_SIGNATURE)
    assert drawn.alt == "People out per day in Sales, Mon 30 Nov 2026 to Sun 13 Dec 2026; nobody is out."
    assert drawn.filename == "people-out-sales-2026-11-30.png"


def test_the_labels_are_department_names_only_and_long_ones_are_shortened() -> None:
    mapped = heatmap(["Engineering", "Research and Development Europe"])
    assert charts.row_labels(mapped) == ["Engineering", "Research and Dev…"]
    assert all(len(label) <= charts.LABEL_CHARS for label in charts.row_labels(mapped))


def test_many_departments_fold_into_the_busiest_and_one_row_for_the_rest() -> None:
    names = [f"Team {n:02d}" for n in range(30)]
    folded = charts.fold(heatmap(names))
    assert len(folded.rows) == charts.MAX_ROWS
    assert folded.rows[-1].department == f"{30 - charts.MAX_ROWS + 1} other depts"
    assert charts.row_labels(folded)[-1] == folded.rows[-1].department, "the folded row's label is not shortened"
    assert sum(sum(r.out) for r in folded.rows) == sum(sum(r.out) for r in heatmap(names).rows)
    assert sum(r.headcount for r in folded.rows) == 8 * 30
    assert pixels(charts.render_png(heatmap(names), "all departments")).shape[1] == charts.WIDTH_PX


def test_the_alt_text_gives_each_departments_busiest_day_and_the_uri_is_the_png() -> None:
    out = [Decimal(0)] * 14
    out[2], out[9] = Decimal("2.5"), Decimal("2.5")  # a tie: the first day is named
    mapped = HeatMap(START, START + timedelta(days=13), (HeatRow("Engineering", 8, tuple(out), (False,) * 14,
                                                                 (0,) * 14),))
    drawn = charts.picture(mapped, "Engineering")
    assert drawn.alt == ("People out per day in Engineering, Mon 30 Nov 2026 to Sun 13 Dec 2026; "
                         "busiest: Engineering: 2.5 of 8 out on Wed 2 Dec.")
    assert drawn.uri.startswith("data:image/png;base64,")
    assert base64.b64decode(drawn.uri.split(",", 1)[1]) == drawn.png


def test_cell_counts_keep_to_three_characters_rounding_only_what_is_longer() -> None:
    counts = ("0.5", "2", "2.5", "12", "12.5", "99.5", "287.5", "999", "999.5", "1500")
    assert [charts.cell_label(Decimal(c)) for c in counts] == [
        "0.5", "2", "2.5", "12", "13", "100", "288", "999", "999+", "999+"]


def test_long_labels_get_smaller_type_and_short_ones_keep_the_large_one() -> None:
    assert charts.cell_font("2", 15, 50) == 15
    assert charts.cell_font("288", 15, 50) < 15
    assert charts.cell_font("288", 15, 50) > charts.cell_font("288", 15, 25)


@pytest.mark.parametrize(("days", "layout"), [(14, charts.FULL), (14, charts.COMPACT), (28, charts.FULL)])
def test_the_folded_rows_large_counts_stay_inside_their_cells(days: int, layout: charts.Layout) -> None:
    busy = [replace(row, out=tuple(Decimal(0) if off else Decimal("5.5") for off in row.off))
            for row in heatmap([f"Team {n:03d}" for n in range(100)], days).rows]
    mapped = replace(heatmap([], days), rows=tuple(busy))
    figure = charts.draw(mapped, "all departments", layout)
    renderer = FigureCanvasAgg(figure).get_renderer()
    (axes,) = figure.axes
    cell_px = axes.get_window_extent(renderer).width / days
    labels = [text.get_text() for text in axes.texts]
    assert charts.cell_label(Decimal("5.5") * (100 - layout.max_rows + 1)) in labels  # the folded row's, rounded
    assert max(text.get_window_extent(renderer).width for text in axes.texts) < cell_px
    assert charts.render_png(mapped, "all departments", layout).startswith(PNG_SIGNATURE)


def test_the_alt_text_of_a_hundred_long_names_names_the_busiest_whole_within_slacks_limit() -> None:
    names = [f"{LONG_NAME} {n:03d}" for n in range(100)]
    drawn = charts.picture(heatmap(names), "all departments")
    assert len(drawn.alt) <= charts.ALT_CHARS
    assert drawn.alt.startswith("People out per day in 100 departments, Mon 30 Nov 2026 to Sun 13 Dec 2026; busiest: ")
    _, busiest = drawn.alt.split("; busiest: ")
    *named, rest = busiest.split("; ")
    entry = re.escape(LONG_NAME) + r" \d{3}: [\d.]+ of 8 out on \w{3} \d+ \w{3}"
    assert named and all(re.fullmatch(entry, each) for each in named)
    assert rest == f"{100 - len(named)} more departments with people out."


def test_a_name_too_long_for_the_alt_text_is_clipped_between_words() -> None:
    endless = " ".join(["დეპარტამენტი"] * 90)
    drawn = charts.picture(heatmap([endless]), endless)
    assert len(drawn.alt) <= charts.ALT_CHARS and drawn.alt.endswith("დეპარტამენტი…")


def facecolours(figure: Figure) -> list[str]:
    """The fill of every filled cell of the map, in drawing order."""
    (axes,) = figure.axes
    return [to_hex(patch.get_facecolor()) for patch in axes.patches if patch.get_fill() and patch.get_gid() is None]


def test_the_colour_scale_is_fixed_by_the_share_out_whatever_the_busiest_cell() -> None:
    quiet = HeatMap(START, START + timedelta(days=1), (HeatRow("Sales", 8, (Decimal(1), Decimal(0)), (False, False),
                                                               (1, 0)),))
    busy = HeatMap(START, START + timedelta(days=1), (HeatRow("Sales", 8, (Decimal(1), Decimal(6)), (False, False),
                                                              (1, 6)),))
    one_of_eight = [facecolours(charts.draw(mapped, "Sales"))[0] for mapped in (quiet, busy)]
    assert one_of_eight == [charts.SHADES[1].colour] * 2, "12.5% out is the same shade beside 0 or 6 out"
    assert facecolours(charts.draw(busy, "Sales"))[1] == charts.SHADES[-1].colour
    assert [charts.shade(Decimal(n), 20) for n in (0, 1, 2, 5, 10)] == [
        charts.EMPTY_COLOUR, *(s.colour for s in charts.SHADES)]
    assert [s.share for s in charts.SHADES] == sorted(s.share for s in charts.SHADES)


def test_the_legend_names_every_shade_of_the_scale_then_pending_and_days_off() -> None:
    figure = charts.draw(heatmap(["Engineering"]), "Engineering")
    (legend,) = figure.legends
    assert legend.get_title().get_text() == charts.LEGEND_TITLE
    assert [t.get_text() for t in legend.get_texts()] == [s.label for s in charts.SHADES] + ["pending", "day off"]
    shown = legend.legend_handles
    assert [to_hex(h.get_facecolor()) for h in shown[: len(charts.SHADES)]] == [s.colour for s in charts.SHADES]
    *_, pending, _ = charts.legend_entries()
    assert pending.get_linestyle() == "--" and to_hex(pending.get_edgecolor()) == charts.PENDING_COLOUR
    assert to_hex(shown[-2].get_edgecolor()) == charts.PENDING_COLOUR and shown[-1].get_hatch() == "//"


def test_pending_leave_is_outlined_in_its_cells_and_not_counted_in_the_numbers() -> None:
    waiting = tuple(Decimal(1) if i in (0, 3) else Decimal(0) for i in range(14))
    row = replace(heatmap(["Engineering"]).rows[0], pending_out=waiting)
    figure = charts.draw(HeatMap(START, START + timedelta(days=13), (row,)), "Engineering")
    (axes,) = figure.axes
    outlined = [patch for patch in axes.patches if patch.get_gid() == "pending"]
    assert sorted(int(patch.get_x()) for patch in outlined) == [0, 3]
    assert all(patch.get_linestyle() == "--" and not patch.get_fill() for patch in outlined)
    assert [t.get_text() for t in axes.texts] == [charts.cell_label(n) for n in row.out if n]


def test_each_row_says_its_headcount_and_team_limit() -> None:
    limited, free = heatmap(["Engineering", "People"]).rows
    mapped = replace(heatmap([]), rows=(replace(limited, limit=2), replace(free, headcount=1)))
    (axes,) = charts.draw(mapped, "all departments").axes
    assert [label.get_text() for label in axes.get_yticklabels()] == [
        "Engineering\n8 people, limit 2", "People\n1 person"]


@pytest.mark.parametrize("layout", [charts.FULL, charts.COMPACT])
def test_no_word_of_either_picture_is_below_the_legible_size(layout: charts.Layout) -> None:
    figure = charts.draw(heatmap([f"Team {n:02d}" for n in range(20)]), "all departments", layout)
    sizes = [text.get_fontsize() for text in figure.findobj(Text) if text.get_text()]
    assert min(sizes) >= charts.MIN_TYPE_PT


def test_the_compact_picture_keeps_the_full_ones_type_and_is_only_narrower_and_shorter() -> None:
    mapped = heatmap([f"Team {n:02d}" for n in range(20)])
    full, compact = (charts.draw(mapped, "all departments", layout) for layout in (charts.FULL, charts.COMPACT))

    def words(figure: Figure) -> list[float]:
        """The type sizes of everything but the cells' counts (which shrink to fit a narrower cell)."""
        counts = set(figure.axes[0].texts)
        return sorted({t.get_fontsize() for t in figure.findobj(Text) if t.get_text() and t not in counts})

    assert words(compact) == words(full)
    assert min(t.get_fontsize() for t in compact.axes[0].texts) >= charts.MIN_TYPE_PT
    assert len(compact.axes[0].get_yticklabels()) == charts.COMPACT.max_rows < charts.FULL.max_rows
    assert pixels(charts.render_png(mapped, "all departments", charts.COMPACT)).shape[1] == charts.COMPACT.width_px


@pytest.mark.parametrize("layout", [charts.FULL, charts.COMPACT])
def test_the_few_colours_of_the_png_keep_every_colour_that_means_something(layout: charts.Layout) -> None:
    """A shade only the legend uses must not be merged into its neighbour when the PNG's colours are cut."""
    one_shade = HeatMap(START, START + timedelta(days=13), (HeatRow("Engineering", 4, (Decimal(1),) * 14,
                                                                    (False,) * 14, (1,) * 14),))
    with Image.open(io.BytesIO(charts.render_png(one_shade, "Engineering", layout))) as png:
        used = {to_hex(tuple(c / 255 for c in colour)) for _, colour in png.convert("RGB").getcolors(4096) or []}
    assert set(charts.key_colours()) <= used
