"""One error family. Every problem in the content carries where it is."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True, order=True)
class SourceLocation:
    """A place in a file, printed the way editors and compilers do: path:line:col."""

    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


def one_line(text: str) -> str:
    """The text on one line, as `path:line:col: error:` tools expect: line breaks, tabs
    and other invisible characters an editor typed are shown escaped (`a\\nb`)."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def shown_path(path: str | Path) -> str:
    """A path as the user typed it: relative to where frise runs when it lies inside,
    so that a message names files the way the user's shell and editor do."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return Path(path).as_posix()


def count(n: int, noun: str) -> str:
    """'1 error', '2 errors': messages stay grammatical whatever the number."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


class FriseError(Exception):
    """A problem frise reports to the user: a message and, when known, where it is."""

    def __init__(self, message: str, location: SourceLocation | None = None) -> None:
        message = one_line(message)
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}error: {self.message}"

    def to_dict(self) -> dict[str, object]:
        """The error as JSON-ready data, for `frise check --format json`."""
        loc = self.location
        return {
            "path": loc.path if loc else None,
            "line": loc.line if loc else None,
            "col": loc.col if loc else None,
            "message": self.message,
        }


class ContentErrors(FriseError):
    """Every problem found in one run, raised once so editors fix them all at once."""

    def __init__(self, errors: Iterable[FriseError]) -> None:
        self.errors = sorted(
            errors, key=lambda e: (e.location or SourceLocation(""), e.message)
        )
        super().__init__(f"{count(len(self.errors), 'problem')} in the content")

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


class Collector:
    """Gathers problems while a stage goes on, then raises them together."""

    def __init__(self) -> None:
        self.errors: list[FriseError] = []

    def add(self, message: str, location: SourceLocation | None) -> None:
        self.errors.append(FriseError(message, location))

    def extend(self, errors: Iterable[FriseError]) -> None:
        self.errors.extend(errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ContentErrors(self.errors)
