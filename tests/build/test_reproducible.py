"""Same content, same bytes: across runs, folders, caches, time zones, locales and hash
seeds. `SOURCE_DATE_EPOCH` is the only clock. Drafts appear in no file of the site.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "good-en"
DRAFT_ID = "secret"
DRAFT_TITLE = "A draft event"


def copy_fixture(target: Path, reverse: bool = False) -> Path:
    """A copy of the fixture's content; `reverse` writes the files in the opposite order,
    so that a file system listing them by creation order would list them differently."""
    files = sorted(p for p in (FIXTURE / "content").rglob("*") if p.is_file())
    for file in reversed(files) if reverse else files:
        dest = target / "content" / file.relative_to(FIXTURE / "content")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, dest)
    return target


def build(project: Path, *args: str, **env: str) -> dict[str, bytes]:
    """Builds in a fresh process with the given environment; every file of the site."""
    environ = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    environ.update(env)
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "-q", "-C", str(project), *args],
        cwd=REPO, env=environ, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted(site.rglob("*")) if p.is_file()}


def differing(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return build(copy_fixture(tmp_path_factory.mktemp("ref") / "one"))


def test_a_second_build_gives_the_same_bytes(tmp_path: Path,
                                             reference: dict[str, bytes]) -> None:
    project = copy_fixture(tmp_path / "p")
    first = build(project)           # cold Markdown cache
    second = build(project)          # warm cache
    assert differing(first, second) == []
    assert differing(first, reference) == []  # and another folder gives the same


def test_the_machine_does_not_show_in_the_site(tmp_path: Path,
                                               reference: dict[str, bytes]) -> None:
    """Another folder name, file creation order, time zone, locale and hash seed."""
    project = copy_fixture(tmp_path / "somewhere else entirely", reverse=True)
    other = build(project, TZ="Pacific/Kiritimati", LANG="fr_FR.UTF-8", LC_ALL="fr_FR.UTF-8",
                  PYTHONHASHSEED="12345")
    assert differing(other, reference) == []
    for rel, data in other.items():
        assert str(tmp_path).encode() not in data, rel
        assert b"somewhere else" not in data, rel


def test_no_clock_without_source_date_epoch(reference: dict[str, bytes]) -> None:
    today = dt.datetime.now(dt.timezone.utc)
    stamps = {f"{today:%Y-%m-%d}".encode(), f"{today - dt.timedelta(days=1):%Y-%m-%d}".encode()}
    for rel, data in reference.items():
        for stamp in stamps:
            assert stamp not in data, f"{rel} holds today's date"


def test_source_date_epoch_is_the_only_clock(tmp_path: Path,
                                             reference: dict[str, bytes]) -> None:
    project = copy_fixture(tmp_path / "p")
    first = build(project, SOURCE_DATE_EPOCH="1700000000")
    again = build(project, SOURCE_DATE_EPOCH="1700000000", TZ="Asia/Tokyo")
    assert differing(first, again) == []
    later = build(project, SOURCE_DATE_EPOCH="1800000000")
    changed = differing(first, later)
    assert changed, "SOURCE_DATE_EPOCH is not used anywhere"
    for rel in changed:  # only the files that carry a build date, and only that date
        assert b"2023-11-14" in first[rel], rel
        assert first[rel].replace(b"2023-11-14T22:13:20Z", b"2027-01-15T08:00:00Z").replace(
            b"2023-11-14", b"2027-01-15") == later[rel], rel
    assert not set(changed) - {"feed.xml", "sitemap.xml"}, changed
    assert set(first) == set(reference) | ({"sitemap.xml", "robots.txt"} & set(first))


def test_drafts_appear_in_no_file(reference: dict[str, bytes], tmp_path: Path) -> None:
    assert (FIXTURE / "content" / "events" / f"{DRAFT_ID}.yaml").is_file()
    assert not any(rel.startswith(f"events/{DRAFT_ID}/") for rel in reference)
    for rel, data in reference.items():  # pages, feed, JSON, CSV, sitemap, hidden files
        assert DRAFT_TITLE.encode() not in data, rel
        assert f"/{DRAFT_ID}".encode() not in data and f'"{DRAFT_ID}"'.encode() not in data, rel
        assert b"1999-12-31" not in data and b"1999-12" not in data, rel
    # the check can fail: with --drafts the same search finds it
    with_drafts = build(copy_fixture(tmp_path / "p"), "--drafts")
    assert f"events/{DRAFT_ID}/index.html" in with_drafts
    assert any(DRAFT_TITLE.encode() in data for data in with_drafts.values())


def test_a_draft_keeps_its_tags_actors_and_sources_private(tmp_path: Path) -> None:
    """A tag, actor or source used only by a draft gets no page and no mention."""
    project = copy_fixture(tmp_path / "p")
    content = project / "content"
    with (content / "tags.yaml").open("a", encoding="utf-8") as tags:
        tags.write("embargo:\n  label: Embargoed label\n")
    with (content / "actors.yaml").open("a", encoding="utf-8") as actors:
        actors.write("mole:\n  name: Hidden Mole\n  kind: person\n")
    (content / "events" / f"{DRAFT_ID}.yaml").write_text(
        f"title: {DRAFT_TITLE}\ndate: 1999-12-31\nsummary: Not published yet.\n"
        "tags: [embargo]\nactors: [mole]\ndraft: true\nsources:\n"
        "  - url: https://example.org/leak\n    title: Leaked memo\n", encoding="utf-8")
    site = build(project)
    for rel, data in site.items():
        for secret in (b"embargo", b"Embargoed", b"mole", b"Hidden Mole", b"Leaked memo",
                       b"example.org/leak", DRAFT_TITLE.encode()):
            assert secret not in data, (rel, secret)
    assert not any(rel.startswith(("tags/embargo/", "actors/mole/")) for rel in site)
