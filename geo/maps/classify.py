"""Class breaks of an indicator's values (mapclassify), deterministic and kept in the disk cache."""

from __future__ import annotations

import importlib.metadata
import json
import warnings
from functools import lru_cache

import numpy as np

from geo._cache import cached

__all__ = ["MAX_CLASSES", "PALETTE", "bin1d", "classify", "decimals_of", "fisher_jenks_bins", "palette"]

#: ColorBrewer's sequential yellow-green-blue (colour-blind safe), via branca.
PALETTE = "YlGnBu"
MAX_CLASSES = 5

Classes = tuple[tuple[int, ...], tuple[float, ...], float]


def decimals_of(values: np.ndarray) -> int:
    """Decimals to show: 0 for whole numbers, else 1 (values from 10) or 2."""
    finite = values[np.isfinite(values)]
    if finite.size == 0 or np.allclose(finite, np.round(finite)):
        return 0
    return 1 if np.nanmax(np.abs(finite)) >= 10 else 2


@lru_cache(maxsize=16)
def palette(n: int) -> tuple[str, ...]:
    """The ``n`` colours of :data:`PALETTE` (branca's ``color_brewer``), through the disk cache.

    Importing branca (and Jinja with it) takes a tenth of a second of a small register's
    map; its colours depend only on ``n`` and branca's version.

    Examples
    --------
    >>> palette(3)
    ('#edf8b1', '#7fcdbb', '#2c7fb8')
    """
    key = ("palette", importlib.metadata.version("branca"), PALETTE, n)

    def compute() -> bytes:
        from branca.utilities import color_brewer

        return json.dumps(list(color_brewer(PALETTE, n=n))).encode("utf-8")

    return tuple(json.loads(cached("palettes", key, compute)))


@lru_cache(maxsize=64)
def classify(values: tuple[float, ...], scheme: str) -> Classes:
    """Class of each value, class upper bounds and minimum, through the disk cache.

    Importing mapclassify (and SciPy with it) takes longer than building the map, and
    the classes depend only on the values, the scheme and mapclassify's version, so they
    are kept between runs (:mod:`geo._cache`). JSON keeps every float exactly.
    """
    key = ("classes", importlib.metadata.version("mapclassify"), MAX_CLASSES, scheme, values)

    def compute() -> bytes:
        yb, bins, low = _classify_now(values, scheme)
        return json.dumps([list(yb), list(bins), low]).encode("utf-8")

    yb, bins, low = json.loads(cached("classes", key, compute))
    return tuple(yb), tuple(bins), low


def _classify_now(values: tuple[float, ...], scheme: str) -> Classes:
    """Class of each finite value, upper bounds of the classes and the minimum (mapclassify's schemes).

    NaturalBreaks is computed as mapclassify's FisherJenks by :func:`fisher_jenks_bins`
    (the same bins, bit for bit), without importing mapclassify and SciPy: a register's
    map needs only that scheme, and the import takes seconds of every run whose values
    changed. Other schemes go to mapclassify itself; its random starts are seeded here
    (and the caller's state restored) so the same values always give the same classes.
    """
    y = np.asarray(values, dtype=float)
    k = int(min(MAX_CLASSES, len(np.unique(y))))
    if k < 2:
        bins = np.array([y.max()])
        yb = np.zeros(len(y), dtype=int)
    elif scheme in ("NaturalBreaks", "FisherJenks"):
        # NaturalBreaks (Jenks) is computed exactly with Fisher-Jenks, which finds the global
        # optimum of the same criterion (least squared deviation within classes) that
        # mapclassify.NaturalBreaks approaches with random k-means starts: deterministic.
        bins = fisher_jenks_bins(np.sort(y), k)
        yb = bin1d(y, bins)
    else:
        bins, yb = _mapclassify(y, scheme, k)
    # drop empty classes (quantiles on tied data) and renumber
    used = sorted(set(yb.tolist()))
    remap = {c: i for i, c in enumerate(used)}
    return tuple(remap[c] for c in yb.tolist()), tuple(float(bins[c]) for c in used), float(y.min())


def _mapclassify(y: np.ndarray, scheme: str, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Bins and class of each value of ``y`` by mapclassify's ``scheme`` (``k`` classes where it takes one)."""
    import mapclassify

    state = np.random.get_state()
    np.random.seed(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf = (
                getattr(mapclassify, scheme)(y)
                if scheme in ("HeadTailBreaks", "BoxPlot")
                else getattr(mapclassify, scheme)(y, k=k)
            )
    finally:
        np.random.set_state(state)
    return np.asarray(clf.bins, dtype=float), np.asarray(clf.yb, dtype=int)


def fisher_jenks_bins(ordered: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of the ``k`` Fisher-Jenks classes of the sorted values ``ordered``.

    The dynamic programme of ``mapclassify.classifiers._fisher_jenks_means`` (what
    ``mapclassify.FisherJenks`` runs), in the same single-precision arithmetic and the same
    order of operations, so the bins are equal bit for bit (``tests/test_classify.py``
    checks it against mapclassify on the real data and on random arrays); each step's
    loop over the first value of the last class is one NumPy operation: the running sums
    are cumulative sums (sequential, as the loop adds), and the loop's "keep the later of
    equal costs" is the last index of the least cost.

    Examples
    --------
    >>> fisher_jenks_bins(np.array([1.0, 2.0, 3.0, 10.0, 11.0, 30.0]), 3).tolist()
    [3.0, 11.0, 30.0]
    """
    x = np.asarray(ordered, dtype=np.float64)
    n = len(x)
    x32 = x.astype(np.float32)
    first = np.zeros((n + 1, k + 1), dtype=np.int32)  # mapclassify's mat1: first value of the last class
    cost = np.zeros((n + 1, k + 1), dtype=np.float32)  # its mat2: the least within-class deviation
    first[1, 1:] = 1
    cost[2:, 1:] = np.inf
    with np.errstate(over="ignore", invalid="ignore"):  # huge values: inf and NaN costs, as in mapclassify
        _fill_costs(x32, first, cost, k)
    bounds = np.zeros(k + 1, dtype=np.float64)
    bounds[k], bounds[0] = x[n - 1], x[0]
    at = n
    for c in range(k, 1, -1):
        pivot = int(first[at, c])
        bounds[c - 1] = x[pivot - 2]
        at = pivot - 1
    return bounds[1:]


def _fill_costs(x32: np.ndarray, first: np.ndarray, cost: np.ndarray, k: int) -> None:
    """The dynamic programme's tables (mapclassify's ``mat1``, ``mat2``) for the single-precision values ``x32``."""
    n = len(x32)
    for last in range(2, n + 1):
        rev = x32[last - 1 :: -1]  # the values last, last - 1, ..., 1 (1-based): the loop's m = 1 .. last
        s1 = np.cumsum(rev, dtype=np.float32)
        s2 = np.cumsum(rev * rev, dtype=np.float32)
        dev = s2 - (s1 * s1) / np.arange(1, last + 1, dtype=np.float32)
        before = last - np.arange(1, last)  # i4 of the loop, m = 1 .. last - 1
        for j in range(2, k + 1):
            total = dev[:-1] + cost[before, j - 1]
            ok = ~np.isnan(total)  # a NaN cost never passes the loop's >=
            if ok.any() and cost[last, j] >= (least := total[ok].min()):
                m = int(np.flatnonzero(ok & (total == least))[-1]) + 1
                first[last, j] = last - m + 1
                cost[last, j] = least
        first[last, 1] = 1
        cost[last, 1] = dev[-1]


def bin1d(y: np.ndarray, bins: np.ndarray) -> np.ndarray:
    """Class of each value: ``i`` where ``bins[i - 1] < y <= bins[i]`` (``mapclassify.classifiers.bin1d``).

    Examples
    --------
    >>> bin1d(np.array([1.0, 3.0, 4.0, 30.0]), np.array([3.0, 11.0, 30.0])).tolist()
    [0, 0, 1, 2]
    """
    left = np.concatenate([[-np.inf], bins[:-1]])
    ids = np.zeros(y.shape, dtype=int)
    for c in range(len(bins) - 1, -1, -1):
        ids += (y > left[c]) * (y <= bins[c]) * c
    return ids
