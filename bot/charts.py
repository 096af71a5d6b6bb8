"""The heat map as a PNG: departments down the side, days across, people out written in each cell.

Drawn with a bare :class:`matplotlib.figure.Figure` on the Agg canvas (no pyplot, so no global
state and safe in the doors' worker threads). Made for a phone: about 960 px wide, large type,
the ``cividis`` palette (sequential and readable with every common colour-vision deficiency),
and the number in every cell so the colour is never the only cue (at most three characters,
smaller type when it needs it: :func:`cell_label`). Weekends and holidays are
hatched grey. Row labels are department names only; the map carries no names of people.

The PNG is reduced to a palette of a few dozen colours: the picture has few colours anyway. A
:data:`COMPACT` layout (narrower, fewer rows and colours) makes a file of 8 to 15 KB for a picture
that must travel inside a Teams message, whose size Teams limits (see :mod:`bot.teams.pictures`).
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from PIL import Image

from core.domain.heatmap import WEEK_SPAN_DAYS, HeatMap, HeatRow
from core.domain.text import WEEKDAY_NAMES, format_day, format_days

#: Reversed so that more people out is darker; light to dark blue through grey and olive.
PALETTE = "cividis_r"
WIDTH_PX = 960
DPI = 100
TITLE_PX, ROW_PX, AXIS_PX, NOTE_PX = 56, 54, 56, 34
LEFT = 0.25
FIRST_SHADE = 0.15
EMPTY_COLOUR = "#ffffff"
GRID_COLOUR = "#bdbdbd"
#: Rows beyond this are folded into one "N other depts" row, so the picture stays readable.
MAX_ROWS = 16
LABEL_CHARS = 17
#: Slack's limit on a file's alt text.
ALT_CHARS = 1000
#: A cell's count has at most this many characters (see :func:`cell_label`).
CELL_CHARS = 3
#: A bold digit's width as a share of the type size, and how much of a cell's width a label may take.
DIGIT_EM, CELL_FILL = 0.7, 0.75
POINTS_PER_INCH = 72
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
        department=f"{len(rest)} other depts",  # short enough for a label (LABEL_CHARS)
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


def alt_text(heatmap: HeatMap) -> str:
    """What the picture says, for screen readers, in at most :data:`ALT_CHARS` characters (Slack
    refuses a longer one): how many departments over which days, then the busiest departments with
    their busiest day, as many as fit whole, and how many more had people out."""
    place = heatmap.rows[0].department if len(heatmap.rows) == 1 else f"{len(heatmap.rows)} departments"
    head = f"People out per day in {place}, {format_day(heatmap.start)} to {format_day(heatmap.end)}"
    ranked = sorted(heatmap.peaks, key=lambda p: (-p.out, p.day or heatmap.start, p.department.casefold()))
    entries = [f"{p.department}: {format_days(p.out)} of {p.headcount} out on {format_day(p.day, year=False)}"
               for p in ranked if p.day is not None]
    if not entries:
        return _clip_words(f"{head}; nobody is out.", ALT_CHARS)
    shown = 1  # the busiest always, clipped if its name alone is too long
    while shown < len(entries) and len(_busiest(head, entries, shown + 1)) <= ALT_CHARS:
        shown += 1
    return _clip_words(_busiest(head, entries, shown), ALT_CHARS)


def _busiest(head: str, entries: list[str], shown: int) -> str:
    left = len(entries) - shown
    more = f"; {left} more departments with people out" if left else ""
    return f"{head}; busiest: {'; '.join(entries[:shown])}{more}."


def _clip_words(text: str, limit: int) -> str:
    """``text``, or as many of its words as fit in ``limit`` characters with "…" after them."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ;,") + "…"


def render_png(heatmap: HeatMap, scope: str, layout: Layout = FULL) -> bytes:
    """The heat map as PNG bytes (``fold``-ed to at most ``layout.max_rows`` rows)."""
    return _small_png(draw(heatmap, scope, layout), layout.colours)


def draw(heatmap: HeatMap, scope: str, layout: Layout = FULL) -> Figure:
    """The heat map drawn on a figure of its own (``fold``-ed to at most ``layout.max_rows`` rows)."""
    shown = fold(heatmap, layout.max_rows)
    days, rows = shown.days, shown.rows
    k = layout.scale
    title_px, row_px, axis_px, note_px = (round(k * n) for n in (TITLE_PX, ROW_PX, AXIS_PX, NOTE_PX))
    height = title_px + row_px * max(1, len(rows)) + axis_px + note_px
    figure = Figure(figsize=(layout.width_px / DPI, height / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((LEFT, (axis_px + note_px) / height, 1 - LEFT - 0.01, row_px * max(1, len(rows)) / height))
    wide = len(days) > WEEK_SPAN_DAYS
    _cells(axes, shown, k * (10 if wide else 15), layout.width_px * (1 - LEFT - 0.01) / max(1, len(days)))
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
    return figure


def cell_label(count: Decimal) -> str:
    """A count short enough for its cell: ``2.5`` and ``12`` as they are, longer ones (the folded
    row's ``287.5``) rounded to whole people, and past :data:`CELL_CHARS` digits ``999+``."""
    label = format_days(count)
    if len(label) <= CELL_CHARS:
        return label
    whole = str(count.quantize(Decimal(1), ROUND_HALF_UP))
    return whole if len(whole) <= CELL_CHARS else "9" * CELL_CHARS + "+"


def cell_font(label: str, font: float, cell_px: float) -> float:
    """The type size (points) at which ``label`` fits a cell ``cell_px`` wide with a margin; at most ``font``,
    so short labels keep the large type and only long ones shrink."""
    return min(font, CELL_FILL * cell_px / (len(label) * DIGIT_EM * DPI / POINTS_PER_INCH))


def _cells(axes: Axes, heatmap: HeatMap, font: float, cell_px: float) -> None:
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
                label = cell_label(count)
                axes.text(x + 0.5, y + 0.5, label, ha="center", va="center", fontsize=cell_font(label, font, cell_px),
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
    """The drawing and its words; the alt text sums up every department, the folded ones included,
    within the length the platforms accept."""
    shown = fold(heatmap, layout.max_rows)
    slug = "".join(c if c.isalnum() else "-" for c in scope.lower()).strip("-") or "team"
    return Picture(png=render_png(shown, scope, layout), alt=alt_text(heatmap), title=title(shown, scope),
                   filename=f"people-out-{slug}-{heatmap.start.isoformat()}.png")
