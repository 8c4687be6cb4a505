"""Fingerprints: everything a file of the site is made from, as one short digest.

A page's fingerprint covers what every page shares (frise's code and the libraries
that shape the output, every file of the theme, the interface words, the site's
settings, the tags and actors) and the page's own inputs from the plan. Rendering is a
pure function of exactly these, so a file whose fingerprint equals the one recorded for
the current site's copy has the same bytes, and can be taken from there instead of
rendered again. The key is the content itself: it cannot go stale the way a list of
changed files can.
"""

from __future__ import annotations

import hashlib

from ..content.model import Event, Timeline
from ..site.render import Page
from ..site.theme import Theme, Words
from .stamp import code_version


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def theme_digest(theme: Theme) -> bytes:
    """Every file of every theme folder, the project's own first: templates, interface
    words and assets, by their place in the override chain."""
    h = hashlib.blake2b(digest_size=16)
    for rank, folder in enumerate(theme.folders):
        for file in sorted(folder.rglob("*")):
            if file.is_file() and "__pycache__" not in file.parts:
                h.update(f"{rank}:{file.relative_to(folder).as_posix()}\0".encode())
                h.update(_digest(file.read_bytes()))
    return h.digest()


Digests = dict[int, tuple[Event, bytes]]
"""Events' digests by the event object's id (the event is kept, so the id cannot be
reused): what `frise serve` keeps from one build to the next, where validation hands
back the same event for an unchanged file (see validate.Checked)."""


class Fingerprints:
    """Fingerprints of the pages of one build; each event is digested once, and not at
    all when it is the very object digested in `known`. `digests` holds this build's."""

    def __init__(self, timeline: Timeline, theme: Theme, words: Words,
                 known: Digests | None = None) -> None:
        shared = hashlib.blake2b(digest_size=16)
        for part in (code_version(), repr(timeline.site), repr(words), repr(timeline.tags),
                     repr(timeline.actors)):
            shared.update(_digest(part.encode()))
        shared.update(theme_digest(theme))
        self.shared = shared.digest()
        self._events: dict[str, bytes] = {}
        self._objects: dict[int, bytes] = {}
        """The digest of each event object digested, by its id: the events are kept
        alive in `digests`, so no other object can have that id while this lives."""
        self._known = known or {}
        self._pieces: dict[int, str] = {}
        self.digests: Digests = {}

    def _of(self, item: object) -> bytes:
        if type(item) is tuple:  # lists of events, mostly: one lookup each
            objects = self._objects
            return b"(" + b"".join([objects.get(id(x)) or self._of(x) for x in item]) + b")"
        if isinstance(item, Event):
            found = self._events.get(item.id)
            if found is None:
                hit = self._known.get(id(item))
                found = hit[1] if hit is not None and hit[0] is item else _digest(
                    repr(item).encode())
                self._events[item.id] = found
            self._objects[id(item)] = found
            self.digests[id(item)] = (item, found)
            return found
        if isinstance(item, tuple):
            return b"(" + b"".join(self._of(x) for x in item) + b")"
        return _digest(repr(item).encode())

    def event(self, event: Event) -> bytes:
        """Names an event by all its view and card are made from: the shared inputs and
        the event itself."""
        return self.shared + self._of(event)

    def content(self, event: Event) -> str:
        """Names an event by itself alone (its data, nothing the pages share)."""
        return self._of(event).hex()

    def piece(self, event: Event) -> str:
        """Names an event by all its pieces of the exports are made from (`site.pieces`):
        asked for each event by each joined file, so kept by the event's id (the event
        is kept alive in `digests`)."""
        found = self._pieces.get(id(event))
        if found is None:
            found = hashlib.blake2b(self.event(event), digest_size=16).hexdigest()
            self._pieces[id(event)] = found
        return found

    def page(self, page: Page) -> str:
        """The fingerprint of one entry of the plan."""
        head = f"{page.template}\0{chr(0).join(page.paths)}\0".encode()
        return hashlib.blake2b(self.shared + head + self._of(page.inputs),
                               digest_size=16).hexdigest()
