"""The shape of time on a page, computed at build time so it reads without JavaScript.

Two pure layouts: the overview strip (an inline SVG: how many events each year
holds, and the periods, each year a link to its place in the timeline), and the
lanes in which periods are drawn along the vertical axis, one lane per period
that overlaps another.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup as Html
from markupsafe import escape

from .dates import PartialDate, days_in_month

STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000)
MAX_BINS = 40
"""More bars than this would be too thin on a phone: years are then grouped."""
MAX_LABELS = 10
"""Labels kept on a wide screen; a phone shows half of them."""
MAX_LANES = 6
"""Periods beyond this many at once keep their dates in words but get no lane."""
MERGE = 0.4
"""Periods of one lane closer than this (percent of the width) are drawn as one bar."""
PAD = 3.0
"""Margin on each side of the strip, in percent of its width, so labels fit."""


def year_position(date: PartialDate, end: bool = False) -> float:
    """A date as a fractional year: its first day, or with `end` the day after its last."""
    y, m, d = date.end_key if end else date.start_key
    month = max(m, 1)
    day = max(d, 1) - 1 + (1 if end else 0)
    return y + (month - 1) / 12 + day / days_in_month(y, month) / 12


@dataclass(frozen=True, slots=True)
class Span:
    """A dated item of the page: an event, or a period when `end` is set."""

    key: str
    start: PartialDate
    end: PartialDate | None = None


@dataclass(frozen=True, slots=True)
class Lanes:
    """Where periods run along the vertical axis of one page's list of events.

    `rows[id]` gives, lane by lane, how the lane crosses that event's row:
    `''` not at all, `start`, `mid`, `end`, or `one` (a period that covers only its
    own row). `crossing[year]` lists the lanes that run into that year's first row.
    """

    count: int
    rows: dict[str, tuple[str, ...]]
    crossing: dict[int, tuple[int, ...]]


def lanes(spans: Sequence[Span]) -> Lanes:
    """Lays periods out in lanes: each runs from its own row to the last row it covers.

    `spans` are in timeline order. A period covers the rows that start before it ends;
    a period takes the first lane free at its first row, so overlapping periods sit
    side by side (at most MAX_LANES of them).
    """
    starts = [s.start.start_key for s in spans]
    free_after: list[int] = []  # per lane, the last row it is busy on
    placed: list[tuple[int, int, int]] = []  # (lane, first row, last row)
    for i, span in enumerate(spans):
        if span.end is None or span.end == span.start:
            continue
        last = i
        end_key = span.end.end_key
        while last + 1 < len(spans) and starts[last + 1] <= end_key:
            last += 1
        lane = next((k for k, busy in enumerate(free_after) if busy < i), len(free_after))
        if lane == MAX_LANES:
            continue
        if lane == len(free_after):
            free_after.append(last)
        else:
            free_after[lane] = last
        placed.append((lane, i, last))
    count = len(free_after)
    marks = [[""] * count for _ in spans]
    for lane, first, last in placed:
        for row in range(first, last + 1):
            marks[row][lane] = ("one" if first == last else "start" if row == first
                                else "end" if row == last else "mid")
    crossing: dict[int, tuple[int, ...]] = {}
    for i, span in enumerate(spans):
        year = span.start.year
        if i and spans[i - 1].start.year != year:
            crossing[year] = tuple(k for k in range(count) if marks[i][k] in ("mid", "end"))
    return Lanes(count, {s.key: tuple(m) for s, m in zip(spans, marks, strict=True)}, crossing)


@dataclass(frozen=True, slots=True)
class Bin:
    """Some years of the strip: `size` years from `start`, with the events they hold."""

    start: int
    size: int
    count: int
    anchor: str | None
    """The anchor of the first year of the bin that has events."""


def bins(years: Sequence[tuple[int, int, str]]) -> list[Bin]:
    """Years (year, number of events, anchor) grouped into at most MAX_BINS equal bins."""
    if not years:
        return []
    lo, hi = years[0][0], years[-1][0]
    size = next((s for s in STEPS if (hi // s - lo // s + 1) <= MAX_BINS), STEPS[-1])
    first = (lo // size) * size
    out: dict[int, list[tuple[int, int, str]]] = {
        first + k * size: [] for k in range(hi // size - lo // size + 1)
    }
    for year in years:
        out[(year[0] // size) * size].append(year)
    return [Bin(start, size, sum(c for _, c, _ in held), held[0][2] if held else None)
            for start, held in out.items()]


def strip(years: Sequence[tuple[int, int, str]], periods: Sequence[Span],
          year_label: Callable[[int], str], name: Callable[[str, int], str]) -> Html:
    """The overview as inline SVG, in percent of its width so its text never shrinks.

    Each bin with events is a link to its first year's anchor, named for screen
    readers by `name(years, count)` ("2023: 6 events"); periods are bars under the
    axis, in lanes.
    """
    cells = bins(years)
    if len(cells) < 2:
        return Html("")  # one year: its events are all in view already
    lo = cells[0].start
    hi = cells[-1].start + cells[-1].size
    width = 100 - 2 * PAD

    def x(value: float) -> float:
        return PAD + (value - lo) / (hi - lo) * width

    most = max(c.count for c in cells)
    cell_w = width / len(cells)
    bar_w = min(cell_w * 0.6, 4.0)
    labelled = _labelled(cells)
    period_lanes = _time_lanes(periods)
    base = 62
    label_y = base + 22 + 7 * max(0, len(set(period_lanes.values())) - 1)
    height = label_y + 10
    parts = [
        f'<svg class="strip{" dense" if len(cells) > 12 else ""}" width="100%" '
        f'height="{height}" aria-labelledby="overview-h">',
        f'<line class="base" x1="{PAD}%" x2="{100 - PAD}%" y1="{base}" y2="{base}"/>',
    ]
    for i, cell in enumerate(cells):
        centre = x(cell.start + cell.size / 2)
        text = year_label(cell.start)
        label = ""
        if i in labelled:
            minor = " minor" if len(cells) > 8 and labelled[i] % 2 else ""
            label = (f'<text class="year{minor}" x="{centre:.2f}%" y="{label_y}">'
                     f'{escape(text)}</text>')
        if not cell.count:
            parts.append(f'<line class="tick" x1="{centre:.2f}%" x2="{centre:.2f}%" '
                         f'y1="{base - 3}" y2="{base + 3}"/>{label}')
            continue
        if cell.size > 1:
            text = f"{text} – {year_label(cell.start + cell.size - 1)}"
        bar_h = max(4, round(44 * cell.count / most))
        parts.append(
            f'<a href="#{cell.anchor}" aria-label="{escape(name(text, cell.count))}">'
            f'<rect class="hit" x="{x(cell.start):.2f}%" y="4" width="{cell_w:.2f}%" '
            f'height="{height - 6}" rx="3"/>'
            f'<rect class="bar" x="{centre - bar_w / 2:.2f}%" y="{base - bar_h}" '
            f'width="{bar_w:.2f}%" height="{bar_h}"/>{label}</a>'
            f'<text class="n" x="{centre:.2f}%" y="{base - bar_h - 4}">{cell.count}</text>'
        )
    runs: dict[int, list[list[float]]] = {}
    for span in sorted(periods, key=lambda s: (s.start.start_key, s.key)):
        assert span.end is not None
        left = x(year_position(span.start))
        right = min(max(x(year_position(span.end, end=True)), left + 0.6), 100 - PAD)
        lane_runs = runs.setdefault(period_lanes[span.key], [])
        if lane_runs and left - lane_runs[-1][1] < MERGE:
            lane_runs[-1][1] = max(lane_runs[-1][1], right)
        else:
            lane_runs.append([left, right])
    for lane, lane_runs in sorted(runs.items()):
        parts.extend(f'<rect class="period" x="{left:.2f}%" y="{base + 6 + 7 * lane}" '
                     f'width="{right - left:.2f}%" height="4" rx="2"/>'
                     for left, right in lane_runs)
    parts.append("</svg>")
    return Html("".join(parts))  # noqa: S704 - every text in it went through escape()


def _labelled(cells: Sequence[Bin]) -> dict[int, int]:
    """Bins that get a label (bins with events first, then a regular grid), each with its
    rank: a phone shows every other one."""
    every = max(1, math.ceil(len(cells) / MAX_LABELS))
    eventful = [i for i, c in enumerate(cells) if c.count]
    chosen = set(eventful) if len(eventful) <= MAX_LABELS // 2 else set()
    for i in range(0, len(cells), every):
        if all(abs(i - j) >= every for j in chosen):
            chosen.add(i)
    return {i: rank for rank, i in enumerate(sorted(chosen))}


def _time_lanes(periods: Sequence[Span]) -> dict[str, int]:
    """Periods that overlap in time go in different lanes of the strip (the last lane
    takes all the periods beyond MAX_LANES at once)."""
    ends: list[float] = []
    out: dict[str, int] = {}
    for span in sorted(periods, key=lambda s: (s.start.start_key, s.key)):
        assert span.end is not None
        start, end = year_position(span.start), year_position(span.end, end=True)
        lane = next((k for k, e in enumerate(ends) if e <= start), len(ends))
        if lane == len(ends):
            ends.append(end)
        else:
            ends[lane] = end
        out[span.key] = min(lane, MAX_LANES - 1)
    return out
