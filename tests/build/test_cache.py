"""`.frise-cache/` (build/cache.py): what one build keeps for the next. Each cache
gives back what was saved; a damaged, foreign or old one is ignored, never trusted,
and a project where nothing can be saved still builds."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.build import cache
from generator.content import loader
from generator.content.loader import NodeStore, load_project
from generator.content.validate import validate

ProjectFactory = Callable[..., Path]

V1 = "1" * 32
V2 = "2" * 32
KNOWN = {f"Text *{i}* « cité »": f"<p>Text <em>{i}</em> « cité »</p>" for i in range(200)}
EVENTS = {f"content/events/e{i}.yaml": f"title: Event {i}\ndate: 20{i:02d}\nsummary: S.\n"
          for i in range(5)}


def shard_files(root: Path, prefix: str) -> list[Path]:
    (folder,) = (root / cache.FOLDER).glob(f"{prefix}-*")
    return sorted(folder.glob(f"*.{cache.TEXTS}" if prefix == "markup" else "*.json"))


def entries(file: Path) -> dict[str, object]:
    if file.suffix == f".{cache.TEXTS}":
        return dict(cache._read_texts(file))
    data: dict[str, object] = json.loads(file.read_bytes().partition(b"\n")[2])
    return data


def stamp(files: list[Path]) -> dict[str, tuple[int, int]]:
    return {f.name: (f.stat().st_ino, f.stat().st_mtime_ns) for f in files}


# --- converted Markdown -----------------------------------------------------------------

def test_converted_markdown_comes_back_as_saved(tmp_path: Path) -> None:
    assert cache.load(tmp_path) == {}
    cache.save(tmp_path, KNOWN, set())
    assert cache.load(tmp_path) == KNOWN
    assert (tmp_path / cache.FOLDER / ".gitignore").read_text(encoding="utf-8") == "*\n"


def test_the_cache_keeps_only_the_last_builds_texts(tmp_path: Path) -> None:
    cache.save(tmp_path, KNOWN, set())
    kept = dict(list(KNOWN.items())[:3])
    cache.save(tmp_path, kept, set(KNOWN))
    assert cache.load(tmp_path) == kept


def test_a_damaged_shard_is_skipped_whole_and_the_others_kept(tmp_path: Path) -> None:
    cache.save(tmp_path, KNOWN, set())
    files = shard_files(tmp_path, "markup")
    assert len(files) > 10, "the entries are spread over many small files"
    damaged = files[0]
    lost = entries(damaged)
    assert lost
    data = damaged.read_bytes()
    for text in (data.replace(b"<em>", b"<EM>", 1),  # one byte changed, lengths right
                 b"", b"\x00\xff not even text", data[: len(data) // 2]):
        damaged.write_bytes(text)
        assert cache.load(tmp_path) == {k: v for k, v in KNOWN.items() if k not in lost}


def _texts_file(lengths: object, text: str) -> bytes:
    """A shard of texts with the right digest, whatever its lengths say."""
    rest = json.dumps(lengths).encode() + b"\n" + text.encode()
    return hashlib.blake2b(rest, digest_size=16).hexdigest().encode() + b"\n" + rest


def test_a_shard_not_written_by_frise_is_ignored(tmp_path: Path) -> None:
    cache.save(tmp_path, KNOWN, set())
    files = shard_files(tmp_path, "markup")
    key = "a text"
    files[0].write_text(f'[{len(key)},18]\n{key}<script>x</script>', encoding="utf-8")
    found = cache.load(tmp_path)  # well formed, without frise's digest
    assert key not in found
    # the right digest, but lengths that do not add up, or are not lengths: dropped
    for lengths in ([len(key), 99], [len(key)], [len(key), -1, 0, 19], {"a": 1}, [1.5, 17.5]):
        files[1].write_bytes(_texts_file(lengths, key + "<script>x</script>"))
        assert key not in cache.load(tmp_path)
    files[1].write_bytes(_texts_file([len(key), 18], key + "<script>x</script>"))
    assert cache.load(tmp_path)[key] == "<script>x</script>"  # as read: sanitised on use


def test_a_cache_of_other_settings_is_not_read_and_goes_at_the_next_save(
        tmp_path: Path) -> None:
    """Another Markdown or sanitiser writes under another name: its HTML is never used."""
    cache.save(tmp_path, KNOWN, set())
    (mine,) = (tmp_path / cache.FOLDER).glob("markup-*")
    old = mine.with_name("markup-0123456789abcdef")
    mine.rename(old)
    assert cache.load(tmp_path) == {}
    cache.save(tmp_path, {"new": "<p>new</p>"}, set())
    assert not old.exists()
    assert cache.load(tmp_path) == {"new": "<p>new</p>"}


def test_a_save_rewrites_only_the_shards_whose_texts_changed(tmp_path: Path) -> None:
    cache.save(tmp_path, KNOWN, set())
    before = stamp(shard_files(tmp_path, "markup"))
    cache.save(tmp_path, {**KNOWN, "one more": "<p>one more</p>"}, set(KNOWN))
    after = stamp(shard_files(tmp_path, "markup"))
    changed = {name for name in after if after[name] != before.get(name)}
    assert len(changed) == 1
    assert "one more" in entries(shard_files(tmp_path, "markup")[
        [f.name for f in shard_files(tmp_path, "markup")].index(changed.pop())])
    cache.save(tmp_path, KNOWN | {"one more": "<p>one more</p>"},
               set(KNOWN) | {"one more"})
    assert stamp(shard_files(tmp_path, "markup")) == after, "nothing changed: nothing written"


# --- parsed files -----------------------------------------------------------------------

def test_parsed_files_come_back_and_are_not_parsed_again(project: ProjectFactory) -> None:
    root = project(EVENTS)
    first = NodeStore()
    raw = load_project(root, first)
    assert first.parsed == len(EVENTS) + 1  # and site.yaml
    cache.save_nodes(root, V1, first)
    again = cache.load_nodes(root, V1)
    raw_again = load_project(root, again)
    assert again.parsed == 0
    assert validate(raw_again) == validate(raw)


def test_only_an_edited_file_is_parsed_again(project: ProjectFactory) -> None:
    root = project(EVENTS)
    store = NodeStore()
    load_project(root, store)
    cache.save_nodes(root, V1, store)
    (root / "content/events/e3.yaml").write_text(
        "title: Edited\ndate: 2003\nsummary: S.\n", encoding="utf-8")
    again = cache.load_nodes(root, V1)
    timeline = validate(load_project(root, again))
    assert again.parsed == 1
    assert [e.title for e in timeline.events if e.id == "e3"] == ["Edited"]


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The content files read from now on, by name."""
    read: list[str] = []
    real = loader.read_bytes

    def counted(file: str | Path, display: str) -> bytes:
        read.append(os.path.basename(file))
        return real(file, display)

    monkeypatch.setattr(loader, "read_bytes", counted)
    return read


def test_in_one_process_a_settled_file_is_not_read_again(
        project: ProjectFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """`frise serve`: a file whose identity is settled (times older than SETTLED_NS) and
    unchanged is taken without being read; an edited one is read."""
    root = project(EVENTS)
    monkeypatch.setattr(loader, "SETTLED_NS", 0)  # the files just written are settled
    store = NodeStore()
    load_project(root, store)
    read = _reads(monkeypatch)
    store = store.next_build()
    (root / "content/events/e3.yaml").write_text(
        "title: Edited\ndate: 2003\nsummary: S.\n", encoding="utf-8")
    timeline = validate(load_project(root, store))
    assert read == ["e3.yaml"]
    assert [e.title for e in timeline.events if e.id == "e3"] == ["Edited"]


def test_a_file_saved_within_the_clock_tick_is_read_again(
        project: ProjectFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file saved twice within the file system's clock tick may keep its identity
    (times and size): one whose times are that recent is read again on every build."""
    root = project(EVENTS)
    now = time.time_ns()
    monkeypatch.setattr(loader, "_identity", lambda file: (1, 2, 3, now, now))
    store = NodeStore()
    load_project(root, store)
    e3 = root / "content/events/e3.yaml"
    e3.write_text(e3.read_text(encoding="utf-8").replace("Event 3", "Xvent 3"), encoding="utf-8")
    timeline = validate(load_project(root, store.next_build()))
    assert [e.title for e in timeline.events if e.id == "e3"] == ["Xvent 3"]


def test_parsed_files_of_another_version_are_not_used(project: ProjectFactory) -> None:
    root = project(EVENTS)
    store = NodeStore()
    load_project(root, store)
    cache.save_nodes(root, V1, store)
    other = cache.load_nodes(root, V2)
    load_project(root, other)
    assert other.parsed == len(EVENTS) + 1
    cache.save_nodes(root, V2, other)
    assert [p.name for p in (root / cache.FOLDER).glob("nodes-*")] == [f"nodes-{V2[:16]}"]


def test_damaged_parsed_files_are_parsed_again(project: ProjectFactory) -> None:
    root = project(EVENTS)
    store = NodeStore()
    expected = validate(load_project(root, store))
    cache.save_nodes(root, V1, store)
    for shard in shard_files(root, "nodes"):  # the right digest, nodes of another shape
        text = json.dumps({k: [1, 2, "x", [3]] for k in entries(shard)}).encode()
        shard.write_bytes(hashlib.blake2b(text, digest_size=16).hexdigest().encode()
                          + b"\n" + text)
    again = cache.load_nodes(root, V1)
    assert validate(load_project(root, again)) == expected
    assert again.parsed == len(EVENTS) + 1


# --- the manifest of the current site ---------------------------------------------------

@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path, dict[str, tuple[str, cache.Stat]]]:
    """A project with a written site and the manifest of its two files."""
    output = tmp_path / "site"
    (output / "events" / "a").mkdir(parents=True)
    pages: dict[str, tuple[str, cache.Stat]] = {}
    for path, text in (("index.html", "<p>index</p>"), ("events/a/index.html", "<p>a</p>")):
        (output / path).write_text(text, encoding="utf-8")
        identity = cache.file_stat(output / path)
        assert identity is not None
        pages[path] = (hashlib.sha256(text.encode()).hexdigest()[:32], identity)
    cache.save_manifest(tmp_path, output, V1, pages, SPANS)
    return tmp_path, output, pages


SPANS: cache.Spans = {"index.html": (("e" * 32, 3, 8),)}
NOTHING: tuple[dict[str, object], dict[str, object]] = ({}, {})


def test_the_manifest_comes_back_as_saved(
        site: tuple[Path, Path, dict[str, tuple[str, cache.Stat]]]) -> None:
    root, output, pages = site
    assert cache.load_manifest(root, output, V1) == (pages, SPANS)
    assert cache.load_manifest(root, root / "public", V1) == NOTHING, "one manifest per folder"
    cache.forget_manifest(root, output)
    assert cache.load_manifest(root, output, V1) == NOTHING


def test_a_manifest_of_another_version_is_ignored(
        site: tuple[Path, Path, dict[str, tuple[str, cache.Stat]]]) -> None:
    root, output, _ = site
    assert cache.load_manifest(root, output, V2) == NOTHING


@pytest.mark.parametrize("damage", [
    lambda text: text[:-5],
    lambda text: "",
    lambda text: "[]",
    lambda text: text.replace(f'"format":{cache.MANIFEST_FORMAT}', '"format":1'),
    lambda text: text.replace('"pages":{', '"pages":{"x":"not a list",'),
    lambda text: text.replace('"pages":{', '"pages":{"x":["fp",1,2,3],'),
    lambda text: text.replace('"pages":{', '"pages":{"x":["fp",1,2,3,"4"],'),
    lambda text: text.replace('"pages":{', '"pages":{"x":[7,1,2,3,4],'),
    lambda text: text.replace('"spans":{', '"spans":{"gone.json":[],'),
    lambda text: text.replace(',3,8]', ',8,3]'),
    lambda text: text.replace(',3,8]', ',"3",8]'),
    lambda text: text.replace(',3,8]', ',3]'),
], ids=["cut", "empty", "a-list", "other-format", "not-a-list", "short", "text-stat",
        "number-fingerprint", "spans-of-no-page", "backward-span", "text-offset",
        "short-span"])
def test_a_damaged_manifest_is_ignored_whole(
        site: tuple[Path, Path, dict[str, tuple[str, cache.Stat]]],
        damage: Callable[[str], str]) -> None:
    root, output, _ = site
    (manifest,) = (root / cache.FOLDER).glob("pages-*.json")
    text = manifest.read_text(encoding="utf-8")
    assert damage(text) != text
    manifest.write_text(damage(text), encoding="utf-8")
    assert cache.load_manifest(root, output, V1) == NOTHING


def test_file_stat_names_regular_files_only(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<p>x</p>", encoding="utf-8")
    identity = cache.file_stat(page)
    assert identity is not None and identity[2] == len("<p>x</p>")
    (tmp_path / "link.html").symlink_to(page)
    assert cache.file_stat(tmp_path / "link.html") is None
    assert cache.file_stat(tmp_path) is None
    assert cache.file_stat(tmp_path / "missing.html") is None
    replaced = tmp_path / "new.html"
    replaced.write_text("<p>y</p>", encoding="utf-8")
    replaced.replace(page)
    assert cache.file_stat(page) != identity, "a file put in its place is another file"


# --- where nothing can be saved ---------------------------------------------------------

def test_a_cache_that_cannot_be_written_costs_only_time(project: ProjectFactory) -> None:
    root = project(EVENTS)
    (root / cache.FOLDER).write_text("a file where the folder should be\n", encoding="utf-8")
    store = NodeStore()
    load_project(root, store)
    cache.save(root, KNOWN, set())
    cache.save_nodes(root, V1, store)
    cache.save_manifest(root, root / "site", V1, {"index.html": ("f" * 32, (1, 2, 3, 4))}, {})
    cache.forget_manifest(root, root / "site")
    assert cache.load(root) == {}
    assert cache.load_manifest(root, root / "site", V1) == NOTHING
    assert cache.load_nodes(root, V1).read == set()
