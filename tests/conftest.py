"""Shared fixtures: small projects written from a dict, copies of a project built
(the real content and the English fixture once per session, for every test that reads
them, the browser tests too), and the golden-tree refresh flag.

Refresh the golden tree on purpose with `python -m pytest tests/site/test_golden.py
--update-golden` (or `FRISE_UPDATE_GOLDEN=1`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

SITE_EN = "title: A test timeline\nlanguage: en\n"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", default=False,
        help="rewrite tests/golden/real/ from a fresh build of content/ (on purpose only)",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    flag = bool(request.config.getoption("--update-golden"))
    return flag or os.environ.get("FRISE_UPDATE_GOLDEN", "") not in ("", "0")


@pytest.fixture(scope="session", autouse=True)
def user_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The user's cache folder (where frise keeps the key that signs what it keeps in
    `.frise-cache/`) is one of the session's, never the home of whoever runs the tests;
    the command-line runs started as processes inherit it."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("user-cache"))


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Writes `files` (path relative to root → text or bytes) under root."""
    for rel, data in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")
    return root


ProjectFactory = Callable[..., Path]


@pytest.fixture
def project(tmp_path: Path) -> ProjectFactory:
    """A factory: `project({"content/events/a.yaml": "..."})` → a project folder.

    `content/site.yaml` defaults to a minimal English site; pass `site=None` to leave
    it out or a string to replace it. Each call makes a new folder.
    """
    counter = iter(range(1000))

    def make(files: dict[str, str | bytes] | None = None, site: str | None = SITE_EN) -> Path:
        root = tmp_path / f"project-{next(counter)}"
        root.mkdir()
        all_files: dict[str, str | bytes] = {}
        if site is not None:
            all_files["content/site.yaml"] = site
        all_files.update(files or {})
        return write_files(root, all_files)

    return make


def copy_project(source: Path, target: Path) -> Path:
    """Copies a project's content/ (and its own templates/, if any) without its site."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source / "content", target / "content")
    own = source / "templates"
    if own.is_dir() and source.resolve() != REPO:
        shutil.copytree(own, target / "templates")
    return target


PROJECTS = {"real": REPO, "en": FIXTURES / "good-en"}
"""The projects tests read whole: the real content (French) and an English fixture."""


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """`built_site("real")` or `built_site("en")`: the project of PROJECTS copied to a
    temporary folder and built there once per session (the browser tests serve the same
    sites); returns the site folder. Never write into it."""
    from generator.build.pipeline import build

    sites: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in sites:
            # the golden tree must not depend on SOURCE_DATE_EPOCH
            saved = os.environ.pop("SOURCE_DATE_EPOCH", None)
            try:
                root = copy_project(PROJECTS[name], tmp_path_factory.mktemp(f"site-{name}"))
                report = build(root)
            finally:
                if saved is not None:
                    os.environ["SOURCE_DATE_EPOCH"] = saved
            assert report.output is not None
            sites[name] = report.output
        return sites[name]

    return get


@pytest.fixture(scope="session")
def build_real(built_site: Callable[[str], Path]) -> Path:
    """The real content/ built once, in a temporary copy; returns the site folder."""
    return built_site("real")


def tree_hashes(folder: Path) -> dict[str, str]:
    """Every file under `folder` (relative POSIX path → sha256), hidden ones included."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


class LinkParser(HTMLParser):
    """Collects href/src/srcset attribute values and element ids of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src", "action", "poster", "data"):
                self.links.append((tag, value))
            elif name == "srcset":
                for part in value.split(","):
                    if part.strip():
                        self.links.append((tag, part.strip().split()[0]))
            elif name == "id":
                self.ids.add(value)


def parse_page(path: Path) -> LinkParser:
    parser = LinkParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


# Test modules get the helpers through fixtures rather than `from conftest import`,
# which depends on how pytest was started.

@pytest.fixture(scope="session")
def repo() -> Path:
    """The checkout's root: `content/` is the real content, `templates/` the theme."""
    return REPO


@pytest.fixture(scope="session")
def projects() -> dict[str, Path]:
    """PROJECTS: the source folder of each site `built_site` builds, by name."""
    return dict(PROJECTS)


@pytest.fixture(scope="session")
def hashes() -> Callable[[Path], dict[str, str]]:
    return tree_hashes


@pytest.fixture(scope="session")
def page_links() -> Callable[[Path], LinkParser]:
    return parse_page
