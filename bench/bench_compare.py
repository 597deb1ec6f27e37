"""Benchmark: ``geo compare`` of two N-row registers against one ``geo join`` of N rows, in the same run.

The old register is :func:`bench.bench_join.synthetic_register` (synthetic points, mostly
inside Iran, 3 % abroad, at sea or swapped) with two facts (a yes/no and a number); the new
one is derived from it with a fixed seed: 2 % closed, 2 % added, 1 % moved 5-50 km, 5 %
with a fact changed, in another row order. Both are CSV files, as users hold them.

Each command runs in a fresh process through ``bench/_measure.py`` (wall time, and the
peak memory of it and its children): ``python -m geo join OLD --out …`` (the baseline:
read, join, every output and the map) and ``python -m geo compare OLD NEW --out …`` (two
joins, the matching, the change tables, ``changes.csv``, ``report.json`` and the change map
in both languages). Target at 10^6 rows: compare ≤ 2 × join, peak memory < 2,048 MB.

Run ``python -m bench compare`` (every size) or ``python bench/bench_compare.py 100000``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_e2e import _timed
from bench.bench_join import SEED, synthetic_register

SIZES = (100_000, 1_000_000)
TARGET_RATIO = 2.0
TARGET_PEAK_MB = 2048.0


def registers(n: int, seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The old register of ``n`` rows and the new one derived from it (see the module docstring)."""
    rng = np.random.default_rng(seed + 1)
    old = synthetic_register(n, seed)
    old["treatment_plant"] = np.where(rng.random(n) < 0.4, "yes", "no")
    old["green_space_ha"] = np.round(rng.uniform(0, 30, n), 1)
    new = old.copy()
    kind = rng.random(n)
    closed, moved, changed = kind < 0.02, (kind >= 0.02) & (kind < 0.03), (kind >= 0.03) & (kind < 0.08)
    km = rng.uniform(5, 50, int(moved.sum()))
    bearing = rng.uniform(0, 2 * np.pi, len(km))
    new.loc[moved, "lat"] += km * np.cos(bearing) / 111.0
    new.loc[moved, "lon"] += km * np.sin(bearing) / 93.0
    new.loc[changed, "green_space_ha"] += 1.5
    added = synthetic_register(int(n * 0.02), seed + 2)
    added["id"] += n
    added["treatment_plant"], added["green_space_ha"] = "yes", 5.0
    new = pd.concat([new[~closed], added], ignore_index=True)
    return old, new.iloc[rng.permutation(len(new))].reset_index(drop=True)


def _size(n: int) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        old, new = registers(n)
        old.to_csv(folder / "old.csv", index=False)
        new.to_csv(folder / "new.csv", index=False)
        del old, new
        join_s, join_mem, _ = _timed(
            ["-m", "geo", "join", str(folder / "old.csv"), "--out", str(folder / "joined")], folder / "j.json"
        )
        cmp_s, cmp_mem, _ = _timed(
            ["-m", "geo", "compare", str(folder / "old.csv"), str(folder / "new.csv"), "--out", str(folder / "cmp")],
            folder / "c.json",
        )
    ratio = cmp_s / join_s
    met = bool(ratio <= TARGET_RATIO and cmp_mem["peak_mb"] < TARGET_PEAK_MB) if n >= 1_000_000 else None
    return [
        {"rows": n, "what": "geo join (baseline)", "wall_s": round(join_s, 2), "peak_mb": round(join_mem["peak_mb"])},
        {
            "rows": n,
            "what": "geo compare (two registers)",
            "wall_s": round(cmp_s, 2),
            "peak_mb": round(cmp_mem["peak_mb"]),
            "ratio_vs_join": round(ratio, 3),
            "target": f"ratio ≤ {TARGET_RATIO}, peak < {TARGET_PEAK_MB:,.0f} MB at 10^6",
            "target_met": met,
        },
    ]


def run(sizes: tuple[int, ...] = SIZES) -> list[dict]:
    """One row per command and size: wall time, peak memory, and the ratio of compare to join."""
    return [row for n in sizes for row in _size(n)]


if __name__ == "__main__":
    import json

    chosen = tuple(int(a) for a in sys.argv[1:]) or SIZES
    sys.stdout.write(json.dumps(run(chosen), indent=1) + "\n")
