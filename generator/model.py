"""The timeline as frozen data: what validation produces and rendering reads. No I/O."""

from __future__ import annotations

from dataclasses import dataclass

from .config import Site
from .dates import PartialDate
from .errors import SourceLocation

ACTOR_KINDS = ("person", "organisation", "country", "place")


@dataclass(frozen=True, slots=True)
class Tag:
    slug: str
    label: str
    description: str = ""
    """Inline Markdown."""


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name: str
    kind: str
    role: str | None = None
    url: str | None = None
    aliases: tuple[str, ...] = ()
    """Other spellings of the name (Aliev, Hassanov), which search also finds."""


@dataclass(frozen=True, slots=True)
class Source:
    """A publication cited by events; `id` is None for a source written in place."""

    id: str | None
    title: str
    url: str | None = None
    publisher: str | None = None
    author: str | None = None
    date: PartialDate | None = None
    language: str | None = None
    text: str | None = None
    """Path of the full text under `content/`, against which quotes are checked."""


@dataclass(frozen=True, slots=True)
class Citation:
    """One source cited by one event, with the sentence the event was drawn from."""

    source: Source
    quote: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    title: str
    date: PartialDate
    summary: str
    """Markdown, one or two sentences."""
    end: PartialDate | None = None
    body: str = ""
    """Markdown, the longer story."""
    note: str = ""
    """Markdown: where sources disagree, shown visibly on the event's page."""
    tags: tuple[Tag, ...] = ()
    actors: tuple[Actor, ...] = ()
    citations: tuple[Citation, ...] = ()
    featured: bool = False
    draft: bool = False
    location: SourceLocation | None = None

    @property
    def sort_key(self) -> tuple[tuple[int, int, int], tuple[int, int, int], str]:
        """By date (a coarser date first), then end, then id: never file-system order."""
        return (self.date.start_key, (self.end or self.date).start_key, self.id)


@dataclass(frozen=True, slots=True)
class Timeline:
    """A whole validated site: settings and events in their final order."""

    site: Site
    events: tuple[Event, ...]
    tags: tuple[Tag, ...]
    """Tags used by at least one published event, sorted by slug."""
    actors: tuple[Actor, ...]
    """Actors of at least one published event, sorted by id."""
