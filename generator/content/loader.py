"""Reads the project's YAML into nodes that remember where each value was written.

YAML's own typing is never applied: every scalar stays the text the editor typed
(`no`, `0755`, `12:30`, `2023-02-30` included) until the schema reads it. Duplicate
keys, anchors, aliases and explicit tags are refused with their location, because
each silently changes what the editor meant.
"""

from __future__ import annotations

import difflib
import enum
import hashlib
import os
import re
import time
import unicodedata
from collections.abc import Callable, Iterator
from collections.abc import Mapping as AbcMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import yaml

from .. import heap
from ..errors import Collector, ContentErrors, FriseError, SourceLocation
from .yaml_errors import LOADER, explain

MAX_FILE_BYTES = 1_000_000
"""Largest YAML or source-text file read, checked before parsing (a guard against bombs)."""

NULLS = frozenset({"", "~", "null", "Null", "NULL"})
MAX_DEPTH = 20
"""Deepest nesting of lists and mappings read; content needs four levels at most."""
_YAML_TAG = "tag:yaml.org,2002:"
"""How libyaml spells the `!!` shorthand; shown back as `!!` to the editor."""


T = TypeVar("T")


class _Located:
    """A node's place in its file; the SourceLocation is made only when asked for, since
    a project has hundreds of thousands of nodes and few of them are ever in an error."""

    __slots__ = ("path", "line", "col")

    def __init__(self, path: str, line: int, col: int) -> None:
        self.path = path
        self.line = line
        self.col = col

    @property
    def loc(self) -> SourceLocation:
        return SourceLocation(self.path, self.line, self.col)


class Scalar(_Located):
    """A scalar exactly as written; `plain` is False when the editor quoted it.

    `verbatim_col` is the column of the value's first character when it is written as is
    on one line (no escapes, no folding): errors inside the value can then point at
    their character.
    """

    __slots__ = ("value", "plain", "verbatim_col")

    def __init__(self, value: str, path: str, line: int, col: int, plain: bool = True,
                 verbatim_col: int | None = None) -> None:
        self.value = value
        self.path = path
        self.line = line
        self.col = col
        self.plain = plain
        self.verbatim_col = verbatim_col

    @property
    def is_null(self) -> bool:
        return self.plain and self.value in NULLS


class Mapping(_Located):
    """A mapping in source order; `keys` keeps the key nodes for their locations."""

    __slots__ = ("entries", "keys")

    def __init__(self, entries: dict[str, Node], keys: dict[str, Scalar], path: str,
                 line: int, col: int) -> None:
        self.entries = entries
        self.keys = keys
        self.path = path
        self.line = line
        self.col = col


class Sequence(_Located):
    __slots__ = ("items",)

    def __init__(self, items: tuple[Node, ...], path: str, line: int, col: int) -> None:
        self.items = items
        self.path = path
        self.line = line
        self.col = col


Node = Scalar | Mapping | Sequence


class Settled(_Located):
    """An event file whose bytes an earlier build validated, with the same tags, actors,
    sources and source texts (`NodeStore.validated`): left undecoded, since validation
    takes its event from what that build kept (`validate.Checked.stored`), by `key`."""

    __slots__ = ("key",)

    def __init__(self, key: str, path: str) -> None:
        self.key = key
        self.path = path
        self.line = 1
        self.col = 1


@dataclass(slots=True)
class RawProject:
    """Everything read from `content/`, before any of it is interpreted."""

    root: Path
    site: Node | None = None
    events: list[tuple[str, Node | Settled]] = field(default_factory=list)
    """(event id, document) in sorted file order."""
    refers: str = ""
    """With a store: the digest of what an event may refer to, the bytes of tags.yaml,
    actors.yaml and sources.yaml and the source texts (see `Settled`)."""
    keys: dict[str, str] = field(default_factory=dict)
    """With a store: each event file's key (`refers`, path and digest of its bytes), by
    its path as shown."""
    actors: Node | None = None
    tags: Node | None = None
    sources: Node | None = None
    texts: dict[str, str] = field(default_factory=dict)
    """Source texts by their path relative to `content/`, e.g. `sources/article.txt`."""
    errors: list[FriseError] = field(default_factory=list)


class _Mark(Protocol):
    """What a libyaml or pure-Python mark has in common."""

    line: int
    column: int


def _mark(path: str, mark: _Mark | None) -> SourceLocation:
    if mark is None:
        return SourceLocation(path)
    return SourceLocation(path, mark.line + 1, mark.column + 1)


def _nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


class _Builder:
    """Turns libyaml's event stream into nodes, collecting every refusal on the way.

    This loop runs once per value of every file: it dispatches on the event's exact
    type and makes locations only for errors, which keeps it near libyaml's own speed.
    """

    def __init__(self, path: str, events: Iterator[yaml.Event]) -> None:
        self.path = path
        self.events = events
        self.errors = Collector()

    def _check_props(self, event: yaml.NodeEvent, what: str, loc: SourceLocation) -> None:
        if event.anchor is not None:
            self.errors.add(
                f"YAML anchors ('&{event.anchor}') are not allowed: write the {what} out in full",
                loc,
            )
        tag = getattr(event, "tag", None)
        if tag is not None and not (isinstance(event, yaml.ScalarEvent) and tag == "!"):
            shown = "!!" + tag[len(_YAML_TAG):] if tag.startswith(_YAML_TAG) else tag
            self.errors.add(f"YAML tags ('{shown}') are not allowed: remove the tag", loc)

    def node(self, event: yaml.Event, depth: int = 0) -> Node:
        kind = type(event)
        start: _Mark = event.start_mark  # type: ignore[assignment] # libyaml always marks
        line, col = start.line + 1, start.column + 1
        if kind is _SCALAR:
            scalar: yaml.ScalarEvent = event  # type: ignore[assignment]
            if scalar.anchor is not None or scalar.tag is not None:
                self._check_props(scalar, "value", SourceLocation(self.path, line, col))
            end: _Mark = event.end_mark  # type: ignore[assignment]
            value = scalar.value
            style = scalar.style
            quoted = 1 if style in ("'", '"') else 0
            verbatim = (start.line == end.line
                        and end.column - start.column - 2 * quoted == len(value))
            if not value.isascii() and not unicodedata.is_normalized("NFC", value):
                value = unicodedata.normalize("NFC", value)
            return Scalar(value, self.path, line, col, not style,
                          col + quoted if verbatim else None)
        if kind is _MAPPING_START or kind is _SEQUENCE_START:
            collection: yaml.CollectionStartEvent = event  # type: ignore[assignment]
            if depth >= MAX_DEPTH:
                self.errors.add(
                    f"lists and mappings are nested more than {MAX_DEPTH} levels deep",
                    SourceLocation(self.path, line, col))
                # Stop here: reading on would only meet the parser's own, version-dependent
                # limit.
                raise ContentErrors(self.errors.errors)
            what = "mapping" if kind is _MAPPING_START else "list"
            if collection.anchor is not None or collection.tag is not None:
                self._check_props(collection, what, SourceLocation(self.path, line, col))
            if kind is _SEQUENCE_START:
                return self._sequence(line, col, depth)
            return self._mapping(line, col, depth)
        if kind is _ALIAS:
            self.errors.add(
                f"YAML aliases ('*{event.anchor}') are not allowed: "  # type: ignore[attr-defined]
                "write the value out in full", SourceLocation(self.path, line, col))
            return Scalar("", self.path, line, col)
        raise AssertionError(f"unexpected YAML event {event!r}")  # pragma: no cover

    def _sequence(self, line: int, col: int, depth: int) -> Sequence:
        items: list[Node] = []
        for child in self.events:
            if type(child) is _SEQUENCE_END:
                break
            items.append(self.node(child, depth + 1))
        return Sequence(tuple(items), self.path, line, col)

    def _mapping(self, line: int, col: int, depth: int) -> Mapping:
        entries: dict[str, Node] = {}
        keys: dict[str, Scalar] = {}
        events = self.events
        for key_event in events:
            if type(key_event) is _MAPPING_END:
                break
            key = self.node(key_event, depth + 1)
            value = self.node(next(events), depth + 1)
            if not isinstance(key, Scalar):
                self.errors.add("a key must be plain text, not a list or mapping", key.loc)
                continue
            if key.value in keys:
                first = keys[key.value]
                self.errors.add(
                    f"duplicate key '{key.value}' (first written at line {first.line}); "
                    "YAML would silently keep only the last one",
                    key.loc,
                )
                continue
            keys[key.value] = key
            entries[key.value] = value
        return Mapping(entries, keys, self.path, line, col)


_SCALAR = yaml.ScalarEvent
_ALIAS = yaml.AliasEvent
_MAPPING_START, _MAPPING_END = yaml.MappingStartEvent, yaml.MappingEndEvent
_SEQUENCE_START, _SEQUENCE_END = yaml.SequenceStartEvent, yaml.SequenceEndEvent


_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters YAML forbids anywhere in a file; libyaml reports them by byte offset only."""
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def locate(text: str, index: int, path: str) -> SourceLocation:
    """The line and column (counted in characters, as libyaml does) of `text[index]`."""
    line, start = 1, 0
    for brk in _BREAK.finditer(text, 0, index):
        line, start = line + 1, brk.end()
    return SourceLocation(path, line, index - start + 1)


def _check_characters(text: str, path: str) -> None:
    bad = _NOT_YAML.search(text)
    if bad is None:
        return
    char = bad.group()
    hint = " (NUL bytes: is the file UTF-16? save it as UTF-8)" if char == "\x00" else ""
    raise ContentErrors([FriseError(
        f"control character U+{ord(char):04X} is not allowed in a YAML file; remove it{hint}",
        locate(text, bad.start(), path))])


def parse_yaml(text: str, path: str) -> Node | None:
    """Parses one YAML document into nodes; None for an empty file.

    Raises ContentErrors with every located problem of the file.
    """
    _check_characters(text, path)
    events = iter(yaml.parse(text, Loader=LOADER))
    builder = _Builder(path, events)
    root: Node | None = None
    try:
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                if root is not None:
                    builder.errors.add(
                        "a file holds one YAML document; remove the '---' and what follows",
                        _mark(path, event.start_mark),
                    )
                    break
                first = next(events)
                if not isinstance(first, yaml.DocumentEndEvent):
                    root = builder.node(first)
                    next(events)  # DocumentEndEvent
                else:
                    root = None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if "nesting depth" in problem:  # some libyaml builds stop deep nesting themselves
            raise ContentErrors([FriseError(
                f"lists and mappings are nested more than {MAX_DEPTH} levels deep",
                _mark(path, mark))]) from None
        raise ContentErrors([explain(exc, text, path)]) from None
    except yaml.YAMLError as exc:  # reader errors carry no mark
        raise ContentErrors([FriseError(f"YAML: {exc}", SourceLocation(path))]) from None
    builder.errors.raise_if_any()
    return root


def decode(data: bytes, path: str) -> str:
    """UTF-8 (with or without BOM) to text; a bad byte is reported with its line and column."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ContentErrors([FriseError("the file is UTF-16; save it as UTF-8",
                                        SourceLocation(path))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        col = len(before[line_start:].decode("utf-8-sig" if line_start == 0 else "utf-8")) + 1
        raise ContentErrors(
            [
                FriseError(
                    f"not UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded; "
                    "save the file as UTF-8",
                    SourceLocation(path, line, col),
                )
            ]
        ) from None
    return _nfc(text)


def read_bytes(file: str | Path, display: str) -> bytes:
    """Reads a content file, refusing oversized files before reading them."""
    size = os.stat(file).st_size
    if size > MAX_FILE_BYTES:
        raise ContentErrors(
            [
                FriseError(
                    f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
                    SourceLocation(display),
                )
            ]
        )
    with open(file, "rb") as f:
        return f.read()


def read_text(file: str | Path, display: str) -> str:
    """Reads a content file as text (UTF-8, NFC)."""
    return decode(read_bytes(file, display), display)


def event_key(refers: str, path: str, digest: str) -> str:
    """Names an event file by everything its validation reads (`RawProject.keys`)."""
    return f"{refers}\0{path}\0{digest}"


def load_file(file: str | Path, display: str, store: NodeStore | None = None,
              refers: str | None = None) -> Node | Settled | None:
    """One YAML file's nodes; taken from `store` when the same bytes were parsed before,
    without reading them when the file's identity is the one a build recorded with
    their digest (`NodeStore.identities`). For an event file (`refers`, see
    `RawProject.refers`) that an earlier build validated, `Settled`."""
    if store is None:
        return parse_yaml(decode(read_bytes(file, display), display), display)
    identity = _identity(file)  # before reading it
    known = store.identities.get(display)
    data = None
    if known is not None and known[0] == identity and store.holds(display, known[1]):
        digest = known[1]
    else:
        data = read_bytes(file, display)
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    store.digests[display] = digest
    if identity is not None and (data is None or settled(identity)):
        store.identified[display] = (identity, digest)
    if refers is not None:
        done = store.settle(display, digest, event_key(refers, display, digest))
        if done is not None:
            return done
    node = store.get(display, digest)
    if node is None:
        if data is None:  # the nodes its identity named are lost (a damaged cache)
            data = read_bytes(file, display)
            digest = store.digests[display] = hashlib.blake2b(data, digest_size=16).hexdigest()
            store.identified.pop(display, None)
        node = parse_yaml(decode(data, display), display)
        if node is not None:
            store.put(display, digest, node)
    return node


CONTENT_FILES = ("site.yaml", "actors.yaml", "tags.yaml", "sources.yaml")
CONTENT_FOLDERS = ("events", "sources")
_LEFTOVER = re.compile(r"^(\..*|.*~|#.*#|4913)$")
"""Hidden files, editors' backups and locks (`.x.swp`, `x~`, `#x#`, `.#x`, Vim's `4913`)."""


def is_leftover(name: str) -> bool:
    """True for the files the documented rule ignores: hidden files and editors' leftovers."""
    return bool(_LEFTOVER.match(name))


def listing(folder: Path) -> list[os.DirEntry[str]]:
    """A folder's entries, sorted by name, leftovers left out: one pass, each entry's
    type coming with the listing, not asked of the system again for each of the
    thousands of files of a project."""
    if not folder.is_dir():
        return []
    with os.scandir(folder) as entries:
        return sorted((e for e in entries if not is_leftover(e.name)), key=lambda e: e.name)


def stray_files(content: Path, rel: Callable[[Path], str],
                events: list[os.DirEntry[str]]) -> list[FriseError]:
    """Every file or folder of content/ that frise would otherwise skip without a word,
    each with what to do: no event goes missing from the site in silence. `events` is
    the listing of content/events/."""
    errors = []

    def stray(path: Path, message: str) -> None:
        errors.append(FriseError(message, SourceLocation(rel(path))))

    for entry in sorted(content.iterdir()):
        name = entry.name
        if is_leftover(name) or name in CONTENT_FILES or name in CONTENT_FOLDERS:
            continue
        if entry.is_dir():
            hint = difflib.get_close_matches(name.casefold(), CONTENT_FOLDERS, 1)
            stray(entry, f"folder '{name}' is not read: content/ holds "
                  f"{', '.join(f'{f}/' for f in CONTENT_FOLDERS)} and "
                  f"{', '.join(CONTENT_FILES)}"
                  + (f"; rename it '{hint[0]}'" if hint else "; move it out of content/"))
            continue
        fixed = (Path(name).stem + ".yaml").casefold()
        hint = difflib.get_close_matches(fixed, CONTENT_FILES, 1, 0.8)
        stray(entry, f"'{name}' is not read"
              + (f": rename it '{hint[0]}'" if hint else
                 f": content/ holds {', '.join(CONTENT_FILES)} and the folders "
                 f"{', '.join(f'{f}/' for f in CONTENT_FOLDERS)}; move it"))
    folder = content / "events"
    for item in events:
        if item.name.endswith((".yaml", ".yml")) and not item.is_dir(follow_symlinks=False):
            continue  # an event file (no leftover starts with a dot): no Path for each
        entry = folder / item.name
        suffix = entry.suffix
        if item.is_dir(follow_symlinks=False):
            for file in sorted(entry.rglob("*")):
                parts = file.relative_to(folder).parts
                if file.is_file() and not any(is_leftover(part) for part in parts):
                    stray(file, "event files must lie directly in content/events/, not in "
                          f"a subfolder: move it to content/events/{file.name}")
        elif suffix in (".yaml", ".yml"):
            continue
        elif suffix.casefold() in (".yaml", ".yml"):
            stray(entry, f"the extension '{suffix}' is not read: rename the file "
                  f"'{entry.stem}.yaml'")
        else:
            stray(entry, "only .yaml files are read in content/events/: rename it "
                  f"'{entry.stem}.yaml' if it is an event, or move it out of content/")
    return errors


Encoded = list[object]
"""A node as one flat JSON-ready list, in prefix order: `value, line, col, plain,
verbatim_col` for a scalar (its value, a string, comes first), `_LIST, line, col, n`
and then its n items for a list, `_MAPPING, line, col, n` and then n keys (encoded as
scalars), each followed by its value, for a mapping. JSON reads a flat list several
times faster than nested ones, and it leaves the cycle collector one object to walk
per file instead of one per value."""
_LIST, _MAPPING = 0, 1


def encode(node: Node) -> Encoded:
    """A node as one flat list, for the cache of parsed files."""
    out: Encoded = []
    _encode(node, out)
    return out


def _encode(node: Node, out: Encoded) -> None:
    if isinstance(node, Scalar):
        out += (node.value, node.line, node.col, node.plain, node.verbatim_col)
    elif isinstance(node, Sequence):
        out += (_LIST, node.line, node.col, len(node.items))
        for item in node.items:
            _encode(item, out)
    else:
        out += (_MAPPING, node.line, node.col, len(node.entries))
        for name, value in node.entries.items():
            _encode(node.keys[name], out)
            _encode(value, out)


def decode_node(data: Any, path: str) -> Node:
    """The node `encode` wrote. The caller makes sure the data is what `encode` wrote
    (the cache checks a digest of each file); anything else raises ValueError,
    TypeError or IndexError, never gives a wrong node silently."""
    node, end = _decode(data, 0, path)
    if end != len(data):
        raise ValueError("more than one node")
    return node


def _decode(data: Any, i: int, path: str) -> tuple[Node, int]:
    """The node encoded from `data[i]` on, and the index after it."""
    first = data[i]
    if first.__class__ is str:
        line, col, plain, verbatim = data[i + 1:i + 5]
        return Scalar(first, path, int(line), int(col), plain is True,
                      None if verbatim is None else int(verbatim)), i + 5
    kind, line, col, size = data[i:i + 4]
    i += 4
    if kind == _LIST:
        items = []
        for _ in range(size):
            item, i = _decode(data, i, path)
            items.append(item)
        return Sequence(tuple(items), path, int(line), int(col)), i
    if kind != _MAPPING:
        raise ValueError("not a node")
    entries: dict[str, Node] = {}
    keys: dict[str, Scalar] = {}
    for _ in range(size):
        key, i = _decode(data, i, path)
        if not isinstance(key, Scalar) or key.value in keys:
            raise ValueError("not a mapping")
        keys[key.value] = key
        entries[key.value], i = _decode(data, i, path)
    return Mapping(entries, keys, path, int(line), int(col)), i


Identity = tuple[int, int, int, int, int]
"""A file's device, inode, size, and modification and change times in ns."""

SETTLED_NS = 2_000_000_000
"""How old a file's modification time must be for its identity to name its bytes. A
file saved again within the file system's clock tick (2 s on FAT) may keep its times
and size: only older times are trusted, as Git trusts its index."""


def _identity(file: str | Path) -> Identity | None:
    try:
        st = os.stat(file)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def settled(identity: Identity) -> bool:
    """Whether a later change to the file must change its identity (see SETTLED_NS)."""
    return max(identity[3], identity[4]) < time.time_ns() - SETTLED_NS


class Kept(enum.Enum):
    """The type of `KEPT`, so that it is a type of its own, as a sentinel should be."""

    KEPT = "kept"


KEPT = Kept.KEPT
"""An entry of `NodeStore.used` whose encoded nodes are to be kept as the store found
them: a settled file's, which this build never decoded."""


class NodeStore:
    """Files parsed by earlier builds, by path and digest of their bytes, so that a
    rebuild parses only the files that changed. `frise serve` keeps one in memory; the
    command line keeps its encoded form in `.frise-cache/` (see cache.py). Nodes depend
    on nothing but the file's bytes and path, so a hit is exactly what parsing gives.
    """

    def __init__(self, encoded: AbcMapping[str, Encoded] | None = None,
                 identities: dict[str, tuple[Identity, str]] | None = None) -> None:
        self._nodes: dict[str, Node] = {}
        self._encoded = encoded or {}
        """Encoded nodes by `path\0digest`: the command line's may read each of its
        shards only when one of its entries is first asked for (cache.py)."""
        self.read = set(self._encoded)
        """The keys the store started with (to rewrite only what changed)."""
        self.used: dict[str, Node | Encoded | Kept] = {}
        """The entries this build asked for or added, to keep for the next."""
        self.identities: dict[str, tuple[Identity, str]] = identities or {}
        """The digest of the bytes of each file whose identity was settled when a build
        read it, by path (kept in memory by serve, in `.frise-cache/` by the command
        line). A file with that identity is not read again, as Git trusts its index."""
        self.identified: dict[str, tuple[Identity, str]] = {}
        """The identities this build found, for the next."""
        self.digests: dict[str, str] = {}
        """The digest of the bytes of each file this build read, by its path as shown."""
        self.validated: frozenset[str] = frozenset()
        """Keys of event files (`RawProject.keys`) an earlier build validated: such a
        file, still encoded here, is handed to validation as `Settled`, not decoded."""

    def settle(self, path: str, digest: str, key: str) -> Settled | None:
        """The file as `Settled` when its key was validated and its nodes are here to
        keep for the next build (left where they are: `KEPT`); None when it must be
        decoded."""
        entry = f"{path}\0{digest}"
        if key not in self.validated or entry not in self._encoded:
            return None
        self.used[entry] = KEPT
        return Settled(key, path)

    def holds(self, path: str, digest: str) -> bool:
        """Whether the nodes of these bytes of the file are here (or should be: a
        damaged cache may lack what it names, which `get` finds)."""
        key = f"{path}\0{digest}"
        return key in self._nodes or key in self._encoded

    def get(self, path: str, digest: str) -> Node | None:
        key = f"{path}\0{digest}"
        node = self._nodes.get(key)
        encoded = self.encoded(key) if node is None else None
        if encoded is not None:
            try:
                node = decode_node(encoded, path)
            except (ValueError, TypeError, IndexError):
                node = None
        if node is not None:
            self.used[key] = node
        return node

    def encoded(self, key: str) -> Encoded | None:
        """The encoded nodes the store started with under `key`, if it holds them."""
        return self._encoded.get(key)  # None too when the cache's shard lacks it

    def put(self, path: str, digest: str, node: Node) -> None:
        self.used[f"{path}\0{digest}"] = node
        self.parsed += 1

    parsed = 0
    """Files this build parsed because the store did not hold their bytes."""

    def next_build(self) -> NodeStore:
        """A store holding what this build used, for the next build in this process."""
        store = NodeStore()
        store._nodes = {k: v for k, v in self.used.items()
                        if v is not KEPT and not isinstance(v, list)}
        store.identities = self.identified
        return store


class _Inside:
    """Whether a file really lies inside a folder, links followed; each folder on the
    way is resolved once, not once per file (a project has thousands of files)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()
        self.parents: dict[str, bool] = {}
        """By the folder's path as a string: a Path made and hashed for each file costs
        more than the rest of the check."""

    def __call__(self, path: str | Path, link: bool | None = None) -> bool:
        """`link`: whether `path` is a symbolic link, when the caller knows it already."""
        try:
            parent = os.path.dirname(path)
            inside = self.parents.get(parent)
            if inside is None:
                inside = self.parents[parent] = Path(parent).resolve().is_relative_to(
                    self.folder)
            if not (os.path.islink(path) if link is None else link):
                return inside
            return Path(path).resolve().is_relative_to(self.folder)
        except (ValueError, OSError):
            return False


def _refers(texts: dict[str, str], digests: list[str]) -> str:
    """`RawProject.refers`: the digests of actors.yaml, tags.yaml and sources.yaml ('' for
    a file that is not there, '-' for one that could not be read), and the texts."""
    h = hashlib.blake2b(digest_size=16)
    h.update(repr(digests).encode())
    for path, text in sorted(texts.items()):
        h.update(f"{path}\0{len(text)}\0".encode() + text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


@heap.collector_paused()
def load_project(root: Path, store: NodeStore | None = None) -> RawProject:
    """Reads every content file of the project, in sorted order, collecting all problems.

    With a `store`, a file whose bytes were parsed before is not parsed again.
    """
    content = root / "content"
    raw = RawProject(root=root)
    inside = _Inside(content)

    def rel(p: Path) -> str:
        return p.relative_to(root).as_posix()

    def read(file: Path | str, parse: Callable[[Path | str, str], T],
             link: bool | None = None, display: str | None = None) -> T | None:
        """One file read by `parse`, or None with its problems collected; `link` and
        `display` (the path shown) may come from a caller who knows them already."""
        display = display or rel(Path(file))
        if not inside(file, link):  # the file, or a folder on its way, is a link out
            raw.errors.append(
                FriseError("symbolic link leads outside content/; refused", SourceLocation(display))
            )
            return None
        try:
            return parse(file, display)
        except ContentErrors as exc:
            raw.errors.extend(exc.errors)
        except OSError as exc:
            raw.errors.append(FriseError(f"cannot read: {exc.strerror}", SourceLocation(display)))
        return None

    def yaml_file(file: Path | str, display: str) -> Node | None:
        node = load_file(file, display, store)
        assert not isinstance(node, Settled)
        return node

    def event_file(file: Path | str, display: str) -> Node | Settled | None:
        return load_file(file, display, store, raw.refers if store is not None else None)

    if not content.is_dir():
        raw.errors.append(
            FriseError("no content/ folder here: is this a frise project?",
                       SourceLocation("content"))
        )
        return raw
    site = content / "site.yaml"
    if site.is_file():
        raw.site = read(site, yaml_file)
    else:
        raw.errors.append(
            FriseError("content/site.yaml is missing", SourceLocation("content/site.yaml"))
        )
    optional = {name: content / f"{name}.yaml" for name in ("actors", "tags", "sources")}
    raw.actors, raw.tags, raw.sources = (
        read(file, yaml_file) if file.is_file() else None for file in optional.values()
    )
    texts_dir = content / "sources"
    if texts_dir.is_dir():
        for file in sorted(texts_dir.rglob("*")):
            if not file.is_file() or file.name.startswith("."):
                continue
            text = read(file, read_text)
            if text is not None:
                raw.texts[file.relative_to(content).as_posix()] = text
    if store is not None:
        raw.refers = _refers(raw.texts, [store.digests.get(rel(file), "-")
                                         if file.is_file() else "" for file in optional.values()])
    events = listing(content / "events")
    raw.errors.extend(stray_files(content, rel, events))
    events_dir = content / "events"
    events_shown = rel(events_dir)
    for entry in events:  # paths as strings: a Path per file costs more than its stat
        stem, suffix = os.path.splitext(entry.name)
        if entry.is_dir(follow_symlinks=False) or suffix not in (".yaml", ".yml"):
            continue  # reported by stray_files
        display = f"{events_shown}/{entry.name}"
        link = entry.is_symlink()
        if link and not os.path.exists(entry.path):
            raw.errors.append(FriseError("symbolic link is broken or loops; refused",
                                         SourceLocation(display)))
            continue
        if not entry.is_file():
            continue
        known = len(raw.errors)
        node = read(entry.path, event_file, link, display)
        if node is not None:
            raw.events.append((stem, node))
            if store is not None:
                raw.keys[display] = event_key(raw.refers, display, store.digests[display])
        elif len(raw.errors) == known:  # read fine, but nothing in it
            raw.errors.append(FriseError("an event file is empty: write at least its title, "
                                         "date and summary", SourceLocation(display)))
    return raw
