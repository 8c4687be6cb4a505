"""The theme: Jinja environment with the override chain, interface words and assets.

A project's `templates/` overrides the built-in theme file by file; an override
can extend the template it replaces as `{% extends "!default/base.html" %}`. What
templates receive is in `contexts`, their links in `urls.Links`; docs/themes.md is the
theme authors' guide.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path

import jinja2
import yaml

from ..content.dates import DateWords
from ..content.yaml_errors import LOADER
from ..errors import FriseError, SourceLocation, shown_path
from .timeline import publishers

DEFAULT_PREFIX = "!default"


def default_theme() -> Path:
    """The built-in theme: `templates/` of a source checkout, or its copy in the wheel."""
    package = Path(__file__).resolve().parent.parent
    checkout = package.parent / "templates"
    if (checkout / "base.html").is_file() and (package.parent / "pyproject.toml").is_file():
        return checkout
    return package / "theme"


@dataclass(frozen=True, slots=True)
class Words:
    """The interface's words in one language, and how it writes dates."""

    language: str
    dates: DateWords
    text: dict[str, str]

    def note_heading(self, kind: str) -> str:
        """The heading of a note of `kind` ("Les sources divergent", "Non confirmé", …)."""
        return self.text.get(f"note_{kind}", kind)


@dataclass(frozen=True, slots=True)
class Theme:
    env: jinja2.Environment
    folders: tuple[Path, ...]
    """Theme folders, the project's first: later ones are the fallbacks."""

    def languages(self) -> frozenset[str]:
        return frozenset(p.stem for f in self.folders for p in (f / "i18n").glob("*.yaml"))

    def words(self, language: str) -> Words:
        """Interface words for `language` (or its base, `fr` for `fr-CA`), project's first."""
        base = language.split("-")[0]
        merged: dict[str, str] = {}
        for folder in reversed(self.folders):
            for name in (base, language):
                file = folder / "i18n" / f"{name}.yaml"
                if file.is_file():
                    data = yaml.load(file.read_text(encoding="utf-8"), LOADER) or {}  # noqa: S506 - a safe loader
                    merged.update({str(k): str(v) for k, v in data.items()})
        if not merged:
            raise FriseError(f"no interface words for language '{language}'")
        dates = DateWords(
            locale=merged.pop("date_locale", language.replace("-", "_")),
            approximate=merged.pop("date_approximate", "about {date}"),
            uncertain=merged.pop("date_uncertain", "{date}?"),
            approximate_uncertain=merged.pop("date_approximate_uncertain", "about {date}?"),
            range=merged.pop("date_range", "{start} – {end}"),
        )
        return Words(language, dates, merged)

    def assets(self) -> dict[str, bytes]:
        """Files under `assets/`, the project's overriding the theme's, by output path."""
        found: dict[str, bytes] = {}
        for folder in reversed(self.folders):
            assets = folder / "assets"
            if assets.is_dir():
                for file in sorted(assets.rglob("*")):
                    if file.is_file() and not file.name.startswith("."):
                        found[file.relative_to(folder).as_posix()] = file.read_bytes()
        return dict(sorted(found.items()))


def load_theme(project: Path, compiled: jinja2.BytecodeCache | None = None) -> Theme:
    """The theme for a project: its own `templates/` over the built-in one; `compiled`
    keeps the templates as compiled from one build to the next."""
    default = default_theme()
    folders = [default]
    own = project / "templates"
    if own.is_dir() and not own.resolve().samefile(default):
        folders.insert(0, own)
    chain = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(f)) for f in folders])
    loader = jinja2.ChoiceLoader([
        jinja2.PrefixLoader({DEFAULT_PREFIX: jinja2.FileSystemLoader(str(default))}),
        chain,
    ])
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # a theme is loaded afresh for each build: no need to stat templates
        bytecode_cache=compiled,
    )
    env.filters["publishers"] = publishers
    return Theme(env, tuple(folders))


def template_error(exc: Exception) -> FriseError:
    """A template problem located at its template line, for theme authors."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return FriseError(f"template: {exc.message}", SourceLocation(
            shown_path(exc.filename or exc.name or "template"), exc.lineno))
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".json", ".txt")):
            return FriseError(f"template: {exc}",
                              SourceLocation(shown_path(frame.filename), frame.lineno or 1))
    return FriseError(f"template: {exc}")
