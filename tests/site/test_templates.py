"""The default theme asks, not builds: links come from `url` (urls.Links), the page's
kind from `kind`, and each kind of page gets exactly the context its TypedDict lists."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args

import pytest

from generator.build.pipeline import check, render_site
from generator.site import contexts, urls
from generator.site.render import Renderer

ProjectFactory = Callable[..., Path]
THEME = Path(__file__).resolve().parents[2] / "templates"
TEMPLATES = sorted(THEME.glob("*.html"))

LAYOUT = re.compile("|".join(re.escape(part) for part in (
    urls.INDEX, urls.NOT_FOUND, urls.FEED, urls.ASSETS, "events/", "tags/", "actors/",
    "periods/")))
"""What the URL layout is made of: a template that spells one out builds a path."""
JOINED = re.compile(r"\{\{-?\s*root\s*-?\}\}(?!\")|\broot\s*~|~\s*root\b|\broot\s*\+")
"""`{{ root }}` followed by more than the end of an attribute: a path built by hand."""
GUESS = re.compile(r"\bis\s+(not\s+)?defined\b")
"""Which variables are defined, the old way to guess a page's kind."""


def _code(template: Path) -> str:
    """A template without its comments, which may name paths to explain them."""
    return re.sub(r"\{#.*?#\}", "", template.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.name for t in TEMPLATES])
def test_no_template_spells_out_a_path(template: Path) -> None:
    code = _code(template)
    for line_no, line in enumerate(code.splitlines(), 1):
        for pattern in (LAYOUT, JOINED):
            found = pattern.search(line)
            assert found is None, (f"{template.name}:{line_no} builds a path by hand "
                                   f"({found.group(0)!r}): ask `url` (urls.Links)")


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.name for t in TEMPLATES])
def test_no_template_guesses_the_page_from_its_variables(template: Path) -> None:
    assert GUESS.search(_code(template)) is None, f"{template.name}: use `kind`"


def test_the_dead_canonical_fallback_is_gone() -> None:
    assert not (THEME / "_canonical.html").exists()
    assert "ignore missing" not in (THEME / "base.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("root", ["", "../../", "https://example.org/sub/"])
def test_links_are_the_layout_seen_from_the_page(root: str) -> None:
    url = urls.Links(root)
    assert url.index == root + "index.html"
    assert url.tags == root + "tags/index.html"
    assert url.actors == root + "actors/index.html"
    assert url.event("2023-07-13-x") == root + "events/2023-07-13-x/index.html"
    assert url.tag("defense") == root + "tags/defense/index.html"
    assert url.actor("ilham-aliyev") == root + "actors/ilham-aliyev/index.html"
    assert url.period("1990") == root + "periods/1990/index.html"
    assert url.period("1990", urls.tag_path("defense")) == root + "tags/defense/1990/index.html"
    assert url.feed == root + "feed.xml"
    assert url.stylesheet == root + "assets/style.css" == url.asset("style.css")
    assert url.print_stylesheet == root + "assets/print.css"
    assert url.script == root + "assets/timeline.js"
    assert url.favicon == root + "assets/favicon.svg"
    assert url.search_index == root + urls.SEARCH_INDEX
    assert url.to("tags/x/index.html") == root + "tags/x/index.html"


EVENTS = 160
"""More than a list page holds: the index, the tag's and the actor's pages are cut
into period pages."""


def _long_project(project: ProjectFactory, templates: dict[str, str] | None = None) -> Path:
    files: dict[str, str | bytes] = {
        "content/tags.yaml": "war:\n  label: War\n",
        "content/actors.yaml": "ada:\n  name: Ada\n  kind: person\n",
    }
    for i in range(EVENTS):
        files[f"content/events/e{i:03d}.yaml"] = (
            f"title: Event {i}\ndate: {1800 + i}\nsummary: Something.\n"
            "tags: [war]\nactors: [ada]\n")
    files.update({f"templates/{name}": text for name, text in (templates or {}).items()})
    return project(files)


def _kind_of(path: str) -> str:
    """The kind each page of `_long_project` should have, from its path."""
    if path == "404.html":
        return "404"
    if path == "index.html":
        return "index"
    if path in ("tags/index.html", "actors/index.html"):
        return "directory"
    parts = path.split("/")
    if parts[0] == "periods" or len(parts) == 4:
        return "period"
    return {"events": "event", "tags": "tag", "actors": "actor"}[parts[0]]


CONTEXTS: dict[str, Any] = {
    "index": contexts.IndexContext, "event": contexts.EventContext,
    "tag": contexts.TagContext, "actor": contexts.ActorContext,
    "period": contexts.PeriodContext, "directory": contexts.DirectoryContext,
    "404": contexts.NotFoundContext,
}


def test_every_page_gets_exactly_the_context_of_its_kind(
        project: ProjectFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    timeline, theme, _ = check(_long_project(project))
    seen: dict[str, dict[str, Any]] = {}
    page = Renderer._page

    def record(self: Renderer, template: str, path: str, context: Any) -> Any:
        seen[path] = {**self.common, **context}
        return page(self, template, path, context)

    monkeypatch.setattr(Renderer, "_page", record)
    list(render_site(timeline, theme))
    assert set(get_args(contexts.Kind)) == set(CONTEXTS)
    kinds = {path: context["kind"] for path, context in seen.items()}
    assert kinds == {path: _kind_of(path) for path in seen}
    assert set(kinds.values()) == set(CONTEXTS), "the project has every kind of page"
    shared = contexts.SiteContext.__required_keys__
    for path, context in seen.items():
        own = CONTEXTS[context["kind"]].__required_keys__
        assert set(context) == shared | own, path
    assert seen["periods/1800-1809/index.html"]["scope_kind"] is None
    assert seen["tags/war/1800-1809/index.html"]["scope_kind"] == "tag"
    assert seen["actors/ada/1800-1809/index.html"]["scope_kind"] == "actor"
    assert seen["tags/index.html"]["listing"] == "tags"


KIND_META = ('{% extends "!default/base.html" %}\n{% block head %}'
             '<meta name="kind" content="{{ kind }}">'
             '<meta name="up" content="{{ url.index }}">{% endblock %}\n')


def test_an_override_reads_kind_and_url_on_every_page(project: ProjectFactory) -> None:
    timeline, theme, _ = check(_long_project(project, {"base.html": KIND_META}))
    pages = {out.path: out.data.decode("utf-8") for out in render_site(timeline, theme)
             if out.path.endswith(".html")}
    for path, html in pages.items():
        assert f'<meta name="kind" content="{_kind_of(path)}">' in html, path
        assert f'<meta name="up" content="{urls.root_of(path)}index.html">' in html, path
