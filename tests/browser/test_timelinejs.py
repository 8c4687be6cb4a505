"""TimelineJS itself reads our timeline.json and events.csv.

The npm package `@knight-lab/timelinejs` is served from local files with its
language files and a font theme that needs no download; Chromium may reach
nothing but 127.0.0.1. Every event must become a slide, our dates in words
must be shown, TimelineJS must read BCE years as we mean them, and nothing may
be logged as an error.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
DIST = REPO / "node_modules" / "@knight-lab" / "timelinejs" / "dist"

pytestmark = pytest.mark.browser

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>TimelineJS test</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="tl/css/timeline.css">
<script src="tl/js/timeline.js"></script>
</head><body>
<div id="timeline" style="width: 1100px; height: 650px"></div>
<script>
  const params = new URLSearchParams(location.search);
  window.tlLoaded = false;
  window.timeline = new TL.Timeline("timeline", params.get("data"), {
    script_path: new URL("tl/js/", location.href).href,
    font: "georgia-helvetica",
    language: params.get("lang"),
    hash_bookmark: false,
  });
  window.timeline.on("loaded", () => { window.tlLoaded = true; });
</script>
</body></html>
"""

REPORT = """() => {
  const tl = window.timeline;
  const strip = (html) => { const d = document.createElement("div"); d.innerHTML = html;
                            return d.textContent; };
  return {
    errors: tl.config.messages.errors.map(String),
    warnings: tl.config.messages.warnings.map(String),
    slides: document.querySelectorAll(".tl-slide").length,
    markers: document.querySelectorAll(".tl-timemarker").length,
    ids: tl.config.events.map(e => e.unique_id),
    events: Object.fromEntries(tl.config.events.map(e => [e.unique_id, {
      headline: e.text.headline,
      year: e.start_date.data.year,
      shown: strip(e.start_date.getDisplayDate(tl.language)),
      display: (document.getElementById(e.unique_id) || document.body)
        .querySelector(".tl-headline-date")?.textContent ?? null,
    }])),
    title: tl.config.title ? tl.config.title.text.headline : null,
  };
}"""


@pytest.fixture(scope="module")
def timelinejs(tmp_path_factory: pytest.TempPathFactory, built_sites: dict[str, Path],
               need: Callable[[bool, str], None]) -> Iterator[str]:
    """TimelineJS's dist, a test page and the two built sites (`en`: the English
    fixture, `fr`: the real content) under one local HTTP server; its base URL."""
    need((DIST / "js" / "timeline.js").is_file(),
         "TimelineJS is not installed: npm install --ignore-scripts @knight-lab/timelinejs")
    root = tmp_path_factory.mktemp("timelinejs")
    (root / "tl").symlink_to(DIST, target_is_directory=True)
    (root / "en").symlink_to(built_sites["en"], target_is_directory=True)
    (root / "fr").symlink_to(built_sites["real"], target_is_directory=True)
    (root / "index.html").write_text(PAGE, encoding="utf-8")
    handler = partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def open_timeline(browser: Any, base: str, data: str, lang: str) -> dict[str, Any]:
    """Loads TimelineJS on `data`; returns what it built and every problem it logged."""
    problems: list[str] = []
    outside: list[str] = []
    requested: list[str] = []
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    try:
        page = context.new_page()
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
                if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
        page.on("request", lambda r: requested.append(r.url))
        page.on("request", lambda r: outside.append(r.url)
                if not r.url.startswith(base) else None)
        page.on("response", lambda r: problems.append(f"{r.status}: {r.url}")
                if r.status >= 400 else None)
        page.goto(f"{base}index.html?data={base}{data}&lang={lang}")
        page.wait_for_function("window.tlLoaded === true")
        report: dict[str, Any] = page.evaluate(REPORT)
    finally:
        context.close()
    report["problems"] = problems
    report["outside"] = outside
    report["requested"] = requested
    return report


SITES = {"en": "en", "fr": "real"}
"""Language of the page → the built site of `built_sites`."""


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_timelinejs_builds_a_slide_for_every_event(
        timelinejs: str, browser: Any, built_sites: dict[str, Path],
        events_of: Callable[[str], list[Any]], lang: str) -> None:
    events = events_of(SITES[lang])
    report = open_timeline(browser, timelinejs, f"{lang}/timeline.json", lang)
    assert report["problems"] == [] and report["outside"] == []
    assert report["errors"] == [] and report["warnings"] == []
    assert sorted(report["ids"]) == sorted(e.id for e in events)
    assert report["slides"] == len(events) + 1  # the title slide and one per event
    assert report["markers"] == len(events)
    # its font theme and language file were loaded, from here
    assert any(u.endswith("/tl/css/fonts/font.georgia-helvetica.css")
               for u in report["requested"])
    if lang != "en":  # English is built in; other languages come from dist/js/locale/
        assert any(u.endswith(f"/tl/js/locale/{lang}.json") for u in report["requested"])
    data = json.loads((built_sites[SITES[lang]] / "timeline.json").read_text(encoding="utf-8"))
    assert report["title"] == data["title"]["text"]["headline"]
    words = {s["unique_id"]: s["display_date"] for s in data["events"]}
    for event_id, seen in report["events"].items():
        assert seen["display"] == words[event_id], event_id  # our words, on the slide


def test_timelinejs_reads_bce_years_as_we_mean_them(timelinejs: str, browser: Any) -> None:
    report = open_timeline(browser, timelinejs, "en/timeline.json", "en")
    rome = report["events"]["rome-founded"]  # EDTF -0752~: 753 BC
    assert rome["year"] == -753
    assert rome["shown"].split() == ["753", "BCE"]  # TimelineJS's own words for the year
    assert report["events"]["ada-program"]["shown"] == "1843"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_timelinejs_reads_our_spreadsheet(timelinejs: str, browser: Any,
                                          events_of: Callable[[str], list[Any]], lang: str
                                          ) -> None:
    """events.csv, read by TimelineJS's own spreadsheet reader, gives the same slides."""
    events = events_of(SITES[lang])
    report = open_timeline(browser, timelinejs, f"{lang}/events.csv", lang)
    assert report["problems"] == [] and report["outside"] == []
    assert report["errors"] == []
    assert report["slides"] == len(events) + 1
    headlines = sorted(e["headline"] for e in report["events"].values())
    assert headlines == sorted(e.title for e in events)
    if lang == "en":
        rome = next(e for e in report["events"].values() if e["headline"] == "Rome is founded")
        assert int(rome["year"]) == -753  # the sheet's cells stay strings in TimelineJS
        assert rome["shown"].split() == ["753", "BCE"]
