"""The `frise` command, in process: exit status, error lines on stderr, no traceback."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.commands.cli import main

ProjectFactory = Callable[..., Path]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EVENT = "title: An event\ndate: 2023-03-29\nsummary: Something happened.\n"
ERROR_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): error: (?P<msg>.+)$")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=True)


def assert_no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        f"uncaught {result.exception!r}"
    assert "Traceback" not in result.output and "Traceback" not in result.stderr


def error_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if ERROR_LINE.match(line)]


@pytest.fixture
def good_en(tmp_path: Path) -> Path:
    root = tmp_path / "good-en"
    shutil.copytree(FIXTURES / "good-en" / "content", root / "content")
    return root


@pytest.fixture
def broken(project: ProjectFactory) -> Path:
    return project({
        "content/events/a.yaml": "title: A\ndate: 2023-02-30\nsummary: S\ntitel: x\n",
        "content/events/b.yaml": "title: B\ndate: 2023\nsummary: [\n",
    })


def test_build_succeeds_with_status_0(good_en: Path) -> None:
    result = run("build", "-C", str(good_en))
    assert_no_traceback(result)
    assert result.exit_code == 0, result.stderr
    assert "built 3 events" in result.stdout
    assert (good_en / "site" / "index.html").is_file()


def test_quiet_build_prints_nothing(good_en: Path) -> None:
    result = run("build", "-q", "-C", str(good_en))
    assert result.exit_code == 0
    assert result.stdout == ""


def test_check_ok(good_en: Path) -> None:
    result = run("check", "-C", str(good_en))
    assert result.exit_code == 0, result.stderr
    assert "3 events" in result.stdout
    assert not (good_en / "site").exists()


def test_check_reports_every_error_located_with_status_1(broken: Path) -> None:
    result = run("check", "-C", str(broken))
    assert_no_traceback(result)
    assert result.exit_code == 1
    lines = error_lines(result)
    assert lines[:2] == [
        "content/events/a.yaml:2:7: error: date '2023-02-30' is not a real day: "
        "February 2023 has 28 days",
        "content/events/a.yaml:4:1: error: unknown key 'titel' in an event: "
        "did you mean 'title'?",
    ]
    assert len(lines) == 3 and lines[2].startswith("content/events/b.yaml:3:10: error: the '[' "
                                                   "opened here is not closed")
    assert result.stdout == ""
    assert not (broken / "site").exists()


def test_build_of_broken_content_keeps_the_site(
        good_en: Path, hashes: Callable[[Path], dict[str, str]]) -> None:
    assert run("build", "-C", str(good_en)).exit_code == 0
    before = hashes(good_en / "site")
    (good_en / "content" / "events" / "ada-program.yaml").write_text(
        "title: X\ndate: 2023-13\nsummary: S\n", encoding="utf-8")
    result = run("build", "-C", str(good_en))
    assert_no_traceback(result)
    assert result.exit_code == 1
    assert error_lines(result) == [
        "content/events/ada-program.yaml:2:7: error: date '2023-13' has no month 13: "
        "months run from 01 to 12"]
    assert hashes(good_en / "site") == before


def test_check_writes_nothing_even_over_an_old_site(
        broken: Path, good_en: Path, hashes: Callable[[Path], dict[str, str]]) -> None:
    assert run("build", "-C", str(good_en)).exit_code == 0
    before = hashes(good_en)
    assert run("check", "-C", str(good_en)).exit_code == 0
    assert hashes(good_en) == before


def test_check_json_format(broken: Path) -> None:
    result = run("check", "--format", "json", "-C", str(broken))
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert data["errors"][0] == {"path": "content/events/a.yaml", "line": 2, "col": 7,
                                 "message": "date '2023-02-30' is not a real day: "
                                            "February 2023 has 28 days"}


def test_not_a_project(tmp_path: Path) -> None:
    result = run("check", "-C", str(tmp_path))
    assert_no_traceback(result)
    assert result.exit_code == 1
    assert "no content/ folder here" in result.stderr


@pytest.mark.parametrize("files", [
    {"content/events/e.yaml": b"title: caf\xe9\ndate: 2023\nsummary: s\n"},
    {"content/events/e.yaml": b"\xff\xfet\x00i\x00"},
    {"content/events/e.yaml": b"title: \x00\n"},
    {"content/events/e.yaml": "title: !!python/object/apply:os.system ['true']\n"},
    {"content/events/e.yaml": "- a list\n- not a mapping\n"},
    {"content/events/e.yaml": "title: {a: b}\ndate: {}\nsummary: []\ntags: x\nsources: y\n"},
    {"content/events/e.yaml": EVENT + "sources:\n  - 12\n  - [a]\n  - source: {}\n"},
    {"content/events/e.yaml": EVENT, "content/actors.yaml": "- a\n"},
    {"content/events/e.yaml": EVENT, "content/tags.yaml": "x: y\n"},
    {"content/events/e.yaml": EVENT, "content/sources.yaml": "s:\n  text: [a]\n"},
    {"content/events/e.yaml": EVENT, "content/site.yaml": "- title\n"},
    {"content/events/e.yaml": EVENT, "content/site.yaml": "title: T\nlanguage: '12'\n"},
    {"content/events/e.yaml": "title: T\ndate: 2023\nend: 2022\nsummary: s\n"},
    {"content/events/e.yaml": "title: T\ndate: '99999999999999999999'\nsummary: s\n"},
])
def test_no_traceback_for_anything_wrong_in_the_content(
        project: ProjectFactory, files: dict[str, str | bytes]) -> None:
    root = project(files)
    for command in ("check", "build"):
        result = run(command, "-C", str(root))
        assert_no_traceback(result)
        assert result.exit_code == 1, result.stderr
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert lines and all(ERROR_LINE.match(line) or not line.startswith(" ")
                             for line in lines)
        assert error_lines(result), result.stderr
        assert not (root / "site").exists()


def test_help_and_version() -> None:
    assert run("--help").exit_code == 0
    assert "build" in run("--help").stdout
    result = run("--version")
    assert result.exit_code == 0 and re.search(r"\d+\.\d+", result.stdout)


def test_base_url_option(good_en: Path) -> None:
    result = run("build", "-C", str(good_en), "--base-url", "https://example.org/sub")
    assert result.exit_code == 0, result.stderr
    page = (good_en / "site" / "events" / "treaty" / "index.html").read_text("utf-8")
    assert 'href="https://example.org/sub/events/treaty/"' in page


@pytest.mark.parametrize("url", ["javascript:alert(1)", "example.org", "ftp://example.org/"])
def test_base_url_option_refuses_what_is_not_a_web_address(good_en: Path, url: str) -> None:
    result = run("build", "-C", str(good_en), "--base-url", url)
    assert result.exit_code == 1
    assert_no_traceback(result)
    assert "--base-url must be an http or https URL" in result.stderr
    assert not (good_en / "site").exists()


BROKEN = sorted(p.name for p in FIXTURES.glob("broken-*") if (p / "expected.txt").is_file())


def test_there_are_broken_fixtures() -> None:
    assert len(BROKEN) >= 3


@pytest.mark.parametrize("name", BROKEN)
def test_broken_fixture_reports_exactly_its_expected_lines(
        name: str, hashes: Callable[[Path], dict[str, str]]) -> None:
    """`frise check` on tests/fixtures/<name> prints exactly the lines of expected.txt
    (one `path:line:col: error: message` a line) and changes nothing."""
    root = FIXTURES / name
    before = hashes(root)
    result = run("check", "-C", str(root))
    assert_no_traceback(result)
    assert result.exit_code == 1
    expected = (root / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert error_lines(result) == expected
    assert hashes(root) == before


@pytest.mark.parametrize("name", BROKEN)
def test_broken_fixture_build_writes_nothing(name: str, tmp_path: Path) -> None:
    root = tmp_path / name
    shutil.copytree(FIXTURES / name / "content", root / "content")
    result = run("build", "-C", str(root))
    assert result.exit_code == 1
    assert sorted(p.name for p in root.iterdir()) == ["content"]
