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

import functools
import hashlib
from importlib import metadata
from pathlib import Path

from ..content.model import Event, Timeline
from ..site.render import Page
from ..site.theme import Theme, Words

FORMAT = 1
"""Bumped when what a fingerprint covers changes."""

_LIBRARIES = ("frise", "jinja2", "markupsafe", "markdown", "nh3", "babel", "pyyaml")


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


@functools.cache
def code_version() -> str:
    """frise's own source and the versions of the libraries that shape its output.

    The sources are hashed, not only the version number, so that a changed frise (a
    checkout being worked on, too) never takes pages rendered by another.
    """
    h = hashlib.blake2b(digest_size=16)
    h.update(f"format {FORMAT}\n".encode())
    for name in _LIBRARIES:
        try:
            h.update(f"{name} {metadata.version(name)}\n".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name} -\n".encode())
    package = Path(__file__).resolve().parent.parent
    for file in sorted(package.rglob("*")):
        inside = file.relative_to(package).parts
        if file.is_file() and file.suffix in (".py", ".js", ".json") and inside[0] != "theme":
            h.update(file.relative_to(package).as_posix().encode() + b"\0")
            h.update(_digest(file.read_bytes()))
    return h.hexdigest()


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


class Fingerprints:
    """Fingerprints of the pages of one build; each event is digested once."""

    def __init__(self, timeline: Timeline, theme: Theme, words: Words) -> None:
        shared = hashlib.blake2b(digest_size=16)
        for part in (code_version(), repr(timeline.site), repr(words), repr(timeline.tags),
                     repr(timeline.actors)):
            shared.update(_digest(part.encode()))
        shared.update(theme_digest(theme))
        self.shared = shared.digest()
        self._events: dict[str, bytes] = {}

    def _of(self, item: object) -> bytes:
        if isinstance(item, Event):
            found = self._events.get(item.id)
            if found is None:
                found = self._events[item.id] = _digest(repr(item).encode())
            return found
        if isinstance(item, tuple):
            return b"(" + b"".join(self._of(x) for x in item) + b")"
        return _digest(repr(item).encode())

    def event(self, event: Event) -> bytes:
        """Names an event by all its view and card are made from: the shared inputs and
        the event itself."""
        return self.shared + self._of(event)

    def page(self, page: Page) -> str:
        """The fingerprint of one entry of the plan."""
        head = f"{page.template}\0{chr(0).join(page.paths)}\0".encode()
        return hashlib.blake2b(self.shared + head + self._of(page.inputs),
                               digest_size=16).hexdigest()
