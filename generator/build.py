"""`build(project)`: the stages in order. Everything is read and checked before
anything is written; a failure raises and leaves the last good site alone."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from . import cache, exports, feeds
from .errors import FriseError
from .loader import load_project
from .markup import convert_all
from .model import Timeline
from .output import write_site
from .render import Output, render
from .templates import Theme, load_theme
from .validate import validate


@dataclass(slots=True)
class Report:
    """What a build or check did, for the CLI to print and the benchmark to read."""

    events: int = 0
    files: int = 0
    output: Path | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class _Clock:
    def __init__(self, report: Report, progress: Callable[[str], None] | None) -> None:
        self.report = report
        self.progress = progress
        self.last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.report.seconds[stage] = now - self.last
        self.last = now
        if self.progress:
            self.progress(stage)


def check(project: Path, drafts: bool = False, base_url: str | None = None,
          ) -> tuple[Timeline, Theme, Report]:
    """Loads and validates the whole project; raises ContentErrors listing every problem."""
    report = Report()
    clock = _Clock(report, None)
    raw = load_project(project)
    clock.lap("load")
    theme = load_theme(project)
    timeline = validate(raw, drafts=drafts, languages=theme.languages())
    if base_url is not None:
        if not re.fullmatch(r"https?://[^/\s?#]+(/[^\s?#]*)?", base_url):
            raise FriseError(f"--base-url must be an absolute http or https URL such as "
                             f"https://example.org/timeline/, not '{base_url}'")
        timeline = replace(timeline, site=replace(
            timeline.site, base_url=base_url if base_url.endswith("/") else base_url + "/"))
    clock.lap("validate")
    report.events = len(timeline.events)
    return timeline, theme, report


def build(project: Path, drafts: bool = False, base_url: str | None = None,
          progress: Callable[[str], None] | None = None, output: Path | None = None,
          ) -> Report:
    """Builds the site of `project` into its output folder and reports what it did.

    `output` replaces site.yaml's folder for this build (the preview of drafts uses it,
    so that drafts never land in the folder that gets published).
    """
    timeline, theme, report = check(project, drafts, base_url)
    clock = _Clock(report, progress)
    epoch = feeds.source_date_epoch(os.environ)
    outputs, converted = render_site(timeline, theme, cache.load(project), epoch)
    clock.lap("render")
    output = output or project / timeline.site.output
    report.files = write_site(project, output, outputs)
    report.output = output
    cache.save(project, converted)
    clock.lap("write")
    if timeline.site.base_url is None:
        report.notes.append("no base_url in site.yaml: canonical links and absolute URLs "
                            "are left out; feed.xml keeps relative links, and sitemap.xml "
                            "and robots.txt, which need absolute URLs, are not written; "
                            "set base_url (or use --base-url) before publishing")
    return report


def markdown_texts(timeline: Timeline) -> list[str]:
    """Every Markdown text the pages show, to convert them all in one batch."""
    texts = [timeline.site.description]
    texts += [tag.description for tag in timeline.tags]
    for e in timeline.events:
        texts += (e.summary, e.body, *(note.text for note in e.notes))
    return texts


def render_site(timeline: Timeline, theme: Theme, known: dict[str, str] | None = None,
                epoch: datetime | None = None) -> tuple[list[Output], dict[str, str]]:
    """All outputs of the site, pages and exports, in memory; and the Markdown converted.

    `known` holds conversions from an earlier build, which are reused.
    """
    used = set(markdown_texts(timeline))
    markup = convert_all(used, known, timeline.site.language)
    extras = [exports.plugin(markup), feeds.plugin(markup, epoch)]
    outputs = render(timeline, theme, theme.words(timeline.site.language), extras=extras,
                     markup=markup)
    return outputs, {k: v for k, v in markup.known.items() if k in used}
