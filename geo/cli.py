"""The command line: ``python -m geo COMMAND`` (also installed as the ``geo`` script).

Library functions never print; this module is where progress and messages reach the
user, and all of it goes through two consoles with rich markup, highlighting and emoji
codes off (:data:`_out`, :data:`_err`): a file named «estates [final].csv» prints as
written. Machine-readable output (CSV, JSON) is written as it is (:func:`_write`).

Exit statuses (also in the README):

- 0: done (a register with rejected rows is still done; so is one with no data rows);
- 1: ``join --strict`` found flagged or rejected rows;
- 2: usage error: the command line itself is wrong (unknown command or option, a value
  not among an option's choices, a missing argument); one line on stderr;
- 3: unusable input: the command line is well formed, but what it names cannot be used
  (a missing or unreadable file, a column that is not there, an ``--out`` that is a
  file, a name that does not resolve); one line on stderr, never a traceback;
- 4: the outputs cannot be written (a read-only or full disk, the standard output, a name in ``--out`` taken by
  a folder, another run writing into the same ``--out``), or ``join --engine dask`` failed
  on the cluster (workers lost more often than dask retries a task); one line on stderr,
  and nothing changed in ``--out``;
- 130: interrupted (Ctrl-C); nothing changed in ``--out``.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup

from geo import _cli_console
from geo._cli_console import (
    _err,
    _error_line,
    _out,
    _say,
    _stdout_lost,
    _warn,
    _warn_register,
    _write,
    print_listing,
    summary_line,
)
from geo._cli_messages import error_message
from geo._cli_options import (
    BY_CHOICES,
    ENGINE_CHOICES,
    LANG_CHOICES,
    LEVEL_CHOICES,
    choice_option,
    dask_usage,
    format_option,
    not_one_of,
)
from geo._cli_options import FORMAT_CHOICES as FORMAT_CHOICES  # the listing formats, checked by the tests
from geo._cli_options import quote as _quote
from geo.errors import EngineError, GeoError, GeoWarning, OutputError, RegisterWarning, SchedulerError

EXIT_OK = 0
EXIT_PROBLEMS = _cli_console.EXIT_PROBLEMS
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_OUTPUT = _cli_console.EXIT_OUTPUT


def _fail(exc: GeoError | str, code: int = EXIT_INPUT, lang: str = "en") -> None:
    _error_line(exc if isinstance(exc, str) else error_message(exc, lang))
    raise typer.Exit(code=code)


class _Commands(TyperGroup):
    """The command group: every usage error ends in one line on stderr and exit 2."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            sys.stdout.flush()
        except OSError as exc:  # the standard output cannot be written (a full disk, a closed pipe)
            _stdout_lost(exc)
        except typer.TyperException as exc:  # the base of typer's usage and file errors
            if type(exc).__name__ == "NoArgsIsHelpError":  # `geo` alone: the help, as a usage error
                _out.print(exc.format_message())
                sys.exit(EXIT_USAGE)
            _error_line(exc.format_message())
            sys.exit(EXIT_USAGE if getattr(exc, "exit_code", 1) == 2 else EXIT_INPUT)
        except typer.Abort:
            _error_line("aborted")
            sys.exit(130)
        sys.exit(code if isinstance(code, int) else EXIT_OK)


app = typer.Typer(
    cls=_Commands,
    name="geo",
    help="Map Iran's industrial estates: provinces, sourced facts, your registers.",
    epilog="Exit status: 0 done, 1 --strict found problems, 2 usage error, 3 unusable input,"
    " 4 outputs cannot be written, 130 interrupted.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from geo import __version__

        _say(f"geo {__version__} (iran-estates)")
        raise typer.Exit()


@app.callback()
def _main_options(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Map Iran's industrial estates: provinces, sourced facts, your registers."""


def _check_out_dir(out: Path) -> None:
    """Refuse, before any work, an --out that exists and is not a folder."""
    if out.exists() and not out.is_dir():
        _fail(f"--out {_quote(str(out))} is a file, not a folder; name a folder (it is created if missing)")


def _run(work: Callable[[], Any], lang: str = "en") -> Any:
    """Run ``work``; the package's errors (in ``lang``) and file-system errors end in one line (exit 3 or 4)."""
    try:
        return work()
    except SchedulerError as exc:  # --scheduler names none that answers: the command line is wrong
        _fail(exc, EXIT_USAGE, lang)
    except EngineError as exc:  # the extra not installed: unusable; the cluster failed: nothing written
        _fail(exc, EXIT_INPUT if exc.field == "engine" else EXIT_OUTPUT, lang)
    except GeoError as exc:  # outputs that cannot be written: exit 4; any other: 3
        _fail(exc, EXIT_OUTPUT if isinstance(exc, OutputError) else EXIT_INPUT, lang)
    except OSError as exc:  # the readers word their own: what is left is a file being written
        where = f" {_quote(str(exc.filename))}" if exc.filename else ""
        _fail(f"cannot write{where}: {exc.strerror or exc}", EXIT_OUTPUT)


@app.command(epilog="Example: python -m geo build --out maps --lang fa")
def build(
    out: Path = typer.Option(Path("maps"), "--out", help="Folder to write the maps into (created if missing)."),
    lang: str | None = choice_option(
        None,
        "--lang",
        choices=LANG_CHOICES,
        help="Write only this language: fa (iran_estates.html) or en (iran_estates.en.html).",
    ),
    level: str = choice_option(
        "county",
        "--level",
        choices=LEVEL_CHOICES,
        help="The finest level the reader can switch to: county (the 478 counties) or province (a smaller page).",
    ),
    tiles: str | None = typer.Option(
        None, "--tiles", help="Opt-in tile basemap, an xyzservices name such as CartoDB.Positron (needs the network)."
    ),
) -> None:
    """Write the default interactive maps: OUT/iran_estates.html (fa) and OUT/iran_estates.en.html (en)."""
    from geo.i18n import LANGS
    from geo.maps import build_maps

    _check_out_dir(out)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", GeoWarning)
        paths = _run(lambda: build_maps(out, langs=(lang,) if lang else LANGS, tiles=tiles, counties=level == "county"))
    _warn(caught)
    for path in paths:
        _say(f"wrote {path}")


@app.command(epilog="Example: python -m geo provinces --format csv > provinces.csv")
def provinces(fmt: str = format_option()) -> None:
    """List the 31 provinces: ISO 3166-2:IR code, names, capital, area (km²)."""
    from geo.reference.provinces import province_table

    columns = {
        "code": "code",
        "name_en": "name_en",
        "name_fa": "name_fa",
        "capital_en": "capital",
        "area_km2": "area km²",
    }
    print_listing(province_table(), fmt, columns)


@app.command(epilog="Example: python -m geo counties --province IR-10 --format csv > isfahan.csv")
def counties(
    province: str | None = typer.Option(None, "--province", help="Only this province's counties (a code or name)."),
    fmt: str = format_option(),
) -> None:
    """List the counties (all 478, or one province's): code, province, names, land area (km²)."""
    from geo.reference.counties import county_table

    columns = {"code": "code", "province": "province", "name_en": "name_en", "name_fa_short": "name_fa"}
    print_listing(_run(lambda: county_table(province)), fmt, {**columns, "area_km2": "area km²"})


@app.command(epilog='Example: python -m geo resolve "استان آذربايجان شرقي" Kordestan IR.ES')
def resolve(
    names: list[str] = typer.Argument(..., metavar="NAME", help="Province names or codes, in any spelling."),
) -> None:
    """Resolve province names or codes to ISO 3166-2:IR codes (exit 3 when one does not resolve)."""
    from geo.reference.names import resolve_province

    status = EXIT_OK
    for name in names:
        try:
            _say(f"{name}\t{resolve_province(name)}")
        except GeoError as exc:
            _error_line(f"{_quote(name)}: {exc}")
            status = EXIT_INPUT
    raise typer.Exit(code=status)


@app.command(epilog="Example: python -m geo facts --format json")
def facts(
    fmt: str = format_option(),
    ledger: Path | None = typer.Option(None, "--ledger", help="A ledger CSV instead of the shipped one."),
    series: bool = typer.Option(
        False, "--series", help="The national figures of other years, each with its source (json or csv)."
    ),
) -> None:
    """List the sourced facts (ISIPO's 1396 SH results) from the facts ledger; --series: the other years."""
    from geo.reference.facts import facts_table, format_facts, load_facts

    if series:
        from geo.reference.series import format_series, load_series

        _write(_run(lambda: format_series(load_series(facts=load_facts(ledger)), "csv" if fmt == "csv" else "json")))
        return
    table = _run(lambda: load_facts(ledger))
    if fmt == "table":
        _say(facts_table(table))
    else:
        _write(_run(lambda: format_facts(table, fmt)))  # type: ignore[arg-type]  # csv or json here


@app.command(
    "join",
    epilog=(
        "Example: python -m geo join my_estates.xlsx --out out --by both"
        ' --reconcile "fire_stations=hse_fire_stations_built"'
    ),
)
def join_register(  # noqa: PLR0913, PLR0917 - a typer command: one parameter per option
    register: str = typer.Argument(
        ..., help="Estate register: CSV/TSV, XLSX, GeoJSON, GeoPackage, Parquet, or a postgresql:// URL."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Folder to write the outputs into (created if missing); needed unless --to is given."
    ),
    id_col: str | None = typer.Option(None, "--id", help="Column of estate ids."),
    name: str | None = typer.Option(None, "--name", help="Column of estate names."),
    province: str | None = typer.Option(None, "--province", help="Column of province names or codes."),
    county: str | None = typer.Option(None, "--county", help="Column of county (شهرستان) names or codes."),
    lat: str | None = typer.Option(None, "--lat", help="Column of latitudes (y)."),
    lon: str | None = typer.Option(None, "--lon", help="Column of longitudes (x)."),
    crs: str | None = typer.Option(None, "--crs", help="CRS of the coordinates, e.g. EPSG:3857."),
    sheet: str | None = typer.Option(None, "--sheet", "--layer", help="XLSX sheet or GeoPackage layer to read."),
    legacy_codes: bool = typer.Option(
        False, "--legacy-codes", help="Read IR-NN codes in the earlier ISO 3166-2:IR edition."
    ),
    by: str | None = choice_option(
        None,
        "--by",
        choices=BY_CHOICES,
        help="Join by the province column, by location, or both (default: both when the file has both).",
    ),
    reconcile: list[str] | None = typer.Option(
        None, "--reconcile", metavar="COLUMN=FACT_ID", help="column=fact_id, or a JSON/CSV mapping file."
    ),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 when any row is flagged or rejected."),
    lang: str | None = choice_option(
        None,
        "--lang",
        choices=LANG_CHOICES,
        help="Language of map.html, tables, warnings (fa); of errors if given (else en).",
    ),
    progress: bool = typer.Option(
        False, "--progress", help="Show each stage with its rows and time (shown anyway for inputs over 5 MB)."
    ),
    formats: str | None = typer.Option(
        None,
        "--formats",
        metavar="gpkg,parquet,geojson,csv",
        help="Joined rows' formats (default: gpkg,csv, with geojson up to 10,000 rows; gpkg,parquet above 100,000).",
    ),
    engine: str = choice_option(
        "memory",
        "--engine",
        choices=ENGINE_CHOICES,
        help="memory, or dask: partitions on a dask cluster (big registers).",
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", metavar="ADDRESS", help="With --engine dask: a running scheduler (tcp://host:8786)."
    ),
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="With --engine dask, no --scheduler: local worker processes (default: cores)."
    ),
    table: str | None = typer.Option(
        None, "--table", help="With a postgresql:// register: the table or view to read (name or schema.name)."
    ),
    sql: str | None = typer.Option(None, "--sql", help="With a postgresql:// register: a query to read instead."),
    to: str | None = typer.Option(
        None, "--to", metavar="URL", help="Also write every row to a new table of this postgresql:// database."
    ),
    to_table: str | None = typer.Option(None, "--to-table", help="With --to: the new table (name or schema.name)."),
    replace: bool = typer.Option(False, "--replace", help="With --to: replace --to-table if it exists."),
    watch: bool = typer.Option(False, "--watch", help="Join the file again each time it changes (Ctrl-C stops)."),
) -> None:
    """Join an estate register to provinces and counties; write joined, rows, rejects, tables, report and map."""
    from geo._cli_database import Writing, usage_error
    from geo.registers._database import is_database_url

    wrong = usage_error(is_database_url(register), (table, sql), (out, to, to_table, replace))
    if wrong is not None:
        _fail(wrong, EXIT_USAGE)
    if out is not None:
        _check_out_dir(out)
    errors, lang = lang or "en", lang or "fa"
    source: str | Path = register if is_database_url(register) else Path(register)
    chosen = _formats(formats)
    big = progress or (isinstance(source, Path) and source.is_file() and source.stat().st_size > 5_000_000)
    cells = {"id": id_col, "name": name, "province": province, "county": county, "lat": lat, "lon": lon}
    options = {"by": by, "reconcile": reconcile or None, "legacy_codes": legacy_codes, "crs": crs, "sheet": sheet}
    if watch and (engine != "memory" or out is None or to is not None or not isinstance(source, Path)):
        _fail("--watch joins a register file into --out (--engine memory), again each time it changes", EXIT_USAGE)
    if engine == "dask" or scheduler is not None or workers is not None:
        if to is not None or out is None or not isinstance(source, Path):
            _fail("--engine dask reads a file and writes --out; a database is joined by --engine memory", EXIT_USAGE)
        if (wrong := dask_usage(engine, scheduler, workers)) is not None:
            _fail(wrong, EXIT_USAGE)
        done = _join_on_dask(
            source,  # type: ignore[arg-type]
            out,  # type: ignore[arg-type]
            {**options, **cells},
            scheduler=scheduler,
            workers=workers,
            big=big,
            lang=lang,
            errors=errors,
        )
        return summary_line(done.summary, out, strict)
    reading = {**options, **cells, "table": table, "sql": sql}
    writing = Writing(out, chosen, to, to_table, replace)

    def once() -> None:
        result = _run(lambda: _join_and_write(source, reading, writing, big, lang), errors)
        summary_line(result.summary, writing.where(), strict)

    if watch:
        from geo._cli_watch import watch as watching

        return watching(source, once, say=_say)  # type: ignore[arg-type]  # a file: checked above
    once()


def _join_and_write(source: str | Path, reading: dict[str, Any], writing: Any, big: bool, lang: str) -> Any:
    """Join, then write the table (not yet committed) and the files, then commit the table.

    The table's database is checked before the join; a failure anywhere leaves the folder
    and the database as they were (the table is committed last, once the files are in).
    """
    from contextlib import ExitStack
    from dataclasses import replace

    from geo._stages import StageDisplay
    from geo.joining import join
    from geo.output._output_set import OutputSet
    from geo.output.outputs import output_names, write_into
    from geo.output.postgis_out import DatabaseTable

    with ExitStack() as stack:
        target = stack.enter_context(OutputSet(writing.out, output_names(writing.formats))) if writing.out else None
        table = None
        if writing.to is not None and writing.to_table is not None:
            table = stack.enter_context(DatabaseTable(writing.to, writing.to_table, replace=writing.replace))
        show = stack.enter_context(StageDisplay(_err, enabled=big))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", GeoWarning)
            result = join(source, progress=show, **reading)
            info = result.register.info if result.register is not None else None
            result = replace(result, register=None)  # its rows are in the estates: let them go before the outputs
            # the register's warnings, one line each in --lang; any other as the package says them
            _warn_register(info.warnings if info is not None else [], lang)
            if table is not None:
                table.write(result.estates, source=info.path if info is not None else None, progress=show)
            if target is not None:
                write_into(result, target, lang=lang, formats=writing.formats, progress=show, fork=True)  # type: ignore[arg-type]
            if table is not None:
                table.commit()
        _warn([w for w in caught if not issubclass(w.category, RegisterWarning)])
    return result


def _join_on_dask(
    register: Path,
    out: Path,
    options: dict[str, Any],
    *,
    scheduler: str | None,
    workers: int | None,
    big: bool,
    lang: str,
    errors: str,
) -> Any:
    """``join --engine dask`` on ``--scheduler``'s cluster or a local one; errors in ``errors``, warnings ``lang``."""

    def work() -> Any:
        from geo._stages import StageDisplay
        from geo.engines.command import run

        with StageDisplay(_err, enabled=big) as show:
            asked = {**options, "lang": lang}
            result = run(register, out, asked, scheduler=scheduler, workers=workers, progress=show, notice=_err.print)
        _warn_register(result.register.warnings, lang)
        return result

    return _run(work, errors)


def _formats(value: str | None) -> list[str] | None:
    """The formats of ``--formats gpkg,csv`` (None: the default), each checked."""
    if value is None:
        return None
    from geo.output.outputs import FORMATS

    chosen = [f.strip().lower() for f in value.split(",") if f.strip()]
    for f in chosen or [value]:
        if f not in FORMATS:
            _fail(f"--formats: {not_one_of(f, FORMATS)}", EXIT_USAGE)
    return chosen


@app.command(
    "compare",
    epilog="Example: python -m geo compare estates_1396.xlsx estates_1397.csv --out changes --old-year 1396"
    " --new-year 1397",
)
def compare_registers(  # noqa: PLR0917 - a typer command: one parameter per option
    old: Path = typer.Argument(..., help="The earlier estate register (any format geo join reads)."),
    new: Path = typer.Argument(..., help="The later estate register (its format and headers may differ)."),
    out: Path = typer.Option(..., "--out", help="Folder to write the outputs into (created if missing)."),
    old_year: str | None = typer.Option(None, "--old-year", help="The earlier register's Jalali year, e.g. 1396."),
    new_year: str | None = typer.Option(None, "--new-year", help="The later register's Jalali year, e.g. 1397."),
    year_column: str | None = typer.Option(None, "--year-column", help="A column holding each register's year."),
    move_km: float = typer.Option(2.0, "--move-km", help="A point moved farther than this (km) is a move."),
    progress: bool = typer.Option(False, "--progress", help="Show each stage with its rows and time."),
) -> None:
    """Compare two registers: estates added, removed, moved, changed; changes.csv, tables, report and change map."""
    _check_out_dir(out)
    from geo._cli_compare import compare_work, summary_line

    years = {"old_year": old_year, "new_year": new_year, "year_column": year_column}
    work = compare_work(old, new, out=out, years=years, move_km=move_km, console=_err, progress=progress, warn=_warn)
    _say(summary_line(_run(work).summary, out))


@app.command(epilog="Example: python -m geo template --out estates.xlsx --lang fa")
def template(
    out: Path = typer.Option(Path("estates.xlsx"), "--out", help="The Excel file to write."),
    lang: str = choice_option("fa", "--lang", choices=LANG_CHOICES, help="Language of the headers and the guide."),
) -> None:
    """Write an Excel register to fill in: drop-downs, checks, and a guide to what each column adds up to."""
    from geo.registers.template import write_template

    if out.is_dir():
        _fail(f"--out {_quote(str(out))} is a folder; name the .xlsx file to write")
    _say(f"wrote {_run(lambda: write_template(out, lang=lang))}")


@app.command(epilog="Example: python -m geo licenses > licences.txt")
def licenses() -> None:
    """Print the licence of geo and the notices and licence texts of the data, code and font it ships or embeds."""
    from geo._notices import licence_texts

    _write(_run(licence_texts))


def main() -> None:
    """Entry point of ``python -m geo`` and the ``geo`` script."""
    app()
