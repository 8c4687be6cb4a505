"""The search index: every event's words, tags and actors, for search and filters across
the whole timeline from any page.

It is a script (`window.friseIndex = {...}`), not JSON to fetch, so that it also loads
from `file://`; pages load it on first use only, so it weighs nothing on a page that
is only read. Words are folded (lower case, accents dropped) the way timeline.js folds
what a reader types, and the index is inverted: each word once, with the events that
hold it as a compact list of gaps, or as a bitmap when most events hold it.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ..content.dates import format_range
from ..content.model import Event, Timeline
from . import urls
from .markdown import MarkdownConverter
from .overview import year_position
from .pieces import Joined
from .render import Page
from .theme import Words

_TAG = re.compile(r"<[^>]+>")
_SPLIT = re.compile(r"[\W_]+")
_MARKS = re.compile("[\u0300-\u036f]")
LAST = "abcdefghijklmnopqrstuvwxyz012345"
"""The last base-32 digit of a gap; MORE are the digits before it."""
MORE = "ABCDEFGHIJKLMNOPQRSTUVWXYZ6789@$"
BITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def fold(text: str) -> str:
    """Lower case without accents: what timeline.js's fold() gives for the same text."""
    return _MARKS.sub("", unicodedata.normalize("NFD", text)).lower()


def words(text: str) -> list[str]:
    """The folded words of a text, of two characters or more."""
    return [w for w in _SPLIT.split(fold(text)) if len(w) > 1]


def plain(html_text: str) -> str:
    """The text of sanitised HTML, its tags dropped."""
    return html.unescape(_TAG.sub(" ", html_text))


def encode_gaps(positions: list[int]) -> str:
    """Ascending positions as gaps from the previous one (the first from -1), each in
    base 32, most significant digit first."""
    out = []
    last = -1
    for p in positions:
        gap = p - last
        last = p
        digits = [LAST[gap % 32]]
        gap //= 32
        while gap:
            digits.append(MORE[gap % 32])
            gap //= 32
        out.append("".join(reversed(digits)))
    return "".join(out)


def _bits_length(total: int) -> int:
    """The length of a bitmap of `total` events: '=' and six events a character."""
    return 1 + (total + 5) // 6


def encode_bits(positions: list[int], total: int) -> str:
    """Positions as a bitmap, six events a character, prefixed with '='."""
    cells = [0] * (_bits_length(total) - 1)
    for p in positions:
        cells[p // 6] |= 1 << (p % 6)
    return "=" + "".join(BITS[c] for c in cells)


_VALUE = {c: i for i, c in enumerate(BITS)}
_LAST = {c: i for i, c in enumerate(LAST)}
_MORE = {c: i for i, c in enumerate(MORE)}


def decode_postings(text: str, total: int) -> list[int]:
    """The ascending positions `_postings` encoded, among `total` events; ValueError for
    anything it could not have written."""
    out: list[int] = []
    if text.startswith("="):
        if len(text) != _bits_length(total):
            raise ValueError("a bitmap of another length")
        for cell, char in enumerate(text[1:]):
            bits = _VALUE[char]
            out.extend(cell * 6 + b for b in range(6) if bits >> b & 1)
    else:
        last, gap = -1, 0
        for char in text:
            digit = _LAST.get(char)
            if digit is None:
                gap = gap * 32 + _MORE[char]
                continue
            last += gap * 32 + digit
            gap = 0
            out.append(last)
        if gap or (out and out[0] < 0) or len(set(out)) != len(out):
            raise ValueError("not a list of gaps")
    if not out or out[-1] >= total:
        raise ValueError("positions out of range")
    return out


def _event_words(e: Event, markup: MarkdownConverter) -> set[str]:
    found = set(words(e.title))
    found.update(words(plain(markup.untypeset(e.summary))))
    if e.body:
        found.update(words(plain(markup.untypeset(e.body))))
    for tag in e.tags:
        found.update(words(tag.label))
    for actor in e.actors:
        found.update(words(actor.name))
        for alias in actor.aliases:
            found.update(words(alias))
    return found


class WordsKept(Protocol):
    """Where a build keeps each event's words for the next one (`build.cache`), by the
    event's key (`vocabulary`): finding them costs more than the rest of the index."""

    def load(self) -> Mapping[str, str]: ...

    def save(self, words: Mapping[str, str]) -> None: ...

    def load_index(self) -> Inverted | None:
        """The index the last build kept (`save_index`), None when there is none."""

    def save_index(self, inverted: Inverted) -> None: ...


def words_key(e: Event) -> str:
    """Names an event by every text `_event_words` reads of it: equal keys, equal words
    (the cache's folder names the version of frise and of the libraries). A build
    names events by their fingerprint instead, known already (`plugin`)."""
    texts = (e.title, e.summary, e.body, tuple(t.label for t in e.tags),
             tuple((a.name, a.aliases) for a in e.actors))
    return hashlib.blake2b(repr(texts).encode("utf-8", "surrogatepass"),
                           digest_size=16).hexdigest()


@dataclass(slots=True)
class Inverted:
    """The last search index made: the events' ids and keys (see `vocabulary`) in order,
    and each word's events as encoded. `frise serve` keeps it in memory, the command
    line in `.frise-cache/` (`WordsKept`). While the events keep their ids and order,
    only the words of the events whose key changed move: each such word's events are
    decoded, changed and encoded again, and no other word is touched."""

    ids: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()
    encoded: dict[str, str] = field(default_factory=dict)

    def vocabulary(self, ids: tuple[str, ...], keys: tuple[str, ...], found: list[str],
                   before: Mapping[str, str]) -> dict[str, str]:
        """Each word, in sorted order, with the events holding it (`_postings`).
        `found` are the events' words (joined by spaces) by position; `before` the
        words of earlier builds by key, where the words the last index held are found."""
        old_ids, old_keys, encoded = self.ids, self.keys, self.encoded
        self.ids, self.keys, self.encoded = (), (), {}  # half-made, it is never reused
        total = len(ids)
        if (ids != old_ids or len(keys) != len(old_keys) or len(ids) != len(keys)
                or not self._update(encoded, old_keys, keys, found, before, total)):
            postings: dict[str, list[int]] = {}
            for i, words_ in enumerate(found):
                for w in words_.split():
                    postings.setdefault(w, []).append(i)
            encoded = {w: _postings(at, total) for w, at in postings.items()}
        self.ids, self.keys, self.encoded = ids, keys, encoded
        return {w: encoded[w] for w in sorted(encoded)}

    @staticmethod
    def _update(encoded: dict[str, str], old_keys: tuple[str, ...], keys: tuple[str, ...],
                found: list[str], before: Mapping[str, str], total: int) -> bool:
        """Moves the words of the events whose key changed, in `encoded`; False (and
        `encoded` half changed) when the earlier words of one of them are unknown or an
        encoding cannot be read: the index is then made afresh."""
        moves: dict[str, list[tuple[int, bool]]] = {}
        for i, (was, now) in enumerate(zip(old_keys, keys, strict=True)):
            if was == now:
                continue
            earlier = before.get(was)
            if earlier is None:
                return False
            gone, held = set(earlier.split()), set(found[i].split())
            for w in gone - held:
                moves.setdefault(w, []).append((i, False))
            for w in held - gone:
                moves.setdefault(w, []).append((i, True))
        try:
            for w, changes in moves.items():
                at = set(decode_postings(encoded[w], total)) if w in encoded else set()
                for i, holds in changes:
                    (at.add if holds else at.discard)(i)
                if at:
                    encoded[w] = _postings(sorted(at), total)
                else:
                    encoded.pop(w, None)
        except (ValueError, KeyError):
            return False
        return True


def vocabulary(timeline: Timeline, markup: MarkdownConverter, kept: WordsKept | None = None,
               inverted: Inverted | None = None, keys: Sequence[str] | None = None
               ) -> dict[str, str]:
    """The index's words: each word, in sorted order, with the events holding it.

    `keys` name the events, in order, by at least every text their words come from
    (by default `words_key`). The words of an event found in `kept` under its key are
    not looked for again; those of this timeline's events are kept for the next build
    (and no others). `inverted` is the last index made in this process, to update
    rather than make again; without one, the index `kept` holds is updated, and kept
    for the next build. The events are as planned: typography never changes a folded
    word."""
    known = kept.load() if kept is not None else {}
    stored = inverted is None and kept is not None
    if inverted is None:
        inverted = (kept.load_index() if kept is not None else None) or Inverted()
    if keys is None:
        keys = [words_key(e) for e in timeline.events]
    used: dict[str, str] = {}
    every: list[str] = []
    for e, key in zip(timeline.events, keys, strict=True):
        found = known.get(key)
        if found is None:
            found = " ".join(sorted(_event_words(e, markup)))
        used[key] = found
        every.append(found)
    postings = inverted.vocabulary(tuple(e.id for e in timeline.events), tuple(keys), every,
                                   known)
    if kept is not None:
        kept.save(used)
        if stored:
            kept.save_index(inverted)
    return postings


def row(e: Event, words_: Words, tag_at: Mapping[str, int], actor_at: Mapping[str, int]
        ) -> list[object]:
    """An event as the results show it (its title typeset) and the filters sort it:
    id, title, dates in words, start and end (fractional years), tags and actors (by
    their place in the index's lists), featured."""
    end = round(year_position(e.end, end=True), 3) if e.end and e.end != e.date else None
    return [e.id, e.title, format_range(e.date, e.end, words_.dates),
            round(year_position(e.date), 3), end,
            [tag_at[t.slug] for t in e.tags], [actor_at[a.id] for a in e.actors],
            1 if e.featured else 0]


def _postings(positions: list[int], total: int) -> str:
    """The shorter of the gaps and the bitmap (the gaps on a tie). Each gap takes one
    character at least, so a word held by more events than the bitmap has characters
    is a bitmap without its gaps being written out."""
    if len(positions) > _bits_length(total):
        return encode_bits(positions, total)
    gaps = encode_gaps(positions)
    if len(gaps) > total // 6:
        bits = encode_bits(positions, total)
        if len(bits) < len(gaps):
            return bits
    return gaps


def _script(data: object) -> str:
    """Compact JSON with no '<': `</script` cannot end anything here (the file is loaded
    by src), but it is kept out anyway."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def plugin(kept: WordsKept | None = None, inverted: Inverted | None = None,
           key: Callable[[Event], str] | None = None
           ) -> Callable[[Timeline, Words], Iterator[Page]]:
    """The plan's entry for the search index, made from every event, with the events'
    words kept in `kept` from one build to the next, and in the same process the index
    itself in `inverted`. `key` names an event as planned by at least every text its
    words come from: the build's fingerprints, known already, where `words_key` (the
    default) hashes every text again (a seventh of a second at 10,000 events).

    The file is `window.friseIndex = {tags, actors, events, words}`, joined from one
    piece per event (`pieces`): a rebuild copies the rows of unchanged events from the
    current site's copy, so that it typesets no other event's title."""

    def pages(timeline: Timeline, words_: Words) -> Iterator[Page]:
        def joined(markup: MarkdownConverter, planned: Timeline) -> Joined:
            keys = [key(e) for e in planned.events] if key is not None else None
            found = vocabulary(planned, markup, kept, inverted, keys)
            tags = [t.slug for t in planned.tags]
            actors = [a.id for a in planned.actors]
            tag_at = {slug: i for i, slug in enumerate(tags)}
            actor_at = {id_: i for i, id_ in enumerate(actors)}
            return Joined(
                f'window.friseIndex={{"tags":{_script(tags)},"actors":{_script(actors)},'
                '"events":[', planned.events,
                lambda e: _script(row(e, words_, tag_at, actor_at)), ",",
                f'],"words":{_script(found)}}};\n')

        yield Page((urls.SEARCH_INDEX,), "", (timeline.events,), joined=joined)

    return pages
