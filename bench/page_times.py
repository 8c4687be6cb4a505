"""Where a rebuild's rendering goes: each heavy entry of a project's plan, timed alone.

    python bench/page_times.py PROJECT [--top 10]

Checks the project, plans its site, and renders in this process, one at a time, the
entries made from the most events (the index, the exports, the search index, the
feed, the largest list pages), with the Markdown cache of the last build, the way a
rebuild after one edit renders them. Prints seconds per entry, heaviest first. The
first entry also pays for typesetting what the later ones share.
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
from generator.site import render  # noqa: E402
from generator.site.markdown import convert_all  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--top", type=int, default=10, help="how many entries to time")
    args = parser.parse_args()
    timeline, theme, _ = pipeline.check(args.project)
    words = pipeline.typeset(theme.words(timeline.site.language))
    plan = pipeline.site_plan(timeline, theme, words)
    heavy = sorted(plan, key=shards._weight, reverse=True)[:args.top]
    markup = convert_all(render.markdown_texts(heavy, timeline), {}, cache.load(args.project),
                         timeline.site.language)
    renderer = render.Renderer(timeline, theme, words, markup)
    total = 0.0
    for page in heavy:
        start = time.perf_counter()
        size = sum(len(out.data) for out in renderer.render(page))
        seconds = time.perf_counter() - start
        total += seconds
        print(f"{seconds:7.2f} s  {size / 1e6:7.2f} MB  {page.path}")
    print(f"{total:7.2f} s  in all, {len(heavy)} entries of {len(plan):,}")


if __name__ == "__main__":
    main()
