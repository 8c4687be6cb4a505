"""`frise build` with nothing to do does nothing, and never misses a change.

The stamp in `.frise-cache/` holds the identity of every file the last good build read
and of every file it wrote. Each test here builds, changes one thing the way an editor,
a theme author or a publisher would, builds again from the command line, and checks
that the second build ran (and gives the bytes a clean build gives) or, when nothing
changed, that it said so and left every file of the project as it was.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.build import stamp
from generator.commands.cli import main

SITE = "title: Stamped\nlanguage: en\n"
EVENT = ("title: Event {i}\ndate: 2023-0{m}\nsummary: Summary {i}.\n"
         "sources:\n  - url: https://example.org/{i}\n    title: Source {i}\n")


@pytest.fixture
def root(project: Callable[..., Path]) -> Path:
    return project({f"content/events/e{i}.yaml": EVENT.format(i=i, m=i + 1) for i in range(3)},
                   site=SITE)


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["build", "-C", str(root), *args], catch_exceptions=False)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def identities(root: Path) -> dict[str, tuple[int, int]]:
    """Every file of the project, the cache and the site included: inode and mtime."""
    return {p.relative_to(root).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def clean(root: Path, tmp: Path, *args: str) -> dict[str, bytes]:
    fresh = tmp / "clean"
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir()
    for name in ("content", "templates"):
        if (root / name).is_dir():
            shutil.copytree(root / name, fresh / name)
    assert run(fresh, *args).exit_code == 0
    return tree(fresh / "site")


def rebuilt(result: Result) -> bool:
    assert result.exit_code == 0, result.output
    return "(nothing changed)" not in result.output


def test_a_build_with_nothing_to_do_touches_nothing(root: Path) -> None:
    assert rebuilt(run(root))
    before = identities(root)
    result = run(root)
    assert not rebuilt(result)
    assert "built 3 events," in result.output and "into " in result.output
    assert identities(root) == before  # no file written, moved or linked anew


def test_notes_are_repeated_when_nothing_changed(root: Path) -> None:
    first = run(root)
    again = run(root)
    assert "note: no base_url" in first.output and "note: no base_url" in again.output


def _same_size_edit(root: Path) -> None:
    file = root / "content" / "events" / "e1.yaml"
    file.write_text(file.read_text().replace("Summary 1.", "Summary X."))


def _override_template(root: Path) -> None:
    (root / "templates").mkdir()
    (root / "templates" / "404.html").write_text(
        '{% extends "!default/404.html" %}{% block main %}Lost{% endblock %}')


def _new_source_text(root: Path) -> None:
    (root / "content" / "events" / "e9.yaml").write_text(EVENT.format(i=9, m=9))


def _delete_event(root: Path) -> None:
    (root / "content" / "events" / "e2.yaml").unlink()


def _page_edited_by_hand(root: Path) -> None:
    page = root / "site" / "index.html"
    page.write_bytes(page.read_bytes().replace(b"Event 1", b"Event 7"))


def _page_deleted_by_hand(root: Path) -> None:
    (root / "site" / "404.html").unlink()


def _file_added_by_hand(root: Path) -> None:
    (root / "site" / "stray.txt").write_text("left here")


def _folder_added_by_hand(root: Path) -> None:
    (root / "site" / "drafts").mkdir()


def _link_added_by_hand(root: Path) -> None:
    (root / "site" / "latest.html").symlink_to("index.html")


def _damaged_stamp(root: Path) -> None:
    (root / stamp.STAMP).write_text('{"format": 1, "inputs": ')


CHANGES = {
    "an event edited, same size": _same_size_edit,
    "a template overridden": _override_template,
    "an event added": _new_source_text,
    "an event deleted": _delete_event,
    "a page edited by hand": _page_edited_by_hand,
    "a page deleted by hand": _page_deleted_by_hand,
    "a file added to the site by hand": _file_added_by_hand,
    "an empty folder added to the site by hand": _folder_added_by_hand,
    "a link added to the site by hand": _link_added_by_hand,
    "a damaged stamp": _damaged_stamp,
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_every_change_rebuilds_to_the_clean_build(root: Path, tmp_path: Path,
                                                  change: Callable[[Path], None]) -> None:
    assert rebuilt(run(root))
    change(root)
    assert rebuilt(run(root))
    assert tree(root / "site") == clean(root, tmp_path)
    assert not rebuilt(run(root))  # and the build after it has nothing to do again


@pytest.mark.parametrize("args", [("--drafts",), ("--base-url", "https://example.org/t/")])
def test_other_options_rebuild(root: Path, tmp_path: Path, args: tuple[str, ...]) -> None:
    assert rebuilt(run(root))
    assert rebuilt(run(root, *args))
    assert tree(root / "site") == clean(root, tmp_path, *args)
    assert rebuilt(run(root))  # back to the plain build: built again, not skipped


def test_source_date_epoch_rebuilds(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert rebuilt(run(root))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert rebuilt(run(root))


def test_a_file_saved_during_the_build_is_built_next_time(root: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    """The inputs are stamped as the build found them, not as they are when it ends."""
    real_save = stamp.save

    def save_after_an_edit(*args: object, **kwargs: object) -> None:
        _same_size_edit(root)  # the editor saves while the site is being written
        real_save(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(stamp, "save", save_after_an_edit)
    assert rebuilt(run(root))
    monkeypatch.setattr(stamp, "save", real_save)
    assert rebuilt(run(root))
    assert "Summary X." in (root / "site" / "events" / "e1" / "index.html").read_text()


def test_broken_content_is_never_skipped(root: Path) -> None:
    assert rebuilt(run(root))
    (root / "content" / "events" / "e0.yaml").write_text("title: [unclosed\n")
    for _ in range(2):
        result = CliRunner().invoke(main, ["build", "-C", str(root)])
        assert result.exit_code == 1 and "e0.yaml:" in result.output


def test_a_moved_project_is_checked_where_it_is(root: Path, tmp_path: Path) -> None:
    """The stamp names folders relative to the project: a copy is built, not trusted."""
    assert rebuilt(run(root))
    copy = tmp_path / "copy"
    shutil.copytree(root, copy, symlinks=True)
    assert rebuilt(run(copy))
    assert not rebuilt(run(copy))


def test_a_rebuild_walks_its_inputs_once(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The digest `unchanged` took (and found changed) is the one the build records:
    10,000 files are not walked twice."""
    assert rebuilt(run(root))
    walks: list[Path] = []
    real = stamp.inputs

    def counted(project: Path, *args: object) -> str:
        walks.append(project)
        return real(project, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(stamp, "inputs", counted)
    _same_size_edit(root)
    assert rebuilt(run(root))
    assert len(walks) == 1
    assert not rebuilt(run(root))
    assert len(walks) == 2


def test_a_digest_taken_for_another_theme_is_not_recorded(root: Path, tmp_path: Path) -> None:
    """A stamp that names another built-in theme (frise installed elsewhere since) gives
    a digest of that theme: the build takes its own."""
    from generator.build.pipeline import build

    build(root, inputs=stamp.Inputs("not the digest", tmp_path / "another-theme"))
    assert not rebuilt(run(root))
