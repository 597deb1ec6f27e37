"""Benchmark: PostGIS in and out at 10⁵ rows, each against its baseline in the same run.

A throw-away PostgreSQL server with PostGIS is started as the tests start it
(``tests/pg_server.py``: ``initdb`` into a temporary folder, a free loopback port, stopped
and removed at the end; ``tools/ensure_postgis.sh`` installs Debian's packages).

The register is synthetic (:func:`bench.bench_join.synthetic_register`: 97 % inside Iran,
3 % abroad, at sea or swapped), ids, names and a number column, its points as a geometry
(EPSG:4326), written by the bench into a temporary folder and the server (never committed).

* **reading**: ``python -m geo join URL --table register --out DIR`` against
  ``python -m geo join register.gpkg --out DIR`` (the same rows as a GeoPackage layer,
  written by pyogrio), each in a fresh process, the same outputs; target: the database
  at most 1.3 × the GeoPackage (best of :data:`REPEATS` runs each, alternated).
* **writing**: ``JoinResult.to_postgis`` of the joined rows (every row, with status,
  reasons, province, county, the register's columns and the points; one transaction, a
  GiST index) against ``GeoDataFrame.to_postgis`` of the same rows and columns
  (GeoAlchemy2, which also makes a GiST index; reasons as the same text); target: at most
  1.5 ×. Both in this process, best of :data:`REPEATS` each, alternated.

Run ``python -m bench postgis`` (or ``make bench``).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

_REPO = Path(__file__).resolve().parents[1]
ROWS = 100_000
REPEATS = 3
READ_TARGET = 1.3
WRITE_TARGET = 1.5


def _server() -> tuple[Any, str]:
    """A started :class:`PostgisServer`, or None and why not."""
    sys.path.insert(0, str(_REPO / "tests"))
    from pg_server import PostgisServer, postgis_binaries

    bindir, why = postgis_binaries()
    if bindir is None:
        return None, why
    return PostgisServer(bindir).start(), ""


def _register(folder: Path, url: str) -> Path:
    """The synthetic register as ``register.gpkg`` and as table ``register`` of the server."""
    import geopandas as gpd
    from sqlalchemy import create_engine

    from bench.bench_join import synthetic_register

    frame = synthetic_register(ROWS)
    frame["units"] = (frame["id"] % 500).astype("float64")
    points = gpd.GeoDataFrame(
        frame.drop(columns=["lat", "lon"]), geometry=gpd.points_from_xy(frame["lon"], frame["lat"], crs=4326)
    )
    gpkg = folder / "register.gpkg"
    points.to_file(gpkg, layer="register", engine="pyogrio")
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    points.to_postgis("register", engine, index=False)
    engine.dispose()
    return gpkg


def _cli_seconds(args: list[str], out: Path) -> float:
    """Wall time of ``python -m geo join ARGS --out OUT`` in a fresh process."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "geo", "join", *args, "--out", str(out)], capture_output=True,
                          text=True, cwd=_REPO, timeout=1200, check=False)  # fmt: skip
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"geo join {args[0][:20]}… failed: {done.stderr[-500:]}")
    return seconds


def _reading(folder: Path, gpkg: Path, url: str) -> dict[str, Any]:
    database, files = [], []
    for k in range(REPEATS):
        files.append(_cli_seconds([str(gpkg)], folder / f"gpkg{k}"))
        database.append(_cli_seconds([url, "--table", "register"], folder / f"db{k}"))
    ratio = min(database) / min(files)
    return {"case": f"geo join of a {ROWS:,}-row PostGIS table vs the same GeoPackage", "ours_s": min(database),
            "baseline_s": min(files), "ratio": ratio, "target": f"<= {READ_TARGET}",
            "target_met": bool(ratio <= READ_TARGET)}  # fmt: skip


def _writing(url: str) -> dict[str, Any]:
    import psycopg
    from sqlalchemy import create_engine

    from geo import join
    from geo.output.outputs import _for_files

    result = join(url, table="register")
    same_rows = _for_files(result.estates, lambda *a: None)  # the texts as our table holds them
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    ours, theirs = [], []
    for k in range(REPEATS):
        start = time.perf_counter()
        same_rows.to_postgis(f"baseline_{k}", engine, index=False)
        theirs.append(time.perf_counter() - start)
        start = time.perf_counter()
        result.to_postgis(url, f"ours_{k}")
        ours.append(time.perf_counter() - start)
    engine.dispose()
    with psycopg.connect(url) as conn:
        counts = conn.execute("SELECT (SELECT count(*) FROM ours_0), (SELECT count(*) FROM baseline_0)").fetchone()
    if counts != (ROWS, ROWS):
        raise RuntimeError(f"rows written: {counts}, expected {ROWS} each")
    ratio = min(ours) / min(theirs)
    return {"case": f"writing {ROWS:,} joined rows: JoinResult.to_postgis vs GeoDataFrame.to_postgis",
            "ours_s": min(ours), "baseline_s": min(theirs), "ratio": ratio, "target": f"<= {WRITE_TARGET}",
            "target_met": bool(ratio <= WRITE_TARGET)}  # fmt: skip


def run() -> list[dict[str, Any]]:
    """Both comparisons on one throw-away server (a row saying why, where none can be started)."""
    server, why = _server()
    if server is None:
        return [{"case": "PostGIS", "skipped": why, "target_met": None}]
    try:
        with tempfile.TemporaryDirectory(prefix="geo-bench-postgis-") as tmp:
            url = server.url()
            gpkg = _register(Path(tmp), url)
            return [_reading(Path(tmp), gpkg, url), _writing(url)]
    finally:
        server.stop()


if __name__ == "__main__":
    for row in run():
        print(row)
