"""The links editors write in Markdown texts: found where they stand, so that every one
is checked (`validate`), and the `event:<id>` form that points at another event."""

from __future__ import annotations

import re

EVENT_LINK = re.compile(r"event:([a-z0-9-]{1,80})(#[^\s]*)?")
"""How an editor links to another event: `[la visite d'Herzog](event:2022-05-30-herzog)`."""
_INLINE = (
    r"\]\(\s*<([^>\n]*)>"                          # [text](<target>)
    r"|\]\(\s*((?:[^\s()]|\([^\s()]*\))+)"         # [text](target "title"), (x) kept
)
_DEFINITION = r"^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?([^\s>]+)"  # [ref]: target
_AUTOLINK = r"<([a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>]*)>"      # <scheme:target>
_HTML = r"\bhref\s*=\s*[\"']([^\"']*)"                   # raw HTML
_LINKS = re.compile("|".join((_INLINE, _DEFINITION, _AUTOLINK, _HTML)), re.MULTILINE)
_INLINE_LINKS = re.compile("|".join((_INLINE, _AUTOLINK)))
"""`_LINKS` without the two forms that cannot occur in a text lacking `]:` and `href`
(most texts): every form left starts with `]` or `<`, which the regex engine skips to
directly instead of trying each form at each character, several times faster. The
order of the forms is kept, so both find the same links in such a text."""


def find_links(text: str) -> list[tuple[str, int]]:
    """Every link target an editor wrote in a Markdown text, with its offset, in order."""
    if "](" not in text and "]:" not in text and "<" not in text:
        return []  # the common case, kept cheap
    links = _LINKS if "]:" in text or "href" in text else _INLINE_LINKS
    found = []
    for match in links.finditer(text):
        group = match.lastindex  # each form has one group, the target
        assert group is not None
        found.append((match.group(group), match.start(group)))
    return found
