"""The shipped JSON Schemas and the validator must agree, so editors are told what frise says.

Each case is one file put into an otherwise valid project; the validator's verdict
on that file (any error located in it) must equal the schema's. Files are read as
the YAML language server reads them (YAML 1.2 core: `2023` is a number, `true`
a boolean, `2023-03-29` a string), using frise's own loader for the text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from generator.build.pipeline import check
from generator.commands.scaffold import SCHEMA_NAMES, event_yaml, make_event, shipped_schema
from generator.content.loader import Mapping, Node, Scalar, parse_yaml
from generator.errors import ContentErrors

BASE = {
    "content/site.yaml": "title: Base\nlanguage: en\n",
    "content/actors.yaml": "alice:\n  name: Alice\n  kind: person\n",
    "content/sources.yaml": "src:\n  title: A source\n  url: https://example.org/a\n",
    "content/events/base.yaml": "title: Base\ndate: '2023'\nsummary: s\n",
}

EVENT_GOOD = [
    "title: T\ndate: '2023-03-29'\nsummary: S\n",
    "title: T\ndate: 2023-03-29\nsummary: S\n",
    "title: T\ndate: 2023\nsummary: S\n",
    "title: 1984\ndate: '2023-03'\nsummary: S\n",
    "title: T\ndate: 1920~\nsummary: S\n",
    "title: T\ndate: 2023-07-10?\nsummary: S\n",
    "title: T\ndate: '-0499%'\nend: '-0400'\nsummary: S\n",
    "title: T\ndate: '2024-02-29'\nsummary: S\n",
    "title: T\ndate: '2023'\nsummary: S\ntags:\nsources:\n",
    ("title: T\ndate: '2023-03-29'\nend: '2023-04'\nsummary: S\nbody: |\n  Long.\n\n  More.\n"
     "note: N\ntags: [a-tag, b]\nactors: [alice]\nfeatured: true\ndraft: false\n"
     "sources:\n  - source: src\n    quote: Q\n  - url: https://example.org/b\n    title: B\n"
     "    publisher: P\n    date: '2023-01'\n    language: fr\n"),
    "title: T\ndate: '2023'\nsummary: S\nsources:\n  - url: MAILTO:x@example.org\n    title: M\n",
]
EVENT_BAD = [
    "title: T\ndate: '2023'\n",
    "title: T\nsummary: S\n",
    "titel: T\ndate: '2023'\nsummary: S\n",
    "title: T\ndate: '2023-13'\nsummary: S\n",
    "title: T\ndate: '2023-02-30'\nsummary: S\n",
    "title: T\ndate: '2023-04-31'\nsummary: S\n",
    "title: T\ndate: 13/07/2023\nsummary: S\n",
    "title: T\ndate: '2023~~'\nsummary: S\n",
    "title: T\ndate: '2023'\nend: '2023-1'\nsummary: S\n",
    "title: ''\ndate: '2023'\nsummary: S\n",
    "title: T\ndate: '2023'\nsummary:\n",
    "title: T\ndate: '2023'\nsummary: '   '\n",
    "title: \"bell\\a\"\ndate: '2023'\nsummary: S\n",
    "title: T\ndate: '2023'\nsummary: S\ntags: a\n",
    "title: T\ndate: '2023'\nsummary: S\ntags: [Bad_Tag]\n",
    "title: T\ndate: '2023'\nsummary: S\ntags: [con]\n",
    "title: T\ndate: '2023'\nsummary: S\ntags: [a, a]\n",
    "title: T\ndate: '2023'\nsummary: S\nfeatured: yes\n",
    "title: T\ndate: '2023'\nsummary: S\nfeatured: 'true'\n",
    "title: T\ndate: '2023'\nsummary: S\nsources:\n  - title: No url\n",
    "title: T\ndate: '2023'\nsummary: S\nsources:\n  - url: javascript:alert(1)\n    title: X\n",
    "title: T\ndate: '2023'\nsummary: S\nsources:\n  - source: src\n    title: extra\n",
    "title: T\ndate: '2023'\nsummary: S\nsources: some text\n",
    "title: T\ndate: '2023'\nsummary: S\nsources:\n  - just a string\n",
    "title: T\ndate: '2023'\nsummary: S\ntitle2: x\n",
    "- title: T\n",
    "title: " + "x" * 301 + "\ndate: '2023'\nsummary: S\n",
]
SITE_GOOD = [
    "title: Site\n",
    ("title: Site\ndescription: A *site*.\nlanguage: fr\nbase_url: https://example.org/t/\n"
     "author: Me\noutput: public\n"),
    "title: Site\noutput: ./build/site\n",
]
SITE_BAD = [
    "description: no title\n",
    "title: Site\ntitel: x\n",
    "title: Site\nlanguage: 'french!'\n",
    "title: Site\nbase_url: ftp://example.org/\n",
    "title: Site\nbase_url: mailto:me@example.org\n",
    "title: Site\noutput: ../elsewhere\n",
    "title: Site\noutput: content\n",
    "title: Site\noutput: templates/x\n",
    "title: Site\noutput: /var/www\n",
    "title: Site\noutput: .\n",
]
ACTORS_GOOD = ["alice:\n  name: Alice\n  kind: person\n  role: R\n  url: https://example.org/\n",
               "un:\n  name: UN\n  kind: organisation\n"]
ACTORS_BAD = ["alice:\n  name: Alice\n  kind: robot\n", "alice:\n  name: Alice\n",
              "Alice:\n  name: Alice\n  kind: person\n",
              "alice:\n  name: Alice\n  kind: person\n  age: 3\n",
              "alice:\n  name: Alice\n  kind: person\n  url: javascript:x\n",
              "alice: Alice\n", "- alice\n"]
TAGS_GOOD = ["defense:\n  label: Défense\n  description: '*Armes*'\n", "a:\n  label: A\n"]
TAGS_BAD = ["defense:\n  description: no label\n", "a b:\n  label: A\n",
            "a:\n  label: A\n  colour: red\n", "a:\n  label: ''\n"]
SOURCES_GOOD = ["s:\n  title: T\n  url: https://example.org/\n  publisher: P\n  author: A\n"
                "  date: '2023-07-12'\n  language: fr\n", "s:\n  title: T\n"]
SOURCES_BAD = ["s:\n  url: https://example.org/\n", "s:\n  title: T\n  date: '2023-13'\n",
               "s:\n  title: T\n  url: ftp://example.org/\n", "s:\n  title: T\n  quote: Q\n",
               "s:\n  title: T\n  language: 'en english'\n"]

WHERE = {"event": "content/events/case.yaml", "site": "content/site.yaml",
         "actors": "content/actors.yaml", "tags": "content/tags.yaml",
         "sources": "content/sources.yaml"}
CASES = [(kind, text, good)
         for kind, goods, bads in [("event", EVENT_GOOD, EVENT_BAD), ("site", SITE_GOOD, SITE_BAD),
                                   ("actors", ACTORS_GOOD, ACTORS_BAD),
                                   ("tags", TAGS_GOOD, TAGS_BAD),
                                   ("sources", SOURCES_GOOD, SOURCES_BAD)]
         for texts, good in ((goods, True), (bads, False)) for text in texts]

_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")


def yaml12(node: Node | None) -> object:
    """Nodes → data typed as YAML 1.2's core schema types them (the language server's view)."""
    if node is None:
        return None
    if isinstance(node, Scalar):
        if not node.plain:
            return node.value
        if node.is_null:
            return None
        if node.value in ("true", "false"):
            return node.value == "true"
        if _INT.fullmatch(node.value):
            return int(node.value)
        if _FLOAT.fullmatch(node.value):
            return float(node.value)
        return node.value
    if isinstance(node, Mapping):
        return {k: yaml12(v) for k, v in node.entries.items()}
    return [yaml12(item) for item in node.items]


def schema_ok(kind: str, text: str) -> bool:
    validator = jsonschema.Draft7Validator(json.loads(shipped_schema(kind)))
    return validator.is_valid(yaml12(parse_yaml(text, "case.yaml")))


def frise_ok(project, kind: str, text: str) -> tuple[bool, list[str]]:
    path = WHERE[kind]
    root = project({**{k: v for k, v in BASE.items() if k != "content/site.yaml"}, path: text},
                   site=BASE["content/site.yaml"] if kind != "site" else None)
    try:
        check(root)
    except ContentErrors as exc:
        mine = [str(e) for e in exc.errors if e.location and e.location.path == path]
        return not mine, mine
    return True, []


def test_schemas_are_valid_draft7() -> None:
    for kind in SCHEMA_NAMES:
        jsonschema.Draft7Validator.check_schema(json.loads(shipped_schema(kind)))


def test_the_base_project_is_valid(project) -> None:
    check(project({k: v for k, v in BASE.items() if k != "content/site.yaml"},
                  site=BASE["content/site.yaml"]))


@pytest.mark.parametrize(("kind", "text", "good"), CASES,
                         ids=[f"{k}-{'good' if g else 'bad'}-{i}" for i, (k, _, g) in
                              enumerate(CASES)])
def test_schema_and_validator_agree(project, kind: str, text: str, good: bool) -> None:
    valid, errors = frise_ok(project, kind, text)
    assert valid == good, errors
    assert schema_ok(kind, text) == good


VALIDATOR_ONLY = [
    # What a schema cannot see: the calendar, other files, the order of two fields.
    ("event", "title: T\ndate: '2023-02-29'\nsummary: S\n"),
    ("event", "title: T\ndate: '2023-05'\nend: '2023-04'\nsummary: S\n"),
    ("event", "title: T\ndate: '2023'\nsummary: S\nactors: [bob]\n"),
    ("event", "title: T\ndate: '2023'\nsummary: S\nsources:\n  - source: nope\n"),
    ("site", "title: Site\nlanguage: xx\n"),
]


@pytest.mark.parametrize(("kind", "text"), VALIDATOR_ONLY)
def test_what_only_the_validator_sees(project, kind: str, text: str) -> None:
    """Known, documented limits of the schemas: `frise check` still catches these."""
    assert schema_ok(kind, text)
    assert not frise_ok(project, kind, text)[0]


def test_frise_new_output_matches_its_schema() -> None:
    text = event_yaml(make_event("Titre", "2023-07-13", "2023-07-14", ["a"], ["alice"]))
    assert schema_ok("event", text)


def test_schema_files_in_the_package_are_the_ones_tested(repo: Path) -> None:
    for kind in SCHEMA_NAMES:
        assert (repo / "generator/schemas" / f"{kind}.schema.json").read_bytes() == \
            shipped_schema(kind)


SCHEMA_BLIND = re.compile(
    r"is before 'date'|not a real day: February|^file name '|unknown (tag|actor|source) "
    r"|quote not found|^source text|no interface words|not known to Babel|is also used by"
    r"|repeats another id")
"""Errors a per-file schema cannot see: the calendar, the file's name, other files."""
KINDS = {"site.yaml": "site", "actors.yaml": "actors", "tags.yaml": "tags",
         "sources.yaml": "sources"}


def _fixture_files(repo: Path) -> list[tuple[Path, str, str]]:
    roots = [repo] + sorted(p for p in (repo / "tests/fixtures").iterdir()
                            if (p / "content").is_dir())
    out = []
    for root in roots:
        for file in sorted((root / "content").rglob("*.y*ml")):
            rel = file.relative_to(root).as_posix()
            kind = KINDS.get(file.name, "event" if rel.startswith("content/events/") else "")
            if kind:
                out.append((root, rel, kind))
    return out


def test_shared_fixtures_get_the_same_verdict(repo: Path) -> None:
    """Every YAML file of the real content and of every fixture project, through both."""
    from generator.errors import FriseError

    checked = 0
    errors_of: dict[Path, list[FriseError]] = {}
    for root, rel, kind in _fixture_files(repo):
        if root not in errors_of:
            try:
                check(root)
                errors_of[root] = []
            except ContentErrors as exc:
                errors_of[root] = list(exc.errors)
        mine = [e for e in errors_of[root] if e.location and e.location.path == rel]
        try:
            node = parse_yaml((root / rel).read_text(encoding="utf-8"), rel)
        except (ContentErrors, UnicodeDecodeError):
            assert mine, f"{rel}: frise's loader refuses it but the build does not"
            continue  # not YAML a schema can read: the YAML-level errors are frise's alone
        validator = jsonschema.Draft7Validator(json.loads(shipped_schema(kind)))
        schema_valid = validator.is_valid(yaml12(node))
        where = f"{root.name}/{rel}"
        if not schema_valid:
            assert mine, f"{where}: the schema refuses what frise accepts"
        elif mine:
            blind = [str(e) for e in mine if not SCHEMA_BLIND.search(e.message)]
            assert not blind, f"{where}: the schema accepts what frise refuses: {blind}"
        checked += 1
    assert checked >= 20
