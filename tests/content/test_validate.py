"""Validation: the contract's schema, every problem of every file at once, located."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from generator.build.pipeline import check
from generator.content.loader import load_project
from generator.content.model import Timeline
from generator.content.validate import markdown_texts, normalize_quote, validate
from generator.errors import ContentErrors
from generator.site.render import timeline_texts

ProjectFactory = Callable[..., Path]
REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"

EVENT = "title: An event\ndate: 2023-03-29\nsummary: Something happened.\n"
TAGS = "diplomatie:\n  label: Diplomatie\ndefense:\n  label: Défense\n"
ACTORS = ("yoav-gallant:\n  name: Yoav Gallant\n  kind: person\n"
          "ilham-aliyev:\n  name: Ilham Aliyev\n  kind: person\n")
ARTICLE = ("En mars, le ministre azerbaïdjanais des Affaires étrangères Jeyhun Bayramov a "
           "ouvert la toute première ambassade de Bakou en Israël.\n"
           "L’Azerbaïdjan est un « allié » d’Israël.\n")
SOURCES = ("article:\n  title: Un article\n  url: https://example.org/a\n"
           "  text: sources/article.txt\n")


def problems(root: Path, drafts: bool = False) -> list[str]:
    """The error lines of `frise check` on `root`, [] when it is valid."""
    try:
        check(root, drafts=drafts)
    except ContentErrors as exc:
        return [str(e) for e in exc.errors]
    return []


def timeline(root: Path, drafts: bool = False) -> Timeline:
    return check(root, drafts=drafts)[0]


def one_event(project: ProjectFactory, text: str, **files: str) -> list[str]:
    return problems(project({"content/events/e.yaml": text, **files}))


# --- events ----------------------------------------------------------------------------

def test_a_minimal_event_is_valid(project: ProjectFactory) -> None:
    root = project({"content/events/e.yaml": EVENT})
    assert problems(root) == []
    (event,) = timeline(root).events
    assert (event.id, event.title, str(event.date)) == ("e", "An event", "2023-03-29")


def test_missing_required_keys_are_named(project: ProjectFactory) -> None:
    found = one_event(project, "title: Only a title\n")
    assert "content/events/e.yaml:1:1: error: an event needs 'date'" in found
    assert "content/events/e.yaml:1:1: error: an event needs 'summary'" in found


@pytest.mark.parametrize(("typo", "right"), [
    ("titel", "title"), ("dat", "date"), ("summry", "summary"), ("tag", "tags"),
    ("actor", "actors"), ("source", "sources"), ("feature", "featured"), ("drafts", "draft"),
])
def test_misspelt_key_gets_a_suggestion(project: ProjectFactory, typo: str, right: str) -> None:
    found = one_event(project, EVENT + f"{typo}: x\n")
    assert f"content/events/e.yaml:4:1: error: unknown key '{typo}' in an event: " \
           f"did you mean '{right}'?" in found


def test_unknown_key_without_a_close_match_lists_the_valid_keys(project: ProjectFactory) -> None:
    found = one_event(project, EVENT + "zzzzzz: x\n")
    assert found == ["content/events/e.yaml:4:1: error: unknown key 'zzzzzz' in an event: "
                     "choose one of actors, body, date, draft, end, featured, note, sources, "
                     "summary, tags, title"]


def test_impossible_date_is_located_at_the_value(project: ProjectFactory) -> None:
    found = one_event(project, "title: T\ndate: 2023-02-30\nsummary: S\n")
    assert found == ["content/events/e.yaml:2:7: error: date '2023-02-30' is not a real day: "
                     "February 2023 has 28 days"]


def test_month_thirteen(project: ProjectFactory) -> None:
    found = one_event(project, "title: T\ndate: '2023-13'\nsummary: S\n")
    assert found == ["content/events/e.yaml:2:7: error: date '2023-13' has no month 13: "
                     "months run from 01 to 12"]


def test_end_before_date_is_refused(project: ProjectFactory) -> None:
    found = one_event(project, "title: T\ndate: 2023-05-30\nend: 2023-05-29\nsummary: S\n")
    assert found == ["content/events/e.yaml:3:6: error: 'end' (2023-05-29) is before "
                     "'date' (2023-05-30)"]


@pytest.mark.parametrize(("date", "end"), [
    ("2023-05-30", "2023-05-30"), ("2023-05-30", "2023-05"), ("2016", "2020"),
    ("2023-05", "2023"), ("-0499", "-0400"),
])
def test_end_not_before_date_is_fine(project: ProjectFactory, date: str, end: str) -> None:
    assert one_event(project, f"title: T\ndate: '{date}'\nend: '{end}'\nsummary: S\n") == []


@pytest.mark.parametrize("text", ["title: T\ndate: 2023\nsummary: S\nfeatured: yes\n",
                                  "title: T\ndate: 2023\nsummary: S\nfeatured: 'true'\n"])
def test_booleans_are_true_or_false_only(project: ProjectFactory, text: str) -> None:
    (error,) = one_event(project, text)
    assert error.startswith("content/events/e.yaml:4:11: error: 'featured' must be true or false")


@pytest.mark.parametrize("name", ["Bad Name", "UPPER", "accentué", "a_b", "x" * 81, "con"])
def test_bad_file_names_are_named_with_a_fix(project: ProjectFactory, name: str) -> None:
    found = problems(project({f"content/events/{name}.yaml": EVENT}))
    assert len(found) == 1
    assert found[0].startswith(f"content/events/{name}.yaml:1:1: error: file name '{name}'")
    assert "rename it to '" in found[0]


def test_the_same_id_twice_is_refused(project: ProjectFactory) -> None:
    found = problems(project({"content/events/a.yaml": EVENT, "content/events/a.yml": EVENT}))
    assert len(found) == 1 and "event id 'a' is also used by" in found[0]


def test_title_must_be_plain_text(project: ProjectFactory) -> None:
    found = one_event(project, "title: [a, b]\ndate: 2023\nsummary: S\n")
    assert found == ["content/events/e.yaml:1:8: error: 'title' must be text, not a list"]


def test_control_and_bidi_characters_are_refused(project: ProjectFactory) -> None:
    found = one_event(project, 'title: "A \\u202e title"\ndate: 2023\nsummary: S\n')
    assert len(found) == 1 and "bidirectional override (U+202E)" in found[0]


def test_empty_event_file(project: ProjectFactory) -> None:
    assert one_event(project, "# nothing yet\n") == [
        "content/events/e.yaml:1:1: error: an event file is empty: write at least its title, "
        "date and summary"]


def test_no_events(project: ProjectFactory) -> None:
    assert problems(project()) == [
        "content/events:1:1: error: no events: add a file such as "
        "content/events/2023-03-29-first-event.yaml"]


def test_no_content_folder_is_one_clear_error(project: ProjectFactory) -> None:
    root = project(site=None)
    assert problems(root) == [
        "content:1:1: error: no content/ folder here: is this a frise project?"]


def test_missing_site_yaml_is_reported_once(project: ProjectFactory) -> None:
    found = problems(project({"content/events/e.yaml": EVENT}, site=None))
    assert found == ["content/site.yaml:1:1: error: content/site.yaml is missing"]


# --- every error of every file at once -------------------------------------------------

def test_every_problem_of_every_file_in_one_run(project: ProjectFactory) -> None:
    root = project({
        "content/tags.yaml": TAGS,
        "content/actors.yaml": ACTORS,
        "content/events/a.yaml": "titel: A\ndate: 2023-02-30\nsummary: S\nfeatured: yes\n",
        "content/events/b.yaml": "title: B\ndate: 2023\nsummary: S\ntags: [diplomatei]\n",
        "content/events/c.yaml": "title: C\ndate: 2023\nsummary: S\nactors: [yoav-galant]\n",
        "content/events/d.yaml": "title: [\n",
        "content/events/e.yaml": "title: E\ntitle: E\ndate: 2023\nsummary: S\n",
    }, site="title: T\nlanguage: en\ndescriptoin: x\n")
    assert problems(root) == [
        "content/events/a.yaml:1:1: error: an event needs 'title'",
        "content/events/a.yaml:1:1: error: unknown key 'titel' in an event: did you mean 'title'?",
        "content/events/a.yaml:2:7: error: date '2023-02-30' is not a real day: "
        "February 2023 has 28 days",
        "content/events/a.yaml:4:11: error: 'featured' must be true or false, not 'yes'",
        "content/events/b.yaml:4:8: error: unknown tag 'diplomatei': did you mean 'diplomatie'? "
        "(tags are defined in content/tags.yaml)",
        "content/events/c.yaml:4:10: error: unknown actor 'yoav-galant': did you mean "
        "'yoav-gallant'? (actors are defined in content/actors.yaml)",
        "content/events/d.yaml:1:8: error: the '[' opened here is not closed: end it with ']' "
        "on the same line, with ', ' between items; the line reads: title: [",
        "content/events/e.yaml:2:1: error: duplicate key 'title' (first written at line 1); "
        "YAML would silently keep only the last one",
        "content/site.yaml:3:1: error: unknown key 'descriptoin' in site.yaml: "
        "did you mean 'description'?",
    ]


# --- tags, actors, sources -------------------------------------------------------------

def test_without_tags_yaml_tags_are_free_slugs(project: ProjectFactory) -> None:
    root = project({"content/events/e.yaml": EVENT + "tags: [anything-goes]\n"})
    assert [t.slug for t in timeline(root).tags] == ["anything-goes"]


def test_tag_slugs_must_be_valid(project: ProjectFactory) -> None:
    found = one_event(project, EVENT + "tags: [Bad Tag]\n")
    assert found == ["content/events/e.yaml:4:8: error: tag 'Bad Tag' must be 1 to 80 "
                     "characters of a-z, 0-9 and '-'; 'B' is a capital: write 'bad-tag'"]


def test_a_tag_listed_twice(project: ProjectFactory) -> None:
    found = one_event(project, EVENT + "tags: [a, a]\n")
    assert found == ["content/events/e.yaml:4:11: error: tag 'a' is listed twice"]


def test_actor_without_actors_yaml(project: ProjectFactory) -> None:
    (error,) = one_event(project, EVENT + "actors: [someone]\n")
    assert error.startswith("content/events/e.yaml:4:10: error: unknown actor 'someone'")


def test_actor_kind_is_checked_with_a_suggestion(project: ProjectFactory) -> None:
    found = problems(project({"content/events/e.yaml": EVENT,
                              "content/actors.yaml": "x:\n  name: X\n  kind: persn\n"}))
    assert found == ["content/actors.yaml:3:9: error: kind 'persn' is not one of person, "
                     "organisation, country, place: did you mean 'person'?"]


def test_unknown_source_gets_a_suggestion(project: ProjectFactory) -> None:
    found = problems(project({
        "content/events/e.yaml": EVENT + "sources:\n  - source: articel\n",
        "content/sources.yaml": SOURCES, "content/sources/article.txt": ARTICLE}))
    assert found == ["content/events/e.yaml:5:13: error: unknown source 'articel': "
                     "did you mean 'article'?"]


def quoted(project: ProjectFactory, quote: str) -> list[str]:
    event = EVENT + f"sources:\n  - source: article\n    quote: {quote}\n"
    return problems(project({"content/events/e.yaml": event, "content/sources.yaml": SOURCES,
                             "content/sources/article.txt": ARTICLE}))


@pytest.mark.parametrize("quote", [
    '"En mars, le ministre azerbaïdjanais des Affaires étrangères Jeyhun Bayramov a ouvert '
    'la toute première ambassade de Bakou en Israël."',
    # straight apostrophe and quotes for typographic ones
    "\"L'Azerbaïdjan est un \\\"allié\\\" d'Israël.\"",
    # a non-breaking space and a line break where the text has spaces
    '"ouvert la\\u00a0toute   première\\nambassade"',
    # decomposed accents (NFD) still match
    '"premie\\u0300re ambassade"',
])
def test_quotes_are_found_with_spaces_and_quote_marks_normalised(
        project: ProjectFactory, quote: str) -> None:
    assert quoted(project, quote) == []


@pytest.mark.parametrize("quote", [
    '"En mars, le ministre azerbaïdjanais des Affaires étrangères Jeyhun Bayramov a fermé '
    'la toute première ambassade de Bakou en Israël."',
    '"la toute deuxième ambassade"',
    '"en mars, le ministre"',   # case matters
])
def test_a_changed_word_fails_the_quote(project: ProjectFactory, quote: str) -> None:
    assert quoted(project, quote) == [
        "content/events/e.yaml:6:12: error: quote not found in the text of 'article' "
        "(content/sources/article.txt): copy the sentence exactly"]


def test_quote_without_local_text_is_not_checked(project: ProjectFactory) -> None:
    event = EVENT + ("sources:\n  - url: https://example.org/x\n    title: X\n"
                     "    quote: anything at all\n")
    assert one_event(project, event) == []


def test_source_text_must_exist(project: ProjectFactory) -> None:
    found = problems(project({"content/events/e.yaml": EVENT, "content/sources.yaml": SOURCES,
                              "content/sources/articel.txt": ARTICLE}))
    assert found == ["content/sources.yaml:4:9: error: source text "
                     "'content/sources/article.txt' does not exist: did you mean "
                     "'sources/articel.txt'?"]


def test_source_text_cannot_leave_content(project: ProjectFactory) -> None:
    sources = "a:\n  title: A\n  text: ../pyproject.toml\n"
    found = problems(project({"content/events/e.yaml": EVENT, "content/sources.yaml": sources}))
    assert found == ["content/sources.yaml:3:9: error: 'text' must be a path inside content/, "
                     "not '../pyproject.toml'"]


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,<script>", "ftp://x.org/",
    "example.org/page", "//example.org/page", "vbscript:x", "file:///etc/passwd", "http:/x",
    "http://", "https:///path", "https://exa mple.org/", "mailto:", "https://[::1/",
])
def test_unsafe_or_relative_urls_are_refused(project: ProjectFactory, url: str) -> None:
    event = EVENT + f"sources:\n  - url: '{url}'\n    title: X\n"
    (error,) = one_event(project, event)
    assert error.startswith("content/events/e.yaml:5:10: error: 'url' must be an absolute "
                            "http, https or mailto URL")


@pytest.mark.parametrize("url", ["https://example.org/a?b=c#d", "http://example.org",
                                 "https://user@example.org:8080/x", "https://[::1]/",
                                 "mailto:someone@example.org", "HTTPS://EXAMPLE.ORG/"])
def test_good_urls(project: ProjectFactory, url: str) -> None:
    event = EVENT + f"sources:\n  - url: '{url}'\n    title: X\n"
    assert one_event(project, event) == []


def test_source_written_in_place_needs_title_and_url(project: ProjectFactory) -> None:
    found = one_event(project, EVENT + "sources:\n  - publisher: P\n")
    assert ("content/events/e.yaml:5:5: error: a source needs 'title' (the source's own "
            "title) or, when the title is unknown, 'description'") in found
    assert "content/events/e.yaml:5:5: error: a source needs 'url'" in found


def test_a_source_may_be_described_when_its_title_is_unknown(project: ProjectFactory) -> None:
    root = project({"content/events/e.yaml": EVENT + "sources:\n  - source: s\n  - url: "
                    "https://example.org/b\n    description: Une dépêche\n",
                    "content/sources.yaml": "s:\n  description: Un communiqué\n"})
    assert problems(root) == []
    found = problems(project({"content/events/e.yaml": EVENT + "sources:\n  - source: s\n",
                              "content/sources.yaml": "s:\n  publisher: P\n"}))
    assert found == ["content/sources.yaml:2:3: error: source 's' needs 'title' (the source's "
                     "own title) or, when the title is unknown, 'description'"]


def test_notes_say_what_they_are(project: ProjectFactory) -> None:
    root = project({"content/events/e.yaml": EVENT + "note:\n  - kind: unconfirmed\n    text: "
                    "Pas confirmé.\n  - kind: precision\n    text: Une précision.\n"})
    assert problems(root) == []
    timeline, _, _ = check(root)
    assert [(n.kind, n.text) for n in timeline.events[0].notes] == [
        ("unconfirmed", "Pas confirmé."), ("precision", "Une précision.")]
    plain = project({"content/events/e.yaml": EVENT + "note: Elles divergent.\n"})
    assert [n.kind for n in check(plain)[0].events[0].notes] == ["disagree"]


def test_a_note_of_an_unknown_kind_or_without_text_is_an_error(project: ProjectFactory) -> None:
    found = one_event(project, EVENT + "note:\n  kind: unconfirmd\n  text: T\n"
                      "  txet: x\n")
    assert "content/events/e.yaml:5:9: error: note kind 'unconfirmd' is not one of disagree, " \
        "unconfirmed, precision, correction: did you mean 'unconfirmed'?" in found
    assert "content/events/e.yaml:7:3: error: unknown key 'txet' in a note: did you mean " \
        "'text'?" in found
    assert one_event(project, EVENT + "note:\n  kind: precision\n") == [
        "content/events/e.yaml:5:3: error: a note needs 'text'"]


def test_base_url_must_be_http(project: ProjectFactory) -> None:
    found = problems(project({"content/events/e.yaml": EVENT},
                             site="title: T\nbase_url: javascript:alert(1)\n"))
    assert len(found) == 1 and found[0].startswith("content/site.yaml:2:11: error:")


@pytest.mark.parametrize("output", ["content", "templates", "/tmp/x", "../elsewhere", ".",
                                    "content/site", ".git"])
def test_output_cannot_clobber_the_project(project: ProjectFactory, output: str) -> None:
    found = problems(project({"content/events/e.yaml": EVENT},
                             site=f"title: T\noutput: '{output}'\n"))
    assert len(found) == 1 and found[0].startswith("content/site.yaml:2:9: error: 'output'")


def test_unknown_language(project: ProjectFactory) -> None:
    found = problems(project({"content/events/e.yaml": EVENT}, site="title: T\nlanguage: xx\n"))
    assert len(found) >= 1 and all(f.startswith("content/site.yaml:2:11: error:") for f in found)


# --- drafts and order ------------------------------------------------------------------

def test_drafts_are_left_out_unless_asked(project: ProjectFactory) -> None:
    root = project({"content/events/a.yaml": EVENT,
                    "content/events/b.yaml": EVENT + "draft: true\n"})
    assert [e.id for e in timeline(root).events] == ["a"]
    assert [e.id for e in timeline(root, drafts=True).events] == ["a", "b"]


def test_tags_and_actors_of_drafts_only_are_left_out(project: ProjectFactory) -> None:
    root = project({"content/events/a.yaml": EVENT + "tags: [shown]\n",
                    "content/events/b.yaml": EVENT + "tags: [hidden]\ndraft: true\n"})
    assert [t.slug for t in timeline(root).tags] == ["shown"]


def test_a_broken_draft_is_still_an_error(project: ProjectFactory) -> None:
    found = problems(project({"content/events/a.yaml": EVENT,
                              "content/events/b.yaml": "title: T\ndate: 2023-02-30\n"
                                                       "summary: S\ndraft: true\n"}))
    assert len(found) == 1 and "February 2023 has 28 days" in found[0]


def test_order_by_date_then_end_then_id_never_file_names(project: ProjectFactory) -> None:
    def ev(date: str, end: str | None = None) -> str:
        return f"title: T\ndate: '{date}'\n" + (f"end: '{end}'\n" if end else "") + \
            "summary: S\n"
    root = project({
        "content/events/a-day.yaml": ev("2023-03-05"),
        "content/events/b-month.yaml": ev("2023-03"),
        "content/events/c-year.yaml": ev("2023"),
        "content/events/d-long.yaml": ev("2023-03-05", "2023-04"),
        "content/events/e-short.yaml": ev("2023-03-05", "2023-03-06"),
        "content/events/0-same.yaml": ev("2023-03-05"),
        "content/events/z-bce.yaml": ev("-0499"),
        "content/events/y-early.yaml": ev("1920~"),
        "content/events/x-late.yaml": ev("2023-12-31"),
    })
    assert [e.id for e in timeline(root).events] == [
        "z-bce", "y-early", "c-year", "b-month", "0-same", "a-day", "e-short", "d-long",
        "x-late"]


def test_normalize_quote() -> None:
    assert normalize_quote("l’« alliance »\u00a0 stratégique\n") == 'l\'"alliance" stratégique'


@pytest.mark.parametrize("root", [REPO, FIXTURES / "good-en"], ids=["real", "en"])
def test_the_texts_converted_ahead_are_those_validation_finds(root: Path) -> None:
    """A cold build converts the events' Markdown while it validates, reading the texts
    from the nodes: they must be exactly the summaries, bodies and notes validation
    gives, or the build converts them again (the real content has each kind)."""
    raw = load_project(root)
    timeline = validate(raw, drafts=True)  # drafts' texts are read too, used or not
    shown = timeline_texts(timeline) - {timeline.site.description}
    shown -= {tag.description for tag in timeline.tags}
    if root == REPO:
        assert any(e.notes for e in timeline.events) and any(e.body for e in timeline.events)
    assert markdown_texts(raw) == shown
