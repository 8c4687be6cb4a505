"""The `frise` command: parses arguments, calls the stages, prints errors, exits."""

from __future__ import annotations

import datetime as dt
import json
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import click

from ..errors import ContentErrors, FriseError, count, shown_path

EXIT_CONTENT = 1
PROGRESS_AFTER = 1.0
"""Seconds a build runs before a progress bar appears on a terminal."""
STAGES = ("checking", "rendering", "done")
"""What the bar shows: before the plan (load, validate, plan), while rendering and
writing, at the end (`pipeline.build`'s stages)."""

F = TypeVar("F", bound=Callable[..., Any])


def _fail(exc: FriseError, fmt: str = "text", outcome: str = "nothing was written") -> None:
    errors = exc.errors if isinstance(exc, ContentErrors) else [exc]
    if fmt == "json":
        click.echo(json.dumps({"ok": False, "errors": [e.to_dict() for e in errors]},
                              ensure_ascii=False, indent=2))
    else:
        for error in errors:
            click.echo(str(error), err=True)
        click.echo(f"{count(len(errors), 'error')}; {outcome}", err=True)
    sys.exit(EXIT_CONTENT)


def _stderr_is_tty() -> bool:
    return sys.stderr.isatty()


class _Progress:
    """A bar on stderr for builds that last: shown after PROGRESS_AFTER seconds, on a TTY only."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.done = 0
        self.finished = False
        self.lock = threading.Lock()
        self.bar: Any = None
        self.timer = threading.Timer(PROGRESS_AFTER, self._show)
        self.timer.daemon = True

    def __enter__(self) -> _Progress:
        if self.enabled:
            self.timer.start()
        return self

    def _show(self) -> None:
        with self.lock:
            if self.finished:
                return
            self.bar = click.progressbar(length=len(STAGES), label="building",
                                         file=sys.stderr, show_eta=False,
                                         item_show_func=lambda _: STAGES[min(self.done, 2)])
            self.bar.__enter__()
            self.bar.update(self.done)

    def step(self, stage: str) -> None:
        with self.lock:
            self.done = {"plan": 1, "render and write": 3}.get(stage, self.done)
            if self.bar is not None:
                self.bar.update(self.done - self.bar.pos)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.timer.cancel()
        with self.lock:
            self.finished = True
            if self.bar is not None:
                self.bar.__exit__(kind, exc, tb)


def _timings(seconds: dict[str, float]) -> None:
    parts = [f"{stage} {s:.3f} s" for stage, s in seconds.items()]
    click.echo("timings: " + ", ".join(parts), err=True)


project_option = click.option(
    "--project", "-C", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
    show_default=True, help="The project folder (holding content/).")
drafts_option = click.option("--drafts", is_flag=True, help="Include events marked draft.")


def talk_options(func: F) -> F:
    """--quiet and --verbose, the same on every command."""
    func = click.option("--verbose", "-v", is_flag=True,
                        help="Also print the time each stage took.")(func)
    return click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="frise")
def main() -> None:
    """frise: a static timeline website generator.

    \b
    Example:
      frise init my-timeline --language fr
      cd my-timeline
      frise new "Visite à Bakou" --date 2023-07-13 --tags diplomatie
      frise serve          # preview at http://127.0.0.1:8000/, reloads on save
      frise check          # validates content/ without writing
      frise build          # writes the site into site/
    """


@main.command()
@project_option
@drafts_option
@click.option("--base-url", help="Override site.yaml's base_url for this build.")
@talk_options
def build(project: Path, drafts: bool, base_url: str | None, quiet: bool,
          verbose: bool) -> None:
    """Build the site into the output folder (site/ by default).

    \b
    Example:
      frise build --project my-timeline
    """
    from ..build import stamp

    start = time.perf_counter()
    done, inputs = stamp.unchanged(project, drafts, base_url)  # before anything heavy
    if done is None:
        from ..build import pipeline as builder

        try:
            with _Progress(not quiet and _stderr_is_tty()) as progress:
                report = builder.build(project, drafts=drafts, base_url=base_url,
                                       progress=progress.step, inputs=inputs)
        except FriseError as exc:
            _fail(exc)
            return
        kept = report.files - report.rendered
        detail = f" ({report.rendered} rendered, {kept} unchanged)" if kept else ""
        events, files, notes, output = (report.events, report.files, report.notes,
                                        report.output)
        seconds = report.seconds
    else:
        detail = " (nothing changed)"
        events, files, notes, output = done.events, done.files, list(done.notes), done.output
        seconds = {"unchanged": time.perf_counter() - start}
    if not quiet:
        for note in notes:
            click.echo(f"note: {note}", err=True)
        if verbose:
            _timings(seconds)
        click.echo(f"built {count(events, 'event')}, {count(files, 'file')}{detail} into "
                   f"{output} in {sum(seconds.values()):.2f} s")


@main.command()
@project_option
@drafts_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help="json: machine-readable errors for editors and tools.")
@talk_options
def check(project: Path, drafts: bool, fmt: str, quiet: bool, verbose: bool) -> None:
    """Validate the content without writing anything (fast: fit for a pre-commit hook).

    \b
    Example:
      frise check && git commit
      frise check --format json | jq '.errors[].message'
    """
    from ..build import pipeline as builder

    try:
        _, _, report = builder.check(project, drafts=drafts)
    except FriseError as exc:
        _fail(exc, fmt)
        return
    if fmt == "json":
        click.echo(json.dumps({"ok": True, "events": report.events, "errors": []}))
    elif not quiet:
        if verbose:
            _timings(report.seconds)
        click.echo(f"ok: {count(report.events, 'event')}, no problems")


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


@main.command()
@click.argument("title")
@click.option("--date", "date", required=True, help="YYYY, YYYY-MM or YYYY-MM-DD, "
              "optionally ending with ~ (about), ? (uncertain) or % (both).")
@click.option("--end", help="When it ended, same forms as --date.")
@click.option("--tags", help="Comma-separated tag slugs: diplomatie,defense")
@click.option("--actors", help="Comma-separated actor ids from content/actors.yaml.")
@project_option
@talk_options
def new(title: str, date: str, end: str | None, tags: str | None, actors: str | None,
        project: Path, quiet: bool, verbose: bool) -> None:
    """Create content/events/<date>-<slug>.yaml, ready to fill in; prints its path.

    \b
    Example:
      frise new "Yoav Gallant à Bakou" --date 2023-07-13 --tags diplomatie,defense
      frise new "Guerre du Haut-Karabakh" --date 2020-09-27 --end 2020-11-10
    """
    from . import scaffold

    try:
        event = scaffold.make_event(title, date, end, _split(tags), _split(actors))
        path = scaffold.new_event(project, event)
    except FriseError as exc:
        _fail(exc)
        return
    if not quiet:
        click.echo(shown_path(path))
        click.echo("fill in its summary and sources, then save: `frise serve` shows it "
                   "(until then, `frise build` refuses its placeholder)", err=True)


@main.command()
@click.argument("folder", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--language", type=click.Choice(["fr", "en"]), default="en", show_default=True,
              help="Language of the site: dates, interface words and the starter text.")
@talk_options
def init(folder: Path, language: str, quiet: bool, verbose: bool) -> None:
    """Create a new timeline project (site.yaml, one example event, .gitignore).

    \b
    Example:
      frise init my-timeline --language fr
      cd my-timeline && frise serve
    """
    from . import scaffold

    try:
        created = scaffold.init_project(folder, language, dt.date.today().isoformat())
    except FriseError as exc:
        _fail(exc)
        return
    for path in created if not quiet else ():
        click.echo(shown_path(path))
    if not quiet:
        go = "" if folder == Path(".") else f"cd {shown_path(folder)} && "
        click.echo(f"next: {go}frise serve   (then open the address it prints)", err=True)


@main.command()
@project_option
@drafts_option
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@talk_options
def serve(project: Path, drafts: bool, port: int, quiet: bool, verbose: bool) -> None:
    """Preview the site: build, serve on 127.0.0.1, rebuild and reload on every save.

    Errors in the content show over the page while the last good site stays
    served; the page comes back by itself when the file is fixed.

    \b
    Example:
      frise serve --port 8001
    """
    from .serve import DevServer

    def log(message: str) -> None:
        if not quiet:
            click.echo(message, err=True)

    try:
        server = DevServer(project, port=port, drafts=drafts, log=log, verbose=verbose)
    except FriseError as exc:
        _fail(exc)
        return
    server.start()
    watched = " and ".join(f"{name}/" for name in server.watched)
    click.echo(f"serving {server.url}  (watching {watched}; Ctrl+C to stop)")
    server.wait()


@main.command(name="import")
@click.argument("csv_file", metavar="FILE.csv",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@project_option
@click.option("--dry-run", is_flag=True, help="Report what would be written; write nothing.")
@talk_options
def import_(csv_file: Path, project: Path, dry_run: bool, quiet: bool, verbose: bool) -> None:
    """Import a TimelineJS spreadsheet (saved as CSV) into content/events/.

    One YAML file a row; HTML in Text becomes Markdown, Group becomes a tag.
    What cannot be carried (title row, eras, times, media) is reported.

    \b
    Example:
      frise import "My timeline - od1.csv" --project my-timeline
    """
    from . import importer

    try:
        report = importer.import_file(project, csv_file, dry_run)
    except FriseError as exc:
        _fail(exc)
        return
    if not quiet:
        if report.tags:
            done = "would add" if dry_run else "added"
            click.echo(f"{done} tags to content/tags.yaml: {', '.join(report.tags)}", err=True)
        for name in report.would_write:
            click.echo(f"would write {name}")
        for path in report.written:
            click.echo(shown_path(path))
        for note in report.notes:
            click.echo(str(note), err=True)
        events = count(len(report.would_write if dry_run else report.written), "event")
        other = len(report.notes) - report.not_carried
        click.echo(f"{'would import' if dry_run else 'imported'} {events}; "
                   f"{count(report.not_carried, 'note')} about rows or cells not carried over"
                   + (f", {count(other, 'other note')}" if other else ""), err=True)
    if report.problems is not None:
        click.echo("imported, but the project does not pass `frise check`:", err=True)
        _fail(report.problems, outcome=f"the {count(len(report.written), 'file')} imported "
              "are written; fix the errors, then run `frise check`")
