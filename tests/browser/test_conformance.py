"""Standards, checked by the tools others trust: axe-core finds no WCAG 2.1 A or AA
violation on any page, in light and dark mode, and the Nu Html Checker finds no error."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _violations(page: Any) -> list[str]:
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
            for v in result["violations"]]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("site", ["real", "en"])
def test_axe_finds_no_violation_on_any_page(
        site: str, scheme: str, served: dict[str, str], built_sites: dict[str, Path],
        pages_of: Callable[[Path], list[str]], open_page: Callable[..., Any],
        need: Callable[[bool, str], None]) -> None:
    need(AXE.is_file(), "axe-core is not installed (npm install --ignore-scripts)")
    page = open_page(color_scheme=scheme, viewport={"width": 1366, "height": 900}).page
    found: dict[str, list[str]] = {}
    pages = pages_of(built_sites[site])
    assert len(pages) > 3
    for path in pages:
        page.goto(served[site] + path)
        page.add_script_tag(path=str(AXE))
        if problems := _violations(page):
            found[path] = problems
    assert found == {}


def test_axe_on_a_filtered_view_and_on_a_phone(
        served: dict[str, str], open_page: Callable[..., Any],
        need: Callable[[bool, str], None]) -> None:
    """The controls JavaScript shows, with filters on and the actors open, pass too."""
    need(AXE.is_file(), "axe-core is not installed (npm install --ignore-scripts)")
    for options in ({"viewport": {"width": 1366, "height": 900}},
                    {"viewport": {"width": 390, "height": 844}, "color_scheme": "dark"}):
        page = open_page(**options).page
        page.goto(served["real"] + "index.html?tag=defense&actor=yoav-gallant&q=bakou")
        page.add_script_tag(path=str(AXE))
        assert _violations(page) == []


def test_nu_html_checker_finds_no_error(
        built_sites: dict[str, Path], pages_of: Callable[[Path], list[str]],
        nu_errors: Callable[[list[Path]], list[str]]) -> None:
    """Every page of both sites, each checked (the checker names them), none in error."""
    pages = [folder / path for folder in built_sites.values() for path in pages_of(folder)]
    assert len(pages) > 10
    assert nu_errors(pages) == []
