"""A register too large to draw point by point, as a column store the page counts from.

Above :data:`geo.maps.points.POINTS_LIMIT` the map draws grid cells, not points. So that
every style and every filter (any combination of status, province, county, each fact's
yes/no/not given and number ranges) gives exact counts on the cells, the key, the
choropleth and the national total, the page carries each drawn row once, as a few small
codes packed in typed arrays (:class:`~geo.maps.contract.CellStore`), and counts them
itself in one pass for the filters set:

- the rows in the order of the grid's finest level's cells, with the number of rows of each
  cell (so no cell index per row is needed);
- per row: its status (and whether it is drawn at its county's or province's point), its
  place (an index into the ``[province, county]`` pairs present) and, per yes/no or number
  fact, a one-byte code: yes, no, not given; or a number's bin.

A number fact's bins are its distinct values when there are at most :data:`NUMBER_BINS` of
them (every range exact), else :data:`NUMBER_BINS` quantile bins (fewer in a large register, so
that the number facts together stay within :data:`NUMBER_BYTES` of the page: :func:`bins_cap`) whose edges include the
style's class breaks (the style stays exact; a typed range is taken to the bins' edges, and
the page says so). Bins and breaks come from every row of the register (their value
counts), so that both engines give the same. Each array is zlib-compressed and base64-encoded
(:func:`pack`), as the county block is.
"""

from __future__ import annotations

import base64
import math
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geo.maps.contract_register import CellStore, StoreFact

__all__ = [
    "NUMBER_BINS",
    "NUMBER_BYTES",
    "FactSpec",
    "bins_cap",
    "column_store",
    "fact_specs",
    "pack",
    "quartile_breaks",
    "unpack",
]

#: The most bins of a number fact in the column store (a one-byte code per row; one code is "not given").
NUMBER_BINS = 250
#: The most classes of a number fact's style (quartiles).
NUMBER_CLASSES = 4
#: What the number facts' columns of the store may take together in the page, packed (bytes).
#: A column of ``b`` equally filled bins costs about ``log2(b)`` bits a row before base64
#: (4/3), so a large register gets fewer bins (:func:`bins_cap`): a synthetic register of
#: 10⁶ rows with two number facts of many values made a 6.7 MB map with 250 bins each.
NUMBER_BYTES = 700_000


def pack(values: Any, dtype: str) -> str:
    """``values`` as little-endian ``dtype`` bytes, zlib-compressed (level 6), base64 text.

    Level 6, not 9: on a 10⁶-row column of yes/no codes level 9 took 1.84 s and level 6
    0.06 s, for 118,325 against 133,498 bytes (``zlib.compress`` of random codes, 20 % yes);
    at 10⁶ rows level 9 was 3.5 s of a 7 s map.

    Examples
    --------
    >>> unpack(pack([1, 2, 300], "<u2"), "<u2").tolist()
    [1, 2, 300]
    """
    raw = np.ascontiguousarray(np.asarray(values).astype(dtype)).tobytes()
    return base64.b64encode(zlib.compress(raw, 6)).decode("ascii")


def unpack(text: str, dtype: str) -> np.ndarray:
    """The array :func:`pack` packed."""
    return np.frombuffer(zlib.decompress(base64.b64decode(text)), dtype=dtype)


def quartile_breaks(values: np.ndarray, counts: np.ndarray) -> list[float]:
    """The upper bounds of the quartiles of sorted distinct ``values`` seen ``counts`` times (each once).

    Examples
    --------
    >>> quartile_breaks(np.array([1.0, 2.0, 8.0]), np.array([3, 4, 1]))
    [1.0, 2.0, 8.0]
    """
    cum = np.cumsum(counts)
    out: list[float] = []
    if not len(cum):
        return out
    n = int(cum[-1])
    for q in range(1, NUMBER_CLASSES + 1):
        at = min(n - 1, math.ceil(n * q / NUMBER_CLASSES) - 1)
        b = float(values[int(np.searchsorted(cum, at, side="right"))])
        if not out or b > out[-1]:
            out.append(b)
    return out


@dataclass(frozen=True)
class FactSpec:
    """How one fact of the register is coded in the store (decided from every row).

    Attributes
    ----------
    kind
        ``yesno`` or ``number``.
    breaks
        A number fact's style classes (:func:`quartile_breaks`); [] for yes/no.
    edges, low
        A number fact's bins: each bin's greatest and least value (bin ``k`` holds
        ``edges[k-1] < v <= edges[k]``).
    """

    kind: str
    breaks: list[float]
    edges: list[float]
    low: list[float]


def bins_cap(rows: int, facts: int) -> int:
    """The most bins each of ``facts`` number facts gets in a store of ``rows`` rows (:data:`NUMBER_BYTES`).

    A power of two from :data:`NUMBER_CLASSES` (the style's classes: its breaks are always
    bin edges) to :data:`NUMBER_BINS`.

    Examples
    --------
    >>> bins_cap(100_000, 2), bins_cap(500_000, 2), bins_cap(1_000_000, 2), bins_cap(1_000_000, 6)
    (250, 16, 4, 4)
    """
    if rows <= 0 or facts <= 0:
        return NUMBER_BINS
    bits = int(NUMBER_BYTES * 8 * 3 / 4 / (rows * facts))
    return max(NUMBER_CLASSES, min(NUMBER_BINS, 2 ** min(bits, 8)))


def _bins(
    values: np.ndarray, counts: np.ndarray, breaks: list[float], cap: int = NUMBER_BINS
) -> tuple[list[float], list[float]]:
    """A number fact's bins (:class:`FactSpec` ``edges``, ``low``) from its sorted distinct values and counts."""
    if len(values) <= cap:
        return values.tolist(), values.tolist()
    cum = np.cumsum(counts)
    n = int(cum[-1])
    bins = max(0, cap - len(breaks))
    at = [min(n - 1, math.ceil(n * i / bins) - 1) for i in range(1, bins + 1)]
    edges = np.union1d(values[np.searchsorted(cum, at, side="right")], breaks)
    first = np.searchsorted(values, edges[:-1], side="right")
    low = np.concatenate([values[:1], values[first]])
    return edges.tolist(), low.tolist()


def fact_specs(codes: pd.DataFrame) -> dict[str, FactSpec]:
    """Fact key → :class:`FactSpec`, from :func:`geo.maps.points.row_codes` of every row of a register.

    A ``y`` column (yes/no codes: 0 yes, 1 no, 2 not given, 3 anything else) is a yes/no
    fact when it has a yes or a no and nothing else; an ``n`` column (numbers) is a number
    fact. The key is the column's name with ``f`` for its first letter.
    """
    out = {}
    numbers = [c for c in codes.columns if c[:1] == "n" and c[1:].isdigit()]
    cap = bins_cap(len(codes), len(numbers))
    for col in codes.columns:
        if col[:1] == "y" and col[1:].isdigit():
            c = codes[col].to_numpy()
            if (c < 2).any() and not (c == 3).any():
                out["f" + col[1:]] = FactSpec("yesno", [], [], [])
        elif col[:1] == "n" and col[1:].isdigit():
            x = codes[col].to_numpy(dtype=float)
            vc = pd.Series(x[np.isfinite(x)]).value_counts().sort_index()
            values, counts = vc.index.to_numpy(dtype=float), vc.to_numpy()
            breaks = quartile_breaks(values, counts)
            edges, low = _bins(values, counts, breaks, cap)
            out["f" + col[1:]] = FactSpec("number", breaks, edges, low)
    return out


def _fact_codes(column: np.ndarray, spec: FactSpec) -> np.ndarray:
    """Each row's one-byte code of a fact: yes/no as given; a number's bin, ``len(edges)`` where none."""
    if spec.kind == "yesno":
        return column.astype("uint8")
    x = column.astype(float)
    code = np.searchsorted(np.asarray(spec.edges, dtype=float), x, side="left")
    return np.where(np.isfinite(x), code, len(spec.edges)).astype("uint8")


def _places(province: pd.Series, county: pd.Series, rows: np.ndarray) -> tuple[np.ndarray, list[list[str]]]:
    """The ``rows``' (province, county) pairs as codes into their sorted distinct pairs, blanks as ``""``.

    The columns are factorised whole (by hash, no text made per row), and only their few
    distinct values become text and are sorted.
    """
    pc, pu = province.factorize(use_na_sentinel=True)
    cc, cu = county.factorize(use_na_sentinel=True)
    ptext = [*map(str, pu.tolist()), ""]  # the last: a missing cell (code -1)
    ctext = [*map(str, cu.tolist()), ""]
    width = len(ctext)
    pair = (pc[rows].astype("int64") % len(ptext)) * width + cc[rows].astype("int64") % width
    del pc, cc
    present = np.zeros(len(ptext) * width, dtype=bool)
    present[pair] = True
    found = np.flatnonzero(present)
    inverse = (np.cumsum(present) - 1)[pair]
    named = [(ptext[int(f) // width], ctext[int(f) % width]) for f in found.tolist()]
    places = sorted(set(named))
    position = {p: k for k, p in enumerate(places)}
    return np.array([position[p] for p in named], dtype="int64")[inverse], [list(p) for p in places]


def column_store(codes: pd.DataFrame, shift: int, keys: np.ndarray, specs: Mapping[str, FactSpec]) -> CellStore:
    """The drawn rows of :func:`geo.maps.points.row_codes` as the page's :class:`CellStore`.

    Parameters
    ----------
    codes
        Every row's codes (``cx`` -1: not drawn), in row order.
    shift, keys
        How many zoom levels the grid's finest level is above the codes' (``cx``, ``cy``
        halved that many times), and its cells' keys (``cx * 2**31 + cy``, sorted).
    specs
        :func:`fact_specs` of every row.
    """
    cx = codes["cx"].to_numpy()
    drawn = np.flatnonzero(cx >= 0)
    key = (cx[drawn].astype("int64") >> shift) * (1 << 31) + (codes["cy"].to_numpy()[drawn].astype("int64") >> shift)
    cell = np.searchsorted(keys, key)
    if len(key) and (cell.max() >= len(keys) or not np.array_equal(keys[cell], key)):  # pragma: no cover - a bug
        raise ValueError("a drawn row is in no cell of the grid's finest level")
    del key  # a large register's arrays are let go as soon as they are used (the map's peak memory)
    order = np.argsort(cell, kind="stable")
    rows = drawn[order]
    del drawn, order
    place, places = _places(codes["province"], codes["county"], rows)
    facts = []
    for k, s in specs.items():
        column = codes[("y" if s.kind == "yesno" else "n") + k[1:]].to_numpy()[rows]
        facts.append(StoreFact(k, s.kind, s.edges, s.low, pack(_fact_codes(column, s), "u1")))
    return CellStore(
        rows=len(rows),
        cells=pack(np.bincount(cell, minlength=len(keys)), "<u4"),
        status=pack(codes["s"].to_numpy()[rows], "u1"),
        place=pack(place, "<u2"),
        places=places,
        facts=facts,
    )
