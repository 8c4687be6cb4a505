"""`frise serve` against a real server on 127.0.0.1: rebuilds, errors, recovery, safe paths.

No timed assertion: every wait polls with a generous timeout.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.commands import cli
from generator.commands.serve import DevServer, is_ignored, resolve_request
from generator.errors import FriseError

SITE = "title: Served\nlanguage: en\n"
EVENT = "title: {title}\ndate: '{date}'\nsummary: Something happened.\n"
TIMEOUT = 60.0


def wait_for(check: Callable[[], object], what: str) -> object:
    deadline = time.monotonic() + TIMEOUT
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


class Client:
    def __init__(self, port: int) -> None:
        self.port = port

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.putrequest("GET", path, skip_host=False, skip_accept_encoding=True)
            conn.endheaders()
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def status(self) -> dict[str, object]:
        code, _, body = self.get("/__frise__/status")
        assert code == 200
        data = json.loads(body)
        assert isinstance(data, dict)
        return data

    def page(self, path: str = "/") -> str:
        code, _, body = self.get(path)
        assert code == 200, (path, code)
        return body.decode("utf-8")


def atomic_write(path: Path, text: str) -> None:
    """As Vim, VS Code and many editors save: write a temporary file, then rename it."""
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@pytest.fixture
def served(project) -> Iterator[tuple[Path, Client]]:
    root = project({"content/events/first.yaml": EVENT.format(title="First title",
                                                              date="2023-03-29")}, site=SITE)
    server = DevServer(root, port=0, debounce=0.05, long_poll=1.0)
    server.start()
    try:
        yield root, Client(server.port)
    finally:
        server.stop()


def test_serves_the_site_with_the_reload_script_only_when_served(served) -> None:
    root, client = served
    page = client.page("/")
    assert "First title" in page
    assert "/__frise__/reload.js" in page
    on_disk = (root / "site/index.html").read_text(encoding="utf-8")
    assert "First title" in on_disk
    assert "__frise__" not in on_disk
    code, headers, body = client.get("/assets/style.css")
    assert code == 200 and headers["content-type"].startswith("text/css")
    assert b"__frise__" not in body
    code, _, js = client.get("/__frise__/reload.js")
    assert code == 200 and b"location.reload" in js


def test_rebuilds_after_an_edit(served) -> None:
    root, client = served
    before = client.status()["generation"]
    (root / "content/events/first.yaml").write_text(
        EVENT.format(title="Edited title", date="2023-03-29"), encoding="utf-8")
    wait_for(lambda: "Edited title" in client.page("/"), "the edit to be served")
    wait_for(lambda: client.status()["generation"] != before, "a new generation")
    assert "Edited title" in client.page("/events/first/")


def test_rebuilds_after_an_atomic_rename_save(served) -> None:
    root, client = served
    atomic_write(root / "content/events/first.yaml",
                 EVENT.format(title="Renamed into place", date="2023-03-29"))
    wait_for(lambda: "Renamed into place" in client.page("/"), "the renamed file to be served")
    atomic_write(root / "content/events/second.yaml",
                 EVENT.format(title="A new event", date="2024"))
    wait_for(lambda: "A new event" in client.page("/"), "the new file to be served")


def test_broken_content_shows_errors_and_keeps_the_last_good_site(served) -> None:
    root, client = served
    event = root / "content/events/first.yaml"
    event.write_text(EVENT.format(title="Broken one", date="2023-02-30"), encoding="utf-8")
    status = wait_for(lambda: (s := client.status())["errors"] and s, "the error to be published")
    assert isinstance(status, dict)
    errors = status["errors"]
    assert isinstance(errors, list)
    assert errors[0]["path"] == "content/events/first.yaml"
    assert errors[0]["line"] == 2
    assert "February 2023 has 28 days" in errors[0]["message"]
    page = client.page("/")
    assert "First title" in page and "Broken one" not in page   # the last good site
    assert "/__frise__/reload.js" in page                        # which shows the errors
    event.write_text(EVENT.format(title="Fixed title", date="2023-02-28"), encoding="utf-8")
    wait_for(lambda: not client.status()["errors"], "the errors to clear")
    wait_for(lambda: "Fixed title" in client.page("/"), "the fixed page")


def test_long_poll_returns_when_the_generation_changes(served) -> None:
    root, client = served
    generation = client.status()["generation"]
    (root / "content/events/first.yaml").write_text(
        EVENT.format(title="Polled", date="2023-03-29"), encoding="utf-8")

    def changed() -> bool:
        code, _, body = client.get(f"/__frise__/status?since={generation}")
        return code == 200 and json.loads(body)["generation"] != generation

    wait_for(changed, "a new generation")


@pytest.mark.parametrize("path", [
    "/../content/site.yaml",
    "/%2e%2e/content/site.yaml",
    "/%2E%2E/%2E%2E/etc/passwd",
    "/..%2fcontent%2fsite.yaml",
    "/events/../../content/site.yaml",
    "/events/%2e%2e/%2e%2e/content/site.yaml",
    "/..\\content\\site.yaml",
    "/%5c..%5ccontent%5csite.yaml",
    "/events/..%5c..%5ccontent/site.yaml",
    "/%00",
    "/index.html%00.css",
    "/%ff%fe",
    "//etc/passwd",
    "/C:/Windows/win.ini",
    "/" + "a/" * 500,
    "/" + "a" * 300,
    "/events/first/index.html/..",
])
def test_serves_only_files_of_the_output_folder(served, path: str) -> None:
    root, client = served
    code, _, body = client.get(path)
    assert code == 404
    assert b"title: Served" not in body and b"root:" not in body
    assert client.page("/")  # the server is still up


def test_folder_without_slash_redirects_within_the_site(served) -> None:
    _, client = served
    code, headers, _ = client.get("/events/first")
    assert code == 301 and headers["location"] == "/events/first/"
    code, headers, _ = client.get("//events/first")
    assert code == 301 and headers["location"] == "/events/first/"   # never `//host`


def test_resolve_request_refuses_links_out_of_the_root(tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    (root / "ok.txt").write_text("ok")
    (root / "leak.txt").symlink_to(tmp_path / "secret.txt")
    assert resolve_request(root, "/ok.txt") == (root / "ok.txt").resolve()
    assert resolve_request(root, "/leak.txt") is None
    assert resolve_request(root, "/../secret.txt") is None


@pytest.mark.parametrize(("name", "ignored"), [
    ("content/events/a.yaml", False), ("content/events/a.yaml~", True),
    ("content/events/.a.yaml.swp", True), ("content/events/.#a.yaml", True),
    ("content/events/4913", True), ("content/events/.a.yaml.tmp123", True),
    ("templates/base.html", False),
])
def test_editor_leftovers_are_ignored(name: str, ignored: bool) -> None:
    assert is_ignored(name) is ignored


def test_a_taken_port_gives_a_clear_message(project) -> None:
    root = project({"content/events/first.yaml": EVENT.format(title="T", date="2023")}, site=SITE)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(FriseError, match=f"port {port} is taken"):
            DevServer(root, port=port)
        result = CliRunner().invoke(cli.main, ["serve", "-C", str(root), "--port", str(port)])
        assert result.exit_code == 1
        assert f"port {port} is taken" in result.stderr
        assert f"--port {port + 1}" in result.stderr


def test_starts_even_when_the_content_is_broken_then_recovers(project) -> None:
    root = project({"content/events/first.yaml": EVENT.format(title="Late", date="2023-13")},
                   site=SITE)
    server = DevServer(root, port=0, debounce=0.05, long_poll=1.0)
    server.start()
    try:
        client = Client(server.port)
        assert client.status()["errors"]
        code, _, body = client.get("/")
        assert code == 404 and b"/__frise__/reload.js" in body
        (root / "content/events/first.yaml").write_text(
            EVENT.format(title="Late", date="2023-12"), encoding="utf-8")
        wait_for(lambda: not client.status()["errors"], "recovery")
        assert "Late" in client.page("/")
    finally:
        server.stop()


def test_drafts_are_previewed_but_never_written_to_the_published_folder(project) -> None:
    root = project({
        "content/events/first.yaml": EVENT.format(title="Public title", date="2023-03-29"),
        "content/events/second.yaml": EVENT.format(title="Secret title", date="2023-04-01")
        + "draft: true\n",
    }, site=SITE)
    server = DevServer(root, port=0, drafts=True, debounce=0.05, long_poll=1.0)
    server.start()
    try:
        page = Client(server.port).page("/")
        assert "Public title" in page and "Secret title" in page
    finally:
        server.stop()
    published = root / "site"
    assert not published.exists() or not any(
        "Secret title" in p.read_text(encoding="utf-8", errors="replace")
        for p in published.rglob("*") if p.is_file())


def test_frise_serve_command_serves_until_stopped(project) -> None:
    root = project({"content/events/first.yaml": EVENT.format(title="From the CLI",
                                                              date="2023")}, site=SITE)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--port", "0",
                             "-C", str(root)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout or []), daemon=True)
    reader.start()
    try:
        line = wait_for(lambda: next((x for x in lines if "serving" in x), None),
                        "the serving line")
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", str(line))
        assert match
        assert "From the CLI" in Client(int(match.group(1))).page("/")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_save_reads_only_the_changed_file_and_renders_only_what_it_shows(project) -> None:
    files = {f"content/events/e{i}.yaml": EVENT.format(title=f"Event {i}", date=f"{2000 + i}")
             for i in range(12)}
    root = project(files, site=SITE)
    lines: list[str] = []
    server = DevServer(root, port=0, debounce=0.05, long_poll=1.0, log=lines.append)
    server.start()
    try:
        client = Client(server.port)
        atomic_write(root / "content/events/e5.yaml",
                     EVENT.format(title="Saved once", date="2005"))
        wait_for(lambda: "Saved once" in client.page("/events/e5/"), "the save to be served")
        wait_for(lambda: len(lines) >= 2, "the rebuild's report")
    finally:
        server.stop()
    first, last = lines[0], lines[-1]
    assert "13 files read anew" in first  # the events and site.yaml
    assert "1 file read anew" in last
    rendered, files = (int(n) for n in re.findall(r"(\d+) of (\d+) files rendered", last)[0])
    assert rendered < files / 2


def test_the_heap_is_frozen_between_saves_and_given_back_on_stop(project) -> None:
    """Between builds, what serve keeps is frozen out of the collector's walks
    (`serve.tidy`), with the last build's cycles collected first; stopping thaws it."""
    import gc
    import weakref

    class Cycle:
        pass

    root = project({"content/events/first.yaml": EVENT.format(title="First", date="2023")},
                   site=SITE)
    server = DevServer(root, port=0, debounce=0.05, long_poll=1.0)
    loop = Cycle()
    loop.me = loop  # type: ignore[attr-defined]
    gone = weakref.ref(loop)
    del loop
    gc.disable()  # only tidy may collect the cycle
    try:
        server.start()
        assert gone() is None
        assert gc.get_freeze_count() > 0
    finally:
        gc.enable()
        server.stop()
    assert gc.get_freeze_count() == 0


def test_the_page_a_save_rebuilt_is_served_before_the_heap_is_tidied(
        project, monkeypatch: pytest.MonkeyPatch) -> None:
    """`tidy` holds the interpreter for half a second at 10,000 events: after a save it
    waits (`tidy_after`) so that the browser's reload is served first, and a save in the
    meantime is built at once rather than after it."""
    from generator.commands import serve

    tidied: list[int] = []
    monkeypatch.setattr(serve, "tidy", lambda: tidied.append(1))
    root = project({"content/events/e1.yaml": EVENT.format(title="First", date="2001")},
                   site=SITE)
    server = DevServer(root, port=0, debounce=0.05, long_poll=1.0, tidy_after=60.0)
    server.start()  # the first build is tidied at once: nobody is reading yet
    try:
        client = Client(server.port)
        for title in ("Saved once", "Saved twice"):
            atomic_write(root / "content/events/e1.yaml", EVENT.format(title=title, date="2001"))
            wait_for(lambda t=title: t in client.page("/events/e1/"), "the save to be served")
        time.sleep(0.3)  # a tidy right after the build would have run by now
        assert tidied == [1]
    finally:
        started = time.monotonic()
        server.stop()
    assert time.monotonic() - started < 3, "stop waited for the tidy's delay"


def test_the_command_line_takes_the_site_serve_left(project) -> None:
    """Serve records its site's manifest once the page is served, and at the latest when
    it stops: a `frise build` afterwards takes every file from it."""
    from generator.build import pipeline

    root = project({"content/events/e1.yaml": EVENT.format(title="First", date="2001"),
                    "content/events/e2.yaml": EVENT.format(title="Second", date="2002")},
                   site=SITE)
    server = DevServer(root, port=0, debounce=0.05, long_poll=1.0, tidy_after=60.0)
    server.start()
    try:
        client = Client(server.port)
        atomic_write(root / "content/events/e1.yaml", EVENT.format(title="Saved", date="2001"))
        wait_for(lambda: "Saved" in client.page("/events/e1/"), "the save to be served")
    finally:
        server.stop()
    assert pipeline.build(root).rendered == 0


def test_while_no_save_waits_the_next_builds_folder_is_made_ready(
        project, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a full render the spare folder (the next build's) still holds the site
    before it: serve links the current site's files into it while it waits for a save,
    so that the save then writes what it changed and links nothing."""
    from generator.build import pipeline
    from generator.site import output

    root = project({f"content/events/e{i}.yaml": EVENT.format(title=f"Event {i}",
                                                              date=f"200{i}")
                    for i in range(5)}, site=SITE)
    pipeline.build(root)
    (root / "content/site.yaml").write_text(SITE.replace("Served", "Renamed"),
                                            encoding="utf-8")
    pipeline.build(root)  # every page changed: the spare holds none of the site's files
    (spare,) = (root / output.SPARE).iterdir()
    site = root / "site"

    def ready() -> bool:
        return all((spare / rel).is_file()
                   and (spare / rel).stat().st_ino == (site / rel).stat().st_ino
                   for rel in (p.relative_to(site) for p in site.rglob("*")
                               if p.is_file() and p.name != output.MARKER))

    assert not ready()
    linked: list[str] = []
    real_link = os.link
    monkeypatch.setattr(os, "link", lambda src, dst, **kw: linked.append(str(dst))
                        or real_link(src, dst, **kw))
    server = DevServer(root, port=0, debounce=0.05, long_poll=1.0, tidy_after=0.05)
    server.start()
    try:
        wait_for(ready, "the spare folder to hold the current site's files")
        linked.clear()
        atomic_write(root / "content/events/e1.yaml", EVENT.format(title="Saved", date="2001"))
        client = Client(server.port)
        wait_for(lambda: "Saved" in client.page("/events/e1/"), "the save to be served")
        assert linked == []
    finally:
        server.stop()
