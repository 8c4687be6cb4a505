"""Screenshots a reviewer opens in tests/screenshots/: desktop, phone, JavaScript off,
dark mode and print, of the index and of an event page, for both sites; and what a
reader would notice on each without opening them: the page is laid out (its landmarks
shown, inside the screen, nothing wider than the screen, no text cut off), and the
first screen is drawn, in the colours of the reader's scheme."""

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

LAYOUT = """() => {
  const width = document.documentElement.clientWidth;
  const landmarks = {};
  for (const [name, selector] of [['banner', 'body > header'], ['main', 'main'],
                                  ['contentinfo', 'body > footer'], ['heading', 'main h1']]) {
    const el = document.querySelector(selector);
    const r = el && el.getBoundingClientRect();
    landmarks[name] = !el ? 'missing'
      : getComputedStyle(el).visibility !== 'visible' || r.width < 1 || r.height < 1 ? 'hidden'
      : r.left < -1 || r.right > width + 1 ? `outside the screen (${r.left}–${r.right})`
      : 'shown';
  }
  // Text that leaves the screen sideways, or that a box of fixed size cuts off. Skipped:
  // what is hidden for screen readers, the skip link, the frise's SVG (checked on its own)
  // and the inside of boxes that scroll (their text is reached by scrolling them).
  const cut = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    const el = node.parentElement;
    if (!node.textContent.trim() || el.closest('.visually-hidden, .skip, svg')) continue;
    if (getComputedStyle(el).visibility !== 'visible') continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const boxes = [...range.getClientRects()].filter(b => b.width > 0 && b.height > 0);
    if (!boxes.length) continue;
    let scrolls = false;
    const clips = [];
    for (let up = el; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      const overflow = [style.overflowX, style.overflowY];
      if (overflow.some(o => o === 'auto' || o === 'scroll')) { scrolls = true; break; }
      if (overflow.some(o => o === 'hidden' || o === 'clip')) {
        clips.push(up.getBoundingClientRect());
      }
    }
    if (scrolls) continue;
    for (const b of boxes) {
      const outside = b.left < -1 || b.right > width + 1;
      const clipped = clips.some(c => b.left < c.left - 1 || b.right > c.right + 1
                                      || b.top < c.top - 1 || b.bottom > c.bottom + 1);
      if (outside || clipped) {
        cut.push(`${el.tagName.toLowerCase()}.${el.className}: "${node.textContent.trim()
          .slice(0, 40)}" at ${Math.round(b.left)}–${Math.round(b.right)}`);
        break;
      }
    }
  }
  return {landmarks, overflow: document.documentElement.scrollWidth - width, cut};
}"""

@pytest.mark.parametrize("view", sorted(VIEWS))
@pytest.mark.parametrize("site", ["real", "en"])
def test_screenshots(site: str, view: str, served: dict[str, str],
                     open_page: Callable[..., Any], screenshot: Callable[..., Path],
                     pixels: Callable[[Any, bytes], dict[str, float]]) -> None:
    watched = open_page(**VIEWS[view])
    page = watched.page
    dark = VIEWS[view].get("color_scheme") == "dark"
    for name, path in (("index", "index.html"), ("event", EVENT_PAGE[site])):
        page.goto(served[site] + path)
        page.wait_for_load_state("load")
        screenshot(page, f"{site}-{name}-{view}")
        layout = page.evaluate(LAYOUT)
        where = f"{site} {name} {view}"
        # on a phone, the index's own title replaces the masthead (the first event
        # shows on the first screen)
        banner = "hidden" if name == "index" and view.startswith("phone") else "shown"
        assert layout["landmarks"] == {"banner": banner, "main": "shown",
                                       "contentinfo": "shown", "heading": "shown"}, where
        assert layout["overflow"] <= 0, f"{where}: the page is wider than the screen"
        assert layout["cut"] == [], f"{where}: text cut off or off the screen"
        shown = pixels(page, page.screenshot())
        assert shown["colours"] > 64 and shown["share"] < 0.97, f"{where}: blank? {shown}"
        if dark:
            assert shown["background"] < 0.2, f"{where}: a light page in dark mode {shown}"
        else:
            assert shown["background"] > 0.8, f"{where}: a dark page in light mode {shown}"
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
        layout = page.evaluate(LAYOUT)
        assert layout["overflow"] <= 0 and layout["cut"] == [], view
