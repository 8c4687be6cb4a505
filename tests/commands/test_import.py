"""`frise import`: a realistic TimelineJS spreadsheet → event files that build."""

from __future__ import annotations

import csv
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.commands import cli
from generator.commands.importer import convert, html_to_markdown, html_to_text
from generator.content.links import find_links
from generator.site.markdown import MarkdownConverter

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "import" / "writing-history.csv"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli.main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def imported(tmp_path: Path) -> tuple[Path, int, str, str]:
    folder = tmp_path / "p"
    assert run("init", str(folder), "-q")[0] == 0
    code, out, err = run("import", str(FIXTURE), "-C", str(folder))
    return folder, code, out, err


def event(folder: Path, name: str) -> dict[str, object]:
    path = folder / "content/events" / f"{name}.yaml"
    assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_fixture_is_a_realistic_timelinejs_sheet() -> None:
    with FIXTURE.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert len(rows[0]) == 18 and rows[0][0] == "Year" and rows[0][-1] == "Background"
    body = rows[1:]
    assert len(body) >= 30
    assert any(r[0].startswith("-") for r in body)            # BCE years
    assert any(r[0] and not r[1] for r in body)               # year only
    assert any(r[1] and not r[2] for r in body)               # year and month only
    assert {"title", "era"} <= {r[15] for r in body}          # the title row, eras
    assert any(r[11] for r in body)                           # media


def test_every_row_is_imported_or_reported(imported) -> None:
    folder, code, out, err = imported
    written = [line for line in out.splitlines() if line.endswith(".yaml")]
    with FIXTURE.open(encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        lines = {}
        for row in reader:
            if any(c.strip() for c in row):
                lines[reader.line_num] = row
    reported = {int(line.split(":")[1]) for line in err.splitlines()
                if line.startswith("writing-history.csv:") and "not imported" in line}
    assert len(written) + len(reported) == len(lines)
    assert reported  # title row, eras, year 0, no year, no headline, impossible date
    for line_no, row in lines.items():
        if row[15] in ("title", "era"):
            assert line_no in reported


def test_imported_project_builds(imported) -> None:
    folder, code, _, err = imported
    assert code == 0, err
    code, out, err = run("build", "-C", str(folder))
    assert code == 0, err
    index = (folder / "site/index.html").read_text(encoding="utf-8")
    assert "Cuneiform appears in Uruk" in index
    assert "The Rosetta decree" in index


def test_bce_years_follow_timelinejs_display(imported) -> None:
    """TimelineJS shows year -500 as '500 BCE': EDTF's astronomical year -0499."""
    folder = imported[0]
    assert event(folder, "0500-bce-demotic-script-in-egypt")["date"] == "-0499"
    rosetta = event(folder, "0196-bce-03-27-the-rosetta-decree")
    assert rosetta["date"] == "-0195-03-27"
    greeks = event(folder, "0800-bce-the-greeks-add-vowels")
    assert (greeks["date"], greeks["end"]) == ("-0799", "-0749")
    page = (folder / "content/events/0001-bce-from-bce-to-ce.yaml").read_text()
    assert 'date: "0000"' in page and 'end: "0001"' in page


def test_partial_dates_keep_their_precision(imported) -> None:
    folder = imported[0]
    assert event(folder, "1377-07-jikji-is-printed")["date"] == "1377-07"
    assert event(folder, "1868-the-typewriter")["date"] == "1868"
    assert event(folder, "1822-09-27-champollion-reads-the-hieroglyphs")["date"] == "1822-09-27"


def test_display_date_qualifiers_become_edtf(imported) -> None:
    folder, _, _, err = imported
    assert event(folder, "3200-bce-cuneiform-appears-in-uruk")["date"] == "-3199~"
    assert event(folder, "1754-bce-the-code-of-hammurabi")["date"] == "-1753?"
    assert "Display Date 'c. 3200 BCE' not kept" in err


def test_html_becomes_markdown_and_group_a_tag(imported) -> None:
    folder = imported[0]
    uruk = event(folder, "3200-bce-cuneiform-appears-in-uruk")
    assert uruk["summary"] == "Accountants of the temple of **Uruk** press signs into wet clay."
    assert "The first tablets count *grain*, beer and sheep." in str(uruk["body"])
    assert uruk["tags"] == ["mesopotamia"]
    champollion = event(folder, "1822-09-27-champollion-reads-the-hieroglyphs")
    assert "[Lettre à M. Dacier](https://example.org/lettre)" in str(champollion["summary"])
    phoenician = event(folder, "1050-bce-the-phoenician-alphabet")
    assert "- easy to learn,\n- easy to carry by trade," in str(phoenician["body"])
    wiki = event(folder, "2001-01-15-wikipedia")
    assert "alert" not in yaml.safe_dump(wiki) and "& it grows" in str(wiki["summary"])


def test_media_kept_as_link_or_reported(imported) -> None:
    folder, _, _, err = imported
    uruk = event(folder, "3200-bce-cuneiform-appears-in-uruk")
    assert ("[A tablet from Uruk III](https://example.org/img/uruk-tablet.jpg) (Example Museum)"
            in str(uruk["body"]))
    assert "writing-history.csv:18:1: note: Media is not a link" in err
    assert "Media Thumbnail not kept" in err and "Background not kept" in err
    assert "Time '06:00' not kept" in err
    assert "javascript:alert(1)" in err


def test_import_never_overwrites(imported) -> None:
    folder = imported[0]
    target = folder / "content/events/1868-the-typewriter.yaml"
    target.write_text(target.read_text() + "# edited\n")
    code, out, err = run("import", str(FIXTURE), "-C", str(folder))
    assert "exists already" in err
    assert target.read_text().endswith("# edited\n")
    assert not [line for line in out.splitlines() if line.endswith(".yaml")]


def test_tags_are_added_to_an_existing_tags_yaml(project) -> None:
    folder = project({"content/tags.yaml": "digital:\n  label: Numérique\n"})
    code, _, err = run("import", str(FIXTURE), "-C", str(folder))
    assert code == 0, err
    tags = yaml.safe_load((folder / "content/tags.yaml").read_text(encoding="utf-8"))
    assert tags["digital"]["label"] == "Numérique"
    assert tags["mesopotamia"]["label"] == "Mesopotamia"


def test_dry_run_writes_nothing(project) -> None:
    folder = project({})
    code, out, _ = run("import", str(FIXTURE), "--dry-run", "-C", str(folder))
    assert "would write content/events/1868-the-typewriter.yaml" in out
    assert not (folder / "content/events").exists()


def test_not_a_timelinejs_sheet_is_refused(project, tmp_path: Path) -> None:
    folder = project({})
    bad = tmp_path / "other.csv"
    bad.write_text("name,when\nx,2020\n")
    code, _, err = run("import", str(bad), "-C", str(folder))
    assert code == 1
    assert err.splitlines()[0].startswith(
        "other.csv:1:1: error: not a TimelineJS spreadsheet: it has no column Year or "
        "Headline; its first row holds 'name', 'when', where a TimelineJS sheet has Year, ")


def test_import_without_tags_yaml_keeps_the_group_labels(project) -> None:
    folder = project({"content/events/mine.yaml": "title: Mine\ndate: 2020\nsummary: S.\n"
                                                  "tags: [free-tag]\n"})
    code, _, err = run("import", str(FIXTURE), "-C", str(folder))
    assert code == 0, err
    tags = yaml.safe_load((folder / "content/tags.yaml").read_text(encoding="utf-8"))
    assert tags["mesopotamia"]["label"] == "Mesopotamia"
    assert tags["free-tag"]["label"] == "free-tag"  # the project's own tags stay valid
    assert "nothing was written" not in err


def test_duplicate_headlines_get_distinct_ids() -> None:
    header = "Year,Month,Day,Headline,Text\n"
    result = convert(header + "2020,,,Same,a\n2020,,,Same,b\n", "x.csv")
    assert [e.id for e in result.events] == ["2020-same", "2020-same-2"]


@pytest.mark.parametrize(("html", "markdown"), [
    ("<p>a</p><p>b</p>", ["a", "b"]),
    ("x<br>y", ["x\ny"]),
    ("<ol><li>one</li><li>two</li></ol>", ["1. one\n2. two"]),
    ('<a href="https://e.org/a_(b)">t</a>', ["[t](https://e.org/a_(b%29)"]),
    ("2 * 3 = [6]", ["2 \\* 3 = \\[6\\]"]),
    ("<strong>b</strong> <em>i</em>", ["**b** *i*"]),
    # headings are bold paragraphs: an event's page has its own headings
    ("<h2>Head <b>bold</b></h2><p>text</p>", ["**Head bold**", "text"]),
    # Python-Markdown nests a list by four spaces, and keeps an ordered list's start
    ("<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>", ["- a\n    - b\n- c"]),
    ("<ol start='3'><li>c</li></ol>", ["3. c"]),
    ("<ul><li><p>p1</p><p>p2</p></li></ul>", ["- p1\n\n    p2"]),
    ("<blockquote><p>q1</p><p>q2</p></blockquote>", ["> q1\n>\n> q2"]),
    ("<table><tr><th>h</th></tr><tr><td>a | b</td></tr></table>",
     ["| h |\n| --- |\n| a \\| b |"]),
    ("<pre>code\n  x</pre>", ["    code\n      x"]),
    ("<code>a*b</code>", ["`a*b`"]),
    ("<p>x</p><hr><p>y</p>", ["x", "---", "y"]),
    ('<a href="https://x.org/">https://x.org/</a>', ["<https://x.org/>"]),
    # text that Markdown would read as markup stays text
    ("<p>1. not a list</p>", ["1\\. not a list"]),
    ("<p># not a heading</p>", ["\\# not a heading"]),
    ("<p>- not a bullet</p><p>> not a quote</p>", ["\\- not a bullet", "\\> not a quote"]),
    ("a &lt;b&gt; c &amp; d &amp;amp; e", ["a &lt;b> c & d &amp;amp; e"]),
])
def test_html_to_markdown(html: str, markdown: list[str]) -> None:
    assert html_to_markdown(html)[0] == markdown


@pytest.mark.parametrize("html", [
    "<p>An encyclopedia anyone can edit, &amp; it grows &lt;fast&gt;.</p>",
    "<ul><li>one<ul><li>two</li></ul></li></ul><ol start='4'><li>four</li></ol>",
    "<p># not a heading</p><p>1. not a list</p><p>- not a bullet</p><p>> not a quote</p>",
    "2 * 3 = [6] and a_b and `c`",
    "<h3>Heading</h3><blockquote>a quote</blockquote><pre>code\n  indented</pre>",
    "a<br>b &lt;i&gt;not italic&lt;/i&gt;",
])
def test_markdown_renders_as_the_html_read(html: str) -> None:
    """What the converter writes, frise renders back to the text and structure it read."""
    blocks, _ = html_to_markdown(html)
    rendered = MarkdownConverter().block("\n\n".join(blocks))
    if "&amp;" in html:
        assert "&amp; it grows &lt;fast&gt;." in rendered
    if "<ul>" in html:
        assert rendered.count("<ul>") == 2 and "<ol>" in rendered
    if "not a heading" in html:
        assert "<h1>" not in rendered and "<ol>" not in rendered
        assert "<ul>" not in rendered and "<blockquote>" not in rendered
        assert "<p># not a heading</p>" in rendered and "<p>1. not a list</p>" in rendered
    if "2 * 3" in html:
        assert "<p>2 * 3 = [6] and a_b and `c`</p>" in rendered
    if "<h3>" in html:
        assert "<strong>Heading</strong>" in rendered and "<blockquote>" in rendered
        assert "<pre><code>code\n  indented" in rendered
    if "not italic" in html:
        assert "<em>" not in rendered and "&lt;i&gt;not italic&lt;/i&gt;" in rendered


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


@pytest.mark.parametrize("html", [
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" java&#x09;script:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="//evil.example/">x</a>',
    "&lt;javascript:alert(1)&gt;",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&lt;img src=x onerror=alert(1)&gt;",
    "[x](javascript:alert(1)) ![y](https://evil.example/y.png)",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><script>alert(1)</script></svg>",
    "<iframe src='https://evil.example/'></iframe>",
    "<p onclick='alert(1)'>text</p>",
    '<a href="https://ok.example/" onclick="alert(1)" title="t">x</a>',
    '<a href="https://ok.example/a)(javascript:alert(1)">x</a>',
    '<a href="https://ok.example/a b"onmouseover=alert(1)>x</a>',
    "<object data='x.swf'></object><embed src='x.swf'><video src=x></video>",
    "<style>body{display:none}</style><noscript><img src=x></noscript>",
])
def test_nothing_unsafe_reaches_the_markdown(html: str) -> None:
    """Links only to http, https and mailto, no media, no script, no attribute but href:
    in the Markdown written (as frise's checks read it) and in the page made from it."""
    blocks, _ = html_to_markdown(html)
    text = "\n\n".join(blocks)
    for target, _ in find_links(text):
        assert target.startswith(("https://", "http://", "mailto:")), target
    raw = _Tags()
    raw.feed(text)  # no raw HTML at all in the Markdown
    assert raw.found == []
    page = _Tags()
    page.feed(MarkdownConverter().block(text))
    for tag, attrs in page.found:
        assert tag in ("p", "a", "strong", "em", "br"), tag
        assert set(attrs) <= {"href", "rel"}, attrs
        assert str(attrs.get("href", "https:")).startswith(("https:", "http:", "mailto:"))


def test_dropped_html_is_reported() -> None:
    _, dropped = html_to_markdown('<img src=x><a href="#top">top</a><svg><script></script>'
                                  "</svg>")
    assert dropped == ["<img> not kept: frise keeps text, not embedded media",
                       "link '#top' not kept: only http, https and mailto links are",
                       "<svg> not kept: frise keeps text, not embedded media",
                       "<script> not kept: frise keeps text, not embedded media"]


@pytest.mark.parametrize(("html", "text"), [
    ("<b>2 * 3</b> [x]", "2 * 3 [x]"),
    ("The <i>Relation</i> &amp; more", "The Relation & more"),
    ("<h2>A</h2><p>B</p>", "A B"),
    ("a<br>b", "a b"),
    ("<p>x<script>alert(1)</script></p>", "x"),
    ('<a href="javascript:alert(1)">Read</a> it', "Read it"),
])
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


def test_formula_guard_of_events_csv_reads_back_as_written() -> None:
    """events.csv puts an apostrophe before a cell that a spreadsheet would run as a
    formula; importing the sheet takes it off again, so the title is the editor's."""
    sheet = ("Year,Month,Day,Time,End Year,End Month,End Day,End Time,Display Date,"
             "Headline,Text,Media,Media Credit,Media Caption,Media Thumbnail,Type,Group,"
             "Background\n"
             "2020,3,,,,,,,,'-40 % en un an,<p>Une chute.</p>,,,,,,,\n")
    result = convert(sheet, "sheet.csv")
    [imported] = result.events
    assert imported.data["title"] == "-40 % en un an"


# --- what `frise import` says is what it does ------------------------------------------

SHEET = ("Year,Month,Day,Headline,Text,Group,Media\n"
         "2020,,,Alpha,<p>A.</p>,First group,\n"
         "2021,,,Beta,<p>B.</p>,Second group,https://example.org/b.jpg\n")

NOT_CARRIED_OVER_EXCEPT = ("Media kept as a link in the body", "is unknown to TimelineJS",
                           "no Text: the summary repeats the headline")
"""The notes about something carried over, only differently; all others are about a row
or cell not carried over."""


def sheet(tmp_path: Path, text: str = SHEET) -> Path:
    path = tmp_path / "sheet.csv"
    path.write_text(text, encoding="utf-8")
    return path


def notes(err: str) -> list[str]:
    return [line for line in err.splitlines() if ": note: " in line]


def test_summary_counts_notes_about_what_is_not_carried_over(imported) -> None:
    folder, code, out, err = imported
    written = [line for line in out.splitlines() if line.endswith(".yaml")]
    lost = [n for n in notes(err) if not any(s in n for s in NOT_CARRIED_OVER_EXCEPT)]
    other = len(notes(err)) - len(lost)
    assert lost and other
    assert err.splitlines()[-1] == (f"imported {len(written)} events; {len(lost)} notes about "
                                    f"rows or cells not carried over, {other} other notes")


def test_dry_run_says_what_it_would_import(project) -> None:
    folder = project({})
    code, out, err = run("import", str(FIXTURE), "--dry-run", "-C", str(folder))
    would = [line for line in out.splitlines() if line.startswith("would write ")]
    assert len(would) == 32
    assert err.splitlines()[-1].startswith("would import 32 events; ")
    assert "imported" not in err.splitlines()[-1]


def test_dry_run_does_not_promise_files_that_exist(imported) -> None:
    folder = imported[0]
    (folder / "content/events/1868-the-typewriter.yaml").unlink()
    code, out, err = run("import", str(FIXTURE), "--dry-run", "-C", str(folder))
    assert out.splitlines() == ["would write content/events/1868-the-typewriter.yaml"]
    assert ("writing-history.csv:4:1: note: content/events/3200-bce-cuneiform-appears-in-uruk"
            ".yaml exists already; the row would not be imported (frise never overwrites a "
            "file)") in err
    assert err.splitlines()[-1].startswith("would import 1 event; ")


def test_a_row_not_imported_has_no_notes_on_how_it_was_carried(imported) -> None:
    folder = imported[0]
    code, out, err = run("import", str(FIXTURE), "-C", str(folder))
    uruk = [n for n in notes(err) if n.startswith("writing-history.csv:4:")]
    assert uruk == ["writing-history.csv:4:1: note: content/events/3200-bce-cuneiform-appears-"
                    "in-uruk.yaml exists already; row not imported (frise never overwrites a "
                    "file)"]  # not "Display Date ... not kept" nor "Media kept as a link"
    assert err.splitlines()[-1] == (f"imported 0 events; {len(notes(err))} notes about rows "
                                    "or cells not carried over")


def test_an_event_file_in_yml_counts_as_existing(project, tmp_path: Path) -> None:
    folder = project({"content/events/2020-alpha.yml": "title: Alpha\ndate: 2020\nsummary: A.\n"})
    code, out, err = run("import", str(sheet(tmp_path)), "-C", str(folder))
    assert code == 0, err
    assert "content/events/2020-alpha.yml exists already; row not imported" in err
    assert not (folder / "content/events/2020-alpha.yaml").exists()


def test_tags_are_those_of_the_events_written(project, tmp_path: Path) -> None:
    folder = project({"content/tags.yaml": "other:\n  label: Other\n",
                      "content/events/2020-alpha.yaml":
                      "title: Alpha\ndate: 2020\nsummary: A.\ntags: [other]\n"})
    code, out, err = run("import", str(sheet(tmp_path)), "-C", str(folder))
    assert code == 0, err
    assert "added tags to content/tags.yaml: second-group" in err.splitlines()
    tags = yaml.safe_load((folder / "content/tags.yaml").read_text(encoding="utf-8"))
    assert set(tags) == {"other", "second-group"}  # not the group of the row not imported


def test_dry_run_tells_the_tags_it_would_add(project, tmp_path: Path) -> None:
    folder = project({"content/tags.yaml": "other:\n  label: Other\n"})
    code, out, err = run("import", str(sheet(tmp_path)), "--dry-run", "-C", str(folder))
    assert code == 0, err
    assert "would add tags to content/tags.yaml: first-group, second-group" in err.splitlines()
    assert (folder / "content/tags.yaml").read_text(encoding="utf-8") == (
        "other:\n  label: Other\n")


def test_an_unreadable_tags_yaml_stops_the_import_before_any_write(project, tmp_path: Path,
                                                                   ) -> None:
    folder = project({"content/tags.yaml": "a: [unclosed\n"})
    code, out, err = run("import", str(sheet(tmp_path)), "-C", str(folder))
    assert code == 1
    assert err.splitlines()[-1] == "1 error; nothing was written"
    assert err.splitlines()[0].startswith("content/tags.yaml:")
    assert not (folder / "content/events").exists()  # true: nothing was written


def test_quiet_dry_run_prints_nothing(project) -> None:
    folder = project({})
    code, out, err = run("import", str(FIXTURE), "--dry-run", "-q", "-C", str(folder))
    assert (code, out, err) == (0, "", "")


def test_a_failed_check_points_at_the_errors_not_only_the_files(project, tmp_path: Path) -> None:
    folder = project({"content/events/old.yaml": "title: Old\ndate: 2020\nsummary: S.\n"
                                                 "tags: [nowhere]\n",
                      "content/tags.yaml": "elsewhere:\n  label: Elsewhere\n"})
    code, out, err = run("import", str(sheet(tmp_path)), "-C", str(folder))
    assert code == 1
    assert "imported, but the project does not pass `frise check`:" in err
    assert any(line.startswith("content/events/old.yaml:") for line in err.splitlines())
    assert err.splitlines()[-1] == ("1 error; the 2 files imported are written; fix the "
                                    "errors, then run `frise check`")


def test_a_row_refused_has_no_note_on_how_it_would_be_carried() -> None:
    result = convert("Year,Month,Day,Headline,Type\n2020,,5,,odd\n,,,Nameless,odd\n", "x.csv")
    assert [n.message for n in result.notes] == [
        "row not imported: no Headline (frise needs a title)",
        "row 'Nameless' not imported: no usable date",
    ]  # no "kept to the year", no "imported as an event"
