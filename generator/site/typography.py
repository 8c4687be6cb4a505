"""Typography of the text frise publishes, per language: what a copy editor would fix.

French (the Imprimerie nationale's *Lexique*, as most French newsrooms apply it):
a no-break space (U+00A0) before `:` and inside « »; a narrow no-break space
(U+202F, the "fine") before `; ! ?` and `%` and between groups of digits
(`6 000`); the typographic apostrophe ’. English: curly quotes “ ” ‘ ’ and the
apostrophe ’. Other languages are left as typed.

Only spaces editors typed are made unbreakable, and one is added only where the
punctuation follows a word and ends it (`SIPRI: x` → `SIPRI : x`), so `12:30`,
`?q=` or `https://` stay as they are. In HTML only text nodes change, never
tags, attributes, `<code>` or `<pre>`. Quotes are verified against their sources
before this runs (validate.normalize_quote treats all these forms as equal).

No library on PyPI does this well enough: french-typo rewrites units and
ordinals and has no apostrophe, typographeur is unmaintained since 2020, and
smartypants knows only English and writes entities.
"""

from __future__ import annotations

import functools
import html as _html
import re
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from ..content.config import Site
from ..content.model import Actor, Citation, Event, Source, Tag, Timeline

T = TypeVar("T")

VERSION = 1
"""Raised whenever a rule changes, so that nothing typeset by older rules is reused."""

NBSP = "\u00a0"
NNBSP = "\u202f"

_WORD_END = r"[^\W_]|[)\]»”’]"
"""What punctuation may follow without a space: a letter, a digit or a closing mark."""
_OPENS_AFTER = re.compile(r"(?:^|[\s(\[{«“‘—–-])$")
"""A quote mark after these (or at the start) opens; anywhere else it closes."""

_FR_RULES: list[tuple[re.Pattern[str], re.Pattern[str], str]] = [
    # (characters one of which the text must hold for the rule to apply, rule, replacement)
    (re.compile(":"), re.compile(r"[ \t\r\n\u00a0\u202f]+(?=:)"), NBSP),
    (re.compile("[;!?%]"), re.compile(r"[ \t\r\n\u00a0\u202f]+(?=[;!?%])"), NNBSP),
    (re.compile(":"), re.compile(rf"(?<={_WORD_END}):(?=\s|$)"), NBSP + ":"),
    (re.compile("[;!?]"), re.compile(rf"(?<={_WORD_END})([;!?])(?=\s|$)"), NNBSP + r"\1"),
    (re.compile("«"), re.compile(r"«[ \t\r\n\u00a0\u202f]*"), "«" + NBSP),
    (re.compile("»"), re.compile(r"[ \t\r\n\u00a0\u202f]*»"), NBSP + "»"),
    (re.compile("%"), re.compile(r"(?<=\d)%"), NNBSP + "%"),
    (re.compile("[0-9]"), re.compile(r"(?<=\d) (?=\d{3}(?!\d))"), NNBSP),
]


_STRAIGHT = re.compile("[\"']")


def _quotes(text: str, context: str, double: tuple[str, str], single: tuple[str, str]
            ) -> str:
    """Straight quotes made curly: opening after a space or an opening mark, else closing.

    `context` is the text just before `text` (the previous HTML text node), so a
    quote mark right after a tag is judged by what the reader sees before it.
    """
    if '"' not in text and "'" not in text:
        return text
    out: list[str] = []
    before = context[-1:]
    last = 0
    for found in _STRAIGHT.finditer(text):  # only the quote marks, not every character
        at = found.start()
        if at > last:
            before = text[at - 1]
        pair = double if found.group() == '"' else single
        char = pair[0] if _OPENS_AFTER.search(before) else pair[1]
        out += (text[last:at], char)
        before = char
        last = at + 1
    out.append(text[last:])
    return "".join(out)


_FR_ANY = re.compile("[:;!?%«»0-9]")
"""A character one of `_FR_RULES` needs: a text without any is left as it is."""


def _french(text: str, context: str = "") -> str:
    text = _quotes(text.replace("'", "’"), context, ("«" + NBSP, NBSP + "»"), ("’", "’"))
    joined = context[-1:] + text
    if not _FR_ANY.search(joined):
        return text
    for needs, pattern, replacement in _FR_RULES:
        if needs.search(joined):  # most rules don't apply: skip them
            joined = pattern.sub(replacement, joined)
    return joined[len(context[-1:]):]  # the previous node's last character is not ours


def _english(text: str, context: str = "") -> str:
    text = re.sub(r"'(?=\d\d(?!\d))", "’", text)  # ’90s
    return _quotes(text, context, ("“", "”"), ("‘", "’"))


@functools.cache
def _rules(language: str | None) -> Callable[[str, str], str] | None:
    base = (language or "").split("-")[0].lower()
    return {"fr": _french, "en": _english}.get(base)


def text(value: str, language: str | None) -> str:
    """A plain-text field (title, name, label, quote) typeset for `language`."""
    rules = _rules(language)
    return rules(value, "") if rules and value else value


_TAG = re.compile(r"(<[^>]*>)")
_VERBATIM = ("code", "pre", "kbd", "samp", "script", "style")


def html(value: str, language: str | None) -> str:
    """Sanitised HTML with its text nodes typeset; tags, attributes and code untouched."""
    rules = _rules(language)
    if not rules or not value:
        return value
    out: list[str] = []
    verbatim = 0
    seen = ""
    for part in _TAG.split(value):
        if part.startswith("<"):
            name = part[1:].lstrip("/").split(None, 1)[0].rstrip(">/").lower() if len(
                part) > 2 else ""
            if name in _VERBATIM:
                verbatim += -1 if part.startswith("</") else 1
            out.append(part)
        elif part:
            plain = _html.unescape(part)
            if verbatim <= 0:
                plain = rules(plain, seen)
            seen = (seen + plain)[-1:]
            out.append(_html.escape(plain, quote=False))
    return "".join(out)


class Typesetter:
    """Typesets a timeline's plain-text fields for display, event by event on demand, so
    that a rebuild typesets only the events of the pages it renders.

    Markdown fields stay as typed: markup.MarkdownConverter typesets their HTML. A source's
    title and the quotes drawn from it follow the source's language; the rest, the
    site's. Runs after validation, so quotes were checked as the editor typed them.
    The site's settings stay as typed (its title names the feed's ids, which must
    never change): pages and exports show `site(...)`.
    """

    def __init__(self, value: Timeline) -> None:
        self.value = value
        self.lang = lang = value.site.language
        self._sources: dict[Source, Source] = {}
        self._events: dict[str, Event] = {}
        self._headlines: dict[str, Event] = {}
        self.tags = {t.slug: _changed(t, label=text(t.label, lang)) for t in value.tags}
        """Each tag typeset, the very tag where typesetting changes nothing: an event's
        tags then compare as equal by identity, which `_changed` checks 10,000 times."""
        self.actors = {a.id: _actor(a, lang) for a in value.actors}

    def _source(self, s: Source) -> Source:
        done = self._sources.get(s)
        if done is None:
            own = s.language or self.lang
            done = self._sources[s] = _changed(
                s, title=text(s.title, own), description=text(s.description, self.lang),
                publisher=text(s.publisher, own) if s.publisher else None,
                author=text(s.author, own) if s.author else None)
        return done

    def tag(self, t: Tag) -> Tag:
        return self.tags.get(t.slug) or replace(t, label=text(t.label, self.lang))

    def actor(self, a: Actor) -> Actor:
        return self.actors.get(a.id) or _actor(a, self.lang)

    def event(self, e: Event) -> Event:
        done = self._events.get(e.id)
        if done is None:
            lang = self.lang
            done = self._events[e.id] = _changed(
                e, title=text(e.title, lang),
                tags=tuple(self.tag(t) for t in e.tags),
                actors=tuple(self.actor(a) for a in e.actors),
                citations=tuple(
                    Citation(self._source(c.source),
                             text(c.quote, c.source.language or lang) if c.quote else None)
                    for c in e.citations))
        return done

    def headline(self, e: Event) -> Event:
        """The event with its title, tags and actors typeset, its citations as typed:
        what is shown of every event at once (the frise, the feed, the search index),
        without typesetting each of its sources. The whole event when it is typeset."""
        done = self._events.get(e.id) or self._headlines.get(e.id)
        if done is None:
            done = self._headlines[e.id] = _changed(
                e, title=text(e.title, self.lang), tags=tuple(self.tag(t) for t in e.tags),
                actors=tuple(self.actor(a) for a in e.actors))
        return done

    def timeline(self, event: Callable[[Event], Event] | None = None) -> Timeline:
        """The whole timeline typeset; `event` typesets one event (by default, `event`)."""
        each = event or self.event
        return replace(
            self.value,
            events=tuple(each(e) for e in self.value.events),
            tags=tuple(self.tags[t.slug] for t in self.value.tags),
            actors=tuple(self.actors[a.id] for a in self.value.actors),
        )


def _changed(value: T, **fields: object) -> T:
    """`value` with these fields, or `value` itself when they are what it holds already
    (most sources and many events: `dataclasses.replace` costs more than typesetting)."""
    if all(getattr(value, k) == v for k, v in fields.items()):
        return value
    return replace(value, **fields)  # type: ignore[type-var]


def timeline(value: Timeline) -> Timeline:
    """The timeline with every plain-text field of its events typeset, for display."""
    return Typesetter(value).timeline()


def site(value: Site) -> Site:
    """The site's title and author typeset, for display."""
    return replace(value, title=text(value.title, value.language),
                   author=text(value.author, value.language) if value.author else None)


def _actor(actor: Actor, language: str) -> Actor:
    return _changed(actor, name=text(actor.name, language),
                    role=text(actor.role, language) if actor.role else None)


def words(value: dict[str, str], language: str) -> dict[str, str]:
    """The interface's words typeset (labels such as "Sources :")."""
    return {k: text(v, language) for k, v in value.items()}
