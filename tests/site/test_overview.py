"""The lanes of periods along the vertical list, and positions in time."""

from __future__ import annotations

from generator.content.dates import parse_date
from generator.site.overview import MAX_LANES, Span, lanes, year_position


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


def test_year_position_is_inside_the_year() -> None:
    assert year_position(parse_date("2023")) == 2023
    assert year_position(parse_date("2023"), end=True) == 2024
    assert 2023.2 < year_position(parse_date("2023-03-29")) < 2023.25
