"""Benchmark of frise's build stages on a synthetic project of N events.

    python bench/bench.py --events 1000 10000
    python bench/bench.py --events 10000 --profile 30      # where the time goes

Each N runs in a fresh child process, on a project generated into a fresh temporary
folder (deleted afterwards unless --keep): titles, Markdown summaries and bodies,
tags, actors, sources with local texts and verified quotes, dates at day, month and
year precision, periods, qualifiers and BCE years. The stages are those of
`frise build`: load (generator.loader.load_project), validate (the theme's
languages + generator.validate.validate), render (generator.build.render_site) and
write (generator.output.write_site). Peak memory is the child's peak resident set
size (resource.getrusage ru_maxrss), i.e. the whole process, interpreter included;
the worker peak is that of the largest child process (Markdown is converted on all
cores). CPU is user + system time of the process and its workers over the four
stages. "render, Markdown cached" renders again with the conversions of the first
render, as a rebuild with frise's cache does: the rest is Jinja and the views.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
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


def _cpu() -> float:
    """CPU seconds (user + system) of this process and of its finished children."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _render(timeline: object, theme: object, known: dict[str, str] | None = None,
            ) -> tuple[list[object], dict[str, str] | None]:
    """generator.build.render_site, whichever of its shapes this checkout has."""
    from generator.build import render_site

    result = render_site(timeline, theme, known) if known is not None else render_site(
        timeline, theme)  # type: ignore[arg-type]
    if isinstance(result, tuple):
        return list(result[0]), result[1]
    return list(result), None


def run_stages(root: Path) -> dict[str, object]:
    """Runs the four stages (and a rebuild's render with Markdown cached, when supported)."""
    from generator.loader import load_project
    from generator.output import write_site
    from generator.templates import load_theme
    from generator.validate import validate

    seconds: dict[str, float] = {}
    cpu = _cpu()
    t = time.perf_counter()
    raw = load_project(root)
    seconds["load"] = time.perf_counter() - t
    t = time.perf_counter()
    theme = load_theme(root)
    timeline = validate(raw, languages=theme.languages())
    seconds["validate"] = time.perf_counter() - t
    t = time.perf_counter()
    outputs, converted = _render(timeline, theme)
    seconds["render"] = time.perf_counter() - t
    t = time.perf_counter()
    files = write_site(root, root / timeline.site.output, outputs)  # type: ignore[arg-type]
    seconds["write"] = time.perf_counter() - t
    cpu = _cpu() - cpu
    warm = None
    if converted is not None:
        t = time.perf_counter()
        _render(timeline, theme, converted)
        warm = time.perf_counter() - t
    return {"seconds": seconds, "events": len(timeline.events), "files": files,
            "cpu": cpu, "render_warm": warm}


def child(n: int, keep: bool, profile: int) -> dict[str, object]:
    """One measurement in this (fresh) process."""
    folder = Path(tempfile.mkdtemp(prefix=f"frise-bench-{n}-"))
    root = folder / "project"
    try:
        t = time.perf_counter()
        generate(root, n)
        generated = time.perf_counter() - t
        profiler = cProfile.Profile() if profile else None
        if profiler:
            profiler.enable()
        result = run_stages(root)
        if profiler:
            profiler.disable()
            stats = pstats.Stats(profiler, stream=sys.stderr)
            stats.sort_stats("tottime").print_stats(profile)
            stats.sort_stats("cumulative").print_stats(profile)
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        child_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        return {"n": n, "generate": generated, **result, "peak_mib": peak_kib / 1024,
                "worker_peak_mib": child_kib / 1024, "project": str(root) if keep else None}
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def table(results: list[dict[str, Any]]) -> str:
    head = ("| events | files | load (s) | validate (s) | render (s) | write (s) | **total (s)** "
            "| CPU (s) | render, Markdown cached (s) | peak RSS (MiB) | worker peak RSS (MiB) |\n"
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
    rows = []
    for r in results:
        s = r["seconds"]
        warm = "–" if r["render_warm"] is None else f"{r['render_warm']:.2f}"
        rows.append(f"| {r['n']:,} | {r['files']:,} | {s['load']:.2f} | {s['validate']:.2f} | "
                    f"{s['render']:.2f} | {s['write']:.2f} | **{sum(s.values()):.2f}** | "
                    f"{r['cpu']:.2f} | {warm} | {r['peak_mib']:.0f} | "
                    f"{r['worker_peak_mib']:.0f} |")
    return head + "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--keep", action="store_true", help="keep the generated projects")
    parser.add_argument("--profile", type=int, default=0, metavar="LINES",
                        help="print cProfile's top LINES functions (stderr) for each N")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(child(args.child, args.keep, args.profile)))
        return
    results = []
    for n in args.events:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(n)]
        if args.keep:
            cmd.append("--keep")
        if args.profile:
            cmd += ["--profile", str(args.profile)]
        out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
        result = json.loads(out.strip().splitlines()[-1])
        results.append(result)
        if result.get("project"):
            print(f"kept: {result['project']}", file=sys.stderr)
    print(f"frise benchmark, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; peak "
          "memory is the peak resident set size (getrusage ru_maxrss)\n")
    print(table(results))


if __name__ == "__main__":
    main()
