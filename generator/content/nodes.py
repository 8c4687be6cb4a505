"""Readers of one node each (text, a flag, a date, a URL, a slug, a list of slugs), shared
by every record of the content: each reports its problem, located, into one collector
and returns None, so that a file's every mistake is found in one run."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import Collector, SourceLocation
from .dates import DateError, PartialDate, parse_date
from .loader import Mapping, Node, Scalar, Sequence
from .slugs import check_slug, slug_fix, slugify

URL_SCHEMES = ("http", "https", "mailto")
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_CONTROL_TEXT = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_CONTROL_MARKDOWN = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
_SPACES = re.compile(r"\s+")
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
"""A BCP 47 tag as editors write them: `fr`, `en-GB`, `az-Latn`."""
_PLAIN_WEB_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?:[/?#]\S*)?")
"""The address most URLs of a project are: lower-case scheme, a host of ASCII letters,
digits, dots and hyphens, no space: `_split_absolute` accepts every one, and
`absolute_url` does without splitting it, most of its cost over tens of thousands of
sources and links."""


def absolute_url(value: str) -> bool:
    """http(s) with a host, or mailto with an address; no spaces (they end a link early)."""
    return bool(_PLAIN_WEB_URL.fullmatch(value)) or _split_absolute(value)


def _split_absolute(value: str) -> bool:
    """`absolute_url` the long way, for any address."""
    if _SPACES.search(value):
        return False
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False
    scheme = parts.scheme.lower()
    if scheme == "mailto":
        return bool(parts.path)
    return scheme in URL_SCHEMES and bool(host) and value[len(scheme) + 1:].startswith("//")


FEW = 12
"""Up to this many valid choices are listed when no near one is found."""


def suggest(word: str, choices: Iterable[str]) -> str:
    """A ': did you mean …?' hint for a misspelt key, tag or actor; or the valid
    choices when they are few; or ''."""
    options = list(choices)
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not close:  # 'Defense', 'défense': the same word once folded
        folded = {slugify(o): o for o in options}
        close = [folded[slugify(word)]] if slugify(word) in folded else []
    if close:
        return f": did you mean '{close[0]}'?"
    if 0 < len(options) <= FEW:
        return f": choose one of {', '.join(sorted(options))}"
    return ""


def describe(node: Node) -> str:
    return "a list" if isinstance(node, Sequence) else "a mapping" if isinstance(
        node, Mapping) else "text"


@dataclass(slots=True)
class Reader:
    """Typed readers over nodes; each reports into one collector and returns None on error."""

    errors: Collector

    def mapping(self, node: Node | None, what: str, loc: SourceLocation | None = None,
                ) -> Mapping | None:
        """`loc` is where a missing node is reported; a node given has its own."""
        if isinstance(node, Mapping):
            return node
        if node is None:
            self.errors.add(f"{what} is empty", loc)
        else:
            self.errors.add(f"{what} must be a mapping of keys and values, not {describe(node)}",
                            node.loc)
        return None

    def keys(self, node: Mapping, allowed: tuple[str, ...], required: tuple[str, ...],
             what: str) -> None:
        for key, key_node in node.keys.items():
            if key not in allowed:
                self.errors.add(f"unknown key '{key}' in {what}{suggest(key, allowed)}",
                                key_node.loc)
        for key in required:
            if key not in node.entries:
                self.errors.add(f"{what} needs '{key}'", node.loc)

    def scalar(self, node: Node, key: str) -> Scalar | None:
        if not isinstance(node, Scalar):
            self.errors.add(f"'{key}' must be text, not {describe(node)}", node.loc)
            return None
        if node.is_null:
            self.errors.add(f"'{key}' is empty", node.loc)
            return None
        return node

    def text(self, node: Node | None, key: str, markdown: bool = False) -> str | None:
        """Plain text (one line, no control characters) or Markdown."""
        if node is None:
            return None
        scalar = self.scalar(node, key)
        if scalar is None:
            return None
        bad = (_CONTROL_MARKDOWN if markdown else _CONTROL_TEXT).search(scalar.value)
        if bad:
            kind = "bidirectional override" if bad.group() in _BIDI else "control character"
            loc = scalar.loc
            if scalar.verbatim_col is not None:  # point at the character itself
                loc = SourceLocation(loc.path, loc.line, scalar.verbatim_col + bad.start())
            self.errors.add(f"'{key}' contains a {kind} (U+{ord(bad.group()):04X}); remove it",
                            loc)
            return None
        value = scalar.value.strip()
        if not value:
            self.errors.add(f"'{key}' is empty", scalar.loc)
            return None
        return value

    def boolean(self, node: Node | None, key: str) -> bool:
        if node is None:
            return False
        scalar = self.scalar(node, key)
        if scalar is None:
            return False
        if scalar.plain and scalar.value in ("true", "false"):
            return scalar.value == "true"
        self.errors.add(f"'{key}' must be true or false, not '{scalar.value}'", scalar.loc)
        return False

    def date(self, node: Node | None, key: str) -> PartialDate | None:
        if node is None:
            return None
        scalar = self.scalar(node, key)
        if scalar is None:
            return None
        try:
            return parse_date(scalar.value)
        except DateError as exc:
            self.errors.add(str(exc), scalar.loc)
            return None

    def url(self, node: Node | None, key: str) -> str | None:
        value = self.text(node, key)
        if value is None or node is None:
            return None
        if not absolute_url(value):
            self.errors.add(f"'{key}' must be an absolute http, https or mailto URL, "
                            f"not '{value}'", node.loc)
            return None
        return value

    def slug(self, node: Node, what: str) -> str | None:
        value = self.text(node, what)
        if value is None:
            return None
        problem = check_slug(value)
        if problem:
            self.errors.add(f"{what} '{value}' {problem}{slug_fix(value)}", node.loc)
            return None
        return value

    def slug_list(self, node: Node | None, key: str) -> list[tuple[str, Node]]:
        """The valid slugs of a list, each with its node: the location of one that turns
        out unknown is made only then, not for the tens of thousands that are known."""
        if node is None:
            return []
        if isinstance(node, Scalar) and node.is_null:
            return []
        if not isinstance(node, Sequence):
            self.errors.add(f"'{key}' must be a list, e.g. [{key[:-1]}-a, {key[:-1]}-b]",
                            node.loc)
            return []
        out: list[tuple[str, Node]] = []
        for item in node.items:
            slug = self.slug(item, key[:-1])
            if slug is not None:
                if slug in (s for s, _ in out):
                    self.errors.add(f"{key[:-1]} '{slug}' is listed twice", item.loc)
                else:
                    out.append((slug, item))
        return out
