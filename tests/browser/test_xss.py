"""Script injection: payloads in every field of the content, and none may run.

One project carries an attack in every field an editor can fill (plain text,
Markdown and URLs). It is built once; then
- a static scan of every output file (no browser needed) checks that no tag,
  event handler or URL scheme outside the allow-list reached the site, and that
  the XML and JSON outputs still parse;
- Chromium (the session's, from tests/browser/conftest.py) opens EVERY page with a
  trap installed before any script of the page:
  `__xss`, `alert`, `confirm`, `prompt` and `print` record their calls. Event
  handlers are fired on every element and every link whose URL is not http,
  https, mailto or a file of the site is clicked. Nothing may be recorded.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

from generator.build.pipeline import build
from generator.content import validate
from generator.site.markdown import TAGS as MARKDOWN_TAGS


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def plain(field: str) -> str:
    """An attack on a plain-text field: breaks out of text and of both attribute quotes."""
    return (f"\"><img src=x onerror=\"__xss('{field}')\"><script>__xss('{field}-s')</script>"
            f"'><svg onload=__xss('{field}-v')></title></textarea>{{{{7*7}}}}")


def markdown(field: str) -> str:
    """An attack on a Markdown field: raw HTML, hidden `javascript:` links, references."""
    return (f"Text <img src=x onerror=\"__xss('{field}')\"> [a](javascript:__xss('{field}-j')) "
            f"[b](jav&#x09;ascript:__xss('{field}-e')) [c][r] [d](JaVaScRiPt:__xss('{field}-d'))"
            f" <a href=\"&#106;avascript:__xss('{field}-a')\">e</a>"
            f" <a href=\"data:text/html,<script>__xss('{field}-x')</script>\">f</a>"
            f" [g](https://example.org/ \"t\\\" onmouseover=__xss('{field}-q') x=\\\"\")"
            f" ![h](javascript:__xss('{field}-m'))"
            f" <iframe srcdoc=\"<script>parent.__xss('{field}-i')</script>\"></iframe>"
            f" <details open ontoggle=\"__xss('{field}-t')\">x</details>"
            f" <form action=\"javascript:__xss('{field}-f')\"><button>go</button></form>"
            f" <math><mtext><table><mglyph><style><img src=x onerror=__xss('{field}-n')>"
            f"\n\n<script>__xss('{field}-b')</script>\n\n"
            f"[r]: javascript:__xss('{field}-r')\n")


def url(field: str) -> str:
    """An http URL that tries to leave its attribute (it passes the scheme check)."""
    return (f"https://example.org/'onmouseover='__xss(\"{field}\")'\"onfocus=\"__xss('{field}')"
            f"\"><script>__xss('{field}-u')</script>")


def harmless_plain(field: str) -> str:
    return f"Plain {field}"


def harmless_markdown(field: str) -> str:
    return f"Text *{field}* [a](https://example.org/{field})"


def harmless_url(field: str) -> str:
    return f"https://example.org/{field}"


def xss_files(plain: Callable[[str], str] = plain, markdown: Callable[[str], str] = markdown,
              url: Callable[[str], str] = url) -> dict[str, str]:
    """The payload project: an attack in every field an editor can fill (or, given
    harmless makers, its twin with ordinary text in the same places)."""
    event_a = "\n".join([
        f"title: {_q(plain('event-title'))}",
        "date: 2020-05",
        f"summary: {_q(markdown('summary'))}",
        f"body: {_q(markdown('body'))}",
        f"note: {_q(markdown('note'))}",
        "tags: [xss]",
        "actors: [mallory]",
        "featured: true",
        "sources:",
        "  - source: src",
        f"    quote: {_q(plain('ref-quote'))}",
        f"  - url: {_q(url('inline-url'))}",
        f"    title: {_q(plain('inline-title'))}",
        f"    publisher: {_q(plain('inline-publisher'))}",
        f"    author: {_q(plain('inline-author'))}",
        "    date: 2020-05-02",
        "    language: en",
        f"    quote: {_q(plain('inline-quote'))}",
        "",
    ])
    event_b = "\n".join([
        f"title: {_q(plain('title-b'))}",
        "date: 2021",
        "end: 2022",
        f"summary: {_q(markdown('summary-b'))}",
        "tags: [xss]",
        "actors: [mallory]",
        "",
    ])
    return {
        "content/site.yaml": "\n".join([
            f"title: {_q(plain('site-title'))}",
            f"description: {_q(markdown('site-description'))}",
            f"author: {_q(plain('site-author'))}",
            "base_url: https://example.org/timeline/",
            "",
        ]),
        "content/tags.yaml": (f"xss:\n  label: {_q(plain('tag-label'))}\n"
                              f"  description: {_q(markdown('tag-description'))}\n"),
        "content/actors.yaml": (f"mallory:\n  name: {_q(plain('actor-name'))}\n"
                                f"  kind: person\n  role: {_q(plain('actor-role'))}\n"
                                f"  url: {_q(url('actor-url'))}\n"),
        "content/sources.yaml": (f"src:\n  title: {_q(plain('source-title'))}\n"
                                 f"  publisher: {_q(plain('source-publisher'))}\n"
                                 f"  author: {_q(plain('source-author'))}\n"
                                 f"  url: {_q(url('source-url'))}\n  language: fr\n"),
        "content/events/a.yaml": event_a,
        "content/events/b.yaml": event_b,
    }


def _build(root: Path, files: dict[str, str]) -> Path:
    """Builds the project with the link check off: `check` refuses these links at their
    line (tests/content/test_teaching.py), and this tests the sanitiser behind it, as if a link
    had slipped past."""
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(validate, "link_problem", lambda *args: None)
        report = build(root)
    assert report.output is not None
    assert report.events == 2
    return report.output


@pytest.fixture(scope="module")
def xss_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("xss"), xss_files())


@pytest.fixture(scope="module")
def twin_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same project with ordinary text: the theme's own elements, for comparison."""
    return _build(tmp_path_factory.mktemp("twin"),
                  xss_files(harmless_plain, harmless_markdown, harmless_url))


# --- static scan ------------------------------------------------------------------------

SAFE_SCHEMES = ("http", "https", "mailto")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "cite", "poster", "data", "srcset",
                  "xlink:href", "background", "ping"}
DATA_SCRIPTS = ("application/ld+json", "application/json")


def scheme_of(value: str) -> str:
    """The scheme a browser would see: controls and spaces stripped, lower-cased."""
    cleaned = re.sub(r"[\x00-\x20]", "", unquote(value)).lower()
    match = re.match(r"([a-z][a-z0-9+.-]*):", cleaned)
    return match.group(1) if match else ""


class _Scan(HTMLParser):
    """Counts elements outside Markdown's allow-list, and finds active content."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.elements: Counter[str] = Counter()
        self._script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in MARKDOWN_TAGS:
            self.elements[tag] += 1
        values = dict(attrs)
        if tag == "script":
            kind = values.get("type") or ""
            if values.get("src"):
                self._script = "src"
                if scheme_of(values["src"] or ""):
                    self.problems.append(f"<script src={values['src']!r}>")
            elif kind in DATA_SCRIPTS:
                self._script = "data"
            else:
                self._script = "inline"
                self.problems.append(f"inline <script type={kind!r}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler")
            if name == "srcdoc":
                self.problems.append(f"<{tag} srcdoc>")
            if name in URL_ATTRIBUTES and value and scheme_of(value) not in ("", *SAFE_SCHEMES):
                self.problems.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script == "data":
            json.loads(data)  # still whole: no payload closed the script early
            if "<" in data:
                self.problems.append("'<' left unescaped inside a JSON <script>")
        elif self._script is not None and data.strip():
            self.problems.append(f"code inside <script src>: {data[:60]!r}")


def scan(page: Path) -> _Scan:
    result = _Scan()
    result.feed(page.read_text(encoding="utf-8"))
    result.close()
    return result


def test_every_html_file_is_free_of_active_content(xss_site: Path, twin_site: Path) -> None:
    pages = sorted(p.relative_to(xss_site).as_posix() for p in xss_site.rglob("*.html"))
    assert len(pages) >= 6  # index, 2 events, a tag, an actor, 404
    for rel in pages:
        attacked, twin = scan(xss_site / rel), scan(twin_site / rel)
        assert attacked.problems == [], rel
        # no element beyond the theme's own and Markdown's allow-list reached the page (a
        # frise label wraps onto as many lines, <tspan>s, as its text needs)
        attacked.elements.pop("tspan", None)
        twin.elements.pop("tspan", None)
        assert attacked.elements == twin.elements, rel


def test_payload_text_is_shown_as_text(xss_site: Path) -> None:
    """Escaped, not dropped: the editor sees what was typed (typeset), a reader sees text."""
    page = (xss_site / "events/a/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;__xss(‘event-title-s’)&lt;/script&gt;" in page
    assert "{{7*7}}" in page and "49" not in page.split("<main", 1)[1].split("</main>")[0]


HTML_KEYS = {"headline", "text", "html", "display_date", "group"}
"""JSON fields that TimelineJS (and other readers) insert as HTML."""


def _fragments(value: object, key: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _fragments(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _fragments(v, key)
    elif isinstance(value, str) and key in HTML_KEYS:
        yield value


def _fragment_problems(html: str) -> list[str]:
    result = _Scan()
    result.feed(html)
    result.close()
    return result.problems + [f"<{t}>" for t in result.elements if t not in ("span",)]


def test_xml_and_json_outputs_parse_and_carry_no_active_html(xss_site: Path) -> None:
    """The feed, sitemap and JSON: a payload must not break them, nor ride in their HTML
    (feed readers render `type="html"`, TimelineJS renders headlines and texts)."""
    xml_files = sorted(xss_site.rglob("*.xml"))
    json_files = sorted(xss_site.rglob("*.json"))
    assert [f.name for f in xml_files].count("feed.xml") == 1
    assert "timeline.json" in [f.name for f in json_files]
    for file in xml_files:
        root = ET.fromstring(file.read_bytes())  # noqa: S314 - our own output
        for element in root.iter():
            assert not element.tag.endswith("}script"), file
            assert not any(k.lower().startswith("on") for k in element.attrib), file
            if element.get("type") in ("html", "xhtml"):
                assert _fragment_problems(element.text or "") == [], (file.name, element.text)
    for file in json_files:
        for html in _fragments(json.loads(file.read_text(encoding="utf-8"))):
            assert _fragment_problems(html) == [], (file.name, html)


# --- in Chromium ------------------------------------------------------------------------

TRAP = """
(() => {
  const ran = [];
  const record = (what) => { ran.push(String(what)); };
  Object.defineProperty(window, '__xssRan', {value: ran});
  window.__xss = record;
  window.alert = (m) => record('alert:' + m);
  window.confirm = (m) => { record('confirm:' + m); return false; };
  window.prompt = (m) => { record('prompt:' + m); return null; };
  window.print = () => record('print');
  if (window.parent !== window) { try { window.parent.__xss; } catch (e) {} }
})();
"""

FIRE = """
() => {
  const events = ['mouseover', 'mouseenter', 'focus', 'focusin', 'load', 'error', 'toggle',
                  'animationstart', 'pointerover', 'input', 'change'];
  for (const el of document.querySelectorAll('*')) {
    for (const type of events) { el.dispatchEvent(new Event(type)); }
  }
  const bad = [];
  for (const a of document.querySelectorAll('a, area')) {
    const raw = a.getAttribute('href') ?? a.getAttribute('xlink:href');
    if (raw === null) { continue; }
    const url = new URL(raw, document.baseURI);  // as the browser resolves it (SVG links too)
    if (!['http:', 'https:', 'mailto:', 'file:'].includes(url.protocol)) {
      bad.push(url.href);
      a.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true, view: window}));
    }
  }
  return bad;
}
"""


@pytest.fixture(scope="module")
def chromium(browser: object) -> Iterator[object]:
    # The session's shared Chromium (tests/browser/conftest.py): Playwright's sync API
    # cannot run a second instance in the same thread while that one is open.
    yield browser


@pytest.mark.browser
def test_no_payload_runs_in_any_page(xss_site: Path, chromium: object,
                                     tmp_path: Path) -> None:
    # Served from a copy so clicks that navigate never touch the built site.
    site = shutil.copytree(xss_site, tmp_path / "site")
    context = chromium.new_context(java_script_enabled=True)  # type: ignore[attr-defined]
    context.add_init_script(TRAP)
    context.route(re.compile(r"^(https?|wss?)://"), lambda route: route.abort())
    page = context.new_page()
    opened = []
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    files = sorted(f for f in site.rglob("*") if f.suffix in (".html", ".xml", ".svg"))
    try:
        for file in files:
            page.goto(file.as_uri())
            page.wait_for_load_state("load")
            bad_links = page.evaluate(FIRE)
            page.wait_for_timeout(50)  # lets a clicked javascript: URL run, if any
            ran = page.evaluate("() => window.__xssRan ? [...window.__xssRan] : []")
            assert (bad_links, ran) == ([], []), file.relative_to(site).as_posix()
            frames_ran = [f.evaluate("() => window.__xssRan ? [...window.__xssRan] : []")
                          for f in page.frames[1:]]
            assert all(r == [] for r in frames_ran), file
            opened.append(file.relative_to(site).as_posix())
    finally:
        context.close()
    assert dialogs == []
    assert "index.html" in opened and "events/a/index.html" in opened
    assert "actors/mallory/index.html" in opened and "tags/xss/index.html" in opened


@pytest.mark.browser
def test_the_trap_catches_a_payload(chromium: object, tmp_path: Path) -> None:
    """The trap itself works: an unescaped payload is recorded (else the test above
    could pass by never noticing anything)."""
    page_file = tmp_path / "unsafe.html"
    page_file.write_text(f"<!DOCTYPE html><title>t</title><p>{plain('x')}</p>"
                         "<a href=\"javascript:__xss('link')\">l</a>", encoding="utf-8")
    context = chromium.new_context()  # type: ignore[attr-defined]
    context.add_init_script(TRAP)
    page = context.new_page()
    try:
        page.goto(page_file.as_uri())
        bad = page.evaluate(FIRE)
        page.wait_for_timeout(50)
        ran = page.evaluate("() => [...window.__xssRan]")
    finally:
        context.close()
    assert bad == ["javascript:__xss('link')"]
    assert {"x", "x-s", "x-v", "link"} <= set(ran)


@pytest.mark.browser
def test_filters_read_from_the_address_do_not_run(xss_site: Path, chromium: object) -> None:
    """The index reads its filters from `?tag=…&q=…`: a crafted link must not inject."""
    payload = quote("\"><img src=x onerror=__xss('address')><script>__xss('a2')</script>")
    context = chromium.new_context()  # type: ignore[attr-defined]
    context.add_init_script(TRAP)
    page = context.new_page()
    try:
        page.goto(f"{(xss_site / 'index.html').as_uri()}?tag={payload}&actor={payload}"
                  f"&q={payload}#{payload}")
        page.wait_for_load_state("load")
        bad = page.evaluate(FIRE)
        page.wait_for_timeout(50)
        ran = page.evaluate("() => [...window.__xssRan]")
    finally:
        context.close()
    assert (bad, ran) == ([], [])
