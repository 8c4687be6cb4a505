"""What `.frise-cache/` keeps between builds, so that rebuilds redo only what changed:
converted Markdown, and the manifest of the pages of the current site.

The Markdown cache's name carries the versions and settings of the converter, so a new
Markdown or sanitiser starts a fresh cache; the manifest carries frise's code version.
Losing or corrupting either only costs time: neither is ever trusted blindly.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from pathlib import Path

import markdown
import nh3

from . import loader, markup

FOLDER = ".frise-cache"
MANIFEST_FORMAT = 1


def _name() -> str:
    settings = json.dumps([
        markdown.__version__, getattr(nh3, "__version__", ""), sorted(markup.TAGS),
        sorted((k, sorted(v)) for k, v in markup.ATTRIBUTES.items()), sorted(markup.SCHEMES),
    ])
    return f"markup-{hashlib.sha256(settings.encode()).hexdigest()[:16]}.json"


def load(project: Path) -> dict[str, str]:
    """The cached conversions, or nothing when there is no usable cache."""
    try:
        data = json.loads((project / FOLDER / _name()).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    # Sanitised again: the file is outside frise's control, and nh3 costs little.
    return {k: markup.sanitize(v) for k, v in data.items()
            if isinstance(k, str) and isinstance(v, str)}


def save(project: Path, known: dict[str, str]) -> None:
    """Replaces the cache with this build's conversions (so it never outgrows the content)."""
    folder = project / FOLDER
    try:
        folder.mkdir(exist_ok=True)
        (folder / ".gitignore").write_text("*\n", encoding="utf-8")
        for stale in folder.glob("markup-*.json"):
            if stale.name != _name():
                stale.unlink()
        tmp = folder / f".{_name()}.{os.getpid()}"
        tmp.write_text(json.dumps(known, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        tmp.replace(folder / _name())
    except OSError:
        pass  # a read-only project still builds; only the next build is slower


Stat = tuple[int, int, int, int]
"""(device, inode, size, mtime in ns) of a file of the site, as it was written."""


def file_stat(file: Path) -> Stat | None:
    """The identity of a regular file, None for anything else (or nothing)."""
    try:
        st = file.lstat()
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _manifest_file(project: Path, output: Path) -> Path:
    where = os.path.relpath(output.resolve(), project.resolve()).replace(os.sep, "/")
    return project / FOLDER / f"pages-{hashlib.sha256(where.encode()).hexdigest()[:16]}.json"


def load_manifest(project: Path, output: Path, version: str) -> dict[str, tuple[str, Stat]]:
    """What the current site's files were made from: path → (fingerprint, file identity).

    A manifest that does not parse, was written by another version of frise, or holds
    anything unexpected is ignored whole: it only ever costs a full render.
    """
    try:
        data = json.loads(_manifest_file(project, output).read_text(encoding="utf-8"))
        if data.get("format") != MANIFEST_FORMAT or data.get("version") != version:
            return {}
        pages: dict[str, tuple[str, Stat]] = {}
        for path, (fingerprint, *identity) in data["pages"].items():
            if (not isinstance(path, str) or not isinstance(fingerprint, str)
                    or len(identity) != 4 or not all(type(n) is int for n in identity)):
                return {}
            pages[path] = (fingerprint, (identity[0], identity[1], identity[2], identity[3]))
        return pages
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def save_manifest(project: Path, output: Path, version: str,
                  pages: dict[str, tuple[str, Stat]]) -> None:
    """Records what each file of the site just written was made from."""
    file = _manifest_file(project, output)
    try:
        file.parent.mkdir(exist_ok=True)
        (file.parent / ".gitignore").write_text("*\n", encoding="utf-8")
        tmp = file.with_name(f".{file.name}.{os.getpid()}")
        tmp.write_text(json.dumps({
            "format": MANIFEST_FORMAT, "version": version,
            "pages": {path: [fp, *identity] for path, (fp, identity) in sorted(pages.items())},
        }, separators=(",", ":")), encoding="utf-8")
        tmp.replace(file)
    except OSError:
        pass  # a read-only project still builds; only the next build is slower


def forget_manifest(project: Path, output: Path) -> None:
    """Drops the manifest before the site it describes is replaced."""
    with contextlib.suppress(OSError):
        _manifest_file(project, output).unlink()


def _nodes_file(project: Path, version: str) -> Path:
    return project / FOLDER / f"nodes-{version[:16]}.json"


def load_nodes(project: Path, version: str) -> loader.NodeStore:
    """The files parsed by the last build, to parse only those that changed since."""
    try:
        data = json.loads(_nodes_file(project, version).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return loader.NodeStore()
    if not isinstance(data, dict):
        return loader.NodeStore()
    return loader.NodeStore(data)


def save_nodes(project: Path, version: str, store: loader.NodeStore) -> None:
    """Keeps the nodes of this build's files, when any file was parsed anew."""
    file = _nodes_file(project, version)
    if not store.parsed and file.exists():
        return
    try:
        file.parent.mkdir(exist_ok=True)
        for stale in file.parent.glob("nodes-*.json"):
            if stale != file:
                stale.unlink()
        tmp = file.with_name(f".{file.name}.{os.getpid()}")
        tmp.write_text(json.dumps({k: loader.encode(v) for k, v in store.used.items()},
                                  ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        tmp.replace(file)
    except OSError:
        pass
