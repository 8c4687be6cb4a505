"""`frise new` and `frise init`: files an editor starts from, valid as written.

Every file starts with a `# yaml-language-server: $schema=…` line pointing at a
copy of the shipped JSON Schemas in the project (`.frise/schemas/`), by a
relative path: it works offline, in any editor with the YAML language server,
and matches the installed frise's content format. Nothing is ever overwritten.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..content.dates import DateError, PartialDate, parse_date
from ..content.loader import Mapping, RawProject, Scalar, load_project, parse_yaml
from ..content.slugs import check_slug, slug_fix, slugify
from ..content.validate import PLACEHOLDERS, validate
from ..errors import ContentErrors, FriseError

SCHEMA_DIR = ".frise/schemas"
SCHEMA_NAMES = ("event", "site", "actors", "tags", "sources")
MAX_ID = 80


def schema_line(kind: str, depth: int) -> str:
    """The modeline of a content file `depth` folders below the project's root."""
    return f"# yaml-language-server: $schema={'../' * depth}{SCHEMA_DIR}/{kind}.schema.json\n"


def shipped_schema(kind: str) -> bytes:
    """The JSON Schema of one kind of content file, as shipped in the package."""
    return (resources.files("generator") / "schemas" / f"{kind}.schema.json").read_bytes()


def install_schemas(project: Path) -> list[Path]:
    """Copies the shipped schemas into the project where they are missing or outdated."""
    folder = project / SCHEMA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in SCHEMA_NAMES:
        target = folder / f"{kind}.schema.json"
        data = shipped_schema(kind)
        if not target.is_file() or target.read_bytes() != data:
            target.write_bytes(data)
            written.append(target)
    return written


def quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML), accents kept."""
    return json.dumps(text, ensure_ascii=False)


def date_id(date: PartialDate) -> str:
    """The date part of an event id: `2023-07-13`, `1920`, `0500-bce` for 500 BC."""
    text = f"{date.year:04d}" if date.year >= 1 else f"{1 - date.year:04d}-bce"
    for part in (date.month, date.day):
        if part:
            text += f"-{part:02d}"
    return text


def event_id(date: PartialDate, title: str) -> str:
    """`<date>-<slug of the title>`, at most 80 characters cut at a word boundary, any
    script transliterated."""
    prefix = date_id(date)
    slug = slugify(title, max_length=MAX_ID - len(prefix) - 1) or "event"
    return f"{prefix}-{slug}"


def _parse(value: str, option: str) -> PartialDate:
    try:
        return parse_date(value)
    except DateError as exc:
        raise FriseError(f"{option}: {exc}") from None


def _slugs(values: list[str], what: str) -> list[str]:
    for value in values:
        problem = check_slug(value)
        if problem:
            raise FriseError(f"{what} '{value}' {problem}{slug_fix(value)}")
    return values


@dataclass(frozen=True, slots=True)
class NewEvent:
    """What `frise new` was asked for, checked."""

    title: str
    date: PartialDate
    end: PartialDate | None = None
    tags: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()


def make_event(title: str, date: str, end: str | None = None,
               tags: list[str] | None = None, actors: list[str] | None = None) -> NewEvent:
    """Checks the options of `frise new`; raises FriseError saying what is wrong."""
    title = " ".join(title.split())
    if not title:
        raise FriseError("the title is empty")
    start = _parse(date, "--date")
    stop = _parse(end, "--end") if end else None
    if stop is not None and stop.end_key < start.start_key:
        raise FriseError(f"--end ({stop}) is before --date ({start})")
    return NewEvent(title, start, stop, tuple(_slugs(tags or [], "tag")),
                    tuple(_slugs(actors or [], "actor")))


def _flow(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(values) + "]"


def event_yaml(event: NewEvent, summary: str | None = None, language: str = "en") -> str:
    """The text of a new event file: given fields filled, the rest ready to uncomment."""
    lines = [schema_line("event", 2).rstrip("\n"),
             f"title: {quoted(event.title)}",
             f"date: {quoted(event.date.edtf)}"]
    lines.append(f"end: {quoted(event.end.edtf)}" if event.end
                 else '# end: "YYYY-MM-DD"            # when it ended, if it lasted')
    lines += ["summary: >-",
              "  " + (summary or PLACEHOLDERS.get(language.split("-")[0], PLACEHOLDERS["en"]))]
    lines.append(f"tags: {_flow(event.tags)}" if event.tags
                 else "# tags: [diplomatie, defense]   # tag slugs")
    lines.append(f"actors: {_flow(event.actors)}" if event.actors
                 else "# actors: [yoav-gallant]        # ids from content/actors.yaml")
    lines += [
        "sources:",
        "  # - source: an-id-from-sources-yaml",
        "  #   quote: \"an exact sentence of that source\"",
        "  # - url: https://example.org/article",
        "  #   title: Title of the article",
        "  #   publisher: Example News",
        "  #   date: \"2023-07-13\"",
        "# body: |",
        "#   The longer story, in Markdown, shown on the event's page.",
        "# note: An editor's note about what is uncertain.",
        "# featured: true",
        "# draft: true                    # left out of the build unless --drafts",
    ]
    return "\n".join(lines) + "\n"


def write_new(path: Path, text: str) -> None:
    """Creates `path` with `text`; refuses, with a clear message, if it already exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise FriseError(f"{path.as_posix()} already exists; frise never overwrites a file: "
                         "edit it, or choose another title or date") from None


def new_event(project: Path, event: NewEvent) -> Path:
    """Writes content/events/<date>-<slug>.yaml and returns its path."""
    if not (project / "content").is_dir():
        raise FriseError(f"no content/ folder in '{project}': run `frise init` first, "
                         "or pass --project")
    path = project / "content" / "events" / f"{event_id(event.date, event.title)}.yaml"
    raw = load_project(project)
    language = _language(raw)
    text = event_yaml(event, language=language)
    _check_against(raw, path.relative_to(project).as_posix(), text)
    write_new(path, text)
    install_schemas(project)
    return path


def _language(raw: RawProject) -> str:
    node = raw.site.entries.get("language") if isinstance(raw.site, Mapping) else None
    return node.value if isinstance(node, Scalar) else "en"


def _check_against(raw: RawProject, display: str, text: str) -> None:
    """Runs `check` on the new event within the project, so that a tag or actor it does
    not define is refused now, with check's own words; the placeholder is expected."""
    raw.events = [(Path(display).stem, parse_yaml(text, display)
                   or Mapping({}, {}, display, 1, 1))]
    try:
        validate(raw, drafts=True)
    except ContentErrors as exc:
        mine = [FriseError(e.message) for e in exc.errors
                if e.location is not None and e.location.path == display
                and "placeholder" not in e.message]
        if mine:
            raise ContentErrors(mine) from None


_SITE = {
    "fr": ("Ma chronologie", "Une chronologie faite avec *frise*.",
           "Le projet commence",
           "Premier événement de la chronologie : remplacez-le par le vôtre."),
    "en": ("My timeline", "A timeline made with *frise*.",
           "The project begins", "The first event of the timeline: replace it with your own."),
}
GITIGNORE = """\
# frise's output and the leftovers of an interrupted build
/site/
.frise-tmp-*
.frise-old-*
.frise-cache/
# editors
*~
.*.swp
.#*
"""


def init_project(folder: Path, language: str, today: str) -> list[Path]:
    """Creates a project that builds at once; refuses a folder that holds one already."""
    if language not in _SITE:
        raise FriseError(f"language '{language}' has no starter text: choose "
                         + " or ".join(sorted(_SITE)))
    content = folder / "content"
    if content.exists():
        raise FriseError(f"{content.as_posix()} already exists: this folder holds a project; "
                         "frise init never overwrites one")
    title, description, event_title, summary = _SITE[language]
    date = parse_date(today)
    site = (schema_line("site", 1)
            + f"title: {quoted(title)}\n"
            + f"description: {quoted(description)}\n"
            + f"language: {language}\n"
            + "# base_url: https://example.org/my-timeline/   # set it before publishing\n"
            + "# author: Your name\n")
    event = NewEvent(event_title, date)
    created = [content / "site.yaml",
               content / "events" / f"{event_id(date, event_title)}.yaml"]
    write_new(created[0], site)
    write_new(created[1], event_yaml(event, summary, language))
    gitignore = folder / ".gitignore"
    if not gitignore.exists():
        write_new(gitignore, GITIGNORE)
        created.append(gitignore)
    install_schemas(folder)
    return created
