"""How a long chronology is cut into period pages, so that no page grows with the site.

A list of at most PAGE_LIMIT events stays on one page. A longer one is cut along the
calendar, never by position, so that a period's URL keeps its meaning as the timeline
grows: a decade holding at most PAGE_LIMIT events is one page; a fuller decade gives
one page a year; a fuller year one page a month; a month fuller still is cut into
numbered parts. An event belongs to the period its start date falls in (a date of
year precision in a year cut by month goes to its first month page).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

from ..content.model import Event
from . import urls
from .timeline import index_by

PAGE_LIMIT = 150
"""Events on one page at most: 150 cards weigh about 260 KB of HTML (with the frise,
the CSS and the JavaScript a page stays under 500 KB)."""


@dataclass(frozen=True, slots=True)
class Period:
    """One period page: `key` is its URL segment (`1990-1999`, `1990`, `1990-07`,
    `1990-07-p2`), `start` its first year, `years` its length in years (10, 1, or 0 for
    a month, whose `month` is then set); `part` numbers the pages of a month cut in
    parts (1 for the only or first one); `size` is its number of events."""

    key: str
    start: int
    years: int
    month: int
    part: int
    size: int


Split = list[tuple[Period, tuple[Event, ...]]]


def _year(y: int) -> str:
    return f"{y:04d}" if y >= 0 else f"-{-y:04d}"


def split(events: Sequence[Event], limit: int = PAGE_LIMIT) -> Split:
    """The period pages of `events` (in timeline order), or [] when one page holds them."""
    if len(events) <= limit:
        return []
    out: Split = []
    for decade, group in groupby(events, key=lambda e: e.date.year // 10):
        in_decade = tuple(group)
        first = decade * 10
        if len(in_decade) <= limit:
            out.append((Period(f"{_year(first)}-{_year(first + 9)}", first, 10, 0, 1,
                               len(in_decade)), in_decade))
            continue
        for year, year_group in groupby(in_decade, key=lambda e: e.date.year):
            in_year = tuple(year_group)
            if len(in_year) <= limit:
                out.append((Period(_year(year), year, 1, 0, 1, len(in_year)), in_year))
                continue
            for month, month_group in groupby(in_year, key=lambda e: max(e.date.month or 1, 1)):
                in_month = tuple(month_group)
                for part in range(0, len(in_month), limit):
                    n = part // limit + 1
                    key = f"{_year(year)}-{month:02d}" + (f"-p{n}" if n > 1 else "")
                    held = in_month[part:part + limit]
                    out.append((Period(key, year, 0, month, n, len(held)), held))
    return out


def where(periods: Split) -> dict[str, str]:
    """Each event's id → the key of the period page that shows it."""
    return {e.id: p.key for p, held in periods for e in held}


def page_paths(events: Sequence[Event]) -> list[str]:
    """Every period page the site has: the index's, then each tag's and each actor's."""
    out = [urls.period_path(p.key) for p, _ in split(events)]
    for key in ("tags", "actors"):
        for name, held in sorted(index_by(events, key).items()):
            of = urls.tag_path(name) if key == "tags" else urls.actor_path(name)
            out += [urls.period_path(p.key, of) for p, _ in split(held)]
    return out
