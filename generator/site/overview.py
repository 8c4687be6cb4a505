"""The lanes in which periods run along the vertical list of events, one lane per
period that overlaps another (the frise drawn to scale is in frise.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..content.dates import PartialDate, days_in_month

MAX_LANES = 6
"""Periods beyond this many at once keep their dates in words but get no lane."""


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
