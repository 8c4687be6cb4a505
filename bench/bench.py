"""Benchmark of frise as editors use it, on a synthetic project of N events.

    python bench/bench.py --events 1000 10000 50000
    python bench/bench.py --events 10000 --saves 0 --keep   # no serve; keep the project

For each N, a project is generated into a fresh temporary folder (deleted afterwards
unless --keep): titles, Markdown summaries and bodies, tags, actors, sources with local
texts and verified quotes, dates at day, month and year precision, periods, qualifiers
and BCE years. Then, each in a new process (`python -m generator build -v`, so process
start is included): a cold build (no cache, no site), a rebuild with nothing changed,
a rebuild after editing one event's title; and under `frise serve`, the time from saving
an event to the page showing the change, reloaded when the build's status says so, as the
pages' script does (median of --saves saves). The stages
are those `frise build -v` reports; peak memory is the largest process's peak resident
set size during the cold build (getrusage of the children).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

WORDS = (
    "accord alliance ambassade armée arms border budget ceasefire conference corridor "
    "défense diplomatie drone embassy énergie export frontière gas gazoduc industrie "
    "minister ministre negotiation oil pétrole pipeline président region sanctions "
    "sécurité summit talks territoire trade traité visit visite war"
).split()
N_TAGS = 40
N_SOURCES = 60
SENTENCES_PER_SOURCE = 400


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def _date(rng: random.Random, i: int, n: int) -> tuple[str, str | None]:
    """A date spread from 2000 BC to 2024, at every precision, sometimes a period."""
    year = -1999 + (i * 4023) // max(n, 1)
    kind = i % 10
    sign = "-" if year < 0 else ""
    y = f"{sign}{abs(year):04d}"
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    if kind < 5:
        date = f"{y}-{month:02d}-{day:02d}"
    elif kind < 7:
        date = f"{y}-{month:02d}"
    else:
        date = y
    if kind == 3:
        date += "?"
    elif kind == 8:
        date += "~"
    end = None
    if kind in (1, 6, 9):
        end_year = year + rng.randint(1, 3)
        end = f"{'-' if end_year < 0 else ''}{abs(end_year):04d}"
        if kind == 1:
            end += f"-12-{rng.randint(1, 31):02d}"
    return date, end


def _q(text: str) -> str:
    """A double-quoted YAML scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def generate(root: Path, n: int, seed: int = 1) -> None:
    """Writes a valid project of `n` events into `root` (which must not exist)."""
    rng = random.Random(seed)
    content = root / "content"
    (content / "events").mkdir(parents=True)
    (content / "sources").mkdir()
    (content / "site.yaml").write_text(
        "title: Benchmark timeline\nlanguage: fr\nauthor: bench\n"
        "description: A *synthetic* timeline of many events.\n", encoding="utf-8")
    tags = [f"theme-{i:02d}" for i in range(N_TAGS)]
    (content / "tags.yaml").write_text("".join(
        f"{t}:\n  label: Thème {i}\n  description: Events about *theme {i}*.\n"
        for i, t in enumerate(tags)), encoding="utf-8")
    n_actors = max(20, n // 20)
    actors = [f"actor-{i:05d}" for i in range(n_actors)]
    kinds = ("person", "organisation", "country", "place")
    (content / "actors.yaml").write_text("".join(
        f"{a}:\n  name: Actor {i}\n  kind: {kinds[i % 4]}\n  role: role {i}\n"
        for i, a in enumerate(actors)), encoding="utf-8")
    sentences: dict[str, list[str]] = {}
    lines = []
    for s in range(N_SOURCES):
        sid = f"source-{s:02d}"
        sents = [_sentence(rng, rng.randint(8, 20)) + f" ({sid}, {k})"
                 for k in range(SENTENCES_PER_SOURCE)]
        sentences[sid] = sents
        # Typographic apostrophes and non-breaking spaces, as in real articles.
        text = "\n\n".join(" ".join(sents[k:k + 4]) for k in range(0, len(sents), 4))
        (content / "sources" / f"{sid}.txt").write_text(
            text.replace(" war ", "\u00a0war ").replace("l'", "l’"), encoding="utf-8")
        lines.append(
            f"{sid}:\n  title: Source {s}\n  publisher: Publisher {s % 7}\n"
            f"  url: https://example.org/sources/{s}\n  date: 2023-{1 + s % 12:02d}\n"
            f"  language: fr\n  text: sources/{sid}.txt\n")
    (content / "sources.yaml").write_text("".join(lines), encoding="utf-8")
    for i in range(n):
        date, end = _date(rng, i, n)
        title = _sentence(rng, rng.randint(4, 10))[:-1]
        summary = (f"{_sentence(rng, 12)} With **{rng.choice(WORDS)}** and "
                   f"*{rng.choice(WORDS)}*, see [the report](https://example.org/r/{i}).")
        paragraphs = [_sentence(rng, 30) + " " + _sentence(rng, 25) for _ in range(3)]
        body = "\n\n".join(paragraphs) + "\n\n- " + _sentence(rng, 6) + "\n- " + \
            _sentence(rng, 6) + "\n\n> " + _sentence(rng, 15) + "\n"
        sid = rng.choice(list(sentences))
        quote = rng.choice(sentences[sid])
        event_tags = rng.sample(tags, rng.randint(1, 3))
        event_actors = rng.sample(actors, rng.randint(1, 4))
        text = [f"title: {_q(title)}", f"date: {_q(date)}"]
        if end:
            text.append(f"end: {_q(end)}")
        text.append("summary: >-\n  " + summary)
        text.append("body: |\n" + "".join(f"  {ln}\n" if ln else "\n"
                                          for ln in body.splitlines()).rstrip("\n"))
        text.append("tags: [" + ", ".join(event_tags) + "]")
        text.append("actors:\n" + "".join(f"  - {a}\n" for a in event_actors).rstrip("\n"))
        text.append(f"sources:\n  - source: {sid}\n    quote: {_q(quote)}\n"
                    f"  - url: https://example.org/news/{i}\n    title: News {i}\n"
                    f"    publisher: Example\n    date: {_q(date.rstrip('?~'))}")
        if i % 50 == 0:
            text.append("featured: true")
        (content / "events" / f"event-{i:06d}.yaml").write_text(
            "\n".join(text) + "\n", encoding="utf-8")


def _run(root: Path, *args: str) -> dict[str, Any]:
    """One `frise` command in a new process, as an editor runs it: wall time (process
    start included), peak memory of the largest process (os.wait4), stages it reports."""
    cmd = [sys.executable, "-m", "generator", *args, "-v", "-C", str(root)]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    out, err = proc.communicate()
    wall = time.perf_counter() - t
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err}")
    stages = {}
    for line in (out + err).splitlines():
        if line.startswith("timings: "):
            for part in line[len("timings: "):].split(", "):
                name, _, value = part.rpartition(" ")[0].rpartition(" ")
                stages[name] = float(value)
    return {"wall": wall, "stages": stages, "output": out + err}


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(port: int, path: str, timeout: float = 5) -> str:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
            return str(r.read().decode("utf-8"))
    except OSError:
        return ""


def _generation(port: int, since: int | None = None) -> int | None:
    """The build generation `frise serve` reports; with `since`, once it differs (the
    long poll the pages' reload script makes)."""
    query = "" if since is None else f"?since={since}"
    try:
        return int(json.loads(_get(port, f"/__frise__/status{query}", timeout=60))
                   ["generation"])
    except (ValueError, KeyError, TypeError):
        return None


def serve_save_to_reload(root: Path, event: Path, saves: int) -> list[float]:
    """Starts `frise serve`, saves one event `saves` times, and times each save until the
    page, reloaded as the browser's script reloads it (when the build's generation
    changes), shows it: what the editor waits for."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "-q", "--port",
                             str(port), "-C", str(root)], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    page = "/events/" + event.stem + "/"
    try:
        deadline = time.monotonic() + 600
        while "<html" not in _get(port, page):
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("frise serve did not start")
            time.sleep(0.2)
        times = []
        for i in range(saves):
            marker = f"Saved {i} times"
            generation = _generation(port)
            text = event.read_text(encoding="utf-8")
            event.write_text(re.sub(r"(?m)^title: .*$", f"title: {marker}", text, count=1),
                             encoding="utf-8")
            t = time.perf_counter()
            while True:
                generation = _generation(port, generation) or generation
                if marker in _get(port, page):
                    break
            times.append(time.perf_counter() - t)
            time.sleep(0.5)
        return times
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def measure(n: int, keep: bool, saves: int) -> dict[str, Any]:
    """Cold build, rebuild with nothing changed, rebuild after one edit, serve."""
    folder = Path(tempfile.mkdtemp(prefix=f"frise-bench-{n}-"))
    root = folder / "project"
    try:
        generate(root, n)
        runs: dict[str, Any] = {}
        runs["cold"] = _run(root, "build")
        runs["cold"]["peak"] = _peak_mib()
        runs["no change"] = _run(root, "build")
        event = sorted((root / "content" / "events").iterdir())[n // 2]
        text = event.read_text(encoding="utf-8")
        event.write_text(re.sub(r"(?m)^title: .*$", "title: Edited by the benchmark", text,
                                count=1), encoding="utf-8")
        runs["one edit"] = _run(root, "build")
        for run in runs.values():
            files = re.search(r"built [\d,]+ events?, ([\d,]+) files?", run["output"])
            run["files"] = int(files.group(1).replace(",", "")) if files else 0
            rendered = re.search(r"\(([\d,]+) rendered", run["output"])
            run["rendered"] = (int(rendered.group(1).replace(",", "")) if rendered
                               else 0 if "(nothing changed)" in run["output"]
                               else run["files"])
            del run["output"]
        serve = serve_save_to_reload(root, event, saves) if saves else []
        size = sum(f.stat().st_size for f in (root / "site").rglob("*") if f.is_file())
        return {"n": n, "runs": runs, "serve": serve, "site_bytes": size,
                "project": str(root) if keep else None}
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def table(results: list[dict[str, Any]]) -> str:
    head = ("| events | run | wall (s) | load | validate | plan | render and write "
            "| files rendered | peak RSS (MiB) |\n|---:|---|---:|---:|---:|---:|---:|---:|---:|\n")
    rows = []
    for r in results:
        for name, run in r["runs"].items():
            s = run["stages"]
            peak = f"{run['peak']:.0f}" if "peak" in run else ""
            rendered = "" if run["rendered"] is None else f"{run['rendered']:,} of {run['files']:,}"
            rows.append(f"| {r['n']:,} | {name} | **{run['wall']:.2f}** | {s.get('load', 0):.2f} "
                        f"| {s.get('validate', 0):.2f} | {s.get('plan', 0):.2f} "
                        f"| {s.get('render and write', 0):.2f} | {rendered} | {peak} |")
        if r["serve"]:
            times = sorted(r["serve"])
            rows.append(f"| {r['n']:,} | serve, save to page (median of {len(times)}) | "
                        f"**{statistics.median(times):.2f}** | | | | | | |")
    return head + "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--saves", type=int, default=5,
                        help="saves timed under frise serve (0: don't run serve)")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args()
    results = []
    for n in args.events:
        results.append(measure(n, args.keep, args.saves))
        if results[-1].get("project"):
            print(f"kept: {results[-1]['project']}", file=sys.stderr)
    print(f"frise benchmark, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; wall "
          "times include process start; peak memory is the largest process's peak resident "
          "set size (cold build)\n")
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
