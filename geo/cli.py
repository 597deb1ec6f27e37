"""The command line: ``python -m geo COMMAND``.

Library functions never print; this module is where progress and messages reach the
user. Errors of the package (:class:`geo.errors.GeoError`) end the command with one
clear line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console

from geo.errors import DataError, GeoError

app = typer.Typer(
    name="geo",
    help="Map Iran's industrial estates: provinces, sourced facts, your registers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_err = Console(stderr=True)
_out = Console()


#: Library parameter (as errors name it, in backquotes or as their field) → its option here.
_FLAGS = {
    "by": "--by",
    "crs": "--crs",
    "id": "--id",
    "lang": "--lang",
    "lat": "--lat",
    "legacy_codes": "--legacy-codes",
    "lon": "--lon",
    "name": "--name",
    "province": "--province",
    "reconcile": "--reconcile",
    "sheet": "--sheet",
}
_PARAMETER = re.compile(r"`(\w+)`")


def _message(exc: GeoError) -> str:
    """The error as the command line says it: library parameters named by their options."""

    def flag(match: re.Match[str]) -> str:
        return _FLAGS.get(match[1], match[1])

    if not isinstance(exc, DataError):
        return _PARAMETER.sub(flag, str(exc))
    text = _PARAMETER.sub(flag, exc.message)
    where = [str(exc.path)] if exc.path is not None else []
    if exc.row is not None:
        where.append(f"row {exc.row}")
    if exc.field in _FLAGS:
        if _FLAGS[exc.field] not in text:
            where.append(_FLAGS[exc.field])
    elif exc.field is not None:
        where.append(f"field {exc.field!r}")
    return f"{', '.join(where)}: {text}" if where else text


def _fail(exc: GeoError) -> None:
    _err.print("[bold red]error:[/] ", end="", highlight=False, markup=True)
    _err.print(_message(exc), highlight=False, markup=False, soft_wrap=True)
    raise typer.Exit(code=2)


@app.command()
def build(
    out: Path = typer.Option(Path("maps"), "--out", help="Folder to write the maps into."),
    lang: str | None = typer.Option(
        None, "--lang", help="Write only this language: fa (iran_estates.html) or en (iran_estates.en.html)."
    ),
    tiles: str | None = typer.Option(
        None, "--tiles", help="Opt-in tile basemap, an xyzservices name such as CartoDB.Positron (needs the network)."
    ),
) -> None:
    """Write the default interactive maps: OUT/iran_estates.html (fa) and OUT/iran_estates.en.html (en)."""
    from geo.i18n import LANGS
    from geo.maps import build_maps

    try:
        paths = build_maps(out, langs=(lang,) if lang else LANGS, tiles=tiles)
    except GeoError as exc:
        _fail(exc)
    for path in paths:
        _out.print(f"wrote {path}", highlight=False)


@app.command()
def provinces() -> None:
    """List the 31 provinces with their codes, names and areas."""
    from rich.table import Table

    from geo.provinces import province_table

    table = Table("code", "name_en", "name_fa", "capital", "area km²")
    for rec in province_table().itertuples():
        table.add_row(rec.code, rec.name_en, rec.name_fa, rec.capital_en, f"{rec.area_km2:,.0f}")
    _out.print(table)


@app.command()
def resolve(names: list[str] = typer.Argument(..., help="Province names or codes, in any spelling.")) -> None:
    """Resolve province names or codes to ISO 3166-2:IR codes."""
    from geo.names import resolve_province

    status = 0
    for name in names:
        try:
            _out.print(f"{name}\t{resolve_province(name)}", highlight=False)
        except GeoError as exc:
            _err.print(f"{name}\terror: {exc}", highlight=False)
            status = 2
    raise typer.Exit(code=status)


class FactsFormat(str, Enum):
    """Output formats of ``geo facts``."""

    table = "table"
    json = "json"
    csv = "csv"


@app.command()
def facts(
    fmt: FactsFormat = typer.Option(FactsFormat.table, "--format", "-f", help="Output format."),
    ledger: Path | None = typer.Option(None, "--ledger", help="A ledger CSV instead of the shipped one."),
) -> None:
    """List the sourced facts (ISIPO's 1396 SH results) from the facts ledger."""
    from geo.facts import facts_table, format_facts, load_facts

    try:
        table = load_facts(ledger)
        if fmt is FactsFormat.table:
            _out.print(facts_table(table))
        else:
            typer.echo(format_facts(table, fmt.value), nl=False)
    except GeoError as exc:
        _fail(exc)


@app.command("join")
def join_register(
    register: Path = typer.Argument(..., help="Estate register: CSV/TSV, XLSX, GeoJSON, GeoPackage or Parquet."),
    out: Path = typer.Option(..., "--out", help="Folder to write the outputs into."),
    id_col: str | None = typer.Option(None, "--id", help="Column of estate ids."),
    name: str | None = typer.Option(None, "--name", help="Column of estate names."),
    province: str | None = typer.Option(None, "--province", help="Column of province names or codes."),
    lat: str | None = typer.Option(None, "--lat", help="Column of latitudes (y)."),
    lon: str | None = typer.Option(None, "--lon", help="Column of longitudes (x)."),
    crs: str | None = typer.Option(None, "--crs", help="CRS of the coordinates, e.g. EPSG:3857."),
    sheet: str | None = typer.Option(None, "--sheet", "--layer", help="XLSX sheet or GeoPackage layer to read."),
    legacy_codes: bool = typer.Option(
        False, "--legacy-codes", help="Read IR-NN codes in the earlier ISO 3166-2:IR edition."
    ),
    by: str | None = typer.Option(None, "--by", help="attribute, location or both (default: both when available)."),
    reconcile: list[str] | None = typer.Option(None, "--reconcile", help="column=fact_id, or a JSON/CSV mapping file."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 when any row is flagged or rejected."),
    lang: str = typer.Option("fa", "--lang", help="Language of the map: fa or en."),
) -> None:
    """Join an estate register to the provinces; write joined, rejects, by-province, report and map."""
    from rich.progress import BarColumn, Progress, TextColumn

    from geo.i18n import check_lang
    from geo.joining import join

    big = register.is_file() and register.stat().st_size > 5_000_000
    try:
        check_lang(lang)
        with Progress(TextColumn("{task.description}"), BarColumn(), console=_err, disable=not big) as bar:
            task = bar.add_task("joining", total=1.0)

            def progress(stage: str, done: int, total: int | None) -> None:
                bar.update(task, completed=done / total if total else 0.0, description=stage)

            result = join(
                register,
                by=by,  # type: ignore[arg-type]  # checked by join, which names the field
                reconcile=reconcile or None,
                legacy_codes=legacy_codes,
                progress=progress,
                id=id_col,
                name=name,
                province=province,
                lat=lat,
                lon=lon,
                crs=crs,
                sheet=sheet,
            )
            bar.update(task, description="writing")
            result.write(out, lang=lang)  # type: ignore[arg-type]  # checked above
    except GeoError as exc:
        _fail(exc)
    s = result.summary
    _out.print(
        f"rows in {s['rows_in']}: joined {s['rows_joined']}, flagged {s['rows_flagged']},"
        f" rejected {s['rows_rejected']}; wrote {out}",
        highlight=False,
        soft_wrap=True,  # one line, however long the path: scripts read it
    )
    if strict and (s["rows_flagged"] or s["rows_rejected"]):
        raise typer.Exit(code=1)


def main() -> None:
    """Entry point of ``python -m geo`` and the ``geo`` script."""
    app()
