"""A rebuild equals a clean build, byte for byte, after every kind of change.

A rebuild takes unchanged pages from the current site (by their fingerprint in the
manifest of `.frise-cache/`) and renders the rest across worker processes. Each test
here changes the project the way an editor or a theme author would, rebuilds, and
compares the whole output folder with a clean build of the same project into a fresh
copy (no cache, no earlier site). Rendering is forced onto several workers even for
these small projects, so that the shards are part of what is compared.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import pickle
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jinja2
import pytest

from generator.build import cache, fingerprint, shards
from generator.build.pipeline import Memory, Report, build
from generator.build.stamp import code_version
from generator.content import loader, validate
from generator.content.model import Event
from generator.errors import ContentErrors
from generator.site import exports, markdown, output, search, timeline

EVENTS = 25


def _event(i: int, title: str = "Event") -> str:
    end = f"end: {1960 + i % 30}-12\n" if i % 7 == 0 else ""
    return (f"title: {title} {i}\ndate: {1950 + i % 30}-{1 + i % 12:02d}\n{end}"
            f"summary: Summary of *event {i}*.\n"
            f"body: |\n  The story of event {i}.\n\n  - a list\n  - of two\n"
            f"tags: [t{i % 4}]\nactors: [a{i % 5}]\n"
            "sources:\n  - source: paper\n    quote: \"A sentence of the paper.\"\n")


def write_project(root: Path) -> Path:
    content = root / "content"
    (content / "events").mkdir(parents=True)
    (content / "sources").mkdir()
    (content / "site.yaml").write_text(
        "title: Incremental\nlanguage: en\ndescription: A *test* timeline.\n", encoding="utf-8")
    (content / "tags.yaml").write_text(
        "".join(f"t{i}:\n  label: Tag {i}\n" for i in range(4)), encoding="utf-8")
    (content / "actors.yaml").write_text(
        "".join(f"a{i}:\n  name: Actor {i}\n  kind: person\n" for i in range(5)),
        encoding="utf-8")
    (content / "sources.yaml").write_text(
        "paper:\n  title: The paper\n  url: https://example.org/paper\n"
        "  text: sources/paper.txt\n", encoding="utf-8")
    (content / "sources" / "paper.txt").write_text("A sentence of the paper.\n",
                                                     encoding="utf-8")
    for i in range(EVENTS):
        (content / "events" / f"event-{i:03d}.yaml").write_text(_event(i), encoding="utf-8")
    return root


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def clean_build(root: Path, tmp: Path, **options: object) -> dict[str, bytes]:
    """The site a first build of the same project gives: no cache, no earlier site."""
    fresh = tmp / "clean"
    if fresh.exists():
        shutil.rmtree(fresh)
    fresh.mkdir()
    for name in ("content", "templates"):
        if (root / name).is_dir():
            shutil.copytree(root / name, fresh / name)
    build(fresh, workers=1, **options)  # type: ignore[arg-type]
    return tree(fresh / "site")


@pytest.fixture(autouse=True)
def many_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shards even for a small project, so that the workers are tested too."""
    monkeypatch.setattr(shards, "PARALLEL_FROM", 2)
    monkeypatch.setattr(shards, "SHARD", 3)


@pytest.fixture
def built(tmp_path: Path) -> Iterator[Path]:
    root = write_project(tmp_path / "project")
    build(root, workers=3)
    yield root


def _edit(root: Path, rel: str, change: Callable[[str], str]) -> None:
    file = root / rel
    file.write_text(change(file.read_text(encoding="utf-8")), encoding="utf-8")


def _rename_tag(root: Path) -> None:
    _edit(root, "content/tags.yaml",
          lambda s: s.replace("t1:\n  label: Tag 1", "t9:\n  label: Nine"))
    for file in (root / "content" / "events").iterdir():
        _edit(root, file.relative_to(root).as_posix(), lambda s: s.replace("[t1]", "[t9]"))


def _override_template(root: Path) -> None:
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "event.html").write_text(
        '{% extends "!default/event.html" %}{% block title %}Changed · {{ super() }}'
        '{% endblock %}\n', encoding="utf-8")


CHANGES: dict[str, Callable[[Path], None]] = {
    "nothing": lambda root: None,
    "edit-one-event": lambda root: _edit(root, "content/events/event-007.yaml",
                                         lambda s: s.replace("Event 7", "A new title")),
    "delete-an-event": lambda root: (root / "content/events/event-012.yaml").unlink(),
    "add-an-event": lambda root: (root / "content/events/event-500.yaml").write_text(
        _event(500, "Added"), encoding="utf-8"),
    "rename-a-tag": _rename_tag,
    "edit-an-actor": lambda root: _edit(root, "content/actors.yaml",
                                        lambda s: s.replace("Actor 3", "Someone else")),
    "edit-site-yaml": lambda root: _edit(root, "content/site.yaml",
                                         lambda s: s.replace("Incremental", "Renamed")),
    "override-a-template": _override_template,
    "a-stray-file-in-the-site": lambda root: (root / "site/events/stray.html").write_text(
        "not frise's", encoding="utf-8"),
    "make-an-event-a-draft": lambda root: _edit(root, "content/events/event-020.yaml",
                                                lambda s: s + "draft: true\n"),
    "retitle-a-source": lambda root: _edit(root, "content/sources.yaml",
                                           lambda s: s.replace("The paper", "The journal")),
}


@pytest.mark.parametrize("change", list(CHANGES), ids=list(CHANGES))
def test_a_rebuild_after_a_change_equals_a_clean_build(
        built: Path, tmp_path: Path, change: str) -> None:
    CHANGES[change](built)
    report = build(built, workers=3)
    assert tree(built / "site") == clean_build(built, tmp_path)
    if change in ("nothing", "edit-one-event"):
        # Most pages were taken from the current site, not rendered again.
        assert report.rendered < report.files / 2, (report.rendered, report.files)


@pytest.mark.parametrize("change", list(CHANGES), ids=list(CHANGES))
def test_a_rebuild_in_serves_memory_equals_a_clean_build(
        tmp_path: Path, change: str) -> None:
    """As `frise serve` rebuilds: one Memory (parsed files, Markdown, views and cards)
    kept from build to build, through two changes in a row."""
    root = write_project(tmp_path / "project")
    memory = Memory()
    build(root, workers=1, memory=memory)
    _edit(root, "content/events/event-002.yaml", lambda s: s.replace("Event 2", "Two"))
    build(root, workers=1, memory=memory)
    CHANGES[change](root)
    report = build(root, workers=1, memory=memory)
    assert tree(root / "site") == clean_build(root, tmp_path)
    if change in ("nothing", "edit-one-event"):
        assert report.rendered < report.files / 2, (report.rendered, report.files)
        assert report.parsed == (change != "nothing")


def test_an_edited_template_of_the_rebuild_is_seen_when_edited_again(
        built: Path, tmp_path: Path) -> None:
    _override_template(built)
    build(built, workers=3)
    _edit(built, "templates/event.html", lambda s: s.replace("Changed", "Changed again"))
    build(built, workers=3)
    assert b"Changed again" in (built / "site/events/event-001/index.html").read_bytes()
    assert tree(built / "site") == clean_build(built, tmp_path)


@pytest.mark.parametrize("options", [{"base_url": "https://example.org/t/"}, {"drafts": True}],
                         ids=["base-url", "drafts"])
def test_a_rebuild_with_other_options_equals_a_clean_build(
        built: Path, tmp_path: Path, options: dict[str, object]) -> None:
    _edit(built, "content/events/event-003.yaml", lambda s: s + "draft: true\n")
    build(built, workers=3)
    build(built, workers=3, **options)  # type: ignore[arg-type]
    assert tree(built / "site") == clean_build(built, tmp_path, **options)
    build(built, workers=3)  # and back
    assert tree(built / "site") == clean_build(built, tmp_path)


def _manifest(root: Path) -> Path:
    (found,) = (root / cache.FOLDER).glob("pages-*.json")
    return found


@pytest.mark.parametrize("damage", ["corrupt", "other-version", "wrong-shape"])
def test_a_damaged_or_foreign_manifest_is_ignored(
        built: Path, tmp_path: Path, damage: str) -> None:
    manifest = _manifest(built)
    data = json.loads(manifest.read_text(encoding="utf-8"))
    # Make every recorded fingerprint a lie: a manifest that were trusted would keep
    # the old pages after this edit of the site's title, which is on every page.
    for entry in data["pages"].values():
        entry[0] = "0" * 32
    if damage == "corrupt":
        manifest.write_text(json.dumps(data)[:-20], encoding="utf-8")
    elif damage == "other-version":
        data["version"] = "another frise"
        manifest.write_text(json.dumps(data), encoding="utf-8")
    else:
        data["pages"] = {path: "not a list" for path in data["pages"]}
        manifest.write_text(json.dumps(data), encoding="utf-8")
    _edit(built, "content/site.yaml", lambda s: s.replace("Incremental", "Renamed"))
    report = build(built, workers=3)
    assert report.rendered == report.files
    assert tree(built / "site") == clean_build(built, tmp_path)


def test_a_file_changed_by_hand_in_the_site_is_rendered_again(
        built: Path, tmp_path: Path) -> None:
    page = built / "site/events/event-005/index.html"
    page.write_bytes(page.read_bytes().replace(b"Event 5", b"Hacked!"))  # same length
    build(built, workers=3)
    assert tree(built / "site") == clean_build(built, tmp_path)


def test_the_manifest_records_the_current_site(built: Path) -> None:
    data = json.loads(_manifest(built).read_text(encoding="utf-8"))
    assert data["version"] == code_version()
    assert set(data["pages"]) == set(tree(built / "site")) - {".frise-output"}


def test_the_bytes_do_not_depend_on_the_number_of_workers(tmp_path: Path) -> None:
    sites = []
    for workers in (1, 2, 5):
        root = write_project(tmp_path / f"w{workers}")
        report: Report = build(root, workers=workers)
        assert report.rendered == report.files
        sites.append(tree(root / "site"))
    assert sites[0] == sites[1] == sites[2]
    assert len(sites[0]) > EVENTS


def test_a_rebuild_parses_only_the_files_that_changed(built: Path) -> None:
    assert build(built, workers=3).parsed == 0
    _edit(built, "content/events/event-004.yaml", lambda s: s.replace("Event 4", "Four"))
    report = build(built, workers=3)
    assert report.parsed == 1
    page = (built / "site/events/event-004/index.html").read_bytes()
    assert b'<h1 id="event-h">Four</h1>' in page


@pytest.mark.parametrize("damage", ["not json", "[]", '{"a": 1}', "shapes"])
def test_a_damaged_cache_of_parsed_files_is_ignored(
        built: Path, tmp_path: Path, damage: str) -> None:
    (folder,) = (built / cache.FOLDER).glob("nodes-*")
    shards = sorted(folder.glob("*.json"))
    assert shards
    for shard in shards:
        if damage == "shapes":  # every node replaced by one of another shape, digest right
            data = json.loads(shard.read_bytes().partition(b"\n")[2])
            text = json.dumps({k: [1, 2, "x", [3]] for k in data}).encode()
            shard.write_bytes(hashlib.blake2b(text, digest_size=16).hexdigest().encode()
                              + b"\n" + text)
        else:
            shard.write_text(damage, encoding="utf-8")
    # A tag renamed: every event is read again (not taken as validated), from its nodes.
    _edit(built, "content/tags.yaml", lambda s: s.replace("Tag 1", "Tag one"))
    report = build(built, workers=3)
    assert report.parsed == EVENTS + 4  # the events, site, tags, actors and sources
    assert tree(built / "site") == clean_build(built, tmp_path)


def _nodes(root: Path) -> dict[str, object]:
    """Every entry of the cache of parsed files, as its shards hold them."""
    (folder,) = (root / cache.FOLDER).glob("nodes-*")
    found: dict[str, object] = {}
    for shard in folder.glob("*.json"):
        found.update(json.loads(shard.read_bytes().partition(b"\n")[2]))
    return found


def _shards_read(monkeypatch: pytest.MonkeyPatch, reader: str, kind: str) -> list[str]:
    """The shards of the caches named `kind*` that `cache.<reader>` reads from now on."""
    read: list[str] = []
    real = getattr(cache, reader)

    def counted(file: Path) -> Any:
        if file.parent.name.startswith(kind):
            read.append(file.name)
        return real(file)

    monkeypatch.setattr(cache, reader, counted)
    return read


def test_a_rebuild_reads_the_parsed_files_it_needs_and_keeps_the_others(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After one edit, the cache of parsed files is read one shard at a time, as its
    entries are needed: the settled files' nodes stay where they are. The cache it
    leaves holds exactly what a first build of the same content leaves."""
    monkeypatch.setattr(cache, "SHARDS", 8)  # so that a rewritten shard holds settled files
    built = write_project(tmp_path / "project")
    build(built, workers=3)
    read = _shards_read(monkeypatch, "_read_shard", "nodes-")
    _edit(built, "content/events/event-004.yaml", lambda s: s.replace("Event 4", "Four"))
    assert build(built, workers=3).parsed == 1
    # The shards of site.yaml, tags.yaml, actors.yaml and sources.yaml, always read, and
    # of the edited file's old and new entries; each once.
    assert 1 <= len(read) <= 6 and len(read) == len(set(read)), read
    assert len(list((built / cache.FOLDER).glob("nodes-*/*.json"))) == 8
    fresh = tmp_path / "fresh"
    shutil.copytree(built / "content", fresh / "content")
    build(fresh, workers=3)
    assert _nodes(built) == _nodes(fresh)


def test_a_cache_of_parsed_files_without_its_keys_is_read_whole(
        built: Path, tmp_path: Path) -> None:
    (keys,) = (built / cache.FOLDER).glob(f"nodes-*/{cache.KEYS}")
    keys.unlink()
    _edit(built, "content/events/event-004.yaml", lambda s: s.replace("Event 4", "Four"))
    assert build(built, workers=3).parsed == 1
    assert keys.is_file()
    assert tree(built / "site") == clean_build(built, tmp_path)
    keys.write_text("damaged", encoding="utf-8")
    _edit(built, "content/tags.yaml", lambda s: s.replace("Tag 1", "Tag one"))
    assert build(built, workers=3).parsed == 1  # tags.yaml; the events from their nodes
    assert tree(built / "site") == clean_build(built, tmp_path)


def _events_passed_to(monkeypatch: pytest.MonkeyPatch, module: object, name: str
                      ) -> list[str]:
    """The ids of the events `module.name(event, ...)` is called with from now on (in
    this process: the builds that use it run on one worker)."""
    called: list[str] = []
    real = getattr(module, name)

    def counted(e: Event, *args: Any) -> Any:
        called.append(e.id)
        return real(e, *args)

    monkeypatch.setattr(module, name, counted)
    return called


def test_a_rebuild_makes_only_the_edited_events_pieces_of_the_exports(
        built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The exports hold every event: after one edit, the other events' pieces are copied
    from the current site's files, not converted, typeset and encoded again."""
    made = _events_passed_to(monkeypatch, exports, "_event_entry")
    _edit(built, "content/events/event-007.yaml", lambda s: s.replace("Event 7", "Seven"))
    build(built, workers=1)
    assert made == ["event-007"]
    assert tree(built / "site") == clean_build(built, tmp_path)


def test_a_rebuild_makes_the_edited_events_row_and_words_of_the_search_index_only(
        built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The search index holds every event: after one edit, the other events' rows are
    copied from the current site's copy (their titles not typeset again), and their
    words are kept in `.frise-cache/`."""
    made = _events_passed_to(monkeypatch, search, "row")
    looked = _events_passed_to(monkeypatch, search, "_event_words")
    _edit(built, "content/events/event-007.yaml", lambda s: s.replace("Event 7", "Seven"))
    build(built, workers=1)
    assert made == ["event-007"] and looked == ["event-007"]
    index = (built / "site/assets/search-index.js").read_bytes()
    assert b'"event-007","Seven"' in index and b'"seven"' in index
    assert tree(built / "site") == clean_build(built, tmp_path)


@pytest.mark.parametrize("name", ["events.json", "timeline.json", "events.csv",
                                  "assets/search-index.js"])
def test_an_export_changed_by_hand_gives_none_of_its_pieces(
        built: Path, tmp_path: Path, name: str) -> None:
    """Pieces are copied only from the file frise wrote: one edited by hand (same
    length, so only its identity tells) is made again whole."""
    export = built / "site" / name
    export.write_bytes(export.read_bytes().replace(b"Event 5", b"Hacked!"))
    _edit(built, "content/events/event-007.yaml", lambda s: s.replace("Event 7", "Seven"))
    build(built, workers=3)
    assert b"Hacked!" not in export.read_bytes()
    assert tree(built / "site") == clean_build(built, tmp_path)


def test_a_damaged_cache_of_words_is_ignored(built: Path, tmp_path: Path) -> None:
    (folder,) = (built / cache.FOLDER).glob("words-*")
    shards = sorted(folder.glob(f"*.{cache.TEXTS}"))
    assert shards
    for shard in shards:  # every event's words replaced, but the digests left as they were
        digest = shard.read_bytes().partition(b"\n")[0]
        right = cache._texts_shard(dict.fromkeys(cache._read_texts(shard), "wrong"))
        shard.write_bytes(digest + b"\n" + right.partition(b"\n")[2])
    _edit(built, "content/events/event-007.yaml", lambda s: s.replace("Event 7", "Seven"))
    build(built, workers=3)
    assert b'"wrong"' not in (built / "site/assets/search-index.js").read_bytes()
    assert tree(built / "site") == clean_build(built, tmp_path)


def test_a_rebuild_encodes_again_only_the_words_that_moved(
        built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The search index of the last build is kept in `.frise-cache/`: after an edit,
    only the words the edited event gained or lost are encoded again."""
    encoded: list[list[int]] = []
    real = search._postings
    monkeypatch.setattr(search, "_postings",
                        lambda at, total: encoded.append(at) or real(at, total))
    _edit(built, "content/events/event-007.yaml", lambda s: s.replace("Event 7", "Seven"))
    build(built, workers=1)
    assert len(encoded) == 1, "'seven' is the one word that moved ('event' stays in the body)"
    assert tree(built / "site") == clean_build(built, tmp_path)


@pytest.mark.parametrize("damage", ["bytes", "undecodable"])
def test_a_damaged_search_index_kept_is_ignored(built: Path, tmp_path: Path,
                                                damage: str) -> None:
    (folder,) = (built / cache.FOLDER).glob("words-*")
    kept = folder / "inverted"
    digest, _, text = kept.read_bytes().partition(b"\n")
    if damage == "bytes":
        kept.write_bytes(digest + b"\n" + text.replace(b"event", b"evxnt"))
    else:  # its digest right, but the words that move have encodings frise never writes
        data = json.loads(text)
        data["encoded"] = {w: "!" for w in data["encoded"]}
        text = json.dumps(data).encode()
        kept.write_bytes(hashlib.blake2b(text, digest_size=16).hexdigest().encode()
                         + b"\n" + text)
    # 'story' leaves the event, and its encoding cannot be read: the index is made afresh
    _edit(built, "content/events/event-007.yaml", lambda s: s.replace("story", "tale"))
    build(built, workers=1)
    assert tree(built / "site") == clean_build(built, tmp_path)


def _spare(root: Path) -> Path:
    (found,) = (root / output.SPARE).iterdir()
    return found


def test_the_replaced_site_is_the_next_builds_folder(built: Path, tmp_path: Path) -> None:
    """The site a swap replaces is kept aside, and the next build rewrites it into the
    new site: the same bytes as a clean build, whatever it held."""
    _edit(built, "content/events/event-002.yaml", lambda s: s.replace("Event 2", "Two"))
    before = tree(built / "site")
    build(built, workers=3)
    assert tree(_spare(built)) == before, "the replaced site waits, whole"
    _edit(built, "content/events/event-009.yaml", lambda s: s.replace("Event 9", "Nine"))
    (built / "content/events/event-013.yaml").unlink()
    replaced = tree(built / "site")
    report = build(built, workers=3)
    assert report.rendered < report.files / 2
    assert tree(built / "site") == clean_build(built, tmp_path)
    assert tree(_spare(built)) == replaced


def test_a_rebuild_leaves_the_files_that_did_not_change_alone(built: Path) -> None:
    """After one edit, a file of the site that the spare folder already holds (the same
    inode, as its listing says) is not linked or copied again: the rebuild costs the
    few pages that changed, not the thousands that did not."""
    _edit(built, "content/events/event-002.yaml", lambda s: s.replace("Event 2", "Two"))
    build(built, workers=1)  # the spare now holds the site before this one

    def files(folder: Path) -> dict[str, tuple[int, int]]:
        return {p.relative_to(folder).as_posix(): (p.lstat().st_ino, p.lstat().st_ctime_ns)
                for p in folder.rglob("*") if p.is_file() and p.name != output.MARKER}

    site = built / "site"
    spare = files(_spare(built))
    before = files(site)
    held = [path for path, (ino, _) in before.items() if spare.get(path, (0,))[0] == ino]
    assert len(held) > len(before) / 2
    _edit(built, "content/events/event-009.yaml", lambda s: s.replace("Event 9", "Nine"))
    report = build(built, workers=1)
    after = files(site)
    touched = [path for path in held if path in after and after[path] != before[path]]
    assert len(touched) <= report.rendered, "files the spare held were linked again"
    assert all(before[path][0] != after[path][0] for path in touched), "a touched file is new"


def test_a_spare_site_damaged_by_hand_gives_a_clean_build(built: Path, tmp_path: Path) -> None:
    """Whatever stands in the spare folder is replaced or removed, never written through
    (its files may be links to the current site's) and never followed out."""
    _edit(built, "content/events/event-002.yaml", lambda s: s.replace("Event 2", "Two"))
    build(built, workers=3)
    spare = _spare(built)
    outside = tmp_path / "outside"
    (outside / "a").mkdir(parents=True)
    (outside / "a" / "index.html").write_text("not frise's", encoding="utf-8")
    shutil.rmtree(spare / "events" / "event-004")
    (spare / "events" / "event-004").symlink_to(outside / "a")  # a link out, at a page's folder
    (spare / "events" / "stray").mkdir()
    (spare / "events" / "stray" / "index.html").write_text("stray", encoding="utf-8")
    shutil.rmtree(spare / "tags")
    (spare / "tags").write_text("a file where a folder goes", encoding="utf-8")
    page = spare / "events" / "event-005" / "index.html"
    page.unlink()
    page.mkdir()  # a folder where a file goes
    (outside / "marker").write_text("not frise's", encoding="utf-8")
    (spare / output.MARKER).unlink()
    (spare / output.MARKER).symlink_to(outside / "marker")  # the marker, a link out
    site_before = tree(built / "site")
    _edit(built, "content/events/event-009.yaml", lambda s: s.replace("Event 9", "Nine"))
    build(built, workers=3)
    assert tree(built / "site") == clean_build(built, tmp_path)
    assert (outside / "a" / "index.html").read_text(encoding="utf-8") == "not frise's"
    assert (outside / "marker").read_text(encoding="utf-8") == "not frise's"
    assert tree(spare) == site_before, "the site replaced was not written through"


def _events_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the event files validation reads from now on."""
    read: list[str] = []
    real = validate._event

    def counted(schema: Any, event_id: str, *args: Any) -> Any:
        read.append(event_id)
        return real(schema, event_id, *args)

    monkeypatch.setattr(validate, "_event", counted)
    return read


KEPT = {"serve": Memory, "command line": lambda: None}
"""Where the events validation read are kept: serve's memory, or `.frise-cache/`."""


def _files_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The content files whose bytes are read from now on (event files and the others)."""
    read: list[str] = []
    real = loader.read_bytes

    def counted(file: str | Path, display: str) -> bytes:
        read.append(display)
        return real(file, display)

    monkeypatch.setattr(loader, "read_bytes", counted)
    return read


@pytest.mark.parametrize("kept", KEPT.values(), ids=KEPT.keys())
def test_a_rebuild_reads_only_the_files_whose_identity_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kept: Callable[[], Memory | None]
        ) -> None:
    """A file whose inode, size and times are those recorded with the digest of its
    bytes is not read again (as Git trusts its index); one edited in place to the same
    size, its modification time put back, is read: its change time moved."""
    monkeypatch.setattr(loader, "SETTLED_NS", -10**12)  # files this young count as settled
    root = write_project(tmp_path / "project")
    memory = kept()
    build(root, workers=1, memory=memory)
    read = _files_read(monkeypatch)
    file = root / "content/events/event-007.yaml"
    before = file.stat()
    _edit(root, "content/events/event-007.yaml", lambda s: s.replace("Event 7", "Seven 7"))
    os.utime(file, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert file.stat().st_size == before.st_size
    build(root, workers=1, memory=memory)
    assert [p for p in read if p.endswith(".yaml")] == ["content/events/event-007.yaml"]
    assert b"Seven 7" in (root / "site/events/event-007/index.html").read_bytes()
    assert tree(root / "site") == clean_build(root, tmp_path)


@pytest.mark.parametrize("damage", ["not json", "entries of another shape"])
def test_a_damaged_record_of_identities_is_ignored(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    """Identities that cannot be read, or whose entries are not an identity and a
    digest, are left out: those files are read."""
    monkeypatch.setattr(loader, "SETTLED_NS", -10**12)
    root = write_project(tmp_path / "project")
    build(root, workers=1)
    (file,) = (root / cache.FOLDER).glob(f"nodes-*/{cache.IDENTITIES}")
    if damage == "not json":
        file.write_text("{", encoding="utf-8")
    else:
        text = json.dumps({p: [1, "x"] for p in json.loads(
            file.read_bytes().partition(b"\n")[2])}).encode()
        file.write_bytes(hashlib.blake2b(text, digest_size=16).hexdigest().encode()
                         + b"\n" + text)
    read = _files_read(monkeypatch)
    _edit(root, "content/events/event-007.yaml", lambda s: s.replace("Event 7", "Seven"))
    build(root, workers=1)
    assert len([p for p in read if p.endswith(".yaml")]) == EVENTS + 4
    assert tree(root / "site") == clean_build(root, tmp_path)
    read.clear()
    build(root, workers=1)  # recorded again
    assert [p for p in read if p.endswith(".yaml")] == []


@pytest.mark.parametrize("kept", KEPT.values(), ids=KEPT.keys())
def test_a_rebuild_reads_only_the_edited_event_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kept: Callable[[], Memory | None]
        ) -> None:
    """An unchanged file's event is not read again, unless what it may refer to
    changed: then every event is, and shows the change."""
    root = write_project(tmp_path / "project")
    memory = kept()
    build(root, workers=1, memory=memory)
    read = _events_read(monkeypatch)
    _edit(root, "content/events/event-007.yaml", lambda s: s.replace("Event 7", "Seven"))
    build(root, workers=1, memory=memory)
    assert read == ["event-007"]
    read.clear()
    _edit(root, "content/sources.yaml", lambda s: s.replace("The paper", "The journal"))
    build(root, workers=1, memory=memory)
    assert len(read) == EVENTS
    assert b"The journal" in (root / "site/events/event-003/index.html").read_bytes()


@pytest.mark.parametrize("kept", KEPT.values(), ids=KEPT.keys())
def test_a_rebuild_still_checks_the_links_of_unchanged_events(
        tmp_path: Path, kept: Callable[[], Memory | None]) -> None:
    """Links run across files: an event left as it was, whose link target is deleted,
    is reported at its link, as in a fresh build."""
    root = write_project(tmp_path / "project")
    _edit(root, "content/events/event-003.yaml",
          lambda s: s.replace("The story of event 3.", "See [the next](event:event-004)."))
    memory = kept()
    build(root, workers=1, memory=memory)
    (root / "content/events/event-004.yaml").unlink()
    with pytest.raises(ContentErrors) as exc:
        build(root, workers=1, memory=memory)
    (error,) = exc.value.errors
    assert "unknown event 'event-004'" in error.message
    assert error.location is not None
    assert (error.location.path, error.location.line) == ("content/events/event-003.yaml", 5)


@pytest.mark.parametrize("kept", KEPT.values(), ids=KEPT.keys())
def test_a_tag_taken_away_is_reported_in_every_unchanged_event(
        tmp_path: Path, kept: Callable[[], Memory | None]) -> None:
    root = write_project(tmp_path / "project")
    memory = kept()
    build(root, workers=1, memory=memory)
    _edit(root, "content/tags.yaml", lambda s: s.replace("t2:\n  label: Tag 2\n", ""))
    with pytest.raises(ContentErrors) as exc:
        build(root, workers=1, memory=memory)
    where = sorted(e.location.path for e in exc.value.errors if e.location)
    assert where == [f"content/events/event-{i:03d}.yaml" for i in range(EVENTS) if i % 4 == 2]
    assert all("unknown tag 't2'" in e.message for e in exc.value.errors)


def test_the_command_line_digests_only_the_edited_event_again(
        built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The events' digests for the fingerprints are kept with the validated events."""
    digested: list[bytes] = []
    real = fingerprint._digest

    def counted(data: bytes) -> bytes:
        if data.startswith(b"Event("):
            digested.append(data)
        return real(data)

    monkeypatch.setattr(fingerprint, "_digest", counted)
    _edit(built, "content/events/event-007.yaml", lambda s: s.replace("Event 7", "Seven"))
    report = build(built, workers=1)
    assert len(digested) == 1 and b"Seven" in digested[0]
    assert report.rendered < report.files / 2


def _checked_shards(root: Path) -> list[Path]:
    (folder,) = (root / cache.FOLDER).glob("checked-*")
    return sorted(folder.glob("*.pickle"))


class _Planted:
    """Unpickling this runs code: what a cache that came with a project could hold."""

    def __reduce__(self) -> tuple[object, ...]:
        return (exec, ("import pathlib; pathlib.Path('PLANTED').write_text('ran')",))


@pytest.mark.parametrize("signature", ["none", "another key"])
def test_events_kept_under_another_signature_are_never_unpickled(
        built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signature: str) -> None:
    monkeypatch.chdir(tmp_path)
    for shard in _checked_shards(built):
        payload = pickle.dumps({"any": _Planted()})
        mac = hmac.digest(b"k" * 32, payload, "sha256") if signature != "none" else b""
        shard.write_bytes(mac + payload)
    read = _events_read(monkeypatch)
    _edit(built, "content/events/event-007.yaml", lambda s: s.replace("Event 7", "Seven"))
    build(built, workers=1)
    assert not (tmp_path / "PLANTED").exists()
    assert len(read) == EVENTS, "no event was taken from the cache"
    assert tree(built / "site") == clean_build(built, tmp_path)


def test_without_a_key_of_its_own_the_command_line_reads_every_event(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No user cache folder, or a key others may read: nothing is kept, all still builds."""
    home = tmp_path / "home"
    (home / "frise").mkdir(parents=True)
    (home / "frise" / "key").write_bytes(b"k" * 32)
    (home / "frise" / "key").chmod(0o644)
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    assert cache.signing_key() is None
    root = write_project(tmp_path / "project")
    build(root, workers=1)
    read = _events_read(monkeypatch)
    _edit(root, "content/events/event-007.yaml", lambda s: s.replace("Event 7", "Seven"))
    build(root, workers=1)
    assert len(read) == EVENTS
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a-file"))
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    assert cache.signing_key() is None
    build(root, workers=1)
    assert tree(root / "site") == clean_build(root, tmp_path)


def test_the_signing_key_is_made_once_for_the_user_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    key = cache.signing_key()
    assert key is not None and len(key) == 32
    assert cache.signing_key() == key
    assert (tmp_path / "cache" / "frise" / "key").stat().st_mode & 0o777 == 0o600


def test_serve_reads_back_a_manifest_changed_on_disk(tmp_path: Path) -> None:
    """Serve keeps the manifest it wrote instead of reading it back, only while the file
    is the one it wrote: one damaged since is read, and ignored whole."""
    root = write_project(tmp_path / "project")
    memory = Memory()
    build(root, workers=1, memory=memory)
    _edit(root, "content/events/event-002.yaml", lambda s: s.replace("Event 2", "Two"))
    report = build(root, workers=1, memory=memory)
    assert report.rendered < report.files / 2  # the manifest kept in memory was used
    memory.settle()  # as serve does once the page is served
    _manifest(root).write_text("{not json", encoding="utf-8")
    report = build(root, workers=1, memory=memory)
    assert report.rendered == report.files
    assert tree(root / "site") == clean_build(root, tmp_path)


def test_serve_records_the_manifest_once_the_site_is_served(tmp_path: Path) -> None:
    """Serve swaps the new site in and serves it before recording its manifest
    (`Memory.settle`, while the editor reads); a save before that records it first."""
    root = write_project(tmp_path / "project")
    memory = Memory()
    build(root, workers=1, memory=memory)
    assert not list((root / cache.FOLDER).glob("pages-*.json"))
    memory.settle()
    assert _manifest(root).is_file()
    for title in ("Two", "Deux"):  # the second save comes before the first was settled
        _edit(root, "content/events/event-002.yaml",
              lambda s, t=title: s.replace("title: Event 2", f"title: {t}").replace(
                  "title: Two", f"title: {t}"))
        report = build(root, workers=1, memory=memory)
        assert report.rendered < report.files / 2
    memory.settle()
    assert build(root, workers=1).rendered == 0  # the command line takes serve's site
    assert tree(root / "site") == clean_build(root, tmp_path)


def test_markdown_converted_while_validating_gives_a_clean_builds_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cold build starts converting the events' Markdown as soon as the files are read
    (`markdown.Ahead`, past PARALLEL_FROM texts); the site is the one a build that
    converts after the plan gives."""
    root = write_project(tmp_path / "ahead")
    expected = clean_build(root, tmp_path)  # 25 events: converted after the plan
    started: list[int] = []
    real = markdown.Ahead.__init__

    def spy(self: markdown.Ahead, texts: list[str]) -> None:
        started.append(len(set(texts)))
        real(self, texts)

    monkeypatch.setattr(markdown, "PARALLEL_FROM", 2)
    monkeypatch.setattr(markdown.Ahead, "__init__", spy)
    build(root, workers=2)
    assert started and started[0] >= EVENTS, "the events' texts were not converted ahead"
    assert tree(root / "site") == expected


@pytest.mark.parametrize("where", ["command line", "serve"])
def test_the_words_of_events_are_found_by_their_fingerprints(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """The words kept for the search index are named by each event's fingerprint, known
    from the plan: a rebuild hashes no event's texts to find them."""
    root = write_project(tmp_path / "project")
    memory = Memory() if where == "serve" else None
    build(root, workers=1, memory=memory)
    hashed = _events_passed_to(monkeypatch, search, "words_key")
    looked = _events_passed_to(monkeypatch, search, "_event_words")
    _edit(root, "content/events/event-007.yaml", lambda s: s.replace("Event 7", "Seven"))
    build(root, workers=1, memory=memory)
    assert hashed == [] and looked == ["event-007"]
    assert b'"seven"' in (root / "site/assets/search-index.js").read_bytes()
    assert tree(root / "site") == clean_build(root, tmp_path)


def test_serve_reads_the_search_words_from_disk_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Serve holds the events' words between saves: the words a command-line build kept
    in `.frise-cache/words-*` are read by serve's first save only, and each save looks
    for the edited event's words alone."""
    root = write_project(tmp_path / "project")
    build(root, workers=1)
    read = _shards_read(monkeypatch, "_read_texts", "words-")
    memory = Memory()
    build(root, workers=1, memory=memory)  # the site as it stands: nothing rendered
    looked = _events_passed_to(monkeypatch, search, "_event_words")
    after: list[int] = []
    for i, old, new in ((7, "Event 7", "Seven"), (7, "Seven", "Sept"), (9, "Event 9", "Nine")):
        _edit(root, f"content/events/event-{i:03d}.yaml",
              lambda s, old=old, new=new: s.replace(old, new))
        build(root, workers=1, memory=memory)
        after.append(len(read))
    assert after[0] > 0 and after == [after[0]] * 3, "read by the first save only"
    assert looked == ["event-007", "event-007", "event-009"]
    index = (root / "site/assets/search-index.js").read_bytes()
    assert b'"sept"' in index and b'"nine"' in index and b'"seven"' not in index
    assert tree(root / "site") == clean_build(root, tmp_path)


def _ranked(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Each time the related events are ranked (not taken as kept) from now on."""
    ranked: list[object] = []
    real = timeline._related_at
    monkeypatch.setattr(timeline, "_related_at",
                        lambda *args: ranked.append(args) or real(*args))
    return ranked


def test_a_rebuild_takes_the_related_events_kept_while_no_tag_or_actor_moves(
        built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ranking every event's related events takes a fifth of a second at 10,000
    events; the command line keeps the ranking for the next build, by what it is
    ranked from."""
    ranked = _ranked(monkeypatch)
    _edit(built, "content/events/event-007.yaml", lambda s: s.replace("Event 7", "Seven"))
    build(built, workers=1)
    assert ranked == []
    _edit(built, "content/events/event-007.yaml", lambda s: s.replace("[t3]", "[t0]"))
    build(built, workers=1)
    assert len(ranked) == 1
    assert tree(built / "site") == clean_build(built, tmp_path)


@pytest.mark.parametrize("damage", ["bytes", "positions"])
def test_a_damaged_ranking_kept_is_ignored(built: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    (kept,) = (built / cache.FOLDER).glob("related-*")
    digest, _, text = kept.read_bytes().partition(b"\n")
    if damage == "bytes":  # event 0's related events changed, the digest left as it was
        kept.write_bytes(digest + b"\n" + text.replace(b'"ranking":[[', b'"ranking":[[2,', 1))
    else:  # its digest right, but positions beyond the timeline
        data = json.loads(text)
        data["ranking"] = [[EVENTS + 5] for _ in data["ranking"]]
        text = json.dumps(data).encode()
        kept.write_bytes(hashlib.blake2b(text, digest_size=16).hexdigest().encode()
                         + b"\n" + text)
    ranked = _ranked(monkeypatch)
    _edit(built, "content/events/event-007.yaml", lambda s: s.replace("Event 7", "Seven"))
    build(built, workers=1)
    assert len(ranked) == 1
    assert tree(built / "site") == clean_build(built, tmp_path)


def _compiled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from their source from now on."""
    names: list[str] = []
    real = jinja2.Environment.compile

    def compile_(self: jinja2.Environment, source: Any, name: str | None = None,
                 *args: Any, **kwargs: Any) -> Any:
        names.append(str(name))
        return real(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", compile_)
    return names


def test_a_rebuild_loads_the_templates_the_last_build_compiled(
        built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Jinja compiles every template a build renders (0.08 s for the built-in theme):
    compiled once, they are kept in `.frise-cache/`, signed, for the next build."""
    compiled = _compiled(monkeypatch)
    _edit(built, "content/events/event-007.yaml", lambda s: s.replace("Event 7", "Seven"))
    build(built, workers=1)
    assert compiled == []
    _override_template(built)
    build(built, workers=1)
    assert compiled == ["event.html"]
    assert tree(built / "site") == clean_build(built, tmp_path)


@pytest.mark.parametrize("damage", ["bytes", "another key"])
def test_compiled_templates_under_another_signature_are_never_loaded(
        built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    """Loading compiled code runs it: only what the user's own key signed is loaded."""
    files = list(next((built / cache.FOLDER).glob("templates-*")).iterdir())
    assert len(files) > 3
    for file in files:
        data = file.read_bytes()
        file.write_bytes(data[:40] + bytes([data[40] ^ 1]) + data[41:] if damage == "bytes"
                         else cache._signed(b"k" * 32, data[32:]))
    compiled = _compiled(monkeypatch)
    _edit(built, "content/events/event-007.yaml", lambda s: s.replace("Event 7", "Seven"))
    build(built, workers=1)
    assert "event.html" in compiled and "base.html" in compiled
    assert tree(built / "site") == clean_build(built, tmp_path)


@pytest.mark.parametrize("stop_after", [0, 7, None])
def test_a_spare_folder_made_ready_in_part_or_whole_gives_a_clean_build(
        built: Path, tmp_path: Path, stop_after: int | None) -> None:
    """Serve links the current site into the spare folder while it waits for a save
    (`output.ready_spare`); stopped at any point, the next build's bytes are a clean
    build's."""
    _edit(built, "content/site.yaml", lambda s: s.replace("Incremental", "Renamed"))
    memory = Memory()
    build(built, workers=1, memory=memory)
    memory.settle()
    assert memory.site is not None
    folder, files = memory.site
    asked = iter(range(10**6))
    done = output.ready_spare(built, folder, files, lambda: stop_after is not None
                              and next(asked) >= stop_after)
    assert done == (stop_after is None)
    _edit(built, "content/events/event-007.yaml", lambda s: s.replace("Event 7", "Seven"))
    build(built, workers=1, memory=memory)
    assert tree(built / "site") == clean_build(built, tmp_path)


def test_the_ranking_and_templates_of_another_version_go_when_new_ones_are_kept(
        built: Path) -> None:
    """Kept under frise's version, those of an earlier version would never be read."""
    old_ranking = built / cache.FOLDER / "related-0123456789abcdef"
    old_templates = built / cache.FOLDER / "templates-0123456789abcdef"
    old_ranking.write_bytes(b"old")
    old_templates.mkdir()
    (old_templates / "t").write_bytes(b"old")
    _edit(built, "content/events/event-007.yaml", lambda s: s.replace("[t3]", "[t0]"))
    _override_template(built)
    build(built, workers=1)
    assert not old_ranking.exists() and not old_templates.exists()
    assert len(list((built / cache.FOLDER).glob("related-*"))) == 1
    assert len(list((built / cache.FOLDER).glob("templates-*"))) == 1
