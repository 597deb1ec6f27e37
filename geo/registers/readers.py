"""Reading a register file into cells: CSV/TSV, XLSX, GeoJSON, GeoPackage, (Geo)Parquet.

A reader returns the cells as a :class:`pandas.DataFrame` (header names as written,
values as found), the geometry column and declared CRS when the format has them, and
warnings about the file (encoding, skipped title rows, several sheets or layers). A file
that cannot be read at all raises :class:`geo.errors.RegisterError` naming it.
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings as pywarnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geo.errors import RegisterError
from geo.i18n import message, number_list
from geo.registers.cells import blank, is_filled
from geo.registers.headers import HEADER_SCAN, find_header, header_names, header_warnings
from geo.registers.vocabulary import STRIP, header_key

__all__ = ["Cells", "read_file", "choose"]

_FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "gpkg",
    ".parquet": "parquet",
    ".geoparquet": "parquet",
    ".pq": "parquet",
}
_FORMAT_NAMES = {"geojson": "GeoJSON", "gpkg": "GeoPackage", "parquet": "Parquet"}
#: How much of the start of a text file the header and delimiter are looked for in.
_HEAD_BYTES = 65536
_SHEET_ONLY = "`sheet` chooses a sheet of an XLSX file or a layer of a GeoPackage"


@dataclass
class Cells:
    """What a reader found in a file.

    Attributes
    ----------
    frame
        The cells, one column per header (as written, made unique).
    geometry
        The geometry column (a GeoSeries) of a spatial format, else None.
    crs
        The CRS the file declares, else None.
    warnings
        Problems of the file that do not stop it being used.
    path
        The file read, or None (cells handed over in memory).
    """

    frame: pd.DataFrame
    geometry: Any = None
    crs: str | None = None
    warnings: list[str] = field(default_factory=list)
    path: Path | None = None


def choose(names: list[str], wanted: str, what: str, path: Path) -> str:
    """The sheet or layer ``wanted`` among ``names``: as written, else by :func:`header_key`.

    Raises
    ------
    RegisterError
        No name matches; the message lists them.
    """
    exact = next((n for n in names if n == wanted), None)
    chosen = exact or next((n for n in names if header_key(n) == header_key(wanted)), None)
    if chosen is None:
        raise RegisterError(f"no {what} {wanted!r}; the {what}s are {names}", path=path, field="sheet")
    return chosen


def _format_of(path: Path, head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if head.startswith(b"PAR1"):
        return "parquet"
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise RegisterError("old Excel .xls files are not read; save the sheet as .xlsx or CSV", path=path)
    if suffix in _FORMATS:
        return _FORMATS[suffix]
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "geojson"
    raise RegisterError(
        f"unknown register format {suffix or '(no extension)'!r}; use CSV, TSV, XLSX, GeoJSON, GeoPackage"
        " or (Geo)Parquet",
        path=path,
    )


def _decode(data: bytes, path: Path) -> tuple[str, list[str]]:
    """Text of a CSV/TSV file and warnings about its encoding."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError as exc:
            raise RegisterError(f"broken UTF-16 text: {exc}", path=path) from exc
    if b"\x00" in data[:_HEAD_BYTES]:
        raise RegisterError("not a text file (it holds NUL bytes); is it binary or UTF-16 without a BOM?", path=path)
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    return _decode_mixed(data)


def _decode_mixed(data: bytes) -> tuple[str, list[str]]:
    """Text that is not all UTF-8: line by line, UTF-8 where it can be, else Windows-1256."""
    utf8, legacy, out = [], [], []
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            out.append(line.decode("utf-8"))
            if any(b >= 0x80 for b in line):
                utf8.append(number)
        except UnicodeDecodeError:
            out.append(line.decode("cp1256", errors="replace"))
            legacy.append(number)
    if not utf8:
        return data.decode("cp1256", errors="replace"), []
    lines = number_list(legacy, limit=10)
    return "\n".join(out), [message("warnings", "mixed_encodings", lines=lines)]


def _sniff(
    lines: list[str], sep: str | None, wanted: frozenset[str], path: Path
) -> tuple[str, list[list[str]], int, list[object] | None]:
    """The delimiter whose rows hold the best header, those rows, the header index and merged header."""
    candidates = [sep] if sep is not None else ["\t", ",", ";", "|"]
    found = []
    for order, candidate in enumerate(candidates):
        try:
            rows = [list(r) for r in csv.reader(lines, delimiter=candidate)]
        except csv.Error:
            continue
        index, merged, score = find_header(rows, wanted)
        count = lines[0].count(candidate) if lines else 0
        found.append(((score, count, -order), candidate, rows, index, merged))
    if not found:
        raise RegisterError("cannot read as delimited text", path=path)
    _, best, rows, index, merged = max(found, key=lambda f: f[0])
    if merged is None and index == 0 and best != "\t" and lines and lines[0].count(best) == 0:
        best = ","
    return best, rows, index, merged


def _named_cells(
    frame: pd.DataFrame, header: Sequence[object], merged: bool, index: int, rows: list[list[str]], warnings: list[str]
) -> Cells:
    """The cells under their header names (made unique), with the header's warnings."""
    if len(header) == len(frame.columns):
        names, dup_warnings = header_names(header)
        frame.columns = pd.Index(names)
        warnings += dup_warnings
    else:
        frame.columns = pd.Index([str(c).strip(STRIP) for c in frame.columns])
    warnings += header_warnings(index, merged, rows, "line")
    return Cells(frame.reset_index(drop=True), warnings=warnings)


def _utf8_head(data: bytes) -> str | None:
    """The first 64 KB of a UTF-8 file as text (whole lines), or None when it is not plain UTF-8."""
    head = data[:_HEAD_BYTES]
    if b"\x00" in head or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if len(data) > _HEAD_BYTES:
        head = head[: head.rfind(b"\n") + 1]
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _read_arrow(data: bytes, sep: str | None, wanted: frozenset[str], path: Path) -> Cells | None:
    """The cells of a UTF-8 delimited file read by pyarrow's multithreaded CSV reader.

    Returns None (the caller reads the file with pandas instead) when the file is not
    plain UTF-8, when the lines above the data cannot be counted as single lines, or
    when pyarrow refuses it (a ragged row, a broken quote): pandas then says why.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    head = _utf8_head(data[bom:])
    if head is None or not head.strip(STRIP):
        return None
    lines = head.splitlines()[: HEADER_SCAN + 1]
    sep, rows, index, merged = _sniff(lines, sep, wanted, path)
    above = head.split("\n")[: index + 1]
    if len(above) <= index or [line.removesuffix("\r") for line in above] != lines[: index + 1]:
        return None
    if len(list(csv.reader(lines[: index + 1], delimiter=sep))) != index + 1:
        return None  # a quoted line break above the data
    header = merged if merged is not None else rows[index]
    offset = bom + sum(len(line.encode("utf-8")) + 1 for line in above)
    names = [f"f{k}" for k in range(len(header))]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(data).slice(min(offset, len(data)))),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    frame = table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow", na_value=np.nan)}.get)
    return _named_cells(frame, header, merged is not None, index, rows, [])


def _read_delimited(path: Path, sep: str | None, wanted: frozenset[str]) -> Cells:
    data = path.read_bytes()
    if not data.strip():
        raise RegisterError("the file is empty", path=path)
    fast = _read_arrow(data, sep, wanted, path)
    if fast is not None:
        return fast
    text, warnings = _decode(data, path)
    del data
    if not text.strip(STRIP):
        raise RegisterError("the file is empty", path=path)
    text = text.removeprefix("\ufeff")
    lines = text[:_HEAD_BYTES].splitlines()[: HEADER_SCAN + 1]
    sep, rows, index, merged = _sniff(lines, sep, wanted, path)
    start = index - 1 if merged is not None else index
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=True,
            skiprows=start or None,
        )
    except (pd.errors.ParserError, ValueError, csv.Error) as exc:
        hint = f" (the header was taken from line {start + 1})" if start else ""
        raise RegisterError(f"cannot read as delimited text{hint}: {str(exc).strip()}", path=path) from exc
    header = merged if merged is not None else (rows[index] if index < len(rows) else list(frame.columns))
    if merged is not None:
        frame = frame.iloc[1:]
    return _named_cells(frame, header, merged is not None, index, rows, warnings)


def _sheet_rows(path: Path, sheet: str | None, wanted: frozenset[str]) -> tuple[list[str], str, list[list[object]]]:
    """The workbook's sheet names, the sheet to read and its rows.

    The sheet read is the one named, else the first whose header names estate columns.
    """
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise RegisterError(f"cannot read as XLSX: {exc}", path=path) from exc
    try:
        names = list(wb.sheetnames)
        order = [choose(names, sheet, "sheet", path)] if sheet is not None else names
        best: tuple[int, str] | None = None
        for name in order:
            top = [list(row) for row in wb[name].iter_rows(values_only=True, max_row=HEADER_SCAN + 1)]
            score = find_header(top, wanted)[2] if top else -1
            if best is None or score > best[0]:
                best = (score, name)
        assert best is not None  # a workbook has at least one sheet
        chosen = best[1]
        try:
            rows = [list(r) for r in wb[chosen].iter_rows(values_only=True)]
        except Exception as exc:  # a broken sheet part
            raise RegisterError(f"cannot read sheet {chosen!r} as XLSX: {exc}", path=path) from exc
    finally:
        wb.close()
    return names, chosen, rows


def _read_xlsx(path: Path, sheet: str | None, wanted: frozenset[str]) -> Cells:
    """The cells of one sheet: the one named, else the first whose header names estate columns."""
    names, chosen, rows = _sheet_rows(path, sheet, wanted)
    warnings: list[str] = []
    if len(names) > 1:
        code = (
            "sheets_named"
            if sheet is not None
            else "sheets_first"
            if chosen == names[0]
            else "sheets_first_with_columns"
        )
        warnings.append(message("warnings", code, count=len(names), names=", ".join(map(repr, names)), chosen=chosen))
    while rows and not any(is_filled(c) for c in rows[-1]):
        rows.pop()  # Excel keeps formatted but empty rows in the used range
    if not rows:
        raise RegisterError(f"sheet {chosen!r} is empty", path=path)
    index, merged, _ = find_header(rows, wanted)
    header = merged if merged is not None else rows[index]
    width = max(len(r) for r in rows)
    header = [*header, *[None] * (width - len(header))]
    columns, dup_warnings = header_names(header)
    body = [[*r, *[None] * (width - len(r))] for r in rows[index + 1 :]]
    frame = pd.DataFrame(body, columns=columns, dtype=object) if body else pd.DataFrame(columns=columns, dtype=object)
    # Columns with neither a header nor a value (Excel's used range): nothing to keep.
    empty = [c for c, h in zip(columns, header, strict=True) if not is_filled(h) and blank(frame[c]).all()]
    frame = frame.drop(columns=empty)
    warnings += dup_warnings + header_warnings(index, merged is not None, rows, "row")
    return Cells(frame, warnings=warnings)


def _read_spatial(path: Path, fmt: str, sheet: str | None) -> tuple[Any, list[str]]:
    """A GeoDataFrame (or DataFrame) of a GeoJSON, GeoPackage or Parquet file, and warnings."""
    import geopandas as gpd

    warnings: list[str] = []
    with pywarnings.catch_warnings(record=True) as caught:
        pywarnings.simplefilter("always")
        if fmt == "parquet":
            try:
                gdf = gpd.read_parquet(path)
            except (ValueError, KeyError):
                gdf = pd.read_parquet(path)
        else:
            import pyogrio

            layers = [str(name) for name in pyogrio.list_layers(path)[:, 0]]
            layer = None
            if sheet is not None:
                layer = choose(layers, sheet, "layer", path)
            elif len(layers) > 1:
                layer = layers[0]
                names = ", ".join(map(repr, layers))
                warnings.append(message("warnings", "layers_first", count=len(layers), names=names, chosen=layer))
            gdf = gpd.read_file(path, engine="pyogrio", layer=layer)
    for w in caught:
        text = str(w.message).strip()
        if "More than one layer found" not in text and text not in warnings:
            warnings.append(message("warnings", "while_reading", text=text))
    return gdf, warnings


def _read_geo(path: Path, fmt: str, sheet: str | None) -> Cells:
    """The cells, geometry and declared CRS of a spatial file (GeoJSON, GeoPackage, Parquet)."""
    import geopandas as gpd

    try:
        gdf, warnings = _read_spatial(path, fmt, sheet)
    except RegisterError:
        raise
    except Exception as exc:  # pyogrio/pyarrow raise their own error classes
        raise RegisterError(f"cannot read as {_FORMAT_NAMES[fmt]}: {str(exc).strip()}", path=path) from exc
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry is None:
        return Cells(pd.DataFrame(gdf), warnings=warnings)
    geometry = gdf.geometry
    crs = geometry.crs.to_string() if geometry.crs is not None else None
    return Cells(pd.DataFrame(gdf.drop(columns=gdf.geometry.name)), geometry, crs, warnings)


def _head(path: Path) -> bytes:
    """The first bytes of a register file, after checking that it is one."""
    if path.is_symlink() and not path.exists():
        raise RegisterError(f"broken link: it points to {str(path.readlink())!r}, which does not exist", path=path)
    if not path.exists():
        raise RegisterError("no such file", path=path)
    if path.is_dir():
        raise RegisterError("this is a folder; give the register file inside it", path=path)
    if not path.is_file():
        raise RegisterError("not a file", path=path)
    try:
        with path.open("rb") as fh:
            head = fh.read(64)
    except OSError as exc:
        raise RegisterError(f"cannot read: {exc.strerror or exc}", path=path) from exc
    if not head:
        raise RegisterError("the file is empty", path=path)
    return head


def read_file(path: Path, sheet: str | None = None, wanted: frozenset[str] = frozenset()) -> Cells:
    """The cells, geometry (or None), declared CRS and warnings of a register file.

    Parameters
    ----------
    path
        The file; its format is told by its first bytes, else by its extension.
    sheet
        The XLSX sheet or GeoPackage layer to read.
    wanted
        :func:`~geo.registers.vocabulary.header_key` of the headers the caller named:
        they count towards finding the header row.
    """
    fmt = _format_of(path, _head(path))
    if sheet is not None and fmt not in ("xlsx", "gpkg"):
        raise RegisterError(_SHEET_ONLY, path=path, field="sheet")
    try:
        if fmt in ("csv", "tsv"):
            return _read_delimited(path, "\t" if fmt == "tsv" else None, wanted)
        if fmt == "xlsx":
            return _read_xlsx(path, sheet, wanted)
    except OSError as exc:
        raise RegisterError(f"cannot read: {exc.strerror or exc}", path=path) from exc
    return _read_geo(path, fmt, sheet)
