"""Writing a join's outputs as one set: estates, tables, every row's status, report, map.

The files (in ``--out``):

- ``joined.gpkg``, ``joined.parquet`` (GeoParquet), ``joined.geojson``, ``joined.csv``:
  the joined and flagged estates, in the :data:`FORMATS` chosen; by default
  (:func:`default_formats`) GeoPackage and CSV, and GeoJSON as well up to
  :data:`GEOJSON_DEFAULT_ROWS` rows (a GeoJSON of a national register is hundreds of MB
  that no tool opens quickly); above :data:`CSV_DEFAULT_ROWS` rows GeoPackage and
  GeoParquet (written in the same pass; a CSV that size is past what a spreadsheet opens
  and repeats the GeoPackage, while ``rows.csv`` still gives every row's status as CSV);
  above :data:`geo.output._gpkg_process.APART_ROWS` rows the GeoPackage is written by a second
  process while this one writes the other files (:mod:`geo.output._gpkg_process`);
- ``rows.csv``: the status of every input row (``row``, ``id``, ``status``,
  ``province``, ``county``, ``reasons``, ``reasons_fa``, ``notes``, ``notes_fa``), joined
  rows included;
- ``by_province.csv``, ``by_county.csv`` (the 478 counties, the same columns), headed
  by the columns' labels in the map's language (:func:`geo.registers.known.labelled`;
  ``report.json``'s ``table_columns`` gives each label's machine name),
  ``rejects.csv`` (the rejected rows with their cells), and
  ``reconciliation.csv`` when there is a reconciliation;
- ``map.html`` (:func:`geo.maps.register_map`); from the command line, up to
  :data:`~geo.output._gpkg_process.APART_ROWS` rows, on Linux, written by a forked copy of the process
  while this one writes the other files (:mod:`geo.output._forked`);
- ``report.json``, written last: the counts (``rows_in == rows_joined + rows_flagged +
  rows_rejected``), the file's warnings, the reconciliation, and every flagged or
  rejected row with its reasons.

The set is written atomically as a whole (:class:`geo.output._output_set.OutputSet`). CSV cells
that a spreadsheet would run as a formula are prefixed with a single quote; GeoJSON is
RFC 7946 (longitude, latitude; no ``crs`` member; NaN as null).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import Any, Literal, Protocol

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa

from geo._io import atomic_write_text
from geo._progress import Progress, no_progress
from geo.errors import GeoError
from geo.i18n import message, whole
from geo.joining.rules import ROW_COLUMNS
from geo.output._arrow import arrow_text
from geo.output._forked import Forked
from geo.output._gpkg_process import APART_ROWS, GpkgProcess
from geo.output._output_set import LAST, OutputSet, output_error
from geo.output._writers import (
    geometry_kind,
    jsonable,
    layer_crs,
    report_text,
    write_csv,
    write_geojson,
    write_tables,
)
from geo.registers.known import labelled, table_columns

__all__ = [
    "CSV_DEFAULT_ROWS",
    "FORMATS",
    "GEOJSON_DEFAULT_ROWS",
    "default_formats",
    "output_names",
    "write_into",
    "write_outputs",
]

#: The formats the joined estates can be written in, each to ``joined.<extension>``.
FORMATS = ("gpkg", "parquet", "geojson", "csv")
_FILES = {"gpkg": "joined.gpkg", "parquet": "joined.parquet", "geojson": "joined.geojson", "csv": "joined.csv"}
#: Up to this many joined rows, the default formats include GeoJSON.
GEOJSON_DEFAULT_ROWS = 10_000
#: Up to this many joined rows, the default formats include CSV; above it, GeoParquet instead.
CSV_DEFAULT_ROWS = 100_000
#: The files written whatever the formats (``report.json`` is written last).
_ALWAYS = ("rows.csv", "by_province.csv", "by_county.csv", "rejects.csv", "reconciliation.csv", "map.html", LAST)


class Written(Protocol):
    """What :func:`write_outputs` writes (a :class:`geo.JoinResult` has it all)."""

    @property
    def estates(self) -> gpd.GeoDataFrame:
        """One row per register row."""

    @property
    def by_province(self) -> gpd.GeoDataFrame:
        """The per-province table."""

    @property
    def by_county(self) -> gpd.GeoDataFrame | None:
        """The per-county table (None: no county level)."""

    @property
    def reconciliation(self) -> pd.DataFrame:
        """The declared comparisons."""

    @property
    def summary(self) -> dict[str, Any]:
        """The report without its rows."""


def default_formats(rows: int) -> tuple[str, ...]:
    """The formats written when none are asked for: GeoPackage; CSV (and GeoJSON) when small, GeoParquet when large.

    Examples
    --------
    >>> default_formats(500), default_formats(50_000), default_formats(1_000_000)
    (('gpkg', 'csv', 'geojson'), ('gpkg', 'csv'), ('gpkg', 'parquet'))
    """
    if rows <= GEOJSON_DEFAULT_ROWS:
        return ("gpkg", "csv", "geojson")
    return ("gpkg", "csv") if rows <= CSV_DEFAULT_ROWS else ("gpkg", "parquet")


def _checked_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """The formats asked for, in the order given, each known."""
    chosen = tuple(dict.fromkeys(str(f).strip().lower() for f in formats))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        listed = {"formats": whole(", ".join(FORMATS)), "unknown": whole(", ".join(map(repr, unknown)) or "none")}
        raise GeoError(message("errors", "outputs_formats", **listed))
    return chosen


def output_names(formats: Iterable[str] | None = None) -> list[str]:
    """Every file a run with ``formats`` (None: any) may write, ``report.json`` last."""
    chosen = _checked_formats(formats) if formats is not None else FORMATS
    return [_FILES[f] for f in chosen] + list(_ALWAYS)


def write_outputs(
    result: Written,
    out_dir: str | Path,
    *,
    lang: Literal["fa", "en"] = "fa",
    formats: Iterable[str] | None = None,
    progress: Progress | None = None,
) -> dict[str, Path]:
    """Write the outputs of ``result`` into ``out_dir`` as one set (see the module docstring).

    Parameters
    ----------
    result
        A join's result.
    out_dir
        The folder; created if needed. Files of an earlier run there are replaced.
    lang
        The language of ``map.html`` and of the headers of ``by_province.csv`` and ``by_county.csv``.
    formats
        Among :data:`FORMATS`; default :func:`default_formats` of the joined rows.
    progress
        Called as each file is written (see :data:`geo._progress.Progress`).

    Returns
    -------
    dict
        Output name → path.

    Raises
    ------
    OutputError
        The folder cannot take the set (read-only, full, a name taken by a folder,
        another run writing there); nothing was changed in it.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from geo import join
    >>> paths = write_outputs(join(pd.DataFrame({"province": ["Fars"]})), tempfile.mkdtemp())
    >>> sorted(paths)[-3:]
    ['rejects.csv', 'report.json', 'rows.csv']
    """
    chosen = _checked_formats(formats) if formats is not None else None
    with OutputSet(out_dir, output_names(chosen)) as target:
        return write_into(result, target, lang=lang, formats=chosen, progress=progress)


def write_into(
    result: Written,
    target: OutputSet,
    *,
    lang: Literal["fa", "en"] = "fa",
    formats: Iterable[str] | None = None,
    progress: Progress | None = None,
    fork: bool = False,
) -> dict[str, Path]:
    """Write the outputs into an open :class:`~geo.output._output_set.OutputSet` and commit it.

    With ``fork`` (the command line's), ``map.html`` of a register of up to
    :data:`~geo.output._gpkg_process.APART_ROWS` rows is written by a forked copy of this
    process while this one writes the other files (:mod:`geo.output._forked`).
    """
    tick = progress or no_progress
    status = result.estates["status"].to_numpy()
    joined, rejected = np.flatnonzero(status != "rejected"), np.flatnonzero(status == "rejected")
    chosen = _checked_formats(formats) if formats is not None else default_formats(len(joined))
    with ExitStack() as stack:
        beside = _map_beside(result, lang, target, tick) if fork and len(joined) <= APART_ROWS else None
        if beside is not None:
            stack.enter_context(beside)
        estates = _for_files(result.estates, tick)
        apart = _write_estates(estates, joined, chosen, target=target, tick=tick, stack=stack)
        columns = [c for c in ROW_COLUMNS if c in estates.columns]
        _write(target, "rows.csv", len(estates), tick, partial(write_csv, estates, columns=columns))
        by_prov = labelled(pd.DataFrame(result.by_province.drop(columns="geometry")), lang)
        _write(target, "by_province.csv", len(by_prov), tick, partial(write_csv, by_prov))
        if result.by_county is not None:
            by_county = labelled(pd.DataFrame(result.by_county.drop(columns="geometry")), lang)
            _write(target, "by_county.csv", len(by_county), tick, partial(write_csv, by_county))
        rejects = pd.DataFrame(estates.iloc[rejected].drop(columns=["geometry", "province", "status"]))
        _write(target, "rejects.csv", len(rejected), tick, partial(write_csv, rejects))
        if len(result.reconciliation):
            recon = result.reconciliation
            _write(target, "reconciliation.csv", len(recon), tick, partial(write_csv, recon))
        n = len(estates)
        del estates, rejects  # the files' copy (Arrow text) let go before the map is built
        if beside is None or not beside.wait():  # written here (also if the copy failed: any error as without it)
            pa.default_memory_pool().release_unused()
            _write(target, "map.html", n, tick, partial(_write_map, result, lang))
        else:
            tick(_MAP_STAGE, n, n)
        text, listed = _report(result, result.estates, status != "joined", target.written)
        if apart is not None:
            _waited(apart, target, len(joined), tick)
    _write(target, LAST, listed, tick, lambda p, _: p.write_text(text, encoding="utf-8"))
    target.commit()
    return {name: target.out / name for name in target.written}


#: The stage of ``map.html``.
_MAP_STAGE = "writing map.html"


def _map_beside(result: Written, lang: Literal["fa", "en"], target: OutputSet, tick: Progress) -> Forked | None:
    """``map.html`` started in a forked copy of this process (see :mod:`geo.output._forked`), or None."""
    path, rows = target.path("map.html"), len(result.estates)
    beside = Forked.start(partial(_write_map, result, lang, path, None))
    if beside is not None:
        tick(_MAP_STAGE, 0, rows)
    return beside


def _write_map(result: Written, lang: Literal["fa", "en"], path: Path, advance: Any) -> None:
    """``map.html`` (:func:`geo.maps.register_map`), from the page's cached shell (no folium on a warm cache)."""
    from geo.maps.builders import register_html

    atomic_write_text(path, register_html(result, lang=lang))


def _write_estates(
    estates: gpd.GeoDataFrame,
    joined: np.ndarray,
    chosen: tuple[str, ...],
    *,
    target: OutputSet,
    tick: Progress,
    stack: ExitStack,
) -> GpkgProcess | None:
    """Write the joined rows in the formats ``chosen``; the GeoPackage of a large set by a second process.

    Returns that process (entered into ``stack``: it is killed if the run stops), or None.
    """
    tables = {fmt: _FILES[fmt] for fmt in chosen if fmt != "geojson"}
    apart = None
    if "gpkg" in tables and len(joined) > APART_ROWS:
        dest = target.path(tables.pop("gpkg"))
        apart = GpkgProcess.start(dest, geometry_kind(estates, joined), layer_crs(estates))
        if apart is None:  # no second process here: written in this one
            tables["gpkg"] = dest.name
        else:
            stack.enter_context(apart)
            tick(_GPKG_STAGE, 0, len(joined))
    if tables or apart is not None:  # one pass for them all: each chunk of rows converted once
        paths: dict[str, Path] = {fmt: target.path(name) for fmt, name in tables.items()}
        names = list(tables.values()) or [f"the rows for {_FILES['gpkg']}"]
        if apart is not None:
            paths["stream"] = apart.stream
        _step(target, names, len(joined), tick, partial(write_tables, estates, paths, rows=joined))
    if "geojson" in chosen:
        path = target.path(_FILES["geojson"])
        _step(target, [_FILES["geojson"]], len(joined), tick, partial(write_geojson, estates, path, rows=joined))
    return apart


def _waited(apart: GpkgProcess, target: OutputSet, rows: int, tick: Progress) -> None:
    """Wait for the GeoPackage of the second process; its failure is an OutputError."""
    try:
        apart.wait()
    except RuntimeError as exc:
        raise output_error(exc, _FILES["gpkg"], target.out) from exc
    tick(_GPKG_STAGE, rows, rows)


def _write(target: OutputSet, name: str, rows: int, tick: Progress, write: Callable[[Path, Any], Any]) -> None:
    """Write the file ``name`` of the set (see :func:`_step`)."""
    path = target.path(name)
    _step(target, [name], rows, tick, lambda advance: write(path, advance))


def _step(target: OutputSet, names: list[str], rows: int, tick: Progress, write: Callable[[Any], Any]) -> None:
    """Write files of the set, telling progress; a failure of the disk or a writer is an OutputError."""
    stage = f"writing {' and '.join(names)}"
    tick(stage, 0, rows)
    try:
        write(lambda done: tick(stage, min(done, rows - 1), rows) if done < rows else None)
    except Exception as exc:
        if isinstance(exc, GeoError) or not _from_writer(exc):
            raise
        raise output_error(exc, " and ".join(names), target.out) from exc
    tick(stage, rows, rows)


def _from_writer(exc: BaseException) -> bool:
    """Whether ``exc`` comes from the file system or a file writer (not from a bug here)."""
    return isinstance(exc, OSError) or type(exc).__module__.split(".")[0] == "pyogrio"


def _for_files(estates: gpd.GeoDataFrame, tick: Progress) -> gpd.GeoDataFrame:
    """``estates`` as every file takes them: reasons and notes as one text each, every text column Arrow text.

    A row's reasons (and notes) are joined by `` | ``; a row without any has none (null: an
    empty cell in a CSV, NULL in a GeoPackage, which writes a tenth faster at 10^6 rows than
    as many empty texts), and rows without one (nearly all) are not stepped through one by
    one. Each column of texts is then made Arrow text once (:func:`geo.output._arrow.arrow_text`),
    so that no writer converts Python strings again.
    """
    tick("preparing", 0, len(estates))
    out = estates.copy(deep=False)
    for col in ("reasons", "reasons_fa", "notes", "notes_fa"):
        if col in out.columns:
            values = out[col].to_numpy(dtype=object)
            texts = np.full(len(values), None, dtype=object)
            some = np.flatnonzero(np.fromiter(map(len, values), dtype=np.int64, count=len(values)))
            texts[some] = [" | ".join(r) for r in values[some]]
            out[col] = texts
    for col in out.columns:  # each text column made Arrow text once, not once per file
        if out[col].dtype == object and col != out.geometry.name:
            text = arrow_text(out[col].to_numpy())
            if text is not None:
                out[col] = text
    tick("preparing", len(estates), len(estates))
    return out


#: The stage of a GeoPackage written by a second process (it runs beside the next ones).
_GPKG_STAGE = f"writing {_FILES['gpkg']}"

#: The columns of the report's rows: those of ``rows.csv`` but the county.
_REPORT_COLUMNS = tuple(c for c in ROW_COLUMNS if c != "county")


def _report(result: Written, estates: pd.DataFrame, listed: np.ndarray, written: list[str]) -> tuple[str, int]:
    """``report.json``'s text and the number of rows it lists.

    The summary, the files of the set, and every flagged or rejected row.
    """
    at = np.flatnonzero(listed)  # only these rows' cells are taken, column by column
    empty = np.empty(len(at), dtype=object)
    empty[:] = [()] * len(at)
    columns = [estates[c].to_numpy()[at] if c in estates.columns else empty for c in _REPORT_COLUMNS]
    found = zip(*(c.tolist() for c in columns), strict=True)
    records = [
        {"row": int(r), "id": jsonable(i), "status": s, "province": p if isinstance(p, str) else None,
         **{key: list(value) for key, value in zip(_REPORT_COLUMNS[4:], texts, strict=True)}}
        for r, i, s, p, *texts in found
    ]  # fmt: skip
    headers = table_columns(c for c in result.by_province.columns if c != "geometry")
    outputs = sorted([*written, LAST])
    return report_text(result.summary, outputs=outputs, table_columns=headers, rows=records), len(records)
