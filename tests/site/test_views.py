"""The view model (site/views.py): events, dates, years and periods as the pages show
them, made from a small project read by the real loader and validator."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.build.pipeline import check, typeset
from generator.content.dates import parse_date
from generator.content.model import Actor, Citation, Event, Source, Timeline
from generator.site import frise as fr
from generator.site import periods as pd
from generator.site import views
from generator.site.markdown import MarkdownConverter
from generator.site.theme import Theme, Words

ProjectFactory = Callable[..., Path]

FILES = {
    "content/events/visit.yaml": (
        "title: A visit\ndate: 2023-07-12\nend: 2023-07-14\n"
        "summary: 'A *short* visit <script>alert(1)</script>.'\n"),
    "content/events/rome.yaml": "title: Rome\ndate: '-0752~'\nsummary: Founded.\n",
    "content/events/war.yaml": (
        "title: A war\ndate: 2020-09-27\nend: 2020-11-10\nsummary: Six weeks.\n"),
    "content/events/study.yaml": (
        "title: A study\ndate: 2016\nend: 2020\nsummary: Five years.\n"),
    "content/events/signing.yaml": "title: A signing\ndate: 2023-03\nsummary: Signed.\n",
}


def loaded(project: ProjectFactory, language: str) -> tuple[Timeline, Theme, Words]:
    root = project(FILES, site=f"title: Views\nlanguage: {language}\n")
    timeline, theme, _ = check(root)
    return timeline, theme, typeset(theme.words(language))


@pytest.fixture
def english(project: ProjectFactory) -> tuple[dict[str, views.EventView], Words]:
    timeline, _, words = loaded(project, "en")
    markup = MarkdownConverter(language="en")
    return {e.id: views.event_view(e, words, markup) for e in timeline.events}, words


def test_an_event_view_says_when_in_words_and_for_machines(
        english: tuple[dict[str, views.EventView], Words]) -> None:
    visit = english[0]["visit"]
    assert (visit.path, visit.year, visit.when) == (
        "events/visit/index.html", 2023, "12 – 14 July 2023")
    assert str(visit.when_html) == (
        '<time datetime="2023-07-12" data-edtf="2023-07-12">12</time> – '
        '<time datetime="2023-07-14" data-edtf="2023-07-14">14 July 2023</time>')
    assert visit.duration == "3 days", "both days counted whole"


def test_a_date_html_cannot_say_is_a_span_with_its_edtf(
        english: tuple[dict[str, views.EventView], Words]) -> None:
    rome = english[0]["rome"]
    assert (rome.when, rome.year, rome.duration) == ("about 753 BC", -752, "")
    assert str(rome.when_html) == '<span class="date" data-edtf="-0752~">about 753 BC</span>'


def test_the_summary_is_converted_and_sanitised(
        english: tuple[dict[str, views.EventView], Words]) -> None:
    summary = str(english[0]["visit"].summary)
    assert summary.startswith("<p>A <em>short</em> visit")
    assert "<script" not in summary


def test_time_html_escapes_its_words() -> None:
    assert str(views.time_html(parse_date("2023"), "<b>2023</b>")) == (
        '<time datetime="2023" data-edtf="2023">&lt;b&gt;2023&lt;/b&gt;</time>')
    assert str(views.time_html(parse_date("1920?"), "1920?")) == (
        '<span class="date" data-edtf="1920?">1920?</span>'), "HTML has no uncertain dates"


def test_when_html_in_french_drops_what_the_end_repeats(project: ProjectFactory) -> None:
    _, _, words = loaded(project, "fr")
    when = str(views.when_html(parse_date("2020-09-27"), parse_date("2020-11-10"), words))
    assert when == ('<time datetime="2020-09-27" data-edtf="2020-09-27">27 septembre</time>'
                    ' – <time datetime="2020-11-10" data-edtf="2020-11-10">10 novembre 2020'
                    '</time>')
    assert str(views.when_html(parse_date("2023"), None, words)) == (
        '<time datetime="2023" data-edtf="2023">2023</time>')


@pytest.mark.parametrize(("start", "end", "locale", "expected"), [
    ("2023-07-12", "2023-07-14", "en", "3 days"),
    ("2020-09-27", "2020-11-10", "fr", "6\u00a0semaines"),
    ("2016", "2020", "fr", "5 ans"),
    ("2023-07-12", "2023-07-12", "en", ""),
    ("2023-07-12", None, "en", ""),
])
def test_duration_of_a_period_in_words(start: str, end: str | None, locale: str,
                                       expected: str) -> None:
    assert views.duration(parse_date(start), parse_date(end) if end else None,
                          locale) == expected


def test_year_views_group_events_in_order_across_the_era(
        english: tuple[dict[str, views.EventView], Words]) -> None:
    by_id, words = english
    ordered = sorted(by_id.values(), key=lambda v: v.event.sort_key)
    years = views.year_views(ordered, words)
    assert [(y.year, y.label, y.anchor, [v.id for v in y.events]) for y in years] == [
        (-752, "753 BC", "y-752", ["rome"]),
        (2016, "2016", "y2016", ["study"]),
        (2020, "2020", "y2020", ["war"]),
        (2023, "2023", "y2023", ["signing", "visit"]),
    ]


@pytest.mark.parametrize(("period", "english", "french"), [
    (pd.Period("1990-1999", 1990, 10, 0, 1, 3), "1990 – 1999", "1990 – 1999"),
    (pd.Period("-0500--0491", -500, 10, 0, 1, 3), "501 BC – 492 BC",
     "501 av. J.-C. – 492 av. J.-C."),
    (pd.Period("1990", 1990, 1, 0, 1, 3), "1990", "1990"),
    (pd.Period("1990-07", 1990, 0, 7, 1, 3), "July 1990", "juillet 1990"),
    (pd.Period("1990-07-p2", 1990, 0, 7, 2, 3), "July 1990 (2)", "juillet 1990 (2)"),
])
def test_period_label(period: pd.Period, english: str, french: str,
                      project: ProjectFactory) -> None:
    words = {language: loaded(project, language)[2] for language in ("en", "fr")}
    assert views.period_label(period, words["en"]) == english
    assert views.period_label(period, words["fr"]) == french


def test_count_words_and_actors_by_name(project: ProjectFactory) -> None:
    _, _, words = loaded(project, "en")
    assert [views.count_words(n, words) for n in (1, 6)] == ["1 event", "6 events"]
    actors = [Actor("b", "zed", "person"), Actor("c", "Ada", "person"),
              Actor("a", "ada", "person")]
    assert [a.id for a in views.by_name(actors)] == ["a", "c", "b"]


def test_a_citation_has_every_quote_and_its_dated_source(project: ProjectFactory) -> None:
    _, _, words = loaded(project, "en")
    source = Source("s", "A report", date=parse_date("2021-03-04"))
    cited = views.citation(source, ["One.", "Two."], words)
    assert cited["quotes"] == ["One.", "Two."] and cited["quote"] == "One."
    assert str(cited["date"]) == (
        '<time datetime="2021-03-04" data-edtf="2021-03-04">4 March 2021</time>')
    assert views.citation(Source(None, "Undated"), [], words)["date"] is None


def test_the_frise_item_of_a_period_carries_its_length(
        english: tuple[dict[str, views.EventView], Words]) -> None:
    by_id, _ = english
    war = views.frise_item(by_id["war"], "../", "#war")
    assert (war.key, war.href, war.place) == ("war", "../events/war/index.html", "#war")
    assert war.end is not None and war.start < war.end
    assert war.label == "A war · 6 weeks"
    assert war.name == "A war · 6 weeks (27 September – 10 November 2020)"
    signing = views.frise_item(by_id["signing"], "", "#signing")
    assert signing.end is None and signing.label == "A signing"


def test_an_event_of_the_model_made_by_hand_has_the_same_view(
        english: tuple[dict[str, views.EventView], Words]) -> None:
    """The view depends on the event's fields only, not on how it was read."""
    by_id, words = english
    made = Event("visit", "A visit", parse_date("2023-07-12"),
                 "A *short* visit <script>alert(1)</script>.",
                 end=parse_date("2023-07-14"),
                 citations=(Citation(Source(None, "x")),))
    view = views.event_view(made, words, MarkdownConverter(language="en"))
    mine = by_id["visit"]
    assert (view.when, str(view.when_html), str(view.summary), view.duration) == (
        mine.when, str(mine.when_html), str(mine.summary), mine.duration)


def test_the_frise_of_a_list_cut_into_periods_is_drawn_from_its_periods_views_alone(
        english: tuple[dict[str, views.EventView], Words]) -> None:
    """Past MAX_MARKS events the frise counts them per bin and labels only the longest
    periods: made with views of those alone, it is the frise views of every event draw."""
    _, words = english
    markup = MarkdownConverter(language="en")
    events = [Event(f"e{i}", f"Event {i}", parse_date(f"{1900 + i // 3}-{1 + i % 12:02d}"),
                    "Text.", end=(parse_date(f"{1901 + i // 3}") if i % 6 == 0 else
                                  parse_date(f"{1900 + i // 3}-{1 + i % 12:02d}")
                                  if i % 10 == 1 else None),
                    featured=i % 50 == 0, citations=(Citation(Source(None, "x")),))
              for i in range(pd.PAGE_LIMIT + 60)]
    made: list[str] = []

    def view(e: Event) -> views.EventView:
        made.append(e.id)
        return views.event_view(e, words, markup)

    featured = [view(e) for e in events if e.featured]
    made.clear()
    drawn = views.counts_layout(events, featured, words, "../", lambda e: f"p#{e.id}", view)
    every = views.time_layout([views.event_view(e, words, markup) for e in events], [],
                              words, "../", lambda v: f"p#{v.id}")
    assert drawn["frise"] is not None and drawn["frise"] == every["frise"]
    assert 'class="bin"' in drawn["frise"].svg and 'class="period"' in drawn["frise"].svg
    assert drawn["lanes"] == views.time_layout(featured, [], words, "../")["lanes"]
    periods = [e for e in events if e.end is not None and e.end != e.date]
    bars = re.findall(r'class="span" data-event="([^"]+)"', drawn["frise"].svg)
    assert len(bars) == fr.MAX_BARS < len(periods)
    assert sorted(made) == sorted(bars)  # a view for each period labelled, and no other
