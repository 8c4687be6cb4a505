"""The plan of a site and the rendering of its pages (site/render.py), on small
projects read by the real loader and validator: which files a timeline gives, what
an event's and a tag's page show, and which Markdown texts a build converts."""

from __future__ import annotations

import multiprocessing
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import markdown
import pytest

from generator.build.pipeline import build, check, site_plan, typeset
from generator.content.model import Timeline
from generator.errors import ContentErrors
from generator.site import markdown as markdown_module
from generator.site import render
from generator.site.markdown import convert_all
from generator.site.output import Output
from generator.site.theme import Theme, Words

ProjectFactory = Callable[..., Path]

SITE = "title: Render\nlanguage: en\ndescription: A *small* site.\n"
FILES = {
    "content/tags.yaml": ("politics:\n  label: Politics\n  description: Laws and *treaties*.\n"
                          "culture:\n  label: Culture\n"),
    "content/actors.yaml": "ada:\n  name: Ada Lovelace\n  kind: person\n",
    "content/sources.yaml": ("notes:\n  title: Some notes\n  url: https://example.org/notes\n"
                             "  text: sources/notes.txt\n"),
    "content/sources/notes.txt": "Ada wrote the first program in 1843.\n",
    "content/events/ada.yaml": (
        "title: The first program\ndate: 1843\nsummary: Ada publishes her **notes**.\n"
        "body: |\n  The longer story, with a [link](https://example.org/ada).\n"
        "note:\n  kind: precision\n  text: The notes are *long*.\n"
        "tags: [culture]\nactors: [ada]\n"
        "sources:\n  - source: notes\n    quote: Ada wrote the first program in 1843.\n"),
    "content/events/treaty.yaml": (
        "title: A treaty\ndate: 1920\nend: 1921-03\nsummary: A treaty is signed.\n"
        "body: The treaty's own story.\ntags: [politics]\n"),
    "content/events/law.yaml": (
        "title: A law\ndate: 1950-05-01\nsummary: A law is passed.\ntags: [politics]\n"),
    "content/events/secret.yaml": (
        "title: A draft\ndate: 1999\nsummary: Not yet.\nbody: Hidden.\ndraft: true\n"),
}


def loaded(root: Path) -> tuple[Timeline, Theme, Words]:
    timeline, theme, _ = check(root)
    return timeline, theme, typeset(theme.words(timeline.site.language))


@pytest.fixture
def small(project: ProjectFactory) -> tuple[Timeline, Theme, Words]:
    return loaded(project(FILES, site=SITE))


def renderer(timeline: Timeline, theme: Theme, words: Words,
             pages: list[render.Page]) -> render.Renderer:
    markup = convert_all(render.markdown_texts(pages, timeline), language="en")
    return render.Renderer(timeline, theme, words, markup)


def rendered(timeline: Timeline, theme: Theme, words: Words, path: str) -> str:
    pages = render.plan(timeline, [], words)
    (page,) = [p for p in pages if p.path == path]
    (out,) = renderer(timeline, theme, words, pages).render(page)
    assert out.path == path
    return out.data.decode("utf-8")


def events_listed(html: str) -> list[str]:
    return re.findall(r'<li class="event[^"]*" id="([^"]+)"', html)


# --- the plan ---------------------------------------------------------------------------

def test_the_plan_has_a_page_for_each_event_tag_and_actor_and_no_draft(
        small: tuple[Timeline, Theme, Words]) -> None:
    timeline, _, words = small
    pages = render.plan(timeline, [], words)
    assert [(p.path, p.template) for p in pages] == [
        ("index.html", "index.html"),
        ("events/ada/index.html", "event.html"),
        ("events/treaty/index.html", "event.html"),
        ("events/law/index.html", "event.html"),
        ("tags/culture/index.html", "tag.html"),
        ("tags/politics/index.html", "tag.html"),
        ("actors/ada/index.html", "actor.html"),
        ("tags/index.html", "directory.html"),
        ("actors/index.html", "directory.html"),
        ("404.html", "404.html"),
    ]
    assert all(p.make is None for p in pages)


def test_an_event_page_is_made_from_its_neighbours_and_the_way_back(
        small: tuple[Timeline, Theme, Words]) -> None:
    timeline, _, words = small
    pages = {p.path: p for p in render.plan(timeline, [], words)}
    event, prev, nxt, related, back = pages["events/treaty/index.html"].inputs
    assert [getattr(e, "id", None) for e in (event, prev, nxt)] == ["treaty", "ada", "law"]
    assert [e.id for e in related] == ["law"], "the event sharing its tag"
    assert back == "index.html"
    first = pages["events/ada/index.html"].inputs
    assert first[1] is None and first[2] is not None


def test_a_plan_without_tags_or_actors_has_no_directory(project: ProjectFactory) -> None:
    root = project({"content/events/e.yaml": "title: E\ndate: 2020\nsummary: S.\n"})
    timeline, _, words = loaded(root)
    assert [p.path for p in render.plan(timeline, [], words)] == [
        "index.html", "events/e/index.html", "404.html"]


def test_past_150_events_the_lists_are_cut_into_periods(project: ProjectFactory) -> None:
    """A decade of at most 150 events is one page; each event's way back is its period."""
    files = {f"content/events/e{i:03d}.yaml":
             f"title: Event {i}\ndate: {1990 + i // 100 * 10}-01-01\nsummary: S.\ntags: [t]\n"
             for i in range(151)}
    timeline, _, words = loaded(project(files))
    pages = render.plan(timeline, [], words)
    periods = [p.path for p in pages if p.template == "period.html"]
    assert periods == ["periods/1990-1999/index.html", "periods/2000-2009/index.html",
                       "tags/t/1990-1999/index.html", "tags/t/2000-2009/index.html"]
    backs = {p.path: p.inputs[4] for p in pages if p.template == "event.html"}
    assert backs["events/e000/index.html"] == "periods/1990-1999/index.html"
    assert backs["events/e150/index.html"] == "periods/2000-2009/index.html"
    index = next(p for p in pages if p.path == "index.html")
    assert len(index.inputs[0]) == 151


def test_extras_come_after_the_pages(small: tuple[Timeline, Theme, Words]) -> None:
    timeline, _, words = small

    def extra(t: Timeline, w: Words) -> Iterator[render.Page]:
        def make(markup: object, shown: Timeline) -> Iterator[Output]:
            yield Output("count.txt", str(len(shown.events)).encode())
        yield render.Page(("count.txt",), "", (t.events,), make)

    pages = render.plan(timeline, [extra], words)
    assert pages[-1].path == "count.txt" and pages[-2].path == "404.html"
    (out,) = renderer(timeline, *small[1:], pages).render(pages[-1])
    assert (out.path, out.data) == ("count.txt", b"3")


# --- pages ------------------------------------------------------------------------------

def test_an_event_page_shows_the_event_with_its_sources_and_neighbours(
        small: tuple[Timeline, Theme, Words]) -> None:
    html = rendered(*small, "events/ada/index.html")
    assert '<html lang="en">' in html
    assert '<h1 id="event-h">The first program</h1>' in html
    assert "<title>The first program · Render</title>" in html
    assert "Ada publishes her <strong>notes</strong>." in html
    assert 'The longer story, with a <a href="https://example.org/ada"' in html
    assert "The notes are <em>long</em>." in html
    assert "<blockquote cite=\"https://example.org/notes\"><p>Ada wrote the first program " \
           "in 1843.</p></blockquote>" in html
    assert '<time datetime="1843" data-edtf="1843">1843</time>' in html
    # links climb back to the root from two folders down
    assert 'href="../../assets/style.css"' in html
    assert 'href="../../tags/culture/index.html"' in html
    assert 'href="../../actors/ada/index.html"' in html
    assert 'href="../../events/treaty/index.html" rel="next"' in html
    assert 'rel="prev"' not in html, "the first event has no previous one"
    assert 'href="../../index.html#ada"' in html
    assert "Hidden." not in html and "A draft" not in html


def test_a_tag_page_lists_its_events_in_order_and_its_description(
        small: tuple[Timeline, Theme, Words]) -> None:
    html = rendered(*small, "tags/politics/index.html")
    assert events_listed(html) == ["treaty", "law"]
    assert "Laws and <em>treaties</em>." in html
    assert 'href="../../events/law/index.html"' in html
    assert "<h1" in html and "Politics" in html.split("<h1", 1)[1].split("</h1>", 1)[0]
    assert events_listed(rendered(*small, "tags/culture/index.html")) == ["ada"]


def test_the_index_lists_every_published_event_in_order(
        small: tuple[Timeline, Theme, Words]) -> None:
    html = rendered(*small, "index.html")
    assert events_listed(html) == ["ada", "treaty", "law"]
    assert 'href="assets/style.css"' in html and "../" not in html


def test_the_404_page_links_the_absolute_root_when_the_address_is_known(
        project: ProjectFactory) -> None:
    root = project(FILES, site=SITE + "base_url: https://example.org/t/\n")
    html = rendered(*loaded(root), "404.html")
    assert 'href="https://example.org/t/assets/style.css"' in html
    assert 'href="https://example.org/t/index.html"' in html


# --- the Markdown a build converts ------------------------------------------------------

def test_markdown_texts_are_what_the_pages_show_and_no_more(
        small: tuple[Timeline, Theme, Words]) -> None:
    timeline, _, words = small
    pages = render.plan(timeline, [], words)
    assert render.markdown_texts(pages, timeline) == {
        "A *small* site.", "Laws and *treaties*.",
        "Ada publishes her **notes**.", "A treaty is signed.", "A law is passed.",
        "The longer story, with a [link](https://example.org/ada).",
        "The notes are *long*.", "The treaty's own story.",
    }
    # one event page: its own body and notes, and the summaries of its neighbours
    treaty = [p for p in pages if p.path == "events/treaty/index.html"]
    assert render.markdown_texts(treaty, timeline) == {
        "A *small* site.", "Laws and *treaties*.",
        "A treaty is signed.", "Ada publishes her **notes**.", "A law is passed.",
        "The treaty's own story.",
    }


def test_the_texts_a_build_keeps_are_those_its_whole_plan_converts(
        small: tuple[Timeline, Theme, Words]) -> None:
    """The Markdown cache keeps `timeline_texts`: exactly what converting the whole site
    needs, so the cache neither misses a text nor outgrows the content."""
    timeline, theme, words = small
    pages = site_plan(timeline, theme, words)
    assert render.timeline_texts(timeline) == render.markdown_texts(pages, timeline)
    assert "Hidden." not in render.timeline_texts(timeline)


def test_a_generated_file_gets_every_body_and_note(small: tuple[Timeline, Theme, Words]
                                                   ) -> None:
    timeline, _, words = small

    def extra(t: Timeline, w: Words) -> Iterator[render.Page]:
        yield render.Page(("all.json",), "", (t.events,), lambda m, shown: iter(()))

    (page,) = [p for p in render.plan(timeline, [extra], words) if p.path == "all.json"]
    texts = render.markdown_texts([page], timeline)
    assert {"The longer story, with a [link](https://example.org/ada).",
            "The notes are *long*.", "The treaty's own story."} <= texts
    assert "Hidden." not in texts


def test_rendering_every_page_converts_nothing_outside_the_batch(
        small: tuple[Timeline, Theme, Words]) -> None:
    """The batch holds every text the pages show: none is converted one by one later."""
    timeline, theme, words = small
    pages = render.plan(timeline, [], words)
    batch = render.markdown_texts(pages, timeline)
    markup = convert_all(batch, language="en")
    before = set(markup.known)
    assert before == batch
    r = render.Renderer(timeline, theme, words, markup)
    outputs = [out for page in pages for out in r.render(page)]
    assert len(outputs) == len(pages)
    assert set(markup.known) == before


def test_what_is_shown_of_every_event_at_once_is_typeset(project: ProjectFactory) -> None:
    """A list cut into periods, the feed and the search index show every event but typeset
    only its headline: its title is typeset there as on its own page."""
    files = {f"content/events/e{i:03d}.yaml": f"title: E {i}\ndate: {1900 + i}\nsummary: S.\n"
             for i in range(160)}
    files["content/events/e005.yaml"] = (
        "title: \"L'accord : signé\"\ndate: 1905\nend: 1990\nsummary: S.\n")
    root = project(files, site="title: Typo\nlanguage: fr\n")
    timeline, theme, words = loaded(root)
    plan = site_plan(timeline, theme, words)
    r = renderer(timeline, theme, words, plan)
    made = {out.path: out.data.decode("utf-8") for page in plan for out in r.render(page)
            if out.path in ("index.html", "feed.xml", "assets/search-index.js",
                            "events/e005/index.html")}
    assert 'class="span"' in made["index.html"]  # the event's bar, with its label
    for path, text in made.items():
        assert "L’accord\u00a0: signé" in text, path
        assert "L'accord" not in text, path


def test_texts_converted_ahead_are_not_converted_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a build started converting on its other cores is taken as it comes back:
    this process converts only the texts that were not among them, and every text's
    HTML is the one converting it here gives."""
    texts = [f"Text *{i}* with [a link](https://example.org/{i})." for i in range(40)]
    ahead = markdown_module.Ahead(texts + ["Refused by validation."])
    converted: list[str] = []
    real = markdown.Markdown.convert

    def counted(self: markdown.Markdown, source: str) -> str:
        converted.append(source)
        return real(self, source)

    monkeypatch.setattr(markdown.Markdown, "convert", counted)  # in this process only
    markup = convert_all([*texts, "One more."], language="en", ahead=ahead)
    assert converted == ["One more."]
    alone = markdown_module.MarkdownConverter(language="en")
    assert [markup.block(t) for t in texts] == [alone.block(t) for t in texts]


def test_a_build_that_fails_leaves_no_converter_running(
        project: ProjectFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cold build converts while it validates; when validation fails, the workers
    are ended with it, not left converting for nobody."""
    files = {f"content/events/e{i:03d}.yaml": f"title: E {i}\ndate: {1900 + i}\nsummary: S {i}.\n"
             for i in range(30)}
    files["content/events/e007.yaml"] = "title: E 7\ndate: someday\nsummary: S 7.\n"
    root = project(files)
    monkeypatch.setattr(markdown_module, "PARALLEL_FROM", 2)
    started: list[object] = []
    real_init = markdown_module.Ahead.__init__

    def spy(self: markdown_module.Ahead, texts: list[str]) -> None:
        started.append(self)
        real_init(self, texts)

    monkeypatch.setattr(markdown_module.Ahead, "__init__", spy)
    with pytest.raises(ContentErrors):
        build(root)
    assert started, "the conversion ahead was not started"
    assert multiprocessing.active_children() == []
