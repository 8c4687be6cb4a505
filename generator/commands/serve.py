"""`frise serve`: build, serve the output folder on 127.0.0.1, rebuild on change.

Every build goes through `build.build`, which swaps the output folder in one
step only when the content is valid: while the content is broken the server
keeps serving the last good site, and the served pages show the located
errors over the page. The reload script is added to HTML as it is sent, so it
never reaches `frise build`'s output. Pages ask `/__frise__/status` (a long
poll) for the build generation and reload themselves when it changes.
"""

from __future__ import annotations

import errno
import fnmatch
import gc
import json
import mimetypes
import posixpath
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from ..build import cache
from ..build import pipeline as builder
from ..errors import ContentErrors, FriseError, count
from ..site.output import ready_spare

HOST = "127.0.0.1"
DEBOUNCE = 0.15
"""Seconds of quiet after a change before rebuilding: an editor's save is several events."""
LONG_POLL = 20.0
TIDY_AFTER = 1.0
"""Seconds after a build before `Memory.settle` and `tidy`, which hold the interpreter for
half a second at 10,000 events: the browser's reload (the page, its styles and scripts)
is served first. A save in the meantime is built at once, and tidied after."""
PREFIX = "/__frise__/"
IGNORED = ("*~", ".*.swp", ".*.swx", ".*.swo", ".#*", "#*#", "4913", ".DS_Store")
"""Editor leftovers (backups, Vim swap and its write test `4913`, Emacs locks): no rebuild."""

RELOAD_JS = resources.files(__package__).joinpath("reload.js").read_bytes()
"""The script served pages poll with (`reload.js` beside this module)."""

NO_SITE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>frise: no site yet</title></head>
<body><main><h1>No site has been built yet</h1>
<p>The content has errors; they are listed above. Fix them and save: this page reloads.</p>
</main></body></html>
"""


def is_ignored(path: str) -> bool:
    """True for editor leftovers and hidden files, whose changes need no rebuild."""
    name = posixpath.basename(path.replace("\\", "/"))
    return name.startswith(".") or any(fnmatch.fnmatchcase(name, p) for p in IGNORED)


def path_of(target: str) -> str:
    """The path of a request target, without query or fragment (`//x` stays a path)."""
    return target.split("?", 1)[0].split("#", 1)[0] or "/"


def resolve_request(root: Path, target: str) -> Path | None:
    """The file of the output folder a request path names, or None: never outside `root`.

    Decodes once, refuses backslashes, NUL bytes and dot segments, then checks
    the resolved path still lies inside the resolved root (symbolic links too).
    """
    try:
        path = unquote(path_of(target), errors="strict")
    except (UnicodeDecodeError, ValueError):
        return None
    if "\\" in path or "\x00" in path or not path.startswith("/"):
        return None
    parts = [p for p in path.split("/") if p]
    if any(p in (".", "..") or ":" in p for p in parts):
        return None
    try:
        base = root.resolve()
        candidate = base.joinpath(*parts).resolve()
    except (OSError, ValueError, RuntimeError):
        return None
    if not candidate.is_relative_to(base):
        return None
    try:
        if candidate.is_dir():
            if not path.endswith("/"):
                return None  # the handler redirects to the folder's URL, for relative links
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None
    except OSError:  # a name too long, a loop: nothing to serve
        return None


def inject(page: bytes, generation: int) -> bytes:
    """Adds the reload script before `</body>` (or at the end) of a served HTML page."""
    tag = (f'<script src="{PREFIX}reload.js" data-generation="{generation}"></script>'
           ).encode()
    at = page.rfind(b"</body>")
    return page + tag if at < 0 else page[:at] + tag + page[at:]


@dataclass(slots=True)
class State:
    """What the pages poll: the build generation and the errors of the last build."""

    generation: int = 0
    errors: list[dict[str, object]] = field(default_factory=list)
    output: Path | None = None
    changed: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, errors: list[dict[str, object]], output: Path | None) -> None:
        with self.changed:
            self.generation += 1
            self.errors = errors
            if output is not None:
                self.output = output
            self.changed.notify_all()

    def snapshot(self, since: int | None = None, timeout: float = 0) -> dict[str, object]:
        with self.changed:
            if since is not None:
                self.changed.wait_for(lambda: self.generation != since, timeout)
            return {"generation": self.generation, "errors": list(self.errors)}


class _Handler(BaseHTTPRequestHandler):
    server: DevHTTPServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        """Quiet: the terminal shows builds, not every request."""

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802
        try:
            self._get()
        except (ConnectionError, TimeoutError):
            pass
        except Exception:  # a bad request must never stop the server
            traceback.print_exc(file=sys.stderr)
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, b"internal error\n",
                       "text/plain; charset=utf-8")

    def _get(self) -> None:
        state = self.server.state
        split = urlsplit(self.path)
        if split.path == PREFIX + "status":
            since = parse_qs(split.query).get("since", [""])[0]
            snap = state.snapshot(int(since) if since.lstrip("-").isdigit() else None,
                                  self.server.long_poll)
            self._send(HTTPStatus.OK, json.dumps(snap).encode(), "application/json")
            return
        if split.path == PREFIX + "reload.js":
            self._send(HTTPStatus.OK, RELOAD_JS, "text/javascript; charset=utf-8")
            return
        generation = state.snapshot()["generation"]
        assert isinstance(generation, int)
        root = state.output
        file = resolve_request(root, self.path) if root is not None else None
        if file is None and root is not None and (root / "index.html").is_file():
            plain = "/" + path_of(self.path).lstrip("/")  # never `//host`
            if not plain.endswith("/") and resolve_request(root, plain + "/") is not None:
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", plain + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        if file is None:
            missing = root / "404.html" if root is not None else None
            if missing is not None and missing.is_file():
                page = missing.read_bytes()
            else:
                page = NO_SITE.encode() if root is None or not root.is_dir() else (
                    b"<!DOCTYPE html><title>Not found</title><body><h1>Not found</h1></body>")
            self._send(HTTPStatus.NOT_FOUND, inject(page, generation),
                       "text/html; charset=utf-8")
            return
        try:
            body = file.read_bytes()
        except OSError:  # replaced by a rebuild in between: the page asks again
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, b"rebuilding\n",
                       "text/plain; charset=utf-8")
            return
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if kind == "text/html":
            body = inject(body, generation)
        if kind.startswith("text/") or kind in ("application/json", "application/xml",
                                                 "application/atom+xml", "image/svg+xml"):
            kind += "; charset=utf-8"
        self._send(HTTPStatus.OK, body, kind)


class DevHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False

    def __init__(self, port: int, state: State, long_poll: float) -> None:
        self.state = state
        self.long_poll = long_poll
        super().__init__((HOST, port), _Handler)


class _Watch(FileSystemEventHandler):
    def __init__(self, changed: Callable[[], None]) -> None:
        self.changed = changed

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        paths = [event.src_path, getattr(event, "dest_path", "")]
        names = [str(p if isinstance(p, str) else p.decode()) for p in paths if p]
        if event.is_directory and event.event_type == "modified":
            return
        if any(not is_ignored(n) for n in names):
            self.changed()


BuildFn = Callable[[Path], builder.Report]


def tidy() -> None:
    """After a build, while the editor reads the page: collects the cycles it left, then
    freezes what remains (`gc.freeze`). The memory serve keeps from build to build holds
    hundreds of thousands of objects at 10,000 events, and each full collection during
    the next build would walk them all again (`bench/serve_times.py` shows the
    collector's time per save with and without this)."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class DevServer:
    """The server, the watcher and the rebuild thread of one project."""

    def __init__(self, project: Path, port: int = 8000, drafts: bool = False,
                 log: Callable[[str], None] | None = None,
                 debounce: float = DEBOUNCE, long_poll: float = LONG_POLL,
                 verbose: bool = False, tidy_after: float = TIDY_AFTER) -> None:
        if not (project / "content").is_dir():
            raise FriseError(f"no frise project in '{project}' (no content/ folder): run "
                             "frise serve in a project's folder, pass --project, or create "
                             "one with frise init")
        self.project = project
        self.verbose = verbose
        self.drafts = drafts
        self.log = log or (lambda message: None)
        self.debounce = debounce
        self.tidy_after = tidy_after
        self.state = State(output=project / "site")
        self.memory = builder.Memory()
        self.watched = tuple(name for name in ("content", "templates")
                             if (project / name).is_dir())
        """The folders whose changes rebuild: content/, and templates/ where the project
        overrides the theme."""
        """The last build's parsed files and Markdown: a save re-reads only what changed."""
        self._dirty = threading.Event()
        self._last_change = 0.0
        self._stop = threading.Event()
        try:
            self.httpd = DevHTTPServer(port, self.state, long_poll)
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                raise FriseError(
                    f"port {port} is taken by another program (perhaps another frise serve); "
                    f"stop it, or choose another port: frise serve --port {port + 1}") from None
            raise FriseError(f"cannot listen on {HOST}:{port}: {exc.strerror}") from None
        self.port = int(self.httpd.server_address[1])
        self.observer = Observer()
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def rebuild(self) -> bool:
        """One build; publishes its errors (or none) to the pages. True when it succeeded."""
        try:
            # Drafts are previewed from a folder of the cache, never from the published one.
            preview = self.project / cache.FOLDER / "drafts-site" if self.drafts else None
            report = builder.build(self.project, drafts=self.drafts, output=preview,
                                   memory=self.memory)
        except FriseError as exc:
            errors = exc.errors if isinstance(exc, ContentErrors) else [exc]
            self.state.publish([e.to_dict() for e in errors], None)
            self.log("\n".join(str(e) for e in errors)
                     + f"\n{count(len(errors), 'error')}; still serving the last good site")
            return False
        except Exception as exc:  # a bug must not stop the preview; show it and go on
            traceback.print_exc(file=sys.stderr)
            self.state.publish([{"path": None, "line": None, "col": None,
                                 "message": f"internal error: {exc!r}"}], None)
            return False
        self.state.publish([], report.output)
        total = sum(report.seconds.values())
        stages = (" (" + ", ".join(f"{k} {v:.3f} s" for k, v in report.seconds.items()) + ")"
                  if self.verbose else "")
        self.log(f"built {count(report.events, 'event')} in {total:.2f} s{stages}: "
                 f"{count(report.parsed, 'file')} read anew, "
                 f"{report.rendered} of {count(report.files, 'file')} rendered")
        return True

    def changed(self) -> None:
        self._last_change = time.monotonic()
        self._dirty.set()

    def _rebuild_loop(self) -> None:
        try:
            self._ready_spare()
            while not self._stop.is_set():
                if not self._dirty.wait(0.5):
                    continue
                while time.monotonic() - self._last_change < self.debounce:
                    time.sleep(self.debounce / 3)
                self._dirty.clear()
                if not self._stop.is_set():
                    self.rebuild()
                    if not self._dirty.wait(self.tidy_after) and not self._stop.is_set():
                        self.memory.settle()
                        tidy()
                        self._ready_spare()
        finally:  # the manifest on disk, for the command line's next build
            self.memory.settle()

    def _ready_spare(self) -> None:
        """While no save waits: the next build's folder made ready (`output.ready_spare`),
        so that the first save after a full render, or after serve starts, links only
        what it changed (at 10,000 events, a first save 8 s after the page was opened
        took 2.5 to 2.7 s without, 1.4 s with, against 1.1 s for the saves after it)."""
        if self.memory.site is not None:
            folder, files = self.memory.site
            ready_spare(self.project, folder, files,
                        lambda: self._dirty.is_set() or self._stop.is_set())

    def start(self) -> None:
        """Builds once, then serves and watches in background threads."""
        self.rebuild()
        self.memory.settle()
        tidy()
        for name in self.watched:
            self.observer.schedule(_Watch(self.changed), str(self.project / name), recursive=True)
        self.observer.start()
        for target in (self.httpd.serve_forever, self._rebuild_loop):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        self._dirty.set()  # the rebuild loop may be waiting to tidy
        self.observer.stop()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.observer.join(timeout=5)
        for thread in self._threads:
            thread.join(timeout=5)
        gc.unfreeze()  # what `tidy` froze is the collector's again

    def wait(self) -> None:
        """Blocks until Ctrl+C, then stops everything."""
        try:
            while not self._stop.wait(3600):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

