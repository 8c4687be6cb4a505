"""The index page stays light: for the real content, HTML + CSS + JS under 100 KB before
compression. Figures for 1,000 synthetic events: `python bench/page_weight.py`."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _page_weight() -> ModuleType:
    spec = importlib.util.spec_from_file_location("page_weight", ROOT / "bench" / "page_weight.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_real_index_weighs_under_100_kb(build_real: Path) -> None:
    weight = _page_weight()
    sizes = weight.index_weight(build_real)
    assert {"index.html", "assets/style.css", "assets/timeline.js"} <= set(sizes)
    assert sizes["total"] < weight.BUDGET, sizes


def test_the_weight_counts_what_the_page_links(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    (site / "index.html").write_text(
        '<link rel="stylesheet" href="assets/a.css"><script src="assets/b.js" defer></script>',
        encoding="utf-8")
    (site / "assets" / "a.css").write_bytes(b"x" * 1000)
    (site / "assets" / "b.js").write_bytes(b"y" * 500)
    (site / "assets" / "unused.js").write_bytes(b"z" * 9999)
    sizes = _page_weight().index_weight(site)
    assert sizes["total"] == len((site / "index.html").read_bytes()) + 1500
