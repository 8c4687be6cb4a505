"""Raw nodes → the model. Reads the schema of the content format, collects every
problem of every file with its location, then raises them together."""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from .. import heap
from ..errors import Collector, SourceLocation
from .config import read_site
from .links import EVENT_LINK, find_links
from .loader import (
    Mapping,
    Node,
    RawProject,
    Scalar,
    Sequence,
    Settled,
)
from .model import ACTOR_KINDS, NOTE_KINDS, Actor, Citation, Event, Note, Source, Tag, Timeline
from .nodes import LANGUAGE_TAG, URL_SCHEMES, Reader, absolute_url, suggest
from .slugs import check_slug, slug_fix, slugify

EVENT_KEYS = ("title", "date", "end", "summary", "body", "note", "tags", "actors", "sources",
              "featured", "draft")
SOURCE_KEYS = ("title", "description", "url", "publisher", "author", "date", "language",
               "text")
NOTE_KEYS = ("kind", "text")
ACTOR_KEYS = ("name", "kind", "role", "url", "aliases")
TAG_KEYS = ("label", "description")
PLACEHOLDERS = {
    "en": "TODO: one or two sentences saying what happened, shown in the timeline.",
    "fr": "À FAIRE : une ou deux phrases qui disent ce qui s’est passé, montrées dans la "
          "chronologie.",
}
"""The summary `frise new` writes, by site language; an event holding one is unfinished."""
MAX_TITLE = 300

_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "‛": "'", "′": "'", "`": "'",
                         "“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‹": '"', "›": '"'})
_SPACES = re.compile(r"\s+")
_GUILLEMET_SPACES = re.compile(r"(?<=[«‹])\s+|\s+(?=[»›])")
"""French sets guillemets off with (often non-breaking) spaces; "allié" and « allié » match."""


@lru_cache(maxsize=1024)
def normalize_quote(text: str) -> str:
    """Makes a quote comparable: one kind of quote mark, apostrophe and space. Kept for
    the source texts, which a process that builds again and again (`frise serve`)
    would otherwise normalise at every save."""
    text = _GUILLEMET_SPACES.sub("", unicodedata.normalize("NFC", text))
    return _SPACES.sub(" ", text.translate(_QUOTES)).strip()


def _named_table(schema: Reader, node: Node | None, path: str) -> Iterable[tuple[str, Mapping]]:
    """The entries of actors.yaml, tags.yaml or sources.yaml whose id and shape are valid."""
    if node is None:
        return
    what = path.rsplit("/", 1)[-1]
    m = schema.mapping(node, what, SourceLocation(path))
    if m is None:
        return
    seen: dict[str, tuple[str, SourceLocation]] = {}
    for key, value in m.entries.items():
        key_node = m.keys[key]
        problem = check_slug(key)
        folded = unicodedata.normalize("NFKC", key).casefold()
        if folded in seen:
            schema.errors.add(f"id '{key}' repeats the id '{seen[folded][0]}' of line "
                              f"{seen[folded][1].line} but for case or Unicode form; "
                              "keep one of them", key_node.loc)
            continue
        seen[folded] = (key, key_node.loc)
        if problem:
            schema.errors.add(f"id '{key}' in {what} {problem}{slug_fix(key)}", key_node.loc)
            continue
        entry = schema.mapping(value, f"'{key}'", key_node.loc)
        if entry is not None:
            yield key, entry


def _tags(schema: Reader, node: Node | None) -> dict[str, Tag]:
    tags = {}
    for slug, m in _named_table(schema, node, "content/tags.yaml"):
        schema.keys(m, TAG_KEYS, ("label",), f"tag '{slug}'")
        tags[slug] = Tag(slug, schema.text(m.entries.get("label"), "label") or slug,
                         schema.text(m.entries.get("description"), "description", True) or "")
    return tags


def _actors(schema: Reader, node: Node | None) -> dict[str, Actor]:
    actors = {}
    for actor_id, m in _named_table(schema, node, "content/actors.yaml"):
        schema.keys(m, ACTOR_KEYS, ("name", "kind"), f"actor '{actor_id}'")
        e = m.entries
        kind = schema.text(e.get("kind"), "kind")
        if kind is not None and kind not in ACTOR_KINDS:
            schema.errors.add(f"kind '{kind}' is not one of {', '.join(ACTOR_KINDS)}"
                              f"{suggest(kind, ACTOR_KINDS)}", e["kind"].loc)
        actors[actor_id] = Actor(actor_id, schema.text(e.get("name"), "name") or actor_id,
                                 kind or "person", schema.text(e.get("role"), "role"),
                                 schema.url(e.get("url"), "url"),
                                 _aliases(schema, e.get("aliases")))
    return actors


def _aliases(schema: Reader, node: Node | None) -> tuple[str, ...]:
    """An actor's other spellings: a list of plain texts, each once."""
    if node is None or isinstance(node, Scalar) and node.is_null:
        return ()
    if not isinstance(node, Sequence):
        schema.errors.add("'aliases' must be a list, e.g. [Aliev, Aliyev]", node.loc)
        return ()
    out: list[str] = []
    for item in node.items:
        text = schema.text(item, "aliases")
        if text is None:
            continue
        if text in out:
            schema.errors.add(f"alias '{text}' is listed twice", item.loc)
        else:
            out.append(text)
    return tuple(out)


def _source_fields(schema: Reader, m: Mapping, source_id: str | None, texts: dict[str, str],
                   ) -> Source:
    e = m.entries
    text = schema.text(e.get("text"), "text")
    if text is not None:
        norm = posixpath.normpath(text)
        if posixpath.isabs(norm) or norm.startswith(".."):
            schema.errors.add(f"'text' must be a path inside content/, not '{text}'",
                              e["text"].loc)
            text = None
        elif norm not in texts:
            schema.errors.add(f"source text 'content/{norm}' does not exist"
                              f"{suggest(norm, texts)}", e["text"].loc)
            text = None
        else:
            text = norm
    language = schema.text(e.get("language"), "language")
    if language is not None and not LANGUAGE_TAG.fullmatch(language):
        schema.errors.add(f"language '{language}' is not a BCP 47 tag", e["language"].loc)
    return Source(
        id=source_id,
        title=schema.text(e.get("title"), "title") or "",
        description=schema.text(e.get("description"), "description") or "",
        url=schema.url(e.get("url"), "url"),
        publisher=schema.text(e.get("publisher"), "publisher"),
        author=schema.text(e.get("author"), "author"),
        date=schema.date(e.get("date"), "date"),
        language=language,
        text=text,
    )


def _sources(schema: Reader, node: Node | None, texts: dict[str, str]) -> dict[str, Source]:
    sources = {}
    for source_id, m in _named_table(schema, node, "content/sources.yaml"):
        schema.keys(m, SOURCE_KEYS, (), f"source '{source_id}'")
        _title_or_description(schema, m, f"source '{source_id}'")
        sources[source_id] = _source_fields(schema, m, source_id, texts)
    return sources


def _title_or_description(schema: Reader, m: Mapping, what: str) -> None:
    """A source says what it is: its own title, or the editor's description of it."""
    if "title" not in m.entries and "description" not in m.entries:
        schema.errors.add(f"{what} needs 'title' (the source's own title) or, when the "
                          "title is unknown, 'description'", m.loc)


def _note(schema: Reader, node: Node) -> Note | None:
    """One note: Markdown text (kind 'disagree'), or a mapping of 'kind' and 'text'."""
    if isinstance(node, Scalar):
        text = schema.text(node, "note", markdown=True)
        return Note("disagree", text) if text else None
    m = schema.mapping(node, "a note")
    if m is None:
        return None
    schema.keys(m, NOTE_KEYS, ("kind", "text"), "a note")
    kind = schema.text(m.entries.get("kind"), "kind")
    if kind is not None and kind not in NOTE_KINDS:
        schema.errors.add(f"note kind '{kind}' is not one of {', '.join(NOTE_KINDS)}"
                          f"{suggest(kind, NOTE_KINDS)}", m.entries["kind"].loc)
        kind = None
    text = schema.text(m.entries.get("text"), "text", markdown=True)
    return Note(kind, text) if kind and text else None


def _note_texts(node: Node | None) -> list[tuple[Scalar, Scalar]]:
    """The texts of notes written as mappings or lists (value, key), for the checks that
    every Markdown text gets; a note written as plain text is checked as `note`."""
    found: list[tuple[Scalar, Scalar]] = []
    for item in node.items if isinstance(node, Sequence) else [node] if node else []:
        text = item.entries.get("text") if isinstance(item, Mapping) else None
        if isinstance(item, Mapping) and isinstance(text, Scalar):
            found.append((text, item.keys["text"]))
        elif isinstance(item, Scalar) and isinstance(node, Sequence):
            found.append((item, item))
    return found


def markdown_texts(raw: RawProject) -> set[str]:
    """The Markdown texts of the events as validation will find them (summaries, bodies,
    notes), read from their nodes without checking them: a build converts them on its
    other cores while validation and the plan run. A text that validation refuses is
    converted for nothing; none is missed for it, since a text not converted ahead is
    converted when it is shown."""
    texts: set[str] = set()
    for _, node in raw.events:
        if not isinstance(node, Mapping):
            continue  # a Settled event: its texts were converted by an earlier build
        for key in ("summary", "body"):
            value = node.entries.get(key)
            if isinstance(value, Scalar):
                texts.add(value.value.strip())
        note = node.entries.get("note")
        if isinstance(note, Scalar):
            texts.add(note.value.strip())
        texts.update(text.value.strip() for text, _ in _note_texts(note))
    texts.discard("")
    return texts


def _notes(schema: Reader, node: Node | None) -> tuple[Note, ...]:
    """`note`: one note, or a list of notes of several kinds."""
    if node is None:
        return ()
    items = node.items if isinstance(node, Sequence) else [node]
    return tuple(n for n in (_note(schema, item) for item in items) if n is not None)


@dataclass(slots=True)
class _Context:
    """What an event may refer to, read once before the events."""

    tags: dict[str, Tag] | None
    actors: dict[str, Actor]
    sources: dict[str, Source]
    texts: dict[str, str]
    normalized: dict[str, str] = field(default_factory=dict)
    """The texts as quotes are compared with them, normalised when a quote first needs
    one: a rebuild that reads one event normalises one text, not every text."""
    links: list[tuple[str, bool, str, SourceLocation]] = field(default_factory=list)
    """(event id, is a draft, link target, where): checked once every id is known."""

    def normal(self, path: str) -> str:
        """The text at `path` as quotes are compared with it (`normalize_quote`)."""
        found = self.normalized.get(path)
        if found is None:
            found = self.normalized[path] = normalize_quote(self.texts[path])
        return found


def _citations(schema: Reader, node: Node | None, ctx: _Context) -> tuple[Citation, ...]:
    if node is None or isinstance(node, Scalar) and node.is_null:
        return ()
    if not isinstance(node, Sequence):
        schema.errors.add("'sources' must be a list of sources", node.loc)
        return ()
    out = []
    for item in node.items:
        m = schema.mapping(item, "a source")
        if m is None:
            continue
        e = m.entries
        source: Source | None
        if "source" in e:
            schema.keys(m, ("source", "quote"), (), "a source reference")
            ref = schema.text(e["source"], "source")
            source = ctx.sources.get(ref or "")
            if ref is not None and source is None:
                schema.errors.add(f"unknown source '{ref}'{suggest(ref, ctx.sources)}"
                                  + ("" if ctx.sources else " (there is no sources.yaml)"),
                                  e["source"].loc)
        else:
            schema.keys(m, (*SOURCE_KEYS, "quote"), ("url",), "a source")
            _title_or_description(schema, m, "a source")
            source = _source_fields(schema, m, None, ctx.texts)
        quote = schema.text(e.get("quote"), "quote", markdown=True)
        if (quote is not None and source is not None and source.text is not None
                and normalize_quote(quote) not in ctx.normal(source.text)):
            schema.errors.add(
                f"quote not found in the text of '{source.id or source.title or source.url}' "
                f"(content/{source.text}): copy the sentence exactly", e["quote"].loc)
        if source is not None:
            out.append(Citation(source, quote))
    return tuple(out)


def _event(schema: Reader, event_id: str, node: Node, ctx: _Context) -> Event | None:
    path = node.path
    problem = check_slug(event_id)
    if problem:
        fix = slugify(event_id) or "event"
        schema.errors.add(f"file name '{event_id}' {problem}; rename it to '{fix}.yaml'",
                          SourceLocation(path))
    m = schema.mapping(node, "an event file")
    if m is None:
        return None
    schema.keys(m, EVENT_KEYS, ("title", "date", "summary"), "an event")
    e = m.entries
    title = schema.text(e.get("title"), "title")
    if title is not None and len(title) > MAX_TITLE:
        schema.errors.add(f"'title' is {len(title)} characters; keep it under {MAX_TITLE}",
                          e["title"].loc)
    date = schema.date(e.get("date"), "date")
    end = schema.date(e.get("end"), "end")
    if date is not None and end is not None and end.end_key < date.start_key:
        schema.errors.add(f"'end' ({end}) is before 'date' ({date})", e["end"].loc)
    tags = []
    for slug, item in schema.slug_list(e.get("tags"), "tags"):
        if ctx.tags is None:
            tags.append(Tag(slug, slug))
        elif slug in ctx.tags:
            tags.append(ctx.tags[slug])
        else:
            schema.errors.add(f"unknown tag '{slug}'{suggest(slug, ctx.tags)}"
                              " (tags are defined in content/tags.yaml)", item.loc)
    actors = []
    for actor_id, item in schema.slug_list(e.get("actors"), "actors"):
        if actor_id in ctx.actors:
            actors.append(ctx.actors[actor_id])
        else:
            schema.errors.add(f"unknown actor '{actor_id}'{suggest(actor_id, ctx.actors)}"
                              " (actors are defined in content/actors.yaml)", item.loc)
    citations = _citations(schema, e.get("sources"), ctx)
    summary = schema.text(e.get("summary"), "summary", markdown=True)
    body = schema.text(e.get("body"), "body", markdown=True) or ""
    notes = _notes(schema, e.get("note"))
    featured = schema.boolean(e.get("featured"), "featured")
    draft = schema.boolean(e.get("draft"), "draft")
    texts = [(key, e[key], m.keys[key]) for key in ("title", "summary", "body", "note")
             if key in e]
    texts += [("note", value, key) for value, key in _note_texts(e.get("note"))]
    for key, value, key_node in texts:
        if not isinstance(value, Scalar):
            continue
        if not draft and any(p in value.value for p in PLACEHOLDERS.values()):
            schema.errors.add(f"'{key}' still holds the placeholder of `frise new`: write the "
                              "text, or add 'draft: true' to keep the event out of the site",
                              value.loc)
        if key != "title":
            ctx.links.extend((event_id, draft, *link) for link in _links(value, key_node))
    if title is None or date is None or summary is None:
        return None
    return Event(
        id=event_id, title=title, date=date, end=end, summary=summary, body=body,
        notes=notes,
        tags=tuple(tags), actors=tuple(actors), citations=citations,
        featured=featured, draft=draft, location=node.loc,
    )


def _links(value: Scalar, key: Scalar) -> Iterable[tuple[str, SourceLocation]]:
    """Every link target of a Markdown text, with where it is written: its character when
    the value is on one line; in a block (`|`) its line, indented as editors do."""
    for href, offset in find_links(value.value):
        if value.verbatim_col is not None:
            yield href, SourceLocation(value.path, value.line, value.verbatim_col + offset)
        elif "\n" in value.value and not value.plain:  # a block: `|` and the lines below
            before = value.value[:offset]
            row = before.count("\n")
            col = offset - (before.rfind("\n") + 1)
            yield href, SourceLocation(value.path, value.line + 1 + row, key.col + 2 + col)
        else:
            yield href, value.loc


def _descriptions(raw: RawProject) -> Iterable[tuple[Scalar, Scalar]]:
    """The Markdown descriptions outside events, site.yaml's and each tag's, with their key."""
    tables = [raw.site] + (list(raw.tags.entries.values()) if isinstance(raw.tags, Mapping)
                           else [])
    for m in tables:
        text = m.entries.get("description") if isinstance(m, Mapping) else None
        if isinstance(m, Mapping) and isinstance(text, Scalar):
            yield text, m.keys["description"]


def link_problem(href: str, events: Collection[str], drafts: Collection[str]) -> str | None:
    """Why a Markdown link cannot be published, with the fix; None when it can."""
    if href.startswith("#") and len(href) > 1:
        return None
    target = EVENT_LINK.fullmatch(href)
    if target:
        event_id = target.group(1)
        if event_id in drafts:
            return f"link to '{href}', an event marked draft: it is not published"
        if event_id in events:
            return None
        return f"link to an unknown event '{event_id}'{suggest(event_id, events)}"
    scheme = href.split(":", 1)[0].lower() if ":" in href else ""
    if scheme and scheme not in URL_SCHEMES and not scheme.isdigit():
        return (f"link '{href}': '{scheme}:' links are not allowed; link to an http, https or "
                "mailto address")
    if absolute_url(href):
        return None
    if href.lower().startswith("www.") or re.match(r"[\w-]+(\.[\w-]+)+(/|$)", href):
        return f"link '{href}' has no scheme, so it would lead nowhere: write 'https://{href}'"
    stem = posixpath.basename(href.rstrip("/").removesuffix("/index.html")).removesuffix(
        ".yaml")
    if stem in events:
        return f"link '{href}' to another event: write it '(event:{stem})'"
    return (f"link '{href}' is not a full address: write an http, https or mailto URL, an "
            "anchor '#...', or 'event:<id>' to link to another event")


_Links = tuple[tuple[str, SourceLocation], ...]


@dataclass(slots=True)
class Checked:
    """The events a validation read without a problem, kept for the next one in the same
    process (`frise serve`), by their file's node. An event and the links it holds are
    made from nothing but its node and what it may refer to (the nodes of tags.yaml,
    actors.yaml and sources.yaml, the source texts): the loader hands back the same node
    for the same bytes, so an unchanged node among unchanged ones is not read again.
    Every check across files (ids, links, drafts) still runs on every validation.

    The command line keeps them in `.frise-cache/` instead, by their file's key
    (`RawProject.keys`: the bytes of the file and of all it may refer to), signed so
    that no one else's cache is read (`build.cache.load_checked`)."""

    refers_to: tuple[object, ...] = ()
    """The nodes of tags, actors and sources, and the texts, the events were read with."""
    events: dict[int, tuple[Node, Event, _Links]] = field(default_factory=dict)
    """By the node's id (the node itself is kept, so the id cannot be reused)."""
    stored: dict[str, tuple[Event, _Links]] = field(default_factory=dict)
    """The command line's: the events an earlier build kept, by key; the loader hands
    their files over as `Settled` (`NodeStore.validated`)."""
    found: dict[str, tuple[Event, _Links]] | None = None
    """The command line's: this validation's events by key, to keep (None in serve)."""

    def start(self, raw: RawProject) -> dict[int, tuple[Node, Event, _Links]]:
        """What can be taken for `raw`: nothing when what events refer to changed."""
        now = (raw.tags, raw.actors, raw.sources)
        same = (len(self.refers_to) == 4
                and all(a is b for a, b in zip(self.refers_to[:3], now, strict=True))
                and self.refers_to[3] == raw.texts)
        found = self.events if same else {}
        self.refers_to, self.events = (*now, raw.texts), {}
        return found


@heap.collector_paused()
def validate(raw: RawProject, drafts: bool = False,
             languages: Collection[str] | None = None, checked: Checked | None = None
             ) -> Timeline:
    """Checks the whole project and returns its timeline, or raises every problem at once.

    `languages` lists those the theme has words for; `drafts` keeps draft events.
    `checked` keeps the events read from one validation to the next (`Checked`).
    """
    errors = Collector()
    errors.extend(raw.errors)
    schema = Reader(errors)
    site = read_site(schema, raw.site, languages)
    ctx = _Context(
        tags=_tags(schema, raw.tags) if raw.tags is not None else None,
        actors=_actors(schema, raw.actors),
        sources=_sources(schema, raw.sources, raw.texts),
        texts=raw.texts,
    )
    for text, key in _descriptions(raw):  # site's and tags' Markdown: links checked too
        ctx.links.extend(("", False, *link) for link in _links(text, key))
    events: list[Event] = []
    seen: dict[str, tuple[str, str]] = {}
    known = checked.start(raw) if checked is not None else {}
    for event_id, node in raw.events:
        folded = unicodedata.normalize("NFKC", event_id).casefold()
        if folded in seen:
            first_id, first_path = seen[folded]
            errors.add(f"event id '{event_id}' is also used by {first_path}"
                       + ("" if event_id == first_id else " (the names differ only in case or "
                          "Unicode form, and would claim the same URL)")
                       + "; rename one of the files", SourceLocation(node.path))
            continue
        seen[folded] = (event_id, node.path)
        event: Event | None
        kept: tuple[Event, _Links] | None = None
        if isinstance(node, Settled):
            assert checked is not None, "a settled file without the events it was checked with"
            kept = checked.stored[node.key]
            event = kept[0]
            ctx.links.extend((event_id, event.draft, *link) for link in kept[1])
        elif (hit := known.get(id(node))) is not None and hit[0] is node:
            event = hit[1]
            ctx.links.extend((event_id, event.draft, *link) for link in hit[2])
            kept = (event, hit[2])
        else:
            problems, links = len(errors.errors), len(ctx.links)
            event = _event(schema, event_id, node, ctx)
            if checked is not None and event is not None and len(errors.errors) == problems:
                kept = (event, tuple(link[2:] for link in ctx.links[links:]))
        if checked is not None and kept is not None:
            if checked.found is not None:
                checked.found[raw.keys[node.path]] = kept
            elif not isinstance(node, Settled):
                checked.events[id(node)] = (node, *kept)
        if event is not None and (drafts or not event.draft):
            events.append(event)
    published = {ev.id for ev in events}
    left_out = {event_id for event_id, _ in raw.events} - published
    for _, source_draft, href, loc in ctx.links:
        if source_draft and not drafts:
            continue
        problem = link_problem(href, published, left_out)
        if problem:
            errors.add(problem, loc)
    if not raw.events and not any(e.location and ("events" in e.location.path
                                                  or e.location.path == "content")
                                  for e in errors.errors):
        errors.add("no events: add a file such as content/events/2023-03-29-first-event.yaml",
                   SourceLocation("content/events"))
    errors.raise_if_any()
    events.sort(key=lambda ev: ev.sort_key)
    used_tags = {t.slug: t for ev in events for t in ev.tags}
    used_actors = {a.id: a for ev in events for a in ev.actors}
    return Timeline(
        site=site,
        events=tuple(events),
        tags=tuple(used_tags[s] for s in sorted(used_tags)),
        actors=tuple(used_actors[a] for a in sorted(used_actors)),
    )
