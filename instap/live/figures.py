"""The workshop page's plots as PNG images, drawn with matplotlib's object API (no pyplot:
safe in Solara's worker threads).

Every time plot marks the interventions (``model.interventions``) on its time axis. Large
fonts for a projector; colours from the Okabe-Ito palette (safe for colour-blind viewers)
and the cividis colour map for trust.

Speed: a month must render well under a second at the baseline population. Each plot
keeps its figure between months and splits it into a static part (axes, ticks, titles,
legend, drawn once and kept as a bitmap) and the data drawn over that bitmap each month
(matplotlib's blitting), then encodes the PNG with fast compression. The static part is
redrawn only when its axis limits must grow.

Earlier runs (:class:`PastRun`, up to three since the page opened) are drawn on every time
plot as dashed lines in the current run's colours but faded, or as dark dashed outlines
over stacked areas, and named in the legend by what made them differ.
"""

from __future__ import annotations

import io
import math
import textwrap
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import PIL.Image
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MultipleLocator

from instap import formatting, glossary
from instap.live.i18n import event_label, tr
from instap.live.livemodel import Snapshot

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO: dict[str, str] = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9",
    "bluish_green": "#009E73", "yellow": "#F0E442", "blue": "#0072B2",
    "vermillion": "#D55E00", "reddish_purple": "#CC79A7",
}
STATE_COLOURS: dict[str, str] = {
    "unreached": "#BBBBBB", "engaged": OKABE_ITO["sky_blue"], "in_track": OKABE_ITO["orange"],
    "entry_job": OKABE_ITO["bluish_green"], "regular_work": OKABE_ITO["blue"],
}
KIND_COLOURS: dict[str, str] = {
    "municipality": OKABE_ITO["black"], "foundation": OKABE_ITO["orange"],
    "regular_employer": OKABE_ITO["sky_blue"], "social_enterprise": OKABE_ITO["bluish_green"],
    "housing_corporation": OKABE_ITO["reddish_purple"], "bank": OKABE_ITO["blue"],
}
PARTNER_KINDS: tuple[str, ...] = ("foundation", "regular_employer", "social_enterprise",
                                  "housing_corporation", "bank")
TRUST_SERIES: dict[str, str] = {
    "trust_municipality_foundation": OKABE_ITO["orange"],
    "trust_municipality_firm": OKABE_ITO["blue"],
    "trust_foundation_firm": OKABE_ITO["bluish_green"],
}
MONEY_SERIES: dict[str, str] = {
    "municipal_spending": OKABE_ITO["vermillion"], "benefit_savings": OKABE_ITO["blue"],
    "outcome_payments": OKABE_ITO["reddish_purple"],
}
ALIVE_ROWS: tuple[tuple[str, str, float], ...] = (
    ("alive", OKABE_ITO["bluish_green"], 2.0), ("funded", OKABE_ITO["blue"], 1.0),
    ("recession", OKABE_ITO["vermillion"], 0.0))
TRUST_CMAP = "cividis"

FONT = 16  # base font size in points (figures are drawn at 100 dpi)
FIGSIZE = (7.2, 4.0)
DPI = 100
AXES = (0.13, 0.15, 0.48, 0.74)  # left, bottom, width, height; the legend sits to the right
ALIVE_AXES = (0.22, 0.15, 0.39, 0.74)  # room on the left for the rows' names
WRAP = 18  # characters per legend line
RETURN_SCALE = (2.0, 3.0, 5.0, 8.0)  # y-axis tops of the social return plot
#: Bottom to top: work at the bottom, so an earlier run's "in work" line reads from the axis.
PARTICIPANT_STACK: tuple[str, ...] = ("regular_work", "entry_job", "in_track", "engaged",
                                      "unreached")
#: Line style and opacity of earlier runs, the most recent first.
PAST_STYLES: tuple[tuple[tuple[float, tuple[float, ...]], float], ...] = (
    ((0, (5, 2)), 0.9), ((0, (6, 2, 1, 2)), 0.75), ((0, (1.5, 1.5)), 0.65))
PAST_DARK = "#222222"  # earlier runs over stacked areas


@dataclass(frozen=True, eq=False)
class PastRun:
    """An earlier run as the plots draw it: its number, what made it differ from the run on
    screen (in words) and its monthly series."""

    number: int
    label: str
    series: Mapping[str, np.ndarray]
    social_return: np.ndarray


def _nice_top(value: float) -> float:
    """A round axis top at or above ``value`` (1, 2, 2.5, 5 times a power of ten)."""
    if not math.isfinite(value) or value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return next(m * power for m in (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
                if m * power >= value)


class LivePlot:
    """One plot kept between months: a static bitmap plus the data blitted over it."""

    name = "plot"
    size: tuple[float, float] = FIGSIZE
    time_plot = True  # draws the earlier runs (a plot over time)

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.fig: Figure | None = None
        self.ax: Axes | None = None
        self._canvas: FigureCanvasAgg | None = None
        self._key: object = None
        self._background: object = None
        self.past: tuple[PastRun, ...] = ()

    # -- to override ---------------------------------------------------------------------
    def static_key(self, snap: Snapshot) -> object:
        """What the static part depends on (axis limits); a change redraws it."""
        return snap.months

    def draw_static(self, snap: Snapshot, fig: Figure) -> Axes:
        """Draw axes, titles, fixed lines and legend; return the data axes."""
        raise NotImplementedError

    def draw_data(self, snap: Snapshot, ax: Axes) -> list[Artist]:
        """Add this month's data artists to ``ax`` and return them."""
        raise NotImplementedError

    # -- machinery -----------------------------------------------------------------------
    def render(self, snap: Snapshot, past: Sequence[PastRun] = ()) -> bytes:
        """This month's plot as PNG bytes, with the earlier runs ``past`` (most recent
        first) faded behind or over it."""
        self.past = tuple(past[: len(PAST_STYLES)]) if self.time_plot else ()
        key = (self.static_key(snap), tuple((p.number, p.label) for p in self.past))
        if key != self._key or self.fig is None:
            self.fig = Figure(figsize=self.size, dpi=DPI)
            self._canvas = FigureCanvasAgg(self.fig)
            self.ax = self.draw_static(snap, self.fig)
            self.ax.set_autoscale_on(False)
            self._canvas.draw()
            self._background = self._canvas.copy_from_bbox(self.fig.bbox)
            self._key = key
        assert self._canvas is not None and self.ax is not None
        self._canvas.restore_region(self._background)
        artists = self.draw_data(snap, self.ax)
        renderer = self._canvas.get_renderer()
        for artist in artists:
            artist.draw(renderer)
        for artist in artists:
            artist.remove()
        return _encode(self._canvas)


def _encode(canvas: FigureCanvasAgg) -> bytes:
    """The canvas as PNG with fast compression (``savefig`` would redraw everything and
    spend as long compressing as drawing)."""
    image = PIL.Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
    image = image.convert("RGB")  # a quarter less to filter and compress
    buf = io.BytesIO()
    image.save(buf, format="png", compress_level=1)
    return buf.getvalue()


def _time_axes(fig: Figure, snap: Snapshot, lang: str, title: str, ylabel: str,
               ylim: tuple[float, float], rect: tuple[float, float, float, float] = AXES
               ) -> Axes:
    ax = fig.add_axes(rect)
    ax.set_title(title, fontsize=FONT + 3, loc="left", fontweight="bold",
                 x=-0.1 * AXES[2] / rect[2] - (rect[0] - AXES[0]) / rect[2])
    ax.set_xlabel(tr("month", lang), fontsize=FONT)
    ax.set_ylabel(ylabel, fontsize=FONT)
    ax.set_xlim(0, max(snap.months, 1))
    ax.xaxis.set_major_locator(MultipleLocator(month_step(snap.months)))
    ax.set_ylim(*ylim)
    ax.tick_params(labelsize=FONT - 1)
    ax.grid(True, alpha=0.3)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: tick_text(x, lang)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _: tick_text(x, lang)))
    return ax


def month_step(months: int) -> int:
    """Months between ticks on the time axis: whole years, at most about six ticks."""
    return next((step for step in (6, 12, 24, 36, 60, 120) if months / step <= 6), 240)


def tick_text(x: float, lang: str) -> str:
    """An axis tick as the reader writes numbers (``0,2`` and ``2.500`` in Dutch)."""
    if float(x).is_integer():
        return formatting.number(x, lang, 0)
    text = f"{x:.6f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "nl" else text


def _past_label(past: PastRun, lang: str) -> str:
    """An earlier run's legend entry in a plot: its number (what made it differ is named
    once, above the plots, in full: the plots' legends have room for a few words only)."""
    return tr("legend_past_short", lang, n=past.number)


def _past_handles(plot: LivePlot) -> tuple[list[Artist], list[str]]:
    """Legend handles and labels of the earlier runs (dark dashed lines)."""
    handles: list[Artist] = [Line2D([], [], color=PAST_DARK, linestyle=style, linewidth=2,
                                    alpha=alpha)
                             for (style, alpha), _ in zip(PAST_STYLES, plot.past, strict=False)]
    return handles, [_past_label(p, plot.lang) for p in plot.past]


def _past_lines(ax: Axes, plot: LivePlot, series: Mapping[str, str], scale: float = 1.0
                ) -> None:
    """Earlier runs' lines in the series' own colours, faded and dashed (static part)."""
    for (style, alpha), past in zip(PAST_STYLES, plot.past, strict=False):
        for name, colour in series.items():
            if name in past.series:
                ax.plot(past.series["month"], np.asarray(past.series[name]) / scale,
                        color=colour, linestyle=style, linewidth=2.0, alpha=alpha * 0.6,
                        zorder=1.5)


def _legend(ax: Axes, handles: Sequence[Artist], labels: Sequence[str],
            plot: LivePlot | None = None) -> None:
    """The legend right of the axes, long labels wrapped; then the earlier runs of
    ``plot``, if any."""
    texts = [textwrap.fill(label, WRAP, break_long_words=False) for label in labels]
    if plot is not None and plot.past:
        extra, names = _past_handles(plot)
        handles, texts = [*handles, *extra], [*texts, *names]
    ax.legend(list(handles), texts, fontsize=FONT - 2, loc="upper left",
              bbox_to_anchor=(1.03, 1.02), frameon=False, borderaxespad=0.0,
              labelspacing=0.3, handlelength=1.4, handletextpad=0.4)


def _marks(ax: Axes, snap: Snapshot, lang: str) -> list[Artist]:
    """A dashed vertical line with a short label for every intervention; labels of marks
    close together go on lower rows so they do not overlap."""
    out: list[Artist] = []
    transform = ax.get_xaxis_transform()
    width_px = ax.get_window_extent().width
    months_per_char = (FONT - 4) * 0.62 * (DPI / 72.0) * max(snap.months, 1) / max(width_px, 1)
    row_end: list[float] = []  # per label row: the month where its last label ends
    for month, label in sorted(snap.marks):
        text = event_label(label, lang)
        out.append(ax.axvline(month, color=OKABE_ITO["black"], linestyle="--", linewidth=1.4,
                              alpha=0.8))
        row = next((r for r, end in enumerate(row_end) if end <= month), len(row_end))
        if row == len(row_end):
            row_end.append(-math.inf)
        row_end[row] = month + (len(text) + 2) * months_per_char
        out.append(ax.text(month, 0.98 - 0.1 * (row % 5), " " + text, transform=transform,
                           fontsize=FONT - 4, va="top", ha="left", color=OKABE_ITO["black"],
                           bbox={"facecolor": "white", "alpha": 0.75, "edgecolor": "none",
                                 "pad": 1}))
    return out


class ScaledPlot(LivePlot):
    """A time plot whose y axis runs from 0 to a top that depends on the data: the static
    part is redrawn when the months or the top change."""

    def y_top(self, snap: Snapshot) -> float:
        """The top of the y axis for ``snap``."""
        raise NotImplementedError

    def static_key(self, snap: Snapshot) -> object:
        return snap.months, self.y_top(snap)

    def _drawn_top(self) -> float:
        """The y axis top of the static part drawn last (0 before the first)."""
        key = self._key[0] if isinstance(self._key, tuple) else None
        return float(key[1]) if isinstance(key, tuple) else 0.0


def _past_max(plot: LivePlot, names: Sequence[str], scale: float = 1.0,
              total: bool = False) -> float:
    """The largest value of ``names`` (their sum if ``total``) over the earlier runs."""
    high = 0.0
    for past in plot.past:
        arrays = [np.asarray(past.series[n], dtype=float) / scale for n in names
                  if n in past.series]
        if arrays:
            values = np.sum(arrays, axis=0) if total else np.concatenate(arrays)
            finite = values[np.isfinite(values)]
            high = max(high, float(finite.max()) if len(finite) else 0.0)
    return high


def _past_outline(ax: Axes, plot: LivePlot, names: Sequence[str]) -> list[Artist]:
    """Earlier runs' sum of ``names`` as dark dashed lines over stacked areas."""
    out: list[Artist] = []
    for (style, alpha), past in zip(PAST_STYLES, plot.past, strict=False):
        if all(n in past.series for n in names):
            total = np.sum([np.asarray(past.series[n], dtype=float) for n in names], axis=0)
            out.append(ax.plot(past.series["month"], total, color=PAST_DARK, linestyle=style,
                               linewidth=2.2, alpha=alpha)[0])
    return out


class ParticipantsPlot(ScaledPlot):
    """Stacked areas: participants per pathway state (not counting those who left), work
    at the bottom; an earlier run shows as a dark dashed line at its number in work."""

    name = "participants"
    working: tuple[str, ...] = ("regular_work", "entry_job")

    def y_top(self, snap: Snapshot) -> float:
        s = snap.series
        total = max(float(np.sum([s[n] for n in PARTICIPANT_STACK], axis=0).max()),
                    _past_max(self, PARTICIPANT_STACK, total=True))
        top = self._drawn_top()
        return top if total <= top else _nice_top(total * 1.1)

    def draw_static(self, snap: Snapshot, fig: Figure) -> Axes:
        top = self.y_top(snap)
        ax = _time_axes(fig, snap, self.lang, tr("plot.participants", self.lang),
                        tr("plot.participants_y", self.lang), (0, top))
        names = PARTICIPANT_STACK[::-1]
        _legend(ax, [Patch(color=STATE_COLOURS[n]) for n in names],
                [glossary.short(n, self.lang) for n in names], self)
        return ax

    def draw_data(self, snap: Snapshot, ax: Axes) -> list[Artist]:
        s = snap.series
        polys = ax.stackplot(s["month"], *[s[n] for n in PARTICIPANT_STACK],
                             colors=[STATE_COLOURS[n] for n in PARTICIPANT_STACK], alpha=0.95)
        return [*polys, *_past_outline(ax, self, self.working), *_marks(ax, snap, self.lang)]


class CoalitionPlot(ScaledPlot):
    """Stacked areas: organisations in the coalition per actor kind; an earlier run shows as
    a dark dashed line at its number of partners."""

    name = "coalition"

    def y_top(self, snap: Snapshot) -> float:
        s = snap.series
        names = [f"coalition_{k}" for k in PARTNER_KINDS]
        total = max(float(np.sum([s[n] for n in names], axis=0).max()),
                    _past_max(self, names, total=True))
        return _nice_top(max(total, 1.0) * 1.05)

    def draw_static(self, snap: Snapshot, fig: Figure) -> Axes:
        top = self.y_top(snap)
        ax = _time_axes(fig, snap, self.lang, tr("plot.coalition", self.lang),
                        tr("plot.coalition_y", self.lang), (0, top))
        kinds = PARTNER_KINDS[::-1]
        _legend(ax, [Patch(color=KIND_COLOURS[k]) for k in kinds],
                [glossary.short(f"coalition_{k}", self.lang) for k in kinds], self)
        return ax

    def draw_data(self, snap: Snapshot, ax: Axes) -> list[Artist]:
        s = snap.series
        polys = ax.stackplot(s["month"], *[s[f"coalition_{k}"] for k in PARTNER_KINDS],
                             colors=[KIND_COLOURS[k] for k in PARTNER_KINDS], alpha=0.95)
        outline = _past_outline(ax, self, [f"coalition_{k}" for k in PARTNER_KINDS])
        return [*polys, *outline, *_marks(ax, snap, self.lang)]


class TrustPlot(LivePlot):
    """Lines: mean trust between kinds of actor, with the exit threshold."""

    name = "trust"

    def static_key(self, snap: Snapshot) -> object:
        return snap.months, snap.exit_threshold

    def draw_static(self, snap: Snapshot, fig: Figure) -> Axes:
        ax = _time_axes(fig, snap, self.lang, tr("plot.trust", self.lang),
                        tr("plot.trust_y", self.lang), (0, 1))
        threshold = ax.axhline(snap.exit_threshold, color=OKABE_ITO["vermillion"],
                               linestyle=":", linewidth=2.5)
        _past_lines(ax, self, TRUST_SERIES)
        handles = [Line2D([], [], color=c, linewidth=3) for c in TRUST_SERIES.values()]
        labels = [glossary.short(n, self.lang) for n in TRUST_SERIES]
        _legend(ax, [*handles, threshold], [*labels, tr("plot.exit_threshold", self.lang)],
                self)
        return ax

    def draw_data(self, snap: Snapshot, ax: Axes) -> list[Artist]:
        s = snap.series
        lines = [ax.plot(s["month"], s[n], color=c, linewidth=3)[0]
                 for n, c in TRUST_SERIES.items()]
        return [*lines, *_marks(ax, snap, self.lang)]


class MoneyPlot(ScaledPlot):
    """Lines: municipal spending, benefits saved and SIB outcome payments, per month."""

    name = "money"

    def y_top(self, snap: Snapshot) -> float:
        high = max(max(float(snap.series[n].max()) for n in MONEY_SERIES) / 1000.0,
                   _past_max(self, list(MONEY_SERIES), scale=1000.0))
        top = self._drawn_top()
        return top if top > 0 and high <= top else _nice_top(high * 1.2)

    def draw_static(self, snap: Snapshot, fig: Figure) -> Axes:
        top = self.y_top(snap)
        ax = _time_axes(fig, snap, self.lang, tr("plot.money", self.lang),
                        tr("plot.money_y", self.lang), (0, top))
        _past_lines(ax, self, MONEY_SERIES, scale=1000.0)
        _legend(ax, [Line2D([], [], color=c, linewidth=3) for c in MONEY_SERIES.values()],
                [glossary.short(n, self.lang) for n in MONEY_SERIES], self)
        return ax

    def draw_data(self, snap: Snapshot, ax: Axes) -> list[Artist]:
        s = snap.series
        lines = [ax.plot(s["month"], s[n] / 1000.0, color=c, linewidth=3)[0]
                 for n, c in MONEY_SERIES.items()]
        return [*lines, *_marks(ax, snap, self.lang)]


class AlivePlot(LivePlot):
    """Bands over time: the alive indicator, programme funding and recessions, named on the
    left; an earlier run shows as a dark dashed line, high in a band while it was on."""

    name = "alive"

    def draw_static(self, snap: Snapshot, fig: Figure) -> Axes:
        ax = _time_axes(fig, snap, self.lang, tr("plot.alive", self.lang), "", (0, 3.6),
                        ALIVE_AXES)
        ax.set_yticks([base + 0.5 for _, _, base in ALIVE_ROWS],
                      [glossary.short(name, self.lang) for name, _, _ in ALIVE_ROWS])
        ax.tick_params(axis="y", length=0, labelsize=FONT)
        ax.grid(False)
        for _, _, base in ALIVE_ROWS:
            ax.axhspan(base + 0.1, base + 0.9, color="#EEEEEE", linewidth=0)
        handles: list[Artist] = [Patch(color=c) for _, c, _ in ALIVE_ROWS]
        _legend(ax, handles, [glossary.short(n, self.lang) for n, _, _ in ALIVE_ROWS], self)
        return ax

    def draw_data(self, snap: Snapshot, ax: Axes) -> list[Artist]:
        s = snap.series
        out: list[Artist] = []
        for name, colour, base in ALIVE_ROWS:
            out.append(ax.fill_between(s["month"], base + 0.1, base + 0.9, where=s[name] > 0.5,
                                       step="post", color=colour, alpha=0.9, linewidth=0))
        for i, ((style, alpha), past) in enumerate(zip(PAST_STYLES, self.past, strict=False)):
            for name, _, base in ALIVE_ROWS:
                if name in past.series:
                    on = np.asarray(past.series[name], dtype=float) > 0.5
                    y = np.where(on, base + 0.8 - 0.1 * i, base + 0.2 + 0.1 * i)
                    out.append(ax.step(past.series["month"], y, where="post", color=PAST_DARK,
                                       linestyle=style, linewidth=2.2, alpha=alpha)[0])
        return [*out, *_marks(ax, snap, self.lang)]


class ReturnPlot(ScaledPlot):
    """Line: social return so far (3-year value of placements so far per euro invested)."""

    name = "return"

    def y_top(self, snap: Snapshot) -> float:
        values = snap.social_return[np.isfinite(snap.social_return)]
        recent = values[len(values) // 4:]  # the first months swing wildly
        high = float(recent.max()) * 1.1 if len(recent) else 0.0
        for past in self.past:
            earlier = past.social_return[np.isfinite(past.social_return)]
            earlier = earlier[len(earlier) // 4:]
            high = max(high, float(earlier.max()) * 1.1 if len(earlier) else 0.0)
        return next((t for t in RETURN_SCALE if t >= high), RETURN_SCALE[-1])

    def draw_static(self, snap: Snapshot, fig: Figure) -> Axes:
        top = self.y_top(snap)
        ax = _time_axes(fig, snap, self.lang, tr("plot.return", self.lang),
                        tr("plot.return_y", self.lang), (0, top))
        even = ax.axhline(1.0, color=OKABE_ITO["vermillion"], linestyle=":", linewidth=2.5)
        for (style, alpha), past in zip(PAST_STYLES, self.past, strict=False):
            ax.plot(np.arange(len(past.social_return)), past.social_return,
                    color=OKABE_ITO["blue"], linestyle=style, linewidth=2.0, alpha=alpha * 0.6,
                    zorder=1.5)
        _legend(ax, [Line2D([], [], color=OKABE_ITO["blue"], linewidth=3), even],
                [tr("plot.return_note", self.lang), tr("plot.break_even", self.lang)], self)
        return ax

    def draw_data(self, snap: Snapshot, ax: Axes) -> list[Artist]:
        values = snap.social_return
        out: list[Artist] = [ax.plot(np.arange(len(values)), values, color=OKABE_ITO["blue"],
                                     linewidth=3)[0]]
        finite = values[np.isfinite(values)]
        if len(finite):
            out.append(ax.text(1.04, 0.04, formatting.number(finite[-1], self.lang, 2),
                               transform=ax.transAxes, ha="left", va="bottom",
                               fontsize=FONT + 14, fontweight="bold", color=OKABE_ITO["blue"]))
        return [*out, *_marks(ax, snap, self.lang)]


def network_positions(kinds: Sequence[str]) -> np.ndarray:
    """Node positions: the municipality in the centre, partners on a circle grouped by kind."""
    pos = np.zeros((len(kinds), 2))
    ring = [i for i, k in enumerate(kinds) if k != "municipality"]
    for j, i in enumerate(ring):
        angle = 2 * math.pi * j / max(len(ring), 1) + math.pi / 2
        pos[i] = (math.cos(angle), math.sin(angle))
    return pos


class NetworkPlot(LivePlot):
    """Organisations as nodes coloured by kind; ties coloured by mutual trust (the
    municipality's ties thick); partners who left the coalition and their ties faded."""

    name = "network"
    time_plot = False

    def static_key(self, snap: Snapshot) -> object:
        return tuple(snap.kinds)

    def draw_static(self, snap: Snapshot, fig: Figure) -> Axes:
        ax = fig.add_axes((0.0, 0.0, 0.56, 0.9))
        ax.set_xlim(-1.15, 1.15)
        ax.set_ylim(-1.15, 1.15)
        ax.set_aspect("equal")
        ax.axis("off")
        fig.text(0.01, 0.97, tr("plot.network", self.lang), fontsize=FONT + 3,
                 fontweight="bold", va="top")
        present = [k for k in KIND_COLOURS if k in snap.kinds]
        handles = [Line2D([], [], marker="o", linestyle="", markersize=14 if k ==
                          "municipality" else 11, color=KIND_COLOURS[k]) for k in present]
        left = Line2D([], [], marker="o", linestyle="", markersize=11, color="#888888",
                      alpha=0.25)
        _legend(ax, [*handles, left], [*(glossary.actor_name(k, self.lang) for k in present),
                                       tr("plot.left", self.lang)])
        cbar = fig.colorbar(ScalarMappable(norm=Normalize(0.0, 1.0), cmap=TRUST_CMAP),
                            cax=fig.add_axes((0.6, 0.17, 0.36, 0.05)), orientation="horizontal")
        cbar.set_label(tr("plot.trust_scale", self.lang), fontsize=FONT)
        cbar.ax.tick_params(labelsize=FONT - 2)
        cbar.ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: tick_text(x, self.lang)))
        self._pos = network_positions(snap.kinds)
        return ax

    def draw_data(self, snap: Snapshot, ax: Axes) -> list[Artist]:
        kinds, members, pos = snap.kinds, snap.members, self._pos
        trust = (snap.trust + snap.trust.T) / 2.0
        i, j = np.triu_indices(len(kinds), k=1)
        both = members[i] & members[j]
        hub = np.array(kinds)[i] == "municipality"
        out: list[Artist] = []
        styles = ((~both, 0.5, 0.15, None), (both & ~hub, 0.6, 0.45, TRUST_CMAP),
                  (both & hub, 3.0, 0.95, TRUST_CMAP))
        for edges, width, alpha, cmap in styles:
            if not edges.any():
                continue
            # an (edges, 2, 2) array of segments, as LineCollection documents; its stub
            # asks for a Sequence, which an array is not
            lines = LineCollection(
                np.stack([pos[i[edges]], pos[j[edges]]], axis=1),  # type: ignore[arg-type]
                linewidths=width, alpha=alpha, zorder=2)
            if cmap is None:
                lines.set_color("#BBBBBB")
            else:
                lines.set_cmap(cmap)
                lines.set_norm(Normalize(0.0, 1.0))
                lines.set_array(trust[i[edges], j[edges]])
            out.append(ax.add_collection(lines, autolim=False))
        for kind, colour in KIND_COLOURS.items():
            idx = np.array([k == kind for k in kinds])
            size = 600 if kind == "municipality" else 260
            if (idx & members).any():
                out.append(ax.scatter(pos[idx & members, 0], pos[idx & members, 1], s=size,
                                      color=colour, edgecolors="white", linewidths=1.5,
                                      zorder=3))
            if (idx & ~members).any():
                out.append(ax.scatter(pos[idx & ~members, 0], pos[idx & ~members, 1], s=size,
                                      color=colour, alpha=0.18, edgecolors=colour,
                                      linewidths=1.0, zorder=3))
        return out


PLOTS: tuple[type[LivePlot], ...] = (ParticipantsPlot, CoalitionPlot, TrustPlot, MoneyPlot,
                                     AlivePlot, ReturnPlot, NetworkPlot)
PLOT_NAMES: tuple[str, ...] = tuple(p.name for p in PLOTS)


class FigureSet:
    """All plots of one page (one browser session), kept between months."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.plots = [cls(lang) for cls in PLOTS]
        self.last_seconds = math.nan
        self._lock = threading.Lock()

    def render(self, snap: Snapshot, past: Sequence[PastRun] = ()) -> dict[str, bytes]:
        """Every plot as PNG bytes, with the earlier runs ``past`` (most recent first); the
        time it took is kept in :attr:`last_seconds`."""
        with self._lock:
            start = time.perf_counter()
            images = {plot.name: plot.render(snap, past) for plot in self.plots}
            self.last_seconds = time.perf_counter() - start
            return images


def render_all(snap: Snapshot, lang: str) -> tuple[dict[str, bytes], float]:
    """Every plot drawn from scratch (first month of a page), and the seconds it took."""
    figures = FigureSet(lang)
    images = figures.render(snap)
    return images, figures.last_seconds
