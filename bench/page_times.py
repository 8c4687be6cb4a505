"""Where a rebuild's rendering goes: the entries of a project's plan that its next build
would render, each timed alone.

    python bench/page_times.py PROJECT [--top 10] [--all | --kinds]

Checks the project, plans its site, and finds, as `frise build` does, the entries whose
fingerprint or file differs from the manifest of the current site (after an edit: the
event's page, its neighbours, its lists, and what is made from every event). Renders
them in this process, one at a time, with the Markdown cache, the pieces of the current
site's exports and the kept words of the search index, the way the rebuild renders
them (in workers, there), and writes nothing. Prints seconds per entry, slowest first.
With `--all`, times the entries made from the most events instead, as a cold build
renders them. The first entry also pays for typesetting what the later ones share.
With `--kinds`, renders every entry of the plan, as a cold build does on one core (the
Markdown converted before the timing, or read from the cache), and prints the time and
weight of each kind of page (by template; a generated file by its path), heaviest first:
where a cold build's rendering goes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from generator.build import cache, pipeline, shards  # noqa: E402
from generator.build.fingerprint import Fingerprints  # noqa: E402
from generator.build.stamp import code_version  # noqa: E402
from generator.site import render, search  # noqa: E402
from generator.site.output import Stat  # noqa: E402


class _ReadOnly:
    """The kept words of the search index, read but never saved."""

    def __init__(self, kept: cache.SearchWords) -> None:
        self.kept = kept

    def load(self) -> dict[str, str]:
        return self.kept.load()

    def save(self, words: object) -> None:
        pass

    def load_index(self) -> search.Inverted | None:
        return self.kept.load_index()

    def save_index(self, inverted: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--top", type=int, default=10, help="how many entries to print")
    cold = parser.add_mutually_exclusive_group()
    cold.add_argument("--all", action="store_true",
                      help="the heaviest entries of the plan, as a cold build renders them")
    cold.add_argument("--kinds", action="store_true",
                      help="every entry of the plan, totalled by kind of page")
    args = parser.parse_args()
    project: Path = args.project
    timeline, theme, _ = pipeline.check(project)
    output = project / timeline.site.output
    version = code_version()
    words = pipeline.typeset(theme.words(timeline.site.language))
    kept = None if args.all or args.kinds else _ReadOnly(cache.SearchWords(project, version))
    plan = pipeline.site_plan(timeline, theme, words, kept)
    prints = Fingerprints(timeline, theme, words)
    if args.all or args.kinds:
        todo = plan if args.kinds else sorted(plan, key=shards._weight, reverse=True)[:args.top]
        old: dict[str, tuple[str, Stat]] = {}
        spans: cache.Spans = {}
    else:
        old, spans = cache.load_manifest(project, output, version)
        todo, _ = pipeline._unchanged(plan, [prints.page(p) for p in plan], old, output)
    markup, _ = pipeline._converter(project, timeline, todo, None)
    renderer = render.Renderer(timeline, theme, words, markup, piece_key=prints.piece,
                               previous=pipeline._previous(todo, old, spans, output))
    times = []
    for page in todo:
        start = time.perf_counter()
        size = sum(len(out.data) for out in renderer.render(page))
        times.append((time.perf_counter() - start, size, page.path))
    if args.kinds:
        _print_kinds(todo, times)
        return
    for seconds, size, path in sorted(times, reverse=True)[:args.top]:
        print(f"{seconds:7.2f} s  {size / 1e6:7.2f} MB  {path}")
    total = sum(t for t, _, _ in times)
    print(f"{total:7.2f} s  in all, {len(todo):,} entries of {len(plan):,}")


def _print_kinds(pages: list[render.Page], times: list[tuple[float, int, str]]) -> None:
    """Time, count and weight of each kind of entry, heaviest first."""
    kinds: dict[str, tuple[float, int, int]] = {}
    for page, (seconds, size, path) in zip(pages, times, strict=True):
        kind = page.template if page.make is None and page.joined is None else path
        total, count, weight = kinds.get(kind, (0.0, 0, 0))
        kinds[kind] = (total + seconds, count + 1, weight + size)
    for kind, (total, count, weight) in sorted(kinds.items(), key=lambda k: -k[1][0]):
        print(f"{total:7.2f} s  {count:6,} files  {weight / 1e6:7.1f} MB  {kind}")
    print(f"{sum(t for t, _, _ in times):7.2f} s  in all, {len(pages):,} entries")


if __name__ == "__main__":
    main()
