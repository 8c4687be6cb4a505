"""The site speaks its project's language: `<html lang>`, the interface's words and the
dates (with Babel). Reads the built HTML; no browser needed."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.build.pipeline import build

ROOT = Path(__file__).resolve().parents[2]

EVENTS = {
    "treaty.yaml": 'title: A treaty\ndate: "1920~"\nsummary: Signed.\n',
    "old.yaml": 'title: Old times\ndate: "-0499"\nsummary: Long ago.\n',
    "month.yaml": 'title: A month\ndate: "2023-03"\nsummary: That month.\n',
    "day.yaml": 'title: A day\ndate: "2023-03-29"\nsummary: That day.\n',
    "span.yaml": 'title: Some years\ndate: "2016"\nend: "2020"\nsummary: Years.\n',
}


def _project(tmp_path: Path, language: str) -> Path:
    content = tmp_path / language / "content"
    (content / "events").mkdir(parents=True)
    (content / "site.yaml").write_text(f"title: Test\nlanguage: {language}\n", encoding="utf-8")
    for name, text in EVENTS.items():
        (content / "events" / name).write_text(text, encoding="utf-8")
    return tmp_path / language


def _index(project: Path) -> str:
    report = build(project)
    assert report.output is not None
    return (report.output / "index.html").read_text(encoding="utf-8")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", ["29 mars 2023", "mars 2023", "2016 – 2020", "vers 1920", "500 av. J.-C.",
            "Aller au contenu", "Chronologie", "5 événements"]),
    ("en", ["29 March 2023", "March 2023", "2016 – 2020", "about 1920", "500 BC",
            "Skip to content", "Timeline", "5 events"]),
])
def test_dates_and_words_in_the_sites_language(tmp_path: Path, language: str,
                                               expected: list[str]) -> None:
    html = _index(_project(tmp_path, language))
    assert f'<html lang="{language}">' in html
    text = _text(html)
    for words in expected:
        assert words in text


def test_the_english_fixture_reads_in_english(built_sites: dict[str, Path]) -> None:
    for page in sorted(built_sites["en"].rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        assert '<html lang="en">' in html, page
        for french in ("Chronologie", "événement", "Aller au contenu", "Sources\u00a0:"):
            assert french not in html, f"{page.name}: French word {french!r}"
    index = _text((built_sites["en"] / "index.html").read_text(encoding="utf-8"))
    for words in ("about 753 BC", "March 1921", "Timeline at scale", "Filter", "Search",
                  "By theme", "Show all"):
        assert words in index


def test_the_real_site_reads_in_french(built_sites: dict[str, Path]) -> None:
    index = (built_sites["real"] / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in index
    text = _text(index)
    for words in ("29 mars 2023", "juillet 2023", "2016 – 2020", "Frise chronologique",
                  "Rechercher", "Tout afficher"):
        assert words in text
    for english in ("Skip to content", "Search", "Show all", " events"):
        assert english not in text


def test_a_third_language_is_one_more_file(tmp_path: Path) -> None:
    project = _project(tmp_path, "de")
    words = (ROOT / "templates" / "i18n" / "en.yaml").read_text(encoding="utf-8")
    words = words.replace("date_locale: en_GB", "date_locale: de").replace(
        "skip: Skip to content", "skip: Zum Inhalt")
    (project / "templates" / "i18n").mkdir(parents=True)
    (project / "templates" / "i18n" / "de.yaml").write_text(words, encoding="utf-8")
    html = _index(project)
    assert '<html lang="de">' in html
    assert "29. März 2023" in html
    assert "Zum Inhalt" in html
    shutil.rmtree(project)
