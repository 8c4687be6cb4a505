"""Markdown → safe HTML: one configured converter, then an allow-list sanitiser.

Python-Markdown passes raw HTML and `javascript:` links through untouched, so
every result goes through nh3 with a small allow-list of tags and URL schemes.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Collection, Iterable

import markdown
import nh3
from markupsafe import Markup as SafeHtml

from .. import heap
from . import typography, urls

TAGS = {
    "p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "hr", "abbr", "sub", "sup", "del", "table", "thead", "tbody",
    "tr", "th", "td",
}
ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "abbr": {"title"}, "th": {"align"},
              "td": {"align"}}
ROOT = "frise-root:/"
"""Stands for the page's way back to the site's root in converted HTML, until the page
that shows it is known (`at_root`): the same text is shown at several depths."""
SCHEMES = {"http", "https", "mailto", ROOT.split(":")[0]}


_EVENT_HREF = re.compile(r'href="event:([a-z0-9-]{1,80})(#[^"]*)?"')


def at_root(html: str, root: str) -> str:
    """The HTML with its links to other events made relative to a page at `root`
    ('' for the index, '../../' for an event's page, or the site's absolute URL)."""
    return html.replace(ROOT, root) if ROOT in html else html


def _event_links(html: str) -> str:
    """`event:<id>` links → the event's page, from the site's root (see `ROOT`)."""
    if "event:" not in html:
        return html
    return _EVENT_HREF.sub(
        lambda m: f'href="{ROOT}{urls.event_path(m.group(1))}{m.group(2) or ""}"', html)


PARALLEL_FROM = 2000
"""Below this many texts a process pool costs more than it saves."""


class MarkdownConverter:
    """Converts editors' Markdown to sanitised HTML; reuses one parser, as it is costly.

    `known` holds texts already converted (by `convert_all`, or a cache), so that a
    text used on several pages is converted once. It holds the HTML before
    typography, which is applied per `language` on the way out: a cache can never
    return text typeset for another language or by older rules.
    """

    def __init__(self, known: dict[str, str] | None = None,
                 unchecked: dict[str, str] | None = None, language: str | None = None,
                 typeset: dict[str, str] | None = None) -> None:
        self._md = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
        self.known: dict[str, str] = known if known is not None else {}
        self.unchecked: dict[str, str] = unchecked if unchecked is not None else {}
        """Conversions read from a cache: sanitised again when first used."""
        self.language = language
        self._typeset: dict[str, str] = typeset if typeset is not None else {}
        """Final HTML by text; may be shared between builds of one language."""

    def block(self, text: str) -> str:
        """Paragraphs, lists, quotes: for summaries and bodies."""
        if not text:
            return ""
        done = self._typeset.get(text)
        if done is not None:
            return done
        done = self._typeset[text] = typography.html(self.untypeset(text), self.language)
        return done

    def untypeset(self, text: str) -> str:
        """The sanitised HTML before typography: for what reads the words (search), which
        typography never changes."""
        html = self.known.get(text)
        if html is None:
            cached = self.unchecked.pop(text, None)
            html = self.known[text] = sanitize(
                cached if cached is not None
                else _event_links(self._md.reset().convert(text)))
        return html

    def entries(self) -> dict[str, str]:
        """Every conversion this converter holds, sanitised or still to be."""
        return {**self.unchecked, **self.known}

    def inline(self, text: str) -> str:
        """One paragraph's content without the `<p>`: for descriptions inside other markup."""
        html = self.block(text)
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            return html[3:-4]
        return html


def trusted(html: str) -> SafeHtml:
    """Marks HTML for templates as not to be escaped again.

    Only for what `MarkdownConverter` produced (sanitised) or what frise built from escaped parts.
    """
    return SafeHtml(html)  # noqa: S704 - the callers pass sanitised or escaped HTML


def sanitize(html: str) -> str:
    """Keeps only allowed tags, attributes and URL schemes (checked after entity decoding)."""
    return str(nh3.clean(
        html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES,
        link_rel="noopener noreferrer", strip_comments=True,
    ))


def _convert_chunk(texts: list[str]) -> list[str]:
    markup = MarkdownConverter()
    return [markup.block(t) for t in texts]


class Ahead:
    """Texts being converted on every core while the build goes on; `convert_all` takes
    what they give. Python-Markdown holds the GIL, so each worker is a process.

    Started by a cold build before validation and the plan, which leave a core idle,
    with the texts read from the events' nodes (`validate.markdown_texts`)."""

    def __init__(self, texts: Iterable[str]) -> None:
        todo = sorted(set(texts))
        workers = min(os.cpu_count() or 1, 8)
        size = max(1, -(-len(todo) // (workers * 4)))
        self._chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self._pool = multiprocessing.get_context(method).Pool(workers, heap.start_worker)
        self._done = self._pool.map_async(_convert_chunk, self._chunks)

    @classmethod
    def start(cls, texts: Collection[str]) -> Ahead | None:
        """Converting `texts` on every core, or None when they are too few to be worth
        the processes (or there is one core)."""
        if len(texts) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
            return None
        return cls(texts)

    def results(self) -> dict[str, str]:
        """Each text's sanitised HTML, once all are converted; the workers end."""
        try:
            done = self._done.get()
        finally:
            self.stop()
        return {text: html for chunk, htmls in zip(self._chunks, done, strict=True)
                for text, html in zip(chunk, htmls, strict=True)}

    def stop(self) -> None:
        """Ends the workers, whatever they were doing (a failed build needs none of it)."""
        self._pool.terminate()
        self._pool.join()


def convert_all(texts: Iterable[str], known: dict[str, str] | None = None,
                unchecked: dict[str, str] | None = None, language: str | None = None,
                typeset: dict[str, str] | None = None, ahead: Ahead | None = None
                ) -> MarkdownConverter:
    """A converter that holds the HTML of every text, the new ones converted on all cores.

    Python-Markdown takes most of a large build's time and holds the GIL, so large
    batches are split across processes; the result does not depend on how. `known` are
    conversions already sanitised, `unchecked` those read from a cache; `language` is
    the site's, for typography; `typeset` the final HTML of texts already typeset;
    `ahead` conversions started earlier in the build.
    """
    markup = MarkdownConverter(dict(known or {}), dict(unchecked or {}), language, typeset)
    if ahead is not None:
        markup.known.update(ahead.results())
    todo = sorted({t for t in texts
                   if t and t not in markup.known and t not in markup.unchecked})
    parallel = Ahead.start(todo)
    if parallel is not None:
        markup.known.update(parallel.results())
    else:
        for text in todo:
            markup.block(text)
    return markup
