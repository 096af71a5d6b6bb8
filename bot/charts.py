"""The heat map as a PNG: departments down the side, days across, people out written in each cell.

Drawn with a bare :class:`matplotlib.figure.Figure` on the Agg canvas (no pyplot, so no global
state and safe in the doors' worker threads). Made for a phone: about 960 px wide, large type,
and the number in every cell so the colour is never the only cue (at most three characters,
smaller type when it needs it: :func:`cell_label`).

The colour scale is fixed (:data:`SHADES`): a cell's shade says what share of its department is
out (under 10 %, 10 to 25 %, 25 to 50 %, half or more), the same from one week's picture to the
next and from one department to another, whatever the busiest cell of the picture; a legend under
the map says so. The shades are steps of ``cividis``, sequential and readable with every common
colour-vision deficiency. Pending leave (which may still be refused) is not in the numbers: its
cells are outlined with a dashed line. Weekends and holidays are hatched grey. Each row is labelled
with its department, its headcount and its team limit; the map carries no names of people.

The PNG is reduced to a palette of a few dozen colours: the picture has few colours anyway. The
:data:`COMPACT` layout (fewer rows and colours) makes a file small enough to travel inside a Teams
message, whose size Teams limits (see :mod:`bot.teams.pictures`); it keeps the full picture's width
and type, since Teams stretches an image to the card's width whatever its own: a narrower drawing
would only be shown larger and blurred. No word of either is smaller than :data:`MIN_TYPE_PT`.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text
from PIL import Image

from core.domain.heatmap import WEEK_SPAN_DAYS, HeatMap, HeatRow
from core.domain.text import WEEKDAY_NAMES, counted, format_day, format_days

#: Reversed so that more people out is darker; light to dark blue through grey and olive.
PALETTE = "cividis_r"
WIDTH_PX = 960
DPI = 100
TITLE_PX, ROW_PX, AXIS_PX, LEGEND_PX, NOTE_PX = 56, 54, 56, 62, 30
LEFT = 0.25
EMPTY_COLOUR = "#ffffff"
GRID_COLOUR = "#bdbdbd"
#: The dashed outline of a cell with pending leave: dark enough on the lightest and the darkest shade.
PENDING_COLOUR = "#d95f02"
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
#: How far (0-255 on any channel) from a key colour the image's own palette colours must be.
KEY_MARGIN = 16
#: No text of any picture is smaller than this (12.5 px at :data:`DPI`), however narrow the cells.
MIN_TYPE_PT = 9.0


@dataclass(frozen=True)
class Shade:
    """One step of the fixed colour scale: cells where at least ``share`` of the department is out."""

    share: float
    label: str
    colour: str


def _steps(*steps: tuple[float, str, float]) -> tuple[Shade, ...]:
    palette = colormaps[PALETTE]
    return tuple(Shade(share, label, to_hex(palette(at))) for share, label, at in steps)


#: The fixed colour scale, lightest first: a share of the department out and its colour.
SHADES = _steps((0.0, "under 10%", 0.2), (0.10, "10 to 25%", 0.45), (0.25, "25 to 50%", 0.7),
                (0.50, "half or more", 0.95))
LEGEND_TITLE = "Share of the department out"


def shade(count: Decimal, headcount: int) -> str:
    """A cell's colour on the fixed scale: white when nobody is out, else the step of the share out."""
    if not count:
        return EMPTY_COLOUR
    share = float(count) / max(1, headcount)
    return [s for s in SHADES if share >= s.share][-1].colour


@dataclass(frozen=True)
class Layout:
    """How big a picture is drawn: the full one for files and links, a compact one to embed."""

    width_px: int = WIDTH_PX
    max_rows: int = MAX_ROWS
    colours: int = PNG_COLOURS
    #: Whether type is smoothed: smooth edges take most of a small PNG's bytes, and crisp type reads as well.
    smooth_type: bool = True


FULL = Layout()
#: Small enough for a Teams message (fewer rows, colours and pixels, crisp type) with the full picture's type:
#: 8 to 15 KB for a fortnight. Teams stretches a card's image to the card, so its words come out larger.
COMPACT = Layout(width_px=800, max_rows=8, colours=16, smooth_type=False)


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
    more = f"; {counted(left, 'more department')} with people out" if left else ""
    return f"{head}; busiest: {'; '.join(entries[:shown])}{more}."


def _clip_words(text: str, limit: int) -> str:
    """``text``, or as many of its words as fit in ``limit`` characters with "…" after them."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ;,") + "…"


def row_details(heatmap: HeatMap) -> list[str]:
    """What each row's label says under the department: its headcount and its team limit."""
    return [counted(r.headcount, "person", "people") + (f", limit {r.limit}" if r.limit is not None else "")
            for r in heatmap.rows]


def render_png(heatmap: HeatMap, scope: str, layout: Layout = FULL) -> bytes:
    """The heat map as PNG bytes (``fold``-ed to at most ``layout.max_rows`` rows)."""
    return _small_png(draw(heatmap, scope, layout), layout.colours)


def draw(heatmap: HeatMap, scope: str, layout: Layout = FULL) -> Figure:
    """The heat map drawn on a figure of its own (``fold``-ed to at most ``layout.max_rows`` rows), with
    its legend: the fixed scale's shades, pending leave and days off."""
    shown = fold(heatmap, layout.max_rows)
    days, rows = shown.days, shown.rows
    below = AXIS_PX + LEGEND_PX + NOTE_PX
    height = TITLE_PX + ROW_PX * max(1, len(rows)) + below
    figure = Figure(figsize=(layout.width_px / DPI, height / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((LEFT, below / height, 1 - LEFT - 0.01, ROW_PX * max(1, len(rows)) / height))
    wide = len(days) > WEEK_SPAN_DAYS
    _cells(axes, shown, 10 if wide else 15, layout.width_px * (1 - LEFT - 0.01) / max(1, len(days)))
    axes.set_xlim(0, len(days))
    axes.set_ylim(len(rows), 0)
    axes.set_xticks([x + 0.5 for x in range(len(days))])
    axes.set_xticklabels([f"{WEEKDAY_NAMES[d.weekday()][:2]}\n{d.day}" for d in days], fontsize=10 if wide else 13)
    axes.set_yticks([y + 0.5 for y in range(len(rows))])
    axes.set_yticklabels([f"{name}\n{detail}" for name, detail in zip(row_labels(shown), row_details(shown),
                                                                     strict=True)], fontsize=12)
    axes.tick_params(length=0)
    for side in axes.spines.values():
        side.set_visible(False)
    figure.text(0.01, 1 - 12 / height, title(shown, scope), fontsize=17, va="top")
    _legend(figure, (NOTE_PX + LEGEND_PX) / height)
    pending = sum(r.pending for r in rows)
    figure.text(0.01, 8 / height, "Numbers: people out on approved leave; a half day counts 0.5."
                + (f" Pending: {counted(pending, 'request')}." if pending else ""), fontsize=11)
    for text in figure.findobj(Text):
        text.set_antialiased(layout.smooth_type)
    return figure


def legend_entries() -> list[Patch]:
    """The legend's swatches: the fixed scale's shades, then a cell with pending leave and a day off."""
    return [*(Patch(facecolor=s.colour, edgecolor=GRID_COLOUR, label=s.label) for s in SHADES),
            Patch(facecolor=EMPTY_COLOUR, edgecolor=PENDING_COLOUR, linestyle="--", linewidth=2, label="pending"),
            Patch(facecolor=OFF_COLOUR, hatch="//", edgecolor="white", label="day off")]


def _legend(figure: Figure, top: float) -> None:
    """The legend in one row under the map, its title saying what the shades measure."""
    handles = legend_entries()
    figure.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.01, top), ncol=len(handles), frameon=False,
                  fontsize=11, title=LEGEND_TITLE, title_fontsize=11, alignment="left", handlelength=1.4,
                  columnspacing=1.0, handletextpad=0.4, borderaxespad=0)


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
    """One square per department and day: hatched grey when nobody works, else shaded on the fixed scale
    by the share of the department out; a dashed outline inside a cell with pending leave."""
    for y, row in enumerate(heatmap.rows):
        for x, (count, off) in enumerate(zip(row.out, row.off, strict=True)):
            if off and not count:
                axes.add_patch(Rectangle((x, y), 1, 1, facecolor=OFF_COLOUR, hatch="//", edgecolor="white"))
                continue
            colour = shade(count, row.headcount)
            axes.add_patch(Rectangle((x, y), 1, 1, facecolor=colour, edgecolor=GRID_COLOUR, linewidth=1))
            if row.pending_on(x):
                axes.add_patch(Rectangle((x + 0.1, y + 0.1), 0.8, 0.8, fill=False, edgecolor=PENDING_COLOUR,
                                         linestyle="--", linewidth=2, gid="pending"))
            if count:
                dark = sum(to_rgb(colour)) / 3 < 0.5
                label = cell_label(count)
                axes.text(x + 0.5, y + 0.5, label, ha="center", va="center", fontsize=cell_font(label, font, cell_px),
                          color="white" if dark else "black", fontweight="bold")


def key_colours() -> tuple[str, ...]:
    """The colours that mean something (the scale's shades, pending, days off, the grid, the type): a
    palette PNG keeps each of them exactly, so that a cell's shade is still its legend's."""
    return tuple(dict.fromkeys([EMPTY_COLOUR, "#000000", GRID_COLOUR, OFF_COLOUR, PENDING_COLOUR,
                                *(s.colour for s in SHADES)]))


def _small_png(figure: Figure, colours: int) -> bytes:
    """Save, then reduce to a palette PNG of ``colours`` colours: the :func:`key_colours`, and the
    image's own most common others for the edges of type and lines. A fraction of the size, and the
    same picture: an adaptive palette alone would merge a shade that few cells use into its neighbour."""
    raw = io.BytesIO()
    figure.savefig(raw, format="png", dpi=DPI, facecolor="white")
    raw.seek(0)
    keys = [tuple(round(255 * c) for c in to_rgb(colour)) for colour in key_colours()]
    with Image.open(raw) as image:
        rgb = image.convert("RGB")
        found = rgb.quantize(colors=max(1, colours - len(keys))).getpalette() or []
        # Pillow matches colours approximately: an image colour next to a key one would take its pixels.
        others = [colour for colour in zip(found[0::3], found[1::3], found[2::3], strict=True)
                  if min(max(abs(a - b) for a, b in zip(colour, key, strict=True)) for key in keys) > KEY_MARGIN]
        palette = Image.new("P", (1, 1))
        palette.putpalette([c for colour in keys + others[: colours - len(keys)] for c in colour])
        small = rgb.quantize(palette=palette, dither=Image.Dither.NONE)
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
