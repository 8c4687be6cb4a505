"""The site's settings: each documented on its field of `Site`, and read and checked
from `content/site.yaml` here, with the rules for the two that name places (`base_url`,
`output`), which `--base-url` and the writer apply too."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError

from ..errors import SourceLocation
from .loader import Mapping, Node, RawProject
from .nodes import LANGUAGE_TAG, Reader


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


SITE_KEYS = ("title", "description", "language", "base_url", "author", "output")
SITE_FILE = "content/site.yaml"
_BASE_URL = re.compile(r"https?://[^/\s?#]+(/[^\s?#]*)?")
RESERVED = ("content", "templates", ".git")
"""Top folders of a project the output may never be or lie in."""


def base_url_problem(url: str) -> str | None:
    """Why `url` cannot be the address the site is published at, or None."""
    if _BASE_URL.fullmatch(url):
        return None
    return f"must be an http or https URL such as https://example.org/timeline/, not '{url}'"


def as_folder(url: str) -> str:
    """The base URL ending in `/`, so that page paths can be appended to it."""
    return url if url.endswith("/") else url + "/"


def output_problem(output: str, own: bool = False) -> str | None:
    """Why `output` (a path relative to the project) cannot be the output folder, or None.

    Pure path logic on the setting; the writer applies it again to the folder the
    setting resolves to, links followed (`site.output.check_output_folder`), with `own`:
    frise's working folders, where `serve` previews drafts, are then allowed.
    """
    norm = posixpath.normpath(output.replace("\\", "/"))
    if posixpath.isabs(norm) or re.match(r"^[A-Za-z]:", norm):
        return "must be a folder inside the project, not an absolute path"
    if norm == ".." or norm.startswith("../"):
        return "leaves the project; the output must lie inside it"
    top = norm.split("/")[0].casefold()  # `Content` is `content` on macOS and Windows
    if norm == "." or top in RESERVED[:2] and "/" not in norm:
        return "would overwrite the project's own files"
    if top in RESERVED:
        return f"cannot lie inside '{top}/'"
    if top.startswith(".frise-") and not own:  # the Markdown cache, or a build's temporary folder
        return "is where frise keeps its own working files"
    return None


def read_site(schema: Reader, node: Node | None, languages: Collection[str] | None) -> Site:
    loc = SourceLocation(SITE_FILE)
    if node is None and any(e.location and e.location.path in (loc.path, "content")
                            for e in schema.errors.errors):
        return Site(title="")  # missing or unreadable: already reported by the loader
    m = schema.mapping(node, "site.yaml", loc)
    if m is None:
        return Site(title="")
    schema.keys(m, SITE_KEYS, ("title",), "site.yaml")
    e = m.entries
    language = schema.text(e.get("language"), "language") or "en"
    if "language" in e and language != "en":
        lang_loc = e["language"].loc
        if not LANGUAGE_TAG.fullmatch(language):
            schema.errors.add(f"language '{language}' is not a BCP 47 tag such as 'fr' or 'en'",
                              lang_loc)
        else:
            try:
                Locale.parse(language.replace("-", "_"))
            except (UnknownLocaleError, ValueError):
                schema.errors.add(f"language '{language}' is not known to Babel", lang_loc)
            if languages is not None and language.split("-")[0] not in languages:
                schema.errors.add(
                    f"no interface words for language '{language}': available are "
                    f"{', '.join(sorted(languages))}; add templates/i18n/{language}.yaml",
                    lang_loc)
    base_url = schema.text(e.get("base_url"), "base_url")
    if base_url is not None:
        problem = base_url_problem(base_url)
        if problem:
            schema.errors.add(f"'base_url' {problem}", e["base_url"].loc)
        base_url = None if problem else as_folder(base_url)
    output = schema.text(e.get("output"), "output") or "site"
    problem = output_problem(output)
    if problem:
        schema.errors.add(f"'output' '{output}' {problem}", e["output"].loc)
    return Site(
        title=schema.text(e.get("title"), "title") or "",
        description=schema.text(e.get("description"), "description", markdown=True) or "",
        language=language,
        base_url=base_url,
        author=schema.text(e.get("author"), "author"),
        output=output,
    )


def setting_location(raw: RawProject, key: str) -> SourceLocation:
    """Where site.yaml sets `key` (its value), or site.yaml itself when it does not."""
    if isinstance(raw.site, Mapping) and key in raw.site.entries:
        return raw.site.entries[key].loc
    return SourceLocation(SITE_FILE)
