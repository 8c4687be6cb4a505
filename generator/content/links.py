"""The links editors write in Markdown texts: found where they stand, so that every one
is checked (`validate`), and the `event:<id>` form that points at another event."""

from __future__ import annotations

import re

EVENT_LINK = re.compile(r"event:([a-z0-9-]{1,80})(#[^\s]*)?")
"""How an editor links to another event: `[la visite d'Herzog](event:2022-05-30-herzog)`."""
_LINKS = re.compile(
    r"\]\(\s*<([^>\n]*)>"                      # [text](<target>)
    r"|\]\(\s*((?:[^\s()]|\([^\s()]*\))+)"         # [text](target "title"), (x) kept
    r"|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?([^\s>]+)"   # [ref]: target
    r"|<([a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>]*)>"      # <scheme:target>
    r"|\bhref\s*=\s*[\"']([^\"']*)",               # raw HTML
    re.MULTILINE)


def find_links(text: str) -> list[tuple[str, int]]:
    """Every link target an editor wrote in a Markdown text, with its offset, in order."""
    if "](" not in text and "]:" not in text and "<" not in text:
        return []  # the common case, kept cheap
    found = []
    for match in _LINKS.finditer(text):
        group = next(g for g in range(1, 6) if match.group(g) is not None)
        found.append((match.group(group), match.start(group)))
    return found
