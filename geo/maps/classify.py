"""Class breaks of an indicator's values (mapclassify), deterministic and kept in the disk cache."""

from __future__ import annotations

import importlib.metadata
import json
import warnings
from functools import lru_cache

import numpy as np

from geo._cache import cached

__all__ = ["MAX_CLASSES", "PALETTE", "classify", "decimals_of", "palette"]

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
    """Class of each finite value, upper bounds of the classes and the minimum (mapclassify).

    NaturalBreaks draws random k-means starts from NumPy's global generator; it is seeded
    here (and the caller's state restored) so the same values always give the same
    classes.
    """
    import mapclassify

    y = np.asarray(values, dtype=float)
    k = int(min(MAX_CLASSES, len(np.unique(y))))
    state = np.random.get_state()
    np.random.seed(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if k < 2:
                bins = np.array([y.max()])
                yb = np.zeros(len(y), dtype=int)
            elif scheme in ("HeadTailBreaks", "BoxPlot"):
                clf = getattr(mapclassify, scheme)(y)
                bins, yb = np.asarray(clf.bins, dtype=float), np.asarray(clf.yb, dtype=int)
            else:
                # NaturalBreaks (Jenks) is computed exactly with Fisher-Jenks, which finds the
                # global optimum of the same criterion (least squared deviation within
                # classes) that mapclassify.NaturalBreaks approaches with random k-means
                # starts: deterministic, and fast for 31 values.
                name = "FisherJenks" if scheme == "NaturalBreaks" else scheme
                clf = getattr(mapclassify, name)(y, k=k)
                bins, yb = np.asarray(clf.bins, dtype=float), np.asarray(clf.yb, dtype=int)
    finally:
        np.random.set_state(state)
    # drop empty classes (quantiles on tied data) and renumber
    used = sorted(set(yb.tolist()))
    remap = {c: i for i, c in enumerate(used)}
    return tuple(remap[c] for c in yb.tolist()), tuple(float(bins[c]) for c in used), float(y.min())
