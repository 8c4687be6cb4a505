"""Output paths and URLs: the one place that knows the site's URL layout.

Pages are written as `<folder>/index.html` and linked to with the file name
spelt out, so that the site also works opened from disk (`file://`).
"""

from __future__ import annotations

INDEX = "index.html"


def event_path(event_id: str) -> str:
    return f"events/{event_id}/{INDEX}"


TAGS_INDEX = f"tags/{INDEX}"
ACTORS_INDEX = f"actors/{INDEX}"


def tag_path(slug: str) -> str:
    return f"tags/{slug}/{INDEX}"


def actor_path(actor_id: str) -> str:
    return f"actors/{actor_id}/{INDEX}"


def period_path(key: str, of: str = INDEX) -> str:
    """A period page of the list page `of`: `periods/1990/index.html` for the index,
    `tags/defense/1990/index.html` for a tag's page."""
    folder = of[: -len(INDEX)]
    return f"{folder}{key}/{INDEX}" if folder else f"periods/{key}/{INDEX}"


SEARCH_INDEX = "assets/search-index.js"
"""The index of every event for search and filters: a script, so it loads from file://."""


def root_of(page: str) -> str:
    """The relative prefix from an output file back to the site's root: '' or '../../'."""
    return "../" * page.count("/")


def public_url(path: str) -> str:
    """The URL path published for an output file: `events/x/index.html` → `events/x/`."""
    if path == INDEX:
        return ""
    return path[: -len(INDEX)] if path.endswith("/" + INDEX) else path


def absolute(base_url: str | None, path: str) -> str | None:
    """The absolute URL of an output file, when the site's address is known."""
    return None if base_url is None else base_url + public_url(path)
