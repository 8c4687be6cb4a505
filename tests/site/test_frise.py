"""The frise drawn to scale (frise.py) and the cutting of long lists into period pages
(periods.py): what a reader sees of time, checked on the SVG and the plan themselves."""

from __future__ import annotations

import html
import re

from generator.content.dates import parse_date
from generator.content.model import Event
from generator.site import frise as fr
from generator.site import periods as pd

LABELS = fr.Labels(year=str, month=lambda y, m: f"{m:02d}/{y}",
                   count=lambda text, n: f"{text}: {n} events")


def item(key: str, start: float, end: float | None = None, label: str = "",
         featured: bool = False) -> fr.Item:
    return fr.Item(key, f"events/{key}/index.html", f"#{key}", start, end,
                   label or f"Label of {key}", f"Name of {key}", featured)


def texts(svg: str) -> list[str]:
    """The visible text of each period label, its lines joined."""
    return [html.unescape("".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", t)))
            for t in re.findall(r'<text class="plabel[^"]*"[^>]*>(.*?)</text>', svg)]


def test_labels_never_break_at_a_no_break_space() -> None:
    assert fr.wrap("SIPRI\u00a0: Israël fournit 69\u202f% des importations", 12) == [
        "SIPRI\u00a0:", "Israël", "fournit 69\u202f%", "des", "importations"]


def test_every_period_is_a_bar_with_its_whole_label_linking_to_its_event() -> None:
    long = "Guerre du Haut-Karabakh entre l'Azerbaïdjan et l'Arménie · 6 semaines"
    items = [item("sipri", 2016, 2021, "SIPRI · 5 ans"), item("war", 2020.74, 2020.86, long),
             item("visit", 2023.53, 2023.54, "Visite <à> Bakou · 2 jours"),
             item("embassy", 2023.24, featured=True)]
    drawn = fr.draw(items, LABELS)
    assert drawn is not None
    svg = str(drawn.svg)
    bars = re.findall(r'<a href="([^"]+)" class="span"', svg)
    assert bars == ["events/sipri/index.html", "events/war/index.html",
                    "events/visit/index.html"]
    assert texts(svg) == ["SIPRI · 5 ans", long, "Visite <à> Bakou · 2 jours"]
    assert "<à>" not in svg
    assert "tip" not in svg, "each label has room: none waits for hover"
    assert set(drawn.kinds) == {"event", "featured", "period"}
    assert drawn.periods == 3
    bar = r'class="period" x="[^"]+" y="\d+" width="([\d.]+)%'
    widths = [float(w) for w in re.findall(bar, svg)]
    assert widths[0] > 20 * widths[1], "a five-year span is drawn far longer than six weeks"


def test_labels_of_a_lane_never_cross_at_a_phones_width() -> None:
    items = [item(f"p{i}", 2000 + i * 0.3, 2000 + i * 0.3 + 0.2, f"Period number {i} " * 2)
             for i in range(20)]
    lo, hi = fr._span(items)

    def x(v: float) -> float:
        return fr.PAD + (v - lo) / (hi - lo) * (100 - 2 * fr.PAD)

    placed = fr._bar_lanes(items, x)
    extents: dict[int, list[tuple[float, float]]] = {}
    for it in items:
        lane, at, tip, lines = placed[it.key]
        assert it.end is not None
        assert " ".join(lines) == it.label.strip(), "wrapped, never cut"
        if tip:  # no room left: its label shows on hover and focus, over the others
            continue
        left, right = x(it.start) * fr.REF / 100, x(it.end) * fr.REF / 100
        start = at * fr.REF / 100
        width = max(fr._text_w(line) for line in lines)
        assert start >= 0 and start + width <= fr.REF, "inside the frise: never clipped"
        a, b = min(left, start), max(right, start + width)
        extents.setdefault(lane, []).append((a, b))
    assert sum(len(v) for v in extents.values()) >= fr.MAX_BAR_LANES, "a label a lane at least"
    for spans in extents.values():
        spans.sort()
        assert all(b1 <= a2 for (_, b1), (a2, _) in zip(spans, spans[1:], strict=False))


def test_a_dense_timeline_is_drawn_as_counts_and_stays_small() -> None:
    items = [item(f"e{i}", 1950 + i * 0.0076, 1950 + i * 0.0076 + (i % 7) * 0.1 if i % 10 == 0
                  else None) for i in range(10_000)]
    drawn = fr.draw(items, LABELS)
    assert drawn is not None
    svg = str(drawn.svg)
    assert len(svg.encode()) < 30_000
    assert "count" in drawn.kinds and "event" not in drawn.kinds
    bins = re.findall(r'aria-label="([^"]+: (\d+) events)"', svg)
    assert 10 < len(bins) <= fr.MAX_BINS
    assert sum(int(n) for _, n in bins) == 10_000
    assert svg.count('class="span"') == fr.MAX_BARS, "only the longest periods"
    assert svg.count("<a ") <= fr.MAX_BINS + fr.MAX_BARS, "no wall of links"


def test_year_ticks_link_to_their_year_and_edge_labels_stay_inside() -> None:
    drawn = fr.draw([item("a", 1950.2), item("b", 1990.5)], LABELS,
                    lambda y: f"#y{y}" if y in (1950, 1990) else None)
    assert drawn is not None
    svg = str(drawn.svg)
    assert re.findall(r'<a href="(#y\d+)" class="year-link">', svg) == ["#y1950", "#y1990"]
    ticks = re.findall(r'class="tick-label" x="([\d.]+)%" y="\d+" text-anchor="(\w+)"', svg)
    for x, anchor in ticks:  # a label at an edge grows inwards, so it is never cut
        assert anchor == ("start" if float(x) < 10 else "end" if float(x) > 90 else "middle")
    assert fr.draw([], LABELS) is None


def event(eid: str, date: str) -> Event:
    return Event(eid, eid, parse_date(date), "summary")


def test_a_short_list_stays_on_one_page() -> None:
    assert pd.split([event(f"e{i}", "2023") for i in range(pd.PAGE_LIMIT)]) == []


def test_long_lists_are_cut_along_the_calendar_by_decade_year_and_month() -> None:
    events = ([event(f"a{i}", f"{1950 + i % 10}") for i in range(100)]  # a thin decade
              + [event(f"b{i:03d}", f"{1960 + i // 40}-01") for i in range(400)]  # by year
              + [event(f"c{i:03d}", f"1975-{1 + i // 170:02d}-{1 + i % 28:02d}")
                 for i in range(340)])  # a full year: by month, then parts
    events.sort(key=lambda e: e.sort_key)
    split = pd.split(events, limit=150)
    keys = [p.key for p, _ in split]
    assert keys[:1] == ["1950-1959"]
    assert keys[1:11] == [str(y) for y in range(1960, 1970)]
    assert keys[11:] == ["1975-01", "1975-01-p2", "1975-02", "1975-02-p2"]
    assert all(0 < len(held) <= 150 for _, held in split)
    assert sorted(e.id for _, held in split for e in held) == sorted(e.id for e in events)
    assert [p.size for p, _ in split] == [len(held) for _, held in split]


def test_period_keys_of_years_before_the_common_era() -> None:
    events = sorted([event(f"r{i:03d}", "-0753") for i in range(3)]
                    + [event(f"s{i:03d}", "-0480") for i in range(160)], key=lambda e: e.sort_key)
    keys = [p.key for p, _ in pd.split(events, limit=150)]
    assert keys == ["-0760--0751", "-0480-01", "-0480-01-p2"]
