"""Reading a register file into cells: CSV/TSV, XLSX/XLS/ODS, GeoJSON, GeoPackage, (Geo)Parquet, Shapefile, KML/KMZ.

A reader returns the cells as a :class:`pandas.DataFrame` (header names as written,
values as found), the geometry column and declared CRS when the format has them, and
warnings about the file (encoding, skipped title rows, several sheets or layers). A file
that cannot be read at all raises :class:`geo.errors.RegisterError` naming it.

The format is told by :func:`geo.registers.formats.detect` (content first); each kind of
source has one reader: :data:`_READERS` maps a format's key to it, so a new kind of source
adds a :class:`~geo.registers.formats.Format` and a line there.
"""

from __future__ import annotations

import json
import re
import warnings as pywarnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from geo.errors import RegisterError
from geo.i18n import as_given, message, whole
from geo.registers.cells import Cells
from geo.registers.delimited import read_delimited
from geo.registers.formats import FORMATS, Found, detect, one_line, sheet_rule
from geo.registers.limits import check_memory
from geo.registers.parquet import read_parquet
from geo.registers.sheets import read_ods, read_xls
from geo.registers.vector import read_vector
from geo.registers.xlsx import choose, read_xlsx

__all__ = ["Cells", "check_sheet", "choose", "detect_file", "file_format", "read_file"]

#: The name of a GeoJSON ``crs`` member (RFC 7946 dropped it; GDAL still honours it).
_CRS_MEMBER = re.compile(rb'"crs"\s*:\s*\{[^{}]*"properties"\s*:\s*\{[^{}]*"name"\s*:\s*("(?:[^"\\]|\\.)*")')
#: Bytes read to tell a file's format (a KML's ``<kml`` may follow a long XML prologue).
_HEAD = 4096


def _read_spatial(path: Path, fmt: str, sheet: str | None) -> tuple[Any, list[str]]:
    """A GeoDataFrame (or DataFrame) of a GeoJSON, GeoPackage or Parquet file, and warnings."""
    import geopandas as gpd

    warnings: list[str] = []
    with pywarnings.catch_warnings(record=True) as caught:
        pywarnings.simplefilter("always")
        if fmt == "parquet":
            gdf, declared, warnings = read_parquet(path)
            gdf.attrs["declared_crs"] = declared  # (a geometry column read as cells: its CRS)
        else:
            import pyogrio

            layers = [str(name) for name in pyogrio.list_layers(path)[:, 0]]
            layer = None
            if sheet is not None:
                layer = choose(layers, sheet, "layer", path)
            elif len(layers) > 1:
                layer = layers[0]
                warnings.append(message("warnings", "layers_first", count=len(layers), names=layers, chosen=layer))
            gdf = gpd.read_file(path, engine="pyogrio", layer=layer)
    for w in caught:
        text = str(w.message).strip()
        if "More than one layer found" not in text and text not in warnings:
            warnings.append(message("warnings", "while_reading", text=text))
    return gdf, warnings


def _declared_crs(path: Path) -> None:
    """Refuse a GeoJSON whose ``crs`` member names a CRS that does not exist.

    GDAL reads such a file as WGS 84 without a word; the member is looked for in the first
    and last megabyte of the file (it comes before or after the features).
    """
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(1 << 20)
        if size > 2 << 20:
            fh.seek(size - (1 << 20))
        tail = fh.read(1 << 20) if size > 1 << 20 else b""
    found = _CRS_MEMBER.search(head) or _CRS_MEMBER.search(tail)
    if found is None:
        return
    try:
        name = json.loads(found[1])
        CRS.from_user_input(name)
    except (CRSError, ValueError, TypeError) as exc:
        raise RegisterError(
            message("errors", "crs_declared_unknown", crs=whole(clip_name(found[1]))),
            path=path,
            field="crs",
        ) from exc


def clip_name(raw: bytes, limit: int = 80) -> str:
    """A name read from a file's bytes, as a message quotes it (decoded, cut to ``limit``)."""
    text = raw.decode("utf-8", "replace")
    return text if len(text) <= limit else text[:limit] + "…"


def _read_geo(path: Path, fmt: str, sheet: str | None, crs: str | None) -> Cells:
    """The cells, geometry and declared CRS of a spatial file (GeoJSON, GeoPackage, Parquet)."""
    import geopandas as gpd

    if fmt == "geojson" and crs is None:
        _declared_crs(path)
    try:
        gdf, warnings = _read_spatial(path, fmt, sheet)
    except RegisterError:
        raise
    except Exception as exc:  # pyogrio/pyarrow raise their own error classes
        text = message("formats", "cannot_read", name=FORMATS[fmt].name, detail=one_line(exc))
        raise RegisterError(text, path=path) from exc
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry is None:
        return Cells(pd.DataFrame(gdf), crs=gdf.attrs.get("declared_crs"), warnings=warnings)
    geometry = gdf.geometry
    declared = geometry.crs.to_string() if geometry.crs is not None else None
    return Cells(pd.DataFrame(gdf.drop(columns=gdf.geometry.name)), geometry, declared, warnings)


def _input_size(path: Path, fmt: str) -> tuple[int, str]:
    """Bytes of data a register holds, for the memory estimate, and how they were measured.

    A Parquet file is compressed: its row groups' uncompressed size is what memory holds.
    (An XLSX file is estimated from its archive in :mod:`geo.registers.xlsx`.)
    """
    size = path.stat().st_size
    if fmt != "parquet":
        return size, ""
    try:
        import pyarrow.parquet as pq

        meta = pq.ParquetFile(path).metadata
        raw = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    except Exception:  # a broken file: reading it will say so
        return size, ""
    return max(size, raw), f"its {meta.num_rows:,} rows, {raw / (1 << 20):,.0f} MB uncompressed"


def _head(path: Path) -> bytes:
    """The first bytes of a register file, after checking that it is one."""
    if path.is_symlink() and not path.exists():
        raise RegisterError(message("errors", "broken_link", target=as_given(str(path.readlink()))), path=path)
    if not path.exists():
        raise RegisterError(message("errors", "no_such_file"), path=path)
    if path.is_dir():
        raise RegisterError(message("errors", "is_folder"), path=path)
    if not path.is_file():
        raise RegisterError(message("errors", "not_a_file"), path=path)
    try:
        with path.open("rb") as fh:
            head = fh.read(_HEAD)
    except OSError as exc:
        raise RegisterError(
            message("errors", "cannot_read", problem=whole(str(exc.strerror or exc))), path=path
        ) from exc
    if not head:
        raise RegisterError(message("errors", "file_empty"), path=path)
    return head


def detect_file(path: Path) -> Found:
    """The format of a register file (and the member GDAL reads, for a zip), after checking it is one.

    Raises
    ------
    RegisterError
        The file is missing, empty, a folder, unreadable or of an unknown format.
    """
    return detect(path, _head(path))


def file_format(path: Path) -> str:
    """The key of a register file's format (``csv``, ``xlsx``, ``shp`` … of :data:`~geo.registers.formats.FORMATS`).

    Raises
    ------
    RegisterError
        The file is missing, empty, a folder, unreadable or of an unknown format.
    """
    return detect_file(path).format.key


def check_sheet(found: Found, sheet: str | None, path: Path) -> None:
    """Refuse `sheet` for a format that has neither sheets nor layers."""
    if sheet is not None and found.format.sheets is None:
        raise RegisterError(sheet_rule(), path=path, field="sheet")


def _input_bytes(path: Path, found: Found) -> tuple[int, str]:
    """Bytes of data for the memory estimate: a zip's members unpacked, else as :func:`_input_size`."""
    if found.gdal_path is None or found.format.key == "xlsx":
        return _input_size(path, found.format.key)
    import zipfile

    with zipfile.ZipFile(path) as archive:
        size = sum(i.file_size for i in archive.infolist())
    return size, message("errors", "limits_measured_unpacked", mb=size / (1 << 20))


def read_file(
    path: Path, sheet: str | None = None, wanted: frozenset[str] = frozenset(), crs: str | None = None
) -> Cells:
    """The cells, geometry (or None), declared CRS and warnings of a register file.

    Parameters
    ----------
    path
        The file; its format is told by its first bytes, else by its extension.
    sheet
        The sheet of a workbook, or the layer of a GeoPackage, zipped Shapefile or KML, to read.
    wanted
        :func:`~geo.registers.vocabulary.header_key` of the headers the caller named:
        they count towards finding the header row.
    crs
        The CRS the caller gives; a CRS the file declares is then not checked.

    Raises
    ------
    RegisterError
        The file cannot be read; :class:`~geo.errors.LimitError` when it is beyond a
        limit of :mod:`geo.registers.limits` (checked before it is read).
    """
    found = detect_file(path)
    check_sheet(found, sheet, path)
    fmt = found.format.key
    if fmt != "xlsx":
        size, what = _input_bytes(path, found)
        check_memory(size, fmt, path, what=what)
    try:
        return _READERS[fmt](path, found, sheet, wanted, crs)
    except OSError as exc:
        raise RegisterError(
            message("errors", "cannot_read", problem=whole(str(exc.strerror or exc))), path=path
        ) from exc


def _delimited(path: Path, found: Found, sheet: str | None, wanted: frozenset[str], crs: str | None) -> Cells:
    return read_delimited(path, found.format.separator, wanted)


def _sheet(path: Path, found: Found, sheet: str | None, wanted: frozenset[str], crs: str | None) -> Cells:
    read = {"xlsx": read_xlsx, "xls": read_xls, "ods": read_ods}[found.format.key]
    return read(path, sheet, wanted)


def _spatial(path: Path, found: Found, sheet: str | None, wanted: frozenset[str], crs: str | None) -> Cells:
    return _read_geo(path, found.format.key, sheet, crs)


def _vector(path: Path, found: Found, sheet: str | None, wanted: frozenset[str], crs: str | None) -> Cells:
    return read_vector(path, found, sheet, crs)


#: The reader of each format of :data:`~geo.registers.formats.FORMATS`, by its key.
_READERS: dict[str, Callable[[Path, Found, str | None, frozenset[str], str | None], Cells]] = {
    "csv": _delimited,
    "tsv": _delimited,
    "xlsx": _sheet,
    "xls": _sheet,
    "ods": _sheet,
    "geojson": _spatial,
    "gpkg": _spatial,
    "parquet": _spatial,
    "shp": _vector,
    "kml": _vector,
    "kmz": _vector,
}
