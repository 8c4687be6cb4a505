"""timeline.json, events.json and events.csv, read by what reads them.

events.json against its own JSON Schema (jsonschema), events.csv against
TimelineJS's own spreadsheet template and back through `frise import`'s reader;
TimelineJS itself reads timeline.json and events.csv in tests/browser/test_timelinejs.py.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.build.pipeline import build, check
from generator.content.dates import PartialDate
from generator.site import exports
from generator.site.markdown import MarkdownConverter
from generator.site.pieces import Joined, Previous, join

REPO = Path(__file__).resolve().parents[2]
GOOD_EN = REPO / "tests" / "fixtures" / "good-en"
SCHEMA = REPO / "generator" / "schemas" / "events.schema.json"
TIMELINEJS_SHEET = (REPO / "node_modules" / "@knight-lab" / "timelinejs" / "src" / "js" / "core"
                    / "__tests__" / "women_in_computing.csv")
BASE = "https://example.org/some/path/"


def copy_of(source: Path, target: Path) -> Path:
    shutil.copytree(source / "content", target / "content")
    return target


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The English fixture (one draft, a BCE year, partial dates) built with a base_url."""
    root = copy_of(GOOD_EN, tmp_path_factory.mktemp("exports"))
    report = build(root, base_url=BASE)
    assert report.output is not None
    return report.output


@pytest.fixture(scope="module")
def published_ids() -> list[str]:
    timeline, _, _ = check(GOOD_EN)
    return [e.id for e in timeline.events if not e.draft]


def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


# --- timeline.json (TimelineJS3) -------------------------------------------------------

def test_timelinejs_years_have_no_year_zero() -> None:
    """TimelineJS shows -n as "n BCE": 1 BC (our 0) is -1, 500 BC (our -499) is -500."""
    assert exports.timelinejs_year(2023) == 2023
    assert exports.timelinejs_year(1) == 1
    assert exports.timelinejs_year(0) == -1
    assert exports.timelinejs_year(-499) == -500


def test_timeline_json_has_a_title_slide_and_one_slide_per_published_event(
        site: Path, published_ids: list[str]) -> None:
    data = json.loads((site / "timeline.json").read_text(encoding="utf-8"))
    assert data["title"]["text"]["headline"] == "A small history"
    assert "<em>in English</em>" in data["title"]["text"]["text"]
    assert [s["unique_id"] for s in data["events"]] == published_ids
    assert "draft" not in json.dumps(data).lower()


def test_timeline_json_dates_keep_their_precision_and_bce_years(site: Path) -> None:
    slides = {s["unique_id"]: s for s in
              json.loads((site / "timeline.json").read_text(encoding="utf-8"))["events"]}
    rome, ada, treaty = slides["rome-founded"], slides["ada-program"], slides["treaty"]
    assert rome["start_date"] == {"year": -753}  # EDTF -0752 is 753 BC
    assert "end_date" not in rome
    assert ada["start_date"] == {"year": 1843}
    assert treaty["start_date"] == {"year": 1920}
    assert treaty["end_date"] == {"year": 1921, "month": 3}
    assert rome["display_date"] == "about 753 BC"
    assert treaty["display_date"] == "about 1920 – March 1921"
    assert rome["group"] == "Politics"
    assert rome["text"]["headline"] == "Rome is founded"
    assert rome["text"]["text"] == "<p>The legendary founding of <strong>Rome</strong>.</p>"


def test_timeline_json_full_dates_and_escaped_text(project) -> None:  # type: ignore[no-untyped-def]
    root = project({
        "content/tags.yaml": "law:\n  label: \"Law & <order>\"\n",
        "content/events/a.yaml": ("title: \"AT&T <splits>\"\ndate: 1984-01-01\n"
                                  "end: 1984-02\nsummary: Broken up.\ntags: [law]\n"),
    })
    timeline, theme, _ = check(root)
    words = theme.words("en")
    joined = exports.timeline_json(timeline, words, MarkdownConverter())
    slide: dict[str, Any] = json.loads(joined.piece(joined.events[0]))
    assert slide["start_date"] == {"year": 1984, "month": 1, "day": 1}
    assert slide["end_date"] == {"year": 1984, "month": 2}
    # TimelineJS sets the headline as HTML and strips tags from the group: both escaped.
    assert slide["text"]["headline"] == "AT&amp;T &lt;splits&gt;"
    assert slide["group"] == "Law &amp; &lt;order&gt;"


# --- events.json -----------------------------------------------------------------------

def test_events_json_is_valid_against_its_schema(site: Path, published_ids: list[str]) -> None:
    data = json.loads((site / "events.json").read_text(encoding="utf-8"))
    validator().validate(data)
    assert data["version"] == 1
    assert [e["id"] for e in data["events"]] == published_ids


def test_events_json_schema_rejects_what_it_does_not_describe(site: Path) -> None:
    """The schema can fail: a missing id, a wrong precision or an extra field is refused."""
    data = json.loads((site / "events.json").read_text(encoding="utf-8"))
    check_ = validator()
    for breakage in (
        lambda d: d["events"][0].pop("id"),
        lambda d: d["events"][0]["date"].update(precision="week"),
        lambda d: d["events"][0].update(colour="red"),
        lambda d: d.update(version=2),
    ):
        broken = json.loads(json.dumps(data))
        breakage(broken)
        assert not check_.is_valid(broken)


def test_events_json_holds_everything_an_event_has(site: Path) -> None:
    events = {e["id"]: e for e in
              json.loads((site / "events.json").read_text(encoding="utf-8"))["events"]}
    rome = events["rome-founded"]
    assert rome["date"]["edtf"] == "-0752~"
    assert rome["date"]["precision"] == "year"
    assert rome["date"]["approximate"] is True
    assert rome["display_date"] == "about 753 BC"
    assert rome["summary"]["markdown"] == "The legendary founding of **Rome**."
    assert rome["summary"]["html"] == "<p>The legendary founding of <strong>Rome</strong>.</p>"
    assert rome["tags"] == [{"slug": "politics", "label": "Politics"}]
    assert rome["actors"][0]["id"] == "rome"
    assert rome["sources"][0]["quote"] == "Rome was founded, they say, in 753 BC."
    assert rome["sources"][0]["source"]["url"] == "https://example.org/notes"
    assert rome["url"] == BASE + "events/rome-founded/"
    treaty = events["treaty"]
    assert treaty["end"]["edtf"] == "1921-03"
    assert treaty["end"]["last_day"] == "1921-03-31"
    assert treaty["sources"][0]["source"]["id"] is None  # a source written in place
    assert events["ada-program"]["featured"] is True
    assert "example.org/ada" in events["ada-program"]["body"]["html"]


def test_real_content_exports_are_valid(build_real: Path) -> None:
    timeline, _, _ = check(REPO)
    data = json.loads((build_real / "events.json").read_text(encoding="utf-8"))
    validator().validate(data)
    assert len(data["events"]) == len([e for e in timeline.events if not e.draft]) > 0
    rows = list(csv.DictReader(io.StringIO((build_real / "events.csv").read_text("utf-8"))))
    assert len(rows) == len(data["events"]) + 1


def test_events_json_says_what_each_note_is_and_what_a_source_is(build_real: Path) -> None:
    events = {e["id"]: e for e in
              json.loads((build_real / "events.json").read_text(encoding="utf-8"))["events"]}
    (note,) = events["2016-sipri-armes-israel-azerbaidjan"]["notes"]
    assert (note["kind"], note["heading"]) == ("unconfirmed", "Non confirmé")
    assert "2015-2019" in note["markdown"] and "2015-2019" in note["html"]
    assert events["2023-07-12-gallant-bakou"]["notes"][0]["kind"] == "disagree"
    sources = {c["source"]["id"]: c["source"]
               for c in events["2023-07-12-gallant-bakou"]["sources"]}
    assert sources["inn-gallant-depart"]["title"] == ""
    assert sources["inn-gallant-depart"]["description"].startswith("Départ de Yoav Gallant")
    assert sources["toi-gallant-bakou"]["description"] == ""


# --- events.csv (TimelineJS's spreadsheet) ----------------------------------------------

def read_csv(site: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((site / "events.csv").read_text(encoding="utf-8"))))


def test_events_csv_has_timelinejs_columns_in_order(site: Path) -> None:
    header = next(csv.reader(io.StringIO((site / "events.csv").read_text(encoding="utf-8"))))
    assert tuple(header) == exports.CSV_COLUMNS
    assert len(header) == 18
    if TIMELINEJS_SHEET.is_file():  # TimelineJS's own sample sheet, when npm installed it
        theirs = next(csv.reader(io.StringIO(TIMELINEJS_SHEET.read_text(encoding="utf-8"))))
        assert header == theirs


def test_events_csv_rows(site: Path, published_ids: list[str]) -> None:
    rows = read_csv(site)
    assert rows[0]["Type"] == "title"
    assert rows[0]["Headline"] == "A small history"
    events = rows[1:]
    assert len(events) == len(published_ids)
    rome = next(r for r in events if r["Headline"] == "Rome is founded")
    assert (rome["Year"], rome["Month"], rome["Day"]) == ("-753", "", "")
    assert rome["Display Date"] == "about 753 BC"
    assert rome["Group"] == "Politics"
    assert rome["Text"] == "<p>The legendary founding of <strong>Rome</strong>.</p>"
    treaty = next(r for r in events if r["Headline"] == "A treaty")
    assert (treaty["End Year"], treaty["End Month"], treaty["End Day"]) == ("1921", "3", "")
    assert not any("draft" in r["Headline"].lower() for r in rows)


def test_csv_round_trip_through_frise_import(site: Path) -> None:
    """`frise import`'s reader reads our sheet back to the same events."""
    importer = pytest.importorskip("generator.commands.importer")
    timeline, _, _ = check(GOOD_EN)
    result = importer.convert((site / "events.csv").read_text(encoding="utf-8"), "events.csv")
    back = {str(i.data["title"]): i.data for i in result.events}
    originals = [e for e in timeline.events if not e.draft]
    assert len(back) == len(originals)
    markup = MarkdownConverter()
    for event in originals:
        data = back[event.title]
        assert data["date"] == event.date.edtf, event.id
        assert data.get("end") == (event.end.edtf if event.end else None), event.id
        assert markup.block(str(data["summary"])) == markup.block(event.summary), event.id
        assert data.get("tags") == [event.tags[0].slug], event.id


def test_csv_round_trip_full_dates(project) -> None:  # type: ignore[no-untyped-def]
    importer = pytest.importorskip("generator.commands.importer")
    root = project({"content/events/a.yaml":
                    "title: A day\ndate: 0001-03-04\nend: 0002-01\nsummary: One *day*.\n",
                    "content/events/b.yaml":
                    "title: Long ago\ndate: \"0000\"\nsummary: 1 BC.\n"})
    timeline, theme, _ = check(root)
    text = join(exports.events_csv(timeline, theme.words("en"), MarkdownConverter()),
                lambda e: e.id, lambda e: e)[0].decode("utf-8")
    result = importer.convert(text, "events.csv")
    dates = {i.data["title"]: (i.data["date"], i.data.get("end")) for i in result.events}
    assert dates == {"A day": ("0001-03-04", "0002-01"), "Long ago": ("0000", None)}


# --- all exports ----------------------------------------------------------------------

def test_exports_leave_drafts_out_even_in_a_drafts_build(tmp_path: Path) -> None:
    root = copy_of(GOOD_EN, tmp_path / "p")
    report = build(root, drafts=True, base_url=BASE)
    assert report.output is not None
    for name in ("timeline.json", "events.json", "events.csv", "feed.xml", "sitemap.xml"):
        text = (report.output / name).read_text(encoding="utf-8")
        assert "A draft event" not in text, name
        assert "Not published yet" not in text, name


def test_partial_date_days() -> None:
    """first_day/last_day of events.json cover the whole period the date means."""
    date = exports._date(PartialDate(2024, 2))
    assert date is not None
    assert (date["first_day"], date["last_day"]) == ("2024-02-01", "2024-02-29")


@pytest.mark.parametrize(("head", "items"), [
    ({"version": 1, "site": {"title": "Élysée « x »", "url": None}}, [{"id": "a"}, {"id": "b"}]),
    ({}, [{"text": "<p>frise-root:/events/a/</p>"}]),
    ({"title": {"text": "t"}}, []),
    ({"n": [1, 2.5, True, None]}, ["s", 3, ["nested", {"k": "v"}]]),
])
def test_json_in_pieces_is_the_json_of_the_whole(head: dict[str, object],
                                                  items: list[object]) -> None:
    """The exports are made piece by piece (memory, rebuilds) but must read as one JSON
    text; links to events are made from the root."""
    events = [SimpleNamespace(id=str(i), item=item) for i, item in enumerate(items)]
    joined = exports.json_joined(head, events, lambda e: e.item, None)  # type: ignore[arg-type,attr-defined]
    data, spans = join(joined, lambda e: e.id, lambda e: e)
    whole = json.dumps({**head, "events": items}, ensure_ascii=False, separators=(",", ":"))
    assert data.decode("utf-8") == whole.replace("frise-root:/", "") + "\n"
    assert [data[a:b] for _, a, b in spans] == [
        json.dumps(i, ensure_ascii=False, separators=(",", ":")).replace(
            "frise-root:/", "").encode("utf-8") for i in items]


_PIECES = st.lists(st.tuples(st.sampled_from("abcdefgh"), st.text("xyé,", max_size=3)),
                   max_size=8, unique_by=lambda p: p[0])


@settings(max_examples=300, deadline=None)
@given(before=_PIECES, after=_PIECES, separator=st.sampled_from(["", ",", ",\n"]))
def test_a_rebuild_joins_the_bytes_of_a_clean_join(tmp_path_factory: pytest.TempPathFactory,
                                                   before: list[tuple[str, str]],
                                                   after: list[tuple[str, str]],
                                                   separator: str) -> None:
    """A joined file remade from the last one (pieces kept, changed, gone, added, moved,
    copied in runs) is byte for byte the file joined afresh, and says where each piece
    lies; only the pieces the last file lacks are made."""
    def joined(pieces: list[tuple[str, str]]) -> tuple[Joined, list[SimpleNamespace]]:
        events = [SimpleNamespace(id=name, text=text) for name, text in pieces]
        return Joined("[", events, lambda e: f"<{e.text}>", separator, "]"), events  # type: ignore[arg-type]

    def key(e: SimpleNamespace) -> str:
        return f"{e.id}={e.text}"

    file = tmp_path_factory.mktemp("joined") / "events.json"
    old, old_spans = join(joined(before)[0], key, lambda e: e)  # type: ignore[arg-type]
    file.write_bytes(old)
    made: list[str] = []

    def show(e: SimpleNamespace) -> SimpleNamespace:
        made.append(key(e))
        return e

    whole, events = joined(after)
    data, spans = join(whole, key, show, Previous(file, {k: (a, b) for k, a, b in old_spans}))  # type: ignore[arg-type]
    assert data == join(whole, key, lambda e: e)[0]  # type: ignore[arg-type]
    assert [data[a:b].decode() for _, a, b in spans] == [f"<{e.text}>" for e in events]
    assert [k for k, _, _ in spans] == [key(e) for e in events]
    assert made == [key(e) for e in events if key(e) not in {k for k, _, _ in old_spans}]
