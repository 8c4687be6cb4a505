"""The timeline as frozen data: what validation produces and rendering reads. No I/O."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import SourceLocation
from .config import Site
from .dates import PartialDate

ACTOR_KINDS = ("person", "organisation", "country", "place")
NOTE_KINDS = ("disagree", "unconfirmed", "precision", "correction")
"""What an editor's note is: sources disagree; a fact is not confirmed; a precision
the sources give; a correction of the source or of an earlier version of the page."""


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
    """The source's own title, in its own language; '' when it is unknown."""
    url: str | None = None
    publisher: str | None = None
    author: str | None = None
    date: PartialDate | None = None
    language: str | None = None
    text: str | None = None
    """Path of the full text under `content/`, against which quotes are checked."""
    description: str = ""
    """What the source is, in the editor's words: shown as a description, never as a title."""


@dataclass(frozen=True, slots=True)
class Citation:
    """One source cited by one event, with the sentence the event was drawn from."""

    source: Source
    quote: str | None = None


@dataclass(frozen=True, slots=True)
class Note:
    """An editor's note on an event, headed by what it is (one of NOTE_KINDS)."""

    kind: str
    text: str
    """Markdown."""


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
    notes: tuple[Note, ...] = ()
    """Shown visibly on the event's page, each under the heading of its kind."""
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
