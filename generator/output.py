"""The only writer of the output folder.

The new site is written into a hidden sibling folder, then swapped in by one
rename, so a failed or killed build leaves the last good site as it was. A
folder is only ever replaced when it carries frise's marker file: frise never
empties a folder it did not make.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from .errors import FriseError
from .render import Output

MARKER = ".frise-output"
"""Left in every output folder frise writes; its absence protects anyone else's folder."""
MARKER_TEXT = b"This folder is written by frise build; its content is replaced on each build.\n"
_TMP = ".frise-tmp-"
_OLD = ".frise-old-"
_RENAME_EXCHANGE = 2


def check_output_folder(project: Path, output: Path) -> None:
    """Refuses an output folder outside the project, or one that holds the project's files."""
    root = project.resolve()
    target = output.resolve()
    if not target.is_relative_to(root):
        raise FriseError(f"the output folder '{output}' lies outside the project")
    for forbidden in (root, root / "content", root / "templates", root / ".git"):
        if target == forbidden or forbidden.is_relative_to(target):
            raise FriseError(f"the output folder '{output}' would replace '{forbidden.name}'")
        if target.is_relative_to(forbidden) and forbidden != root:
            raise FriseError(f"the output folder '{output}' lies inside '{forbidden.name}/'")
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


def _clean_leftovers(parent: Path, name: str) -> None:
    """Puts back a site a killed swap left aside, then removes our other leftovers."""
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
                shutil.rmtree(stale, ignore_errors=True)
            else:  # killed before its marker was written: empty, or not ours to delete
                with contextlib.suppress(OSError):
                    stale.rmdir()


def check_output_paths(paths: Iterable[str]) -> None:
    """Refuses, before anything is written, a path that would leave the output folder or
    be both a file and a folder (`assets/a.css` and `assets/a.css/b.css`), case folded."""
    files: dict[str, str] = {}
    folders: set[str] = set()
    for path in paths:
        parts = path.split("/")
        if path.startswith("/") or "\\" in path or any(p in ("", ".", "..") for p in parts):
            raise FriseError(f"the output path '{path}' would leave the output folder")
        files[path.casefold()] = path
        folders.update("/".join(parts[:i]).casefold() for i in range(1, len(parts)))
    for clash in sorted(folders & files.keys()):
        raise FriseError(f"'{files[clash]}' would be both a file and a folder of the site")


def write_site(project: Path, output: Path, outputs: Iterable[Output]) -> int:
    """Writes every output into a fresh folder and swaps it in place of `output`.

    Returns the number of files written. A file that cannot be written (a full disk)
    is a FriseError, and the last good site stays.
    """
    outputs = list(outputs)
    check_output_paths(out.path for out in outputs)
    check_output_folder(project, output)
    parent = output.parent
    parent.mkdir(parents=True, exist_ok=True)
    _clean_leftovers(parent, output.name)
    tmp = parent / f"{_TMP}{output.name}-{os.getpid()}"
    tmp.mkdir()
    count = 0
    try:
        (tmp / MARKER).write_bytes(MARKER_TEXT)
        made: set[str] = set()
        for out in outputs:
            target = tmp / out.path
            folder = target.parent.as_posix()
            try:
                if folder not in made:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    made.add(folder)
                target.write_bytes(out.data)
            except OSError as exc:
                raise FriseError(f"cannot write '{out.path}' into '{output}': "
                                 f"{exc.strerror}") from None
            count += 1
        if output.exists():
            if not _exchange(tmp, output):
                old = parent / f"{_OLD}{output.name}-{os.getpid()}"
                output.rename(old)
                tmp.rename(output)
                tmp = old
        else:
            tmp.rename(output)
            return count
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return count
