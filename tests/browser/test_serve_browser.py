"""`frise serve` in Chromium: the open page reloads itself after a save, shows the
located errors over the page while the content is broken, and comes back when fixed.

Skips without /usr/bin/chromium (see conftest.py). Waits poll with generous timeouts.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.commands.serve import DevServer

pytestmark = pytest.mark.browser

SITE = "title: Served in Chromium\nlanguage: en\n"
EVENT = "title: {title}\ndate: '{date}'\nsummary: Something happened.\n"
WAIT_MS = 60_000


@pytest.fixture
def dev(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    root = tmp_path / "project"
    (root / "content/events").mkdir(parents=True)
    (root / "content/site.yaml").write_text(SITE, encoding="utf-8")
    (root / "content/events/first.yaml").write_text(
        EVENT.format(title="First title", date="2023-03-29"), encoding="utf-8")
    server = DevServer(root, port=0, debounce=0.05)
    server.start()
    try:
        yield root, server.url
    finally:
        server.stop()


def test_open_page_reloads_itself_after_an_edit(dev, open_page) -> None:
    root, url = dev
    page = open_page().page
    page.goto(url)
    assert "First title" in page.inner_text("main")
    page.evaluate("window.__beforeReload = true")
    (root / "content/events/first.yaml").write_text(
        EVENT.format(title="Saved in the editor", date="2023-03-29"), encoding="utf-8")
    page.wait_for_function("document.body && document.body.innerText.includes("
                           "'Saved in the editor')", timeout=WAIT_MS)
    assert page.evaluate("window.__beforeReload === undefined")  # a real reload
    assert page.locator("#frise-errors").count() == 0


def test_error_overlay_appears_when_a_date_breaks_and_goes_when_fixed(dev, open_page) -> None:
    root, url = dev
    page = open_page().page
    page.goto(url + "events/first/")
    event = root / "content/events/first.yaml"
    event.write_text(EVENT.format(title="Broken title", date="2023-02-30"), encoding="utf-8")
    overlay = page.locator("#frise-errors")
    overlay.wait_for(state="visible", timeout=WAIT_MS)
    text = overlay.inner_text()
    assert "content/events/first.yaml:2:" in text
    assert "February 2023 has 28 days" in text
    assert overlay.get_attribute("role") == "alert"
    assert "First title" in page.inner_text("main")   # the last good page, under the errors
    event.write_text(EVENT.format(title="Fixed title", date="2023-02-28"), encoding="utf-8")
    page.wait_for_function("document.body && document.body.innerText.includes('Fixed title')",
                           timeout=WAIT_MS)
    overlay.wait_for(state="detached", timeout=WAIT_MS)


def test_page_opened_while_broken_shows_the_errors(dev, open_page) -> None:
    root, url = dev
    (root / "content/events/first.yaml").write_text(
        EVENT.format(title="First title", date="2023-13"), encoding="utf-8")
    page = open_page().page
    page.goto(url)
    overlay = page.locator("#frise-errors")
    overlay.wait_for(state="visible", timeout=WAIT_MS)
    assert "no month 13" in overlay.inner_text()
