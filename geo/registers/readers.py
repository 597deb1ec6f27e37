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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from geo.errors import RegisterError
from geo.i18n import message, number_list
from geo.registers.cells import blank, is_filled
from geo.registers.headers import HEADER_SCAN, find_header, header_names, header_warnings
from geo.registers.vocabulary import STRIP, header_key

__all__ = [
    "Cells",
    "Layout",
    "choose",
    "decode_block",
    "delimited_cells",
    "delimited_layout",
    "decode_text",
    "file_format",
    "read_file",
]

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
    """

    frame: pd.DataFrame
    geometry: Any = None
    crs: str | None = None
    warnings: list[str] = field(default_factory=list)


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


def decode_text(data: bytes, path: Path) -> tuple[str, list[str]]:
    """Text of a CSV/TSV file and warnings about its encoding."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError as exc:
            raise RegisterError(f"broken UTF-16 text: {exc}", path=path) from exc
    if b"\x00" in data[:65536]:
        raise RegisterError("not a text file (it holds NUL bytes); is it binary or UTF-16 without a BOM?", path=path)
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    return _decode_mixed(data)


def _decode_mixed(data: bytes, first_line: int = 1) -> tuple[str, list[str]]:
    """Text that is not all UTF-8: line by line, UTF-8 where it can be, else Windows-1256.

    ``first_line`` is the line number of the first line of ``data`` (a block of a file).
    """
    utf8, legacy, out = [], [], []
    for number, line in enumerate(data.split(b"\n"), start=first_line):
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


def decode_block(data: bytes, first_line: int) -> tuple[str, list[str]]:
    """Text of a block of a delimited file after its first (UTF-8, else line by line as Windows-1256)."""
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        return _decode_mixed(data, first_line)


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


@dataclass(frozen=True)
class Layout:
    """How a delimited text file is laid out, as found in its first lines.

    Attributes
    ----------
    sep
        The delimiter.
    index
        The header row's index among the first lines (title rows above it).
    merged
        The header merged from two rows (``index - 1`` and ``index``), or None.
    rows
        The first lines split by ``sep``.
    header_text
        The header line(s) as written, ending with a newline: put before a block of the
        file's body, they make it a file that reads as that part of the whole.
    """

    sep: str
    index: int
    merged: list[object] | None
    rows: list[list[str]]
    header_text: str

    @property
    def start(self) -> int:
        """Lines before the header line(s)."""
        return self.index - 1 if self.merged is not None else self.index


def delimited_layout(text: str, sep: str | None, wanted: frozenset[str], path: Path) -> Layout:
    """The layout of a delimited text from its first 64 KB (delimiter, title rows, header)."""
    lines = text.removeprefix("\ufeff")[:65536].splitlines()[: HEADER_SCAN + 1]
    sep, rows, index, merged = _sniff(lines, sep, wanted, path)
    start = index - 1 if merged is not None else index
    header = "\n".join(lines[start : index + 1]) + "\n"
    return Layout(sep, index, merged, rows, header)


def delimited_cells(text: str, layout: Layout, path: Path, *, whole: bool = True) -> Cells:
    """The cells of a delimited text laid out as ``layout``.

    With ``whole`` the text is the file's from its start (title rows, header, body); else
    it is :attr:`Layout.header_text` followed by a block of the body.
    """
    text = text.removeprefix("\ufeff")
    start = layout.start if whole else 0
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=layout.sep,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=True,
            skiprows=start or None,
        )
    except (pd.errors.ParserError, ValueError, csv.Error) as exc:
        hint = f" (the header was taken from line {start + 1})" if start else ""
        raise RegisterError(f"cannot read as delimited text{hint}: {str(exc).strip()}", path=path) from exc
    merged, rows, index = layout.merged, layout.rows, layout.index
    header = merged if merged is not None else (rows[index] if index < len(rows) else list(frame.columns))
    if merged is not None:
        frame = frame.iloc[1:]
    warnings: list[str] = []
    if len(header) == len(frame.columns):
        names, dup_warnings = header_names(header)
        frame.columns = pd.Index(names)
        warnings += dup_warnings
    else:
        frame.columns = pd.Index([str(c).strip(STRIP) for c in frame.columns])
    if whole:
        warnings += header_warnings(index, merged is not None, rows, "line")
    return Cells(frame.reset_index(drop=True), warnings=warnings)


def _read_delimited(path: Path, sep: str | None, wanted: frozenset[str]) -> Cells:
    data = path.read_bytes()
    if not data.strip():
        raise RegisterError("the file is empty", path=path)
    text, warnings = decode_text(data, path)
    if not text.strip(STRIP):
        raise RegisterError("the file is empty", path=path)
    cells = delimited_cells(text, delimited_layout(text, sep, wanted, path), path)
    cells.warnings[:0] = warnings
    return cells


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


def file_format(path: Path) -> str:
    """The format of a register file (``csv``, ``tsv``, ``xlsx``, ``geojson``, ``gpkg``, ``parquet``).

    Told by its first bytes, else by its extension.

    Raises
    ------
    RegisterError
        The file is missing, a folder, empty or unreadable, or of an unknown format.
    """
    return _format_of(path, _head(path))


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
    fmt = file_format(path)
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
