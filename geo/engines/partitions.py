"""A register read in partitions, each partition a :class:`geo.registers.readers.Cells`, lazily.

* A delimited file (CSV/TSV) is cut into byte blocks at line ends (``blocksize`` each).
  Its layout (delimiter, title rows, header line) is found once in its first lines; each
  block is then read by the same reader as a whole file
  (:func:`geo.registers.readers.delimited_cells`), as the header line followed by the
  block. No process holds more than one block of it.
* A (Geo)Parquet file, or a folder of Parquet parts, is read by dask (dask-geopandas for
  GeoParquet) a row group at a time, small row groups together (``blocksize`` of data);
  a row group is never split, so write large files with row groups of at most about
  250,000 rows (``make bench`` measures the workers' peak memory at that size).
* A folder of CSV/TSV parts (each with its header) is read part by part, each cut into blocks.
* Other formats (XLSX, GeoJSON, GeoPackage) are read whole by the in-memory reader and
  then split: their formats do not reach the sizes this engine is for.

Files are read by the workers: on a cluster, the register must be on a file system every
worker sees under the same path. Limits: a quoted cell that holds a line break can be cut
at a block boundary (as with :func:`dask.dataframe.read_csv`); a UTF-16 text file is read
as one partition (convert it to UTF-8 or Parquet to spread it).
"""

from __future__ import annotations

import codecs
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from geo.errors import RegisterError
from geo.registers.readers import (
    Cells,
    Layout,
    decode_block,
    decode_text,
    delimited_cells,
    delimited_layout,
    file_format,
    read_file,
)
from geo.registers.vocabulary import STRIP

if TYPE_CHECKING:
    from dask.delayed import Delayed

__all__ = ["BLOCKSIZE", "Source", "frame_source", "open_source"]

#: Bytes of a delimited file per partition (about 250,000 rows of a typical register);
#: Parquet row groups are put together up to half of it (their data uncompressed).
BLOCKSIZE = 16 * 2**20

_PARQUET = (".parquet", ".pq", ".geoparquet")
_TEXT = (".csv", ".tsv", ".tab", ".txt")
_SHEET_ONLY = "`sheet` chooses a sheet of an XLSX file or a layer of a GeoPackage"


@dataclass(frozen=True)
class _Block:
    """A byte range of a delimited file: the first block starts at 0, the others after a line end."""

    path: str
    start: int
    end: int
    layout: Layout


@dataclass
class Source:
    """A register as partitions of cells.

    Attributes
    ----------
    path
        The file or folder.
    parts
        One :class:`dask.delayed.Delayed` per partition, each computing to a
        :class:`~geo.registers.readers.Cells`, in file order.
    crs
        The CRS the file declares (GeoParquet), else None.
    warnings
        Problems of the file found while cutting it (each partition's reader warnings are
        in its :class:`~geo.registers.readers.Cells`).
    """

    path: Path
    parts: list[Delayed]
    crs: str | None = None
    warnings: list[str] = field(default_factory=list)


def _line_of(path: str, offset: int) -> int:
    """The line number of the line that starts at byte ``offset`` (read in 16 MB pieces)."""
    lines, done = 1, 0
    with open(path, "rb") as fh:
        while done < offset:
            piece = fh.read(min(2**24, offset - done))
            if not piece:
                break
            lines += piece.count(b"\n")
            done += len(piece)
    return lines


def _read_block(block: _Block) -> Cells:
    """The cells of one block, read as the whole file's reader reads it."""
    path = Path(block.path)
    try:
        with path.open("rb") as fh:
            fh.seek(block.start)
            data = fh.read(block.end - block.start)
    except OSError as exc:
        raise RegisterError(f"cannot read: {exc.strerror or exc}", path=path) from exc
    if block.start == 0:
        text, warnings = decode_text(data, path)
        cells = delimited_cells(text, block.layout, path)
    else:
        try:
            text, warnings = data.decode("utf-8"), []
        except UnicodeDecodeError:
            text, warnings = decode_block(data, _line_of(block.path, block.start))
        cells = delimited_cells(block.layout.header_text + text, block.layout, path, whole=False)
    cells.warnings[:0] = warnings
    return cells


def _next_line(fh: Any, pos: int) -> int:
    """The offset just after the first line end at or after ``pos`` (the file's size without one)."""
    fh.seek(pos)
    while True:
        piece = fh.read(2**16)
        if not piece:
            return fh.tell()
        found = piece.find(b"\n")
        if found >= 0:
            return pos + found + 1
        pos += len(piece)


def _blocks(path: Path, fmt: str, wanted: frozenset[str], blocksize: int) -> list[_Block]:
    """The blocks of one delimited file, cut at line ends after its header."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(max(2**17, min(size, 2**20)))
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, _ = decode_text(path.read_bytes(), path)  # UTF-16 has no byte-wise line ends: one block
        return [_Block(str(path), 0, size, delimited_layout(text, None, wanted, path))]
    if len(head) < size and b"\n" in head:
        head = head[: head.rindex(b"\n") + 1]
    text, _ = decode_text(head, path)
    if not text.strip(STRIP):
        raise RegisterError("the file is empty", path=path)
    layout = delimited_layout(text, "\t" if fmt == "tsv" else None, wanted, path)
    body = 0
    for _ in range(layout.index + 1):  # the title rows and the header line(s) stay in the first block
        end = head.find(b"\n", body)
        body = end + 1 if end >= 0 else len(head)
    bounds = [0]
    with path.open("rb") as fh:
        cut = _next_line(fh, max(body, blocksize))
        while cut < size:
            bounds.append(cut)
            cut = _next_line(fh, cut + blocksize)
    bounds.append(size)
    return [_Block(str(path), a, b, layout) for a, b in itertools.pairwise(bounds)]


def _as_cells(part: pd.DataFrame, crs: str | None) -> Cells:
    """A Parquet partition as cells and geometry, as :func:`geo.registers.readers.read_file` gives them."""
    import geopandas as gpd

    if isinstance(part, gpd.GeoDataFrame) and part._geometry_column_name in part.columns:
        return Cells(pd.DataFrame(part.drop(columns=part.geometry.name)), part.geometry, crs)
    return Cells(pd.DataFrame(part))


def _parquet(path: Path, files: list[Path], blocksize: int) -> Source:
    """Partitions of a Parquet file or folder: dask-geopandas for GeoParquet, else dask.dataframe."""
    import dask
    import dask.dataframe as dd
    import dask_geopandas
    import pyarrow.parquet as pq
    from dask import delayed

    try:
        metadata = pq.read_schema(files[0]).metadata or {}
    except Exception as exc:  # pyarrow raises its own error classes
        raise RegisterError(f"cannot read as Parquet: {str(exc).strip()}", path=files[0]) from exc
    spatial = b"geo" in metadata
    reader = dask_geopandas.read_parquet if spatial else dd.read_parquet
    options = {"gather_spatial_partitions": False} if spatial else {}  # bounds per file, not per row group
    with dask.config.set({"dataframe.convert-string": False}):  # text columns as the in-memory reader has them
        try:
            frame = reader(str(path), split_row_groups="adaptive", blocksize=blocksize // 2, **options)
        except Exception as exc:
            raise RegisterError(f"cannot read as Parquet: {str(exc).strip()}", path=path) from exc
        crs = frame.crs.to_string() if getattr(frame, "crs", None) is not None else None
        parts = [delayed(_as_cells)(p, crs) for p in frame.to_delayed()]
    return Source(path, parts, crs)


def _slice(cells: Cells, start: int, stop: int) -> Cells:
    rows = cells.frame.iloc[start:stop]
    geometry = cells.geometry.iloc[start:stop] if cells.geometry is not None else None
    return Cells(rows, geometry, cells.crs, list(cells.warnings) if start == 0 else [])


def _split(path: Path, cells: Cells, rows_per_part: int) -> Source:
    """Cells in memory cut into partitions of ``rows_per_part`` rows."""
    from dask import delayed

    whole = delayed(cells, traverse=False)
    cuts = list(range(0, len(cells.frame), rows_per_part)) or [0]
    return Source(path, [delayed(_slice)(whole, a, a + rows_per_part) for a in cuts], cells.crs)


def frame_source(frame: pd.DataFrame, rows_per_part: int) -> Source:
    """A (Geo)DataFrame in memory as partitions, its geometry column as a register's geometry."""
    geometry, crs, cells = None, None, frame
    if "geometry" in frame.columns and hasattr(frame, "geometry"):
        geometry = frame.geometry
        crs = geometry.crs.to_string() if geometry.crs is not None else None
        cells = pd.DataFrame(frame.drop(columns=geometry.name))
    return _split(Path("."), Cells(cells.reset_index(drop=True), geometry, crs), rows_per_part)


def _files(path: Path) -> tuple[str, list[Path]]:
    """The kind (``parquet`` or ``text``) and the files of a folder of parts, in name order."""
    from dask.utils import natural_sort_key

    files = sorted(
        (p for p in path.iterdir() if p.is_file() and not p.name.startswith((".", "_"))),
        key=lambda p: natural_sort_key(p.name),
    )
    kinds = {
        "parquet" if p.suffix.lower() in _PARQUET else "text" if p.suffix.lower() in _TEXT else p.suffix for p in files
    }
    if not files or len(kinds) != 1 or not kinds <= {"parquet", "text"}:
        raise RegisterError(
            "a folder register holds Parquet parts (.parquet) or CSV/TSV parts (.csv, .tsv) and nothing else", path=path
        )
    return kinds.pop(), files


def open_source(
    path: Path, *, sheet: str | None = None, wanted: frozenset[str] = frozenset(), blocksize: int = BLOCKSIZE
) -> Source:
    """The partitions of a register file or folder of parts (nothing read but its first lines).

    Raises
    ------
    RegisterError
        The file is missing, empty, of an unknown format or unreadable.
    """
    from dask import delayed

    if path.is_dir():
        kind, files = _files(path)
        if kind == "parquet":
            return _parquet(path, files, blocksize)
        blocks = [b for f in files for b in _blocks(f, file_format(f), wanted, blocksize)]
        return Source(path, [delayed(_read_block)(b) for b in blocks])
    fmt = file_format(path)
    if sheet is not None and fmt not in ("xlsx", "gpkg"):
        raise RegisterError(_SHEET_ONLY, path=path, field="sheet")
    if fmt in ("csv", "tsv"):
        return Source(path, [delayed(_read_block)(b) for b in _blocks(path, fmt, wanted, blocksize)])
    if fmt == "parquet":
        return _parquet(path, [path], blocksize)
    return _split(path, read_file(path, sheet, wanted), rows_per_part=max(1, blocksize // 200))
