"""The wheel carries the default theme, and a project's templates override it file by file."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from generator.build.pipeline import build

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        pytest.fail(f"pip wheel failed:\n{result.stderr}")
    return next(out.glob("frise-*.whl"))


def test_wheel_ships_the_theme(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    theme = {p.relative_to(ROOT / "templates").as_posix()
             for p in (ROOT / "templates").rglob("*") if p.is_file()}
    assert theme, "the theme folder is empty"
    missing = sorted(t for t in theme if f"generator/theme/{t}" not in names)
    assert not missing, f"theme files missing from the wheel: {missing}"


def test_wheel_declares_the_console_script(wheel: Path) -> None:
    zf = zipfile.ZipFile(wheel)
    entry = next(n for n in zf.namelist() if n.endswith("entry_points.txt"))
    assert "frise = generator.commands.cli:main" in zf.read(entry).decode()


def _project(root: Path) -> Path:
    (root / "content" / "events").mkdir(parents=True)
    (root / "content" / "site.yaml").write_text("title: Override test\nlanguage: en\n")
    (root / "content" / "events" / "one.yaml").write_text(
        "title: One\ndate: 2020\nsummary: The only event.\n")
    return root


def test_project_template_overrides_and_extends_the_default(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "templates").mkdir()
    (project / "templates" / "base.html").write_text(
        '{% extends "!default/base.html" %}\n'
        '{% block head %}<meta name="x-newsroom" content="ours">{% endblock %}\n')
    build(project)
    index = (project / "site" / "index.html").read_text()
    assert '<meta name="x-newsroom" content="ours">' in index
    assert "The only event." in index, "the default index template no longer renders"


def test_project_asset_overrides_the_default(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "templates" / "assets").mkdir(parents=True)
    (project / "templates" / "assets" / "style.css").write_text("body { color: red }\n")
    build(project)
    assert (project / "site" / "assets" / "style.css").read_text() == "body { color: red }\n"
