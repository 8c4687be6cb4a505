"""What a reader does in Chromium: read with JavaScript off, filter by theme and actor,
share the filtered view by its URL, search, move from event to event with the keyboard;
and every page stays inside the site, over HTTP and from file://."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser
EventsOf = Callable[[str], list[Any]]


def shown_ids(page: Any) -> list[str]:
    """Ids of the events a reader sees (laid out, not just present in the DOM)."""
    return page.locator("#timeline li.event").evaluate_all(
        "els => els.filter(e => e.getClientRects().length > 0).map(e => e.id)")


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if not unicodedata.combining(c)).lower()


@pytest.mark.parametrize("site", ["real", "en"])
def test_without_javascript_the_index_shows_every_event(
        site: str, served: dict[str, str], open_page: Callable[..., Any],
        events_of: EventsOf) -> None:
    page = open_page(java_script_enabled=False).page
    page.goto(served[site] + "index.html")
    assert shown_ids(page) == [e.id for e in events_of(site)]
    assert not page.locator("#filters").is_visible(), "controls need JavaScript: hidden"
    for event in events_of(site):
        card = page.locator(f'li[id="{event.id}"]')
        assert card.locator("article h3 a").inner_text() == event.title
        assert card.locator("time, span[data-edtf]").count() >= 1


def test_filter_by_theme_and_actor_is_kept_in_the_url(
        served: dict[str, str], open_page: Callable[..., Any], events_of: EventsOf) -> None:
    events = events_of("real")
    watched = open_page(viewport={"width": 1366, "height": 900})
    page = watched.page
    page.goto(served["real"] + "index.html")
    total = len(events)
    assert page.locator("#shown").inner_text().startswith(f"{total} sur {total}")

    page.get_by_role("checkbox", name="Défense").check()
    with_defense = [e.id for e in events if any(t.slug == "defense" for t in e.tags)]
    assert shown_ids(page) == with_defense

    page.locator("details.facet summary").click()
    page.get_by_role("checkbox", name="Ilham Aliyev").check()
    both = [e.id for e in events if any(t.slug == "defense" for t in e.tags)
            and any(a.id == "ilham-aliyev" for a in e.actors)]
    assert 0 < len(both) < len(with_defense)
    assert shown_ids(page) == both
    assert page.locator("#shown").inner_text().startswith(f"{len(both)} sur {total}")
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"tag": ["defense"], "actor": ["ilham-aliyev"]}

    page.get_by_role("checkbox", name="Énergie").check()  # a second theme widens
    either = [e.id for e in events if any(t.slug in ("defense", "energie") for t in e.tags)
              and any(a.id == "ilham-aliyev" for a in e.actors)]
    assert shown_ids(page) == either

    shared = page.url
    other = open_page(viewport={"width": 1366, "height": 900}).page
    other.goto(shared)
    assert shown_ids(other) == either, "a shared URL restores the filtered view"
    assert other.get_by_role("checkbox", name="Ilham Aliyev").is_checked()
    other.reload()
    assert shown_ids(other) == either, "a reload keeps the filters"

    other.get_by_role("button", name="Tout afficher").click()
    other.wait_for_function("document.querySelectorAll('#timeline li.event[hidden]').length == 0")
    assert shown_ids(other) == [e.id for e in events]
    assert urlsplit(other.url).query == ""
    assert watched.errors == []


def searchable(e: Any) -> str:
    """What search looks in: title, summary, body, tag labels, actor names and aliases."""
    return fold(" ".join([e.title, e.summary, e.body, *(t.label for t in e.tags),
                          *(a.name for a in e.actors),
                          *(alias for a in e.actors for alias in a.aliases)]))


def test_search_over_titles_texts_tags_and_actors(
        served: dict[str, str], open_page: Callable[..., Any], events_of: EventsOf) -> None:
    events = events_of("real")
    page = open_page(viewport={"width": 1366, "height": 900}).page
    page.goto(served["real"] + "index.html")
    search = page.get_by_role("searchbox", name="Rechercher")
    search.fill("herzog")
    page.wait_for_selector("html[data-search-ready]", state="attached")
    expected = [e.id for e in events if "herzog" in searchable(e)]
    assert expected and shown_ids(page) == expected
    search.fill("petrole")  # accents do not matter: « pétrole » in a summary
    expected = [e.id for e in events if "petrole" in searchable(e)]
    assert expected and shown_ids(page) == expected
    assert parse_qs(urlsplit(page.url).query) == {"q": ["petrole"]}
    search.fill("aliyev")  # an actor's name finds the events of that actor, not only the texts
    expected = [e.id for e in events if "aliyev" in searchable(e)]
    assert len(expected) > len([e for e in events if "aliyev" in fold(e.title + e.summary)])
    assert shown_ids(page) == expected
    search.fill("zzzz-nothing")
    assert shown_ids(page) == []
    assert page.locator("#no-match").is_visible()
    assert page.locator("#shown").inner_text().startswith("0 sur")


def test_search_finds_an_actor_by_an_alias(
        served: dict[str, str], open_page: Callable[..., Any], events_of: EventsOf) -> None:
    """actors.yaml's `aliases` (Ada Byron for Ada Lovelace) are searched, never shown."""
    ada = [e.id for e in events_of("en") if any(a.id == "ada" for a in e.actors)]
    page = open_page(viewport={"width": 1366, "height": 900}).page
    page.goto(served["en"] + "index.html?q=byron")
    page.wait_for_selector("html[data-search-ready]", state="attached")
    assert ada and shown_ids(page) == ada
    assert "Byron" not in page.locator("main").inner_text()


def test_keyboard_moves_from_event_to_event(
        served: dict[str, str], open_page: Callable[..., Any], events_of: EventsOf) -> None:
    events = events_of("real")
    page = open_page(viewport={"width": 1366, "height": 900}).page
    page.goto(served["real"] + "index.html")

    def focused_event() -> str:
        return page.evaluate("document.activeElement.closest('li.event')?.id ?? ''")

    page.locator(f"#h-{events[0].id} a").focus()
    page.keyboard.press("j")
    assert focused_event() == events[1].id
    page.keyboard.press("ArrowDown")
    assert focused_event() == events[2].id
    page.keyboard.press("k")
    assert focused_event() == events[1].id

    page.get_by_role("checkbox", name="Diplomatie").check()
    diplomacy = [e.id for e in events if any(t.slug == "diplomatie" for t in e.tags)]
    page.locator(f"#h-{diplomacy[0]} a").focus()
    page.keyboard.press("j")
    assert focused_event() == diplomacy[1], "keys skip the events the filter hides"

    search = page.get_by_role("searchbox")
    search.focus()
    page.keyboard.type("jk")
    assert search.input_value() == "jk", "typing in the search box is never a shortcut"


def test_every_control_is_labelled_and_reachable(
        served: dict[str, str], open_page: Callable[..., Any]) -> None:
    page = open_page(viewport={"width": 1366, "height": 900}).page
    page.goto(served["real"] + "index.html")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    assert skip.evaluate("e => e === document.activeElement") and skip.is_visible()
    assert skip.bounding_box()["y"] >= 0, "the skip link shows when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    unlabelled = page.locator("#filters input, #filters button").evaluate_all(
        "els => els.filter(e => !(e.labels && e.labels.length) && !e.textContent.trim()"
        " && !e.getAttribute('aria-label')).map(e => e.outerHTML)")
    assert unlabelled == []
    assert page.locator("#shown").get_attribute("role") == "status"
    reached = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.id"))
    assert "q" in reached, "the search box is reached by Tab"
    assert any(r.startswith("f-t-") for r in reached), "the theme boxes are reached by Tab"


@pytest.mark.parametrize("site", ["real", "en"])
def test_no_console_error_and_no_request_leaves_the_site(
        site: str, served: dict[str, str], built_sites: dict[str, Path],
        pages_of: Callable[[Path], list[str]], open_page: Callable[..., Any]) -> None:
    base = served[site]
    for scheme_base in (base, built_sites[site].as_uri() + "/"):
        watched = open_page()
        for path in pages_of(built_sites[site]):
            watched.page.goto(scheme_base + path)
        outside = [u for u in watched.requests
                   if not u.startswith(scheme_base) and not u.startswith("data:")]
        assert outside == [], f"requests leaving the site from {scheme_base}"
        assert watched.errors == []


def test_filters_work_from_a_file_url(
        built_sites: dict[str, Path], open_page: Callable[..., Any], events_of: EventsOf
) -> None:
    events = events_of("real")
    watched = open_page()
    page = watched.page
    page.goto((built_sites["real"] / "index.html").as_uri() + "?tag=iran")
    iran = [e.id for e in events if any(t.slug == "iran" for t in e.tags)]
    assert shown_ids(page) == iran
    page.get_by_role("checkbox", name="Énergie").check()
    assert "tag=energie" in page.url
    assert watched.errors == []


def test_the_frise_links_each_year_to_its_place(
        served: dict[str, str], open_page: Callable[..., Any], events_of: EventsOf) -> None:
    page = open_page(viewport={"width": 1366, "height": 900}, reduced_motion="reduce").page
    page.goto(served["real"] + "index.html")
    links = page.locator("nav.overview svg a.year-link")
    years = sorted({e.date.year for e in events_of("real")})
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert hrefs == [f"#y{y}" for y in years]
    links.last.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#y2023'")
    top = page.evaluate("document.getElementById('y2023').getBoundingClientRect().top")
    assert -2 <= top < 300, "the year's events come into view"


def test_overlapping_periods_run_side_by_side(
        served: dict[str, str], open_page: Callable[..., Any], events_of: EventsOf) -> None:
    """Periods are bars along the axis: two that overlap are in different lanes."""
    events = events_of("real")
    page = open_page(viewport={"width": 1366, "height": 900}).page
    page.goto(served["real"] + "index.html")

    def lanes(event_id: str) -> dict[str, str]:
        return page.locator(f'li[id="{event_id}"] > .lane').evaluate_all(
            "els => Object.fromEntries(els.map(e => [e.style.getPropertyValue('--k'),"
            " e.className.split(' ')[1]]))")

    periods = [e for e in events if e.end is not None and e.end != e.date]
    first, second = periods[0], periods[1]  # SIPRI 2016–2020, then the 2020 war
    assert second.date.start_key <= first.end.end_key, "the content has overlapping periods"
    assert lanes(first.id) == {"0": "start"}
    assert lanes(second.id)["0"] == "mid" and lanes(second.id)["1"] == "start"
    boxes = [page.locator(f'li[id="{second.id}"] > .lane').nth(i).bounding_box()
             for i in range(2)]
    assert boxes[0] and boxes[1] and boxes[0]["x"] != boxes[1]["x"], "drawn apart"
