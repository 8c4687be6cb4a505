"""Pure rendering: (timeline, theme) → the list of files of the site, in memory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import jinja2
from markupsafe import Markup as Html
from markupsafe import escape

from . import overview as ov
from . import timeline as tl
from . import typography, urls
from .dates import PartialDate, format_date, format_range, range_parts
from .errors import FriseError
from .linked_data import LinkedData
from .markup import Markup, trusted
from .model import Actor, Event, Source, Tag, Timeline
from .templates import Theme, Words, template_error


@dataclass(frozen=True, slots=True)
class Output:
    """One file of the site: its path under the output folder and its bytes."""

    path: str
    data: bytes




@dataclass(frozen=True, slots=True)
class EventView:
    """An event with everything its pages show, computed once per build."""

    event: Event
    path: str
    when: str
    """The date or period in words, as plain text."""
    when_html: Html
    """The same inside `<time datetime>`, or a `data-edtf` span where HTML cannot say it."""
    summary: Html
    year: int

    @property
    def id(self) -> str:
        return self.event.id


@dataclass(frozen=True, slots=True)
class YearView:
    year: int
    label: str
    anchor: str
    events: list[EventView]


def time_html(date: PartialDate, text: str) -> Html:
    """A date for machines and people: `<time>` where HTML can say it, else a span."""
    if date.html_datetime:
        return Html('<time datetime="{0}" data-edtf="{1}">{2}</time>').format(
            date.html_datetime, date.edtf, text)
    return Html('<span class="date" data-edtf="{0}">{1}</span>').format(date.edtf, text)


def when_html(start: PartialDate, end: PartialDate | None, words: Words) -> Html:
    first, last = range_parts(start, end, words.dates)
    if end is None or last is None:
        return time_html(start, first)
    pattern = trusted(escape(words.dates.range).replace("{start}", "{0}").replace("{end}", "{1}"))
    return pattern.format(time_html(start, first), time_html(end, last))


def event_views(timeline: Timeline, words: Words, markup: Markup) -> list[EventView]:
    return [
        EventView(
            event=e,
            path=urls.event_path(e.id),
            when=format_range(e.date, e.end, words.dates),
            when_html=when_html(e.date, e.end, words),
            summary=trusted(markup.block(e.summary)),
            year=e.date.year,
        )
        for e in timeline.events
    ]


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


def time_layout(views: list[EventView], years: list[YearView], words: Words
                ) -> dict[str, object]:
    """What a list page draws of time: the overview strip and the lanes of periods."""
    spans = [ov.Span(v.id, v.event.date, v.event.end) for v in views]
    item = words.text.get("overview_item", "{year}: {count}")
    strip = ov.strip(
        [(y.year, len(y.events), y.anchor) for y in years],
        [s for s in spans if s.end is not None and s.end != s.start],
        lambda year: format_date(PartialDate(year), words.dates),
        lambda text, n: item.replace("{year}", text).replace("{count}", count_words(n, words)),
    )
    return {"overview": strip, "lanes": ov.lanes(spans)}


def _citation(source: Source, quotes: list[str], words: Words) -> dict[str, object]:
    """One source of an event's page, with every quote the event draws from it."""
    return {
        "source": source,
        "quotes": quotes,
        "quote": quotes[0] if quotes else None,
        "date": time_html(source.date, format_date(source.date, words.dates))
        if source.date else None,
    }


class _Fragments:
    """HTML shared by many pages, rendered once per link depth (`root`) and reused.

    The same card appears on the index and on several tag and actor pages, and the same
    footer on every page: rendering them once keeps the build linear in the events.
    """

    def __init__(self, env: jinja2.Environment, context: dict[str, object]) -> None:
        self.env = env
        self.context = context
        self.cards: dict[tuple[str, str], Html] = {}
        self.macros: Any = None
        """The theme's macros module, loaded at the first card."""
        self.footers: dict[str, Html] = {}

    def article(self, ev: EventView, root: str) -> Html:
        key = (ev.id, root)
        html = self.cards.get(key)
        if html is None:
            if self.macros is None:
                self.macros = self.env.get_template("_macros.html").module
            html = self.cards[key] = self.macros.card_article(ev, root, self.context["t"])
        return html

    def browse(self, root: str) -> Html:
        html = self.footers.get(root)
        if html is None:
            html = self.footers[root] = trusted(
                self.env.get_template("_browse.html").render(**self.context, root=root))
        return html


class _Renderer:
    """Renders pages of one build; holds the shared context so each page adds only its own."""

    def __init__(self, timeline: Timeline, theme: Theme, words: Words,
                 markup: Markup | None = None) -> None:
        self.timeline = timeline
        self.env = theme.env
        self.words = words
        self.markup = markup or Markup()
        self.site = typography.site(timeline.site)
        self.actors_by_name = sorted(timeline.actors, key=lambda a: (a.name.casefold(), a.id))
        self.common = {
            "site": self.site,
            "t": words.text,
            "lang": self.site.language,
            "description": trusted(self.markup.inline(self.site.description)),
            "tags": timeline.tags,
            "actors": timeline.actors,
            "actors_by_name": self.actors_by_name,
            "browse_limit": BROWSE_LIMIT,
            "linked_data": LinkedData(self.site),
        }
        fragments = _Fragments(self.env, dict(self.common))
        self.common.update(article=fragments.article, browse=fragments.browse)

    def page(self, template: str, path: str, **context: object) -> Output:
        root = urls.root_of(path)
        if path == "404.html" and self.site.base_url:
            root = self.site.base_url  # hosts serve it at any depth: links need the absolute root
        try:
            html = self.env.get_template(template).render(
                **self.common, **context, root=root, path=path,
                canonical=urls.absolute(self.site.base_url, path),
            )
        except jinja2.TemplateError as exc:
            raise template_error(exc) from None
        except (TypeError, AttributeError, KeyError, ValueError) as exc:
            raise template_error(exc) from None
        return Output(path, html.encode("utf-8"))

    def all(self, extras: list[Callable[[Timeline, Words], Iterator[Output]]]) -> list[Output]:
        views = event_views(self.timeline, self.words, self.markup)
        by_id = {v.id: v for v in views}
        years = year_views(views, self.words)
        tag_events = tl.index_by(self.timeline.events, "tags")
        actor_events = tl.index_by(self.timeline.events, "actors")
        counts = {f"t:{k}": len(v) for k, v in tag_events.items()}
        counts.update((f"a:{k}", len(v)) for k, v in actor_events.items())
        outputs = [self.page("index.html", urls.INDEX, years=years, events=views,
                             counts=counts, **time_layout(views, years, self.words))]
        near = tl.neighbours(self.timeline.events)
        related = tl.related(self.timeline.events)
        md = self.markup
        for view in views:
            e = view.event
            prev, nxt = near[e.id]
            outputs.append(self.page(
                "event.html", view.path, ev=view, event=e,
                body=trusted(md.block(e.body)),
                notes=[{"kind": n.kind, "heading": self.words.note_heading(n.kind),
                        "html": trusted(md.block(n.text))} for n in e.notes],
                citations=[_citation(s, q, self.words) for s, q in tl.by_source(e.citations)],
                previous=by_id[prev.id] if prev else None,
                next=by_id[nxt.id] if nxt else None,
                related=[by_id[r.id] for r in related[e.id]],
            ))
        for tag in self.timeline.tags:
            outputs.append(self._group("tag.html", urls.tag_path(tag.slug), tag,
                                       [by_id[e.id] for e in tag_events[tag.slug]]))
        for actor in self.timeline.actors:
            outputs.append(self._group("actor.html", urls.actor_path(actor.id), actor,
                                       [by_id[e.id] for e in actor_events[actor.id]]))
        if self.timeline.tags:
            outputs.append(self._directory(urls.TAGS_INDEX, "tags", [
                (urls.tag_path(t.slug), t.label, "", len(tag_events[t.slug]))
                for t in self.timeline.tags]))
        if self.timeline.actors:
            outputs.append(self._directory(urls.ACTORS_INDEX, "actors", [
                (urls.actor_path(a.id), a.name, a.role or "", len(actor_events[a.id]))
                for a in self.actors_by_name]))
        outputs.append(self.page("404.html", "404.html"))
        for extra in extras:
            outputs.extend(extra(self.timeline, self.words))
        return outputs

    def _directory(self, path: str, kind: str,
                   entries: list[tuple[str, str, str, int]]) -> Output:
        """The page listing every tag or every actor, with their number of events."""
        return self.page("directory.html", path, heading=self.words.text[kind], entries=[
            {"path": p, "label": label, "detail": detail, "count": n}
            for p, label, detail, n in entries])

    def _group(self, template: str, path: str, item: Tag | Actor,
               events: list[EventView]) -> Output:
        description = (trusted(self.markup.inline(item.description))
                       if isinstance(item, Tag) else "")
        years = year_views(events, self.words)
        return self.page(template, path, item=item, description_html=description,
                         years=years, events=events, **time_layout(events, years, self.words))


def render(timeline: Timeline, theme: Theme, words: Words,
           extras: list[Callable[[Timeline, Words], Iterator[Output]]] | None = None,
           markup: Markup | None = None) -> list[Output]:
    """Every file of the site, pages then assets, in a fixed order.

    `markup` may hold Markdown already converted (see markup.convert_all).
    Raises FriseError located in the template when a template is wrong.
    """
    timeline = typography.timeline(timeline)  # plain text; Markup typesets the Markdown
    words = replace(words, text=typography.words(words.text, words.language))
    markup = markup or Markup(language=timeline.site.language)
    outputs = _Renderer(timeline, theme, words, markup).all(extras or [])
    outputs.extend(Output(path, data) for path, data in theme.assets().items())
    seen: set[str] = set()
    for out in outputs:
        key = out.path.casefold()
        if key in seen:
            raise FriseError(f"two outputs would be written to '{out.path}'")
        seen.add(key)
    return outputs
