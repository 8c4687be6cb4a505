"""The golden tree: the real content's site, byte for byte, as last approved.

When a template or the content changes on purpose, refresh it and review the diff:

    python -m pytest tests/site/test_golden.py --update-golden
    (or FRISE_UPDATE_GOLDEN=1 python -m pytest tests/site/test_golden.py)
    git diff --stat tests/golden/
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "real"
REFRESH = ("refresh it on purpose with `python -m pytest tests/site/test_golden.py "
           "--update-golden` (or FRISE_UPDATE_GOLDEN=1), then review `git diff tests/golden/`")
SHOWN_DIFFS = 3
DIFF_LINES = 40
LINE_CHARS = 200


def site_files(folder: Path) -> dict[str, bytes]:
    """Every file of a built site but frise's hidden marker, by relative POSIX path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.relative_to(folder).as_posix().startswith(".")}


def _diff(name: str, old: bytes, new: bytes) -> str:
    try:
        a, b = old.decode("utf-8").splitlines(), new.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return f"--- {name}: binary files differ ({len(old)} vs {len(new)} bytes)"
    lines = list(difflib.unified_diff(a, b, f"golden/{name}", f"built/{name}", lineterm="",
                                      n=1))
    more = len(lines) - DIFF_LINES
    shown = [line if len(line) <= LINE_CHARS else line[:LINE_CHARS] + " [...]"
             for line in lines[:DIFF_LINES]]
    return "\n".join(shown + ([f"... {more} more lines"] if more > 0 else []))


def test_real_site_matches_the_golden_tree(build_real: Path, update_golden: bool) -> None:
    built = site_files(build_real)
    if update_golden:
        if GOLDEN.exists():
            shutil.rmtree(GOLDEN)
        for name, data in built.items():
            target = GOLDEN / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        pytest.skip(f"golden tree refreshed: {len(built)} files written to tests/golden/real/")
    if not GOLDEN.is_dir():
        pytest.fail(f"there is no golden tree yet (tests/golden/real/): {REFRESH}")
    golden = site_files(GOLDEN)
    missing = sorted(golden.keys() - built.keys())
    extra = sorted(built.keys() - golden.keys())
    changed = sorted(k for k in golden.keys() & built.keys() if golden[k] != built[k])
    if missing or extra or changed:
        report = [f"the built site differs from the golden tree; if the change is intended, "
                  f"{REFRESH}"]
        if missing:
            report.append("no longer built: " + ", ".join(missing))
        if extra:
            report.append("new files: " + ", ".join(extra))
        if changed:
            report.append(f"{len(changed)} changed: " + ", ".join(changed))
            report += [_diff(name, golden[name], built[name]) for name in changed[:SHOWN_DIFFS]]
        pytest.fail("\n".join(report), pytrace=False)
