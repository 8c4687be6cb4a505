"""A build killed at any moment leaves the last good site or the new one, never a mix.

A synthetic project of a few hundred events is built (site A), its content then
changed everywhere (site B). `python -m generator build` runs in a subprocess and
is killed with SIGKILL at moments chosen by watching what it writes: as soon as its
temporary folder appears, part-way through the event pages, once every page is
written, and after the new site has been swapped in. Each time the output folder
must be exactly A or exactly B, byte for byte; then an ordinary build succeeds,
gives B and leaves no temporary folder behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EVENTS = 80

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def write_content(root: Path, title: str) -> None:
    """The synthetic project; `title` changes every page (it is in each header)."""
    events = root / "content" / "events"
    events.mkdir(parents=True, exist_ok=True)
    (root / "content" / "site.yaml").write_text(f"title: {title}\n", encoding="utf-8")
    for i in range(EVENTS):
        (events / f"event-{i:04d}.yaml").write_text(
            f"title: {title} event {i}\ndate: {1900 + i % 120}-{1 + i % 12:02d}\n"
            f"summary: Summary {i} of *{title}*.\ntags: [t{i % 7}]\n"
            f"body: |\n  Body of event {i}.\n\n  A second paragraph.\n", encoding="utf-8")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def restore(folder: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith((".frise-tmp", ".frise-old")))


def run_build(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", "build", "-q", "-C", str(root)],
                          cwd=REPO, capture_output=True, text=True, check=False)


def _tmp_folder(root: Path) -> Path | None:
    found = sorted(root.glob(".frise-tmp-site-*"))
    return found[0] if found else None


def _pages_in_tmp(root: Path) -> int:
    tmp = _tmp_folder(root)
    try:
        return len(os.listdir(tmp / "events")) if tmp else 0
    except OSError:
        return 0


_INDEX_STAT: dict[Path, tuple[int, int, int]] = {}


def _index_changed(root: Path) -> bool:
    """The index page differs from site A's (a build writing in place would show it first)."""
    try:
        st = (root / "site" / "index.html").stat()
    except OSError:
        return True
    return (st.st_ino, st.st_mtime_ns, st.st_size) != _INDEX_STAT[root]


Moment = Callable[[Path, int], bool]
"""Watches the project while the build runs: True when it is time to kill."""

MOMENTS: dict[str, tuple[Moment, str]] = {
    "temporary-folder-appears": (lambda root, ino: _tmp_folder(root) is not None, "A"),
    "first-pages-written": (lambda root, ino: _pages_in_tmp(root) >= 5, "A"),
    "half-the-pages": (lambda root, ino: _pages_in_tmp(root) >= EVENTS // 2, "A"),
    "every-page-written": (lambda root, ino: _pages_in_tmp(root) >= EVENTS, "A or B"),
    "new-site-swapped-in": (lambda root, ino: (root / "site").stat().st_ino != ino, "B"),
    "index-page-changes": (lambda root, ino: _index_changed(root), "B"),
}


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes],
                                                             dict[str, bytes]]:
    """The project with content B, and the trees of site A and site B."""
    root = tmp_path_factory.mktemp("kill") / "project"
    write_content(root, "Alpha")
    assert run_build(root).returncode == 0
    site_a = tree(root / "site")
    write_content(root, "Beta")
    assert run_build(root).returncode == 0
    site_b = tree(root / "site")
    assert site_a.keys() == site_b.keys()
    assert all(site_a[k] != site_b[k] for k in site_a if k.endswith(".html"))
    return root, site_a, site_b


def _reset_to_a(root: Path, site_a: dict[str, bytes]) -> None:
    import shutil

    shutil.rmtree(root / "site")
    for name in leftovers(root):
        shutil.rmtree(root / name)
    restore(root / "site", site_a)


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_kill_at_a_moment_leaves_a_whole_site(
        sites: tuple[Path, dict[str, bytes], dict[str, bytes]], moment: str) -> None:
    root, site_a, site_b = sites
    _reset_to_a(root, site_a)
    watch, expected = MOMENTS[moment]
    inode = (root / "site").stat().st_ino
    st = (root / "site" / "index.html").stat()
    _INDEX_STAT[root] = (st.st_ino, st.st_mtime_ns, st.st_size)
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "-q", "-C", str(root)],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    killed = False
    try:
        while proc.poll() is None:
            if watch(root, inode):
                os.killpg(proc.pid, signal.SIGKILL)
                killed = True
                break
            time.sleep(0.001)
    finally:
        if proc.poll() is None and not killed:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    after = tree(root / "site")
    state = "A" if after == site_a else "B" if after == site_b else "a mix"
    if not killed:  # the build ended before the moment was seen: it must have finished
        expected = "B"
    assert state in expected.split(" or "), (
        f"killed={killed}: the site is {state}; files differing from A: "
        f"{sorted(k for k in after if after.get(k) != site_a.get(k))[:5]}")
    # the next build succeeds, gives B, and clears what the killed one left
    result = run_build(root)
    assert result.returncode == 0, result.stderr
    assert tree(root / "site") == site_b
    assert leftovers(root) == []


def test_kill_after_fixed_delays_leaves_a_whole_site(
        sites: tuple[Path, dict[str, bytes], dict[str, bytes]]) -> None:
    """Moments the watcher cannot name (loading, rendering, between two files)."""
    root, site_a, site_b = sites
    for delay in (0.1, 0.6, 1.2):
        _reset_to_a(root, site_a)
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "build", "-q", "-C", str(root)],
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        after = tree(root / "site")
        assert after in (site_a, site_b), f"a mix after {delay} s"
    result = run_build(root)
    assert result.returncode == 0, result.stderr
    assert tree(root / "site") == site_b
    assert leftovers(root) == []
