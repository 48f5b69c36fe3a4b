"""`import ocds|csv` and `export csv|ocds`: published registers in and out. Each import is one
transaction: the whole file or nothing."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..errors import InvalidInput
from .context import context, emit_json

import_app = typer.Typer(help="Import published registers: OCDS (Find a Tender, Contracts Finder) and "
                              "Transparency Code CSV.", no_args_is_help=True)
export_app = typer.Typer(help="Export the register as Transparency Code CSV or an OCDS release package.",
                         no_args_is_help=True)

PROGRESS_FROM = 500  # rows; smaller files finish before a bar would be worth drawing


class Output(StrEnum):
    text = "text"
    json = "json"


FileArg = Annotated[str, typer.Argument(help="The file to import, or - for standard input.", show_default=False)]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Show what would change, and change nothing.")]
Format = Annotated[Output, typer.Option("--format", help="text for people; json for scripts.")]


def _read(name: str) -> tuple[bytes, str]:
    if name == "-":
        return sys.stdin.buffer.read(), "standard input"
    path = Path(name)
    try:
        return path.read_bytes(), path.name
    except OSError as error:
        raise InvalidInput(f"cannot read {name}: {error.strerror or error}") from None


def _report(result, output: Output) -> None:
    if output == Output.json:
        emit_json({**result.as_dict(), "summary": result.summary()})
        return
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    if result.dry_run:
        for change in result.changes:
            typer.echo(f"  {change}")
    typer.echo(result.summary() + (" (dry run: nothing was changed)" if result.dry_run else ""))


@contextmanager
def _progress_bar(label: str) -> Iterator:
    """A Rich progress bar on stderr, only when stderr is a terminal (never in pipes or logs)."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            if total >= PROGRESS_FROM:
                progress.update(task, completed=done, total=total)

        yield update


@import_app.command("ocds")
def import_ocds_cmd(ctx: typer.Context, file: FileArg, dry_run: DryRun = False, output: Format = Output.text) -> None:
    """Import OCDS: release or record packages, arrays of packages, or (compiled) releases.

    Each ocid becomes one contract (its reference is the ocid); releases of one ocid are merged
    in date order. Importing the same data again changes nothing.
    """
    from ..interchange.importers.ocds import import_ocds

    cli = context(ctx)
    raw, source = _read(file)
    with cli.store().session() as session, _progress_bar(f"importing {source}") as progress:
        result = import_ocds(session, raw, source=source, actor=cli.settings.user, dry_run=dry_run,
                             progress=progress)
    _report(result, output)


@import_app.command("csv")
def import_csv_cmd(
    ctx: typer.Context, file: FileArg,
    mapping: Annotated[Path | None, typer.Option("--mapping", help="TOML file mapping this file's headers to "
                                                    "fields: [columns] \"Contract Ref\" = \"reference\".")] = None,
    dry_run: DryRun = False, output: Format = Output.text,
    skip_bad_rows: Annotated[bool, typer.Option(
        "--skip-bad-rows", help="Leave out rows that cannot be imported (listed as warnings) instead of refusing "
                                "the file; a file that is not well-formed CSV is still refused.")] = False,
) -> None:
    """Import a Transparency Code contract register (CSV): the whole file, or nothing if any row is bad."""
    from ..interchange.importers.transparency_csv import import_transparency_csv, load_mapping

    cli = context(ctx)
    columns = load_mapping(mapping) if mapping else None
    raw, source = _read(file)
    with cli.store().session() as session, _progress_bar(f"importing {source}") as progress:
        result = import_transparency_csv(session, raw, source=source, actor=cli.settings.user, dry_run=dry_run,
                                         mapping=columns, progress=progress, skip_bad_rows=skip_bad_rows)
    _report(result, output)


OutputFile = Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file (default: standard output).")]


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8", newline="")
    except OSError as error:
        raise InvalidInput(f"cannot write {output}: {error.strerror or error}") from None
    typer.echo(f"wrote {output}", err=True)


@export_app.command("csv")
def export_csv_cmd(ctx: typer.Context, output: OutputFile = None) -> None:
    """Write the register as a Transparency Code contract register (UK dates, one row per contract)."""
    import io

    from ..interchange.exporters.transparency_csv import write_transparency_csv

    cli = context(ctx)
    buffer = io.StringIO(newline="")
    with cli.store().session() as session:
        write_transparency_csv(session, buffer, as_of=cli.today)
    _write(buffer.getvalue(), output)


@export_app.command("ocds")
def export_ocds_cmd(
    ctx: typer.Context, output: OutputFile = None,
    ocid_prefix: Annotated[str, typer.Option("--ocid-prefix", help="Your registered ocid prefix, e.g. ocds-abc123.")] = "ocds-xxxxxx",
    publisher: Annotated[str, typer.Option("--publisher", help="Publisher name for the package.")] = "contract-tracker",
    uri: Annotated[str, typer.Option("--uri", help="Where the package will be published.")] = "urn:contract-tracker:register",
    validate: Annotated[bool, typer.Option("--validate/--no-validate", help="Check the package against the OCDS 1.1 schema before writing it.")] = True,
) -> None:
    """Write the register as an OCDS 1.1 release package (checked against the schema first)."""
    import json

    from ..interchange.exporters.ocds import register_package
    from ..interchange.ocds_schema import package_errors

    cli = context(ctx)
    with cli.store().session() as session:
        package = register_package(session, as_of=cli.today, published=datetime.now(UTC), publisher=publisher,
                                   uri=uri, ocid_prefix=ocid_prefix)
    if validate:
        errors = package_errors(package)
        if errors:
            raise InvalidInput(f"the package does not validate against OCDS 1.1 ({len(errors)} problems; "
                               f"first: {errors[0]}); nothing was written")
    _write(json.dumps(package, indent=2, ensure_ascii=False) + "\n", output)
