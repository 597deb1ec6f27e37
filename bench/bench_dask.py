"""Benchmark: ``geo.join(engine="dask")`` on a LocalCluster of 2 worker processes against the in-memory engine.

The registers are synthetic (:func:`bench.bench_join.synthetic_register`: 97 % inside
Iran, 3 % abroad, at sea or swapped), with a numeric column and 0.1 % of the ids repeated
far apart, written by the bench into a temporary folder as Parquet parts (never committed).

* 10⁶ points: the in-memory engine (``geo.join`` of the same rows from one Parquet file,
  in a fresh process: wall time and peak memory, VmHWM) against the dask engine on a
  new 2-worker LocalCluster (wall time of the call, each worker's peak memory); the
  overhead is their ratio. Neither writes outputs, so that the figures compare the joins.
* 10⁷ points from a folder of 10 Parquet parts: the dask engine writes every output
  (GeoParquet parts, rows/, by_province.csv, report.json); each worker's peak memory
  (VmHWM of the worker process, read through ``client.run``) must stay ≤ 2 GB; rows/s per
  worker. Beside it, the in-memory engine joins the same 10⁷ rows from one Parquet file in
  a fresh process, as a user would run it; when :mod:`geo.registers.limits` refuses it (its
  worst-case estimate, for a register whose rows are all flagged, is over 80 % of the
  memory available), the refusal is reported and the run is made again with that check
  lifted (``GEO_MAX_MEMORY=1T``), to measure its wall time and actual peak where the
  machine has the memory.

Run ``python -m bench dask`` (or ``make bench``); ``python -m bench.bench_dask 1000000 0``
runs the 10⁶ comparison alone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bench.bench_join import synthetic_register

_REPO = Path(__file__).resolve().parents[1]
PART_ROWS = 1_000_000
ROW_GROUP = 250_000
WORKER_LIMIT_MB = 2048


def _register_part(n: int, seed: int, first_id: int) -> pd.DataFrame:
    """``n`` synthetic rows with ids from ``first_id``; 0.1 % of them repeat an id of the part."""
    frame = synthetic_register(n, seed=seed)
    rng = np.random.default_rng(seed)
    ids = np.arange(first_id, first_id + n)
    k = n // 1000
    ids[rng.choice(n, k, replace=False)] = ids[rng.choice(n, k, replace=False)]
    frame["id"] = ids
    frame["units"] = rng.integers(0, 500, n).astype("float64")
    return frame


def _write_parts(folder: Path, rows: int) -> list[Path]:
    """The register as Parquet parts of :data:`PART_ROWS` rows (row groups of :data:`ROW_GROUP`)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k, start in enumerate(range(0, rows, PART_ROWS)):
        part = _register_part(min(PART_ROWS, rows - start), seed=1000 + k, first_id=start)
        path = folder / f"part.{k}.parquet"
        part.to_parquet(path, row_group_size=ROW_GROUP, index=False)
        paths.append(path)
    return paths


def _in_memory(path: Path, env: dict[str, str] | None = None) -> tuple[float, float, dict]:
    """Wall time and peak memory (MB) of ``geo.join(path)`` in a fresh process, and its counts."""
    code = (
        "import json, time\n"
        "import geo\n"
        "geo.join(geo.example_path())\n"  # warm the province index, as the workers are below
        "t = time.perf_counter()\n"
        f"r = geo.join({str(path)!r}, by='location')\n"
        "wall = time.perf_counter() - t\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
        "counts = {k: r.summary[k] for k in ('rows_in', 'rows_joined', 'rows_flagged', 'rows_rejected')}\n"
        "print(json.dumps([wall, int(hwm.split()[1]) / 1024, counts]))\n"
    )
    env = {**os.environ, **(env or {})}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=_REPO, env=env)
    wall, peak, counts = json.loads(done.stdout.strip().splitlines()[-1])
    return wall, peak, counts


def _worker_peaks(client) -> list[float]:
    """Each worker process's peak resident memory (VmHWM, MB)."""

    def hwm() -> float:
        with open("/proc/self/status") as fh:
            line = next(ln for ln in fh if ln.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024

    return sorted(client.run(hwm).values())


def _on_dask(path: Path, out: Path | None) -> tuple[float, list[float], dict, int]:
    """Wall time of the dask engine on a new 2-worker LocalCluster, its workers' peaks, counts, partitions."""
    from distributed import Client, LocalCluster

    import geo

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        geo.join(geo.example_path(), engine="dask", client=client)  # workers import geo, build the index
        t = time.perf_counter()
        result = geo.join(path, engine="dask", client=client, by="location") if out is None else None
        if out is not None:
            from geo.engines.dask import join

            result = join(path, client=client, by="location", out=out)
        wall = time.perf_counter() - t
        peaks = _worker_peaks(client)
    s = result.summary
    counts = {k: s[k] for k in ("rows_in", "rows_joined", "rows_flagged", "rows_rejected")}
    return wall, peaks, counts, s["engine"]["partitions"]


def run(rows_small: int = 1_000_000, rows_large: int = 10_000_000) -> list[dict]:
    """One row for the 10⁶ comparison, one for the 10⁷ run; see the module docstring."""
    out: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        (single,) = _write_parts(Path(tmp) / "small", rows_small)
        mem_s, mem_peak, mem_counts = _in_memory(single)
        dask_s, peaks, counts, parts = _on_dask(single, None)
        assert counts == mem_counts, (counts, mem_counts)
        out.append(
            {
                "n": rows_small,
                "input": "1 Parquet file",
                "memory_s": round(mem_s, 2),
                "memory_peak_mb": round(mem_peak),
                "dask_s": round(dask_s, 2),
                "overhead": round(dask_s / mem_s, 2),
                "partitions": parts,
                "worker_peaks_mb": "/".join(f"{p:.0f}" for p in peaks),
                "rows_per_s_per_worker": round(rows_small / dask_s / 2),
                "same_counts": True,
            }
        )
        if not rows_large:  # python -m bench.bench_dask 1000000 0: the comparison alone
            return out
        folder = Path(tmp) / "large"
        _write_parts(folder, rows_large)
        dask_s, peaks, counts, parts = _on_dask(folder, Path(tmp) / "out")
        assert counts["rows_in"] == rows_large
        written = sum(f.stat().st_size for f in (Path(tmp) / "out").rglob("*") if f.is_file())
        memory = _in_memory_or_refused(folder, Path(tmp) / "large.parquet")
        out.append(
            {
                "n": rows_large,
                "input": f"{len(list(folder.iterdir()))} Parquet parts",
                "dask_s": round(dask_s, 1),
                "partitions": parts,
                "worker_peaks_mb": "/".join(f"{p:.0f}" for p in peaks),
                "rows_per_s_per_worker": round(rows_large / dask_s / 2),
                "outputs_mb": round(written / 2**20),
                "joined": counts["rows_joined"],
                "flagged": counts["rows_flagged"],
                "rejected": counts["rows_rejected"],
                "target_met": bool(max(peaks) <= WORKER_LIMIT_MB),
                **memory,
            }
        )
    return out


def _in_memory_or_refused(folder: Path, single: Path) -> dict:
    """The in-memory engine on the parts of ``folder`` gathered in one file: wall time and peak, or its refusal."""
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    pq.write_table(ds.dataset(folder, format="parquet").to_table(), single, row_group_size=ROW_GROUP)
    out: dict = {"memory_engine": "ran"}
    try:
        try:
            wall, peak, _ = _in_memory(single)
        except subprocess.CalledProcessError as exc:  # refused by geo.registers.limits: measured with the check lifted
            out["memory_engine"] = "refused; ran with GEO_MAX_MEMORY=1T: " + exc.stderr.strip().splitlines()[-1][:160]
            wall, peak, _ = _in_memory(single, {"GEO_MAX_MEMORY": "1T"})
    except subprocess.CalledProcessError as exc:  # killed: the machine has not the memory
        return {"memory_engine": "failed: " + (exc.stderr.strip().splitlines() or ["killed"])[-1][:160]}
    finally:
        single.unlink()
    return {**out, "memory_s": round(wall, 1), "memory_peak_mb": round(peak)}


if __name__ == "__main__":
    sys.path.insert(0, str(_REPO))
    small, large = (int(a) for a in sys.argv[1:3]) if len(sys.argv) > 2 else (1_000_000, 10_000_000)
    for row in run(small, large):
        print(json.dumps(row))
