"""The search index kept in `frise serve`'s memory: updated after edits, it holds exactly
what an index made afresh holds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.site.search import Inverted

WORDS = ["accord", "bakou", "gaz", "israel", "petrole", "visite", "drone", "traite"]
found = st.lists(st.sampled_from(WORDS), unique=True).map(lambda ws: " ".join(sorted(ws)))


@settings(max_examples=200, deadline=None)
@given(first=st.lists(found, min_size=1, max_size=40),
       edits=st.lists(st.tuples(st.integers(min_value=0), found), max_size=8),
       grow=st.booleans())
def test_an_updated_index_is_the_index_made_afresh(
        first: list[str], edits: list[tuple[int, str]], grow: bool) -> None:
    kept = Inverted()
    ids = tuple(f"e{i}" for i in range(len(first)))
    kept.vocabulary(ids, list(first))
    now = list(first)
    for at, words in edits:  # one build per edit, as serve rebuilds after each save
        now[at % len(now)] = words
        if grow:  # an event added: the ids change, and the index is made again
            now.append(words)
            ids += (f"e{len(ids)}",)
        assert kept.vocabulary(ids, list(now)) == Inverted().vocabulary(ids, list(now))


def test_a_word_no_event_holds_any_more_leaves_the_index() -> None:
    kept = Inverted()
    ids = ("a", "b")
    kept.vocabulary(ids, ["gaz israel", "gaz"])
    assert set(kept.vocabulary(ids, ["gaz", "gaz"])) == {"gaz"}
    assert set(kept.vocabulary(ids, ["drone gaz", "gaz"])) == {"drone", "gaz"}
