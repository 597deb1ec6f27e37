"""Benchmark: the memory estimate of :mod:`geo.registers.limits` against the peak memory of ``geo join``.

A register is refused before work begins when its estimated peak memory
(:data:`geo.registers.limits.BYTES_PER_BYTE` × its size, plus a floor) is over the limit. This suite
writes the same synthetic register (see :func:`bench.bench_join.synthetic_register`, with a
province column that disagrees with most points: every row flagged, the costliest case) in
each format, runs ``python -m geo join FILE --out DIR`` in a fresh process, and compares its
peak resident memory (VmHWM) with the estimate.

Target: the estimate is at least the peak (a refused register would really not fit) and
at most 3 times it (a register that fits is not refused).

Run ``python bench/bench_limits.py [ROWS ...]`` for a table.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

_REPO = Path(__file__).resolve().parents[1]
_FORMATS = ("csv", "parquet", "xlsx", "geojson", "gpkg")
_PEAK = (
    "import atexit, runpy, sys\n"
    "atexit.register(lambda: print([l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0].split()[1],"
    " file=sys.stderr))\n"
    "sys.argv = ['geo', *sys.argv[1:]]\n"
    "runpy.run_module('geo', run_name='__main__')\n"
)


def _register(n: int) -> pd.DataFrame:
    from bench.bench_join import synthetic_register

    frame = synthetic_register(n)
    rng = np.random.default_rng(7)
    frame["province"] = rng.choice(["Tehran", "Fars", "Atlantis"], n)
    frame["units"] = rng.integers(0, 100, n)
    return frame


def _write(frame: pd.DataFrame, fmt: str, folder: Path) -> Path:
    import geopandas as gpd

    path = folder / f"register.{fmt}"
    if fmt == "csv":
        frame.to_csv(path, index=False)
    elif fmt == "parquet":
        frame.to_parquet(path)
    elif fmt == "xlsx":
        frame.to_excel(path, index=False)
    else:
        points = gpd.points_from_xy(frame["lon"], frame["lat"])
        gpd.GeoDataFrame(frame.drop(columns=["lat", "lon"]), geometry=points, crs=4326).to_file(path)
    return path


def _estimate(path: Path, fmt: str) -> tuple[float, float]:
    """The input size the estimate uses (MB) and the estimate itself (MB)."""
    import zipfile

    from geo.registers import limits
    from geo.registers.readers import _input_size

    if fmt == "xlsx":
        with zipfile.ZipFile(path) as archive:
            size = sum(p.file_size for p in archive.infolist() if p.filename.startswith(("xl/worksheets/", "xl/sharedS")))
    else:
        size = _input_size(path, fmt)[0]
    need = limits._BASE_BYTES + size * limits.BYTES_PER_BYTE[fmt]
    return size / (1 << 20), need / (1 << 20)


def run(sizes: tuple[int, ...] = (100_000, 300_000)) -> list[dict]:
    """One row per format and size: input MB, peak MB of ``geo join``, estimate MB, their ratio."""
    rows = []
    for n in sizes:
        frame = _register(n)
        for fmt in _FORMATS:
            if fmt == "xlsx" and n > 100_000:
                continue  # openpyxl writes 10^5 rows a minute: the slope is the same
            with tempfile.TemporaryDirectory() as tmp:
                path = _write(frame, fmt, Path(tmp))
                argv = [sys.executable, "-c", _PEAK, "join", str(path), "--out", str(Path(tmp) / "out")]
                done = subprocess.run(argv, capture_output=True, text=True, check=True, cwd=_REPO)
                peak = int(done.stderr.strip().splitlines()[-1]) / 1024
                size, estimate = _estimate(path, fmt)
            ratio = estimate / peak
            rows.append(
                {
                    "format": fmt,
                    "rows": n,
                    "input_mb": round(size, 1),
                    "peak_mb": round(peak, 1),
                    "estimate_mb": round(estimate, 1),
                    "estimate_over_peak": round(ratio, 2),
                    "target_met": bool(1.0 <= ratio <= 3.0),
                }
            )
    return rows


if __name__ == "__main__":
    sys.path.insert(0, str(_REPO))
    for r in run(tuple(int(a) for a in sys.argv[1:]) or (100_000, 300_000)):
        print(json.dumps(r))
