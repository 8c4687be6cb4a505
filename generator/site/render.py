"""Pure rendering: the site's plan (every file and what it is made from), then each
page's bytes from its entry of the plan, one at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Literal

import jinja2
from markupsafe import Markup as Html

from ..content.dates import PartialDate, format_date
from ..content.model import Actor, Event, Tag, Timeline
from . import periods as pd
from . import timeline as tl
from . import typography, urls
from .contexts import (
    ActorContext,
    DirectoryContext,
    DirectoryEntry,
    EventContext,
    IndexContext,
    KindContext,
    ListContext,
    NotFoundContext,
    PageContext,
    PeriodContext,
    PeriodEntry,
    PeriodLink,
    SiteContext,
    TagContext,
    YearSpan,
)
from .linked_data import LinkedData
from .markdown import ROOT, MarkdownConverter, at_root, trusted
from .output import Output
from .pieces import Joined, Previous, join
from .theme import Theme, Words, template_error
from .views import (
    BROWSE_LIMIT,
    EventView,
    by_name,
    citation,
    counts_layout,
    event_view,
    period_label,
    time_layout,
    year_views,
)


class _Fragments:
    """HTML shared by many pages, rendered once and reused.

    The same card appears on the index and on several tag and actor pages, and the same
    footer on every page: rendering them once keeps the build linear in the events.
    Their links lead from `markdown.ROOT`, which each page replaces with its own way
    back to the site's root as it is written (`at_root`), as for converted Markdown.
    """

    LINKS = urls.Links(ROOT)

    def __init__(self, env: jinja2.Environment, t: dict[str, str],
                 memo: dict[tuple[object, ...], Any], key: Callable[[Event], object]) -> None:
        self.env = env
        self.t = t
        self.context: SiteContext | None = None
        """What `_browse.html` is rendered with, set once the Renderer has made it."""
        self.memo = memo
        self.key = key
        self.macros: Any = None
        """The theme's macros module, loaded at the first card."""
        self.footer: Html | None = None

    def article(self, ev: EventView, url: urls.Links) -> Html:
        """The card's article, its links from ROOT (`url` is the page's: unused)."""
        key = ("card", self.key(ev.event))
        html: Html | None = self.memo.get(key)
        if html is None:
            if self.macros is None:
                self.macros = self.env.get_template("_macros.html").module
            html = self.memo[key] = self.macros.card_article(ev, self.LINKS, self.t)
        return html

    def browse(self, url: urls.Links) -> Html:
        """The footer, its links from ROOT (`url` is the page's: unused)."""
        if self.footer is None:
            assert self.context is not None
            self.footer = trusted(self.env.get_template("_browse.html").render(
                **self.context, root=ROOT, url=self.LINKS))
        return self.footer


@dataclass(frozen=True, slots=True)
class Page:
    """One entry of the site's plan: a file to write, and everything it is made from.

    `inputs` are the model objects the file shows beyond what every page shares (the
    site, the interface words, the tags and actors): the page's fingerprint is made from
    them, and its context is built from them alone, so a page whose inputs and shared
    context are unchanged renders to the same bytes. `make` builds generated files
    (exports, feeds) instead of a template; one entry may write several `paths`.
    """

    paths: tuple[str, ...]
    template: str
    inputs: tuple[object, ...]
    make: Callable[[MarkdownConverter, Timeline], Iterator[Output]] | None = field(default=None,
                                                                          compare=False)
    """Called with the build's converter and the timeline as generated files show it:
    each event's headline typeset (`Renderer.headline`: its title, tags and actors), its
    citations as typed, since none of these files shows them."""
    joined: Callable[[MarkdownConverter, Timeline], Joined] | None = field(default=None,
                                                                          compare=False)
    """For a file made of one piece per event: called with the build's converter and the
    timeline as planned; the renderer typesets only the events whose piece it makes."""

    @property
    def path(self) -> str:
        return self.paths[0]


Extra = Callable[[Timeline, Words], Iterator[Page]]
"""A plug-in adding generated files (exports, feeds) to the plan."""


def plan(timeline: Timeline, extras: Sequence[Extra], words: Words,
         ranking: tl.RankingKept | None = None) -> list[Page]:
    """Every page of the site, then the extras' files, as a plan: cheap, pure, no HTML
    yet. The writer checks that no two of them share a path. `ranking` keeps the
    related events of each event for the next build (see `timeline.related`)."""
    events = timeline.events
    near = tl.neighbours(events)
    related = tl.related(events, kept=ranking)
    tag_events = tl.index_by(events, "tags")
    actor_events = tl.index_by(events, "actors")
    split = pd.split(events)
    home = pd.where(split)
    pages = [Page((urls.INDEX,), "index.html", (events, _counts(tag_events, actor_events)))]
    for e in events:
        prev, nxt = near[e.id]
        back = urls.period_path(home[e.id]) if e.id in home else urls.INDEX
        pages.append(Page((urls.event_path(e.id),), "event.html",
                          (e, prev, nxt, tuple(related[e.id]), back)))
    pages.extend(_period_pages(None, urls.INDEX, split))
    for tag in timeline.tags:
        held = tuple(tag_events[tag.slug])
        pages.append(Page((urls.tag_path(tag.slug),), "tag.html", (tag, held)))
        pages.extend(_period_pages(tag, urls.tag_path(tag.slug), pd.split(held)))
    for actor in timeline.actors:
        held = tuple(actor_events[actor.id])
        pages.append(Page((urls.actor_path(actor.id),), "actor.html", (actor, held)))
        pages.extend(_period_pages(actor, urls.actor_path(actor.id), pd.split(held)))
    if timeline.tags:
        pages.append(Page((urls.TAGS_INDEX,), "directory.html", ("tags", tuple(
            (t, len(tag_events[t.slug])) for t in timeline.tags))))
    if timeline.actors:
        pages.append(Page((urls.ACTORS_INDEX,), "directory.html", ("actors", tuple(
            (a, len(actor_events[a.id])) for a in by_name(timeline.actors)))))
    pages.append(Page((urls.NOT_FOUND,), "404.html", ()))
    for extra in extras:
        pages.extend(extra(timeline, words))
    return pages


def _period_pages(scope: Tag | Actor | None, of: str, split: pd.Split) -> list[Page]:
    """The period pages of the list page `of` (the index, a tag's or an actor's page),
    each with its neighbours, for the links from one period to the next."""
    refs = [period for period, _ in split]
    return [Page((urls.period_path(period.key, of),), "period.html",
                 (scope, of, period, held, refs[i - 1] if i else None,
                  refs[i + 1] if i + 1 < len(refs) else None))
            for i, (period, held) in enumerate(split)]


_LISTS = ("index.html", "tag.html", "actor.html")
"""The templates of whole lists, whose events are typeset only as far as they are shown."""

FEATURED_LIMIT = 50
"""Featured events shown on a list page cut into periods; the others are in their periods."""


def _counts(tag_events: dict[str, list[Event]], actor_events: dict[str, list[Event]]
            ) -> tuple[tuple[str, int], ...]:
    counts = [(f"t:{k}", len(v)) for k, v in tag_events.items()]
    counts += [(f"a:{k}", len(v)) for k, v in actor_events.items()]
    return tuple(counts)


class Renderer:
    """Renders the pages of one build's plan; holds what every page shares.

    Views of events and their cards are made on first use and kept in `memo`, so that
    each is computed once per process however many pages show it. `key` names an event
    by everything its view and card are made from (by default its id: one build); with
    its fingerprint, `frise serve` keeps `memo` from one build to the next. The pieces
    of joined files found in `previous` under their `piece_key` are not made again.
    """

    def __init__(self, timeline: Timeline, theme: Theme, words: Words, markup: MarkdownConverter,
                 memo: dict[tuple[object, ...], Any] | None = None,
                 key: Callable[[Event], object] | None = None,
                 piece_key: Callable[[Event], str] | None = None,
                 previous: Mapping[str, Previous] | None = None) -> None:
        self.env = theme.env
        self.timeline = timeline
        self.words = words
        self.markup = markup
        self.site = typography.site(timeline.site)
        self.typeset = typography.Typesetter(timeline)
        self._shown: Timeline | None = None
        """The whole timeline as generated files show it, made when one first needs it."""
        tags = tuple(self.typeset.tags[t.slug] for t in timeline.tags)
        actors = tuple(self.typeset.actors[a.id] for a in timeline.actors)
        self.memo: dict[tuple[object, ...], Any] = {} if memo is None else memo
        self.kept = memo is not None
        """Views outlive this build (`frise serve`): they hold their summary."""
        self.key: Callable[[Event], object] = key or (lambda e: e.id)
        self.piece_key: Callable[[Event], str] = piece_key or (lambda e: e.id)
        """Names an event by all its pieces of the exports are made from (`pieces`)."""
        self.previous: Mapping[str, Previous] = previous or {}
        """The current site's copies of the joined files, whose pieces may be reused."""
        fragments = _Fragments(self.env, words.text, self.memo, self.key)
        self.common: SiteContext = {
            "site": self.site,
            "t": words.text,
            "lang": self.site.language,
            "description": trusted(markup.inline(self.site.description)),
            "tags": tags,
            "actors": actors,
            "actors_by_name": by_name(actors),
            "browse_limit": BROWSE_LIMIT,
            "linked_data": LinkedData(self.site),
            "article": fragments.article,
            "browse": fragments.browse,
        }
        fragments.context = self.common

    def shown(self, e: Event) -> Event:
        """The event as pages show it (its plain text typeset), kept in `memo` like its
        view: event pages and lists show it again and again."""
        key = ("shown", self.key(e))
        found: Event | None = self.memo.get(key)
        if found is None:
            found = self.memo[key] = self.typeset.event(e)
        return found

    def headline(self, e: Event) -> Event:
        """The event as generated files and the frise show it (typography.headline), or
        whole when it is typeset already."""
        key = self.key(e)
        found: Event | None = self.memo.get(("shown", key)) or self.memo.get(("headline", key))
        if found is None:
            found = self.memo["headline", key] = self.typeset.headline(e)
        return found

    def view(self, e: Event) -> EventView:
        """The view of an event as pages show it (`shown`)."""
        key = ("view", self.key(e))
        found: EventView | None = self.memo.get(key)
        if found is None:
            found = self.memo[key] = event_view(e, self.words, self.markup, self.kept)
        return found

    def mark(self, e: Event) -> EventView:
        """What the frise and the lanes of a list cut into periods need of an event the
        page does not show: its dates, and its headline (`headline`). Its view when
        there is one; else a view of the headline, kept like views, never shown."""
        key = self.key(e)
        found: EventView | None = self.memo.get(("view", key)) or self.memo.get(("mark", key))
        if found is None:
            found = self.memo["mark", key] = event_view(self.headline(e), self.words,
                                                        self.markup, self.kept)
        return found

    def render(self, page: Page) -> Iterator[Output]:
        """The file or files of one entry of the plan."""
        if page.joined is not None:
            data, spans = join(page.joined(self.markup, self.timeline), self.piece_key,
                               self.shown, self.previous.get(page.path))
            yield Output(page.path, data, spans)
            return
        if page.make is not None:
            if self._shown is None:
                self._shown = self.typeset.timeline(self.headline)
            yield from page.make(self.markup, self._shown)
            return
        lists = page.template in _LISTS  # their events are typeset as they are shown
        inputs = [item if lists and isinstance(item, tuple) else self._display(item)
                  for item in page.inputs]
        context: KindContext = getattr(self, "_" + page.template.removesuffix(".html"))(*inputs)
        yield self._page(page.template, page.path, context)

    def _display(self, item: object) -> Any:
        """An input of the plan as pages show it: its plain text typeset."""
        if isinstance(item, Event):
            return self.shown(item)
        if isinstance(item, Tag):
            return self.typeset.tag(item)
        if isinstance(item, Actor):
            return self.typeset.actor(item)
        if isinstance(item, tuple):
            return tuple(self._display(x) for x in item)
        return item

    def _page(self, template: str, path: str, context: KindContext) -> Output:
        root = urls.root_of(path)
        if path == urls.NOT_FOUND and self.site.base_url:
            root = self.site.base_url  # hosts serve it at any depth: links need the absolute root
        where: PageContext = {"root": root, "path": path, "url": urls.Links(root),
                              "canonical": urls.absolute(self.site.base_url, path)}
        try:
            html = self.env.get_template(template).render(**self.common, **where, **context)
        except jinja2.TemplateError as exc:
            raise template_error(exc) from None
        except (TypeError, AttributeError, KeyError, ValueError) as exc:
            raise template_error(exc) from None
        return Output(path, at_root(html, root).encode("utf-8"))

    def _list(self, events: Sequence[Event], of: str) -> ListContext:
        """A whole list of events (the index, a tag's or an actor's page): on one page,
        or past PAGE_LIMIT the frise, the featured events and the way into each period.
        `events` are as planned: only those the page lists are typeset whole."""
        root = urls.root_of(of)
        links = urls.Links(root)
        first, last = events[0].date.year, events[-1].date.year
        span: YearSpan = {"first": format_date(PartialDate(first), self.words.dates),
                          "last": format_date(PartialDate(last), self.words.dates)
                          if last != first else ""}
        split = pd.split(events)
        if not split:
            views = [self.view(self.shown(e)) for e in events]
            years = year_views(views, self.words)
            return {"years": years, "events": views, "count": len(views), "periods": [],
                    "span": span, **time_layout(views, years, self.words, root)}
        home = {e.id: links.period(p.key, of) for p, held in split for e in held}
        featured = [self.view(self.shown(e)) for e in
                    islice((e for e in events if e.featured), FEATURED_LIMIT)]
        layout = counts_layout(events, featured, self.words, root,
                               lambda e: f"{home[e.id]}#{e.id}", self.mark)
        periods: list[PeriodEntry] = [
            {"path": links.period(p.key, of), "label": period_label(p, self.words),
             "count": p.size,
             "group": format_date(PartialDate(p.start), self.words.dates) if p.years < 10 else ""}
            for p, _ in split]
        return {"years": year_views(featured, self.words), "events": featured,
                "count": len(events), "periods": periods, "span": span, **layout}

    def _index(self, events: Sequence[Event], counts: tuple[tuple[str, int], ...]
               ) -> IndexContext:
        return {**self._list(events, urls.INDEX), "kind": "index", "counts": dict(counts)}

    def _event(self, e: Event, prev: Event | None, nxt: Event | None,
               related: tuple[Event, ...], back: str = urls.INDEX) -> EventContext:
        md = self.markup
        view = self.view(e)
        return {
            "kind": "event",
            "ev": view, "event": e,
            "summary_text": view.summary.striptags(),
            "body": trusted(md.block(e.body)),
            "notes": [{"kind": n.kind, "heading": self.words.note_heading(n.kind),
                       "html": trusted(md.block(n.text))} for n in e.notes],
            "citations": [citation(s, q, self.words) for s, q in tl.by_source(e.citations)],
            "previous": self.view(prev) if prev else None,
            "next": self.view(nxt) if nxt else None,
            "related": [self.view(r) for r in related],
            "back": back,
        }

    def _tag(self, tag: Tag, events: tuple[Event, ...]) -> TagContext:
        return {"kind": "tag", "item": tag,
                "description_html": trusted(self.markup.inline(tag.description)),
                **self._list(events, urls.tag_path(tag.slug))}

    def _actor(self, actor: Actor, events: tuple[Event, ...]) -> ActorContext:
        return {"kind": "actor", "item": actor, "description_html": "",
                **self._list(events, urls.actor_path(actor.id))}

    def _period(self, scope: Tag | Actor | None, of: str, period: pd.Period,
                events: tuple[Event, ...], prev: pd.Period | None, nxt: pd.Period | None
                ) -> PeriodContext:
        """One period of a list cut into periods: its frise, its events, its neighbours."""
        root = urls.root_of(urls.period_path(period.key, of))
        links = urls.Links(root)
        views = [self.view(e) for e in events]
        years = year_views(views, self.words)

        def link(p: pd.Period | None) -> PeriodLink | None:
            return None if p is None else {"path": links.period(p.key, of),
                                           "label": period_label(p, self.words)}

        scope_kind: Literal["tag", "actor"] | None = (
            None if scope is None else "tag" if isinstance(scope, Tag) else "actor")
        return {"kind": "period", "scope": scope, "scope_kind": scope_kind,
                "up": links.to(of), "label": period_label(period, self.words),
                "years": years, "events": views, "count": len(views),
                "previous": link(prev), "next": link(nxt),
                **time_layout(views, years, self.words, root)}

    def _directory(self, listing: Literal["tags", "actors"],
                   items: tuple[tuple[Tag | Actor, int], ...]) -> DirectoryContext:
        """The page listing every tag or every actor, with their number of events."""
        entries: list[DirectoryEntry] = [
            {"path": urls.tag_path(item.slug), "label": item.label, "detail": "", "count": n}
            if isinstance(item, Tag) else
            {"path": urls.actor_path(item.id), "label": item.name, "detail": item.role or "",
             "count": n}
            for item, n in items]
        return {"kind": "directory", "listing": listing, "heading": self.words.text[listing],
                "entries": entries}

    def _404(self) -> NotFoundContext:
        return {"kind": "404"}


def markdown_texts(pages: Iterable[Page], timeline: Timeline) -> set[str]:
    """The Markdown texts that rendering `pages` converts, to convert them in one batch:
    the summary of every event a page shows, and the body and note of the event of an
    event page and of every event a generated file (export, feed) holds."""
    texts = {timeline.site.description}
    texts.update(tag.description for tag in timeline.tags)
    for page in pages:
        whole = page.make is not None or page.joined is not None
        for item in page.inputs:
            for e in item if isinstance(item, tuple) else (item,):
                if isinstance(e, Event):
                    texts.add(e.summary)
                    if whole:
                        texts.add(e.body)
                        texts.update(note.text for note in e.notes)
        if page.template == "event.html":
            own = page.inputs[0]
            assert isinstance(own, Event)
            texts.add(own.body)
            texts.update(note.text for note in own.notes)
    texts.discard("")
    return texts


def timeline_texts(timeline: Timeline) -> set[str]:
    """Every Markdown text of the timeline: what `markdown_texts` gives for a whole site
    plan, whose exports hold every event whole, found without walking the plan."""
    texts = {timeline.site.description}
    texts.update(tag.description for tag in timeline.tags)
    for e in timeline.events:
        texts.add(e.summary)
        texts.add(e.body)
        texts.update(note.text for note in e.notes)
    texts.discard("")
    return texts


def assets(theme: Theme) -> Page:
    """The theme's static files, as one entry of the plan (its inputs are their bytes)."""
    files = theme.assets()

    def make(markup: MarkdownConverter, timeline: Timeline) -> Iterator[Output]:
        return (Output(path, data) for path, data in files.items())

    return Page(tuple(files), "", (tuple(files.items()),), make)
