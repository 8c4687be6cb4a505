"""Pure views of the timeline that pages need: years, neighbours, related events."""

from __future__ import annotations

import hashlib
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import chain, groupby
from typing import Protocol, TypeVar

from ..content.model import Citation, Event, Source

T = TypeVar("T")


def by_year(items: Sequence[T], year: Callable[[T], int]) -> list[tuple[int, list[T]]]:
    """Items in timeline order grouped by the year they start in (events, or their views)."""
    return [(y, list(group)) for y, group in groupby(items, key=year)]


def neighbours(events: Sequence[Event]) -> dict[str, tuple[Event | None, Event | None]]:
    """Each event's previous and next event in timeline order."""
    out: dict[str, tuple[Event | None, Event | None]] = {}
    for i, event in enumerate(events):
        out[event.id] = (events[i - 1] if i else None,
                         events[i + 1] if i + 1 < len(events) else None)
    return out


Ranking = tuple[tuple[int, ...], ...]
"""Each event's related events, by their positions in the timeline."""


class RankingKept(Protocol):
    """Where a build keeps the ranking of `related` for the next one (`build.cache`),
    under the digest of what it is ranked from: the tags and actors of every event in
    order, which most edits leave as they were."""

    def load(self, digest: str, size: int) -> Ranking | None:
        """The ranking kept under `digest`, of `size` events; None when there is none."""

    def save(self, digest: str, ranking: Ranking) -> None: ...


def related(events: Sequence[Event], limit: int = 4, window: int = 8,
            kept: RankingKept | None = None) -> dict[str, list[Event]]:
    """For each event, those sharing the most tags and actors, nearest in time first.

    Only the `window` nearest events of each shared tag or actor on either side are
    considered, so the cost stays linear in the number of events. A ranking found in
    `kept` is taken as it is (a fifth of a second at 10,000 events), else it is kept.
    """
    keys = tuple(tuple(_keys(e)) for e in events)
    if kept is None:
        ranked = _related_at(keys, limit, window)
    else:
        digest = hashlib.blake2b(repr((keys, limit, window)).encode("utf-8", "surrogatepass"),
                                 digest_size=16).hexdigest()
        found = kept.load(digest, len(events))
        if found is None:
            found = _related_at(keys, limit, window)
            kept.save(digest, found)
        ranked = found
    return {e.id: [events[j] for j in at] for e, at in zip(events, ranked, strict=True)}


@lru_cache(maxsize=2)
def _related_at(keys: tuple[tuple[str, ...], ...], limit: int, window: int) -> Ranking:
    """`related` by position, from each position's tags and actors alone: kept for the
    next build in the same process (`frise serve`), where an edit rarely changes them."""
    members: dict[str, list[int]] = {}
    for i, own in enumerate(keys):
        for key in own:
            members.setdefault(key, []).append(i)
    out: list[tuple[int, ...]] = []
    n = len(keys)
    for i, own in enumerate(keys):
        near = []
        for key in own:
            group = members[key]
            at = bisect_left(group, i)
            near.append(group[max(0, at - window): at + window + 1])
        shared = Counter(chain.from_iterable(near))  # counted in C
        del shared[i]
        # Most shared first, then nearest, then earliest: one integer per candidate
        # sorts as the tuple (-shared, distance, j) would, several times faster.
        ranked = sorted((-c * n + abs(j - i)) * n + j for j, c in shared.items())[:limit]
        out.append(tuple(sorted(r % n for r in ranked)))
    return tuple(out)


def _keys(event: Event) -> list[str]:
    return [f"t:{t.slug}" for t in event.tags] + [f"a:{a.id}" for a in event.actors]


def index_by(events: Sequence[Event], key: str) -> dict[str, list[Event]]:
    """Events of each tag (`key='tags'`) or actor (`key='actors'`), in timeline order."""
    out: dict[str, list[Event]] = {}
    for event in events:
        for item in getattr(event, key):
            out.setdefault(item.slug if key == "tags" else item.id, []).append(event)
    return out


def by_source(citations: Sequence[Citation]) -> list[tuple[Source, list[str]]]:
    """Each source once, in the order first cited, with all the quotes drawn from it."""
    out: dict[Source, list[str]] = {}
    for citation in citations:
        quotes = out.setdefault(citation.source, [])
        if citation.quote and citation.quote not in quotes:
            quotes.append(citation.quote)
    return list(out.items())


def publishers(citations: Sequence[Citation]) -> list[Source]:
    """One source per publisher (the first cited), so a card names each publisher once.

    Editions that spell their name differently (The Times of Israël, The Times of
    Israel) are one publisher; a source without a publisher stands for itself.
    """
    out: dict[object, Source] = {}
    for source, _ in by_source(citations):
        key = _plain(source.publisher) if source.publisher else source
        out.setdefault(key, source)
    return list(out.values())


def _plain(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
