"""The only writer of the output folder.

The new site is written into a hidden sibling folder, then swapped in by one
rename, so a failed or killed build leaves the last good site as it was. A
folder is only ever replaced when it carries frise's marker file: frise never
empties a folder it did not make.

The site a swap replaces is kept aside (`SPARE`) to be the next build's folder:
after one edit, almost every file of the site it held is still the current
site's (the same file, hard-linked), so the next build relinks the few that
changed instead of making ten thousand folders and links again, and no old site
waits to be deleted.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import hashlib
import os
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..content.config import output_problem
from ..errors import FriseError


@dataclass(frozen=True, slots=True)
class Output:
    """One file of the site: its path under the output folder and its bytes."""

    path: str
    data: bytes
    spans: tuple[tuple[str, int, int], ...] = ()
    """For a file made of one piece per event, where each piece lies (`pieces.Span`)."""


Stat = tuple[int, int, int, int]
"""(device, inode, size, mtime in ns) of a file of the site, as it was written."""


def file_stat(file: str | Path) -> Stat | None:
    """The identity of a regular file, None for anything else (or nothing)."""
    try:
        st = os.lstat(file)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


MARKER = ".frise-output"
"""Left in every output folder frise writes; its absence protects anyone else's folder."""
MARKER_TEXT = b"This folder is written by frise build; its content is replaced on each build.\n"
_TMP = ".frise-tmp-"
_OLD = ".frise-old-"
TRASH = ".frise-cache/trash"
"""Where replaced sites wait for their background removal, inside the project."""
SPARE = ".frise-cache/spare"
"""Where the site a swap replaced waits to be the next build's folder, one per output
folder (named by a digest of its path in the project)."""
_RENAME_EXCHANGE = 2


def check_output_folder(project: Path, output: Path) -> None:
    """Refuses an output folder that, links followed, leaves the project or holds its
    files (the rule of `output_problem`, on the folder it really is), or that holds
    what frise did not make."""
    root = project.resolve()
    target = output.resolve()
    if not target.is_relative_to(root):
        raise FriseError(f"the output folder '{output}' lies outside the project")
    real = target.relative_to(root).as_posix()
    problem = output_problem(real, own=True)
    if problem:
        raise FriseError(f"the output folder '{output}' leads to '{real}', which {problem}")
    if output.is_symlink():
        raise FriseError(f"the output folder '{output}' is a symbolic link; remove it")
    if output.exists() and not output.is_dir():
        raise FriseError(f"'{output}' exists and is not a folder")
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).is_file():
        raise FriseError(
            f"'{output}' is not empty and was not made by frise; "
            "move its files away or choose another 'output'")
    for repository in (".git", ".hg", ".svn"):  # e.g. a gh-pages clone made inside the site
        if (output / repository).exists():
            raise FriseError(
                f"'{output / repository}' is a repository inside the output folder, which "
                "each build replaces whole; move it out of the output folder")


def _exchange(a: Path, b: Path) -> bool:
    """Swaps two folders in one atomic step (Linux renameat2); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


def _clean_leftovers(parent: Path, name: str, trash: Path) -> None:
    """Puts back a site a killed swap left aside, then removes our other leftovers,
    and what a stopped background removal left in the trash."""
    with contextlib.suppress(OSError):
        for stale in trash.iterdir():
            if time.time() - stale.lstat().st_mtime > 600 and not stale.is_symlink():
                _remove_in_background(stale)
    output = parent / name
    if not output.exists():
        for old in sorted(parent.glob(f"{_OLD}{name}-*")):
            if (old / MARKER).is_file():
                old.rename(output)
                break
    for prefix in (_TMP, _OLD):
        for stale in parent.glob(f"{prefix}{name}-*"):
            if stale.is_symlink() or not stale.is_dir():
                continue
            if (stale / MARKER).is_file():
                remove_later(stale, trash)
            else:  # killed before its marker was written: empty, or not ours to delete
                with contextlib.suppress(OSError):
                    stale.rmdir()


def check_output_paths(paths: Iterable[str]) -> None:
    """Refuses, before anything is written, a path that would leave the output folder,
    be written twice, or be both a file and a folder (`assets/a.css` and
    `assets/a.css/b.css`), case folded."""
    files: dict[str, str] = {}
    folders: set[str] = set()
    for path in paths:
        parts = path.split("/")
        if path.startswith("/") or "\\" in path or any(p in ("", ".", "..") for p in parts):
            raise FriseError(f"the output path '{path}' would leave the output folder")
        if path.casefold() in files:
            raise FriseError(f"two outputs would be written to '{path}'")
        files[path.casefold()] = path
        folders.update("/".join(parts[:i]).casefold() for i in range(1, len(parts)))
    for clash in sorted(folders & files.keys()):
        raise FriseError(f"'{files[clash]}' would be both a file and a folder of the site")


class Tree:
    """The new site's folder while it is written: files are written or linked into it.

    Worker processes open a Tree on the same folder and write their share of the pages;
    folders are made as needed, which is safe when several processes make the same one.
    A `recycled` folder is the site before the current one (see `SPARE`): `prune` first
    removes all the new site does not hold, then whatever stands at a path is replaced,
    never written through, since its files may be links to the current site's.
    """

    def __init__(self, folder: Path, output: Path, recycled: bool = False) -> None:
        self.folder = folder
        self.output = output
        self.recycled = recycled
        self._root = os.path.join(folder, "")
        self._live = os.path.join(output, "")
        self._made: set[str] = set()
        self._inodes: dict[str, int] = {}
        """The regular files a recycled folder holds after `prune`, by path: their inodes,
        which its listing gives without a system call per file."""
        self._device = 0
        self.spans: dict[str, tuple[tuple[str, int, int], ...]] = {}
        """Where each event's piece lies in the joined files written (for the manifest)."""

    def _target(self, path: str) -> str:
        """Where `path` goes in the new tree (a string: 10,000 of these are made per
        build, where a `Path` costs several times a system call), its folder made."""
        target = self._root + path
        parent = path.rpartition("/")[0]
        if parent not in self._made:
            os.makedirs(self._root + parent, exist_ok=True)
            self._made.add(parent)
        if self.recycled:
            _clear(Path(target))
        return target

    def write(self, out: Output) -> None:
        """Writes one file; a file that cannot be written (a full disk) is a FriseError."""
        try:
            Path(self._target(out.path)).write_bytes(out.data)
        except OSError as exc:
            raise FriseError(f"cannot write '{out.path}' into '{self.output}': "
                             f"{exc.strerror}") from None
        if out.spans:
            self.spans[out.path] = out.spans

    def take(self, path: str, identity: Stat) -> Stat | None:
        """Takes an unchanged file from the current site, whose `identity` the caller
        took: a hard link, a copy where links fail (another file system, a file system
        without links). In a recycled folder, a file that is already the current site's
        (the same inode, as its listing gave it) stays. Returns the identity of the file
        now in the tree: the same as the current site's, but for a copy."""
        source = self._live + path
        try:
            if (self.recycled and self._inodes.get(path) == identity[1]
                    and self._device == identity[0]):
                return identity
            target = self._target(path)
            try:
                os.link(source, target, follow_symlinks=False)
                return identity
            except OSError:
                shutil.copyfile(source, target, follow_symlinks=False)
                return file_stat(target)
        except OSError as exc:
            raise FriseError(f"cannot copy '{path}' into '{self.output}': "
                             f"{exc.strerror}") from None

    def prune(self, paths: Iterable[str]) -> None:
        """Removes from a recycled folder every file and folder the new site does not
        hold (`paths` and the marker), and every link to a folder: what is left are
        folders of the new site and entries at its paths. One listing per folder, whose
        entries carry their type and inode: no system call per file."""
        wanted = set(paths)
        wanted.add(MARKER)
        folders = {"/".join(p.split("/")[:i]) for p in wanted
                   for i in range(1, p.count("/") + 1)}
        self._device = os.lstat(self.folder).st_dev
        self._inodes.clear()

        def prune(top: str, prefix: str) -> None:
            with os.scandir(top) as entries:
                for entry in entries:
                    path = prefix + entry.name
                    if entry.is_dir(follow_symlinks=False):
                        if path in folders:
                            prune(entry.path, path + "/")
                        else:
                            _clear(Path(entry.path))
                    elif path not in wanted:
                        _clear(Path(entry.path))
                    elif entry.is_file(follow_symlinks=False):
                        self._inodes[path] = entry.inode()

        prune(self._root, "")


def _clear(place: Path) -> None:
    """Removes whatever stands at `place` (a file, a link, a folder), if anything."""
    try:
        if place.is_dir() and not place.is_symlink():
            shutil.rmtree(place)
        else:
            place.unlink()
    except FileNotFoundError:
        pass


def folder_key(project: Path, output: Path) -> str:
    """A short name for an output folder of the project, by its path in the project:
    what the caches kept for one output folder (its manifest, its spare) are named by."""
    where = os.path.relpath(output.resolve(), project.resolve()).replace(os.sep, "/")
    return hashlib.sha256(where.encode()).hexdigest()[:16]


def _spare_folder(project: Path, output: Path) -> Path:
    return project / SPARE / folder_key(project, output)


def _recycle(spare: Path, folder: Path) -> bool:
    """Moves the spare site (if there is one of ours) to `folder`, to be rewritten."""
    try:
        if spare.is_symlink() or not (spare / MARKER).is_file():
            return False
        spare.rename(folder)
        return True
    except OSError:
        return False


def _set_aside(old: Path, spare: Path, trash: Path) -> None:
    """Keeps the site a swap replaced as the next build's folder; where it cannot be
    kept (another file system), it is removed in the background."""
    try:
        if spare.exists() or spare.is_symlink():
            remove_later(spare, trash)
        spare.parent.mkdir(parents=True, exist_ok=True)
        old.rename(spare)
    except OSError:
        remove_later(old, trash)


def ready_spare(project: Path, output: Path, files: Mapping[str, Stat],
                stop: Callable[[], bool]) -> bool:
    """Brings the spare folder (the next build's, see `write_tree`) in line with the
    current site, whose files are `files` with their identities: pruned to them, each a
    hard link to the current site's file. Serve does it while it waits for a save, so
    that the next rebuild links only what the save changed, not every file a full
    render (or a build before serve started) left stale in the spare. Stops as soon as
    `stop()` is true; what is done stays done, since a build takes a spare's file only
    while it is the current site's (`Tree.take`). Returns whether it finished."""
    spare = _spare_folder(project, output)
    if spare.is_symlink() or not (spare / MARKER).is_file():
        return False
    tree = Tree(spare, output, recycled=True)
    try:
        tree.prune(files)
        for path, identity in files.items():
            if stop():
                return False
            if path != MARKER:  # the spare's own stays, replaced only by `_mark`
                tree.take(path, identity)
    except (OSError, FriseError):
        return False  # the next build prunes and links what it needs
    return True


def write_tree(project: Path, output: Path, paths: Iterable[str],
               fill: Callable[[Tree], int]) -> int:
    """Has `fill` write every file into a new folder, then swaps it in place of `output`.

    `paths` are all the files `fill` will write, checked before anything is written.
    Returns what `fill` returns (the number of files). The folder is the spare one
    when there is one (the site before the current one), pruned first; the site the
    swap replaces becomes the spare, so no old site waits to be deleted.
    """
    paths = list(paths)
    check_output_paths(paths)
    check_output_folder(project, output)
    parent = output.parent
    parent.mkdir(parents=True, exist_ok=True)
    trash = project / TRASH
    _clean_leftovers(parent, output.name, trash)
    tmp = parent / f"{_TMP}{output.name}-{os.getpid()}"
    spare = _spare_folder(project, output)
    recycled = _recycle(spare, tmp)
    if not recycled:
        tmp.mkdir()
    swapped = False
    try:
        _mark(tmp)
        tree = Tree(tmp, output, recycled)
        if recycled:
            tree.prune(paths)
        count = fill(tree)
        if output.exists():
            if not _exchange(tmp, output):
                old = parent / f"{_OLD}{output.name}-{os.getpid()}"
                output.rename(old)
                tmp.rename(output)
                tmp = old
        else:
            tmp.rename(output)
        swapped = True
    finally:
        if tmp.exists():
            if swapped:  # the site just replaced
                _set_aside(tmp, spare, trash)
            else:
                remove_later(tmp, trash)
    return count


def _mark(folder: Path) -> None:
    """Writes frise's marker into a folder being filled. The one a recycled folder holds
    is replaced in one step, never written through nor removed first: killed at any
    moment, the folder is still known as ours."""
    marker = folder / MARKER
    if marker.is_dir() and not marker.is_symlink():
        shutil.rmtree(marker)
    if not os.path.lexists(marker):
        marker.write_bytes(MARKER_TEXT)
        return
    fresh = folder / f"{MARKER}.{os.getpid()}"
    fresh.write_bytes(MARKER_TEXT)
    os.replace(fresh, marker)


def holds_exactly(output: Path, paths: Iterable[str]) -> bool:
    """Whether the output folder is one frise wrote and holds these files and nothing
    else (a rebuild that would only take every file from it need not replace it)."""
    if output.is_symlink() or not (output / MARKER).is_file():
        return False
    wanted = set(paths)
    wanted.add(MARKER)
    folders = {""}
    for path in wanted:
        parts = path.split("/")
        folders.update("/".join(parts[:i]) for i in range(1, len(parts)))
    count = 0
    for top, _, files in os.walk(output):
        rel = os.path.relpath(top, output).replace(os.sep, "/")
        rel = "" if rel == "." else rel
        if rel not in folders:
            return False
        for name in files:
            if (f"{rel}/{name}" if rel else name) not in wanted:
                return False
        count += len(files)
    return count == len(wanted)


def write_site(project: Path, output: Path, outputs: Iterable[Output]) -> int:
    """Writes the given files as the whole new site (small sites and tests)."""
    files = list(outputs)

    def fill(tree: Tree) -> int:
        for out in files:
            tree.write(out)
        return len(files)

    return write_tree(project, output, [out.path for out in files], fill)


_REMOVE = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"


def remove_later(folder: Path, trash: Path) -> None:
    """Removes one of our folders without waiting for it: moved into the `trash` folder
    (out of sight, in the project's cache), then deleted by a background process, since
    deleting 10,000 files takes seconds on some disks. Where it cannot be moved (another
    file system), it is deleted now."""
    target = trash / folder.name
    try:
        trash.mkdir(parents=True, exist_ok=True)
        folder.rename(target)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return
    _remove_in_background(target)


def _remove_in_background(folder: Path) -> None:
    try:
        subprocess.Popen([sys.executable, "-c", _REMOVE, str(folder)],  # noqa: S603
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
