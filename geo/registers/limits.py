"""Resource limits of a run, checked before the work begins.

A register that would exhaust the machine is refused up front with one line that names
the limit and how to lift it, instead of running for minutes and dying half-way:

=================================  ====================================  =====================
limit                              default                               lifted with
=================================  ====================================  =====================
memory a join may use (estimated)  80 % of the memory available at start  ``GEO_MAX_MEMORY``
columns of a register              500                                   ``GEO_MAX_COLUMNS``
expansion of a part of an XLSX     100 × its compressed size             ``GEO_MAX_EXPANSION``
=================================  ====================================  =====================

``GEO_MAX_MEMORY`` takes a size (``16G``, ``500M``, bytes) or ``0`` for no limit; the
memory a run needs is estimated from the file's size and format (:data:`BYTES_PER_BYTE`,
measured by the ``limits`` suite of ``make bench``). No number of columns can pass
:data:`GPKG_MAX_COLUMNS`: ``joined.gpkg`` is a SQLite table, which holds at most 2,000.
A part of an XLSX file (a zip archive) that expands more than 100 times is a zip bomb,
not a spreadsheet: real sheets compress 5 to 15 times.

Examples
--------
>>> parse_size("1.5G"), parse_size("500M"), parse_size("0")
(1610612736, 524288000, 0)
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path, PurePath

from geo._text import persian_digits
from geo.errors import InputValueError, LimitError
from geo.i18n import Bilingual, as_given, message, whole

__all__ = [
    "BYTES_PER_BYTE",
    "DEFAULT_MAX_COLUMNS",
    "DEFAULT_MAX_EXPANSION",
    "GPKG_MAX_COLUMNS",
    "check_columns",
    "check_expansion",
    "check_memory",
    "memory_budget",
    "parse_size",
]

DEFAULT_MAX_COLUMNS = 500
#: SQLite's column limit (2,000) less the columns geo adds to ``joined.gpkg`` and its fid and geometry.
GPKG_MAX_COLUMNS = 1980
DEFAULT_MAX_EXPANSION = 100.0
#: Parts smaller than this (uncompressed) are not checked for expansion: small parts compress well.
_EXPANSION_FLOOR = 10 << 20
#: Peak memory of ``geo join`` (read, join, write, map) per byte of input, by format (for
#: Parquet, per byte of its uncompressed data; for XLSX, of its sheet XML), measured on
#: registers whose rows are all flagged (the costliest case) by ``make bench`` (the
#: ``limits`` suite, which checks that the estimate covers the peak); a floor for the libraries.
BYTES_PER_BYTE = {"csv": 100.0, "tsv": 100.0, "xlsx": 18.0, "geojson": 28.0, "gpkg": 46.0, "parquet": 120.0}
_BASE_BYTES = 400 << 20
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$", re.IGNORECASE)


def parse_size(text: str) -> int:
    """Bytes of a size written ``16G``, ``500M``, ``1.5GB`` or as a plain number of bytes.

    Raises
    ------
    InputValueError
        The text is not a size.
    """
    m = _SIZE.match(text)
    if m is None:
        raise InputValueError(message("errors", "limits_memory_variable", text=as_given(text)))
    power = " kmgt".index(m[2].lower() or " ")
    return int(float(m[1]) * 1024**power)


def _available() -> int | None:
    """Memory available to this process now: /proc/meminfo's MemAvailable, within a cgroup limit."""
    try:
        info = Path("/proc/meminfo").read_text(encoding="ascii")
    except OSError:
        return None
    m = re.search(r"^MemAvailable:\s+(\d+) kB", info, re.MULTILINE)
    available = int(m[1]) * 1024 if m else None
    try:
        cgroup = Path("/sys/fs/cgroup/memory.max").read_text(encoding="ascii").strip()
    except OSError:
        cgroup = "max"
    if cgroup.isdigit() and available is not None:
        available = min(available, int(cgroup))
    return available


def memory_budget() -> int | None:
    """The memory a run may use, in bytes (None: no limit): ``GEO_MAX_MEMORY`` or 80 % of what is available."""
    text = os.environ.get("GEO_MAX_MEMORY", "").strip()
    if text:
        return parse_size(text) or None
    available = _available()
    return int(available * 0.8) if available else None


def _gb(n: float) -> Bilingual:
    """A size as a message says it: ``1.5 GB``, ``300 MB`` or ``12 KB`` (Persian digits in Persian)."""
    if n >= 1 << 30:
        text = f"{n / (1 << 30):.1f} GB"
    else:
        text = f"{n / (1 << 20):.0f} MB" if n >= 1 << 20 else f"{math.ceil(n / 1024)} KB"
    return Bilingual(text, persian_digits(text, separators=True))


def check_memory(size: int, fmt: str, path: PurePath, *, what: str = "") -> None:
    """Refuse a register whose estimated peak memory is over :func:`memory_budget`.

    Parameters
    ----------
    size
        Bytes of input (the file, or the uncompressed data of a compressed format).
    fmt
        A key of :data:`BYTES_PER_BYTE`.
    path
        The register, named in the error.
    what
        How ``size`` was measured, for the message (default: the file's size): a text of
        ``errors.csv`` in both languages (``limits_measured_*``).

    Raises
    ------
    LimitError
        Naming the estimate, the limit and how to lift it.
    """
    budget = memory_budget()
    need = _BASE_BYTES + size * BYTES_PER_BYTE.get(fmt, 40.0)
    if budget is None or need <= budget:
        return
    source = message(
        "errors", "limits_memory_set" if os.environ.get("GEO_MAX_MEMORY", "").strip() else "limits_memory_80"
    )
    measured = what or message("errors", "limits_memory_its", size=_gb(size))
    fields = {"need": _gb(need), "measured": measured, "budget": _gb(budget), "source": source}
    raise LimitError(
        message("errors", "limits_memory", **fields, lift=whole(str(math.ceil(need / (1 << 30))))), path=path
    )


def check_columns(count: int, path: PurePath | None) -> None:
    """Refuse a register with more columns than ``GEO_MAX_COLUMNS`` (default 500; at most 1,980).

    Each number column becomes two map layers; 500 columns take about 40 s to join and map.

    Raises
    ------
    LimitError
        Naming the count, the limit and how to lift it.
    """
    text = os.environ.get("GEO_MAX_COLUMNS", "").strip()
    try:
        limit = int(text) if text else DEFAULT_MAX_COLUMNS
    except ValueError:
        raise InputValueError(message("errors", "limits_columns_variable", text=as_given(text))) from None
    if count <= min(limit, GPKG_MAX_COLUMNS):
        return
    if limit > GPKG_MAX_COLUMNS:
        raise LimitError(message("errors", "limits_columns_gpkg", count=count, most=GPKG_MAX_COLUMNS), path=path)
    raise LimitError(message("errors", "limits_columns", count=count, limit=limit, most=GPKG_MAX_COLUMNS), path=path)


def check_expansion(name: str, compressed: int, size: int, path: Path) -> None:
    """Refuse a part of a zip file (an XLSX) that expands more than ``GEO_MAX_EXPANSION`` times.

    Raises
    ------
    LimitError
        Naming the part, its sizes, the limit and how to lift it.
    """
    text = os.environ.get("GEO_MAX_EXPANSION", "").strip()
    try:
        limit = float(text) if text else DEFAULT_MAX_EXPANSION
    except ValueError:
        raise InputValueError(message("errors", "limits_expansion_variable", text=as_given(text))) from None
    if size < _EXPANSION_FLOOR or size <= limit * max(compressed, 1):
        return
    sizes = {"compressed": _gb(compressed), "size": _gb(size), "times": size / max(compressed, 1)}
    raise LimitError(message("errors", "limits_expansion", part=as_given(name), **sizes, limit=limit), path=path)
