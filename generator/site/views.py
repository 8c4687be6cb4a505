"""The view model: events, years, periods and the frise as the templates show them.

Pure functions of the model and the interface words; `render` builds each page's
context from these, and `linked_data` describes them to machines.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypedDict

from babel.dates import format_timedelta
from markupsafe import Markup as Html
from markupsafe import escape

from ..content.dates import PartialDate, format_date, format_range, range_parts
from ..content.model import Actor, Event, Source
from . import frise as fr
from . import overview as ov
from . import periods as pd
from . import timeline as tl
from . import urls
from .markdown import MarkdownConverter, trusted
from .theme import Words


@dataclass(frozen=True, slots=True)
class EventView:
    """An event with everything its pages show, computed once per build."""

    event: Event
    path: str
    when: str
    """The date or period in words, as plain text."""
    year: int
    duration: str = ""
    """How long a period lasts in words ("5 ans", "6 semaines"); empty for a date."""
    summary_html: Html | None = None
    """The summary, when made with the view (views kept from one build to the next)."""
    markdown: MarkdownConverter | None = field(default=None, compare=False, repr=False)
    """Else the converter that makes it when a page first shows it: a list's frise
    needs a view of every event, its cards only of some (the converter keeps what it
    converted, so each summary is converted once)."""
    words: Words | None = field(default=None, compare=False, repr=False)
    """The interface words, for `when_html`."""

    @property
    def id(self) -> str:
        return self.event.id

    @property
    def tag_slugs(self) -> str:
        """The event's tags for the filters (`data-tags`), separated by spaces."""
        return " ".join([t.slug for t in self.event.tags])

    @property
    def actor_ids(self) -> str:
        """The event's actors for the filters (`data-actors`), separated by spaces."""
        return " ".join([a.id for a in self.event.actors])

    @property
    def when_html(self) -> Html:
        """`when` inside `<time datetime>`, or a `data-edtf` span where HTML cannot say
        it: made when shown, since only cards and event pages show it."""
        assert self.words is not None, "a view has the words of its build"
        return when_html(self.event.date, self.event.end, self.words)

    @property
    def summary(self) -> Html:
        if self.summary_html is not None:
            return self.summary_html
        assert self.markdown is not None, "a view has its summary or its converter"
        return trusted(self.markdown.block(self.event.summary))


@dataclass(frozen=True, slots=True)
class YearView:
    year: int
    label: str
    anchor: str
    events: list[EventView]


def time_html(date: PartialDate, text: str) -> Html:
    """A date for machines and people: `<time>` where HTML can say it, else a span.
    (Built with `escape`, not `Markup.format`, whose formatter costs as much as the
    rest of a card: every card and event page shows dates.)"""
    if date.html_datetime:
        return trusted(f'<time datetime="{escape(date.html_datetime)}" '
                       f'data-edtf="{escape(date.edtf)}">{escape(text)}</time>')
    return trusted(f'<span class="date" data-edtf="{escape(date.edtf)}">{escape(text)}</span>')


def when_html(start: PartialDate, end: PartialDate | None, words: Words) -> Html:
    first, last = range_parts(start, end, words.dates)
    if end is None or last is None:
        return time_html(start, first)
    return trusted(str(escape(words.dates.range)).replace("{start}", time_html(start, first))
                   .replace("{end}", time_html(end, last)))


def year_views(views: list[EventView], words: Words) -> list[YearView]:
    return [
        YearView(year, format_date(PartialDate(year), words.dates),
                 f"y{year}" if year >= 0 else f"y-{-year}", group)
        for year, group in tl.by_year(views, lambda v: v.year)
    ]


BROWSE_LIMIT = 24
"""Links of each kind in every page's footer; the rest are on tags/ and actors/."""


def count_words(n: int, words: Words) -> str:
    """'1 event', '6 events', in the interface's language."""
    return words.text["event_count_one" if n == 1 else "event_count_many"].replace("{n}", str(n))


def duration(start: PartialDate, end: PartialDate | None, locale: str) -> str:
    """A period's length in words, whole days counted ("2 jours", "6 semaines", "5 ans")."""
    if end is None or end == start:
        return ""
    days = (ov.year_position(end, end=True) - ov.year_position(start)) * 365.2425
    return _days(max(1, round(days)), locale)


@functools.cache
def _days(days: int, locale: str) -> str:
    """A number of days in words: Babel takes a tenth of a millisecond for each, and a
    timeline's periods last the same few lengths again and again."""
    return str(format_timedelta(dt.timedelta(days=days), threshold=2, granularity="day",
                                locale=locale))


def frise_labels(words: Words) -> fr.Labels:
    item = words.text.get("overview_item", "{year}: {count}")
    return fr.Labels(
        year=lambda y: format_date(PartialDate(y), words.dates),
        month=lambda y, m: format_date(PartialDate(y, m), words.dates),
        count=lambda text, n: item.replace("{year}", text).replace("{count}",
                                                                   count_words(n, words)),
    )


def frise_item(v: EventView, root: str, place: str) -> fr.Item:
    """An event as the frise draws it; `place` is where it sits in the lists."""
    e = v.event
    end = ov.year_position(e.end, end=True) if e.end and e.end != e.date else None
    tail = f" · {v.duration}" if v.duration else ""
    return fr.Item(v.id, root + v.path, place, ov.year_position(e.date), end,
                   e.title + tail, f"{e.title}{tail} ({v.when})", e.featured)


class TimeLayout(TypedDict):
    """What a list page draws of time."""

    frise: fr.Frise | None
    """The frise, or None when there is nothing to draw."""
    lanes: ov.Lanes
    """The lanes of periods beside the list of events."""


def time_layout(views: list[EventView], years: list[YearView], words: Words, root: str,
                place: Callable[[EventView], str] | None = None) -> TimeLayout:
    """What a list page draws of time: the frise, and the lanes of periods in the list.

    `place(view)` is where an event sits when the list is on other pages (period
    pages); by default it is on this page, and the frise's year ticks link to its years.
    """
    anchors = {y.year: y.anchor for y in years}
    where = place or (lambda v: "#" + v.id)
    drawn = fr.draw([frise_item(v, root, where(v)) for v in views], frise_labels(words),
                    (lambda y: "#" + anchors[y] if y in anchors else None) if place is None
                    else (lambda y: None))
    spans = [ov.Span(v.id, v.event.date, v.event.end) for v in views]
    return {"frise": drawn, "lanes": ov.lanes(spans)}


def counts_layout(events: Sequence[Event], featured: list[EventView], words: Words, root: str,
                  place: Callable[[Event], str], view: Callable[[Event], EventView]
                  ) -> TimeLayout:
    """What a list cut into periods draws of time: the frise of its events, more than
    MAX_MARKS, so counted per bin with only the longest periods labelled; and the lanes
    of its featured events. Only a period drawn as a bar is drawn with its words, so only
    those get a `view` (typeset title, dates in words): at 10,000 events a view of each
    event took most of the time of the index page, and one of each period still half."""
    assert len(events) > fr.MAX_MARKS, "a frise of fewer events draws each one's name"
    items = [fr.Item(e.id, root + urls.event_path(e.id), place(e), ov.year_position(e.date),
                     ov.year_position(e.end, end=True) if e.end and e.end != e.date else None,
                     "", "", e.featured) for e in events]
    bars = {item.key for item in fr.longest([i for i in items if i.end is not None])}
    items = [frise_item(view(e), root, item.place) if item.key in bars else item
             for e, item in zip(events, items, strict=True)]
    return {"frise": fr.draw(items, frise_labels(words)),
            "lanes": ov.lanes([ov.Span(v.id, v.event.date, v.event.end) for v in featured])}


class CitationView(TypedDict):
    """One source of an event's page."""

    source: Source
    quotes: list[str]
    """Every quote the event draws from the source, in its order."""
    quote: str | None
    """The first quote, or None."""
    date: Html | None
    """The source's date in `<time>` (see `time_html`), or None."""


def citation(source: Source, quotes: list[str], words: Words) -> CitationView:
    """One source of an event's page, with every quote the event draws from it."""
    return {
        "source": source,
        "quotes": quotes,
        "quote": quotes[0] if quotes else None,
        "date": time_html(source.date, format_date(source.date, words.dates))
        if source.date else None,
    }


def period_label(period: pd.Period, words: Words) -> str:
    """'1990 – 1999', '1990', 'juillet 1990', 'juillet 1990 (2)'."""
    if period.years == 10:
        return words.dates.range.format(
            start=format_date(PartialDate(period.start), words.dates),
            end=format_date(PartialDate(period.start + 9), words.dates))
    if period.years == 1:
        return format_date(PartialDate(period.start), words.dates)
    text = format_date(PartialDate(period.start, period.month), words.dates)
    return f"{text} ({period.part})" if period.part > 1 else text


def by_name(actors: Sequence[Actor]) -> list[Actor]:
    """Actors as readers look for them: by name, then id."""
    return sorted(actors, key=lambda a: (a.name.casefold(), a.id))


def event_view(e: Event, words: Words, markup: MarkdownConverter, kept: bool = False
               ) -> EventView:
    """What every page showing the event needs of it, made once per build. A view `kept`
    beyond this build holds its summary, not this build's converter."""
    return EventView(
        event=e,
        path=urls.event_path(e.id),
        when=format_range(e.date, e.end, words.dates),
        year=e.date.year,
        duration=duration(e.date, e.end, words.dates.locale),
        summary_html=trusted(markup.block(e.summary)) if kept else None,
        markdown=None if kept else markup,
        words=words,
    )
