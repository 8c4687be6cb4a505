"""Property-based attacks: whatever the editor types, frise answers with located
errors or a site, never a traceback.

- random text and bytes into the loader (and YAML-like token soup, which reaches
  deeper into the parser than random characters);
- random event mappings, with random tags, actors and sources, through the loader,
  the validator and, when they pass, the renderer;
- data written by a real YAML emitter comes back as exactly the text it held.
"""

from __future__ import annotations

import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from generator.build.pipeline import render_site
from generator.content.loader import Mapping, Node, RawProject, Scalar, Sequence, decode, parse_yaml
from generator.content.validate import EVENT_KEYS, validate
from generator.errors import ContentErrors, FriseError
from generator.site.theme import load_theme

REPO = Path(__file__).resolve().parents[2]
PATH = "content/events/x.yaml"
PROFILE = settings(max_examples=300, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def assert_located(exc: ContentErrors, paths: set[str] | None = None) -> None:
    """Every error names its file, a line and a column of at least 1, and a message."""
    assert exc.errors
    for error in exc.errors:
        assert isinstance(error, FriseError)
        assert error.location is not None, error.message
        assert error.location.line >= 1 and error.location.col >= 1
        if paths is not None:
            assert error.location.path in paths, str(error)
        assert error.message and "\n" not in error.message, str(error)
        assert "Traceback" not in error.message


def load_text(text: str) -> Node | None:
    try:
        return parse_yaml(text, PATH)
    except ContentErrors as exc:
        assert_located(exc, {PATH})
        return None


# --- the loader ---------------------------------------------------------------------------

@PROFILE
@given(st.text())
def test_any_text_loads_or_gives_located_errors(text: str) -> None:
    load_text(text)


@PROFILE
@given(st.binary())
def test_any_bytes_load_or_give_located_errors(data: bytes) -> None:
    try:
        parse_yaml(decode(data, PATH), PATH)
    except ContentErrors as exc:
        assert_located(exc, {PATH})


TOKENS = ["key: ", "title: ", "- ", "  ", "    ", "\n", "\r\n", "\t", "[", "]", "{", "}", ", ",
          ": ", "? ", "&a ", "*a", "!!str ", "!!python/object:os.system ", "!x ", "! ", "'",
          '"', "\\", "\\u202e", "#", "---\n", "...\n", "|\n", ">-\n", "%YAML 1.1\n",
          "%TAG ! tag:x,2000:\n", "<<: ", "no", "0755", "12:30", "2023-02-30", "~", "null",
          "é", "\u202e", "\ufeff", "\x85", "\u2028", "\x00", "\x07", "😀", "a", "1"]


@PROFILE
@given(st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=3)), max_size=60))
def test_yaml_token_soup_loads_or_gives_located_errors(tokens: list[str]) -> None:
    load_text("".join(tokens))


def _plain_strings() -> st.SearchStrategy[str]:
    # NEL and the Unicode line separators are line breaks in YAML 1.1, which PyYAML's
    # emitter writes raw; they would come back as spaces through any YAML parser.
    return st.text(st.characters(blacklist_categories=("Cs",),
                                 blacklist_characters="\x85\u2028\u2029"), max_size=40)


def _data() -> st.SearchStrategy[Any]:
    return st.recursive(
        _plain_strings(),
        lambda inner: st.one_of(st.lists(inner, max_size=4),
                                st.dictionaries(_plain_strings(), inner, max_size=4)),
        max_leaves=20,
    )


def _as_python(node: Node | None) -> Any:
    if isinstance(node, Scalar):
        return node.value
    if isinstance(node, Sequence):
        return [_as_python(n) for n in node.items]
    if isinstance(node, Mapping):
        return {k: _as_python(v) for k, v in node.entries.items()}
    return node


def _nfc(data: Any) -> Any:
    if isinstance(data, str):
        return unicodedata.normalize("NFC", data)
    if isinstance(data, list):
        return [_nfc(d) for d in data]
    return {_nfc(k): _nfc(v) for k, v in data.items()}


@PROFILE
@given(st.dictionaries(_plain_strings(), _data(), min_size=1, max_size=6))
def test_what_an_emitter_writes_comes_back_as_written(data: dict[str, Any]) -> None:
    """No implicit typing, nothing lost: strings dumped by PyYAML load back as themselves."""
    assume(len({unicodedata.normalize("NFC", k) for k in data}) == len(data))
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    try:
        root = parse_yaml(text, PATH)
    except ContentErrors as exc:  # only characters YAML cannot carry raw may be refused
        assert_located(exc, {PATH})
        assert all("control character" in e.message for e in exc.errors), str(exc)
        return
    assert _as_python(root) == _nfc(data)


# --- the validator and the renderer -------------------------------------------------------

SLUGS = st.sampled_from(["a", "b", "war", "con", "A", "caf\u00e9", "x-y", "", "../x", "1"])
SCALARS = st.one_of(
    st.sampled_from(["2023", "2023-03", "2023-02-30", "-0499~", "2023-13", "1920?", "12:30",
                     "true", "false", "yes", "no", "~", "", "null", "https://example.org/",
                     "javascript:alert(1)", "mailto:a@example.org", "<script>x</script>",
                     "[a](javascript:x)", "\u202eevil", "tab\there", "a\nb", "sources/t.txt",
                     "../../etc/passwd", "x" * 400]),
    _plain_strings(),
)
VALUES = st.recursive(
    st.one_of(SCALARS, SLUGS),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.one_of(SLUGS, st.sampled_from(
                                ["source", "quote", "url", "title", "date"])), inner,
                                max_size=3)),
    max_leaves=8,
)
EVENTS = st.dictionaries(st.one_of(st.sampled_from(EVENT_KEYS), st.sampled_from(["titel", "x"])),
                         VALUES, max_size=11)
TABLE = st.dictionaries(SLUGS, st.dictionaries(
    st.sampled_from(["label", "name", "kind", "role", "url", "title", "text", "description",
                     "publisher", "date"]), st.one_of(SCALARS, SLUGS), max_size=5), max_size=3)

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
TEXT = st.one_of(st.sampled_from(["T", "<b>x</b> & \"y\"", "<script>x</script>", "{{ 7*7 }}",
                                  "[a](javascript:x) <img src=x onerror=x>", "no", "0755"]),
                 st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"),
                                       blacklist_characters=BIDI), min_size=1, max_size=30)
                 .filter(lambda t: t.strip() != ""))
DATES = st.sampled_from(["2023", "2023-03", "2023-03-29", "-0499~", "1920?", "0001%", "9999"])
IDS = st.sampled_from(["a", "b", "war", "x-y", "1"])


@st.composite
def valid_ish_project(draw: st.DrawFn) -> dict[str, Any]:
    """A project that mostly validates, so the renderer is attacked too; sometimes one
    field is then replaced by anything."""
    actors = {i: {"name": draw(TEXT), "kind": "person", "role": draw(TEXT),
                  "url": "https://example.org/" + draw(IDS)} for i in draw(st.sets(IDS))}
    tags = {i: {"label": draw(TEXT), "description": draw(TEXT)} for i in draw(st.sets(IDS))}
    sources = {i: {"title": draw(TEXT), "url": "https://example.org/s", "date": draw(DATES),
                   "text": "sources/t.txt"} for i in draw(st.sets(IDS))}
    events = []
    for _ in range(draw(st.integers(1, 4))):
        event: dict[str, Any] = {"title": draw(TEXT), "date": draw(DATES), "summary": draw(TEXT)}
        if draw(st.booleans()):
            event["end"] = "9999"
        if draw(st.booleans()):
            event["body"], event["note"] = draw(TEXT), draw(TEXT)
        if tags and draw(st.booleans()):
            event["tags"] = sorted(draw(st.sets(st.sampled_from(sorted(tags)), min_size=1)))
        if actors and draw(st.booleans()):
            event["actors"] = sorted(draw(st.sets(st.sampled_from(sorted(actors)), min_size=1)))
        if draw(st.booleans()):
            event["sources"] = [{"url": "https://example.org/" + draw(IDS), "title": draw(TEXT),
                                 "quote": draw(TEXT)}]
            if sources:
                event["sources"].append({"source": draw(st.sampled_from(sorted(sources))),
                                         "quote": "A sentence that is there."})
        event["featured"] = draw(st.booleans())
        event["draft"] = draw(st.sampled_from([False, False, True]))
        if draw(st.integers(0, 3)) == 0:
            event[draw(st.sampled_from([*EVENT_KEYS, "titel"]))] = draw(VALUES)
        events.append(event)
    return {"events": events, "tags": tags or None, "actors": actors, "sources": sources,
            "site": {"title": draw(TEXT), "description": draw(TEXT), "author": draw(TEXT),
                     "language": draw(st.sampled_from(["en", "fr"]))}}


def _node(text: str, path: str) -> Node | None:
    try:
        return parse_yaml(text, path)
    except ContentErrors:
        return None


@pytest.fixture(scope="module")
def theme():  # type: ignore[no-untyped-def]
    return load_theme(REPO)


def _raw(project: dict[str, Any]) -> RawProject:
    def dump(data: Any, path: str) -> Node | None:
        return _node(yaml.safe_dump(data, allow_unicode=True), path)

    raw = RawProject(root=REPO)
    raw.site = dump({"title": "T", **project["site"]}, "content/site.yaml")
    tags = project["tags"]
    raw.tags = dump(tags, "content/tags.yaml") if tags is not None else None
    raw.actors = dump(project["actors"], "content/actors.yaml")
    raw.sources = dump(project["sources"], "content/sources.yaml")
    raw.texts = {"sources/t.txt": "A sentence that is there."}
    for i, data in enumerate(project["events"]):
        node = dump(data, f"content/events/e{i}.yaml")
        if node is not None:
            raw.events.append((f"e{i}", node))
    return raw


RANDOM_PROJECTS = st.fixed_dictionaries({
    "events": st.lists(EVENTS, min_size=1, max_size=3), "tags": st.one_of(st.none(), TABLE),
    "actors": TABLE, "sources": TABLE,
    "site": st.dictionaries(st.sampled_from(
        ["title", "language", "base_url", "output", "author", "description"]), SCALARS,
        max_size=4)})


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(project=st.one_of(RANDOM_PROJECTS, valid_ish_project()))
def test_random_projects_give_located_errors_or_a_safe_site(
        theme: Any, project: dict[str, Any]) -> None:
    try:
        timeline = validate(_raw(project), drafts=True, languages=theme.languages())
    except ContentErrors as exc:
        assert_located(exc)
        return
    outputs = list(render_site(timeline, theme))
    paths = [o.path for o in outputs]
    assert len({p.casefold() for p in paths}) == len(paths)
    for out in outputs:
        for html in _html_parts(out.path, out.data):
            assert _active_content(html) == [], out.path


HTML_KEYS = {"headline", "text", "html", "display_date", "group", "caption", "credit"}
"""JSON fields TimelineJS (and other readers) insert as HTML."""


def _html_parts(path: str, data: bytes) -> list[str]:
    """The parts of an output a browser or a reader would treat as HTML."""
    if path.endswith(".html"):
        return [data.decode("utf-8")]
    if path.endswith(".json"):
        found: list[str] = []

        def walk(value: Any, key: str = "") -> None:
            if isinstance(value, dict):
                for k, v in value.items():
                    walk(v, k)
            elif isinstance(value, list):
                for v in value:
                    walk(v, key)
            elif isinstance(value, str) and key in HTML_KEYS:
                found.append(value)

        walk(json.loads(data))
        return found
    if path.endswith(".xml"):
        root = ET.fromstring(data)  # noqa: S314 - our own output
        return [el.text or "" for el in root.iter() if el.get("type") in ("html", "xhtml")]
    return []


def _active_content(html: str) -> list[str]:
    """Scripts that are code, event handlers, embedded documents and unsafe URLs."""
    problems: list[str] = []

    class Scan(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            values = dict(attrs)
            if tag == "script" and not values.get("src") and values.get("type") not in (
                    "application/ld+json", "application/json"):
                problems.append("inline <script>")
            if tag in ("iframe", "img", "object", "embed", "style", "base", "math", "frame"):
                problems.append(f"<{tag}>")
            for name, value in attrs:
                if name.startswith("on") or name == "srcdoc":
                    problems.append(f"{name}=")
                if name in ("href", "src", "cite", "action", "formaction") and value:
                    cleaned = re.sub(r"[\x00-\x20]", "", value).lower()
                    scheme = re.match(r"([a-z][a-z0-9+.-]*):", cleaned)
                    if scheme and scheme.group(1) not in ("http", "https", "mailto"):
                        problems.append(f"{name}={value}")

        def handle_data(self, data: str) -> None:
            if self.lasttag == "script" and "</" in data:
                problems.append("a script closed early")

    scanner = Scan()
    scanner.feed(html)
    scanner.close()
    return problems


@PROFILE
@given(st.integers(0, 3000), st.sampled_from(["[", "{a: ", "- ", "\n  a:"]))
def test_deep_nesting_gives_located_errors(depth: int, opener: str) -> None:
    """Nesting bombs: never a RecursionError, whatever the depth."""
    closer = {"[": "]", "{a: ": "}"}.get(opener, "")
    load_text("key: " + opener * depth + "x" + closer * depth + "\n")
