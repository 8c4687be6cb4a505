"""What one save costs under `frise serve`, without the HTTP server, the watcher and
its debounce: the rebuilds as serve runs them, in one process with serve's memory.

    python bench/serve_times.py PROJECT [--saves 5] [--no-tidy]

Builds the project once into a folder of its cache (the site is left alone), then
edits the title of the event in the middle of the timeline `--saves` times, timing
each rebuild up to the moment serve publishes it, then `Memory.settle` and `serve.tidy`
after each as serve runs them once the page is served (`--no-tidy` leaves the cycle
collector alone, to compare), the time the collector spent in the rebuild, and the
time of the settle and the tidy that follow (while the editor reads the page).
The event file is restored at the end. Prints each save, then the median.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from generator.build import cache, pipeline  # noqa: E402
from generator.commands.serve import tidy  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--saves", type=int, default=5)
    parser.add_argument("--no-tidy", action="store_true", help="don't tidy between saves")
    args = parser.parse_args()
    project: Path = args.project
    output = project / cache.FOLDER / "serve-times-site"
    events = sorted((project / "content" / "events").glob("*.yaml"))
    event = events[len(events) // 2]
    original = event.read_bytes()
    collecting = [0.0, 0.0]  # time in the collector, start of the current collection

    def timed(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            collecting[1] = time.perf_counter()
        else:
            collecting[0] += time.perf_counter() - collecting[1]

    memory = pipeline.Memory()
    pipeline.build(project, output=output, memory=memory)
    memory.settle()
    if not args.no_tidy:
        tidy()
    gc.callbacks.append(timed)
    times = []
    try:
        for i in range(args.saves):
            text = original.decode("utf-8")
            lines = text.split("\n")
            lines = [f"title: Saved {i} times" if line.startswith("title:") else line
                     for line in lines]
            event.write_text("\n".join(lines), encoding="utf-8")
            collecting[0] = 0.0
            start = time.perf_counter()
            report = pipeline.build(project, output=output, memory=memory)
            seconds = time.perf_counter() - start
            collected = collecting[0]
            times.append(seconds)
            stages = ", ".join(f"{k} {v:.2f}" for k, v in report.seconds.items())
            start = time.perf_counter()
            memory.settle()
            after = f"; then settle {time.perf_counter() - start:.2f} s"
            if not args.no_tidy:
                start = time.perf_counter()
                tidy()
                after += f", tidy {time.perf_counter() - start:.2f} s"
            print(f"save {i + 1}: {seconds:.2f} s ({stages}; collector {collected:.2f} s, "
                  f"{report.rendered} rendered{after})")
    finally:
        gc.callbacks.remove(timed)
        event.write_bytes(original)
    print(f"median of {len(times)}: {statistics.median(times):.2f} s"
          + (" (no tidy)" if args.no_tidy else ""))


if __name__ == "__main__":
    main()
