"""The cycle collector during a build (`generator.heap`): paused for the whole of a
command-line build, left as it was afterwards, even when the build fails; running in
every worker process, on the worker's own objects only, so that workers neither grow
without bound nor walk (and copy) the heap they share with the parent; and left
alone by serve, which tidies between builds."""

from __future__ import annotations

import gc
import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator.build import pipeline, shards
from generator.build.pipeline import Memory, build
from generator.errors import ContentErrors
from generator.site import markdown

REPO = Path(__file__).resolve().parents[2]


def _real_content(root: Path) -> Path:
    shutil.copytree(REPO / "content", root / "content")
    return root


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _state() -> dict[str, object]:
    return {"pid": os.getpid(), "enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}


def _spy(monkeypatch: pytest.MonkeyPatch, module: object, name: str, folder: Path
         ) -> Callable[[], list[dict[str, object]]]:
    """Replaces `module.name` by a function that writes the collector's state of the
    process it runs in (a worker's, inherited at fork), then calls the real one."""
    real = getattr(module, name)
    folder.mkdir()

    def spy(*args: object, **kwargs: object) -> object:
        state = _state()
        (folder / f"{os.getpid()}-{len(list(folder.iterdir()))}.json").write_text(
            json.dumps(state), encoding="utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    return lambda: [json.loads(f.read_text(encoding="utf-8")) for f in folder.iterdir()]


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Small projects rendered and converted on worker processes, as 10,000 events are."""
    monkeypatch.setattr(shards, "PARALLEL_FROM", 2)
    monkeypatch.setattr(markdown, "PARALLEL_FROM", 2)
    assert gc.isenabled()
    yield
    gc.enable()


def test_a_build_pauses_the_collector_and_its_workers_run_it_on_their_own_objects(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: None) -> None:
    root = _real_content(tmp_path / "p")
    planned = _spy(monkeypatch, pipeline, "site_plan", tmp_path / "plan")
    rendered = _spy(monkeypatch, shards, "_render", tmp_path / "render")
    converted = _spy(monkeypatch, markdown, "MarkdownConverter", tmp_path / "convert")
    frozen = gc.get_freeze_count()
    report = build(root, workers=2)
    assert report.rendered == report.files > report.events > 0
    assert gc.isenabled(), "the collector is running again after the build"
    (parent,) = planned()
    assert parent["pid"] == os.getpid()
    assert not parent["enabled"], "the collector walks the whole heap during the build"
    workers = [s for s in converted() if s["pid"] != os.getpid()]
    for name, states in (("render", rendered()), ("Markdown", workers)):
        assert states, f"no {name} worker ran"
        for state in states:
            assert state["pid"] != os.getpid()
            assert state["enabled"], f"a {name} worker never collects its garbage"
            assert state["frozen"], f"a {name} worker's collections walk the parent's heap"
    assert gc.get_freeze_count() == frozen, "the parent's heap was frozen for good"


def test_a_failed_build_leaves_the_collector_running(
        tmp_path: Path, parallel: None) -> None:
    root = _real_content(tmp_path / "p")
    build(root, workers=2)
    site = _tree(root / "site")
    event = sorted((root / "content/events").glob("*.yaml"))[0]
    event.write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentErrors):
        build(root, workers=2)
    assert gc.isenabled()
    assert _tree(root / "site") == site


def test_serve_leaves_the_collector_to_its_tidy(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Serve's process lives on: a build pausing its collector would leave garbage
    uncollected whenever saves come faster than the tidy after them."""
    root = _real_content(tmp_path / "p")
    planned = _spy(monkeypatch, pipeline, "site_plan", tmp_path / "plan")
    build(root, workers=1, memory=Memory(), output=root / ".frise-cache" / "preview")
    (state,) = planned()
    assert state["enabled"]
