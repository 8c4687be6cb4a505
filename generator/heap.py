"""When Python's cycle collector runs during a build.

The collector walks every live object each time it looks at the oldest generation, and
a build holds hundreds of thousands of them (nodes, events, caches, the plan) that are
never garbage: at 10,000 events its passes cost a sixth of a rebuild. So it is paused
while the model is made, and for the whole of a one-shot build (`frise build`), whose
process ends soon after; the cycles rendering leaves behind are few (about twenty
objects a page). Serve, which lives on, tidies between its builds instead.

Worker processes forked during a build start with the collector running again, on
their own objects only: what they inherit is frozen (`gc.freeze`, as the Python
documentation advises for forking servers), so their collections neither walk it nor
write to its pages, which stay shared with the parent.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pauses the cycle collector for the block. A collector already paused, by a
    caller or a nested pause, is left paused."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def start_worker() -> None:
    """The first thing a forked worker does (a pool's `initializer`): freezes what it
    inherited, then collects its own cycles as usual."""
    gc.freeze()
    gc.enable()
