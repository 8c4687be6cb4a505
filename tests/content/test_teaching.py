"""Every class of editor's mistake, as `check`, `build` and `serve`'s overlay show it.

Each case breaks a small valid project whose site is built, and asserts the exact
`path:line:col: error:` line with its fix, for the three ways an editor meets
it; and that the last good site is byte for byte as it was.
"""

from __future__ import annotations

import os
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.commands.cli import main
from generator.commands.serve import DevServer

SITE = "title: Teaching\n"
EVENT = "title: An event\ndate: 2020-05-01\nsummary: Something happened.\n"
TAGS = "defense:\n  label: Défense\ndiplomatie:\n  label: Diplomatie\n"
E = "content/events/e.yaml"
NFC = unicodedata.normalize("NFC", "café")
NFD = unicodedata.normalize("NFD", "café")


@dataclass(frozen=True)
class Mistake:
    name: str
    files: dict[str, str]
    error: str
    before: tuple[str, ...] = ()
    """Errors the same mistake also causes, listed before it."""


MISTAKES = [
    Mistake("event-in-a-subfolder", {"content/events/2023/b.yaml": EVENT},
            "content/events/2023/b.yaml:1:1: error: event files must lie directly in "
            "content/events/, not in a subfolder: move it to content/events/b.yaml"),
    Mistake("upper-case-extension", {"content/events/b.YAML": EVENT},
            "content/events/b.YAML:1:1: error: the extension '.YAML' is not read: rename the "
            "file 'b.yaml'"),
    Mistake("names-differ-in-unicode-form", {f"content/events/{NFC}.yaml": EVENT,
                                             f"content/events/{NFD}.yaml": EVENT},
            f"content/events/{NFC}.yaml:1:1: error: event id '{NFC}' is also used by "
            f"content/events/{NFD}.yaml (the names differ only in case or Unicode form, and "
            "would claim the same URL); rename one of the files",
            (f"content/events/{NFD}.yaml:1:1: error: file name '{NFD}' must be 1 to 80 "
             "characters of a-z, 0-9 and '-'; rename it to 'cafe.yaml'",)),
    Mistake("yaml-tab", {E: "title: A\n\tdate: 2020\n"},
            f"{E}:2:1: error: tabs are not allowed in YAML: indent with spaces; the line "
            "reads: date: 2020"),
    Mistake("yaml-unclosed-quote", {E: 'title: "A\ndate: 2020\nsummary: "B"\n'},
            f'{E}:1:8: error: the quote " opened here is closed only on line 3, so the lines '
            'between are read as part of the value: close it with " on this line; the line '
            'reads: title: "A'),
    Mistake("yaml-colon-in-value", {E: EVENT.replace("An event", "Bakou: visite")},
            f"{E}:1:13: error: the value holds ': ', which YAML reads as a new key: put the "
            'whole value in quotes, e.g. title: "Bakou: visite"; the line reads: '
            "title: Bakou: visite"),
    Mistake("unpadded-date", {E: EVENT.replace("2020-05-01", "2023-7-12")},
            f"{E}:2:7: error: '2023-7-12' is not a date: write 2023-07-12 (YYYY-MM-DD: "
            "four-digit years, two-digit months and days)"),
    Mistake("ambiguous-date", {E: EVENT.replace("2020-05-01", "12/07/2023")},
            f"{E}:2:7: error: '12/07/2023' is not a date: it is ambiguous: write 2023-07-12 if "
            "it is day/month/year, or 2023-12-07 if it is month/day/year (dates are written "
            "YYYY-MM-DD)"),
    Mistake("date-with-time", {E: EVENT.replace("2020-05-01", "2020-05-01T10:00Z")},
            f"{E}:2:7: error: '2020-05-01T10:00Z' is not a date: a time or time zone "
            "('10:00Z') is not part of a date: write 2020-05-01"),
    Mistake("tag-with-capital", {E: EVENT + "tags: [Defense]\n", "content/tags.yaml": TAGS},
            f"{E}:4:8: error: tag 'Defense' must be 1 to 80 characters of a-z, 0-9 and '-'; "
            "'D' is a capital: write 'defense'"),
    Mistake("tag-with-look-alike", {E: EVENT + "tags: [d\u0435fense]\n",
                                    "content/tags.yaml": TAGS},
            f"{E}:4:8: error: tag 'd\u0435fense' must be 1 to 80 characters of a-z, 0-9 and "
            "'-'; '\u0435' (U+0435 CYRILLIC SMALL LETTER IE) is not a-z: write 'defense'"),
    Mistake("unknown-tag-lists-the-few", {E: EVENT + "tags: [economie]\n",
                                          "content/tags.yaml": TAGS},
            f"{E}:4:8: error: unknown tag 'economie': choose one of defense, diplomatie "
            "(tags are defined in content/tags.yaml)"),
    Mistake("missing-title-hides-nothing", {E: "date: 2020\nsummary: S\nfeatured: yes\n"},
            f"{E}:3:11: error: 'featured' must be true or false, not 'yes'",
            (f"{E}:1:1: error: an event needs 'title'",)),
    Mistake("link-without-scheme", {E: EVENT.replace("Something happened.",
                                                     "See [y](www.example.org).")},
            f"{E}:3:18: error: link 'www.example.org' has no scheme, so it would lead "
            "nowhere: write 'https://www.example.org'"),
    Mistake("javascript-link", {E: EVENT + "body: |\n  Text.\n  [x](javascript:alert(1))\n"},
            f"{E}:6:7: error: link 'javascript:alert(1)': 'javascript:' links are not allowed; "
            "link to an http, https or mailto address"),
    Mistake("link-to-an-unknown-event", {E: EVENT.replace("Something happened.",
                                                          "See [it](event:herzog-bakou).")},
            f"{E}:3:19: error: link to an unknown event 'herzog-bakou': choose one of e"),
    Mistake("placeholder-of-frise-new", {E: EVENT.replace(
        "Something happened.",
        "'TODO: one or two sentences saying what happened, shown in the timeline.'")},
            f"{E}:3:10: error: 'summary' still holds the placeholder of `frise new`: write "
            "the text, or add 'draft: true' to keep the event out of the site"),
    Mistake("output-folder-not-ours", {"content/site.yaml": SITE + "output: docs\n",
                                       "docs/thesis.txt": "mine\n"},
            "content/site.yaml:2:9: error: 'docs' is not empty and was not made by frise; "
            "move its files away or choose another 'output'"),
]


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("teaching") / "project"
    for rel, text in {"content/site.yaml": SITE, E: EVENT}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    assert _run(root, "build", "-q")[0] == 0
    return root


def _run(root: Path, *args: str) -> tuple[int, list[str]]:
    cwd = Path.cwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(main, list(args), catch_exceptions=True)
    finally:
        os.chdir(cwd)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stderr.splitlines()


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.name)
def test_each_mistake_is_located_and_taught_by_check_build_and_serve(
        good: Path, tmp_path: Path, mistake: Mistake) -> None:
    root = tmp_path / "project"
    shutil.copytree(good, root)
    for rel, text in mistake.files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    before = _snapshot(root / "site")

    expected = [*mistake.before, mistake.error]
    n = len(expected)
    expected.append(f"{n} error{'s' if n > 1 else ''}; nothing was written")
    assert _run(root, "check") == (1, expected)
    assert _run(root, "build") == (1, expected)
    assert _snapshot(root / "site") == before, "the last good site changed"

    server = DevServer(root, port=0)  # what the overlay shows: the status the page polls
    try:
        assert server.rebuild() is False
        errors = server.state.snapshot()["errors"]
    finally:
        server.httpd.server_close()
    assert isinstance(errors, list)
    shown = [f"{e['path']}:{e['line']}:{e['col']}: error: {e['message']}" for e in errors]
    assert shown == expected[:-1]
    assert _snapshot(root / "site") == before


def test_a_link_to_another_event_resolves_from_every_page(project, page_links) -> None:
    root = project({
        "content/events/a.yaml": "title: A\ndate: 2020\ntags: [t]\n"
                                 "summary: See [the visit](event:b-visit).\n",
        "content/events/b-visit.yaml": "title: B\ndate: 2021\nsummary: The visit.\n"
                                       "body: |\n  Back to [A](event:a#top).\n",
    })
    assert _run(root, "build", "-q") == (0, [])
    site = root / "site"
    for page, href in (("index.html", "events/b-visit/index.html"),
                       ("events/a/index.html", "../../events/b-visit/index.html"),
                       ("tags/t/index.html", "../../events/b-visit/index.html"),
                       ("events/b-visit/index.html", "../../events/a/index.html#top")):
        links = [v for tag, v in page_links(site / page).links if tag == "a"]
        assert href in links, (page, links)
        assert (site / page).parent.joinpath(href.split("#")[0]).resolve().is_file()
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert "frise-root" not in feed and "events/b-visit/index.html" in feed
    for name in ("timeline.json", "events.json", "events.csv"):
        assert "frise-root" not in (site / name).read_text(encoding="utf-8")


def test_a_link_to_a_draft_is_an_error(project) -> None:
    root = project({
        "content/events/a.yaml": "title: A\ndate: 2020\nsummary: See [it](event:b).\n",
        "content/events/b.yaml": "title: B\ndate: 2021\nsummary: B.\ndraft: true\n",
    })
    assert _run(root, "check") == (1, [
        "content/events/a.yaml:3:19: error: link to 'event:b', an event marked draft: "
        "it is not published", "1 error; nothing was written"])
    assert _run(root, "check", "--drafts")[0] == 0


def test_serve_outside_a_project_exits_1_with_a_clear_message(tmp_path: Path) -> None:
    code, err = _run(tmp_path, "serve", "--port", "0")
    assert (code, err) == (1, [
        "error: no frise project in '.' (no content/ folder): run frise serve in a "
        "project's folder, pass --project, or create one with frise init",
        "1 error; nothing was written"])


def test_events_csv_escapes_text_as_timelinejs_reads_it(project) -> None:
    root = project({"content/events/a.yaml": "title: \"<script>alert(1)</script> & co\"\n"
                                             "date: 2020\nsummary: S.\n"})
    assert _run(root, "build", "-q") == (0, [])
    text = (root / "site" / "events.csv").read_text(encoding="utf-8")
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in text


def test_links_in_the_site_and_tag_descriptions_are_checked_too(project) -> None:
    root = project({
        "content/events/a.yaml": "title: A\ndate: 2020\nsummary: S.\ntags: [t]\n",
        "content/tags.yaml": "t:\n  label: T\n  description: See [x](www.example.org/t).\n",
    }, site="title: T\ndescription: \"[About](event:a), [home](example.org)\"\n")
    assert _run(root, "check") == (1, [
        "content/site.yaml:2:40: error: link 'example.org' has no scheme, so it would lead "
        "nowhere: write 'https://example.org'",
        "content/tags.yaml:3:24: error: link 'www.example.org/t' has no scheme, so it would "
        "lead nowhere: write 'https://www.example.org/t'",
        "2 errors; nothing was written"])


@pytest.mark.parametrize(("language", "words"), [
    ("en", 'data-template="{shown} of {total} event shown"'),
    ("fr", 'data-template="{shown} sur {total} événement affiché"'),
])
def test_a_timeline_of_one_event_counts_it_in_the_singular(project, language: str,
                                                           words: str) -> None:
    root = project({E: EVENT}, site=f"title: T\nlanguage: {language}\n")
    assert _run(root, "build", "-q") == (0, [])
    assert words in (root / "site" / "index.html").read_text(encoding="utf-8")


def test_valid_links_pass_the_check(project) -> None:
    root = project({E: EVENT.replace("Something happened.", "'[Bakou](https://fr.wikipedia."
                                     "org/wiki/Bakou_(ville)), [mail](mailto:a@example.org), "
                                     "[up](#top), <https://example.org/x>'")})
    assert _run(root, "check") == (0, [])
