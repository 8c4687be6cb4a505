"""Renders the pages to do across processes, in shards, each worker writing its own.

Jinja and the views hold the GIL, so threads would not help. Workers are forked
after the renderer is made: they share its timeline, converted Markdown and compiled
templates without copying them, render the shards they are handed and write each page
into the new site's folder at once, so no page waits in memory. Every page depends only
on its entry of the plan, never on which worker renders it or in what order: the bytes
do not depend on the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence

from .. import heap
from ..errors import FriseError, SourceLocation
from ..site.output import Tree
from ..site.pieces import Span
from ..site.render import Page, Renderer

PARALLEL_FROM = 5000
"""Below this much work (about the number of cards the pages to render draw; see
`_weight`), forking workers costs more than it saves."""
SHARD = 50
"""Pages of one shard: small enough to balance the workers, large enough to be cheap."""

_Job = tuple[Renderer, Sequence[Page], Tree]
_job: _Job | None = None
"""The work of the current build, set before the workers are forked (they inherit it)."""


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _render(job: _Job, indexes: Sequence[int]) -> int:
    renderer, pages, tree = job
    count = 0
    for i in indexes:
        for out in renderer.render(pages[i]):
            tree.write(out)
            count += 1
    return count


_Done = tuple[int, dict[str, tuple[Span, ...]], tuple[str, SourceLocation | None] | None]


def _shard(indexes: list[int]) -> _Done:
    """In a worker: renders one shard; returns the number of files written, where the
    pieces of the joined files lie (for the parent's manifest), and a located error as
    data, since an exception crossing processes would lose its location."""
    assert _job is not None
    tree = _job[2]
    tree.spans.clear()  # what this shard wrote, not the worker's earlier shards
    try:
        return _render(_job, indexes), tree.spans, None
    except FriseError as exc:
        return 0, {}, (exc.message, exc.location)


def render_into(tree: Tree, renderer: Renderer, pages: Sequence[Page],
                workers: int, meanwhile: Callable[[], object] = lambda: None) -> int:
    """Renders `pages` into `tree`, on `workers` processes when there is enough to do,
    and calls `meanwhile` while they work (the files taken from the current site).

    Returns the number of files written; `tree.spans` gathers where the pieces of the
    joined files lie, whichever process wrote them.
    """
    global _job
    methods = multiprocessing.get_all_start_methods()
    if workers < 2 or sum(map(_weight, pages)) < PARALLEL_FROM or "fork" not in methods:
        meanwhile()
        return _render((renderer, pages, tree), range(len(pages)))
    for name in {p.template for p in pages if p.template}:
        renderer.env.get_template(name)  # compiled once here, inherited by every worker
    # The heaviest pages (lists of many events, exports) first, then the rest in shards.
    order = sorted(range(len(pages)), key=lambda i: -_weight(pages[i]))
    heavy = [[i] for i in order if _weight(pages[i]) > SHARD]
    rest = [i for i in order if _weight(pages[i]) <= SHARD]
    shards = heavy + [rest[i:i + SHARD] for i in range(0, len(rest), SHARD)]
    _job = (renderer, pages, tree)
    count = 0
    try:
        with multiprocessing.get_context("fork").Pool(workers, heap.start_worker) as pool:
            done = pool.imap_unordered(_shard, shards)
            meanwhile()
            for written, spans, error in done:
                if error is not None:
                    raise FriseError(*error)
                count += written
                tree.spans.update(spans)
    finally:
        _job = None
    return count


def _weight(page: Page) -> int:
    """About how many cards a page draws: the length of its longest input."""
    return max((len(item) for item in page.inputs if isinstance(item, tuple)), default=1)
