r"""The register formats: what each is called, how it is told by its bytes, what `sheet` chooses.

One home for the facts both engines need about a file before reading it (issue 21): the
suffixes and first bytes of each format, the separator of a delimited one, whether
``sheet`` chooses a sheet or a layer, and whether the dask engine can cut it into
partitions. A format is told by its content first (:func:`detect`): a zip archive by what
it holds (an XLSX workbook, an ODS spreadsheet, a KMZ, a zipped Shapefile), an XML file by
its ``<kml`` element; the suffix decides only for text formats with no signature.

A new kind of source (a database, say) adds a :class:`Format` to :data:`FORMATS` and a
reader to :mod:`geo.registers.readers`.

Examples
--------
>>> FORMATS["shp"].name, FORMATS["xls"].sheets, FORMATS["csv"].partitioned
('ESRI Shapefile', 'sheet', True)
>>> by_suffix(".TSV").separator
'\t'
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from geo.errors import RegisterError
from geo.i18n import message
from geo.registers.limits import check_expansion

__all__ = ["FORMATS", "Format", "Found", "by_suffix", "detect", "one_line", "sheet_rule"]


@dataclass(frozen=True)
class Format:
    """A register format.

    Attributes
    ----------
    key
        Its short name (``csv``, ``shp`` …), also the key of :data:`geo.registers.limits.BYTES_PER_BYTE`.
    name
        How messages name it.
    suffixes
        File name endings that stand for it when the content does not tell.
    magic
        First bytes that tell it.
    sheets
        What ``sheet`` chooses in it (``sheet`` or ``layer``), or None.
    separator
        The column separator of a delimited text (None: found by sniffing).
    partitioned
        Whether the dask engine reads it in partitions without reading it whole first.
    """

    key: str
    name: str
    suffixes: tuple[str, ...] = ()
    magic: tuple[bytes, ...] = ()
    sheets: str | None = None
    separator: str | None = None
    partitioned: bool = False


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SHP = b"\x00\x00\x27\x0a"
FORMATS: dict[str, Format] = {
    f.key: f
    for f in (
        Format("csv", "CSV", (".csv", ".txt"), partitioned=True),
        Format("tsv", "TSV", (".tsv", ".tab"), separator="\t", partitioned=True),
        Format("xlsx", "XLSX", (".xlsx", ".xlsm"), sheets="sheet"),
        Format("xls", "Excel 97-2003 (.xls)", (".xls",), (_OLE2,), sheets="sheet"),
        Format("ods", "OpenDocument spreadsheet (.ods)", (".ods",), sheets="sheet"),
        Format("geojson", "GeoJSON", (".geojson", ".json")),
        Format("gpkg", "GeoPackage", (".gpkg",), (b"SQLite format 3\x00",), sheets="layer"),
        Format("parquet", "Parquet", (".parquet", ".geoparquet", ".pq"), (b"PAR1",), partitioned=True),
        Format("shp", "ESRI Shapefile", (".shp",), (_SHP,), sheets="layer"),
        Format("kml", "KML", (".kml",), sheets="layer"),
        Format("kmz", "KMZ", (".kmz",), sheets="layer"),
    )
}
#: Parts of a Shapefile that are no register alone.
_SIDECARS = (".dbf", ".shx", ".prj", ".cpg", ".sbn", ".sbx", ".qix", ".qmd")
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


@dataclass(frozen=True)
class Found:
    """A register file's format and, for a zipped Shapefile or a KMZ, the member GDAL reads.

    Attributes
    ----------
    format
        The :class:`Format`.
    gdal_path
        The path GDAL opens (``/vsizip/…/member.shp``), or None to open the file itself.
    members
        The layers a zip holds (its ``.shp`` members), for `sheet` to choose among.
    """

    format: Format
    gdal_path: str | None = None
    members: tuple[str, ...] = ()


def by_suffix(suffix: str) -> Format | None:
    """The format a file name ending stands for, or None."""
    suffix = suffix.lower()
    return next((f for f in FORMATS.values() if suffix in f.suffixes), None)


def sheet_rule() -> str:
    """The sentence that says which formats `sheet` applies to (a message of :mod:`geo.i18n`)."""
    kinds = ", ".join(f"{f.name} ({f.sheets})" for f in FORMATS.values() if f.sheets)
    return message("formats", "sheet_only", kinds=kinds)


def one_line(exc: BaseException, limit: int = 300) -> str:
    r"""The first line of a library's error, cut to ``limit`` characters, for a message to quote.

    Examples
    --------
    >>> one_line(ValueError("bad header\nat byte 12"))
    'bad header'
    """
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    return line if len(line) <= limit else line[:limit] + "…"


def _unsafe(name: str) -> bool:
    """Whether a zip member's name would leave the folder it is unpacked into."""
    pure = PurePosixPath(name.replace("\\", "/"))
    return pure.is_absolute() or ".." in pure.parts or (len(name) > 1 and name[1] == ":")


def _zip_members(path: Path) -> list[zipfile.ZipInfo]:
    """The members of a zip archive, refused when one escapes its folder or is a zip bomb."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        named = by_suffix(path.suffix)
        if named is not None:  # a workbook, KMZ or ODS cut short: named as the user knows it
            raise RegisterError(message("formats", "cannot_read", name=named.name, detail=str(exc)), path=path) from exc
        raise RegisterError(message("formats", "bad_zip", detail=str(exc)), path=path) from exc
    for part in members:
        if _unsafe(part.filename):
            raise RegisterError(message("formats", "zip_traversal", member=part.filename[:80]), path=path)
        check_expansion(part.filename, part.compress_size, part.file_size, path)
    return members


def _in_zip(path: Path) -> Found:
    """What a zip archive is: a workbook, an ODS, a KMZ or a zipped Shapefile."""
    members = _zip_members(path)
    names = [m.filename for m in members if not m.is_dir()]
    if "[Content_Types].xml" in names or any(n.startswith("xl/") for n in names):
        return Found(FORMATS["xlsx"])
    if "mimetype" in names:
        with zipfile.ZipFile(path) as archive:
            if archive.read("mimetype").strip() == _ODS_MIME:
                return Found(FORMATS["ods"])
    kml = [n for n in names if n.lower().endswith(".kml")]
    if kml:
        if path.suffix.lower() == ".kmz":  # GDAL's LIBKML driver follows a KMZ's links to its layers
            return Found(FORMATS["kmz"], str(path), tuple(kml))
        inner = "doc.kml" if "doc.kml" in kml else kml[0]
        return Found(FORMATS["kmz"], f"/vsizip/{path}/{inner}", tuple(kml))
    shp = sorted(n for n in names if n.lower().endswith(".shp"))
    if not shp:
        shown = ", ".join(names[:8]) + (" …" if len(names) > 8 else "")
        raise RegisterError(message("formats", "zip_nothing", members=shown or "-"), path=path)
    return Found(FORMATS["shp"], f"/vsizip/{path}/{shp[0]}", tuple(shp))


def _is_kml(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith((b"<?xml", b"<kml")) and b"<kml" in head


def detect(path: Path, head: bytes) -> Found:
    """The format of a register file from its first bytes (``head``, up to 4 KB), else its suffix.

    Raises
    ------
    RegisterError
        A Shapefile's sidecar given alone, a zip holding no register (or escaping its
        folder), or a format no reader knows; one line saying what to give instead.
    """
    suffix = path.suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        return _in_zip(path)
    for fmt in FORMATS.values():
        if any(head.startswith(m) for m in fmt.magic):
            if fmt.key == "shp" and suffix == ".shx":
                break
            return Found(fmt)
    if suffix in _SIDECARS:
        raise RegisterError(message("formats", "sidecar_alone", suffix=suffix, stem=path.stem), path=path)
    if _is_kml(head):
        return Found(FORMATS["kml"])
    named = by_suffix(suffix)
    if named is not None and named.key in ("xls", "shp", "kmz", "ods"):
        raise RegisterError(message("formats", "not_really", name=named.name), path=path)
    if named is not None:
        return Found(named)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return Found(FORMATS["geojson"])
    raise RegisterError(message("formats", "unknown", suffix=suffix or "(no extension)"), path=path)
