"""JSON-LD (schema.org) for search engines, inlined safely into pages.

The index is an `ItemList` of the events; an event's page is an `Article`
about an `Event`, mentioning its actors and citing its sources (a
`Quotation` based on the source when the event quotes it). Templates call
`linked_data.index(events, root)` and `linked_data.event(ev, root)`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from markupsafe import Markup as Html

from ..content.config import Site
from ..content.dates import PartialDate
from ..content.model import Actor, Citation, Source
from . import urls

if TYPE_CHECKING:
    from .views import EventView

_ACTOR_TYPES = {"person": "Person", "organisation": "Organization", "country": "Country",
                "place": "Place"}
_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
           "\u2028": "\\u2028", "\u2029": "\\u2029"}


def inline_json(data: object) -> Html:
    """JSON that cannot end its `<script>` element early or open a comment there.

    `<`, `>` and `&` only ever occur inside JSON strings, where their `\\u` escapes
    mean the same; U+2028/2029 are escaped for older JavaScript parsers.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _UNSAFE.items():
        text = text.replace(char, escaped)
    return Html(text)  # noqa: S704 - no '<' is left, so it cannot close the script element


def iso(date: PartialDate | None) -> str | None:
    """An ISO 8601 date at the date's precision; None for years before 1, which
    schema.org's consumers do not read."""
    if date is None or date.year < 1:
        return None
    return date.edtf.rstrip("~?%")


def _drop_none(data: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in data.items() if v not in (None, "", [])}


class LinkedData:
    """Builds the JSON-LD of one site's pages; URLs are absolute when `base_url` is set."""

    def __init__(self, site: Site) -> None:
        self.site = site

    def url(self, path: str, root: str) -> str:
        """The address of an output file, as seen from a page `root` away from the root."""
        absolute = urls.absolute(self.site.base_url, path)
        return absolute if absolute is not None else root + path

    def index(self, events: Sequence[EventView], root: str) -> Html:
        """An `ItemList` of the published events, in timeline order."""
        shown = [v for v in events if not v.event.draft]
        data = _drop_none({
            "@context": "https://schema.org",
            "@type": "ItemList",
            "name": self.site.title,
            "url": self.url(urls.INDEX, root),
            "numberOfItems": len(shown),
            "itemListOrder": "https://schema.org/ItemListOrderAscending",
            "itemListElement": [
                {"@type": "ListItem", "position": i, "url": self.url(v.path, root),
                 "name": v.event.title}
                for i, v in enumerate(shown, start=1)
            ],
        })
        return inline_json(data)

    def event(self, view: EventView, root: str, description: str | None = None) -> Html:
        """An `Article` about a historical `Event`, citing the sources it was drawn from;
        `description` is its summary as plain text, when the page has it already."""
        e = view.event
        page = self.url(view.path, root)
        if description is None:
            description = view.summary.striptags()
        places = [_actor(a) for a in e.actors if a.kind in ("place", "country")]
        about = _drop_none({
            "@type": "Event",
            "name": e.title,
            "description": description,
            "startDate": iso(e.date),
            "endDate": iso(e.end),
            "location": places,
        })
        data = _drop_none({
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": e.title,
            "description": description,
            "url": page,
            "inLanguage": self.site.language,
            "isPartOf": _drop_none({"@type": "WebSite", "name": self.site.title,
                                    "url": self.url(urls.INDEX, root)}),
            "about": about,
            "keywords": [t.label for t in e.tags],
            "mentions": [_actor(a) for a in e.actors if a.kind not in ("place", "country")],
            "citation": [_citation(c) for c in e.citations],
        })
        return inline_json(data)


def _actor(actor: Actor) -> dict[str, object]:
    return _drop_none({"@type": _ACTOR_TYPES.get(actor.kind, "Thing"), "name": actor.name,
                       "sameAs": actor.url, "description": actor.role})


def _source(source: Source) -> dict[str, object]:
    return _drop_none({
        "@type": "CreativeWork",
        "name": source.title or None,
        "description": source.description or None,
        "url": source.url,
        "author": {"@type": "Person", "name": source.author} if source.author else None,
        "publisher": {"@type": "Organization", "name": source.publisher}
        if source.publisher else None,
        "datePublished": iso(source.date),
        "inLanguage": source.language,
    })


def _citation(citation: Citation) -> dict[str, object]:
    if citation.quote:
        return {"@type": "Quotation", "text": citation.quote,
                "isBasedOn": _source(citation.source)}
    return _source(citation.source)
