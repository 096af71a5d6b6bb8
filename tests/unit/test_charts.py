"""The heat map picture: a real PNG, phone-sized, not blank, labelled with departments only."""

from __future__ import annotations

import base64
import io
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest
from matplotlib import image

from bot import charts
from core.heatmap import HeatMap, HeatRow

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
START = date(2026, 11, 30)


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
    assert "Sales: nobody out." in drawn.alt
    assert drawn.filename == "people-out-sales-2026-11-30.png"


def test_the_labels_are_department_names_only_and_long_ones_are_shortened() -> None:
    mapped = heatmap(["Engineering", "Research and Development Europe"])
    assert charts.row_labels(mapped) == ["Engineering", "Research and Dev…"]
    assert all(len(label) <= charts.LABEL_CHARS for label in charts.row_labels(mapped))


def test_many_departments_fold_into_the_busiest_and_one_row_for_the_rest() -> None:
    names = [f"Team {n:02d}" for n in range(30)]
    folded = charts.fold(heatmap(names))
    assert len(folded.rows) == charts.MAX_ROWS
    assert folded.rows[-1].department == f"{30 - charts.MAX_ROWS + 1} other departments"
    assert sum(sum(r.out) for r in folded.rows) == sum(sum(r.out) for r in heatmap(names).rows)
    assert sum(r.headcount for r in folded.rows) == 8 * 30
    assert pixels(charts.render_png(heatmap(names), "all departments")).shape[1] == charts.WIDTH_PX


def test_the_alt_text_gives_each_departments_busiest_day_and_the_uri_is_the_png() -> None:
    out = [Decimal(0)] * 14
    out[2], out[9] = Decimal("2.5"), Decimal("2.5")  # a tie: the first day is named
    mapped = HeatMap(START, START + timedelta(days=13), (HeatRow("Engineering", 8, tuple(out), (False,) * 14,
                                                                 (0,) * 14),))
    drawn = charts.picture(mapped, "Engineering")
    assert drawn.alt == ("Heat map of people out per day for Engineering, Mon 30 Nov 2026 to Sun 13 Dec 2026. "
                         "Engineering: at most 2.5 of 8 out, on Wed 2 Dec.")
    assert drawn.uri.startswith("data:image/png;base64,")
    assert base64.b64decode(drawn.uri.split(",", 1)[1]) == drawn.png
