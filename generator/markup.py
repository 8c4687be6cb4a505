"""Markdown → safe HTML: one configured converter, then an allow-list sanitiser.

Python-Markdown passes raw HTML and `javascript:` links through untouched, so
every result goes through nh3 with a small allow-list of tags and URL schemes.
"""

from __future__ import annotations

import markdown
import nh3

TAGS = {
    "p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "hr", "abbr", "sub", "sup", "del", "table", "thead", "tbody",
    "tr", "th", "td",
}
ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "abbr": {"title"}, "th": {"align"},
              "td": {"align"}}
SCHEMES = {"http", "https", "mailto"}


class Markup:
    """Converts editors' Markdown to sanitised HTML; reuses one parser, as it is costly."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")

    def block(self, text: str) -> str:
        """Paragraphs, lists, quotes: for summaries and bodies."""
        if not text:
            return ""
        html = self._md.reset().convert(text)
        return sanitize(html)

    def inline(self, text: str) -> str:
        """One paragraph's content without the `<p>`: for descriptions inside other markup."""
        html = self.block(text)
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            return html[3:-4]
        return html


def sanitize(html: str) -> str:
    """Keeps only allowed tags, attributes and URL schemes (checked after entity decoding)."""
    return str(nh3.clean(
        html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES,
        link_rel="noopener noreferrer", strip_comments=True,
    ))
