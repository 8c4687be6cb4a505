"""Files made of one piece per event (the exports), joined so that a rebuild takes the
pieces of unchanged events from the current site's copy of the file.

`events.json` holds tens of megabytes of every event's converted, sanitised and
typeset texts: making it again after one edit would redo all of that for every event.
Each piece is a pure function of its event and of what every page shares, so a piece
whose event key (its fingerprint, see `build.fingerprint`) is unchanged has the same
bytes as the last build's, which are read back from where the last build wrote them.
The current site is the cache, as it is for whole files (a hard link, see `build`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..content.model import Event

Span = tuple[str, int, int]
"""An event's key, and where its piece starts and ends in the file (in bytes)."""


@dataclass(frozen=True, slots=True)
class Joined:
    """A file as its head, one piece per event with a separator between pieces, and
    its tail: what a generated file made of every event says of itself."""

    head: str
    events: Sequence[Event]
    """The events as planned (not typeset: only those whose piece is made are)."""
    piece: Callable[[Event], str]
    """One event's piece, from the event as displayed (typeset)."""
    separator: str = ""
    tail: str = ""


@dataclass(frozen=True, slots=True)
class Previous:
    """The current site's copy of a joined file, and where each event's piece lies in it
    (from the manifest, which `build` trusts only while the file is the one it wrote)."""

    file: Path
    spans: Mapping[str, tuple[int, int]]


def join(joined: Joined, key: Callable[[Event], str], show: Callable[[Event], Event],
         previous: Previous | None = None) -> tuple[bytes, tuple[Span, ...]]:
    """The file's bytes, and where each event's piece lies in them.

    `key` names an event by everything its piece is made from; `show` typesets an event
    whose piece must be made. A piece found in `previous` is copied from there, and a run
    of pieces that lie there one after the other, separators between, is copied as one
    slice: after one edit, a file of ten thousand pieces is a few slices of the last one.
    """
    old = b""
    spans: Mapping[str, tuple[int, int]] = {}
    if previous is not None:
        try:
            old = previous.file.read_bytes()
            spans = previous.spans
        except OSError:
            pass  # gone since the plan was made: every piece is made again
    source = memoryview(old)
    head = joined.head.encode("utf-8")
    separator = joined.separator.encode("utf-8")
    step = len(separator)
    parts: list[bytes | memoryview] = [head]
    at = len(head)
    found: list[Span] = []
    start = end = -1  # the run of the old file being copied, at `at` in the new one
    names = [key(event) for event in joined.events]
    for event, name, where in zip(joined.events, names, map(spans.get, names), strict=True):
        if where is not None and 0 <= where[0] <= where[1] <= len(old):
            a, b = where
            if start >= 0 and a == end + step and source[end:a] == separator:  # the run's next
                found.append((name, at + a - start, at + b - start))
                end = b
                continue
            if start >= 0:
                parts.append(source[start:end])
                at += end - start
            if found:
                parts.append(separator)
                at += step
            start, end = a, b
            found.append((name, at, at + b - a))
            continue
        if start >= 0:
            parts.append(source[start:end])
            at += end - start
            start = -1
        if found:
            parts.append(separator)
            at += step
        data = joined.piece(show(event)).encode("utf-8")
        parts.append(data)
        found.append((name, at, at + len(data)))
        at += len(data)
    if start >= 0:
        parts.append(source[start:end])
    parts.append(joined.tail.encode("utf-8"))
    return b"".join(parts), tuple(found)
