"""A register read in partitions, each partition a :class:`geo.registers.cells.Cells`, lazily.

* A CSV/TSV file is cut into byte blocks at line ends (``blocksize`` each). Each block is
  read by the same reader as a whole file (:func:`geo.registers.delimited.read_delimited`),
  given the file's lines above its data (title rows, header) followed by the block. No
  process holds more than one block of it. A UTF-16 file, or one whose header spans
  lines, is read as one partition.
* A (Geo)Parquet file, or a folder of Parquet parts, is read by dask (dask-geopandas for
  GeoParquet) a row group at a time, small row groups together (``blocksize`` of data);
  a row group is never split, so write large files with row groups of at most about
  250,000 rows (``make bench`` measures the workers' peak memory at that size).
* A folder of CSV/TSV parts (each with its header) is read part by part, each cut into blocks.
* Other formats (XLSX, GeoJSON, GeoPackage) are read whole, as one partition, by the
  in-memory reader: their formats do not reach the sizes this engine is for.

Files are read by the workers: on a cluster, the register must be on a file system every
worker sees under the same path. A quoted cell that holds a line break can be cut at a
block boundary (as with :func:`dask.dataframe.read_csv`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

import pandas as pd

from geo.errors import RegisterError
from geo.i18n import message, whole
from geo.registers.cells import Cells
from geo.registers.delimited import data_offset, read_delimited
from geo.registers.readers import read_file

if TYPE_CHECKING:
    from dask.delayed import Delayed

__all__ = ["BLOCKSIZE", "Source", "frame_source", "open_source"]

#: Bytes of a delimited file per partition (about 250,000 rows of a typical register);
#: Parquet row groups are put together up to half of it (their data uncompressed).
BLOCKSIZE = 16 * 2**20

_PARQUET = (".parquet", ".pq", ".geoparquet")
_TEXT = (".csv", ".tsv", ".tab", ".txt")
_HEAD_BYTES = 2**20


@dataclass(frozen=True)
class _Block:
    """A byte range of a delimited file and the bytes above its data (read before the range)."""

    path: str
    start: int
    end: int
    above: int
    sep: str | None


@dataclass
class Source:
    """A register as partitions of cells.

    Attributes
    ----------
    path
        The file or folder (None: a frame in memory).
    parts
        One :class:`dask.delayed.Delayed` per partition, each computing to a
        :class:`~geo.registers.cells.Cells`, in file order.
    crs
        The CRS the file declares (GeoParquet), else None.
    """

    path: PurePath | None
    parts: list[Delayed]
    crs: str | None = None
    warnings: list[str] = field(default_factory=list)


def _read_block(block: _Block, wanted: frozenset[str]) -> Cells:
    """The cells of one block, read as the whole file's reader reads it."""
    path = Path(block.path)
    try:
        with path.open("rb") as fh:
            head = fh.read(block.above) if block.start > 0 else b""
            fh.seek(block.start)
            data = head + fh.read(block.end - block.start)
    except OSError as exc:
        raise RegisterError(
            message("errors", "cannot_read", problem=whole(str(exc.strerror or exc))), path=path
        ) from exc
    cells = read_delimited(path, block.sep, wanted, data)
    cells.path = path
    return cells


def _next_line(fh: Any, pos: int) -> int:
    """The offset just after the first line end at or after ``pos`` (the file's size without one)."""
    fh.seek(pos)
    while True:
        piece = fh.read(2**16)
        if not piece:
            return int(fh.tell())
        found = piece.find(b"\n")
        if found >= 0:
            return pos + found + 1
        pos += len(piece)


def _blocks(path: Path, sep: str | None, wanted: frozenset[str], blocksize: int) -> list[_Block]:
    """The blocks of one delimited file, cut at line ends after the lines above its data."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(_HEAD_BYTES)
    if not head.strip():
        raise RegisterError(message("errors", "file_empty"), path=path)
    above = data_offset(head, sep, wanted, path) if size > blocksize else None
    if above is None:  # small, or UTF-16: one block, read as a whole file
        return [_Block(str(path), 0, size, 0, sep)]
    bounds = [0]
    with path.open("rb") as fh:
        cut = _next_line(fh, max(above, blocksize))
        while cut < size:
            bounds.append(cut)
            cut = _next_line(fh, cut + blocksize)
    bounds.append(size)
    return [_Block(str(path), a, b, above, sep) for a, b in itertools.pairwise(bounds)]


def _as_cells(part: pd.DataFrame, crs: str | None, path: Path) -> Cells:
    """A Parquet partition as cells and geometry, as :func:`geo.registers.readers.read_file` gives them."""
    import geopandas as gpd

    if isinstance(part, gpd.GeoDataFrame) and part._geometry_column_name in part.columns:
        return Cells(pd.DataFrame(part.drop(columns=part.geometry.name)), part.geometry, crs, path=path)
    return Cells(pd.DataFrame(part), path=path)


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
        detail = whole(str(exc).strip())
        raise RegisterError(message("formats", "cannot_read", name="Parquet", detail=detail), path=files[0]) from exc
    spatial = b"geo" in metadata
    reader = dask_geopandas.read_parquet if spatial else dd.read_parquet
    options = {"gather_spatial_partitions": False} if spatial else {}  # bounds per file, not per row group
    with dask.config.set({"dataframe.convert-string": False}):  # text columns as the in-memory reader has them
        try:
            frame = reader(str(path), split_row_groups="adaptive", blocksize=blocksize // 2, **options)
        except Exception as exc:
            detail = whole(str(exc).strip())
            raise RegisterError(message("formats", "cannot_read", name="Parquet", detail=detail), path=path) from exc
        crs = frame.crs.to_string() if getattr(frame, "crs", None) is not None else None
        parts = [delayed(_as_cells)(p, crs, path) for p in frame.to_delayed()]
    return Source(path, parts, crs)


def _slice(cells: Cells, start: int, stop: int) -> Cells:
    rows = cells.frame.iloc[start:stop]
    geometry = cells.geometry.iloc[start:stop] if cells.geometry is not None else None
    return Cells(rows, geometry, cells.crs, list(cells.warnings) if start == 0 else [], path=cells.path)


def frame_source(cells: Cells, rows_per_part: int) -> Source:
    """Cells in memory (a (Geo)DataFrame's, :func:`geo.registers.build.read_cells`) cut into partitions."""
    from dask import delayed

    if cells.reasons is not None:  # a reader's per-cell reasons (XLSX formulas): kept whole
        return Source(cells.path, [delayed(cells, traverse=False)], cells.crs)
    whole = delayed(cells, traverse=False)
    cuts = list(range(0, len(cells.frame), rows_per_part)) or [0]
    return Source(cells.path, [delayed(_slice)(whole, a, a + rows_per_part) for a in cuts], cells.crs)


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
        raise RegisterError(message("errors", "partitions_folder"), path=path)
    return kinds.pop(), files


def _sep(path: Path) -> str | None:
    return "\t" if path.suffix.lower() in (".tsv", ".tab") else None


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

    from geo.registers.readers import check_sheet, detect_file

    if path.is_dir():
        kind, files = _files(path)
        if kind == "parquet":
            return _parquet(path, files, blocksize)
        blocks = [b for f in files for b in _blocks(f, _sep(f), wanted, blocksize)]
        return Source(path, [delayed(_read_block)(b, wanted) for b in blocks])
    found = detect_file(path)
    check_sheet(found, sheet, path)
    fmt = found.format.key
    if fmt in ("csv", "tsv"):
        blocks = _blocks(path, found.format.separator, wanted, blocksize)
        return Source(path, [delayed(_read_block)(b, wanted) for b in blocks])
    if fmt == "parquet":
        return _parquet(path, [path], blocksize)
    cells = read_file(path, sheet, wanted)
    cells.path = path
    cells.warnings.append(message("formats", "dask_whole", name=found.format.name))
    return frame_source(cells, rows_per_part=max(1, blocksize // 200))
