"""What templates receive: the context of every kind of page, for theme authors.

A page's template gets three dicts merged into one: `SiteContext`, the same on every
page of a build; `PageContext`, where the page is (its `root`, its `path` and `url`,
the helper that gives every link); and the context of its kind (`IndexContext`,
`EventContext`, ...), whose `kind` names it. `Renderer` in `render.py` builds them
and mypy checks them; a name a template uses and no context holds is an error at
build time (the environment's undefined is strict).

`_browse.html`, the footer's links rendered once per depth for every page, gets
`SiteContext` with `root` and `url` only; the macros of `_macros.html` get what
their arguments give.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, TypedDict

from markupsafe import Markup as Html

from ..content.config import Site
from ..content.model import Actor, Event, Tag
from .linked_data import LinkedData
from .urls import Links
from .views import CitationView, EventView, TimeLayout, YearView

Kind = Literal["index", "event", "tag", "actor", "period", "directory", "404"]
"""The kinds of page, as `kind` names them: one template each (`tag.html`, ...),
except that `directory.html` lists either every tag or every actor."""


class SiteContext(TypedDict):
    """What every page of a build shares."""

    site: Site
    """The settings of `content/site.yaml`, typeset."""
    t: dict[str, str]
    """The interface's words in the site's language (`templates/i18n/<language>.yaml`)."""
    lang: str
    description: Html
    """The site's description as HTML."""
    tags: tuple[Tag, ...]
    """Every tag, in the order of `tags.yaml`."""
    actors: tuple[Actor, ...]
    """Every actor, in the order of `actors.yaml`."""
    actors_by_name: list[Actor]
    browse_limit: int
    """The links of each kind the footer shows; the rest are on `url.tags`, `url.actors`."""
    linked_data: LinkedData
    """JSON-LD: `linked_data.index(events, root)`, `linked_data.event(ev, root)`."""
    article: Callable[[EventView, Links], Html]
    """An event's card (`card_article` of `_macros.html`), rendered once per depth."""
    browse: Callable[[Links], Html]
    """The footer's links to tags and actors (`_browse.html`), rendered once per depth."""


class PageContext(TypedDict):
    """Where a page is: the same keys on every page, their values its own."""

    root: str
    """The prefix back to the site's root: '', '../../', or on the 404 page the site's
    `base_url` when it is set (hosts serve that page at any depth)."""
    path: str
    """The output path: `events/<id>/index.html`."""
    canonical: str | None
    """The page's absolute URL, when `base_url` is set."""
    url: Links
    """Every link of the page, relative to `root`: `url.index`, `url.event(id)`,
    `url.tag(slug)`, `url.actor(id)`, `url.stylesheet`, ... (see `urls.Links`)."""


class YearSpan(TypedDict):
    """The years a list runs over, in words; `last` is empty for a single year."""

    first: str
    last: str


class PeriodEntry(TypedDict):
    """The way into one period of a list cut into period pages."""

    path: str
    """Its URL, relative to the page already."""
    label: str
    """'1990 – 1999', 'juillet 1990'."""
    count: int
    group: str
    """The period's first year in words when it spans less than a decade, else ''."""


class ListContext(TimeLayout):
    """A whole list of events (the index, a tag's or an actor's page): on one page, or
    past 150 events the frise, the featured events and the way into each period."""

    years: list[YearView]
    """The events shown here by year: all of them, or the featured ones."""
    events: list[EventView]
    """The events shown here (see `years`)."""
    count: int
    """Every event of the list, on this page or in its periods."""
    periods: list[PeriodEntry]
    """Empty when the whole list is on this page."""
    span: YearSpan


class IndexContext(ListContext):
    kind: Literal["index"]
    counts: dict[str, int]
    """Events per tag (`"t:<slug>"`) and per actor (`"a:<id>"`), for the filters."""


class TagContext(ListContext):
    kind: Literal["tag"]
    item: Tag
    description_html: Html
    """The tag's description as HTML (empty when it has none)."""


class ActorContext(ListContext):
    kind: Literal["actor"]
    item: Actor
    description_html: str
    """Always empty: actors have no description (the key is shared with tags)."""


class Note(TypedDict):
    kind: str
    """`disagree`, `unconfirmed`, `precision` or `correction`."""
    heading: str
    html: Html


class EventContext(TypedDict):
    kind: Literal["event"]
    ev: EventView
    event: Event
    summary_text: str
    """The summary as plain text, for the page's description (made once per page)."""
    body: Html
    notes: list[Note]
    citations: list[CitationView]
    previous: EventView | None
    next: EventView | None
    related: list[EventView]
    back: str
    """The output path of the list the event is in: the index or its period's page;
    link to it with `url.to(back)`."""


class PeriodLink(TypedDict):
    path: str
    """Its URL, relative to the page already."""
    label: str


class PeriodContext(TimeLayout):
    """One period of a list cut into periods."""

    kind: Literal["period"]
    scope: Tag | Actor | None
    """Whose list the period is of: a tag, an actor, or None for the whole timeline."""
    scope_kind: Literal["tag", "actor"] | None
    up: str
    """The URL of the whole list, relative to the page already."""
    label: str
    years: list[YearView]
    events: list[EventView]
    count: int
    previous: PeriodLink | None
    next: PeriodLink | None


class DirectoryEntry(TypedDict):
    path: str
    """The output path of the tag's or actor's page: link to it with `url.to(path)`."""
    label: str
    detail: str
    """The actor's role; empty for a tag."""
    count: int


class DirectoryContext(TypedDict):
    """The page listing every tag (`tags/index.html`) or every actor."""

    kind: Literal["directory"]
    listing: Literal["tags", "actors"]
    heading: str
    entries: list[DirectoryEntry]


class NotFoundContext(TypedDict):
    kind: Literal["404"]


KindContext = (IndexContext | EventContext | TagContext | ActorContext | PeriodContext
               | DirectoryContext | NotFoundContext)
"""The context of one kind of page, as the Renderer makes it."""
