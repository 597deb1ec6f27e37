"""Reading a Shapefile (plain or zipped), a KML or a KMZ through GDAL (pyogrio), checked first.

GDAL reads the features in place (a zip through its ``/vsizip/`` file system: nothing is
unpacked). What GDAL would get wrong without a word is checked before it reads:

- a Shapefile's ``.dbf`` that holds another number of rows than its ``.shx`` indexes
  shapes (GDAL reads the shorter of the two), a missing ``.shx`` (refused), a missing
  ``.dbf`` or ``.prj`` (a warning);
- its ``.cpg`` code page (GDAL falls back to Latin-1 for a name it does not know, which
  turns Persian into mojibake): a known one is passed on, an unknown one refused, and
  without a ``.cpg`` a ``.dbf`` whose text is not UTF-8 is read as Windows-1256;
- a KML that declares XML entities (an entity bomb: KML needs none).

A KML's placemarks come with their name, description and ExtendedData fields as columns;
GDAL's bookkeeping columns (``tessellate``, ``visibility`` …) are dropped when they hold
nothing.
"""

from __future__ import annotations

import codecs
import re
import struct
import warnings as pywarnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from geo.errors import RegisterError
from geo.i18n import message
from geo.registers.cells import Cells, blank
from geo.registers.formats import Found, one_line
from geo.registers.xlsx import choose

__all__ = ["code_page", "read_vector"]

#: Columns GDAL's LIBKML driver adds to every placemark; dropped when they hold only defaults.
_KML_BOOKKEEPING = ("timestamp", "begin", "end", "altitudeMode", "tessellate", "extrude", "visibility",
                    "drawOrder", "icon")  # fmt: skip
_KML_DEFAULTS = (-1, 0)
#: Bytes of a KML scanned for a DOCTYPE's entities (they come before the ``<kml`` element).
_KML_PROLOGUE = 1 << 20
#: Bytes of a ``.dbf``'s records sampled to tell UTF-8 from Windows-1256.
_DBF_SAMPLE = 1 << 20
_DATA_NAME = re.compile(rb'<Data\s+name="([^"<>]{1,200})"')
_ANSI = re.compile(r"^(?:ANSI|CP|WINDOWS-?)\s*(\d{3,4})$")
_ISO = re.compile(r"^(?:ISO[-_ ]?)?8859[-_ ]?(\d{1,2})$")


def code_page(text: str) -> str | None:
    """The Python codec of a ``.cpg`` file's text, as GDAL reads it, or None when unknown.

    Examples
    --------
    >>> code_page("1256"), code_page("ANSI 1256"), code_page("UTF-8"), code_page("88596")
    ('cp1256', 'cp1256', 'utf-8', 'iso8859-6')
    >>> code_page("KLINGON-42") is None
    True
    """
    name = text.strip().upper()
    if name.isdigit() and len(name) in (3, 4):
        name = f"cp{name}"
    elif m := _ANSI.match(name):
        name = f"cp{m[1]}"
    elif m := _ISO.match(name):
        name = f"iso8859-{m[1]}"
    elif name == "88596":
        name = "iso8859-6"
    if not name or not re.fullmatch(r"[A-Za-z0-9_.:-]{2,40}", name):
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


class _Parts:
    """A Shapefile's sidecar files, next to it on disk or beside it in a zip."""

    def __init__(self, path: Path, found: Found, member: str | None) -> None:
        self.path = path
        self.member = member
        if member is None:
            self.stem = path.with_suffix("")
            self.names = {p.name.lower(): p.name for p in path.parent.glob(f"{glob_escape(path.stem)}.*")}
        else:
            self.stem = Path(member).with_suffix("")
            with zipfile.ZipFile(path) as archive:
                self.names = {n.lower(): n for n in archive.namelist()}

    def _key(self, ext: str) -> str:
        stem = self.stem.name if self.member is None else str(self.stem)
        return f"{stem}{ext}".lower()

    def has(self, ext: str) -> bool:
        return self._key(ext) in self.names

    def label(self, ext: str) -> str:
        return f"{self.stem.name}{ext}"

    def read(self, ext: str, limit: int) -> bytes:
        name = self.names[self._key(ext)]
        if self.member is None:
            with (self.path.parent / name).open("rb") as fh:
                return fh.read(limit)
        with zipfile.ZipFile(self.path) as archive, archive.open(name) as fh:
            return fh.read(limit)

    def size(self, ext: str) -> int:
        name = self.names[self._key(ext)]
        if self.member is None:
            return (self.path.parent / name).stat().st_size
        with zipfile.ZipFile(self.path) as archive:
            return archive.getinfo(name).file_size


def glob_escape(text: str) -> str:
    """``text`` with the characters :meth:`Path.glob` reads as patterns escaped."""
    return re.sub(r"([*?\[])", r"[\1]", text)


def _dbf_encoding(parts: _Parts, warnings: list[str]) -> str | None:
    """The encoding of a ``.dbf``'s text: its ``.cpg``, else UTF-8 or Windows-1256 by its bytes."""
    if parts.has(".cpg"):
        text = parts.read(".cpg", 200).decode("ascii", "replace")
        codec = code_page(text)
        if codec is None:
            raise RegisterError(message("formats", "cpg_unknown", name=text.strip()[:40]), path=parts.path)
        return codec
    head = parts.read(".dbf", _DBF_SAMPLE)
    if len(head) < 32 or head[29] != 0:  # a language driver id: GDAL knows its code page
        return None
    header_size = struct.unpack("<H", head[8:10])[0]
    records = head[header_size:]
    if records.isascii():
        return None
    try:
        records.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(records) - 4:  # the sample cut a character short
            return "utf-8"
    warnings.append(message("formats", "cpg_guessed"))
    return "cp1256"


def _check_shapefile(path: Path, found: Found, crs: str | None) -> tuple[str | None, list[str]]:
    """The ``.dbf``'s encoding and the warnings of a Shapefile, after checking its parts agree."""
    member = None if found.gdal_path is None else found.gdal_path.rsplit(f"{path}/", 1)[1]
    parts = _Parts(path, found, member)
    warnings: list[str] = []
    if not parts.has(".shx"):
        raise RegisterError(message("formats", "shx_missing", name=parts.label(".shx")), path=path)
    header = parts.read(".shp", 100)
    declared = struct.unpack(">i", header[24:28])[0] * 2 if len(header) >= 28 else 0
    if len(header) < 100 or parts.size(".shp") < declared:
        raise RegisterError(message("formats", "shp_truncated", size=parts.size(".shp"), declared=declared), path=path)
    if not parts.has(".prj") and crs is None:
        warnings.append(message("formats", "prj_missing"))
    if not parts.has(".dbf"):
        warnings.append(message("formats", "dbf_missing"))
        return None, warnings
    shapes = max(0, (parts.size(".shx") - 100) // 8)
    head = parts.read(".dbf", 32)
    rows = struct.unpack("<I", head[4:8])[0] if len(head) >= 8 else -1
    if rows != shapes:
        raise RegisterError(message("formats", "dbf_count", dbf=rows, shp=shapes), path=path)
    return _dbf_encoding(parts, warnings), warnings


def _check_kml(path: Path, found: Found) -> dict[str, str]:
    """Refuse a KML (or a KMZ's KML) whose prologue declares XML entities: KML needs none; a bomb uses them.

    Returns the names of its untyped ExtendedData fields (``<Data name=…>``, in its first
    megabyte) as GDAL's LIBKML driver gives them (bytes past ASCII, spaces, made ``_``) → as
    written, so that a Persian field name comes back.
    """
    heads = []
    if found.format.key == "kml":
        with path.open("rb") as fh:
            heads.append(fh.read(_KML_PROLOGUE))
    else:
        with zipfile.ZipFile(path) as archive:
            for member in found.members:
                with archive.open(member) as fh:
                    heads.append(fh.read(_KML_PROLOGUE))
    names: dict[str, set[str]] = {}
    for head in heads:
        prologue = head.split(b"<kml", 1)[0].lower()
        if b"<!entity" in prologue or b"<!doctype" in prologue:
            raise RegisterError(message("formats", "kml_entities"), path=path)
        for raw in _DATA_NAME.findall(head):
            for launder in (rb"[\x80-\xff]", rb"[^A-Za-z0-9_]"):  # past ASCII, or any but letters and digits
                laundered = re.sub(launder, b"_", raw).decode("ascii", "replace")
                names.setdefault(laundered, set()).add(raw.decode("utf-8", "replace"))
    return {k: next(iter(v)) for k, v in names.items() if len(v) == 1 and next(iter(v)) != k}


def _drop_bookkeeping(frame: pd.DataFrame) -> pd.DataFrame:
    """A KML layer without the columns GDAL adds that hold nothing but defaults."""
    empty = []
    for col in _KML_BOOKKEEPING:
        if col in frame.columns:
            values = frame[col]
            if (blank(values.astype(object).where(values.notna(), None)) | values.isin(_KML_DEFAULTS)).all():
                empty.append(col)
    if "id" in frame.columns:
        ids = frame["id"].astype(object).where(frame["id"].notna(), None)
        if (blank(ids) | ids.astype(str).str.fullmatch(r"[^.]*\.\d+")).all():  # none, or GDAL's «layer.n»
            empty.append("id")
    frame = frame.drop(columns=empty)
    if "id" in empty and "id2" in frame.columns:  # LIBKML renames a field «id» beside the placemark's id
        frame = frame.rename(columns={"id2": "id"})
    return frame


def _recoded(frame: Any, codec: str) -> Any:
    """A frame read as Latin-1 (byte for byte) with its names and text decoded as ``codec``.

    A ``.dbf`` field name holds 10 bytes: a writer that cuts a Persian name there leaves
    half a character, which no strict decoder reads; the half is replaced, the rest kept.
    """

    def decode(text: object) -> object:
        return text.encode("latin1").decode(codec, "replace").rstrip("\ufffd") if isinstance(text, str) else text

    frame = frame.rename(columns=decode)
    for col in frame.columns:
        if col != frame.geometry.name and (frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col])):
            frame[col] = frame[col].astype(object).map(decode)
    return frame


def _layers(target: str, found: Found, sheet: str | None, path: Path, warnings: list[str]) -> list[str | None]:
    """The layers to read: the one `sheet` names, else all of a KML, else the only one."""
    import pyogrio

    names = [str(n) for n in pyogrio.list_layers(target)[:, 0]]
    if sheet is not None:
        return [choose(names, sheet, "layer", path)]
    if len(names) > 1 and found.format.key in ("kml", "kmz"):
        warnings.append(message("formats", "kml_layers", count=len(names), names=", ".join(map(repr, names[:10]))))
        return list(names)
    return [None]


def _gdal(call: Callable[[], Any], name: str, path: Path) -> Any:
    """Run a pyogrio call; its errors become one line naming the file."""
    try:
        return call()
    except RegisterError:
        raise
    except Exception as exc:  # pyogrio raises its own classes (DataSourceError, DataLayerError …)
        detail = one_line(exc)
        if "SHAPE_RESTORE_SHX" in detail:
            raise RegisterError(message("formats", "shx_missing", name=".shx"), path=path) from exc
        raise RegisterError(message("formats", "cannot_read", name=name, detail=detail), path=path) from exc


def _shapefile_layer(path: Path, found: Found, sheet: str | None) -> Found:
    """The Shapefile of a zip that `sheet` names, or the only one; several without `sheet`: refused."""
    if len(found.members) <= 1:
        return found
    stems = [Path(m).stem for m in found.members]
    if sheet is None:
        names = ", ".join(map(repr, stems[:10]))
        raise RegisterError(message("formats", "zip_layers", count=len(stems), names=names), path=path, field="sheet")
    chosen = found.members[stems.index(choose(stems, sheet, "layer", path))]
    return Found(found.format, f"/vsizip/{path}/{chosen}", (chosen,))


def read_vector(path: Path, found: Found, sheet: str | None, crs: str | None) -> Cells:
    """The cells, geometry and declared CRS of a Shapefile, a zip of one, a KML or a KMZ."""
    import geopandas as gpd
    import pyogrio

    fmt = found.format
    encoding = None
    warnings: list[str] = []
    data_names: dict[str, str] = {}
    if fmt.key == "shp":
        found = _shapefile_layer(path, found, sheet)
        encoding, warnings = _check_shapefile(path, found, crs)
        sheet = None
    else:
        data_names = _check_kml(path, found)
    target = found.gdal_path or str(path)
    layers = _gdal(lambda: _layers(target, found, sheet, path, warnings), fmt.name, path)
    frames = []
    with pywarnings.catch_warnings():
        pywarnings.simplefilter("ignore", RuntimeWarning)
        for layer in layers:

            def read(layer: str | None = layer) -> Any:
                try:
                    return pyogrio.read_dataframe(target, layer=layer, encoding=encoding)
                except UnicodeDecodeError:  # a field name cut inside a character (10 bytes of a .dbf)
                    latin = pyogrio.read_dataframe(target, layer=layer, encoding="latin1")
                    return _recoded(latin, encoding or "utf-8")

            frames.append(_gdal(read, fmt.name, path))
    gdf = frames[0] if len(frames) == 1 else gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)
    if fmt.key in ("kml", "kmz"):
        gdf = _drop_bookkeeping(gdf).rename(columns={k: v for k, v in data_names.items() if v not in gdf.columns})
    if len(gdf) == 0:
        raise RegisterError(message("formats", "no_features", name=fmt.name), path=path)
    declared = gdf.crs.to_string() if gdf.crs is not None else None
    if isinstance(gdf, gpd.GeoDataFrame) and gdf.geometry.name in gdf.columns:
        frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
        return Cells(frame, gdf.geometry, declared, warnings)
    return Cells(pd.DataFrame(gdf), warnings=warnings)
