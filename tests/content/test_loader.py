"""The YAML loader: values stay as typed, every refusal is located at line:col."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from generator.content.loader import Mapping, Scalar, Sequence, decode, load_project, parse_yaml
from generator.errors import ContentErrors


def errors(text: str | bytes, path: str = "content/events/x.yaml") -> list[str]:
    """The error lines the loader reports for one file ([] when it loads)."""
    try:
        parse_yaml(decode(text, path) if isinstance(text, bytes) else text, path)
    except ContentErrors as exc:
        return [str(e) for e in exc.errors]
    return []


def value(text: str, key: str = "v") -> Scalar:
    root = parse_yaml(text, "f.yaml")
    assert isinstance(root, Mapping)
    node = root.entries[key]
    assert isinstance(node, Scalar)
    return node


@pytest.mark.parametrize("typed", [
    "no", "yes", "on", "off", "true", "False", "012", "0755", "0o17", "0x1F", "12:30",
    "1_000", "2016", "2023-02-30", "2023-03-29", "2023-03-29 10:00:00", ".inf", "-.inf",
    ".nan", "1e3", "+12", "3.0",
])
def test_scalars_stay_the_text_the_editor_typed(typed: str) -> None:
    scalar = value(f"v: {typed}\n")
    assert scalar.value == typed
    assert scalar.plain


def test_quoted_scalars_are_marked_as_quoted() -> None:
    assert not value('v: "no"\n').plain
    assert not value("v: 'no'\n").plain
    assert value('v: "no"\n').value == "no"


def test_nulls_are_recognised_only_unquoted() -> None:
    assert value("v: ~\n").is_null
    assert value("v:\n").is_null
    assert value("v: null\n").is_null
    assert not value('v: "null"\n').is_null


def test_every_value_keeps_its_line_and_column() -> None:
    root = parse_yaml("title: A\ntags:\n  - one\n  - two\nsummary: >-\n  text\n", "f.yaml")
    assert isinstance(root, Mapping)
    assert str(root.keys["tags"].loc) == "f.yaml:2:1"
    tags = root.entries["tags"]
    assert isinstance(tags, Sequence)
    assert [str(i.loc) for i in tags.items] == ["f.yaml:3:5", "f.yaml:4:5"]
    assert str(root.entries["title"].loc) == "f.yaml:1:8"


@pytest.mark.parametrize("text", ["title: A\r\ndate: 2023\r\ntitle: B\r\n",
                                  "title: A\ndate: 2023\ntitle: B\n"])
def test_windows_line_endings_keep_the_same_lines(text: str) -> None:
    assert errors(text)[0].startswith("content/events/x.yaml:3:1: error: duplicate key")


def test_keys_keep_source_order() -> None:
    root = parse_yaml("b: 1\na: 2\nc: 3\n", "f.yaml")
    assert isinstance(root, Mapping)
    assert list(root.entries) == ["b", "a", "c"]


def test_duplicate_keys_are_refused_where_the_second_is() -> None:
    assert errors("title: A\ndate: 2023\ntitle: B\n") == [
        "content/events/x.yaml:3:1: error: duplicate key 'title' (first written at line 1); "
        "YAML would silently keep only the last one"
    ]


def test_duplicate_keys_in_nested_mappings() -> None:
    found = errors("sources:\n  - url: https://a.org\n    url: https://b.org\n")
    assert found and found[0].startswith("content/events/x.yaml:3:5: error: duplicate key 'url'")


def test_anchors_and_aliases_are_refused() -> None:
    found = errors("title: &t A title\nsummary: *t\n")
    assert found[0].startswith("content/events/x.yaml:1:8: error: YAML anchors ('&t')")
    assert found[1].startswith("content/events/x.yaml:2:10: error: YAML aliases ('*t')")


def test_merge_keys_are_not_applied() -> None:
    """`<<` is YAML 1.1's merge: without anchors it is just an (unknown) key."""
    root = parse_yaml("a:\n  <<: {x: 1}\n", "f.yaml")
    assert isinstance(root, Mapping)
    inner = root.entries["a"]
    assert isinstance(inner, Mapping) and "<<" in inner.entries


@pytest.mark.parametrize(("text", "col"), [
    ("title: !!str 2023\n", 8),
    ("title: !!python/object:os.system x\n", 8),
    ("title: !!python/object/apply:os.system ['ls']\n", 8),
    ("title: !custom x\n", 8),
    ("tags: !!seq [a]\n", 7),
    ("!!map\ntitle: x\n", 1),
])
def test_explicit_tags_are_refused(text: str, col: int) -> None:
    found = errors(text)
    assert len(found) == 1
    assert found[0].startswith(f"content/events/x.yaml:{1}:{col}: error: YAML tags")
    assert "remove the tag" in found[0]


def test_tag_is_shown_as_written() -> None:
    found = errors("title: !!str 2023\n")
    assert "'!!str'" in found[0]


def test_utf8_bom_is_fine() -> None:
    text = decode("\ufefftitle: Café\n".encode(), "f.yaml")
    assert text == "title: Café\n"
    assert value(text, "title").value == "Café"


def test_latin1_bytes_are_refused_at_their_line_and_column() -> None:
    data = b"title: ok\nsummary: caf" + b"\xe9\n"
    assert errors(data) == [
        "content/events/x.yaml:2:13: error: not UTF-8: byte 0xe9 cannot be decoded; "
        "save the file as UTF-8"
    ]


def test_bad_byte_column_counts_characters_not_bytes() -> None:
    data = "title: Été ".encode() + b"\xe9\n"
    assert errors(data)[0].startswith("content/events/x.yaml:1:12: error: not UTF-8")


def test_text_is_normalised_to_nfc() -> None:
    decomposed = "title: Cafe\u0301\n"
    assert value(decomposed, "title").value == "Café"


def test_multiple_documents_are_refused() -> None:
    assert errors("title: A\n---\ntitle: B\n") == [
        "content/events/x.yaml:2:1: error: a file holds one YAML document; "
        "remove the '---' and what follows"
    ]


def test_one_document_with_explicit_markers_is_fine() -> None:
    assert errors("---\ntitle: A\n...\n") == []


@pytest.mark.parametrize(("text", "where", "fix"), [
    ("title: A\n summary: B\n", "2:2", "this line is indented more than the key above it"),
    ("tags: [a, b\nsummary: x\n", "1:7", "the '[' opened here is not closed: end it with ']'"),
    ("title: 'unclosed\n", "1:8", "the quote ' opened here is never closed"),
    ('title: "open\ndate: 2023\nsummary: "x"\n', "1:8",
     'the quote " opened here is closed only on line 3'),
    ("title: A\n\tsummary: B\n", "2:1", "tabs are not allowed in YAML: indent with spaces"),
    ("title: A\nsummary: \"bad \\q escape\"\n", "2:15", "double it (\\\\), or put the "
     "value in single quotes"),
    ("title: Gallant: visite\n", "1:15", "put the whole value in quotes, e.g. "
     'title: "Gallant: visite"; the line reads: title: Gallant: visite'),
    ("title: @home\n", "1:8", "a value cannot begin with '@'"),
    ('title: "A" B\n', "1:12", "text after the closing quote"),
    ("title: A\ndate 2023\n", "2:1", "this line is not 'key: value'"),
    ("tags:\n  - a\n - b\n", "3:2", "the items of one list, and the keys of one mapping, "
     "start in the same column"),
])
def test_yaml_syntax_errors_are_located_and_taught(text: str, where: str, fix: str) -> None:
    found = errors(text)
    assert len(found) == 1
    assert found[0].startswith(f"content/events/x.yaml:{where}: error: ")
    assert fix in found[0]
    assert "YAML syntax" not in found[0] and "could not find" not in found[0]


def test_non_string_keys_are_refused() -> None:
    assert errors("? [a, b]\n: 1\n")[0].endswith("a key must be plain text, not a list or mapping")


def test_empty_file_is_none() -> None:
    assert parse_yaml("", "f.yaml") is None
    assert parse_yaml("# only a comment\n", "f.yaml") is None


ProjectFactory = Callable[..., Path]


def test_load_project_reads_events_in_sorted_order_whatever_the_file_system(
        project: ProjectFactory) -> None:
    files = {f"content/events/{name}.yaml": "title: x\n" for name in ("c", "a", "b", "a-1")}
    raw = load_project(project(files))
    assert [event_id for event_id, _ in raw.events] == ["a-1", "a", "b", "c"]  # by file name
    assert raw.errors == []


def test_load_project_skips_hidden_backup_and_other_files(project: ProjectFactory) -> None:
    root = project({
        "content/events/a.yaml": "title: x\n",
        "content/events/b.yml": "title: y\n",
        "content/events/.hidden.yaml": "title: [\n",
        "content/events/a.yaml~": "title: [\n",
        "content/events/.#a.yaml": "title: [\n",
        "content/events/#a.yaml#": "title: [\n",
        "content/events/.a.yaml.swp": "title: [\n",
    })
    raw = load_project(root)
    assert [event_id for event_id, _ in raw.events] == ["a", "b"]
    assert raw.errors == []


@pytest.mark.parametrize(("path", "fix"), [
    ("content/events/2023/b.yaml", "event files must lie directly in content/events/, not in a "
     "subfolder: move it to content/events/b.yaml"),
    ("content/events/b.YAML", "the extension '.YAML' is not read: rename the file 'b.yaml'"),
    ("content/events/b.md", "only .yaml files are read in content/events/: rename it 'b.yaml' "
     "if it is an event, or move it out of content/"),
    ("content/tag.yaml", "'tag.yaml' is not read: rename it 'tags.yaml'"),
    ("content/Actors.yml", "'Actors.yml' is not read: rename it 'actors.yaml'"),
    ("content/event/b.yaml", "folder 'event' is not read: content/ holds events/, sources/ "
     "and site.yaml, actors.yaml, tags.yaml, sources.yaml; rename it 'events'"),
])
def test_no_content_file_is_skipped_in_silence(project: ProjectFactory, path: str,
                                               fix: str) -> None:
    root = project({"content/events/a.yaml": "title: x\n", path: "title: y\n"})
    raw = load_project(root)
    assert [event_id for event_id, _ in raw.events] == ["a"]
    shown = path if not path.startswith("content/event/") else "content/event"
    assert [str(e) for e in raw.errors] == [f"{shown}:1:1: error: {fix}"]


def test_load_project_collects_errors_of_every_file(project: ProjectFactory) -> None:
    root = project({
        "content/events/a.yaml": "title: [\n",
        "content/events/b.yaml": "title: A\ntitle: B\n",
        "content/actors.yaml": "x: &a 1\n",
    })
    raw = load_project(root)
    paths = sorted({e.location.path for e in raw.errors if e.location})
    assert paths == ["content/actors.yaml", "content/events/a.yaml", "content/events/b.yaml"]


def test_load_project_reads_source_texts(project: ProjectFactory) -> None:
    root = project({"content/sources/deep/a.txt": "\ufeffSome text.\n"})
    raw = load_project(root)
    assert raw.texts == {"sources/deep/a.txt": "Some text.\n"}


def test_source_text_in_latin1_is_located(project: ProjectFactory) -> None:
    root = project({"content/sources/a.txt": b"line one\ncaf\xe9\n"})
    raw = load_project(root)
    assert [str(e) for e in raw.errors] == [
        "content/sources/a.txt:2:4: error: not UTF-8: byte 0xe9 cannot be decoded; "
        "save the file as UTF-8"
    ]


def test_symlink_out_of_content_is_refused(project: ProjectFactory, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("password\n")
    root = project()
    (root / "content" / "sources").mkdir()
    (root / "content" / "sources" / "leak.txt").symlink_to(secret)
    raw = load_project(root)
    assert raw.texts == {}
    assert [str(e) for e in raw.errors] == [
        "content/sources/leak.txt:1:1: error: symbolic link leads outside content/; refused"
    ]


def test_oversized_file_is_refused_before_parsing(project: ProjectFactory) -> None:
    root = project({"content/events/big.yaml": "title: " + "x" * 1_100_000 + "\n"})
    raw = load_project(root)
    assert len(raw.errors) == 1
    assert "limit is 1,000,000" in str(raw.errors[0])
