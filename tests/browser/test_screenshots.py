"""Screenshots a reviewer opens in tests/screenshots/: desktop, phone, JavaScript off,
dark mode and print, of the index and of an event page, for both sites."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
EVENT_PAGE = {"real": "events/2023-07-12-gallant-bakou/index.html",
              "en": "events/treaty/index.html"}

VIEWS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": DESKTOP},
    "phone": {"viewport": PHONE, "device_scale_factor": 2, "is_mobile": True, "has_touch": True},
    "nojs": {"viewport": DESKTOP, "java_script_enabled": False},
    "dark": {"viewport": DESKTOP, "color_scheme": "dark"},
    "phone-dark": {"viewport": PHONE, "color_scheme": "dark", "is_mobile": True},
}


@pytest.mark.parametrize("view", sorted(VIEWS))
@pytest.mark.parametrize("site", ["real", "en"])
def test_screenshots(site: str, view: str, served: dict[str, str],
                     open_page: Callable[..., Any], screenshot: Callable[..., Path]) -> None:
    watched = open_page(**VIEWS[view])
    page = watched.page
    for name, path in (("index", "index.html"), ("event", EVENT_PAGE[site])):
        page.goto(served[site] + path)
        page.wait_for_load_state("load")
        shot = screenshot(page, f"{site}-{name}-{view}")
        assert shot.stat().st_size > 10_000, "the screenshot is blank"
    assert watched.errors == []


@pytest.mark.parametrize("site", ["real", "en"])
def test_print(site: str, served: dict[str, str], open_page: Callable[..., Any],
               screenshot: Callable[..., Path]) -> None:
    """Print: hides the controls, shows every event with its sources and their URLs."""
    page = open_page(viewport={"width": 794, "height": 1123}).page
    page.goto(served[site] + "index.html?tag=does-not-exist")
    page.emulate_media(media="print")
    hidden = page.evaluate(
        "() => ['#filters', '.zoom', '#overview-h'].map(s => document.querySelector(s))"
        ".map(el => el && el.getClientRects().length === 0)")
    assert hidden == [True, True, False], "the controls are hidden; the frise is printed"
    shown = page.locator("li.event").evaluate_all(
        "els => els.filter(e => e.getClientRects().length > 0).length")
    assert shown == page.locator("li.event").count(), "print must list every event"
    url_after = page.evaluate(
        "() => getComputedStyle(document.querySelector('.card-sources a'), '::after').content")
    assert "attr(href)" in url_after or "http" in url_after, "each source prints its URL"
    shot = screenshot(page, f"{site}-index-print")
    page.pdf(path=str(shot.with_suffix(".pdf")), print_background=False)
    page.goto(served[site] + EVENT_PAGE[site])
    page.emulate_media(media="print")
    assert page.locator(".citation .url").first.is_visible(), "print shows each source's URL"
    screenshot(page, f"{site}-event-print")


def test_screenshot_of_a_filtered_view(served: dict[str, str], open_page: Callable[..., Any],
                                       screenshot: Callable[..., Path]) -> None:
    """The controls in use: two themes, an actor and the actors' list open; then phone."""
    for view in ("desktop", "phone"):
        page = open_page(**VIEWS[view]).page
        page.goto(served["real"] + "index.html?tag=defense&tag=iran&actor=ilham-aliyev")
        assert page.locator("#timeline li.event:not([hidden])").count() > 0
        screenshot(page, f"real-index-filtered-{view}", full_page=False)
