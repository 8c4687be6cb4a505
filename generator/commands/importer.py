"""`frise import`: a TimelineJS spreadsheet (CSV of its 18-column template) → event files.

TimelineJS writes BCE years as negative numbers and shows `-500` as "500 BCE"
(its era label replaces the minus sign), so the editor meant 500 BC: EDTF's
astronomical year `-0499`. Year 0 does not exist in that count and is refused.
A row is never dropped silently: what cannot be carried (the title row, eras,
times of day, display dates, embedded media, backgrounds) is reported with its
line in the spreadsheet. HTML in cells becomes Markdown through markdownify, fitted
to Python-Markdown, which renders it, and to frise's rule that no unsafe link or
embedded media reaches the site.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import yaml
from bs4 import BeautifulSoup, Tag
from markdownify import MarkdownConverter

from ..build.pipeline import check
from ..content.dates import DateError, PartialDate, parse_date
from ..content.loader import Mapping, Scalar, Sequence, decode, load_file, load_project
from ..content.slugs import slugify
from ..errors import FriseError, SourceLocation, one_line
from ..site.exports import CSV_COLUMNS
from .scaffold import event_id, install_schemas, quoted, schema_line

_APPROX = re.compile(r"\b(c\.|ca\.|circa|about|around|approx\w*|vers|env\.|environ)|~",
                     re.IGNORECASE)
_URL = re.compile(r"https?://\S+\Z", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Note:
    """Something of a row the import could not carry, or carried differently."""

    location: SourceLocation
    message: str
    carried: bool = False
    """True when what the note is about is in the event files, only carried differently
    (or worth a look): not a row or cell lost."""

    def __str__(self) -> str:
        return f"{self.location}: note: {self.message}"


@dataclass(frozen=True, slots=True)
class Imported:
    """One event ready to be written."""

    id: str
    data: dict[str, object]
    line: int


@dataclass(slots=True)
class ImportResult:
    events: list[Imported] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    """Tag slug → the Group's text, as written in the spreadsheet."""
    source: str = ""
    """The spreadsheet's name, as shown in notes."""


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What `import_file` did or, on a dry run, would do."""

    dry_run: bool
    written: list[Path]
    """The event files written (none on a dry run)."""
    would_write: list[str]
    """On a dry run, the files it would write, as `content/events/<id>.yaml`."""
    notes: list[Note]
    """About the rows and cells of the sheet, in its order."""
    tags: list[str]
    """The tags added to content/tags.yaml (on a dry run, that it would add)."""
    problems: FriseError | None = None
    """What `frise check` found in the project once the events were written."""

    @property
    def not_carried(self) -> int:
        """How many notes are about a row or cell not carried over."""
        return sum(not note.carried for note in self.notes)


def _cell(row: dict[str, str], column: str) -> str:
    """A cell's text; the apostrophe `frise build` puts before a would-be formula
    (`'=…`, `'-…`) is taken off again, so events.csv reads back to the same events."""
    text = (row.get(column.lower()) or "").strip()
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@") else text


def _date(row: dict[str, str], prefix: str, notes: list[Note],
          loc: SourceLocation) -> PartialDate | None:
    """Year/Month/Day cells → a partial date at the precision given; None when absent."""
    year_s, month_s, day_s = (_cell(row, f"{prefix}{part}") for part in ("Year", "Month", "Day"))
    what = "end date" if prefix else "date"
    if not year_s:
        if month_s or day_s:
            notes.append(Note(loc, f"{what} has a month or day but no year; left out"))
        return None
    try:
        year = int(float(year_s)) if re.fullmatch(r"-?\d+(\.0+)?", year_s) else None
        month = int(month_s) if month_s else None
        day = int(day_s) if day_s else None
    except ValueError:
        year = None
    if year is None:
        notes.append(Note(loc, f"{what} '{year_s}/{month_s}/{day_s}' is not made of numbers"))
        return None
    if year == 0:
        notes.append(Note(loc, f"{what}: year 0 does not exist (1 BCE is followed by 1 CE); "
                                "write -1 or 1"))
        return None
    astronomical = year if year > 0 else year + 1
    if not -9999 <= astronomical <= 9999:
        notes.append(Note(loc, f"{what}: year {year} is outside frise's range (-9999 to 9999)"))
        return None
    if day is not None and month is None:
        notes.append(Note(loc, f"{what} has a day but no month; kept to the year"))
        day = None
    sign = "-" if astronomical < 0 else ""
    text = f"{sign}{abs(astronomical):04d}"
    if month is not None:
        text += f"-{month:02d}"
        if day is not None:
            text += f"-{day:02d}"
    try:
        return parse_date(text)
    except DateError as exc:
        notes.append(Note(loc, f"{what}: {exc}"))
        return None


def _qualify(date: PartialDate, display: str) -> PartialDate:
    """Carries 'c. 1920' or '1920?' from Display Date into EDTF's ~ and ? qualifiers."""
    approx = bool(_APPROX.search(display))
    uncertain = "?" in display
    if not (approx or uncertain):
        return date
    return parse_date(date.edtf + ("%" if approx and uncertain else "~" if approx else "?"))


def _media(row: dict[str, str], loc: SourceLocation, notes: list[Note]) -> str:
    """Media as a Markdown link for the body, or '' with a note when it cannot be kept."""
    media = _cell(row, "Media")
    caption = html_to_text(_cell(row, "Media Caption"))
    credit = html_to_text(_cell(row, "Media Credit"))
    if _cell(row, "Media Thumbnail"):
        notes.append(Note(loc, "Media Thumbnail not kept: frise shows no thumbnails"))
    if _cell(row, "Background"):
        notes.append(Note(loc, "Background not kept: frise pages have no per-event background"))
    if not media:
        if caption or credit:
            notes.append(Note(loc, "Media Caption or Credit without Media; left out"))
        return ""
    if not _URL.fullmatch(media):
        notes.append(Note(loc, "Media is not a link (embedded code or a file name); not kept: "
                               "frise embeds no media"))
        return ""
    notes.append(Note(loc, "Media kept as a link in the body: frise embeds no media",
                      carried=True))
    label = (caption or "Media").replace("[", "(").replace("]", ")")
    return f"[{label}]({media})" + (f" ({credit})" if credit else "")


def read_rows(text: str, display: str = "",
              ) -> tuple[list[dict[str, str]], list[int], list[str]]:
    """CSV rows keyed by lower-case column name, their line numbers and the unknown columns."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise FriseError("the spreadsheet is empty", SourceLocation(display)) from None
    names = [h.strip().lower() for h in header]
    missing = [c for c in ("Year", "Headline") if c.lower() not in names]
    if missing:
        found = ", ".join(f"'{h.strip()}'" for h in header if h.strip()) or "none"
        raise FriseError(f"not a TimelineJS spreadsheet: it has no column "
                         f"{' or '.join(missing)}; its first row holds {found}, where a "
                         f"TimelineJS sheet has {', '.join(CSV_COLUMNS)}",
                         SourceLocation(display, 1))
    known = {c.lower() for c in CSV_COLUMNS}
    unknown = [h for h, n in zip(header, names, strict=True) if n and n not in known]
    rows, lines = [], []
    line = reader.line_num
    for cells in reader:
        rows.append({n: c for n, c in zip(names, cells, strict=False) if n})
        lines.append(line + 1)
        line = reader.line_num
    return rows, lines, unknown


def convert(text: str, display: str) -> ImportResult:
    """Turns the spreadsheet's text into events and notes. Pure: writes nothing."""
    result = ImportResult(source=display)
    rows, lines, unknown = read_rows(text, display)
    if unknown:
        result.notes.append(Note(SourceLocation(display, 1),
                                 f"columns not part of TimelineJS's template, left out: "
                                 f"{', '.join(unknown)}"))
    used: set[str] = set()
    for row, line in zip(rows, lines, strict=True):
        loc = SourceLocation(display, line)
        if not any(v.strip() for v in row.values()):
            continue  # a blank line carries nothing
        event = _row(row, loc, result)
        if event is None:
            continue
        base = event_id(parse_date(str(event["date"])), str(event["title"]))
        event_key, n = base, 1
        while event_key in used:
            n += 1
            event_key = f"{base[:76]}-{n}"
        used.add(event_key)
        result.events.append(Imported(event_key, event, line))
    return result


def _row(row: dict[str, str], loc: SourceLocation, result: ImportResult,
         ) -> dict[str, object] | None:
    notes = result.notes
    kind = _cell(row, "Type").lower()
    headline = html_to_text(_cell(row, "Headline"))
    if kind == "title":
        notes.append(Note(loc, f"title row '{headline}' not imported: put its headline and "
                               "text in content/site.yaml (title, description)"))
        return None
    if kind == "era":
        notes.append(Note(loc, f"era '{headline}' not imported: frise has no eras; a tag on "
                               "its events groups them instead"))
        return None
    if not headline:  # before the date, whose notes would then be about nothing
        notes.append(Note(loc, "row not imported: no Headline (frise needs a title)"))
        return None
    date = _date(row, "", notes, loc)
    if date is None:
        notes.append(Note(loc, f"row '{headline}' not imported: no usable date"))
        return None
    if kind:
        notes.append(Note(loc, f"Type '{kind}' is unknown to TimelineJS; imported as an event",
                          carried=True))
    display = html_to_text(_cell(row, "Display Date"))
    if display:
        date = _qualify(date, display)
        notes.append(Note(loc, f"Display Date '{display}' not kept: frise writes dates itself"
                               + (f" (read as {date.edtf})" if date.qualifier else "")))
    end = _date(row, "End ", notes, loc)
    if end is not None and end.end_key < date.start_key:
        notes.append(Note(loc, f"end ({end}) is before the date ({date}); end left out"))
        end = None
    if end == date:
        end = None
    for column in ("Time", "End Time"):
        if _cell(row, column):
            notes.append(Note(loc, f"{column} '{_cell(row, column)}' not kept: "
                                   "frise dates stop at the day"))
    paragraphs, dropped = html_to_markdown(_cell(row, "Text"))
    for what in dropped:
        notes.append(Note(loc, f"Text: {what}"))
    media = _media(row, loc, notes)
    if not paragraphs:
        notes.append(Note(loc, "no Text: the summary repeats the headline; rewrite it",
                          carried=True))
        paragraphs = [headline]
    data: dict[str, object] = {"title": headline, "date": _Date(date.edtf)}
    if end is not None:
        data["end"] = _Date(end.edtf)
    data["summary"] = paragraphs[0]
    body = "\n\n".join(paragraphs[1:] + ([media] if media else []))
    if body:
        data["body"] = body
    group = _cell(row, "Group")
    if group:
        tag = slugify(group)
        if tag:
            result.tags.setdefault(tag, html_to_text(group))
            data["tags"] = [tag]
        else:
            notes.append(Note(loc, f"Group '{group}' makes no tag slug; left out"))
    return data


class _Dumper(yaml.SafeDumper):
    """Block style for multi-line text, so the files read like hand-written ones."""


class _Date(str):
    """A date, always written quoted: unquoted, `-0499` is a number to most YAML tools."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if isinstance(value, _Date) else "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(_Date, _str)


def event_text(data: dict[str, object]) -> str:
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=88)
    return schema_line("event", 2) + body


# --- the import: events and tags written, the project checked ------------------------

def import_file(project: Path, csv_file: Path, dry_run: bool = False) -> ImportReport:
    """The whole of `frise import`: one file a new event, never over an existing one; the
    tags they use added to content/tags.yaml; then `frise check` on the project. A dry
    run reads as much and writes nothing. Raises FriseError, having written nothing, when
    the sheet cannot be read or the project cannot take it."""
    result = convert(decode(csv_file.read_bytes(), csv_file.name), csv_file.name)
    content = project / "content"
    if not content.is_dir():
        raise FriseError(f"no content/ folder in '{project}': run `frise init` first")
    folder = content / "events"
    tags_file = content / "tags.yaml"
    taken: dict[int, Note] = {}  # line of each row not imported → why
    fresh: list[Imported] = []
    for event in result.events:
        existing = next((folder / f"{event.id}{suffix}" for suffix in (".yaml", ".yml")
                         if (folder / f"{event.id}{suffix}").exists()), None)
        if existing is None:
            fresh.append(event)
        else:
            taken[event.line] = _exists(result.source, event, existing.name, dry_run)
    wanted = _tags(fresh, result)  # tags.yaml read before any write: if it cannot be, none
    tags = list(missing_tags(tags_file, wanted)) if wanted else []
    if dry_run:
        return ImportReport(True, [], [f"content/events/{e.id}.yaml" for e in fresh],
                            _notes(result, taken), tags)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    done: list[Imported] = []
    for event in fresh:
        path = folder / f"{event.id}.yaml"
        try:
            with path.open("x", encoding="utf-8", newline="\n") as handle:
                handle.write(event_text(event.data))
        except FileExistsError:  # made since we looked
            taken[event.line] = _exists(result.source, event, path.name, dry_run)
            continue
        written.append(path)
        done.append(event)
    if not written:
        return ImportReport(False, [], [], _notes(result, taken), [])
    install_schemas(project)
    wanted = _tags(done, result)
    added = add_tags(tags_file, wanted) if wanted else []
    problems: FriseError | None = None
    try:
        check(project)
    except FriseError as exc:
        problems = exc
    return ImportReport(False, written, [], _notes(result, taken), added, problems)


def _exists(source: str, event: Imported, name: str, dry_run: bool) -> Note:
    row = "the row would not be imported" if dry_run else "row not imported"
    return Note(SourceLocation(source, event.line),
                f"content/events/{name} exists already; {row} (frise never overwrites a file)")


def _notes(result: ImportResult, taken: dict[int, Note]) -> list[Note]:
    """The sheet's notes in its order; a row not imported because its file exists has that
    one note, not those about how it would have been carried."""
    kept = [note for note in result.notes if note.location.line not in taken]
    return sorted(kept + list(taken.values()), key=lambda note: note.location.line)


def _tags(events: list[Imported], result: ImportResult) -> dict[str, str]:
    """The tags these events use, slug → the Group's text."""
    used: dict[str, str] = {}
    for event in events:
        tags = event.data.get("tags")
        for slug in tags if isinstance(tags, list) else ():
            used[slug] = result.tags[slug]
    return used


def _free_tags(content: Path) -> set[str]:
    """The tags the project's events use while it has no tags.yaml."""
    used: set[str] = set()
    for _, node in load_project(content.parent).events:
        tags = node.entries.get("tags") if isinstance(node, Mapping) else None
        if isinstance(tags, Sequence):
            used.update(t.value for t in tags.items if isinstance(t, Scalar))
    return used


def missing_tags(tags_file: Path, tags: dict[str, str]) -> dict[str, str]:
    """The tags that tags.yaml lacks, slug → label, in slug order. Without tags.yaml, also
    the tags the project's events use freely, which must stay valid once it exists."""
    if not tags_file.exists():
        tags = {**{slug: slug for slug in _free_tags(tags_file.parent)}, **tags}
        defined: set[str] = set()
    else:
        node = load_file(tags_file, "content/tags.yaml")
        defined = set(node.entries) if isinstance(node, Mapping) else set()
    return {slug: tags[slug] for slug in sorted(tags) if slug not in defined}


def add_tags(tags_file: Path, tags: dict[str, str]) -> list[str]:
    """Appends the tags that tags.yaml lacks, creating it if need be: it keeps the groups'
    labels ('Politique étrangère'), which a slug alone would lose."""
    missing = missing_tags(tags_file, tags)
    if missing:
        text = tags_file.read_text(encoding="utf-8") if tags_file.exists() else ""
        lines = [] if text.endswith("\n") or not text else [""]
        for slug, label in missing.items():
            lines += [f"{slug}:", f"  label: {quoted(label)}"]
        with tags_file.open("a", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
    return list(missing)


# --- HTML of TimelineJS's cells → Markdown and plain text ----------------------------

_MEDIA = ("script", "style", "iframe", "object", "embed", "video", "audio", "img", "svg",
          "noscript")
"""Not text: dropped with all they hold, and reported."""
_LINK_SCHEMES = ("http://", "https://", "mailto:")
_HEADING = re.compile(r"h[1-6]\Z")
_URL_BREAKS = re.compile(r"[\s)<>]")
"""What would end a Markdown link's target early."""
_MD_SPECIAL = re.compile(r"([\\`*_\[\]])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_RAW_HTML = re.compile(r"<(?=[A-Za-z/!?])")
_BLOCK_MARK = re.compile(r"\A(\s*)(#|>|\+(?=\s|\Z)|-(?=\s|-*\s*\Z))")
_LIST_NUMBER = re.compile(r"\A(\s*\d+)\.(?=\s|\Z)")
"""A text that would make a heading, quote, list or rule where it starts a line."""
_SPACE_AT_BREAK = re.compile(r"[ \t]+(?=\n|\Z)|(?<=\n) (?=\S)")
"""Spaces left at the ends of a line (the one after a `<br>`, say); never meaningful."""
_PARAGRAPH_BREAK = re.compile(r"\n{2,}(?=\S)")
_NOT_A_LINK = re.compile(r"((?<!\\)(?:\\\\)*\\\])\(")
r"""A text's '[a](b)', escaped: Python-Markdown makes no link of it, but frise's link
check would read one in `\](`, so its '(' is escaped too."""
_SPACED = ("p", "div", "br", "li", "blockquote", "tr", "td", "th", "dt", "dd", "pre", "hr",
           "table", "ul", "ol")


def _clean(html: str, dropped: list[str]) -> BeautifulSoup:
    """The HTML cut down to what an event's Markdown may carry: no media or scripts, links
    to http(s) and mailto only (the others keep their text), headings as bold paragraphs
    (an event's page has its own headings). What is lost is told in `dropped`."""
    soup = BeautifulSoup(html, "html.parser")
    for tag, name in [(tag, tag.name) for tag in soup.find_all([*_MEDIA, "a"])]:
        if name in _MEDIA:
            dropped.append(f"<{name}> not kept: frise keeps text, not embedded media")
            if not tag.decomposed:  # not inside one dropped already
                tag.decompose()
            continue
        if tag.decomposed:
            continue
        href = tag.get("href")
        href = href.strip() if isinstance(href, str) else ""
        if href.lower().startswith(_LINK_SCHEMES):
            tag.attrs = {"href": _URL_BREAKS.sub(lambda m: quote(m.group()), href)}
            continue
        if href:
            dropped.append(f"link '{one_line(href)}' not kept: only http, https and mailto "
                           "links are")
        tag.unwrap()
    for heading in soup.find_all(_HEADING):
        for bold in heading.find_all(("b", "strong")):
            bold.unwrap()
        heading.name = "strong"
        heading.wrap(soup.new_tag("p"))
    for term in soup.find_all(("dt", "dd")):  # Python-Markdown has no definition lists
        term.name = "p"
    return soup


class _Markdown(MarkdownConverter):
    """markdownify, fitted to Python-Markdown, which renders frise's texts: only the escapes
    it knows, lists nested by four spaces, `<br>` as a line break within the paragraph,
    `<pre>` as an indented block (it has no fences)."""

    def __init__(self) -> None:
        super().__init__(bullets="-", strong_em_symbol="*", wrap=True, wrap_width=None,
                         strip=["del", "s"])  # no strikethrough in Python-Markdown: text kept

    def escape(self, text: str, parent_tags: set[str]) -> str:
        text = _MD_SPECIAL.sub(r"\\\1", text)
        text = _ENTITY.sub("&amp;", text)  # '&amp;' written out stays '&amp;'
        text = _RAW_HTML.sub("&lt;", text)  # '\<' is no escape to Python-Markdown
        text = _LIST_NUMBER.sub(r"\1\\.", _BLOCK_MARK.sub(r"\1\\\2", text))
        return text.replace("|", "\\|") if parent_tags & {"td", "th"} else text

    def convert_br(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return " " if "_inline" in parent_tags else "\n"

    def convert_li(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        text = text.strip()
        if not text:
            return "\n"
        parent = el.parent
        if parent is not None and parent.name == "ol":
            start = parent.get("start")
            first = int(start) if isinstance(start, str) and start.isdigit() else 1
            bullet = f"{first + len(el.find_previous_siblings('li'))}. "
        else:
            bullet = "- "
        return bullet + re.sub(r"\n(?=.)", "\n    ", text) + "\n"

    def convert_pre(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        text = text.strip("\n")
        return "\n\n" + re.sub(r"^(?=.)", "    ", text, flags=re.MULTILINE) + "\n\n" if text else ""


_CONVERTER = _Markdown()


def html_to_markdown(html: str) -> tuple[list[str], list[str]]:
    """HTML → Markdown paragraphs (a list or a quote is one), and what could not be kept."""
    dropped: list[str] = []
    markdown = _CONVERTER.convert_soup(_clean(html, dropped))
    markdown = _NOT_A_LINK.sub(r"\1\\(", _SPACE_AT_BREAK.sub("", markdown))
    blocks = _PARAGRAPH_BREAK.split(markdown.strip("\n"))
    while blocks and blocks[0] in ("", "---"):  # a rule before the text separates nothing
        blocks.pop(0)
    while blocks and blocks[-1] in ("", "---"):
        blocks.pop()
    return blocks, dropped


def html_to_text(html: str) -> str:
    """HTML → one line of plain text, for headlines, captions and groups."""
    if "<" not in html and "&" not in html:
        return " ".join(html.split())
    soup = _clean(html, [])
    for tag in soup.find_all(_SPACED):
        tag.insert_before(" ")
        tag.insert_after(" ")
    return " ".join(soup.get_text().split())
