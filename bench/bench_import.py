"""Benchmark of ``import geo``: it must stay light (no geopandas, shapely or pyproj).

``run()`` times ``python -c "import geo"`` in a new process against ``python -c "pass"``
(the interpreter's own start, the baseline measured in the same run), median of ``REPEAT``
runs alternately, and reports the difference (the import's own cost; target ≤ 0.1 s), the
ratio of the two wall times, and which heavy libraries the import loaded (none expected).
A second row times ``import geopandas`` the same way, for scale.

Run: ``python -m bench import``.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

REPEAT = 11
TARGET_S = 0.1
HEAVY = ("geopandas", "shapely", "pyproj", "pandas", "numpy", "folium")


def _wall(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def _medians(code: str) -> tuple[float, float]:
    """Median wall time of ``code`` and of an empty program, run alternately."""
    _wall(code), _wall("pass")  # warm the file cache
    ours, bare = [], []
    for _ in range(REPEAT):
        ours.append(_wall(code))
        bare.append(_wall("pass"))
    return statistics.median(ours), statistics.median(bare)


def _loaded() -> list[str]:
    probe = f"import geo, sys; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    return [m for m in out.stdout.strip().split(",") if m]


def run() -> list[dict]:
    """Rows of the import benchmark (see the module docstring)."""
    rows = []
    for subject in ("geo", "geopandas"):
        ours, bare = _medians(f"import {subject}")
        row = {
            "bench": "import",
            "subject": f"import {subject}",
            "value_s": round(ours - bare, 4),
            "process_s": round(ours, 4),
            "baseline_empty_process_s": round(bare, 4),
            "ratio": round(ours / bare, 2),
        }
        if subject == "geo":
            heavy = _loaded()
            row["heavy_modules_loaded"] = ",".join(heavy) or "none"
            row["target_met"] = ours - bare <= TARGET_S and not heavy
        rows.append(row)
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)  # noqa: T201 - a script's output
