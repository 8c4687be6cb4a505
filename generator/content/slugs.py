"""Ids and slugs: what editors may name events, tags and actors, and the fix for a name
that cannot be one. Every id is also a folder of the published site (`site.urls`)."""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii
from slugify import slugify as python_slugify

SLUG = re.compile(r"[a-z0-9-]{1,80}")
WINDOWS_NAMES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(10)] + [f"lpt{i}" for i in range(10)]
)


def check_slug(value: str) -> str | None:
    """Why `value` cannot be an id or slug, or None when it can."""
    if not SLUG.fullmatch(value):
        return "must be 1 to 80 characters of a-z, 0-9 and '-'"
    if value in WINDOWS_NAMES:
        return "is a name Windows reserves for a device"
    return None


def slugify(text: str, max_length: int = 80) -> str:
    """A valid id from a title in any script (`Əliyev` → `eliyev`, `Путин` → `putin`),
    lower case, words joined by '-', cut at a word boundary; '' when nothing is left."""
    slug = python_slugify(anyascii(text), max_length=max_length, word_boundary=True,
                          save_order=True)
    return f"{slug}-1" if slug in WINDOWS_NAMES else slug


def slug_fix(value: str) -> str:
    """What to write instead of an invalid slug, naming its first odd character:
    "; 'е' (U+0435 CYRILLIC SMALL LETTER IE) is not a-z: write 'defense'"."""
    odd = next((c for c in value if not re.fullmatch("[a-z0-9-]", c)), None)
    fix = slugify(value)
    if odd is None or not fix:
        return f"; write '{fix}'" if fix and fix != value else ""
    if odd.isascii() and odd.isupper():
        why = f"'{odd}' is a capital"
    elif odd.isascii():
        why = f"'{odd}' is not allowed" if odd != " " else "spaces are not allowed"
    else:
        name = unicodedata.name(odd, "unnamed character")
        why = f"'{odd}' (U+{ord(odd):04X} {name}) is not a-z"
    return f"; {why}: write '{fix}'"
