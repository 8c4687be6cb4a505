"""The `frise` command: parses arguments, calls the stages, prints errors, exits."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import build as builder
from .errors import ContentErrors, FriseError

EXIT_CONTENT = 1


def _fail(exc: FriseError, fmt: str = "text") -> None:
    errors = exc.errors if isinstance(exc, ContentErrors) else [exc]
    if fmt == "json":
        click.echo(json.dumps({"ok": False, "errors": [e.to_dict() for e in errors]},
                              ensure_ascii=False, indent=2))
    else:
        for error in errors:
            click.echo(str(error), err=True)
        click.echo(f"{len(errors)} error(s); nothing was written", err=True)
    sys.exit(EXIT_CONTENT)


project_option = click.option(
    "--project", "-C", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
    show_default=True, help="The project folder (holding content/).")
drafts_option = click.option("--drafts", is_flag=True, help="Include events marked draft.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="frise")
def main() -> None:
    """frise: a static timeline website generator.

    \b
    Example:
      frise build          # writes the site into site/
      frise check          # validates content/ without writing
    """


@main.command()
@project_option
@drafts_option
@click.option("--base-url", help="Override site.yaml's base_url for this build.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def build(project: Path, drafts: bool, base_url: str | None, quiet: bool) -> None:
    """Build the site into the output folder (site/ by default).

    \b
    Example:
      frise build --project my-timeline
    """
    try:
        report = builder.build(project, drafts=drafts, base_url=base_url)
    except FriseError as exc:
        _fail(exc)
        return
    if not quiet:
        for note in report.notes:
            click.echo(f"note: {note}", err=True)
        total = sum(report.seconds.values())
        click.echo(f"built {report.events} events, {report.files} files into "
                   f"{report.output} in {total:.2f} s")


@main.command()
@project_option
@drafts_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help="json: machine-readable errors for editors and tools.")
def check(project: Path, drafts: bool, fmt: str) -> None:
    """Validate the content without writing anything.

    \b
    Example:
      frise check && git commit
    """
    try:
        _, _, report = builder.check(project, drafts=drafts)
    except FriseError as exc:
        _fail(exc, fmt)
        return
    if fmt == "json":
        click.echo(json.dumps({"ok": True, "events": report.events, "errors": []}))
    else:
        click.echo(f"ok: {report.events} events, no problems")
