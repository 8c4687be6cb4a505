"""A file cache of converted Markdown, so that rebuilds convert only what changed.

It lives in `.frise-cache/` inside the project; its name carries the versions and
settings of the converter, so a new Markdown or sanitiser starts a fresh cache.
Losing or corrupting it only costs time.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import markdown
import nh3

from . import markup

FOLDER = ".frise-cache"


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
