"""Long timelines: the real content (9 events) and synthetic projects of 1,000 and
10,000 events, built once per session. Every page stays light, passes axe and the Nu
checker, jumps land on their target, search and filters cover every period, and the
frise is drawn to scale, labelled, and follows the filters."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
SCREENSHOTS = ROOT / "tests" / "screenshots"
SIZES = (1000, 10000)
"""As in conftest.py: the synthetic projects the session builds."""
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGE_BUDGET = 500_000
"""Bytes of one page's HTML with the CSS and JavaScript it links, before compression."""
LINKED = re.compile(r'<(?:link rel="stylesheet"[^>]*href|script[^>]*src)="([^"]+)"')
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SITES = ["real", *map(str, SIZES)]


def kinds_of_pages(site: Path) -> dict[str, str]:
    """One page of each kind the site has, by kind."""
    def middle(pattern: str) -> list[str]:
        found = sorted(p.relative_to(site).as_posix() for p in site.glob(pattern))
        return found[len(found) // 2:][:1]

    kinds = {"index": ["index.html"], "period": middle("periods/*/index.html"),
             "event": middle("events/*/index.html"), "tags": ["tags/index.html"],
             "tag": middle("tags/*/index.html"), "tag-period": middle("tags/*/*/index.html"),
             "actors": ["actors/index.html"], "actor": middle("actors/*/index.html"),
             "actor-period": middle("actors/*/*/index.html"), "404": ["404.html"]}
    return {kind: found[0] for kind, found in kinds.items() if found}


@pytest.fixture(scope="module")
def sites(built_sites: dict[str, Path], synthetic_sites: dict[str, Path]) -> dict[str, Path]:
    return {"real": built_sites["real"], **synthetic_sites}


@pytest.fixture(scope="module")
def urls(served: dict[str, str], served_synthetic: dict[str, str]) -> dict[str, str]:
    return {"real": served["real"], **served_synthetic}


def violations(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
            for v in result["violations"]]


def in_view(page: Any, selector: str) -> bool:
    return bool(page.evaluate(
        "s => { const r = document.querySelector(s).getBoundingClientRect();"
        " return r.top >= -2 && r.top < innerHeight - 40; }", selector))


@pytest.mark.parametrize("site", SITES)
def test_every_page_with_its_css_and_js_weighs_under_500_kb(
        site: str, sites: dict[str, Path]) -> None:
    folder = site_folder = sites[site]
    assets: dict[str, int] = {}
    heaviest = (0, "")
    for page in folder.rglob("*.html"):
        html = page.read_bytes()
        size = len(html)
        for href in LINKED.findall(html.decode("utf-8")):
            # 404.html links the absolute address (hosts serve it at any depth)
            target = (site_folder / ("assets/" + href.rsplit("/assets/", 1)[1]) if "://" in href
                      else (page.parent / href).resolve())
            key = str(target)
            if key not in assets:
                assets[key] = target.stat().st_size
            size += assets[key]
        heaviest = max(heaviest, (size, page.relative_to(folder).as_posix()))
    assert heaviest[0] < PAGE_BUDGET, heaviest
    if site != "real":
        assert (folder / "periods").is_dir(), "a long timeline is cut into periods"


@pytest.mark.parametrize("site", [str(n) for n in SIZES])
def test_axe_finds_no_violation_on_any_kind_of_page(
        site: str, sites: dict[str, Path], urls: dict[str, str],
        open_page: Callable[..., Any], need: Callable[[bool, str], None]) -> None:
    need(AXE.is_file(), "axe-core is not installed (npm install --ignore-scripts)")
    kinds = kinds_of_pages(sites[site])
    assert {"index", "period", "event", "tag", "actor"} <= set(kinds)
    found: dict[str, list[str]] = {}
    for scheme, viewport in (("light", DESKTOP), ("dark", PHONE)):
        page = open_page(viewport=viewport, color_scheme=scheme).page
        for kind, path in kinds.items():
            page.goto(urls[site] + path)
            if problems := violations(page):
                found[f"{scheme} {kind} {path}"] = problems
        # search results drawn by JavaScript, from every period
        page.goto(urls[site] + kinds["period"] + "?q=theme&tag=theme-01")
        page.wait_for_selector("html[data-search-ready]", state="attached")
        assert page.locator("#result-list li").count() > 0
        if problems := violations(page):
            found[f"{scheme} results"] = problems
    assert found == {}


def test_nu_html_checker_finds_no_error_on_any_kind_of_page(
        synthetic_sites: dict[str, Path],
        nu_errors: Callable[[list[Path]], list[str]]) -> None:
    pages = [folder / path for folder in synthetic_sites.values()
             for path in kinds_of_pages(folder).values()]
    assert len(pages) >= 14
    assert nu_errors(pages) == []


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
@pytest.mark.parametrize("site", SITES)
def test_a_jump_to_a_year_to_an_event_and_back_lands_on_its_target(
        site: str, motion: str, sites: dict[str, Path], urls: dict[str, str],
        open_page: Callable[..., Any]) -> None:
    page = open_page(viewport=DESKTOP, reduced_motion=motion).page
    page.goto(urls[site] + "index.html")
    years = page.locator("nav.overview a.year-link, nav.overview a.bin")
    assert years.count() > 1
    link = years.nth(years.count() * 2 // 3)
    href = link.get_attribute("href")
    link.click()
    target = href.rsplit("#", 1)[1]
    page.wait_for_function("t => location.hash === '#' + t", arg=target)
    page.wait_for_function(
        "t => { const e = document.getElementById(t); if (!e) return false;"  # loading
        " const r = e.getBoundingClientRect();"
        " return r.top >= -2 && r.top < innerHeight - 40; }", arg=target)
    # an event's page, then its way back to the chronology
    card = page.locator(f'[id="{target}"] h3 a') if "#y" not in href else page.locator(
        f'[id="{target}"] li.event h3 a').first
    event_id = card.evaluate("a => a.closest('li.event').id")
    card.click()
    page.wait_for_url(re.compile(rf"events/{re.escape(event_id)}/"))
    page.locator(".pager .up a").click()
    page.wait_for_function("t => location.hash === '#' + t", arg=event_id)
    page.wait_for_function(
        "t => { const e = document.getElementById(t); if (!e) return false;"  # loading
        " const r = e.getBoundingClientRect();"
        " return r.top >= -2 && r.top < innerHeight - 40; }", arg=event_id)
    assert in_view(page, f'[id="{event_id}"]')


def test_search_and_filters_reach_every_period(
        synthetic_sites: dict[str, Path], urls: dict[str, str],
        open_page: Callable[..., Any]) -> None:
    folder = synthetic_sites["10000"]
    data = json.loads((folder / "assets" / "search-index.js").read_text(encoding="utf-8")
                      .removeprefix("window.friseIndex=").rstrip().rstrip(";"))
    first_id, title = data["events"][0][0], data["events"][0][1]
    word = max(re.findall(r"\w+", title), key=len)
    last_period = sorted(p.parent.name for p in (folder / "periods").glob("*/index.html"))[-1]
    page = open_page(viewport=DESKTOP).page
    page.goto(urls["10000"] + f"periods/{last_period}/index.html")
    page.get_by_role("searchbox").fill(f"{title}")
    page.wait_for_selector("html[data-search-ready]", state="attached")
    assert page.locator(f'#result-list a[href$="events/{first_id}/index.html"]').count() == 1
    assert f"q={word}" in page.url.replace("+", " ") or "q=" in page.url
    assert re.match(r"\d+ sur 10000", page.locator("#shown").inner_text())
    page.get_by_role("searchbox").fill("")
    page.get_by_role("checkbox", name=re.compile("^Thème 3\\b")).check()
    shown = int(page.locator("#shown").inner_text().split()[0])
    expected = sum(1 for ev in data["events"] if data["tags"].index("theme-03") in ev[5])
    assert shown == expected
    assert "tag=theme-03" in page.url


def test_the_frise_has_a_labelled_bar_for_every_period_on_the_real_content(
        urls: dict[str, str], open_page: Callable[..., Any],
        events_of: Callable[[str], list[Any]]) -> None:
    periods = [e for e in events_of("real") if e.end and e.end != e.date]
    for viewport in (DESKTOP, PHONE):
        page = open_page(viewport=viewport).page
        page.goto(urls["real"] + "index.html")
        bars = page.locator("nav.overview a.span")
        hrefs = [bars.nth(i).get_attribute("href") for i in range(bars.count())]
        assert hrefs == [f"events/{e.id}/index.html" for e in periods]
        boxes = page.evaluate("""() => {
          const frame = document.querySelector('.frise-svg').getBoundingClientRect();
          return [...document.querySelectorAll('.frise-svg a.span .plabel')].map(t => {
            const r = t.getBoundingClientRect();
            return {text: t.textContent, visible: getComputedStyle(t).visibility,
                    inside: r.left >= frame.left - 1 && r.right <= frame.right + 1,
                    box: [r.left, r.top, r.right, r.bottom]};
          });
        }""")
        for box, event in zip(boxes, periods, strict=True):
            assert box["visible"] == "visible" and box["inside"], box
            assert box["text"].startswith(event.title), "the whole title, never cut"
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                (l1, t1, r1, b1), (l2, t2, r2, b2) = a["box"], b["box"]
                assert r1 <= l2 or r2 <= l1 or b1 <= t2 or b2 <= t1, (a["text"], b["text"])


def test_filters_update_the_frise(urls: dict[str, str], open_page: Callable[..., Any],
                                  events_of: Callable[[str], list[Any]]) -> None:
    iran = {e.id for e in events_of("real") if any(t.slug == "iran" for t in e.tags)}
    page = open_page(viewport=DESKTOP).page
    page.goto(urls["real"] + "index.html")
    page.get_by_role("checkbox", name=re.compile("^Iran")).check()
    page.wait_for_selector("html[data-search-ready]", state="attached")
    dimmed = page.locator(".frise-svg [data-event]").evaluate_all(
        "els => els.map(e => [e.getAttribute('data-event'), e.classList.contains('off')])")
    assert dimmed and all(off == (key not in iran) for key, off in dimmed)
    # a dense frise: the counts of each bin follow the filter
    page.goto(urls["10000"] + "index.html")
    heights = "() => [...document.querySelectorAll('.frise-svg rect.count')]" \
              ".map(r => +r.getAttribute('height'))"
    before = page.evaluate(heights)
    page.get_by_role("checkbox", name=re.compile("^Thème 7\\b")).check()
    page.wait_for_selector("html[data-search-ready]", state="attached")
    page.wait_for_function(f"() => ({heights})().join() !== {json.dumps(before)}.join()")
    after = page.evaluate(heights)
    assert len(after) == len(before) and max(after) <= 40


def test_the_frise_zooms_and_pans_with_buttons_and_keys(
        urls: dict[str, str], open_page: Callable[..., Any]) -> None:
    page = open_page(viewport=DESKTOP).page
    page.goto(urls["1000"] + "index.html")
    width = "() => document.querySelector('.frise-svg').getBoundingClientRect().width"
    whole = page.evaluate(width)
    page.get_by_role("button", name="Agrandir la frise").click()
    assert page.evaluate(width) == pytest.approx(2 * whole, rel=0.01)
    page.locator(".frise-svg a.bin").first.focus()
    page.keyboard.press("+")
    assert page.evaluate(width) == pytest.approx(4 * whole, rel=0.01)
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.querySelector('.frise-scroll').scrollLeft") > 0
    page.keyboard.press("0")
    assert page.evaluate(width) == pytest.approx(whole, rel=0.01)


def test_without_javascript_every_event_is_two_clicks_from_the_index(
        synthetic_sites: dict[str, Path]) -> None:
    folder = synthetic_sites["1000"]
    index = (folder / "index.html").read_text(encoding="utf-8")
    periods = re.findall(r'<li><a href="(periods/[^"]+)">', index)
    reached: set[str] = set()
    for path in periods:
        reached.update(re.findall(r'<li class="event[^"]*" id="([^"]+)"',
                                  (folder / path).read_text(encoding="utf-8")))
    events = {p.parent.name for p in (folder / "events").glob("*/index.html")}
    assert len(events) == 1000 and reached == events


def test_the_first_event_is_on_the_first_screen_of_a_phone(
        urls: dict[str, str], open_page: Callable[..., Any]) -> None:
    page = open_page(viewport=PHONE, is_mobile=True, has_touch=True).page
    page.goto(urls["real"] + "index.html")
    top = page.evaluate("document.querySelector('li.event h3').getBoundingClientRect().top")
    assert top < PHONE["height"] - 80, "the first event, its date and title, on the first screen"
    clipped = page.evaluate("""() => {
      const frame = document.querySelector('.frise-svg').getBoundingClientRect();
      return [...document.querySelectorAll('.frise-svg text')].filter(t => {
        const r = t.getBoundingClientRect();
        return getComputedStyle(t).visibility === 'visible' && r.width > 0 &&
          (r.left < frame.left - 1 || r.right > frame.right + 1);
      }).map(t => t.textContent);
    }""")
    assert clipped == []


def test_compact_view_and_folded_years(urls: dict[str, str],
                                       open_page: Callable[..., Any]) -> None:
    page = open_page(viewport=DESKTOP).page
    page.goto(urls["real"] + "index.html")
    summary = page.locator("li.event .summary").first
    assert summary.is_visible()
    page.get_by_role("button", name="Vue compacte").click()
    assert not summary.is_visible()
    page.locator("li.event h3 a").first.focus()
    assert summary.is_visible(), "a row opens when it has the focus"
    fold = page.get_by_role("button", name="Replier 2023")
    fold.focus()
    page.keyboard.press("Enter")
    assert fold.get_attribute("aria-expanded") == "false"
    assert not page.locator("#y2023 li.event").first.is_visible()


VIEWS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": DESKTOP},
    "phone": {"viewport": PHONE, "device_scale_factor": 2, "is_mobile": True,
              "has_touch": True},
    "dark": {"viewport": DESKTOP, "color_scheme": "dark"},
    "nojs": {"viewport": DESKTOP, "java_script_enabled": False},
    "print": {"viewport": {"width": 794, "height": 1123}},
}


@pytest.mark.parametrize("view", sorted(VIEWS))
@pytest.mark.parametrize("site", ["real", "1000"])
def test_screenshots_of_the_frise(site: str, view: str, urls: dict[str, str],
                                  open_page: Callable[..., Any],
                                  pixels: Callable[[Any, bytes], dict[str, float]]) -> None:
    """tests/screenshots/frise-<site>-<view>.png: the frise alone, for a reviewer."""
    watched = open_page(**VIEWS[view])
    page = watched.page
    page.goto(urls[site] + "index.html")
    if view == "print":
        page.emulate_media(media="print")
    frise = page.locator("nav.overview")
    assert frise.is_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"frise-{site}-{view}.png"
    frise.screenshot(path=str(shot))
    shown = pixels(page, page.locator(".frise-svg").screenshot())
    assert shown["colours"] > 16 and shown["share"] < 0.97, f"the frise is not drawn: {shown}"
    assert watched.errors == []
