"""Output paths and URLs: the one place that knows the site's URL layout.

Pages are written as `<folder>/index.html` and linked to with the file name
spelt out, so that the site also works opened from disk (`file://`). Templates
ask `Links` (the `url` of their context) instead of spelling paths out.
"""

from __future__ import annotations

from dataclasses import dataclass

INDEX = "index.html"
NOT_FOUND = "404.html"
FEED = "feed.xml"
ASSETS = "assets/"


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


def asset_path(name: str) -> str:
    """A file of the theme's `assets/` folder: `assets/style.css`."""
    return ASSETS + name


SEARCH_INDEX = asset_path("search-index.js")
"""The index of every event for search and filters: a script, so it loads from file://."""
STYLESHEET = asset_path("style.css")
PRINT_STYLESHEET = asset_path("print.css")
SCRIPT = asset_path("timeline.js")
"""Search, filters, the frise's zoom and the compact view, on the list pages."""
FAVICON = asset_path("favicon.svg")


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


@dataclass(frozen=True, slots=True)
class Links:
    """The site's URLs as seen from one page: what templates link with, as `url`.

    Every URL starts with the page's `root` ('' at the top, '../../' two folders
    down, or the site's absolute address on the 404 page), so links work from a
    sub-path and from `file://`: `url.tag(tag.slug)`, `url.event(ev.id)`, `url.index`.
    """

    root: str

    def to(self, path: str) -> str:
        """Any output path a page's context holds (an entry's `path`, `back`)."""
        return self.root + path

    @property
    def index(self) -> str:
        return self.root + INDEX

    @property
    def tags(self) -> str:
        """The page listing every tag."""
        return self.root + TAGS_INDEX

    @property
    def actors(self) -> str:
        """The page listing every actor."""
        return self.root + ACTORS_INDEX

    def event(self, event_id: str) -> str:
        return self.root + event_path(event_id)

    def tag(self, slug: str) -> str:
        return self.root + tag_path(slug)

    def actor(self, actor_id: str) -> str:
        return self.root + actor_path(actor_id)

    def period(self, key: str, of: str = INDEX) -> str:
        """A period page of the list page `of` (see `period_path`)."""
        return self.root + period_path(key, of)

    @property
    def feed(self) -> str:
        """The Atom feed."""
        return self.root + FEED

    def asset(self, name: str) -> str:
        """A file of the theme's `assets/`: `url.asset("style.css")`."""
        return self.root + asset_path(name)

    @property
    def stylesheet(self) -> str:
        return self.root + STYLESHEET

    @property
    def print_stylesheet(self) -> str:
        return self.root + PRINT_STYLESHEET

    @property
    def script(self) -> str:
        return self.root + SCRIPT

    @property
    def favicon(self) -> str:
        return self.root + FAVICON

    @property
    def search_index(self) -> str:
        return self.root + SEARCH_INDEX
