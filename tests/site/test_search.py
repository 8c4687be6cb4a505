"""The search index kept from one build to the next (in `frise serve`'s memory, or in
`.frise-cache/`): updated after edits, it holds exactly what an index made afresh holds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.site.search import Inverted, _postings, decode_postings

WORDS = ["accord", "bakou", "gaz", "israel", "petrole", "visite", "drone", "traite"]
found = st.lists(st.sampled_from(WORDS), unique=True).map(lambda ws: " ".join(sorted(ws)))


@settings(max_examples=200, deadline=None)
@given(first=st.lists(found, min_size=1, max_size=40),
       edits=st.lists(st.tuples(st.integers(min_value=0), found), max_size=8),
       grow=st.booleans())
def test_an_updated_index_is_the_index_made_afresh(
        first: list[str], edits: list[tuple[int, str]], grow: bool) -> None:
    # An event's words are named by themselves here, as words_key names them by the
    # texts they come from; `before` holds the words of every earlier build.
    kept = Inverted()
    before: dict[str, str] = {}
    ids = tuple(f"e{i}" for i in range(len(first)))
    kept.vocabulary(ids, tuple(first), list(first), before)
    before.update((w, w) for w in first)
    now = list(first)
    for at, words in edits:  # one build per edit, as serve rebuilds after each save
        now[at % len(now)] = words
        if grow:  # an event added: the ids change, and the index is made again
            now.append(words)
            ids += (f"e{len(ids)}",)
        fresh = Inverted().vocabulary(ids, tuple(now), list(now), {})
        assert kept.vocabulary(ids, tuple(now), list(now), before) == fresh
        before.update((w, w) for w in now)


def test_a_word_no_event_holds_any_more_leaves_the_index() -> None:
    kept = Inverted()
    ids = ("a", "b")
    before = {w: w for w in ("gaz israel", "gaz", "drone gaz")}
    kept.vocabulary(ids, ("gaz israel", "gaz"), ["gaz israel", "gaz"], before)
    assert set(kept.vocabulary(ids, ("gaz", "gaz"), ["gaz", "gaz"], before)) == {"gaz"}
    assert set(kept.vocabulary(ids, ("drone gaz", "gaz"), ["drone gaz", "gaz"],
                               before)) == {"drone", "gaz"}


def test_an_index_whose_earlier_words_are_lost_is_made_afresh() -> None:
    kept = Inverted()
    ids = ("a", "b")
    kept.vocabulary(ids, ("k1", "k2"), ["gaz israel", "gaz"], {})
    # The words of k1 are not known any more: the index cannot know what to take out.
    assert kept.vocabulary(ids, ("k3", "k2"), ["drone", "gaz"], {}) == \
        Inverted().vocabulary(ids, ("k3", "k2"), ["drone", "gaz"], {})


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=400).flatmap(
    lambda total: st.tuples(st.just(total), st.sets(
        st.integers(min_value=0, max_value=total - 1), min_size=1))))
def test_postings_decode_to_the_positions_encoded(case: tuple[int, set[int]]) -> None:
    total, positions = case
    assert decode_postings(_postings(sorted(positions), total), total) == sorted(positions)


def test_an_encoding_frise_could_not_have_written_is_refused() -> None:
    for text in ("", "A", "=AA", "a!", "=" + "/" * 2, "aa"[:1] + "A"):
        try:
            decode_postings(text, 7)
        except (ValueError, KeyError):
            continue
        raise AssertionError(f"{text!r} was read")
