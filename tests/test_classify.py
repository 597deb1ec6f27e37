"""Class breaks without mapclassify: ``fisher_jenks_bins`` and ``bin1d`` against mapclassify itself.

A register's map classes its per-province figures by natural breaks, computed as
mapclassify's FisherJenks; ``geo.maps.classify`` runs that dynamic programme in NumPy so
that a rerun whose values changed does not import mapclassify (and SciPy). mapclassify
stays the reference: every bin and every value's class must be equal, on the project's
real data and on random arrays (ties, few distinct values, fewer values than classes,
magnitudes whose squares overflow single precision).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.maps import classify as cl

mapclassify = pytest.importorskip("mapclassify")

EXAMPLE = "data/examples/estates_example.csv"


def _reference(values: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The reference: mapclassify's own FisherJenks of ``values``: bins and class of each value."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # "Numba not installed", overflow of huge values
        clf = mapclassify.FisherJenks(values, k=k)
    return np.asarray(clf.bins, dtype=float), np.asarray(clf.yb, dtype=int)


def _assert_same(values: np.ndarray) -> None:
    y = np.asarray(values, dtype=float)
    k = int(min(cl.MAX_CLASSES, len(np.unique(y))))
    if k < 2:  # one distinct value: no classification at all, by either
        return
    bins, yb = _reference(y, k)
    ours = cl.fisher_jenks_bins(np.sort(y), k)
    np.testing.assert_array_equal(ours, bins)  # NaN in the same places, else the same floats
    np.testing.assert_array_equal(cl.bin1d(y, ours), yb)


def _real_columns() -> list[np.ndarray]:
    """Every yearbook indicator column and every number column of the example's join (provinces, counties)."""
    import geo
    from geo.reference.stats import load_indicators, load_province_stats

    stats = load_province_stats()
    columns = [stats[i].to_numpy(dtype=float) for i in load_indicators().index if i in stats.columns]
    result = geo.join(EXAMPLE)
    for table in (result.by_province, result.by_county):
        for col in table.columns:
            if pd.api.types.is_numeric_dtype(table[col]) and not pd.api.types.is_bool_dtype(table[col]):
                columns.append(pd.to_numeric(table[col], errors="coerce").to_numpy(dtype=float))
    return [c[np.isfinite(c)] for c in columns if np.isfinite(c).sum() > 1]


def test_real_data_same_bins_and_classes_as_mapclassify():
    """The yearbook's indicators and the example register's sums and means, provinces and counties."""
    columns = _real_columns()
    assert len(columns) >= 20  # the yearbook's indicators and the example's sums and means
    for values in columns:
        _assert_same(values)


few_values = st.lists(st.sampled_from([0.0, 1.0, 2.5, 7.0, 1e6]), min_size=1, max_size=40)
any_values = st.lists(
    st.floats(min_value=-1e25, max_value=1e25, allow_nan=False, allow_infinity=False), min_size=1, max_size=40
)
whole = st.lists(st.integers(min_value=0, max_value=10**9).map(float), min_size=1, max_size=60)


@settings(max_examples=300, deadline=None)
@given(st.one_of(few_values, any_values, whole))
def test_random_arrays_same_bins_and_classes_as_mapclassify(values):
    """Ties, few distinct values, fewer values than classes, squares beyond single precision."""
    _assert_same(np.array(values))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=-50, max_value=50).map(float), min_size=1, max_size=30))
def test_classes_as_the_map_uses_them(values):
    """``_classify_now`` (what the cache stores) as it was with mapclassify: classes renumbered, bins, minimum."""
    y = np.array(values)
    k = int(min(cl.MAX_CLASSES, len(np.unique(y))))
    yb, bins, low = cl._classify_now(tuple(values), "NaturalBreaks")
    assert low == y.min()
    if k < 2:
        assert (yb, bins) == ((0,) * len(y), (y.max(),))
        return
    ref_bins, ref_yb = _reference(y, k)
    used = sorted(set(ref_yb.tolist()))
    assert bins == tuple(float(ref_bins[c]) for c in used)
    assert yb == tuple(used.index(c) for c in ref_yb.tolist())


def test_join_map_imports_no_mapclassify(tmp_path):
    """A register whose values are new to the cache is mapped without importing mapclassify or SciPy."""
    import os
    import subprocess
    import sys

    changed = tmp_path / "changed.csv"
    text = Path(EXAMPLE).read_bytes().decode("utf-8")
    assert ",120\r\n" in text
    changed.write_bytes(text.replace(",120\r\n", ",12345\r\n", 1).encode("utf-8"))
    code = (
        "import sys, geo\n"
        f"geo.join({str(changed)!r}).write({str(tmp_path / 'out')!r})\n"
        "print(sorted(m for m in ('mapclassify', 'scipy') if m in sys.modules))\n"
    )
    env = {**os.environ, "GEO_CACHE_DIR": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "out" / "map.html").stat().st_size > 0
