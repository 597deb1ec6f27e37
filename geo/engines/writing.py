"""Writing a dask join's outputs as one set: a temporary folder beside ``out``, moved into place whole.

The workers write their Parquet parts into the temporary folder (on a cluster, ``out``
must be on a file system the workers share with the client); the client adds the tables
and ``report.json``; then the set is moved into ``out``: renamed when ``out`` is missing
or empty, else entry by entry with ``report.json`` last, after removing the outputs an
earlier run listed in its ``report.json`` (and nothing else). A run that fails before
that leaves ``out`` as it was and removes its temporary folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from geo._io import atomic_write_text
from geo.errors import DataError

__all__ = ["REPORT", "output_set", "write_report", "write_tables"]

#: Written last: a folder holds it only beside the complete set it lists.
REPORT = "report.json"


@contextlib.contextmanager
def output_set(out: Path) -> Iterator[Path]:
    """A temporary folder to write a set of outputs into, moved into ``out`` when the block ends well.

    Raises
    ------
    DataError
        ``out`` is a file, or the temporary folder cannot be made beside it.
    """
    if out.exists() and not out.is_dir():
        raise DataError("the output folder is a file", path=out)
    tmp = out.parent / f".{out.name}.geo-partial-{uuid.uuid4().hex[:12]}"
    try:
        tmp.mkdir(parents=True)
    except OSError as exc:
        raise DataError(f"cannot create a folder beside the output folder: {exc.strerror or exc}", path=out) from exc
    try:
        yield tmp
        _move_in(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _earlier_outputs(out: Path) -> list[str]:
    """The entries an earlier run listed as its own in ``out/report.json`` (plain names only)."""
    try:
        listed = json.loads((out / REPORT).read_text(encoding="utf-8")).get("outputs", [])
    except (OSError, ValueError, AttributeError):
        return []
    return [n for n in listed if isinstance(n, str) and n == Path(n).name and n not in ("", ".", "..")]


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _move_in(tmp: Path, out: Path) -> None:
    """Move the set in ``tmp`` into ``out``, ``report.json`` last."""
    if not out.exists() or (out.is_dir() and not any(out.iterdir())):
        if out.exists():
            out.rmdir()
        os.rename(tmp, out)
        return
    earlier = _earlier_outputs(out)
    _remove(out / REPORT)  # from here on the folder does not claim a complete set
    for name in earlier:
        _remove(out / name)
    for entry in sorted(tmp.iterdir(), key=lambda p: p.name == REPORT):
        _remove(out / entry.name)
        os.rename(entry, out / entry.name)


def write_tables(tmp: Path, tables: dict[str, pd.DataFrame]) -> list[str]:
    """Write each table as ``NAME`` (a CSV, formula-like cells neutralised); return the names."""
    from geo.outputs import write_csv

    for name, frame in tables.items():
        write_csv(frame, tmp / name)
    return list(tables)


def write_report(tmp: Path, report: dict[str, Any]) -> None:
    """Write ``report.json`` into ``tmp`` (NaN as null, NumPy scalars as numbers)."""
    from geo.outputs import jsonable

    text = json.dumps(jsonable(report), ensure_ascii=False, indent=1, allow_nan=False)
    atomic_write_text(tmp / REPORT, text)
