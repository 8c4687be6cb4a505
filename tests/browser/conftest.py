"""Shared fixtures of the browser tests: the built sites, a local server, Chromium.

The real content and the English fixture are built once per session into temporary
folders; each is served on 127.0.0.1. Chromium is Debian's, launched so that any
request leaving the machine fails at once. Without /usr/bin/chromium these tests
skip, unless FRISE_REQUIRE_BROWSER is set (CI), where they fail.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import http.server
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "tests" / "screenshots"
NODE_MODULES = ROOT / "node_modules"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]


def require(condition: bool, why: str) -> None:
    """Skips the test when a tool is missing, or fails it where CI demands the tool."""
    if condition:
        return
    if os.environ.get("FRISE_REQUIRE_BROWSER"):
        pytest.fail(why)
    pytest.skip(why)


def html_pages(folder: Path) -> list[str]:
    """Every page of a built site, as paths relative to its root, in a fixed order."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))


@pytest.fixture(scope="session")
def built_sites(built_site: Callable[[str], Path]) -> dict[str, Path]:
    """The real content (French) and the English fixture, each built once per session
    in a temporary copy: the same builds the other tests read (tests/conftest.py)."""
    return {name: built_site(name) for name in ("real", "en")}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@contextlib.contextmanager
def serving(folders: dict[str, Path]) -> Iterator[dict[str, str]]:
    """Each folder over HTTP on 127.0.0.1: name → base URL ending in '/'."""
    servers = []
    urls: dict[str, str] = {}
    for name, folder in folders.items():
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        urls[name] = f"http://127.0.0.1:{server.server_port}/"
    yield urls
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def served(built_sites: dict[str, Path]) -> Iterator[dict[str, str]]:
    """Each built site over HTTP on 127.0.0.1: name → base URL ending in '/'."""
    with serving(built_sites) as urls:
        yield urls


SIZES = (1000, 10000)
"""The synthetic projects the tests of long timelines build, in events."""


@pytest.fixture(scope="session")
def synthetic_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Projects of 1,000 and 10,000 events from the benchmark's generator, built once."""
    import importlib.util

    from generator.build.pipeline import build

    spec = importlib.util.spec_from_file_location("frise_bench", ROOT / "bench" / "bench.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out: dict[str, Path] = {}
    for n in SIZES:
        project = tmp_path_factory.mktemp(f"synthetic-{n}") / "project"
        bench.generate(project, n)
        report = build(project)
        assert report.output is not None
        out[str(n)] = report.output
    return out


@pytest.fixture(scope="session")
def served_synthetic(synthetic_sites: dict[str, Path]) -> Iterator[dict[str, str]]:
    with serving(synthetic_sites) as urls:
        yield urls


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, one for the whole session."""
    require(CHROMIUM.exists(), f"{CHROMIUM} is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "playwright is not installed")
        raise
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@dataclass
class Watched:
    """A page with what it did: console errors, uncaught exceptions, requests."""

    page: Any
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., Watched]]:
    """Opens a page in a fresh context (options as for `new_context`) and watches it."""
    contexts = []

    def _open(**options: Any) -> Watched:
        # The theme scrolls smoothly unless the reader asks for less motion; a click during
        # a smooth scroll can land beside its target, so tests ask for less motion.
        options.setdefault("reduced_motion", "reduce")
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        watched = Watched(page)
        page.on("console", lambda m: watched.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: watched.errors.append(str(e)))
        page.on("request", lambda r: watched.requests.append(r.url))
        return watched

    yield _open
    for context in contexts:
        context.close()


def _screenshot(page: Any, name: str, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture(scope="session")
def screenshot() -> Callable[..., Path]:
    """`screenshot(page, name)` writes tests/screenshots/<name>.png (git-ignored)."""
    return _screenshot


PIXELS = """async data => {
  const image = new Image();
  image.src = 'data:image/png;base64,' + data;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, image.width, image.height).data;
  const counts = new Map();
  for (let i = 0; i < pixels.length; i += 4) {
    const key = (pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2];
    counts.set(key, (counts.get(key) || 0) + 1);
  }
  let top = 0, most = 0;
  for (const [key, n] of counts) if (n > most) { most = n; top = key; }
  const [r, g, b] = [top >> 16, (top >> 8) & 255, top & 255];
  return {colours: counts.size, share: most / (pixels.length / 4),
          background: (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255};
}"""


def _pixels(page: Any, png: bytes) -> dict[str, float]:
    """What a screenshot shows, measured in a blank page of the same browser: how many
    colours, the share of the commonest (the background) and its lightness (0 to 1)."""
    blank = page.context.new_page()
    try:
        result: dict[str, float] = blank.evaluate(PIXELS, base64.b64encode(png).decode())
    finally:
        blank.close()
    return result


@pytest.fixture(scope="session")
def pixels() -> Callable[[Any, bytes], dict[str, float]]:
    """`pixels(page, png)`: the colours of a screenshot (see `_pixels`)."""
    return _pixels


@pytest.fixture(scope="session")
def need() -> Callable[[bool, str], None]:
    """`need(condition, why)`: skips, or in CI fails, when a tool is missing."""
    return require


@pytest.fixture(scope="session")
def events_of(projects: dict[str, Path]) -> Callable[[str], list[Any]]:
    """`events_of("real")`: the site's published events in timeline order, from the model,
    with their plain text typeset as the pages show it."""
    from generator.build.pipeline import check
    from generator.site import typography

    cache: dict[str, list[Any]] = {}

    def _events(site: str) -> list[Any]:
        if site not in cache:
            cache[site] = list(typography.timeline(check(projects[site])[0]).events)
        return cache[site]

    return _events


@pytest.fixture(scope="session")
def pages_of() -> Callable[[Path], list[str]]:
    """`pages_of(folder)`: every page of a built site, relative to its root, sorted."""
    return html_pages


VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"


def nu_html_errors(pages: Sequence[Path]) -> list[str]:
    """The errors the Nu Html Checker finds in `pages`, as 'folder/file:line: message'.

    Fails the test when the checker cannot say: it did not run, its report is not the
    JSON it writes, it did not check exactly `pages` (`--verbose` names each file it
    checks), or its exit status disagrees with the errors it lists.
    """
    require(VNU.is_file(), "vnu-jar is not installed (npm install --ignore-scripts)")
    java = shutil.which("java")
    require(java is not None, "java is not installed")
    assert java is not None and pages
    run = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--verbose", "--skip-non-html",
         *map(str, pages)], capture_output=True, text=True, timeout=600, check=False)
    said = f"exit status {run.returncode}; stderr: {run.stderr[-2000:]!r}"
    try:
        messages = json.loads(run.stderr)["messages"]
        assert isinstance(messages, list)
    except (ValueError, KeyError, TypeError, AssertionError):
        pytest.fail(f"the Nu checker wrote no report: {said}")
    checked = sorted(str(Path(line).resolve()) for line in run.stdout.splitlines() if line)
    expected = sorted(str(page.resolve()) for page in pages)
    if checked != expected:
        pytest.fail(f"the Nu checker checked {len(checked)} of the {len(expected)} pages "
                    f"({sorted(set(expected) - set(checked))[:5]}…): {said}")

    def where(m: dict[str, Any]) -> str:
        url = Path(str(m.get("url", "")).removeprefix("file:"))
        return f"{url.parent.name}/{url.name}:{m.get('lastLine')}"

    errors = [f"{where(m)}: {m.get('message')}" for m in messages
              if m.get("type") in ("error", "non-document-error")
              or m.get("subType") == "fatal"]
    if run.returncode != (1 if errors else 0):
        pytest.fail(f"the Nu checker's exit status says otherwise than its {len(errors)} "
                    f"errors: {said}")
    return errors


@pytest.fixture(scope="session")
def nu_errors() -> Callable[[Sequence[Path]], list[str]]:
    """`nu_errors(pages)`: the Nu Html Checker's errors in those pages (see above)."""
    return nu_html_errors
