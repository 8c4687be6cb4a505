"""The layouts of time: the overview strip's bins and links, and the lanes of periods."""

from __future__ import annotations

import re

from generator.dates import parse_date
from generator.overview import MAX_BINS, MAX_LANES, Span, bins, lanes, strip, year_position


def span(key: str, start: str, end: str | None = None) -> Span:
    return Span(key, parse_date(start), parse_date(end) if end else None)


def test_a_period_covers_the_rows_that_start_before_it_ends() -> None:
    layout = lanes([span("sipri", "2016", "2020"), span("war", "2020-09-27", "2020-11-10"),
                    span("arms", "2020-09-27", "2020-11-10"), span("embassy", "2023-03-29")])
    assert layout.count == 3
    assert layout.rows["sipri"] == ("start", "", "")
    assert layout.rows["war"] == ("mid", "start", "")
    assert layout.rows["arms"] == ("end", "end", "one")
    assert layout.rows["embassy"] == ("", "", "")
    assert layout.crossing == {2020: (0,), 2023: ()}


def test_a_lane_is_reused_once_its_period_is_over() -> None:
    layout = lanes([span("a", "2001", "2002"), span("b", "2003"), span("c", "2004", "2005")])
    assert layout.count == 1
    assert layout.rows["c"] == ("one",)


def test_lanes_are_capped() -> None:
    many = [span(f"p{i}", "2000", "2010") for i in range(MAX_LANES + 3)]
    assert lanes(many).count == MAX_LANES


def test_bins_group_years_when_there_are_too_many() -> None:
    assert [b.start for b in bins([(2016, 1, "y2016"), (2023, 6, "y2023")])] == list(
        range(2016, 2024))
    wide = bins([(-752, 1, "y-752"), (1843, 1, "y1843"), (1920, 2, "y1920")])
    assert len(wide) <= MAX_BINS
    assert sum(b.count for b in wide) == 4
    assert [b.anchor for b in wide if b.count] == ["y-752", "y1843", "y1920"]


def test_year_position_is_inside_the_year() -> None:
    assert year_position(parse_date("2023")) == 2023
    assert year_position(parse_date("2023"), end=True) == 2024
    assert 2023.2 < year_position(parse_date("2023-03-29")) < 2023.25


def test_the_strip_links_each_year_with_events_and_escapes_text() -> None:
    svg = str(strip([(2016, 1, "y2016"), (2023, 6, "y2023")],
                    [span("sipri", "2016", "2020")],
                    lambda y: f"<{y}>", lambda text, n: f"{text}: {n} events"))
    assert re.findall(r'href="([^"]+)"', svg) == ["#y2016", "#y2023"]
    assert 'aria-label="&lt;2023&gt;: 6 events"' in svg
    assert "<2023>" not in svg
    assert svg.count('class="period"') == 1
    assert strip([], [], str, lambda t, n: t) == ""
    assert strip([(2023, 9, "y2023")], [], str, lambda t, n: t) == "", "one year: no strip"
