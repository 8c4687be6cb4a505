"""Pure views of the timeline (years, neighbours, related events) and the URL layout."""

from __future__ import annotations

import pytest

from generator.content import slugs
from generator.content.dates import parse_date
from generator.content.model import Actor, Event, Tag
from generator.site import timeline as tl
from generator.site import urls


def ev(event_id: str, date: str, tags: tuple[str, ...] = (), actors: tuple[str, ...] = ()
       ) -> Event:
    return Event(id=event_id, title=event_id, date=parse_date(date), summary="s",
                 tags=tuple(Tag(t, t) for t in tags),
                 actors=tuple(Actor(a, a, "person") for a in actors))


EVENTS = [ev("bce", "-0499"), ev("zero", "0000"), ev("a", "2016", ("x",)),
          ev("b", "2016-05", ("x",), ("p",)), ev("c", "2020", ("y",), ("p",)),
          ev("d", "2023-03-29", ("x", "y"))]


def test_by_year_groups_in_order_across_the_era() -> None:
    groups = tl.by_year(EVENTS, lambda e: e.date.year)
    assert [(year, [e.id for e in group]) for year, group in groups] == [
        (-499, ["bce"]), (0, ["zero"]), (2016, ["a", "b"]), (2020, ["c"]), (2023, ["d"])]


def test_neighbours() -> None:
    near = tl.neighbours(EVENTS)
    assert near["bce"][0] is None and near["bce"][1] is not None
    assert near["bce"][1].id == "zero"
    prev, nxt = near["c"]
    assert (prev.id if prev else None, nxt.id if nxt else None) == ("b", "d")
    assert near["d"][1] is None


def test_neighbours_of_one_event() -> None:
    assert tl.neighbours([ev("only", "2023")]) == {"only": (None, None)}


def test_related_share_a_tag_or_actor_and_never_the_event_itself() -> None:
    related = tl.related(EVENTS)
    assert "bce" not in {e.id for es in related.values() for e in es}
    for event in EVENTS:
        mine = set(tl._keys(event))
        for other in related[event.id]:
            assert other.id != event.id
            assert mine & set(tl._keys(other))
    assert [e.id for e in related["b"]] == ["a", "c", "d"]


def test_related_is_limited_and_deterministic() -> None:
    many = [ev(f"e{i:03d}", f"{2000 + i:04d}", ("t",)) for i in range(50)]
    related = tl.related(many, limit=4)
    assert all(len(r) <= 4 for r in related.values())
    assert related == tl.related(list(many), limit=4)
    # nearest in time first among equals
    assert [e.id for e in related["e025"]] == ["e023", "e024", "e026", "e027"]


def test_index_by_tags_and_actors_keeps_timeline_order() -> None:
    tags = tl.index_by(EVENTS, "tags")
    assert {k: [e.id for e in v] for k, v in tags.items()} == {
        "x": ["a", "b", "d"], "y": ["c", "d"]}
    actors = tl.index_by(EVENTS, "actors")
    assert {k: [e.id for e in v] for k, v in actors.items()} == {"p": ["b", "c"]}


# --- URLs ------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "ok"), [
    ("a", True), ("2023-03-29-ambassade", True), ("x" * 80, True), ("x" * 81, False),
    ("", False), ("A", False), ("é", False), ("a_b", False), ("a b", False), ("a/b", False),
    ("..", False), ("con", False), ("lpt1", False), ("nul", False),
])
def test_check_slug(value: str, ok: bool) -> None:
    assert (slugs.check_slug(value) is None) == ok


@pytest.mark.parametrize(("title", "slug"), [
    ("Visite d'État d'Isaac Herzog", "visite-d-etat-d-isaac-herzog"),
    ("  Hello,  World!  ", "hello-world"),
    ("CON", "con-1"),
    ("Ünïcödé Ÿes", "unicode-yes"),
])
def test_slugify_makes_valid_ids(title: str, slug: str) -> None:
    assert slugs.slugify(title) == slug
    assert slugs.check_slug(slug) is None


def test_slugify_cuts_long_titles_to_a_valid_id() -> None:
    slug = slugs.slugify("word " * 40)
    assert len(slug) <= 80 and slugs.check_slug(slug) is None and not slug.endswith("-")


@pytest.mark.parametrize(("page", "root"), [
    ("index.html", ""), ("404.html", ""), ("events/a/index.html", "../../"),
    ("tags/x/index.html", "../../"),
])
def test_root_of(page: str, root: str) -> None:
    assert urls.root_of(page) == root


def test_public_and_absolute_urls() -> None:
    assert urls.public_url("index.html") == ""
    assert urls.public_url("events/a/index.html") == "events/a/"
    assert urls.public_url("feed.xml") == "feed.xml"
    assert urls.absolute(None, "events/a/index.html") is None
    assert urls.absolute("https://example.org/sub/", "events/a/index.html") == \
        "https://example.org/sub/events/a/"
