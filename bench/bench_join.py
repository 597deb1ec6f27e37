"""Benchmark: ``geo.join`` of N points against a bare ``geopandas.sjoin`` in the same process.

The points are synthetic (numpy ``default_rng`` with a fixed seed): 90 % uniform in Iran's
bounding box, 10 % in a wider box around it, so that some fall at sea or abroad and go
through the coast and swap checks. Peak memory of ``geo.join`` is measured in a fresh
subprocess (``resource.getrusage(...).ru_maxrss``), so that it is the join's own.

Target: ``geo.join`` at most 1.5 × the bare sjoin, peak memory under 2 GB, at 10^6 points.

Run ``python bench/bench_join.py`` for a table.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20240601
_REPO = Path(__file__).resolve().parents[1]


def synthetic_register(n: int, seed: int = SEED) -> pd.DataFrame:
    """A synthetic register of ``n`` points (labelled synthetic; no real estates)."""
    rng = np.random.default_rng(seed)
    inside = int(n * 0.9)
    lon = np.concatenate([rng.uniform(44.0, 63.5, inside), rng.uniform(30.0, 75.0, n - inside)])
    lat = np.concatenate([rng.uniform(25.0, 40.0, inside), rng.uniform(15.0, 50.0, n - inside)])
    return pd.DataFrame({"id": np.arange(n), "name": "synthetic", "lat": lat, "lon": lon})


def _peak_memory_mb(n: int) -> float:
    code = (
        "import resource, sys; sys.path.insert(0, %r); sys.path.insert(0, %r)\n"
        "from bench_join import synthetic_register; import geo\n"
        "reg = synthetic_register(%d); r = geo.join(reg, by='location')\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    ) % (str(_REPO), str(Path(__file__).parent), n)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def run(sizes: tuple[int, ...] = (10_000, 100_000, 1_000_000), repeat: int = 2) -> list[dict]:
    """Time ``geo.join`` against a bare ``gpd.sjoin`` for each size; return one row per size.

    Each row: ``n``, ``sjoin_s`` (bare sjoin, best of ``repeat``), ``join_s`` (geo.join by
    location from lat/lon columns, best of ``repeat``; it also builds the points, checks the
    coast and swaps, and aggregates), ``ratio`` (join_s / sjoin_s), ``peak_mb`` (ru_maxrss
    of a subprocess running the join), and the row counts.
    """
    import geopandas as gpd

    import geo

    provinces = geo.load_provinces()
    geo.join(synthetic_register(100), by="location")  # warm the caches (province index, coast ring)
    rows = []
    for n in sizes:
        reg = synthetic_register(n)
        points = gpd.GeoDataFrame(reg[["id"]], geometry=gpd.points_from_xy(reg["lon"], reg["lat"]), crs=4326)
        bare, ours = [], []
        for _ in range(repeat):
            t = time.perf_counter()
            gpd.sjoin(points, provinces, predicate="within")
            bare.append(time.perf_counter() - t)
            t = time.perf_counter()
            result = geo.join(reg, by="location")
            ours.append(time.perf_counter() - t)
        s = result.summary
        rows.append(
            {
                "n": n,
                "sjoin_s": round(min(bare), 3),
                "join_s": round(min(ours), 3),
                "ratio": round(min(ours) / min(bare), 2),
                "peak_mb": round(_peak_memory_mb(n), 1),
                "joined": s["rows_joined"],
                "flagged": s["rows_flagged"],
                "rejected": s["rows_rejected"],
            }
        )
    return rows


if __name__ == "__main__":
    sys.path.insert(0, str(_REPO))
    sizes = tuple(int(a) for a in sys.argv[1:]) or (10_000, 100_000, 1_000_000)
    table = run(sizes)
    print(f"{'n':>10} {'sjoin s':>9} {'join s':>9} {'ratio':>6} {'peak MB':>8} {'joined':>9} {'flagged':>8} {'rejected':>9}")
    for r in table:
        print(f"{r['n']:>10,} {r['sjoin_s']:>9.3f} {r['join_s']:>9.3f} {r['ratio']:>6.2f} {r['peak_mb']:>8.0f}"
              f" {r['joined']:>9,} {r['flagged']:>8,} {r['rejected']:>9,}")  # fmt: skip
    print(json.dumps(table))
