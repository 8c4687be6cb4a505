"""The stamp of the last good build: the identity of every file it read, so that a
build whose inputs are all as they were, and whose site is still the one it wrote,
has nothing to do.

Its inputs are the files of `content/`, of the project's `templates/` and of the
built-in theme (each by path, type, size, modification and change times, inode),
frise's own code, the libraries that shape the output, the build's options and
`SOURCE_DATE_EPOCH`. The site is checked the same way, file by file. The digest of
the inputs is taken before the build reads them, so a file saved while it runs makes
the next build run. Only the standard library is imported here: the check runs
before the content, the theme or any renderer is loaded.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

FORMAT = 1
"""Bumped when what the stamp covers changes."""
STAMP = ".frise-cache/stamp.json"
PACKAGE = Path(__file__).resolve().parent.parent
"""The `generator` package: its sources are part of every build's inputs."""
_LIBRARIES = ("frise", "jinja2", "markupsafe", "markdown", "nh3", "babel", "pyyaml",
              "python-slugify", "anyascii")


@functools.cache
def code_version() -> str:
    """frise's own source and the versions of the libraries that shape its output.

    The sources are hashed, not only the version number, so that a changed frise (a
    checkout being worked on, too) never takes pages rendered by another.
    """
    h = hashlib.blake2b(digest_size=16)
    h.update(f"format {FORMAT}\n".encode())
    for name in _LIBRARIES:
        try:
            h.update(f"{name} {metadata.version(name)}\n".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name} -\n".encode())
    for file in sorted(PACKAGE.rglob("*")):
        inside = file.relative_to(PACKAGE).parts
        if file.is_file() and file.suffix in (".py", ".js", ".json") and inside[0] != "theme":
            h.update(file.relative_to(PACKAGE).as_posix().encode() + b"\0")
            h.update(hashlib.blake2b(file.read_bytes(), digest_size=16).digest())
    return h.hexdigest()


def _walk(h: hashlib.blake2b, folder: Path) -> None:
    """Adds every entry below `folder` to `h`, in a stable order: its path (relative),
    type, size, inode and times (the change time too, which hard links alter)."""
    try:
        top = folder.lstat()
    except OSError:
        h.update(b"absent\0")
        return
    h.update(f"{top.st_mode} {top.st_ino}\0".encode())

    def walk(current: str, prefix: str) -> None:
        try:
            with os.scandir(current) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            h.update(b"unreadable\0")
            return
        for entry in entries:
            st = entry.stat(follow_symlinks=False)
            line = (f"{prefix}{entry.name}\0{st.st_mode} {st.st_size} {st.st_ino} "
                    f"{st.st_mtime_ns} {st.st_ctime_ns}")
            if entry.is_symlink():
                line += " -> " + os.readlink(entry.path)
            h.update(line.encode() + b"\n")
            if entry.is_dir(follow_symlinks=False):
                walk(entry.path, f"{prefix}{entry.name}/")

    walk(str(folder), "")


def inputs(project: Path, drafts: bool, base_url: str | None, theme: Path) -> str:
    """The digest of everything a build of `project` reads and is given."""
    h = hashlib.blake2b(digest_size=16)
    options = [code_version(), str(PACKAGE), str(drafts), str(base_url),
               os.environ.get("SOURCE_DATE_EPOCH", "")]
    h.update(json.dumps(options).encode())
    for folder in (project / "content", project / "templates", theme):
        h.update(f"{folder.resolve()}\0".encode())
        _walk(h, folder)
    return h.hexdigest()


def _site_digest(top: os.stat_result, lines: list[str]) -> str:
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{top.st_mode} {top.st_ino}\0".encode())
    for line in sorted(lines):
        h.update(line.encode("utf-8", "surrogatepass") + b"\n")
    return h.hexdigest()


def site(output: Path) -> str:
    """The digest of the output folder as it stands: each entry by its path, and each
    regular file by its inode, size and modification time; anything else (a link, a
    device) by its type alone, which no site frise writes holds."""
    try:
        top = output.lstat()
    except OSError:
        return "absent"
    lines: list[str] = []

    def walk(current: str, prefix: str) -> None:
        with os.scandir(current) as it:
            for entry in it:
                path = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    lines.append(f"{path}\0d")
                    walk(entry.path, path + "/")
                elif entry.is_file(follow_symlinks=False):
                    st = entry.stat(follow_symlinks=False)
                    lines.append(f"{path}\0f {st.st_ino} {st.st_size} {st.st_mtime_ns}")
                else:
                    lines.append(f"{path}\0o {entry.stat(follow_symlinks=False).st_mode}")

    try:
        walk(str(output), "")
    except OSError:
        return "unreadable"
    return _site_digest(top, lines)


def site_written(output: Path, files: Mapping[str, tuple[int, int, int, int]]) -> str:
    """What `site` gives for the folder just written, from the identities (device,
    inode, size, time) its writer took of every file: no second walk of 10,000 files.
    A file left out, or one not as recorded, makes the two differ, which only costs
    the next build its shortcut."""
    try:
        top = output.lstat()
    except OSError:
        return "absent"
    lines = [f"{path}\0f {ino} {size} {mtime}" for path, (_, ino, size, mtime) in files.items()]
    folders: set[str] = set()
    for path in files:
        folder = path.rpartition("/")[0]
        while folder and folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    lines += [f"{folder}\0d" for folder in folders]
    return _site_digest(top, lines)


@dataclass(frozen=True, slots=True)
class Done:
    """What the last good build reported, for a build that has nothing to do."""

    events: int
    files: int
    notes: tuple[str, ...]
    output: Path


def save(project: Path, digest: str, theme: Path, output: Path, done: Done,
         written: str | None = None) -> None:
    """Records a good build: its inputs' digest (taken before it read them) and its site
    (`output`, a folder of `project`), by `written` (`site_written`) or a walk."""
    file = project / STAMP
    file.parent.mkdir(exist_ok=True)
    data = {"format": FORMAT, "inputs": digest, "theme": str(theme),
            "output": output.relative_to(project).as_posix(),
            "site": written or site(output), "events": done.events, "files": done.files,
            "notes": list(done.notes)}
    tmp = file.with_name(file.name + ".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, file)


def forget(project: Path) -> None:
    """Drops the stamp: a build is about to change the site."""
    with contextlib.suppress(FileNotFoundError):
        (project / STAMP).unlink()


@dataclass(frozen=True, slots=True)
class Inputs:
    """The digest of a build's inputs as `unchanged` took it, with the theme folder it
    covers: the build that follows records it instead of walking the files again."""

    digest: str
    theme: Path


def unchanged(project: Path, drafts: bool, base_url: str | None
              ) -> tuple[Done | None, Inputs | None]:
    """The last good build's report when its inputs and its site are exactly as they
    were (None otherwise: no stamp, a damaged or foreign one, anything changed), and
    the digest of the inputs when it took one."""
    taken = None
    try:
        data = json.loads((project / STAMP).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            return None, None
        theme, output = Path(data["theme"]), project / data["output"]
        taken = Inputs(inputs(project, drafts, base_url, theme), theme)
        if data["inputs"] != taken.digest:
            return None, taken
        if data["site"] != site(output):
            return None, taken
        return Done(int(data["events"]), int(data["files"]),
                    tuple(str(n) for n in data["notes"]), output), taken
    except (OSError, ValueError, KeyError, TypeError):
        return None, taken
