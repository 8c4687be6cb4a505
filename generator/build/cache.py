"""What `.frise-cache/` keeps between builds, so that rebuilds redo only what changed:
parsed files, validated events and compiled templates (both signed), converted
Markdown, the search index's words, the related events, and the manifest of the pages
of the current site (with where the pieces of its exports lie).

The Markdown cache's name carries the versions and settings of the converter, so a new
Markdown or sanitiser starts a fresh cache; the others carry frise's code version.
Losing or corrupting any of them only costs time: none is ever trusted blindly.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import json
import os
import pickle
import secrets
import shutil
import stat
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TypeVar

import jinja2
import jinja2.bccache
import markdown
import nh3

from .. import heap
from ..content import loader
from ..content.dates import PartialDate
from ..content.model import Actor, Citation, Event, Note, Source, Tag
from ..errors import SourceLocation
from ..site import markdown as markup
from ..site import search
from ..site.output import Stat, file_stat, folder_key
from ..site.pieces import Span

FOLDER = ".frise-cache"
T = TypeVar("T")
MANIFEST_FORMAT = 2


SHARDS = 64
"""Each cache is split in this many JSON files, so that a rebuild after one edit
rewrites one or two small files instead of one of tens of megabytes."""


def _shard(key: str) -> int:
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % SHARDS


def _undigested(data: bytes) -> bytes | None:
    """The text of a file led by the digest of the rest (`_json_shard`); None when the
    digest is not the text's (damaged, or not written by frise)."""
    digest, _, text = data.partition(b"\n")
    return text if digest == hashlib.blake2b(text, digest_size=16).hexdigest().encode() else None


def _read_shard(file: Path) -> dict[str, object]:
    """The entries of one shard, led by the digest of the rest, so that a damaged one is
    skipped whole rather than half read; nothing when it cannot be read."""
    try:
        text = _undigested(file.read_bytes())
        if text is None:
            return {}  # damaged, or not written by frise
        shard = json.loads(text)
    except (OSError, ValueError):
        return {}
    return shard if isinstance(shard, dict) else {}


def _read_shards(folder: Path, read: Callable[[Path], dict[str, T]], suffix: str
                 ) -> dict[str, T]:
    """Every entry of a sharded cache, each shard read by `read`."""
    data: dict[str, T] = {}
    try:
        files = sorted(folder.glob(f"*.{suffix}"))
    except OSError:
        return data
    for file in files:
        data.update(read(file))
    return data


KEYS = "keys"
"""The file listing every key of a sharded cache that is read lazily (`_Lazy`)."""


class _Lazy(Mapping[str, list[object]]):
    """The entries of a sharded cache of lists (the nodes of parsed files), named by its
    file of keys, each shard read the first time one of its entries is asked for: a
    rebuild after one edit reads one shard, not all of them. An entry the keys name but
    its shard lacks or holds as anything but a list (a damaged or half-written cache)
    is simply missing."""

    def __init__(self, folder: Path, keys: set[str]) -> None:
        self.folder = folder
        self.names = keys
        self.shards: dict[int, dict[str, object]] = {}

    def __getitem__(self, key: str) -> list[object]:
        if key not in self.names:
            raise KeyError(key)
        shard = _shard(key)
        if shard not in self.shards:
            self.shards[shard] = _read_shard(self.folder / f"{shard:02d}.json")
        value = self.shards[shard][key]
        if not isinstance(value, list):
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return key in self.names

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


def _read_keys(folder: Path) -> set[str] | None:
    """The keys `_write_keys` listed, or None when there is no whole list of them."""
    try:
        text = _undigested((folder / KEYS).read_bytes())
        keys = json.loads(text) if text is not None else None
    except (OSError, ValueError):
        return None
    if not isinstance(keys, list) or not all(type(k) is str for k in keys):
        return None
    return set(keys)


def _write_keys(folder: Path, keys: Iterable[str]) -> None:
    """Lists the keys of the shards just written, led by the digest of the list."""
    _replace(folder / KEYS, _json_shard(sorted(keys)))


def _replace(file: Path, data: bytes) -> bool:
    """Writes `file` whole or not at all: a temporary file, then a rename. False when it
    cannot: a read-only project still builds; only the next build is slower."""
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp = file.with_name(f".{file.name}.{os.getpid()}")
        tmp.write_bytes(data)
        tmp.replace(file)
    except OSError:
        return False
    return True


def _json_shard(entries: object) -> bytes:
    """A shard (or a list of keys) as JSON, led by the digest of the rest (see
    `_read_shards`)."""
    text = json.dumps(entries, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(text, digest_size=16).hexdigest().encode("ascii") + b"\n" + text


TEXTS = "texts"
"""The suffix of the shards of a cache of texts by text (converted Markdown, search
words): `_texts_shard`."""


def _texts_shard(entries: Mapping[str, object]) -> bytes:
    """Texts by text as one run of their characters, led by the digest of the rest and
    by the length of each key and value: read back by slicing one decoded string, with
    no escapes to undo (JSON escapes the quotes of every converted text)."""
    texts = [t for key, value in entries.items() if isinstance(value, str)
             for t in (key, value)]
    rest = (json.dumps([len(t) for t in texts], separators=(",", ":")).encode("ascii")
            + b"\n" + "".join(texts).encode("utf-8", "surrogatepass"))
    return hashlib.blake2b(rest, digest_size=16).hexdigest().encode("ascii") + b"\n" + rest


def _read_texts(file: Path) -> dict[str, str]:
    """The entries of one `_texts_shard`; nothing when it cannot be read or is damaged."""
    try:
        data = file.read_bytes()
        digest = data.index(b"\n")
        head = data.index(b"\n", digest + 1)
        view = memoryview(data)  # no copy of the megabytes of text on the way
        if data[:digest] != hashlib.blake2b(view[digest + 1:], digest_size=16).hexdigest().encode():
            return {}  # damaged, or not written by frise
        lengths = json.loads(view[digest + 1:head].tobytes())
        text = str(view[head + 1:], "utf-8", "surrogatepass")
    except (OSError, ValueError):
        return {}
    if (not isinstance(lengths, list) or len(lengths) % 2
            or not all(type(n) is int and n >= 0 for n in lengths) or sum(lengths) != len(text)):
        return {}
    found: dict[str, str] = {}
    at = 0
    for i in range(0, len(lengths), 2):
        middle = at + lengths[i]
        end = middle + lengths[i + 1]
        found[text[at:middle]] = text[middle:end]
        at = end
    return found


def _write_shards(folder: Path, data: Mapping[str, T], before: set[str],
                  encode: Callable[[T], object] = lambda value: value,
                  dump: Callable[[dict[str, object]], bytes] = _json_shard,
                  suffix: str = "json") -> None:
    """Writes the shards whose keys differ from `before` (the keys read at the start):
    keys are content-addressed, so a shard with the same keys holds the same values.
    Only the entries of those shards are encoded, then each shard made by `dump`."""
    dirty = {_shard(k) for k in data.keys() ^ before}
    if not dirty:
        return
    groups: dict[int, dict[str, object]] = {i: {} for i in dirty}
    for key, value in data.items():
        shard = _shard(key)
        if shard in groups:
            groups[shard][key] = encode(value)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder.parent / ".gitignore").write_text("*\n", encoding="utf-8")
        _drop_others(folder)
        for shard, entries in sorted(groups.items()):
            file = folder / f"{shard:02d}.{suffix}"
            if not entries:
                file.unlink(missing_ok=True)
            elif not _replace(file, dump(entries)):
                return
    except OSError:
        pass  # a read-only project still builds; only the next build is slower


def _drop_others(kept: Path) -> None:
    """Removes the caches beside `kept` of the same kind (`<kind>-<version>`) but of
    other versions or settings: left by an earlier frise, they would never be read."""
    for stale in kept.parent.glob(f"{kept.name.split('-')[0]}-*"):
        if stale == kept:
            continue
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink()


def _markup_folder(project: Path) -> Path:
    settings = json.dumps([
        TEXTS, markdown.__version__, getattr(nh3, "__version__", ""), sorted(markup.TAGS),
        sorted((k, sorted(v)) for k, v in markup.ATTRIBUTES.items()), sorted(markup.SCHEMES),
    ])
    return project / FOLDER / f"markup-{hashlib.sha256(settings.encode()).hexdigest()[:16]}"


def load(project: Path) -> dict[str, str]:
    """The cached conversions, not yet sanitised: `MarkdownConverter` sanitises each again when it
    is first used, since the files are outside frise's control."""
    return _read_shards(_markup_folder(project), _read_texts, TEXTS)


def save(project: Path, known: dict[str, str], before: set[str]) -> None:
    """Keeps this build's conversions (and no others, so the cache never outgrows the
    content); `before` are the texts `load` found."""
    _write_shards(_markup_folder(project), known, before, dump=_texts_shard, suffix=TEXTS)


def _manifest_file(project: Path, output: Path) -> Path:
    return project / FOLDER / f"pages-{folder_key(project, output)}.json"


Spans = dict[str, tuple[Span, ...]]
"""Where each event's piece lies in the joined files of the site, by path."""


Manifest = tuple[dict[str, tuple[str, Stat]], Spans]
"""What the current site's files were made from: path → (fingerprint, file identity),
and where the pieces of its joined files lie."""


@dataclass(slots=True)
class Written:
    """The manifest this process wrote last (`frise serve`), to skip reading it back:
    taken only while the file is the very one written (same path and identity)."""

    file: Path | None = None
    version: str = ""
    identity: Stat | None = None
    manifest: Manifest = ({}, {})


def load_manifest(project: Path, output: Path, version: str, written: Written | None = None
                  ) -> Manifest:
    """What the current site's files were made from (see `Manifest`).

    A manifest that does not parse, was written by another version of frise, or holds
    anything unexpected is ignored whole: it only ever costs a full render.
    """
    file = _manifest_file(project, output)
    if (written is not None and written.file == file and written.version == version
            and written.identity is not None and written.identity == file_stat(file)):
        return written.manifest
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        if data.get("format") != MANIFEST_FORMAT or data.get("version") != version:
            return {}, {}
        pages: dict[str, tuple[str, Stat]] = {}
        for path, (fingerprint, *identity) in data["pages"].items():
            if (not isinstance(path, str) or not isinstance(fingerprint, str)
                    or len(identity) != 4 or not all(type(n) is int for n in identity)):
                return {}, {}
            pages[path] = (fingerprint, (identity[0], identity[1], identity[2], identity[3]))
        spans: Spans = {}
        for path, found in data["spans"].items():
            if path not in pages or not all(
                    type(k) is str and type(a) is int and type(b) is int and 0 <= a <= b
                    for k, a, b in found):
                return {}, {}
            spans[path] = tuple((k, a, b) for k, a, b in found)
        return pages, spans
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}, {}


def save_manifest(project: Path, output: Path, version: str,
                  pages: dict[str, tuple[str, Stat]], spans: Spans,
                  written: Written | None = None) -> None:
    """Records what each file of the site just written was made from (and in `written`,
    what was recorded)."""
    file = _manifest_file(project, output)
    kept = {path: spans[path] for path in sorted(spans) if path in pages}
    if written is not None:
        written.file = None
    try:
        file.parent.mkdir(exist_ok=True)
        (file.parent / ".gitignore").write_text("*\n", encoding="utf-8")
    except OSError:
        return  # a read-only project still builds; only the next build is slower
    if not _replace(file, json.dumps({
            "format": MANIFEST_FORMAT, "version": version,
            "pages": {path: [fp, *identity] for path, (fp, identity) in sorted(pages.items())},
            "spans": kept,
    }, separators=(",", ":")).encode("utf-8")):
        return
    if written is not None:
        written.file, written.version = file, version
        written.identity, written.manifest = file_stat(file), (pages, kept)


def forget_manifest(project: Path, output: Path) -> None:
    """Drops the manifest before the site it describes is replaced."""
    with contextlib.suppress(OSError):
        _manifest_file(project, output).unlink()


class SearchWords:
    """Each event's words for the search index, by each event's key (`search.WordsKept`).

    Kept by the process that renders the index, which may be a worker: the words are
    named by what they are made from, so saving them never harms, even in a build that
    fails later. One instance serves all of `frise serve`'s builds: it reads the words
    from disk once, then holds what its last save wrote (words the index was made in a
    worker are missing from it, and found again: never wrong, since each is named by
    what it is made from)."""

    def __init__(self, project: Path, version: str) -> None:
        self.folder = project / FOLDER / f"words-{version[:16]}"
        self.read: set[str] = set()
        self.held: dict[str, str] | None = None
        """The words as last read or saved by this instance."""

    def load(self) -> dict[str, str]:
        if self.held is None:
            self.held = _read_shards(self.folder, _read_texts, TEXTS)
            self.read = set(self.held)
        return self.held

    def save(self, words: Mapping[str, str]) -> None:
        _write_shards(self.folder, words, self.read, dump=_texts_shard, suffix=TEXTS)
        self.held = dict(words)
        self.read = set(words)

    def load_index(self) -> search.Inverted | None:
        """The search index the last build kept, while the file is whole and of the
        expected shape; None otherwise. Its encodings are decoded again as they are
        used, and one that cannot be read makes the index afresh."""
        try:
            text = _undigested((self.folder / "inverted").read_bytes())
            if text is None:
                return None
            data = json.loads(text)
            ids, keys, encoded = data["ids"], data["keys"], data["encoded"]
            if not (isinstance(ids, list) and isinstance(keys, list)
                    and isinstance(encoded, dict) and len(ids) == len(keys)
                    and all(type(x) is str for x in ids) and all(type(x) is str for x in keys)
                    and all(type(x) is str for x in encoded.values())):
                return None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return search.Inverted(tuple(ids), tuple(keys), encoded)

    def save_index(self, inverted: search.Inverted) -> None:
        """Keeps the index for the next build (see `load_index`)."""
        _replace(self.folder / "inverted", _json_shard(
            {"ids": inverted.ids, "keys": inverted.keys, "encoded": inverted.encoded}))


class Ranking:
    """The related events of each event as the last build ranked them
    (`timeline.RankingKept`): one file, led by the digest of its text, holding the digest
    of what they were ranked from. Only the command line keeps it: `frise serve` keeps
    the last ranking in memory."""

    def __init__(self, project: Path, version: str) -> None:
        self.file = project / FOLDER / f"related-{version[:16]}"

    def load(self, digest: str, size: int) -> tuple[tuple[int, ...], ...] | None:
        try:
            text = _undigested(self.file.read_bytes())
            data = json.loads(text) if text is not None else None
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("of") != digest:
            return None
        ranking = data.get("ranking")
        if not (isinstance(ranking, list) and len(ranking) == size and all(
                isinstance(at, list) and all(type(j) is int and 0 <= j < size for j in at)
                for at in ranking)):
            return None
        return tuple(tuple(at) for at in ranking)

    def save(self, digest: str, ranking: tuple[tuple[int, ...], ...]) -> None:
        if _replace(self.file, _json_shard({"of": digest, "ranking": ranking})):
            with contextlib.suppress(OSError):
                _drop_others(self.file)


def _nodes_folder(project: Path, version: str) -> Path:
    return project / FOLDER / f"nodes-{version[:16]}"


IDENTITIES = "identities"
"""The file of a nodes cache holding the identity and digest of each file last read."""


def load_nodes(project: Path, version: str) -> loader.NodeStore:
    """The files parsed by the last build, to parse only those that changed since: each
    shard is read when a file of it is first needed (`_Lazy`), or all of them at once
    when there is no list of their keys. With them, the identity of each file the last
    build read, and the digest of its bytes, so that an unchanged file is not read."""
    folder = _nodes_folder(project, version)
    keys = _read_keys(folder)
    identities = _read_identities(folder)
    if keys is None:
        return loader.NodeStore({k: v for k, v in _read_shards(folder, _read_shard, "json").items()
                                 if isinstance(v, list)}, identities)
    return loader.NodeStore(_Lazy(folder, keys), identities)


def _read_identities(folder: Path) -> dict[str, tuple[loader.Identity, str]]:
    """What `save_nodes` kept of `NodeStore.identified`; an entry of any other shape (a
    damaged or foreign file) is left out, and that file read."""
    found = _read_shard(folder / IDENTITIES)
    identities: dict[str, tuple[loader.Identity, str]] = {}
    for path, entry in found.items():
        if (isinstance(entry, list) and len(entry) == 6
                and all(type(n) is int for n in entry[:5]) and type(entry[5]) is str):
            identities[path] = ((entry[0], entry[1], entry[2], entry[3], entry[4]), entry[5])
    return identities


def save_nodes(project: Path, version: str, store: loader.NodeStore) -> None:
    """Keeps the nodes of this build's files, rewriting only the shards that changed,
    then the list of their keys, and the identities of the files read. The nodes of
    settled files (`loader.KEPT`) are read back from their shards only where a shard is
    rewritten; one that cannot be is left out, and parsed again the day it is needed."""
    folder = _nodes_folder(project, version)
    if store.identified != store.identities:
        _replace(folder / IDENTITIES, _json_shard(
            {path: [*identity, digest] for path, (identity, digest) in store.identified.items()}))
    used = store.used
    dirty = {_shard(k) for k in used.keys() ^ store.read}
    if not dirty:
        return
    data: dict[str, loader.Node | loader.Encoded | loader.Kept] = {}
    for key, value in used.items():
        if value is loader.KEPT and _shard(key) in dirty:
            found = store.encoded(key)
            if not isinstance(found, list):
                continue
            value = found
        data[key] = value

    def encode(node: loader.Node | loader.Encoded | loader.Kept) -> object:
        assert node is not loader.KEPT  # read back above in every shard rewritten
        return node if isinstance(node, list) else loader.encode(node)

    _write_shards(folder, data, store.read, encode)
    _write_keys(folder, data)


KEY = "frise/key"
"""The key that signs the events kept for the next build, under the user's cache folder
(XDG_CACHE_HOME, else ~/.cache): outside every project, readable by the user alone."""


def signing_key() -> bytes | None:
    """The user's signing key, made on first use; None where it cannot be kept (no home,
    a read-only one, a key file that is not the user's own), which only costs time."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    file = os.path.join(base, KEY)
    try:
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        try:
            os.makedirs(os.path.dirname(file), mode=0o700, exist_ok=True)
            tmp = f"{file}.{os.getpid()}"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(secrets.token_bytes(32))
            os.replace(tmp, file)
            fd = os.open(file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return None
    except OSError:
        return None
    with os.fdopen(fd, "rb") as key_file:
        st = os.fstat(key_file.fileno())
        if (not stat.S_ISREG(st.st_mode) or st.st_mode & 0o077
                or (hasattr(os, "getuid") and st.st_uid != os.getuid())):
            return None
        key = key_file.read(64)
    return key if len(key) == 32 else None


def _checked_folder(project: Path, version: str) -> Path:
    return project / FOLDER / f"checked-{version[:16]}"


Checked = dict[str, tuple[Event, tuple[tuple[str, SourceLocation], ...]]]
"""Validated events and the links they hold, by their file's key (`RawProject.keys`)."""


def _by_fields(cls: type) -> Callable[[object], tuple[type, tuple[object, ...]]]:
    names = tuple(f.name for f in fields(cls))
    return lambda value: (cls, tuple(getattr(value, name) for name in names))


_REDUCE = {cls: _by_fields(cls) for cls in (Event, Tag, Actor, Source, Citation, Note,
                                            PartialDate, SourceLocation)}
"""The model's frozen dataclasses pickled as a call of their class with their fields:
read back twice as fast as by the `__setstate__` that `slots=True` gives them."""


def _signed(key: bytes, payload: bytes) -> bytes:
    """The payload led by its HMAC-SHA256 under `key` (see `_unsigned`)."""
    return hmac.digest(key, payload, "sha256") + payload


def _unsigned(key: bytes, data: bytes) -> bytes | None:
    """The payload `_signed` wrote with `key`; None for anything else."""
    payload = data[32:]
    return payload if hmac.compare_digest(data[:32], _signed(key, payload)[:32]) else None


class _Compiled(jinja2.BytecodeCache):
    """Templates as Jinja compiled them, kept for the next build and signed like the
    validated events, since loading compiled code runs it (`compiled_templates`)."""

    def __init__(self, folder: Path, key: bytes) -> None:
        self.folder = folder
        self.key = key
        self.written = False

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            payload = _unsigned(self.key, (self.folder / bucket.key).read_bytes())
        except OSError:
            return
        if payload is not None:  # Jinja still checks its version and the source's digest
            bucket.bytecode_from_string(payload)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if (_replace(self.folder / bucket.key, _signed(self.key, bucket.bytecode_to_string()))
                and not self.written):
            self.written = True
            with contextlib.suppress(OSError):
                _drop_others(self.folder)


def compiled_templates(project: Path, version: str) -> jinja2.BytecodeCache | None:
    """Where the theme's templates, once compiled, are kept for the next build: Jinja
    compiles each template from its source in every process that renders it (0.08 s
    for the built-in theme), and loads its compiled code kept here in a hundredth of
    that. Signed with the user's key (`signing_key`); None without one."""
    key = signing_key()
    return None if key is None else _Compiled(project / FOLDER / f"templates-{version[:16]}", key)


def _pickled(value: object) -> bytes:
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _REDUCE  # type: ignore[assignment]
    pickler.dump(value)
    return out.getvalue()


@heap.collector_paused()
def load_checked(project: Path, version: str) -> tuple[Checked, dict[str, bytes]]:
    """The events the last build validated, and their digests for the fingerprints
    (`fingerprint.Digests`), both by key, from the shards signed with the user's key
    (`signing_key`): a shard with another signature (damaged, another user's, a cache
    that came with the project) is never unpickled. Nothing without a key."""
    key = signing_key()
    found: Checked = {}
    digests: dict[str, bytes] = {}
    if key is None:
        return found, digests
    try:
        files = sorted(_checked_folder(project, version).glob("*.pickle"))
    except OSError:
        return found, digests
    for file in files:
        try:
            data = file.read_bytes()
        except OSError:
            continue
        payload = _unsigned(key, data)
        if payload is None:
            continue
        try:
            shard = pickle.loads(payload)  # noqa: S301 - signed above with the user's key
        except Exception:  # noqa: BLE001, S112 - ours, yet unreadable (another Python)
            continue
        try:
            entries = [(name, event, links, digest)
                       for name, (event, links, digest) in shard.items()]
        except (AttributeError, TypeError, ValueError):  # a shard of another shape: unused
            continue
        for name, event, links, digest in entries:
            found[name] = (event, links)
            if digest is not None:
                digests[name] = digest
    return found, digests


def save_checked(project: Path, version: str, events: Checked, before: set[str],
                 digests: Mapping[str, bytes]) -> None:
    """Keeps this build's validated events and their digests, signed, rewriting only
    the shards whose keys differ from `before` (the keys `load_checked` found): a key
    names all an event is made from, so a shard with the same keys holds the same."""
    key = signing_key()
    if key is not None:
        kept = {name: (event, links, digests.get(name)) for name, (event, links) in events.items()}
        _write_shards(_checked_folder(project, version), kept, before,
                      dump=lambda entries: _signed(key, _pickled(entries)), suffix="pickle")
