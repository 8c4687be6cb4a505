"""The editor's commands, in process: new, init, check, help, --quiet/--verbose, progress."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.build.pipeline import Report
from generator.commands import cli

SITE = "title: T\nlanguage: en\n"
EVENT = "title: An event\ndate: '2023-03-29'\nsummary: Something happened.\n"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli.main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def proj(project):
    return project({"content/events/2023-03-29-an-event.yaml": EVENT,
                    "content/actors.yaml": "yoav-gallant:\n  name: Yoav Gallant\n  kind: person\n"},
                   site=SITE)


def test_new_writes_a_valid_event_named_after_date_and_title(proj: Path) -> None:
    code, out, _ = run("new", "Yoav Gallant à Bakou : l'été", "--date", "2023-07-13",
                       "--tags", "diplomatie,defense", "--actors", "yoav-gallant", "-C", str(proj))
    assert code == 0
    path = proj / "content/events/2023-07-13-yoav-gallant-a-bakou-l-ete.yaml"
    assert out.strip().endswith("content/events/2023-07-13-yoav-gallant-a-bakou-l-ete.yaml")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../.frise/schemas/"
                           "event.schema.json\n")
    assert (proj / ".frise/schemas/event.schema.json").is_file()
    data = yaml.safe_load(text)
    assert data["title"] == "Yoav Gallant à Bakou : l'été"
    assert data["date"] == "2023-07-13"
    assert data["tags"] == ["diplomatie", "defense"]
    assert data["actors"] == ["yoav-gallant"]
    assert data["summary"]
    assert "sources" in data
    for optional in ("# end:", "# body:", "# note:", "# featured:", "# draft:"):
        assert optional in text


def test_new_event_passes_check(proj: Path) -> None:
    code, _, _ = run("new", "Le traité", "--date", "1920~", "--end", "1921", "--tags", "paix",
                     "-C", str(proj))
    assert code == 0
    code, out, err = run("check", "-C", str(proj))
    path = "content/events/1920-le-traite.yaml"
    assert (code, err.splitlines()[0]) == (1, f"{path}:5:10: error: 'summary' still holds the "
                                           "placeholder of `frise new`: write the text, or add "
                                           "'draft: true' to keep the event out of the site")
    text = (proj / path).read_text(encoding="utf-8")
    (proj / path).write_text(text.replace("TODO:", "Signed:"), encoding="utf-8")
    code, out, err = run("check", "-C", str(proj))
    assert code == 0, err
    assert "2 events" in out


def test_new_checks_tags_actors_and_dates_against_the_project(proj: Path) -> None:
    (proj / "content/tags.yaml").write_text("defense:\n  label: Défense\n", encoding="utf-8")
    code, _, err = run("new", "X", "--date", "2023-07-13", "--tags", "defence", "--actors",
                       "yoav-galant", "-C", str(proj))
    assert code == 1
    assert err.splitlines() == [
        "error: unknown actor 'yoav-galant': did you mean 'yoav-gallant'? "
        "(actors are defined in content/actors.yaml)",
        "error: unknown tag 'defence': did you mean 'defense'? "
        "(tags are defined in content/tags.yaml)",
        "2 errors; nothing was written"]
    code, _, err = run("new", "X", "--date", "2023-7-13", "-C", str(proj))
    assert (code, err.splitlines()[0]) == (1, "error: --date: '2023-7-13' is not a date: write "
                                           "2023-07-13 (YYYY-MM-DD: four-digit years, two-digit "
                                           "months and days)")
    assert sorted(p.name for p in (proj / "content/events").iterdir()) == [
        "2023-03-29-an-event.yaml"]


@pytest.mark.parametrize(("title", "slug"), [
    ("İlham Əliyev à Bakı", "ilham-eliyev-a-baki"),
    ("Œuvre commune", "oeuvre-commune"),
    ("Владимир Путин", "vladimir-putin"),
    ("בנימין נתניהו", "vnymyn-ntnyhv"),
    ("Un titre très long qui dépasse de loin la limite de quatre-vingts caractères d'un id",
     "un-titre-tres-long-qui-depasse-de-loin-la-limite-de-quatre-vingts"),
])
def test_new_ids_come_from_any_script_and_end_at_a_word(proj: Path, title: str,
                                                        slug: str) -> None:
    code, out, _ = run("new", title, "--date", "2023-07-13", "-C", str(proj))
    assert code == 0
    assert out.strip().endswith(f"content/events/2023-07-13-{slug}.yaml")


def test_new_writes_its_placeholder_in_the_site_language(project) -> None:
    root = project({}, site="title: T\nlanguage: fr\n")
    assert run("new", "Visite", "--date", "2023-07-13", "-C", str(root))[0] == 0
    text = (root / "content/events/2023-07-13-visite.yaml").read_text(encoding="utf-8")
    assert "À FAIRE : une ou deux phrases" in text and "TODO" not in text


def test_new_refuses_to_overwrite(proj: Path) -> None:
    args = ("new", "Same title", "--date", "2023-07-13", "-C", str(proj))
    assert run(*args)[0] == 0
    path = proj / "content/events/2023-07-13-same-title.yaml"
    path.write_text(path.read_text() + "# my edit\n")
    code, _, err = run(*args)
    assert code == 1
    assert "already exists" in err
    assert path.read_text().endswith("# my edit\n")


@pytest.mark.parametrize(("date", "why"), [("2023-02-30", "28 days"), ("13/07/2023", "not a date"),
                                           ("2023-13", "no month 13")])
def test_new_validates_the_date(proj: Path, date: str, why: str) -> None:
    code, _, err = run("new", "Bad", "--date", date, "-C", str(proj))
    assert code == 1
    assert why in err
    assert not list((proj / "content/events").glob("*bad*"))


def test_new_refuses_end_before_date_and_bad_tags(proj: Path) -> None:
    code, _, err = run("new", "X", "--date", "2023-07-13", "--end", "2023-07-01", "-C", str(proj))
    assert code == 1 and "before" in err
    code, _, err = run("new", "X", "--date", "2023-07-13", "--tags", "Défense", "-C", str(proj))
    assert code == 1 and "'D' is a capital: write 'defense'" in err


def test_new_bce_and_qualified_dates_make_valid_ids(proj: Path) -> None:
    code, out, _ = run("new", "Fondation de Rome", "--date", "-0752?", "-C", str(proj))
    assert code == 0
    assert out.strip().endswith("0753-bce-fondation-de-rome.yaml")
    code, _, err = run("check", "-C", str(proj))
    assert code == 1 and "'summary' still holds the placeholder" in err
    assert len(err.splitlines()) == 2  # the placeholder alone: the date and the id are valid


@pytest.mark.parametrize("language", ["fr", "en"])
def test_init_makes_a_project_that_builds_at_once(tmp_path: Path, language: str) -> None:
    folder = tmp_path / "my-timeline"
    code, out, _ = run("init", str(folder), "--language", language)
    assert code == 0
    site = yaml.safe_load((folder / "content/site.yaml").read_text(encoding="utf-8"))
    assert site["language"] == language
    assert (folder / "content/site.yaml").read_text().startswith(
        "# yaml-language-server: $schema=../.frise/schemas/site.schema.json")
    assert len(list((folder / "content/events").glob("*.yaml"))) == 1
    assert "/site/" in (folder / ".gitignore").read_text()
    code, out, err = run("build", "-C", str(folder))
    assert code == 0, err
    index = (folder / "site/index.html").read_text(encoding="utf-8")
    assert f'lang="{language}"' in index
    assert ("Ma chronologie" if language == "fr" else "My timeline") in index


def test_init_refuses_an_existing_project(proj: Path) -> None:
    before = (proj / "content/site.yaml").read_text()
    code, _, err = run("init", str(proj))
    assert code == 1 and "already exists" in err
    assert (proj / "content/site.yaml").read_text() == before


def test_check_json_lists_located_errors(project) -> None:
    broken = project({"content/events/a.yaml": "title: A\ndate: 2023-02-30\nsummary: s\n"})
    code, out, _ = run("check", "--format", "json", "-C", str(broken))
    assert code == 1
    data = json.loads(out)
    assert data["ok"] is False
    assert data["errors"][0]["path"] == "content/events/a.yaml"
    assert data["errors"][0]["line"] == 2
    assert "28 days" in data["errors"][0]["message"]


@pytest.mark.parametrize("command", ["build", "check", "new", "init", "serve", "import"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0
    assert "Example:" in out
    assert f"frise {command}" in out


def test_quiet_prints_nothing_and_verbose_prints_stage_timings(proj: Path) -> None:
    code, out, err = run("build", "-v", "-C", str(proj))
    assert code == 0
    for stage in ("load", "validate", "render", "write"):
        assert f"{stage} " in err
    code, out, err = run("build", "-v", "-C", str(proj))  # nothing to do: said so, timed
    assert "(nothing changed)" in out and "timings: unchanged " in err
    (proj / "content" / "events" / "2023-03-29-an-event.yaml").touch()  # a change: builds
    code, out, err = run("build", "-q", "-C", str(proj))
    assert code == 0 and out == "" and err == ""
    code, out, err = run("build", "-q", "-C", str(proj))
    assert code == 0 and out == "" and err == ""
    code, out, err = run("check", "-v", "-C", str(proj))
    assert "validate" in err and "ok: 1 event, no problems" in out
    code, out, err = run("new", "Quiet", "--date", "2023", "-q", "-C", str(proj))
    assert (code, out, err) == (0, "", "")


def test_no_progress_bar_in_a_pipe(proj: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "PROGRESS_AFTER", 0.0)
    code, out, err = run("build", "-C", str(proj))
    assert code == 0
    assert "building" not in err


def test_progress_bar_on_a_terminal_for_a_slow_build(proj: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A build longer than PROGRESS_AFTER shows the bar (on a terminal only)."""
    import threading

    shown = threading.Event()

    def slow_build(project: Path, drafts: bool = False, base_url: str | None = None,
                   progress=None, inputs: object = None) -> Report:
        assert shown.wait(30), "the progress bar never appeared"
        progress("render")
        progress("write")
        return Report(events=1, files=1, output=project / "site", seconds={"load": 0.0})

    original = cli._Progress._show

    def show(self: cli._Progress) -> None:
        original(self)
        shown.set()

    monkeypatch.setattr(cli, "PROGRESS_AFTER", 0.0)
    monkeypatch.setattr(cli, "_stderr_is_tty", lambda: True)
    monkeypatch.setattr(cli._Progress, "_show", show)
    monkeypatch.setattr("generator.build.pipeline.build", slow_build)
    code, out, err = run("build", "-C", str(proj))
    assert code == 0
    assert "building" in err
    code, out, err = run("build", "-q", "-C", str(proj))
    assert "building" not in err


def test_pre_commit_hook_runs_frise_check(repo: Path) -> None:
    hooks = yaml.safe_load((repo / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "frise-check")
    assert hook["entry"] == "frise check"
    assert hook["pass_filenames"] is False
    assert hook["language"] == "python"
