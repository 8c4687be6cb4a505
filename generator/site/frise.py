"""The frise: time drawn to scale, as an inline SVG made at build time.

A time axis with ticks, each event a mark, each period a bar of its true length with
its label, every mark and bar a link to its event. Positions are in percent of the
width and text in pixels, so the drawing stretches to any screen and zooms (by
widening it) without its text shrinking. Labels are packed into lanes for a phone's
column (REF pixels): a wider screen only spreads them apart, so they never cross and
are never cut. Past MAX_MARKS events the marks become counts per bin, and only the
MAX_BARS longest periods are drawn, so the SVG's size does not grow with the site.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup as Html
from markupsafe import escape

from .periods import PAGE_LIMIT

REF = 340
"""Pixels of width the labels are laid out for: a phone's column at 390 px."""
CHAR = 7.0
"""Pixels per character of a 12 px label, generous (DejaVu Sans is wide)."""
MAX_MARKS = PAGE_LIMIT
"""Events drawn one by one; beyond, the frise shows counts per bin."""
MAX_BINS = 40
MAX_BARS = 24
"""Periods drawn at most: the longest ones."""
MAX_BAR_LANES = 6
MAX_LINES = 3
"""Lines of a bar's label at most; a longer one shows on hover and focus."""
"""Lanes of labelled bars; a bar beyond them shows its label on hover and focus."""
PAD = 4.0
"""Margin on each side, in percent of the width."""
YEAR_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000)
BIN_STEPS = (1 / 12, 1 / 4, 1 / 2, *YEAR_STEPS)
LINE_CHARS = 30
"""Characters of a bar's label line: longer labels wrap onto more lines, never cut."""
LINE_H = 14
MIN_BAR = 0.8
"""Narrowest bar, in percent of the width: a two-day visit on a century still shows."""


@dataclass(frozen=True, slots=True)
class Item:
    """One event as the frise draws it. `start` and `end` are fractional years
    (overview.year_position); `end` is set for periods only."""

    key: str
    href: str
    """The event's own page."""
    place: str
    """Where the event sits in the lists (a period page and its anchor)."""
    start: float
    end: float | None
    label: str
    """What a bar shows: the title and the duration."""
    name: str
    """The full name for screen readers and tooltips: the label, then the dates (a
    link's name starts with its visible text)."""
    featured: bool = False


@dataclass(frozen=True, slots=True)
class Frise:
    svg: Html
    kinds: tuple[str, ...]
    """What the colours of this drawing mean, for its legend: `event`, `featured`,
    `period`, `count`."""
    periods: int
    """Periods drawn; the others (beyond MAX_BARS) are in the lists."""


@dataclass(frozen=True, slots=True)
class Labels:
    """How the frise words things, in the site's language."""

    year: Callable[[int], str]
    month: Callable[[int, int], str]
    count: Callable[[str, int], str]
    """`count("1990 – 1999", 34)` → "1990 – 1999: 34 events"."""


def _text_w(text: str) -> float:
    return len(text) * CHAR + 6


def wrap(text: str, width: int = LINE_CHARS) -> list[str]:
    """A label in lines of about `width` characters, cut at plain spaces only (never at
    the no-break spaces typography puts before ':' or '%')."""
    lines: list[str] = []
    for word in filter(None, text.split(" ")):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _span(items: Sequence[Item]) -> tuple[float, float]:
    lo = min(i.start for i in items)
    hi = max(i.end if i.end is not None else i.start for i in items)
    margin = max((hi - lo) * 0.02, 1 / 24)
    return lo - margin, hi + margin


def _ticks(lo: float, hi: float, labels: Labels, prefer: Sequence[int] = ()
           ) -> list[tuple[float, str, int | None]]:
    """Tick positions with their labels (and the year, for year ticks): the `prefer`
    years first (those with events, where ticks are links), then a regular grid, each
    far enough from the others for its label at REF pixels."""
    span = hi - lo
    room = REF * (100 - 2 * PAD) / 100
    if span < 2:
        sample = labels.month(math.floor(lo), 9)
        most = max(2, int(room // (_text_w(sample) + 14)))
        step = next((s for s in (1, 2, 3, 6, 12) if span * 12 / s <= most), 12)
        first = math.ceil(lo * 12 / step) * step
        out: list[tuple[float, str, int | None]] = []
        for k in range(first, math.floor(hi * 12) + 1, step):
            year, month = divmod(k, 12)
            out.append((k / 12, labels.month(year, month + 1), None))
        return out
    def px(year: float) -> float:
        return (year - lo) / span * room

    def clear(year: int, others: Sequence[int]) -> bool:
        """Far enough from every other tick for both labels (BCE ones are wide)."""
        own = _text_w(labels.year(year))
        return all(abs(px(year) - px(o)) >= (own + _text_w(labels.year(o))) / 2 + 14
                   for o in others)

    for step in YEAR_STEPS:  # the finest regular grid whose labels all fit
        first = math.ceil(lo / step) * step
        grid = list(range(first, math.floor(hi) + 1, step))
        if all(clear(y, grid[i + 1:i + 2]) for i, y in enumerate(grid)):
            break
    chosen: list[int] = []
    for y in [*sorted(prefer), *grid]:
        if lo <= y <= hi and y not in chosen and clear(y, chosen):
            chosen.append(y)
    return [(float(y), labels.year(y), y) for y in sorted(chosen)]


def _bins(items: Sequence[Item], lo: float, hi: float) -> list[tuple[float, float, list[Item]]]:
    size = next((s for s in BIN_STEPS if (hi - lo) / s <= MAX_BINS - 1), BIN_STEPS[-1])
    first = math.floor(lo / size)
    count = math.floor(hi / size) - first + 1
    held: list[list[Item]] = [[] for _ in range(count)]
    for item in items:
        held[min(count - 1, max(0, math.floor(item.start / size) - first))].append(item)
    return [((first + k) * size, (first + k + 1) * size, group) for k, group in enumerate(held)]


def _bin_label(start: float, end: float, labels: Labels) -> str:
    if end - start >= 1:
        first, last = round(start), round(end) - 1
        if first == last:
            return labels.year(first)
        return f"{labels.year(first)} – {labels.year(last)}"
    month = round(start * 12)
    last = round(end * 12) - 1
    year, m = divmod(month, 12)
    text = labels.month(year, m + 1)
    return text if last == month else f"{text} – {labels.month(*_ym(last))}"


def _ym(k: int) -> tuple[int, int]:
    year, month = divmod(k, 12)
    return year, month + 1


def longest(periods: Sequence[Item]) -> list[Item]:
    """The periods drawn as bars: the MAX_BARS longest, by their dates alone (a list
    that labels only these need make no label for the others)."""
    if len(periods) <= MAX_BARS:
        return list(periods)
    kept = sorted(periods, key=lambda i: (-((i.end or i.start) - i.start), i.start, i.key))
    return sorted(kept[:MAX_BARS], key=lambda i: (i.start, i.key))


def draw(items: Sequence[Item], labels: Labels,
         year_href: Callable[[int], str | None] = lambda y: None) -> Frise | None:
    """The frise of `items` (in timeline order), or None when there is nothing to draw.

    `year_href(year)` gives where a year tick links (its anchor in the list below), or
    None for a tick without a link; years with a link get a tick first.
    """
    if not items:
        return None
    lo, hi = _span(items)
    width = 100 - 2 * PAD

    def x(value: float) -> float:
        return PAD + (value - lo) / (hi - lo) * width

    marks = len(items) <= MAX_MARKS
    top = 22 if marks else 50
    axis = top + 4
    bars = longest([i for i in items if i.end is not None])
    placed = _bar_lanes(bars, x)
    lane_lines: dict[int, int] = {}
    for lane, _, tip, lines in placed.values():
        lane_lines[lane] = max(lane_lines.get(lane, 1), 1 if tip else len(lines))
    lane_y = [axis + 28]
    for lane in range(len(lane_lines)):
        lane_y.append(lane_y[-1] + 12 + LINE_H * lane_lines[lane])
    height = lane_y[-1] + 4
    kinds: list[str] = []
    parts = [f'<svg class="frise-svg" width="100%" height="{height}" role="group" '
             f'aria-labelledby="overview-h">',
             f'<line class="axis" x1="{PAD}%" x2="{100 - PAD}%" y1="{axis}" y2="{axis}"/>']
    linked = [y for y in sorted({math.floor(i.start) for i in items}) if year_href(y)]
    for at, text, year in _ticks(lo, hi, labels, linked):
        pos = x(at)
        anchor = "start" if pos < 10 else "end" if pos > 90 else "middle"
        label = (f'<text class="tick-label" x="{pos:.2f}%" y="{axis + 18}" '
                 f'text-anchor="{anchor}">{escape(text)}</text>')
        href = year_href(year) if year is not None else None
        if href:
            label = f'<a href="{escape(href)}" class="year-link">{label}</a>'
        parts.append(f'<line class="tick" x1="{pos:.2f}%" x2="{pos:.2f}%" y1="{axis}" '
                     f'y2="{axis + 5}"/>{label}')
    if marks:
        for item in items:
            kind = "featured" if item.featured else "event"
            if kind not in kinds:
                kinds.append(kind)
            parts.append(
                f'<a href="{escape(item.href)}" class="mark k-{kind}" '
                f'data-event="{escape(item.key)}"'
                f' tabindex="-1" aria-hidden="true"><title>{escape(item.name)}</title>'
                f'<circle cx="{x(item.start):.2f}%" cy="{axis - 10}" '
                f'r="{6 if item.featured else 4.5}"/></a>')
    else:
        kinds.append("count")
        cells = _bins(items, lo, hi)
        most = max(len(g) for _, _, g in cells)
        cell_w = width * (cells[0][1] - cells[0][0]) / (hi - lo)
        for start, end, group in cells:
            if not group:
                continue
            h = max(3, round(40 * len(group) / most))
            name = labels.count(_bin_label(start, end, labels), len(group))
            left = max(PAD, x(start))
            parts.append(
                f'<a href="{escape(group[0].place)}" class="bin" data-lo="{start:.4f}" '
                f'data-hi="{end:.4f}" aria-label="{escape(name)}"><title>{escape(name)}</title>'
                f'<rect class="hit" x="{left:.2f}%" y="2" width="{cell_w:.2f}%" '
                f'height="{axis - 2}"/><rect class="count" x="{left + cell_w * .1:.2f}%" '
                f'y="{axis - h}" width="{cell_w * .8:.2f}%" height="{h}"/></a>')
    if bars:
        kinds.append("period")
    for item in bars:
        lane, at, tip, lines = placed[item.key]
        assert item.end is not None
        left = x(item.start)
        bar_w = max(x(item.end) - left, MIN_BAR)
        y = lane_y[lane]
        tx = f"{at:.2f}%"
        # each line but the last ends with its space, so the label reads as one text
        text = "".join(f'<tspan x="{tx}" dy="{0 if k == 0 else LINE_H}">{escape(line)}'
                       f'{" " if k + 1 < len(lines) else ""}</tspan>'
                       for k, line in enumerate(lines))
        parts.append(
            f'<a href="{escape(item.href)}" class="span" data-event="{escape(item.key)}" '
            f'aria-label="{escape(item.name)}"><rect class="period" x="{left:.2f}%" y="{y}" '
            f'width="{bar_w:.2f}%" height="6" rx="3"/>'
            f'<text class="plabel{" tip" if tip else ""}" x="{tx}" y="{y + 19}">'
            f'{text}</text></a>')
    parts.append("</svg>")
    periods = sum(1 for i in items if i.end is not None)
    return Frise(Html("".join(parts)), tuple(kinds), len(bars) if periods else 0)  # noqa: S704


def _bar_lanes(bars: Sequence[Item], x: Callable[[float], float]
               ) -> dict[str, tuple[int, float, bool, list[str]]]:
    """Each bar's lane, where its label starts (percent), whether the label waits for
    hover or focus, and the label's lines. Measured at REF pixels, a label starts at its
    bar, or earlier where the bar is too near the right edge, and never overlaps
    another bar or label of its lane."""
    ends: list[float] = []
    out: dict[str, tuple[int, float, bool, list[str]]] = {}
    for item in bars:
        assert item.end is not None
        left = x(item.start) * REF / 100
        right = max(x(item.end), x(item.start) + MIN_BAR) * REF / 100
        tip = True
        for chars in (LINE_CHARS, 40, 46):
            lines = wrap(item.label, chars)
            text = max(_text_w(line) for line in lines)
            if len(lines) <= MAX_LINES and text <= REF:
                tip = False
                break
        if tip:
            lines = wrap(item.label)
            text = max(_text_w(line) for line in lines)
        at = max(0.0, min(left, REF - text))
        a, b = min(at, left), max(right, at + text)
        lane = next((k for k, e in enumerate(ends) if e + 8 <= a), len(ends))
        if lane >= MAX_BAR_LANES:
            lane = min(range(len(ends)), key=lambda k: ends[k])
            tip, b = True, right
        if tip:
            a, b = left, right
        if lane == len(ends):
            ends.append(b)
        else:
            ends[lane] = max(ends[lane], b)
        out[item.key] = (lane, at * 100 / REF, tip, lines)
    return out
