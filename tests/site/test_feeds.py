"""The feed, the sitemap, robots.txt and the head's metadata, read by real parsers.

feedparser reads the Atom feed; the sitemap is checked against sitemaps.org's
rules; every JSON-LD block is parsed; and the site built for
https://example.org/some/path/ is served from that sub-path by a local HTTP
server, where every link, asset, feed entry and sitemap URL must answer.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from mimetypes import guess_type
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import unquote, urldefrag, urljoin, urlsplit
from urllib.request import urlopen

import feedparser
import pytest
from click.testing import CliRunner

from generator.build.pipeline import build, check
from generator.commands.cli import main
from generator.errors import FriseError
from generator.site import feeds
from generator.site.linked_data import inline_json

REPO = Path(__file__).resolve().parents[2]
GOOD_EN = REPO / "tests" / "fixtures" / "good-en"
BASE = "https://example.org/some/path/"
ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
EPOCH = "1700000000"  # 2023-11-14T22:13:20Z
W3C_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?")


def copy_of(source: Path, target: Path) -> Path:
    shutil.copytree(source / "content", target / "content")
    return target


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The English fixture built for https://example.org/some/path/ at a fixed epoch."""
    root = copy_of(GOOD_EN, tmp_path_factory.mktemp("feeds"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        report = build(root, base_url=BASE)
    assert report.output is not None
    yield report.output


@pytest.fixture(scope="module")
def published() -> list[str]:
    timeline, _, _ = check(GOOD_EN)
    return [e.id for e in timeline.events if not e.draft]


# --- Atom ------------------------------------------------------------------------------

def test_feed_parses_and_has_every_required_atom_element(site: Path, published: list[str]
                                                         ) -> None:
    raw = (site / "feed.xml").read_bytes()
    parsed = feedparser.parse(raw)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.id == BASE
    assert parsed.feed.title == "A small history"
    assert parsed.feed.updated == "2023-11-14T22:13:20Z"  # SOURCE_DATE_EPOCH, not the clock
    assert parsed.feed.author == "The frise tests"
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links == {"self": BASE + "feed.xml", "alternate": BASE}
    assert len(parsed.entries) == len(published)
    for entry in parsed.entries:
        assert entry.id.startswith(BASE + "events/")
        assert entry.link == entry.id
        assert entry.title and entry.updated_parsed and entry.summary
        assert entry.summary_detail.type == "text/html"
    assert {e.id for e in parsed.entries} == {f"{BASE}events/{i}/" for i in published}
    # RFC 4287 by hand too, as feedparser forgives: required children, exactly once.
    root = ET.fromstring(raw)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{ATOM}{name}")) == 1
    assert root.findall(f"{ATOM}author/{ATOM}name")
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None


def test_feed_entries_are_dated_from_their_events(site: Path) -> None:
    entries = {e.id: e for e in feedparser.parse((site / "feed.xml").read_bytes()).entries}
    assert entries[BASE + "events/ada-program/"].updated == "1843-01-01T00:00:00Z"
    assert entries[BASE + "events/rome-founded/"].updated == "0001-01-01T00:00:00Z"  # clamped
    treaty = entries[BASE + "events/treaty/"]
    assert [t.term for t in treaty.tags] == ["politics"]
    assert treaty.summary == "<p>A treaty is signed.</p>"


def test_feed_holds_the_latest_events_only(tmp_path: Path) -> None:
    """A feed reader gets the latest FEED_ENTRIES events, not a timeline of 10,000."""
    root = tmp_path / "p"
    shutil.copytree(GOOD_EN / "content", root / "content")
    for i in range(feeds.FEED_ENTRIES + 5):
        (root / "content" / "events" / f"e{i:04d}.yaml").write_text(
            f"title: Event {i}\ndate: {1900 + i}\nsummary: S.\n", encoding="utf-8")
    build(root)
    entries = feedparser.parse((root / "site" / "feed.xml").read_bytes()).entries
    assert len(entries) == feeds.FEED_ENTRIES
    assert entries[0].title == f"Event {feeds.FEED_ENTRIES + 4}"
    assert "Event 4" not in {e.title for e in entries}


def test_feed_updated_comes_from_content_without_epoch(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    report = build(copy_of(GOOD_EN, tmp_path / "p"), base_url=BASE)
    assert report.output is not None
    parsed = feedparser.parse((report.output / "feed.xml").read_bytes())
    assert parsed.feed.updated == "1920-01-01T00:00:00Z"  # the latest event's first day


def test_entry_ids_do_not_change_with_the_title(tmp_path: Path) -> None:
    root = copy_of(GOOD_EN, tmp_path / "p")
    ids = {}
    for base in (BASE, None):
        for title in ("A treaty", "A treaty, renamed"):
            event = root / "content" / "events" / "treaty.yaml"
            text = re.sub(r"(?m)^title: .*$", f"title: {title}", event.read_text("utf-8"))
            event.write_text(text, encoding="utf-8")
            report = build(root, base_url=base)
            assert report.output is not None
            parsed = feedparser.parse((report.output / "feed.xml").read_bytes())
            assert parsed.bozo == 0
            ids[(base, title)] = sorted(e.id for e in parsed.entries)
    assert ids[(BASE, "A treaty")] == ids[(BASE, "A treaty, renamed")]
    assert ids[(None, "A treaty")] == ids[(None, "A treaty, renamed")]
    assert all(i.startswith("urn:uuid:") for i in ids[(None, "A treaty")])


def test_without_base_url_the_build_says_so_and_writes_what_is_valid(tmp_path: Path) -> None:
    root = copy_of(GOOD_EN, tmp_path / "p")
    result = CliRunner().invoke(main, ["build", "-C", str(root)])
    assert result.exit_code == 0, result.output
    said = result.output + (getattr(result, "stderr", "") or "")
    assert "base_url" in said and "sitemap.xml" in said and "feed.xml" in said
    out = root / "site"
    parsed = feedparser.parse((out / "feed.xml").read_bytes())
    assert parsed.bozo == 0
    assert parsed.entries[0].link == "events/treaty/index.html"  # relative to feed.xml
    assert not (out / "sitemap.xml").exists()
    assert not (out / "robots.txt").exists()


def test_base_url_option_overrides_for_one_build(tmp_path: Path) -> None:
    root = copy_of(GOOD_EN, tmp_path / "p")
    result = CliRunner().invoke(main, ["build", "-C", str(root), "--base-url",
                                       "https://example.net/elsewhere"])
    assert result.exit_code == 0, result.output
    parsed = feedparser.parse((root / "site" / "feed.xml").read_bytes())
    assert parsed.feed.id == "https://example.net/elsewhere/"
    assert all(e.link.startswith("https://example.net/elsewhere/events/")
               for e in parsed.entries)


def test_a_malformed_source_date_epoch_is_an_error(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(FriseError, match="SOURCE_DATE_EPOCH"):
        build(copy_of(GOOD_EN, tmp_path / "p"))
    assert feeds.source_date_epoch({"SOURCE_DATE_EPOCH": "0"}) == dt.datetime(
        1970, 1, 1, tzinfo=dt.timezone.utc)
    assert feeds.source_date_epoch({}) is None


# --- sitemap and robots.txt ---------------------------------------------------------------

def check_sitemap(data: bytes, base: str) -> list[str]:
    """The sitemaps.org rules; returns the URLs."""
    assert len(data) <= 50 * 1024 * 1024
    root = ET.fromstring(data)
    assert root.tag == f"{SM}urlset"
    locs = []
    for url in root:
        assert url.tag == f"{SM}url"
        loc = url.findtext(f"{SM}loc")
        assert loc is not None and loc == loc.strip()
        assert loc.startswith(base) and urlsplit(loc).scheme in ("http", "https")
        assert len(loc) < 2048
        lastmod = url.findtext(f"{SM}lastmod")
        if lastmod is not None:
            assert W3C_DATE.fullmatch(lastmod), lastmod
        locs.append(loc)
    assert len(locs) <= 50_000
    assert len(set(locs)) == len(locs)
    return locs


def test_sitemap_follows_sitemaps_org(site: Path, published: list[str]) -> None:
    locs = check_sitemap((site / "sitemap.xml").read_bytes(), BASE)
    assert locs[0] == BASE
    for event_id in published:
        assert f"{BASE}events/{event_id}/" in locs
    assert BASE + "tags/politics/" in locs and BASE + "actors/ada/" in locs
    assert not any("404" in loc or "secret" in loc for loc in locs)
    lastmods = {u.findtext(f"{SM}lastmod") for u in ET.fromstring(
        (site / "sitemap.xml").read_bytes())}
    assert lastmods == {"2023-11-14"}


def test_a_sitemap_past_50000_urls_becomes_an_index() -> None:
    paths = [f"events/e{i}/index.html" for i in range(50_001)]
    files = {o.path: o.data for o in feeds.sitemaps(BASE, paths, None)}
    assert set(files) == {"sitemap.xml", "sitemap-1.xml", "sitemap-2.xml"}
    index = ET.fromstring(files["sitemap.xml"])
    assert index.tag == f"{SM}sitemapindex"
    assert [s.findtext(f"{SM}loc") for s in index] == [BASE + "sitemap-1.xml",
                                                       BASE + "sitemap-2.xml"]
    assert len(check_sitemap(files["sitemap-1.xml"], BASE)) == 50_000
    assert len(check_sitemap(files["sitemap-2.xml"], BASE)) == 1


def test_robots_points_at_the_sitemap(site: Path) -> None:
    lines = (site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {BASE}sitemap.xml" in lines


# --- head metadata and JSON-LD ---------------------------------------------------------

class HeadParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.links: list[dict[str, str]] = []
        self.jsonld: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in a or "name" in a):
            self.meta[a.get("property") or a["name"]] = a.get("content", "")
        elif tag == "link":
            self.links.append(a)
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in_ld = True
            self.jsonld.append("")

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.jsonld[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_ld = False


def head(path: Path) -> HeadParser:
    parser = HeadParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_page_has_canonical_open_graph_and_twitter_metadata(site: Path) -> None:
    pages = [p for p in site.rglob("*.html") if p.name != "404.html"]
    assert len(pages) > 5
    for page in pages:
        h = head(page)
        canonical = [a["href"] for a in h.links if a.get("rel") == "canonical"]
        assert len(canonical) == 1 and canonical[0].startswith(BASE), page
        assert h.meta["og:url"] == canonical[0]
        assert h.meta["og:title"] and h.meta["og:site_name"] == "A small history"
        assert h.meta["twitter:card"] == "summary"
        assert any(a.get("type") == "application/atom+xml" for a in h.links)
    event = head(site / "events" / "rome-founded" / "index.html")
    assert event.meta["og:type"] == "article"
    assert event.meta["og:title"] == "Rome is founded"
    assert event.meta["og:description"] == "The legendary founding of Rome."


def test_json_ld_of_the_index_is_an_item_list_of_the_events(site: Path, published: list[str]
                                                            ) -> None:
    blocks = [json.loads(b) for b in head(site / "index.html").jsonld]
    assert len(blocks) == 1
    data = blocks[0]
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "ItemList"
    assert data["numberOfItems"] == len(published)
    items = data["itemListElement"]
    assert [i["position"] for i in items] == list(range(1, len(published) + 1))
    assert [i["url"] for i in items] == [f"{BASE}events/{e}/" for e in published]
    assert all(i["@type"] == "ListItem" for i in items)


def test_json_ld_of_an_event_describes_a_historical_event_and_its_sources(site: Path) -> None:
    for page in (site / "events").glob("*/index.html"):
        blocks = [json.loads(b) for b in head(page).jsonld]
        assert len(blocks) == 1, page
        article = blocks[0]
        assert article["@type"] == "Article"
        assert article["url"] == f"{BASE}events/{page.parent.name}/"
        assert article["about"]["@type"] == "Event"
        for cited in article["citation"]:
            assert cited["@type"] in ("Quotation", "CreativeWork")
            if cited["@type"] == "Quotation":
                assert cited["text"] and cited["isBasedOn"]["@type"] == "CreativeWork"
    treaty = json.loads(head(site / "events" / "treaty" / "index.html").jsonld[0])
    assert treaty["about"]["startDate"] == "1920"
    assert treaty["about"]["endDate"] == "1921-03"
    assert {c["@type"] for c in treaty["citation"]} == {"CreativeWork", "Quotation"}
    ada = json.loads(head(site / "events" / "ada-program" / "index.html").jsonld[0])
    assert ada["mentions"] == [{"@type": "Person", "name": "Ada Lovelace",
                                "description": "mathematician"}]
    rome = json.loads(head(site / "events" / "rome-founded" / "index.html").jsonld[0])
    assert rome["about"]["location"] == [{"@type": "Place", "name": "Rome"}]


def test_json_ld_of_the_real_site_parses(build_real: Path) -> None:
    """The real content, built without base_url: relative addresses, same types."""
    types = {}
    for page in sorted(build_real.rglob("*.html")):
        for block in head(page).jsonld:
            types[page.relative_to(build_real).as_posix()] = json.loads(block)["@type"]
    events = [p for p in types if p.startswith("events/")]
    assert types["index.html"] == "ItemList"
    assert len(events) == len(list((build_real / "events").iterdir())) > 0
    assert {types[p] for p in events} == {"Article"}
    index = json.loads(head(build_real / "index.html").jsonld[0])
    for item in index["itemListElement"]:
        assert (build_real / item["url"]).is_file(), item["url"]  # relative to the index


def test_json_ld_is_inlined_safely(project) -> None:  # type: ignore[no-untyped-def]
    nasty = "Bye </script><script>alert(1)</script> <!-- x --> & a\u2028b\u2029c"
    root = project({"content/events/a.yaml": (
        f"title: {json.dumps(nasty)}\ndate: 2020\nsummary: {json.dumps(nasty)}\n")})
    report = build(root)
    assert report.output is not None
    html = (report.output / "events" / "a" / "index.html").read_text(encoding="utf-8")
    script = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in script and "\u2028" not in script and "\u2029" not in script
    title = check(root)[0].events[0].title
    assert "</script>" in title
    assert json.loads(script)["headline"] == title
    index = head(report.output / "index.html").jsonld
    assert json.loads(index[0])["itemListElement"][0]["name"] == title
    assert str(inline_json({"a": "</script><!--\u2028"})) == (
        '{"a":"\\u003c/script\\u003e\\u003c!--\\u2028"}')


# --- reproducible -----------------------------------------------------------------------

def test_two_builds_are_byte_identical(tmp_path: Path, hashes, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = copy_of(GOOD_EN, tmp_path / "p")
    first = build(root, base_url=BASE)
    assert first.output is not None
    before = hashes(first.output)
    again = build(root, base_url=BASE)
    assert again.output is not None
    assert hashes(again.output) == before
    assert {"feed.xml", "sitemap.xml", "robots.txt", "timeline.json", "events.json",
            "events.csv"} <= set(before)


# --- deployed under a sub-path ----------------------------------------------------------

class LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.urls.append(value)


def serve(folder: Path, prefix: str) -> tuple[ThreadingHTTPServer, str]:
    """Serves `folder` under `prefix` like a static host: index.html for folders, and
    404.html, with status 404, for anything missing."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            path = unquote(urlsplit(self.path).path)
            target = None
            if path.startswith(prefix):
                candidate = (folder / path[len(prefix):]).resolve()
                if candidate.is_dir():
                    candidate = candidate / "index.html"
                if candidate.is_file() and candidate.is_relative_to(folder.resolve()):
                    target = candidate
            status = 200 if target else 404
            target = target or folder / "404.html"
            body = target.read_bytes()
            self.send_response(status)
            kind = guess_type(target.name)[0] or "application/octet-stream"
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urlopen(url, timeout=10) as response:  # noqa: S310 - a local test server
            return response.status, response.read()
    except HTTPError as exc:
        return exc.code, exc.read()


def test_site_works_when_served_from_its_sub_path(site: Path) -> None:
    server, origin = serve(site, "/some/path/")
    public_origin = "https://example.org"

    def local(public: str) -> str:
        assert public.startswith(public_origin + "/some/path/"), public
        return origin + public[len(public_origin):]

    # links the content itself makes to elsewhere (its sources), which need not answer here
    content_links = {u for u in re.findall(r'https://[^"\\<> ]+',
                                           (site / "events.json").read_text("utf-8"))
                     if not u.startswith(BASE)}
    try:
        seen: set[str] = set()
        todo = [BASE]
        checked = 0
        while todo:
            url = todo.pop()
            if url in seen:
                continue
            seen.add(url)
            status, body = fetch(local(url))
            assert status == 200, url
            checked += 1
            if not (url.endswith("/") or url.endswith(".html")):
                continue
            links = LinkCollector()
            links.feed(body.decode("utf-8"))
            for link in links.urls:
                target = urldefrag(urljoin(url, link)).url
                if target in content_links:
                    continue
                if target.startswith(public_origin):
                    todo.append(target)  # ours: must lie under the sub-path and answer
                elif not target.startswith(("https://example.org/", "mailto:")):
                    # sources and actors link elsewhere; only our own pages must answer here
                    assert urlsplit(target).scheme in ("http", "https", "mailto"), target
        assert checked > 15
        # every feed entry and sitemap URL answers under the sub-path
        feed = feedparser.parse(fetch(local(BASE + "feed.xml"))[1])
        for entry in feed.entries:
            assert fetch(local(entry.link))[0] == 200, entry.link
        for loc in ET.fromstring(fetch(local(BASE + "sitemap.xml"))[1]).iter(f"{SM}loc"):
            assert loc.text and fetch(local(loc.text))[0] == 200, loc.text
        for item in json.loads(head(site / "index.html").jsonld[0])["itemListElement"]:
            assert fetch(local(item["url"]))[0] == 200, item["url"]
        for event in json.loads((site / "events.json").read_text("utf-8"))["events"]:
            assert fetch(local(event["url"]))[0] == 200, event["url"]
        for name in ("timeline.json", "events.json", "events.csv", "robots.txt"):
            assert fetch(local(BASE + name))[0] == 200
        # a missing page deep down gets 404.html, whose links work from that depth
        deep = BASE + "events/no-such-event/deeper/"
        status, body = fetch(local(deep))
        assert status == 404
        links = LinkCollector()
        links.feed(body.decode("utf-8"))
        own = [urljoin(deep, u) for u in links.urls if not u.startswith("#")]
        assert any(u.endswith("assets/style.css") for u in own)
        for target in own:
            if target.startswith(public_origin):
                assert fetch(local(urldefrag(target).url))[0] == 200, target
    finally:
        server.shutdown()
        server.server_close()
