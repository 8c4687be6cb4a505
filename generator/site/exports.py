"""The timeline as data for other tools: TimelineJS3's JSON, our own JSON, a TimelineJS sheet.

Each export is a pure function of the published events (drafts never leave the
build); `outputs` is the renderer's plug-in that writes all three.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from html import escape

from ..content.dates import PartialDate, format_range
from ..content.model import Citation, Event, Source, Timeline
from . import typography, urls
from .markdown import MarkdownConverter, at_root
from .pieces import Joined
from .render import Page
from .theme import Words

EVENTS_VERSION = 1
"""Version of `events.json`'s schema (`generator/schemas/events.schema.json`).
Raised only when a field changes meaning or disappears; new fields keep it."""

CSV_COLUMNS = (
    "Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time",
    "Display Date", "Headline", "Text", "Media", "Media Credit", "Media Caption",
    "Media Thumbnail", "Type", "Group", "Background",
)
"""TimelineJS's spreadsheet template, column for column, in its order: what events.csv
writes and what `frise import` reads (`commands.importer`)."""

TITLE_ID = "_title"
"""`unique_id` of the title slide: `_` cannot occur in an event id, so it never collides."""


def published(timeline: Timeline) -> list[Event]:
    """The events that may leave the build: never a draft, even in a `--drafts` preview."""
    return [e for e in timeline.events if not e.draft]


def timelinejs_year(year: int) -> int:
    """Our astronomical year in TimelineJS's numbering, which has no year 0.

    TimelineJS writes a negative year `-n` as "n BCE", so 1 BC (astronomical 0)
    is -1 and 500 BC (astronomical -499) is -500; years from 1 on are unchanged.
    """
    return year if year > 0 else year - 1


def _tjs_date(date: PartialDate) -> dict[str, int]:
    """A TimelineJS date object holding exactly the parts the event is known to."""
    out = {"year": timelinejs_year(date.year)}
    if date.month:
        out["month"] = date.month
    if date.day:
        out["day"] = date.day
    return out


def timeline_json(timeline: Timeline, words: Words, markup: MarkdownConverter) -> Joined:
    """TimelineJS3's JSON: a title slide from the site, then one slide per published
    event.

    TimelineJS sets `headline` and `text` as HTML and strips tags from
    `display_date` and `group`, so every plain text is HTML-escaped here.
    """
    site = typography.site(timeline.site)
    title: dict[str, object] = {
        "unique_id": TITLE_ID,
        "text": {"headline": escape(site.title), "text": markup.block(site.description)},
    }
    return json_joined({"title": title}, published(timeline),
                       lambda e: _slide(e, words, markup), site.base_url)


def _slide(e: Event, words: Words, markup: MarkdownConverter) -> dict[str, object]:
    slide: dict[str, object] = {"unique_id": e.id, "start_date": _tjs_date(e.date)}
    if e.end is not None:
        slide["end_date"] = _tjs_date(e.end)
    slide["display_date"] = escape(format_range(e.date, e.end, words.dates))
    slide["text"] = {"headline": escape(e.title), "text": markup.block(e.summary)}
    if e.tags:
        slide["group"] = escape(e.tags[0].label)
    return slide


def _date(date: PartialDate | None) -> dict[str, object] | None:
    if date is None:
        return None
    y, m, d = date.end_key
    last = f"{'-' if y < 0 else ''}{abs(y):04d}-{m:02d}-{d:02d}"
    return {
        "edtf": date.edtf, "precision": date.precision,
        "year": date.year, "month": date.month, "day": date.day,
        "approximate": date.approximate, "uncertain": date.uncertain,
        "first_day": date.iso_start, "last_day": last,
    }


def _text(markup: MarkdownConverter, text: str) -> dict[str, str]:
    return {"markdown": text, "html": markup.block(text)}


def _source(source: Source) -> dict[str, object]:
    return {
        "id": source.id, "title": source.title, "description": source.description,
        "url": source.url,
        "publisher": source.publisher, "author": source.author,
        "date": source.date.edtf if source.date else None, "language": source.language,
    }


def _citation(citation: Citation) -> dict[str, object]:
    return {"source": _source(citation.source), "quote": citation.quote}


def events_json(timeline: Timeline, words: Words, markup: MarkdownConverter) -> Joined:
    """Everything each published event has, in frise's own documented schema."""
    site = typography.site(timeline.site)
    head: dict[str, object] = {
        "version": EVENTS_VERSION,
        "site": {
            "title": site.title, "description": _text(markup, site.description),
            "language": site.language, "author": site.author, "url": site.base_url,
        },
    }
    return json_joined(head, published(timeline),
                       lambda e: _event_entry(e, words, markup, site.base_url), site.base_url)


def _event_entry(e: Event, words: Words, markup: MarkdownConverter, base_url: str | None
                 ) -> dict[str, object]:
    path = urls.event_path(e.id)
    return {
        "id": e.id,
        "title": e.title,
        "date": _date(e.date),
        "end": _date(e.end),
        "display_date": format_range(e.date, e.end, words.dates),
        "summary": _text(markup, e.summary),
        "body": _text(markup, e.body),
        "note": _text(markup, "\n\n".join(n.text for n in e.notes)),
        "notes": [{"kind": n.kind, "heading": words.note_heading(n.kind),
                   **_text(markup, n.text)} for n in e.notes],
        "tags": [{"slug": t.slug, "label": t.label} for t in e.tags],
        "actors": [{"id": a.id, "name": a.name, "kind": a.kind, "role": a.role,
                    "url": a.url} for a in e.actors],
        "sources": [_citation(c) for c in e.citations],
        "featured": e.featured,
        "path": path,
        "url": urls.absolute(base_url, path),
    }


def _csv_date(date: PartialDate | None) -> list[str]:
    if date is None:
        return ["", "", "", ""]
    return [str(timelinejs_year(date.year)), str(date.month or ""), str(date.day or ""), ""]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text_cell(text: str) -> str:
    """A plain-text cell as TimelineJS reads it, as HTML (so `<` and `&` are
    escaped), and that no spreadsheet runs as a formula (OWASP CSV injection): a leading
    `=`, `+`, `-` or `@` gets an apostrophe, which spreadsheets read as "text"."""
    text = escape(text, quote=False)
    return "'" + text if text.startswith(_FORMULA_START) else text


def events_csv(timeline: Timeline, words: Words, markup: MarkdownConverter) -> Joined:
    """A TimelineJS sheet: a `title` row, then one row per event, HTML in Text.

    The headline is plain text escaped as HTML, since TimelineJS renders it so; dates follow
    TimelineJS's year numbering; the group is the first tag's label.
    """
    site = typography.site(timeline.site)
    blank_dates = [""] * 8
    head = _csv_rows([CSV_COLUMNS, [*blank_dates, "", _text_cell(site.title),
                                    markup.block(site.description), "", "", "", "", "title",
                                    "", ""]])

    def row(e: Event) -> str:
        return _csv_rows([[
            *_csv_date(e.date), *_csv_date(e.end),
            _text_cell(format_range(e.date, e.end, words.dates)), _text_cell(e.title),
            markup.block(e.summary), "", "", "", "", "",
            _text_cell(e.tags[0].label) if e.tags else "", "",
        ]])

    return _at_root(Joined(head, published(timeline), row), site.base_url)


def _csv_rows(rows: Iterable[Sequence[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def json_joined(head: dict[str, object], events: Sequence[Event],
                entry: Callable[[Event], object], base_url: str | None) -> Joined:
    """Stable, compact JSON with a final newline, as pieces: `head` with "events" added
    last, then each event's `entry`, so that an export of tens of megabytes is never held
    as one string, and a rebuild makes only the entries of the events that changed.
    Joined, the pieces are `json.dumps({**head, "events": [entry(e) for e in events]})`
    to the byte (the C encoder, several times faster on large timelines than indented
    JSON)."""
    text = _dump(head)
    return _at_root(Joined(text[:-1] + ("," if head else "") + '"events":[', events,
                           lambda e: _dump(entry(e)), ",", "]}\n"), base_url)


def _at_root(joined: Joined, base_url: str | None) -> Joined:
    """Links to events made absolute (`base_url`) or from the site's root: the exports
    sit at the root, and are read by tools that know nothing of frise's links."""
    root = base_url or ""
    piece = joined.piece
    return replace(joined, head=at_root(joined.head, root),
                   piece=lambda e: at_root(piece(e), root))


def _dump(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def plugin(timeline: Timeline, words: Words) -> Iterator[Page]:
    """The plan's entries for `timeline.json`, `events.json` and `events.csv`: each made
    from every event (so rendered in parallel), one piece per event (`pieces.join`)."""
    makers: dict[str, Callable[[Timeline, Words, MarkdownConverter], Joined]] = {
        "timeline.json": timeline_json, "events.json": events_json, "events.csv": events_csv,
    }
    for path, make in makers.items():
        yield Page((path,), "", (timeline.events,), joined=_with(make, words))


def _with(make: Callable[[Timeline, Words, MarkdownConverter], Joined], words: Words
          ) -> Callable[[MarkdownConverter, Timeline], Joined]:
    return lambda markup, timeline: make(timeline, words, markup)
