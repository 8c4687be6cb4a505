"""What readers and crawlers fetch: the Atom feed, the sitemap and robots.txt.

Nothing here reads the clock: a date comes from the content, or from
`SOURCE_DATE_EPOCH` when the build is given one, so two builds are identical.
Absolute URLs need the site's `base_url`; without it the feed keeps relative
links (valid Atom, resolved against the feed's own address) and the sitemap and
robots.txt, which must be absolute, are not written.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping
from urllib.parse import quote

from ..content.dates import PartialDate
from ..content.model import Event, Timeline
from ..errors import FriseError
from . import periods, typography, urls
from .exports import published
from .markdown import MarkdownConverter, at_root
from .output import Output
from .render import Page
from .theme import Words

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_LIMIT = 50_000
"""URLs per sitemap file allowed by sitemaps.org; beyond it the sitemap becomes an index."""
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def source_date_epoch(environ: Mapping[str, str]) -> dt.datetime | None:
    """`SOURCE_DATE_EPOCH` (reproducible-builds.org) as a UTC time, or None when unset.

    Raises FriseError when it is set but is not a whole number of seconds.
    """
    raw = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise FriseError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not '{raw}'")
    return dt.datetime.fromtimestamp(int(raw), tz=dt.timezone.utc)


def _clean(text: str) -> str:
    """Removes the few characters XML 1.0 cannot carry at all."""
    return _NOT_XML.sub("", text)


def _day(date: PartialDate) -> dt.datetime:
    """The first day an event covers as an Atom time; clamped to years 1–9999,
    the only ones RFC 3339 and feed readers know."""
    y, m, d = date.start_key
    if y < 1:
        return dt.datetime(1, 1, 1, tzinfo=dt.timezone.utc)
    return dt.datetime(min(y, 9999), max(m, 1), max(d, 1), tzinfo=dt.timezone.utc)


def _stamp(when: dt.datetime) -> str:
    return f"{when.year:04d}-{when:%m-%dT%H:%M:%SZ}"


def _link(timeline: Timeline, path: str) -> str:
    """Absolute when the site's address is known; else relative to the site's root."""
    return urls.absolute(timeline.site.base_url, path) or path


def entry_id(timeline: Timeline, event: Event) -> str:
    """An id that never changes for an event: its page's address under `base_url`.

    Without `base_url`, a name-based UUID of the site's title and the event's id
    (never the event's title); it becomes the address once `base_url` is set.
    """
    base = timeline.site.base_url
    if base:
        return base + urls.public_url(urls.event_path(event.id))
    return uuid.uuid5(uuid.NAMESPACE_URL, f"frise:{timeline.site.title}#{event.id}").urn


def feed_id(timeline: Timeline) -> str:
    base = timeline.site.base_url
    if base:
        return base
    return uuid.uuid5(uuid.NAMESPACE_URL, f"frise:{timeline.site.title}").urn


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = _clean(text)
    return element


FEED_ENTRIES = 200
"""Entries in the feed: the latest events; the whole timeline is in events.json."""


def atom(timeline: Timeline, markup: MarkdownConverter, epoch: dt.datetime | None) -> bytes:
    """The Atom 1.0 feed (RFC 4287) of the latest FEED_ENTRIES published events.

    An entry's `updated` is the day its event starts; the feed's is
    `SOURCE_DATE_EPOCH` when given, else the latest of its entries'.
    """
    site = typography.site(timeline.site)  # shown; the ids keep the title as typed
    events = latest(timeline)
    days = [_day(e.date) for e in events]
    updated = epoch or max(days, default=dt.datetime(1, 1, 1, tzinfo=dt.timezone.utc))
    feed = ET.Element("feed", {"xmlns": ATOM, _XML_LANG: site.language})
    _add(feed, "id", feed_id(timeline))
    _add(feed, "title", site.title, type="text")
    if site.description:
        _add(feed, "subtitle", markup.inline(site.description), type="html")
    _add(feed, "updated", _stamp(updated))
    _add(_add(feed, "author"), "name", site.author or site.title)
    _add(feed, "link", rel="self", type="application/atom+xml", href=_link(timeline, urls.FEED))
    _add(feed, "link", rel="alternate", type="text/html", href=_link(timeline, urls.INDEX))
    _add(feed, "generator", "frise")
    home = periods.where(periods.split(timeline.events))
    for event, day in zip(events, days, strict=True):
        entry = _add(feed, "entry")
        _add(entry, "id", entry_id(timeline, event))
        _add(entry, "title", event.title, type="text")
        _add(entry, "updated", _stamp(day))
        _add(entry, "link", rel="alternate", type="text/html",
             href=_link(timeline, urls.event_path(event.id)))
        if event.id in home:  # where the event sits in a chronology cut into periods
            _add(entry, "link", rel="related", type="text/html",
                 href=_link(timeline, urls.period_path(home[event.id])))
        _add(entry, "summary", markup.block(event.summary), type="html")
        for tag in event.tags:
            _add(entry, "category", term=tag.slug, label=tag.label)
    return _xml(feed)


def page_paths(timeline: Timeline) -> list[str]:
    """Every page a crawler should know: the index, events, tags and actors of published
    events. Never the 404 page, never a draft."""
    events = published(timeline)
    tags = sorted({t.slug for e in events for t in e.tags})
    actors = sorted({a.id for e in events for a in e.actors})
    return ([urls.INDEX] + [urls.event_path(e.id) for e in events]
            + ([urls.TAGS_INDEX] if tags else []) + [urls.tag_path(t) for t in tags]
            + ([urls.ACTORS_INDEX] if actors else []) + [urls.actor_path(a) for a in actors]
            + periods.page_paths(events))


_LOC_SAFE = ":/?#[]@!$&'()*+,;=%~"
_LOC_PLAIN = re.compile(r"[A-Za-z0-9_.~\-" + re.escape(_LOC_SAFE) + "]*")
"""What `quote` leaves as it is: most URLs of a site (frise's paths are slugs)."""


def _loc(url: str) -> str:
    """A URL as sitemaps.org wants it: non-ASCII and spaces percent-encoded."""
    return url if _LOC_PLAIN.fullmatch(url) else quote(url, safe=_LOC_SAFE)


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def sitemaps(base_url: str, paths: list[str], epoch: dt.datetime | None) -> list[Output]:
    """`sitemap.xml` per sitemaps.org; past 50,000 URLs, an index of numbered sitemaps.

    `lastmod` is given only with `SOURCE_DATE_EPOCH`: a date we cannot know is
    better left out than invented.
    """
    lastmod = f"{epoch:%Y-%m-%d}" if epoch else None
    chunks = [paths[i:i + SITEMAP_LIMIT] for i in range(0, len(paths), SITEMAP_LIMIT)] or [[]]
    files: list[Output] = []
    for chunk in chunks:
        urlset = ET.Element("urlset", {"xmlns": SITEMAP})
        for path in chunk:
            url = _add(urlset, "url")
            _add(url, "loc", _loc(base_url + urls.public_url(path)))
            if lastmod:
                _add(url, "lastmod", lastmod)
        files.append(Output(
            "sitemap.xml" if len(chunks) == 1 else f"sitemap-{len(files) + 1}.xml",
            _xml(urlset)))
    if len(chunks) > 1:
        index = ET.Element("sitemapindex", {"xmlns": SITEMAP})
        for part in files:
            sitemap = _add(index, "sitemap")
            _add(sitemap, "loc", _loc(base_url + part.path))
            if lastmod:
                _add(sitemap, "lastmod", lastmod)
        files.append(Output("sitemap.xml", _xml(index)))
    return files


def robots(base_url: str) -> Output:
    """Lets every crawler in and points it at the sitemap."""
    text = (
        "# Written by frise. Crawlers read robots.txt only at the root of a host:\n"
        "# if this site lives under a sub-path, copy these lines into the host's own.\n"
        "User-agent: *\n"
        "Disallow:\n"
        "\n"
        f"Sitemap: {_loc(base_url + 'sitemap.xml')}\n"
    )
    return Output("robots.txt", text.encode("utf-8"))


def latest(timeline: Timeline) -> list[Event]:
    """The events of the feed: the latest FEED_ENTRIES published, latest first."""
    return list(reversed(published(timeline)))[:FEED_ENTRIES]


def plugin(epoch: dt.datetime | None) -> Callable[[Timeline, Words], Iterator[Page]]:
    """The plan's entries for the feed, and with `base_url` for the sitemap and
    robots.txt. Each names only what it is made from: the feed its events and the
    periods they sit in, the sitemap the site's paths, so that editing an older event
    rewrites neither.

    `epoch` is `SOURCE_DATE_EPOCH` (None: dates come from the content).
    """
    when = epoch.isoformat() if epoch else ""

    def pages(timeline: Timeline, words: Words) -> Iterator[Page]:
        base = timeline.site.base_url

        def feed(markup: MarkdownConverter, shown: Timeline) -> Iterator[Output]:
            yield Output(urls.FEED, at_root(atom(shown, markup, epoch).decode("utf-8"),
                                             base or "").encode("utf-8"))

        events = latest(timeline)
        home = periods.where(periods.split(timeline.events))
        yield Page((urls.FEED,), "", (tuple(events), tuple(home.get(e.id) for e in events),
                                      when), feed)
        if not base:
            return
        listed = page_paths(timeline)

        def sitemap(markup: MarkdownConverter, shown: Timeline) -> Iterator[Output]:
            yield from sitemaps(base, listed, epoch)
            yield robots(base)

        parts = -(-len(listed) // SITEMAP_LIMIT)
        files = [f"sitemap-{i + 1}.xml" for i in range(parts)] if parts > 1 else []
        yield Page((*files, "sitemap.xml", "robots.txt"), "", (tuple(listed), when), sitemap)

    return pages
