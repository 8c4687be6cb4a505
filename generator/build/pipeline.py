"""`build(project)`: the stages in order. Everything is read and checked before
anything is written; a failure raises and leaves the last good site alone.

load (only changed files parsed) → validate (always whole) → plan every file →
fingerprint each → take unchanged files from the current site, render the rest in
shards → swap the new site in → record the manifest.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jinja2

from .. import heap
from ..content.config import as_folder, base_url_problem, setting_location
from ..content.loader import NodeStore, RawProject, load_project
from ..content.model import Event, Timeline
from ..content.validate import Checked, markdown_texts, validate
from ..errors import ContentErrors, FriseError
from ..site import exports, feeds, markdown, render, search, typography
from ..site.markdown import MarkdownConverter, convert_all
from ..site.output import (
    MARKER,
    Output,
    Stat,
    Tree,
    check_output_folder,
    file_stat,
    holds_exactly,
    write_tree,
)
from ..site.pieces import Previous
from ..site.render import Page, Renderer
from ..site.theme import Theme, Words, default_theme, load_theme
from ..site.timeline import RankingKept
from . import cache, shards, stamp
from .fingerprint import Digests, Fingerprints, theme_digest
from .stamp import code_version


@dataclass(slots=True)
class Report:
    """What a build or check did, for the CLI to print and the benchmark to read."""

    events: int = 0
    files: int = 0
    rendered: int = 0
    """Files rendered; the others were taken unchanged from the current site."""
    parsed: int = 0
    """Content files parsed; the others were unchanged since the last build."""
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


@dataclass(slots=True)
class Memory:
    """What one build hands the next in the same process (`frise serve`): the files it
    parsed and the events validation read from them, the events' digests, the manifest
    it wrote, the search index, the Markdown it converted and typeset, the views and
    cards of events. Without one, parsed files, Markdown and the search index's words
    are kept in `.frise-cache/`.
    """

    nodes: NodeStore = field(default_factory=NodeStore)
    markdown: dict[str, str] = field(default_factory=dict)
    """Sanitised conversions of this process."""
    unchecked: dict[str, str] | None = None
    """Conversions read from `.frise-cache/`, to sanitise on use; None until first read."""
    typeset: dict[str, dict[str, str]] = field(default_factory=dict)
    """Typeset HTML by language, then by Markdown text."""
    fragments: dict[tuple[object, ...], Any] = field(default_factory=dict)
    """Views and cards of events, by the events' fingerprints (see render.Renderer)."""
    theme: tuple[bytes, Theme] | None = None
    """The last build's theme (its templates compiled), by the digest of its files."""
    checked: Checked = field(default_factory=Checked)
    """The events validation read, by their files' nodes (see validate.Checked)."""
    digests: Digests = field(default_factory=dict)
    """The fingerprints' digests of those events (see fingerprint.Digests)."""
    manifest: cache.Written = field(default_factory=cache.Written)
    """The manifest the last build wrote, not read back while it is on disk as written."""
    inverted: search.Inverted = field(default_factory=search.Inverted)
    """The search index of the last build that made it in this process."""
    search_words: cache.SearchWords | None = None
    """The events' words for the search index, read from `.frise-cache/` once."""
    pending: list[Callable[[], None]] = field(default_factory=list)
    """What the last build left to do once its site is swapped in (`settle`)."""
    site: tuple[Path, dict[str, Stat]] | None = None
    """The output folder the last good build left, and the identity of each of its files
    (for `output.ready_spare`)."""

    def settle(self) -> None:
        """Does what the last build left for after its site was swapped in: recording
        the site's manifest in `.frise-cache/`, and sorting out what to keep for the next
        build (a tenth of a second at 10,000 events). Serve calls it once the page is
        served, while the editor reads; every build calls it first."""
        while self.pending:
            self.pending.pop(0)()


def check(project: Path, drafts: bool = False, base_url: str | None = None,
          store: NodeStore | None = None, memory: Memory | None = None,
          checked: Checked | None = None,
          loaded: Callable[[RawProject], object] = lambda raw: None,
          compiled: jinja2.BytecodeCache | None = None) -> tuple[Timeline, Theme, Report]:
    """Loads and validates the whole project; raises ContentErrors listing every problem.

    Writes nothing. Files whose bytes are in `store` (by default, the cache the last build
    left) are not parsed again, nor the events in `checked` (serve's memory's, else the
    one given) read again; the checks across files always run whole, since one file's
    change can break another's references. `loaded` is called once the files are read;
    `compiled` keeps the theme's templates compiled for a build (see `load_theme`).
    """
    report = Report()
    clock = _Clock(report, None)
    store = store if store is not None else cache.load_nodes(project, code_version())
    raw = load_project(project, store)
    loaded(raw)
    report.parsed = store.parsed
    clock.lap("load")
    theme = load_theme(project, compiled)
    if memory is not None:  # serve: the theme of the last build, its templates compiled
        digest = theme_digest(theme)
        if memory.theme is not None and memory.theme[0] == digest:
            theme = memory.theme[1]
        memory.theme = (digest, theme)
    timeline = validate(raw, drafts=drafts, languages=theme.languages(),
                        checked=memory.checked if memory is not None else checked)
    try:  # found by `check` too, and shown at site.yaml's `output` line, as typed there
        check_output_folder(project, project / timeline.site.output)
    except FriseError as exc:
        message = exc.message.replace(str(project / timeline.site.output), timeline.site.output)
        raise ContentErrors([FriseError(message, setting_location(raw, "output"))]) from None
    if base_url is not None:
        problem = base_url_problem(base_url)
        if problem:
            raise FriseError(f"--base-url {problem}")
        timeline = replace(timeline, site=replace(timeline.site, base_url=as_folder(base_url)))
    clock.lap("validate")
    report.events = len(timeline.events)
    return timeline, theme, report


def build(project: Path, drafts: bool = False, base_url: str | None = None,
          progress: Callable[[str], None] | None = None, output: Path | None = None,
          workers: int | None = None, memory: Memory | None = None,
          inputs: stamp.Inputs | None = None) -> Report:
    """Builds the site of `project` into its output folder and reports what it did.

    `output` replaces site.yaml's folder for this build (the preview of drafts uses it,
    so that drafts never land in the folder that gets published). `workers` is the
    number of rendering processes (default: one per core); it never changes the bytes.
    A good build into the project's own folder, outside `serve`, leaves the stamp by
    which the next `frise build` knows it has nothing to do (`stamp.py`), with the
    digest of the `inputs` that `stamp.unchanged` took, if given. Outside
    `serve`, the cycle collector is paused for the whole build (`heap`).
    """
    if memory is None:
        with heap.collector_paused():
            return _build(project, drafts, base_url, progress, output, workers, None,
                          inputs)
    return _build(project, drafts, base_url, progress, output, workers, memory, None)


def _build(project: Path, drafts: bool, base_url: str | None,
           progress: Callable[[str], None] | None, output: Path | None,
           workers: int | None, memory: Memory | None, inputs: stamp.Inputs | None
           ) -> Report:
    if memory:
        memory.settle()
    theme_folder = default_theme()
    before = None
    if not memory and not output:  # taken before anything is read: see stamp.py
        before = (inputs.digest if inputs is not None and inputs.theme == theme_folder
                  else stamp.inputs(project, drafts, base_url, theme_folder))
    version = code_version()
    store = memory.nodes if memory else cache.load_nodes(project, version)
    checked, digests = None, None
    if not memory:
        stored, by_key = cache.load_checked(project, version)
        checked = Checked(stored=stored, found={})
        store.validated = frozenset(stored)
        digests = {id(stored[k][0]): (stored[k][0], d) for k, d in by_key.items()}
    early: list[_Early] = []

    def loaded(raw: RawProject) -> None:
        if not memory:  # serve converts only what a save changed, keeping the rest
            early.append(_Early.start(project, raw))

    try:
        try:
            timeline, theme, report = check(project, drafts, base_url, store, memory,
                                            checked, loaded,
                                            cache.compiled_templates(project, version))
        finally:  # serve keeps what was parsed even when the content has errors
            if memory:
                memory.nodes = store.next_build()
        if not memory:  # a failed build writes nothing, not even its cache
            cache.save_nodes(project, version, store)
        del store  # the nodes are not needed to render: free them before the workers fork
        clock = _Clock(report, progress)
        output = output or project / timeline.site.output
        stamp.forget(project)
        report.files, report.rendered, files = write(
            project, output, timeline, theme, workers or shards.default_workers(), memory,
            lambda: clock.lap("plan"), digests, early[0] if early else None)
    finally:
        for started in early:  # taken by the converter, or not needed after all
            if started.ahead is not None:
                started.ahead.stop()
    if checked is not None and checked.found is not None and digests is not None:
        ids = {id(e): d for e, d in digests.values()}
        cache.save_checked(project, version, checked.found, set(checked.stored),
                           {k: ids[id(e)] for k, (e, _) in checked.found.items() if id(e) in ids})
    report.output = output
    clock.lap("render and write")
    if timeline.site.base_url is None:
        report.notes.append("no base_url in site.yaml: canonical links and absolute URLs "
                            "are left out; feed.xml keeps relative links, and sitemap.xml "
                            "and robots.txt, which need absolute URLs, are not written; "
                            "set base_url (or use --base-url) before publishing")
    if before is not None:
        stamp.save(project, before, theme_folder, output,
                   stamp.Done(report.events, report.files, tuple(report.notes), output),
                   stamp.site_written(output, files) if files is not None else None)
    return report


SERVE_ALONE = 1000
"""`frise serve` renders fewer pages than this in its own process: what a save changes
renders faster with the views and cards kept from the last save than on fresh workers."""


def site_plan(timeline: Timeline, theme: Theme, words: Words,
              kept: search.WordsKept | None = None, inverted: search.Inverted | None = None,
              key: Callable[[Event], str] | None = None,
              ranking: RankingKept | None = None) -> list[Page]:
    """Every file of the site: pages, exports and feeds, assets. `kept` keeps the search
    index's words between builds, `inverted` the index itself in one process, both by
    `key` (see `search.plugin`); `ranking` the related events between builds."""
    epoch = feeds.source_date_epoch(os.environ)
    extras = [exports.plugin, feeds.plugin(epoch), search.plugin(kept, inverted, key)]
    return render.plan(timeline, extras, words, ranking) + [render.assets(theme)]


def render_site(timeline: Timeline, theme: Theme, known: dict[str, str] | None = None
                ) -> Iterator[Output]:
    """Every file of the site, one at a time, rendered in this process (for tests and
    tools: `build` renders only what changed, across processes)."""
    words = typeset(theme.words(timeline.site.language))
    pages = site_plan(timeline, theme, words)
    markup = convert_all(render.markdown_texts(pages, timeline), known,
                         language=timeline.site.language)
    renderer = Renderer(timeline, theme, words, markup)
    for page in pages:
        yield from renderer.render(page)


def typeset(words: Words) -> Words:
    """The interface words as the language's typography wants them (the timeline's
    plain text is typeset by the renderer, its Markdown as it is converted)."""
    return replace(words, text=typography.words(words.text, words.language))


def write(project: Path, output: Path, timeline: Timeline, theme: Theme, workers: int,
          memory: Memory | None = None, planned: Callable[[], None] = lambda: None,
          digests: Digests | None = None, early: _Early | None = None
          ) -> tuple[int, int, dict[str, Stat] | None]:
    """Renders what changed since the current site was built, takes the rest from it,
    and swaps the new site in. Returns the number of files, of files rendered, and the
    identity of every file of the new site (with its marker), taken for the manifest;
    None when the current site was kept as it stands.
    `planned` is called once the plan is made and what to render is known (a stage of
    `frise build -v`). `digests` holds the events' digests known before (by default
    serve's), and is left holding this build's; `early`, the Markdown cache and the
    conversions the build started while it validated."""
    words = typeset(theme.words(timeline.site.language))
    version = code_version()
    if digests is None:
        digests = memory.digests if memory else {}
    prints = Fingerprints(timeline, theme, words, digests)
    if memory and memory.search_words is None:
        memory.search_words = cache.SearchWords(project, version)
    pages = site_plan(timeline, theme, words,
                      memory.search_words if memory else cache.SearchWords(project, version),
                      memory.inverted if memory else None, prints.content,
                      None if memory else cache.Ranking(project, version))
    keys = [prints.page(page) for page in pages]
    digests.clear()
    digests.update(prints.digests)
    old, old_spans = cache.load_manifest(project, output, version,
                                         memory.manifest if memory else None)
    todo, kept = _unchanged(pages, keys, old, output)
    paths = [path for page in pages for path in page.paths]
    planned()
    if not todo:
        check_output_folder(project, output)
        if holds_exactly(output, paths):
            if memory:
                memory.site = (output, kept)
            return len(paths), 0, None  # the current site is already this build's
    markup, unchecked = _converter(project, timeline, todo, memory, early)
    previous = _previous(todo, old, old_spans, output)
    renderer = (Renderer(timeline, theme, words, markup, memory.fragments, prints.event,
                         prints.piece, previous)
                if memory else Renderer(timeline, theme, words, markup,
                                        piece_key=prints.piece, previous=previous))

    if memory and len(todo) < SERVE_ALONE:
        workers = 1  # in this process, where the views and cards it makes are kept

    spans: cache.Spans = {path: old_spans[path] for path in kept if path in old_spans}
    taken: dict[str, Stat | None] = {}

    def fill(tree: Tree) -> int:
        def take() -> None:
            for path, identity in kept.items():
                taken[path] = tree.take(path, identity)

        count = len(kept) + shards.render_into(tree, renderer, todo, workers, take)
        spans.update(tree.spans)
        return count

    cache.forget_manifest(project, output)
    count = write_tree(project, output, paths, fill)
    root = os.path.join(output, "")  # the files taken are as found; the others are new
    files = {path: identity for path in (*paths, MARKER)
             if (identity := taken[path] if path in taken else file_stat(root + path))}

    def record() -> None:
        cache.save_manifest(project, output, version, {
            path: (key, files[path]) for page, key in zip(pages, keys, strict=True)
            for path in page.paths if path in files}, spans, memory.manifest if memory else None)
        if memory:  # the fragments of events that are gone or changed are dropped
            current = {prints.event(e) for e in timeline.events}
            memory.fragments = {k: v for k, v in renderer.memo.items() if k[1] in current}
        if todo:
            _keep_markdown(project, markup, render.timeline_texts(timeline), unchecked, memory)

    if memory:  # once the page is served (`Memory.settle`)
        memory.site = (output, files)
        memory.pending.append(record)
    else:
        record()
    return count, count - len(kept), files


def _unchanged(pages: list[Page], keys: list[str], old: dict[str, tuple[str, Stat]],
               output: Path) -> tuple[list[Page], dict[str, Stat]]:
    """The pages to render, and the files to take from the current site with their
    identity: those whose fingerprint equals the one the manifest recorded and which
    are still the files frise wrote (same device, inode, size and time). Anything else
    is rendered."""
    todo: list[Page] = []
    kept: dict[str, Stat] = {}
    if not old:
        return list(pages), kept
    root = os.path.join(output, "")  # strings: a Path per file costs more than its lstat
    for page, key in zip(pages, keys, strict=True):
        found: dict[str, Stat] = {}
        for path in page.paths:
            recorded = old.get(path)
            identity = file_stat(root + path) if recorded and recorded[0] == key else None
            if identity is None or recorded is None or recorded[1] != identity:
                todo.append(page)
                break
            found[path] = identity
        else:
            kept.update(found)
    return todo, kept


def _previous(todo: list[Page], old: dict[str, tuple[str, Stat]], spans: cache.Spans,
              output: Path) -> dict[str, Previous]:
    """The current site's copies of the joined files to render again, whose unchanged
    pieces can be copied from them: only while each is still the file frise wrote."""
    found: dict[str, Previous] = {}
    for page in todo:
        path = page.path
        if (page.joined is not None and path in spans and path in old
                and old[path][1] == file_stat(output / path)):
            found[path] = Previous(output / path, {k: (a, b) for k, a, b in spans[path]})
    return found


def _converter(project: Path, timeline: Timeline, todo: list[Page], memory: Memory | None,
               early: _Early | None = None) -> tuple[MarkdownConverter, dict[str, str]]:
    """A Markdown converter holding every text the pages to render show; the cached
    conversions it started from come back too, to know what to save."""
    known: dict[str, str] = {}
    unchecked: dict[str, str] = {}
    if todo and memory:
        if memory.unchecked is None:
            memory.unchecked = cache.load(project)
        known, unchecked = memory.markdown, memory.unchecked
    elif todo:
        unchecked = early.cached if early is not None else cache.load(project)
    language = timeline.site.language
    markup = convert_all(render.markdown_texts(todo, timeline), known, unchecked, language,
                         memory.typeset.setdefault(language, {}) if memory else None,
                         early.ahead if early is not None and todo else None)
    return markup, unchecked


@dataclass(slots=True)
class _Early:
    """What a command-line build starts as soon as the files are read: the Markdown
    cache, and, where it lacks many of the events' texts (a cold build), their
    conversion on the other cores, while this one validates and plans (`Ahead`)."""

    cached: dict[str, str]
    ahead: markdown.Ahead | None

    @staticmethod
    def start(project: Path, raw: RawProject) -> _Early:
        cached = cache.load(project)
        return _Early(cached, markdown.Ahead.start(
            [t for t in markdown_texts(raw) if t not in cached]))


def _keep_markdown(project: Path, markup: MarkdownConverter, wanted: set[str],
                   unchecked: dict[str, str], memory: Memory | None) -> None:
    """Keeps the conversions of the texts the site shows (and no others, so that the
    cache never outgrows the content): in memory for serve, else in `.frise-cache/`."""
    if memory:
        memory.markdown = {k: v for k, v in markup.known.items() if k in wanted}
        memory.unchecked = {k: v for k, v in markup.unchecked.items() if k in wanted}
    else:
        cache.save(project, {k: v for k, v in markup.entries().items() if k in wanted},
                   set(unchecked))
