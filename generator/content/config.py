"""The site's settings, read from `content/site.yaml`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Site:
    """Settings of one timeline site; each field is one key of `site.yaml`."""

    title: str
    """The site's title, plain text; shown in every page's header and `<title>`."""

    description: str = ""
    """A short paragraph of inline Markdown shown under the title on the index."""

    language: str = "en"
    """BCP 47 tag: sets `<html lang>`, how dates are written and the interface's words."""

    base_url: str | None = None
    """Absolute URL the site is published at, ending in `/`; used for canonical links,
    the feed and the sitemap. Without it every link stays relative."""

    author: str | None = None
    """Shown in the footer and the feed."""

    output: str = "site"
    """The output folder, relative to the project, checked to lie safely inside it."""
