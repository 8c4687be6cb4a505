"""The real content: it builds, the index shows every event of the article in the
contract's order, and every event page quotes the article in a blockquote."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.build.pipeline import check

REPO = Path(__file__).resolve().parents[2]
ARTICLE = "toi-gallant-bakou"
ARTICLE_URL = ("https://fr.timesofisrael.com/yoav-gallant-se-rend-a-bakou-pour-rencontrer-"
               "le-president-azerbaidjanais/")

# The order the contract's rule gives: by date (a month before the days of that month),
# then by end, then by id. The standing facts are dated July 2023, the month of the
# article, so they come before the 10th of July.
EXPECTED = [
    ("2016-sipri-armes-israel-azerbaidjan", "2016 – 2020"),
    ("2020-09-27-guerre-haut-karabakh", "27 septembre – 10 novembre 2020"),
    ("2020-09-27-livraisons-armes-israel", "27 septembre – 10 novembre 2020"),
    ("2023-03-29-ambassade-azerbaidjan-israel", "29 mars 2023"),
    ("2023-05-30-herzog-azerbaidjan", "30 – 31 mai 2023"),
    ("2023-07-etat-des-lieux-relation", "juillet 2023"),
    ("2023-07-10-arrestation-ressortissant-afghan", "10 juillet 2023"),
    ("2023-07-12-gallant-bakou", "12 juillet 2023 – 14 juillet 2023 (?)"),  # end announced
    ("2023-07-13-gallant-aliyev-hasanov", "13 juillet 2023"),
]
IDS = [event_id for event_id, _ in EXPECTED]


class _Page(HTMLParser):
    """Event cards (elements of class `event` with an id) in document order, the text of
    each blockquote, and the text of each element with an id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cards: list[str] = []
        self.quotes: list[str] = []
        self.hrefs: list[str] = []
        self.rels: dict[str, str] = {}
        self._depth_in_quote = 0
        self._quote: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if "event" in (a.get("class") or "").split() and a.get("id"):
            self.cards.append(str(a["id"]))
        if tag == "a" and a.get("href"):
            self.hrefs.append(str(a["href"]))
            if a.get("rel") in ("prev", "next"):
                self.rels[str(a["rel"])] = str(a["href"])
        if tag == "blockquote":
            self._depth_in_quote += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote" and self._depth_in_quote:
            self._depth_in_quote -= 1
            if not self._depth_in_quote:
                self.quotes.append(" ".join("".join(self._quote).split()))
                self._quote = []

    def handle_data(self, data: str) -> None:
        if self._depth_in_quote:
            self._quote.append(data)


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def words(text: str) -> str:
    return " ".join(text.split())


def test_the_content_checks_clean() -> None:
    timeline, _, report = check(REPO)
    assert report.events == len(IDS)
    assert timeline.site.language == "fr"


def test_the_timeline_is_in_the_contract_order() -> None:
    timeline, _, _ = check(REPO)
    assert [e.id for e in timeline.events] == IDS


def test_the_index_lists_every_event_in_order(build_real: Path) -> None:
    index = build_real / "index.html"
    cards = parse(index).cards
    assert [c for c in cards if c in IDS] == IDS, cards
    assert len(cards) == len(IDS)


def test_the_index_is_grouped_by_year(build_real: Path) -> None:
    html = (build_real / "index.html").read_text(encoding="utf-8")
    positions = [html.index(f'id="{event_id}"') for event_id in IDS]
    years = [html.index(f'id="y{year}"') for year in (2016, 2020, 2023)]
    assert years[0] < positions[0] < years[1] < positions[1] < positions[2] < years[2] \
        < positions[3]


@pytest.mark.parametrize(("event_id", "when"), EXPECTED)
def test_each_date_is_written_at_its_precision(build_real: Path, event_id: str,
                                              when: str) -> None:
    html = (build_real / "events" / event_id / "index.html").read_text(encoding="utf-8")
    text = words(re.sub(r"<[^>]+>", "", html))
    assert when in text


@pytest.mark.parametrize("event_id", IDS)
def test_each_event_page_quotes_the_article(build_real: Path, event_id: str) -> None:
    timeline, _, _ = check(REPO)
    (event,) = [e for e in timeline.events if e.id == event_id]
    quotes = [c.quote for c in event.citations if c.source.id == ARTICLE]
    assert quotes, f"{event_id} does not cite the article"
    page = parse(build_real / "events" / event_id / "index.html")
    for quote in quotes:
        assert quote is not None
        assert words(quote) in page.quotes, f"{event_id}: quote not in a blockquote"
    assert ARTICLE_URL in page.hrefs


def test_the_index_links_every_event_page(build_real: Path) -> None:
    hrefs = parse(build_real / "index.html").hrefs
    for event_id in IDS:
        assert f"events/{event_id}/index.html" in hrefs
        assert (build_real / "events" / event_id / "index.html").is_file()


@pytest.mark.parametrize(("event_id", "heading", "text"), [
    ("2016-sipri-armes-israel-azerbaidjan", "Non confirmé", "2015-2019"),
    ("2020-09-27-guerre-haut-karabakh", "Précision", "3\u202f825"),
    ("2023-07-10-arrestation-ressortissant-afghan", "Les sources divergent", "né en 1990"),
])
def test_each_note_is_headed_by_what_it_is(build_real: Path, event_id: str, heading: str,
                                         text: str) -> None:
    page = (build_real / "events" / event_id / "index.html").read_text(encoding="utf-8")
    notes = re.findall(
        r'<aside class="note note-[a-z]+"[^>]*>\s*<h2[^>]*>([^<]*)</h2>(.*?)</aside>', page, re.S)
    assert [h for h, _ in notes] == [heading]
    assert text in notes[0][1]


def _citations(page: str) -> list[str]:
    """The text of each source's line on an event page."""
    return [words(re.sub(r"<[^>]+>", "", c))
            for c in re.findall(r'<p class="citation">(.*?)</p>', page, re.S)]


def test_an_event_page_lists_each_source_once_with_all_its_quotes(build_real: Path) -> None:
    page = (build_real / "events" / "2023-07-12-gallant-bakou" / "index.html").read_text(
        encoding="utf-8")
    items = re.findall(r'<li class="source">(.*?)</li>', page, re.S)
    article = [i for i in items if ARTICLE_URL in i]
    assert len(article) == 1 and article[0].count("<blockquote") == 3
    assert len(items) == len(set(items))


def test_a_source_whose_title_is_unknown_shows_a_description(build_real: Path) -> None:
    page = (build_real / "events" / "2023-07-12-gallant-bakou" / "index.html").read_text(
        encoding="utf-8")
    (line,) = [c for c in _citations(page) if "Israel National News" in c]
    assert line.startswith("Départ de Yoav Gallant pour Bakou le mercredi soir")
    assert "(titre non relevé)" in line
    assert '<cite>Départ' not in page  # a description is never set as a title


def test_cards_name_each_publisher_once(build_real: Path) -> None:
    html = (build_real / "index.html").read_text(encoding="utf-8")
    lines = [words(re.sub(r"<[^>]+>", "", m)) for m in
             re.findall(r'<p class="card-sources">(.*?)</p>', html, re.S)]
    assert len(lines) == len(IDS)
    for line in lines:
        names = [n.strip() for n in line.split(":", 1)[1].split(",")]
        assert len(names) == len(set(names)), line
        assert not ("The Times of Israël" in names and "The Times of Israel" in names), line


def test_an_announced_end_is_uncertain(build_real: Path) -> None:
    page = (build_real / "events" / "2023-07-12-gallant-bakou" / "index.html").read_text(
        encoding="utf-8")
    assert 'data-edtf="2023-07-14?"' in page and "(?)" in page


class _Text(HTMLParser):
    """Text a reader reads: text nodes outside code, scripts and styles."""

    SKIP = ("code", "pre", "script", "style")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in self.SKIP

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in self.SKIP

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


BAD_TYPOGRAPHY = re.compile(r"'|[ \t\r\n][:;?!%]")
"""A straight apostrophe, or a space where a line may break before : ; ? ! or %."""


def test_the_french_site_is_typeset(build_real: Path) -> None:
    """Every page, the feed and the JSON export: no straight apostrophe and no breakable
    space before : ; ? ! % in the text readers see (URLs and code excepted)."""
    found: list[str] = []
    for path in sorted(build_real.rglob("*.html")):
        parser = _Text()
        parser.feed(path.read_text(encoding="utf-8"))
        text = "".join(parser.parts)
        found += [f"{path.relative_to(build_real)}: {text[max(0, m.start() - 25):m.end() + 5]!r}"
                  for m in BAD_TYPOGRAPHY.finditer(text)]
    feed = ET.parse(build_real / "feed.xml").getroot()
    for element in feed.iter():
        if element.text and not element.tag.endswith(("}id", "}updated")):
            found += [f"feed.xml: {element.text!r}"] if BAD_TYPOGRAPHY.search(
                re.sub(r"<[^>]+>", "", element.text)) else []
    data = json.loads((build_real / "events.json").read_text(encoding="utf-8"))
    for event in data["events"]:
        for text in (event["title"], event["summary"]["html"], *(n["heading"] + n["html"]
                                                                   for n in event["notes"])):
            found += [f"events.json: {text!r}"] if BAD_TYPOGRAPHY.search(
                re.sub(r"<[^>]+>", "", text)) else []
    assert not found, "\n".join(found[:20])
    index = (build_real / "index.html").read_text(encoding="utf-8")
    assert "l’Azerbaïdjan" in index and "69\u202f%" in index


@pytest.mark.parametrize("at", range(len(IDS)))
def test_previous_and_next_follow_the_timeline(build_real: Path, at: int) -> None:
    rels = parse(build_real / "events" / IDS[at] / "index.html").rels
    expected = {}
    if at > 0:
        expected["prev"] = f"../../events/{IDS[at - 1]}/index.html"
    if at + 1 < len(IDS):
        expected["next"] = f"../../events/{IDS[at + 1]}/index.html"
    assert rels == expected


def test_search_knows_the_french_spellings_of_the_articles_names(build_real: Path) -> None:
    """The article writes Aliyev and Hasanov; French readers also type Aliev and
    Hassanov, which the actors' aliases put in the search index."""
    index = (build_real / "assets" / "search-index.js").read_text(encoding="utf-8").casefold()
    assert "aliev" in index and "hassanov" in index
