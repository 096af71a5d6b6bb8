"""The heat map as a PNG: departments down the side, days across, people out written in each cell.

Drawn with a bare :class:`matplotlib.figure.Figure` on the Agg canvas (no pyplot, so no global
state and safe in the doors' worker threads). Made for a phone: about 960 px wide, large type,
the ``cividis`` palette (sequential and readable with every common colour-vision deficiency),
and the number in every cell so the colour is never the only cue. Weekends and holidays are
hatched grey. Row labels are department names only; the map carries no names of people.

The PNG is reduced to a palette of a few dozen colours: the picture has few colours anyway. A
:data:`COMPACT` layout (narrower, fewer rows and colours) makes a file of 8 to 15 KB for a picture
that must travel inside a Teams message, whose size Teams limits (see :mod:`bot.teams.pictures`).
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, replace
from decimal import Decimal

from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from PIL import Image

from core.heatmap import WEEK_SPAN_DAYS, HeatMap, HeatRow
from core.text import WEEKDAY_NAMES, format_day, format_days

#: Reversed so that more people out is darker; light to dark blue through grey and olive.
PALETTE = "cividis_r"
WIDTH_PX = 960
DPI = 100
TITLE_PX, ROW_PX, AXIS_PX, NOTE_PX = 56, 54, 56, 34
LEFT = 0.25
FIRST_SHADE = 0.15
EMPTY_COLOUR = "#ffffff"
GRID_COLOUR = "#bdbdbd"
#: Rows beyond this are folded into one "other departments" row, so the picture stays readable.
MAX_ROWS = 16
LABEL_CHARS = 17
OFF_COLOUR = "#d9d9d9"
PNG_COLOURS = 64


@dataclass(frozen=True)
class Layout:
    """How big a picture is drawn: the full one for files and links, a compact one to embed."""

    width_px: int = WIDTH_PX
    #: Type, row height and margins relative to the full picture.
    scale: float = 1.0
    max_rows: int = MAX_ROWS
    colours: int = PNG_COLOURS


FULL = Layout()
#: Still readable in a Teams card (which shows an image about 500 px wide anyway) at a third of the bytes.
COMPACT = Layout(width_px=640, scale=0.7, max_rows=8, colours=8)


def fold(heatmap: HeatMap, limit: int = MAX_ROWS) -> HeatMap:
    """At most ``limit`` rows: the busiest departments, and the rest added up in one last row."""
    if len(heatmap.rows) <= limit:
        return heatmap
    ranked = sorted(heatmap.rows, key=lambda r: (-sum(r.out), r.department.casefold()))
    kept, rest = ranked[: limit - 1], ranked[limit - 1 :]
    other = HeatRow(
        department=f"{len(rest)} other departments",
        headcount=sum(r.headcount for r in rest),
        out=tuple(sum(column, Decimal(0)) for column in zip(*(r.out for r in rest), strict=True)),
        off=tuple(all(column) for column in zip(*(r.off for r in rest), strict=True)),
        booked=tuple(sum(column) for column in zip(*(r.booked for r in rest), strict=True)),
        pending=sum(r.pending for r in rest),
    )
    shown = sorted(kept, key=lambda r: r.department.casefold())
    return replace(heatmap, rows=(*shown, other))


def row_labels(heatmap: HeatMap) -> list[str]:
    """The labels down the side: department names, shortened to fit a phone."""
    return [r.department if len(r.department) <= LABEL_CHARS else r.department[: LABEL_CHARS - 1] + "…"
            for r in heatmap.rows]


def title(heatmap: HeatMap, scope: str) -> str:
    return (f"People out per day, {scope}: "
            f"{format_day(heatmap.start, weekday=False, year=False)} to {format_day(heatmap.end, weekday=False)}")


def alt_text(heatmap: HeatMap, scope: str) -> str:
    """What the picture says, for screen readers: the range and the busiest day of each department."""
    parts = [f"Heat map of people out per day for {scope}, {format_day(heatmap.start)} "
             f"to {format_day(heatmap.end)}."]
    for peak in heatmap.peaks:
        if peak.day is None:
            parts.append(f"{peak.department}: nobody out.")
        else:
            parts.append(f"{peak.department}: at most {format_days(peak.out)} of {peak.headcount} out, "
                         f"on {format_day(peak.day, year=False)}.")
    return " ".join(parts)


def render_png(heatmap: HeatMap, scope: str, layout: Layout = FULL) -> bytes:
    """The heat map as PNG bytes (``fold``-ed to at most ``layout.max_rows`` rows)."""
    shown = fold(heatmap, layout.max_rows)
    days, rows = shown.days, shown.rows
    k = layout.scale
    title_px, row_px, axis_px, note_px = (round(k * n) for n in (TITLE_PX, ROW_PX, AXIS_PX, NOTE_PX))
    height = title_px + row_px * max(1, len(rows)) + axis_px + note_px
    figure = Figure(figsize=(layout.width_px / DPI, height / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((LEFT, (axis_px + note_px) / height, 1 - LEFT - 0.01, row_px * max(1, len(rows)) / height))
    wide = len(days) > WEEK_SPAN_DAYS
    _cells(axes, shown, k * (10 if wide else 15))
    axes.set_xlim(0, len(days))
    axes.set_ylim(len(rows), 0)
    axes.set_xticks([x + 0.5 for x in range(len(days))])
    axes.set_xticklabels([f"{WEEKDAY_NAMES[d.weekday()][:2]}\n{d.day}" for d in days],
                         fontsize=k * (10 if wide else 13))
    axes.set_yticks([y + 0.5 for y in range(len(rows))])
    axes.set_yticklabels(row_labels(shown), fontsize=k * 15)
    axes.tick_params(length=0)
    for side in axes.spines.values():
        side.set_visible(False)
    figure.text(0.01, 1 - 12 * k / height, title(shown, scope), fontsize=k * 17, va="top")
    pending = sum(r.pending for r in rows)
    figure.text(0.01, 10 * k / height, "Hatched: weekend or holiday. Approved leave; a half day counts 0.5."
                + (f" Not counted: {pending} pending." if pending else ""), fontsize=k * 12)
    return _small_png(figure, layout.colours)


def _cells(axes: Axes, heatmap: HeatMap, font: float) -> None:
    """One square per department and day: hatched grey when nobody works, else shaded by the count."""
    top = float(max((n for r in heatmap.rows for n in r.out), default=Decimal(1)) or 1)
    palette = colormaps[PALETTE]
    for y, row in enumerate(heatmap.rows):
        for x, (count, off) in enumerate(zip(row.out, row.off, strict=True)):
            if off and not count:
                axes.add_patch(Rectangle((x, y), 1, 1, facecolor=OFF_COLOUR, hatch="//", edgecolor="white"))
                continue
            # Nobody out is white; half a person already has a visible tint.
            colour = palette(FIRST_SHADE + (1 - FIRST_SHADE) * float(count) / top) if count else EMPTY_COLOUR
            axes.add_patch(Rectangle((x, y), 1, 1, facecolor=colour, edgecolor=GRID_COLOUR, linewidth=1))
            if count:
                dark = sum(to_rgb(colour)) / 3 < 0.5
                axes.text(x + 0.5, y + 0.5, format_days(count), ha="center", va="center", fontsize=font,
                          color="white" if dark else "black", fontweight="bold")


def _small_png(figure: Figure, colours: int) -> bytes:
    """Save, then reduce to a palette PNG: a fraction of the size, and the same picture."""
    raw = io.BytesIO()
    figure.savefig(raw, format="png", dpi=DPI, facecolor="white")
    raw.seek(0)
    with Image.open(raw) as image:
        small = image.convert("RGB").quantize(colors=colours)
        out = io.BytesIO()
        small.save(out, format="png", optimize=True)
    return out.getvalue()


@dataclass(frozen=True)
class Picture:
    """A drawn heat map and what goes with it wherever it is shown."""

    png: bytes
    alt: str
    title: str
    filename: str

    @property
    def uri(self) -> str:
        """The PNG as a ``data:`` URL, which Adaptive Cards (1.2 and later) show in an ``Image``."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def picture(heatmap: HeatMap, scope: str, layout: Layout = FULL) -> Picture:
    """The drawing and its words; the alt text describes the rows drawn, so a hundred departments
    do not make a text longer than the platforms accept."""
    shown = fold(heatmap, layout.max_rows)
    slug = "".join(c if c.isalnum() else "-" for c in scope.lower()).strip("-") or "team"
    return Picture(png=render_png(shown, scope, layout), alt=alt_text(shown, scope), title=title(shown, scope),
                   filename=f"people-out-{slug}-{heatmap.start.isoformat()}.png")
