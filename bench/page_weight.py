"""Weight of the index page: its HTML and the CSS and JavaScript it links, in bytes;
and of the heaviest page of the whole site, with the search index's size.

    python bench/page_weight.py                 # the real content and 1,000 synthetic events
    python bench/page_weight.py --events 1000 10000
    python bench/page_weight.py --site DIR/site # a site already built

The real content is copied to a temporary project and built there; the synthetic
projects come from bench/bench.py's generator. Sizes are before compression (gzip
sizes are shown for information). The real content's index must stay under 100 KB.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import re
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from generator.build.pipeline import build  # noqa: E402

BUDGET = 100_000
"""Bytes of HTML + CSS + JS of the real content's index, before compression."""
LINKED = re.compile(r'<(?:link rel="stylesheet"[^>]*href|script[^>]*src)="([^"]+)"')


def index_weight(site: Path) -> dict[str, int]:
    """Bytes of index.html and of each stylesheet and script it links, by file, and gzipped."""
    html = (site / "index.html").read_bytes()
    files = {"index.html": html}
    for href in LINKED.findall(html.decode("utf-8")):
        files[href] = (site / href).read_bytes()
    sizes = {name: len(data) for name, data in files.items()}
    sizes["total"] = sum(sizes.values())
    sizes["total gzipped"] = sum(len(gzip.compress(d, 9, mtime=0)) for d in files.values())
    return sizes


def heaviest_page(site: Path) -> tuple[int, str]:
    """The heaviest HTML page of a site with the CSS and JS it links: (bytes, path)."""
    linked: dict[Path, int] = {}
    worst = (0, "")
    for page in site.rglob("*.html"):
        html = page.read_bytes()
        size = len(html)
        for href in LINKED.findall(html.decode("utf-8")):
            # 404.html links the absolute address (hosts serve it at any depth)
            target = (site / ("assets/" + href.rsplit("/assets/", 1)[1]) if "://" in href
                      else (page.parent / href).resolve())
            if target not in linked:
                linked[target] = target.stat().st_size
            size += linked[target]
        worst = max(worst, (size, page.relative_to(site).as_posix()))
    return worst


def describe_site(label: str, site: Path) -> str:
    size, path = heaviest_page(site)
    index = site / "assets" / "search-index.js"
    data = index.read_bytes() if index.exists() else b""
    pages = sum(1 for _ in site.rglob("*.html"))
    return (f"{label}: {pages:,} pages, heaviest {path} {size:,} B with its CSS and JS; "
            f"search index {len(data):,} B ({len(gzip.compress(data, 9, mtime=0)):,} B "
            "gzipped)")


def build_real(into: Path) -> Path:
    shutil.copytree(REPO / "content", into / "content")
    report = build(into)
    assert report.output is not None
    return report.output


def build_synthetic(into: Path, n: int) -> Path:
    spec = importlib.util.spec_from_file_location("frise_bench", REPO / "bench" / "bench.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.generate(into, n)
    report = build(into)
    assert report.output is not None
    return report.output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, nargs="*", default=[1000])
    parser.add_argument("--site", type=Path, nargs="*", default=[],
                        help="weigh sites already built instead")
    args = parser.parse_args()
    if args.site:
        for site in args.site:
            print(describe_site(str(site), site))
        return
    rows: list[tuple[str, dict[str, int]]] = []
    with tempfile.TemporaryDirectory(prefix="frise-weight-") as tmp:
        real = build_real(Path(tmp) / "real")
        rows.append(("real content", index_weight(real)))
        print(describe_site("real content", real))
        for n in args.events:
            site = build_synthetic(Path(tmp) / f"n{n}", n)
            rows.append((f"{n:,} synthetic events", index_weight(site)))
            print(describe_site(f"{n:,} synthetic events", site))
    for label, sizes in rows:
        parts = ", ".join(f"{k} {v:,} B" for k, v in sizes.items()
                          if k not in ("total", "total gzipped"))
        print(f"{label}: {sizes['total']:,} B ({sizes['total gzipped']:,} B gzipped) = {parts}")
    real = rows[0][1]["total"]
    print(f"budget for the real content: {real:,} / {BUDGET:,} B "
          f"({'within' if real < BUDGET else 'OVER'})")


if __name__ == "__main__":
    main()
