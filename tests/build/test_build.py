"""The build: atomic, reproducible, relative links that resolve, `check` writes nothing."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from generator.build.pipeline import build, check
from generator.errors import ContentErrors, FriseError

ProjectFactory = Callable[..., Path]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EVENT = "title: An event\ndate: 2023-03-29\nsummary: Something happened.\n"


@pytest.fixture
def good_en(tmp_path: Path) -> Path:
    """A fresh copy of the English fixture project, without any built site."""
    root = tmp_path / "good-en"
    shutil.copytree(FIXTURES / "good-en" / "content", root / "content")
    return root


def test_build_writes_the_pages(good_en: Path) -> None:
    report = build(good_en)
    site = good_en / "site"
    assert report.output == site
    assert report.events == 3  # the draft is left out
    for page in ("index.html", "404.html", "events/ada-program/index.html",
                 "events/rome-founded/index.html", "events/treaty/index.html",
                 "tags/politics/index.html", "actors/ada/index.html", "assets/style.css"):
        assert (site / page).is_file(), page
    assert not (site / "events" / "secret").exists()
    index = (site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in index
    assert index.index("Rome is founded") < index.index("The first program") < index.index(
        "A treaty")


def test_drafts_are_built_when_asked(good_en: Path) -> None:
    build(good_en, drafts=True)
    assert (good_en / "site" / "events" / "secret" / "index.html").is_file()


def test_two_builds_give_identical_bytes(good_en: Path, tmp_path: Path,
                                         hashes: Callable[[Path], dict[str, str]]) -> None:
    build(good_en)
    first = hashes(good_en / "site")
    other = tmp_path / "elsewhere" / "copy"
    shutil.copytree(good_en / "content", other / "content")
    build(other)
    build(good_en)
    assert hashes(good_en / "site") == first
    assert hashes(other / "site") == first


def test_a_failed_build_leaves_the_last_good_site_byte_for_byte(
        good_en: Path, hashes: Callable[[Path], dict[str, str]]) -> None:
    build(good_en)
    before = hashes(good_en / "site")
    (good_en / "content" / "events" / "treaty.yaml").write_text(
        "title: A treaty\ndate: 2023-02-30\nsummary: Broken.\n", encoding="utf-8")
    (good_en / "content" / "events" / "new.yaml").write_text("title: [\n", encoding="utf-8")
    with pytest.raises(ContentErrors) as exc:
        build(good_en)
    assert len(exc.value.errors) == 2
    assert hashes(good_en / "site") == before
    assert sorted(p.name for p in good_en.iterdir() if p.name.startswith(".frise-tmp")) == []


def test_a_template_error_leaves_the_last_good_site(
        good_en: Path, hashes: Callable[[Path], dict[str, str]]) -> None:
    build(good_en)
    before = hashes(good_en / "site")
    (good_en / "templates").mkdir()
    (good_en / "templates" / "event.html").write_text(
        '{% extends "base.html" %}{% block main %}{{ no_such_thing.at_all }}{% endblock %}\n',
        encoding="utf-8")
    with pytest.raises(FriseError):
        build(good_en)
    assert hashes(good_en / "site") == before
    assert sorted(p.name for p in good_en.iterdir()) == [".frise-cache", "content", "site",
                                                         "templates"]


def test_a_second_build_replaces_the_site(good_en: Path) -> None:
    build(good_en)
    (good_en / "content" / "events" / "treaty.yaml").unlink()
    build(good_en)
    assert not (good_en / "site" / "events" / "treaty").exists()
    assert "A treaty" not in (good_en / "site" / "index.html").read_text(encoding="utf-8")


def test_check_writes_nothing(good_en: Path) -> None:
    before = sorted(p.relative_to(good_en).as_posix() for p in good_en.rglob("*"))
    timeline, _, report = check(good_en)
    assert report.events == 3 and len(timeline.events) == 3
    assert sorted(p.relative_to(good_en).as_posix() for p in good_en.rglob("*")) == before


def test_build_refuses_an_output_folder_it_did_not_make(project: ProjectFactory) -> None:
    root = project({"content/events/e.yaml": EVENT, "site/precious.txt": "keep me"})
    with pytest.raises(FriseError) as exc:
        build(root)
    assert "was not made by frise" in str(exc.value)
    assert (root / "site" / "precious.txt").read_text() == "keep me"


def test_output_setting_is_honoured(project: ProjectFactory) -> None:
    root = project({"content/events/e.yaml": EVENT},
                   site="title: T\nlanguage: en\noutput: public/www\n")
    build(root)
    assert (root / "public" / "www" / "index.html").is_file()
    assert not (root / "site").exists()


def _resolve(page: Path, link: str, site: Path) -> Path | None:
    """The file a relative link of `page` points to, or None for an external link."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith("#"):
        return None
    assert not link.startswith("/"), f"{page}: root-relative link {link!r} breaks file://"
    target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
    if target.is_dir():
        raise AssertionError(f"{page.relative_to(site)}: link {link!r} points to a folder; "
                             "from file:// it must name index.html")
    return target


def assert_links_resolve(site: Path, page_links: Callable[[Path], object]) -> int:
    """Every relative href/src of every HTML page points to a file of the site, and every
    #fragment to an id of that page. Returns how many links were checked."""
    checked = 0
    ids: dict[Path, set[str]] = {}
    pages = sorted(site.rglob("*.html"))
    assert pages
    for page in pages:
        ids[page.resolve()] = page_links(page).ids  # type: ignore[attr-defined]
    for page in pages:
        for tag, link in page_links(page).links:  # type: ignore[attr-defined]
            target = _resolve(page, link, site)
            if target is None and not link.startswith("#"):
                continue
            target = target or page.resolve()
            rel = page.relative_to(site)
            assert target.is_relative_to(site.resolve()), f"{rel}: {link!r} leaves the site"
            assert target.is_file(), f"{rel}: <{tag}> {link!r} points to nothing"
            fragment = urlsplit(link).fragment
            if fragment and target.suffix == ".html":
                assert unquote(fragment) in ids[target], f"{rel}: {link!r}: no such id"
            checked += 1
    return checked


def test_relative_links_all_resolve_in_the_fixture(
        good_en: Path, page_links: Callable[[Path], object]) -> None:
    build(good_en)
    assert assert_links_resolve(good_en / "site", page_links) > 20


def test_relative_links_all_resolve_in_the_real_site(
        build_real: Path, page_links: Callable[[Path], object]) -> None:
    assert assert_links_resolve(build_real, page_links) > 100


def test_site_works_from_a_sub_path(good_en: Path) -> None:
    """No link starts with '/', so the site can be served from any folder."""
    build(good_en)
    for page in (good_en / "site").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert 'href="/' not in text and 'src="/' not in text, page


def test_bce_and_qualified_dates_are_in_words_with_edtf_kept(good_en: Path) -> None:
    build(good_en)
    page = (good_en / "site" / "events" / "rome-founded" / "index.html").read_text("utf-8")
    assert "753 BC" in page
    assert 'data-edtf="-0752~"' in page
    assert 'datetime="-0752' not in page
    treaty = (good_en / "site" / "events" / "treaty" / "index.html").read_text("utf-8")
    assert "about 1920" in treaty and 'datetime="1921-03"' in treaty


def test_markdown_is_sanitised(project: ProjectFactory) -> None:
    root = project({"content/events/e.yaml": (
        "title: T\ndate: 2023\nsummary: '<script>alert(1)</script> [x](https://example.org/) "
        "<img src=x onerror=alert(1)>'\nbody: '**bold** <iframe src=\"https://evil\"></iframe>'\n")})
    build(root)
    page = (root / "site" / "events" / "e" / "index.html").read_text("utf-8")
    assert "<script>alert" not in page and "javascript:" not in page
    assert "onerror" not in page and "<iframe" not in page
    assert "<strong>bold</strong>" in page


def test_titles_are_escaped(project: ProjectFactory) -> None:
    root = project({"content/events/e.yaml":
                    "title: '<b>Tom & Jerry</b>'\ndate: 2023\nsummary: s\n"})
    build(root)
    index = (root / "site" / "index.html").read_text("utf-8")
    assert "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;" in index and "<b>Tom" not in index


# --- the writer on its own -------------------------------------------------------------

def test_write_site_marks_its_folder_and_replaces_it_whole(tmp_path: Path) -> None:
    from generator.site.output import MARKER, write_site
    from generator.site.render import Output

    out = tmp_path / "site"
    assert write_site(tmp_path, out, [Output("a/index.html", b"A"), Output("b.txt", b"B")]) == 2
    assert (out / MARKER).is_file() and (out / "a" / "index.html").read_bytes() == b"A"
    write_site(tmp_path, out, [Output("c.txt", b"C")])
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        MARKER, "c.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".frise-cache", "site"]


def test_write_site_recovers_a_site_a_killed_swap_left_aside(tmp_path: Path) -> None:
    from generator.site.output import MARKER, write_site
    from generator.site.render import Output

    aside = tmp_path / ".frise-old-site-999"
    aside.mkdir()
    (aside / MARKER).write_text("x")
    stale = tmp_path / ".frise-tmp-site-998"
    stale.mkdir()
    (stale / MARKER).write_text("x")
    write_site(tmp_path, tmp_path / "site", [Output("index.html", b"new")])
    assert (tmp_path / "site" / "index.html").read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".frise-cache", "site"]


def test_write_site_never_touches_a_stranger_folder(tmp_path: Path) -> None:
    from generator.site.output import write_site
    from generator.site.render import Output

    lookalike = tmp_path / ".frise-tmp-site-1"
    lookalike.mkdir()
    (lookalike / "mine.txt").write_text("not frise's")
    write_site(tmp_path, tmp_path / "site", [Output("index.html", b"x")])
    assert (lookalike / "mine.txt").read_text() == "not frise's"


def test_output_does_not_depend_on_the_order_files_were_written(
        tmp_path: Path, hashes: Callable[[Path], dict[str, str]]) -> None:
    files = {f"content/events/e{i:02d}.yaml":
             f"title: Event {i}\ndate: '{2000 + i % 7}'\nsummary: S {i}.\ntags: [t{i % 3}]\n"
             for i in range(30)}
    sites = []
    for name, order in (("forward", sorted(files)), ("backward", sorted(files, reverse=True))):
        root = tmp_path / name
        (root / "content").mkdir(parents=True)
        (root / "content" / "site.yaml").write_text("title: T\nlanguage: en\n")
        for rel in order:
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(files[rel], encoding="utf-8")
        build(root)
        sites.append(hashes(root / "site"))
    assert sites[0] == sites[1]
