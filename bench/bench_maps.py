"""Benchmark of the default maps against ``GeoDataFrame.explore()`` of the same provinces.

``run()`` returns rows ``{"bench", "metric", "subject", "value", "baseline", "ratio", "unit"}``:

* size of each default map file vs the HTML of ``explore()`` (one column, default options;
  its JS/CSS come from CDNs, so its file is small but needs the network);
* time to build both default maps (fa + en, rendered and written) vs ``explore()`` rendered
  to HTML, measured in the same run, median of ``REPEAT`` runs after one warm-up each; our
  map caches (classification, coverage simplification) are cleared before every run, the
  embedded font's subset (made once per character set and process) is kept;
* ``geo build`` as a user runs it, in a new process (imports included), against a new
  process that builds and saves explore()'s map with plain geopandas: with the font subset
  and the class breaks already in the disk cache (every build after the first on a
  machine), and with an empty cache (the first build on a machine: it subsets Noto Sans
  Arabic, about half a second a page, and imports mapclassify, which brings in SciPy);
* browser load time of each file in Debian's Chromium (file://), from navigation start to
  the map being drawn (its polygons in the page, then two animation frames). Our pages make
  no request; explore()'s asks CDNs for its scripts and styles, which are answered from
  local copies through playwright routing (:func:`_local_asset`): Leaflet from the installed
  ``django-js-lib-leaflet`` (1.9.4; explore() names 1.9.3), jQuery from Debian's
  ``/usr/share/javascript/jquery``; the assets not installed here (Bootstrap, Font Awesome,
  awesome-markers, d3 for branca's legend) are answered with an empty file of their type,
  so that nothing waits on the network. explore()'s map then draws its polygons offline.

Targets (``target_met``): first ``geo build`` (empty cache) ≤ 1.0 × explore() in a new
process; the fa map's first draw ≤ 1.0 × explore()'s.

Run: ``python -m bench.bench_maps`` (or ``python bench/bench_maps.py``).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPEAT = 9
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]  # fmt: skip


def _median_times(a, b, repeat: int = REPEAT) -> tuple[float, float]:
    """Median wall time of a() and of b(), run alternately (after one warm-up each)."""
    a(), b()  # warm-up (imports, first-use caches of libraries)
    ta, tb = [], []
    for _ in range(repeat):
        for fn, out in ((a, ta), (b, tb)):
            t0 = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t0)
    return statistics.median(ta), statistics.median(tb)


# The baseline process: plain geopandas, reading the same shipped files, no geo import.
_EXPLORE_SCRIPT = """
import sys
import geopandas as gpd
import pandas as pd
data = sys.argv[2]
provinces = gpd.read_parquet(data + "/boundaries/provinces.parquet").set_geometry("land").drop(columns="geometry").rename_geometry("geometry")
table = pd.read_csv(data + "/yearbook/green_space_1392.csv")
column = provinces.merge(table, on="code")[["name_en", "green_space_ha", "geometry"]]
column.explore(column="green_space_ha").save(sys.argv[1])
"""


def _process_time(cmd: list[str], cache: Path) -> float:
    env = {**os.environ, "GEO_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env, timeout=600)
    return time.perf_counter() - start


def _median_process_times(a: list[str], b: list[str], cache: Path, repeat: int = 5) -> tuple[float, float]:
    """Median wall time of two commands, each in a new process, alternated."""
    ta, tb = [], []
    for _ in range(repeat):
        ta.append(_process_time(a, cache))
        tb.append(_process_time(b, cache))
    return statistics.median(ta), statistics.median(tb)


def _row(metric: str, subject: str, value: float, baseline: float, unit: str, target: float | None = None) -> dict:
    ratio = value / baseline if baseline else float("nan")
    return {"bench": "maps", "metric": metric, "subject": subject, "value": value, "baseline": baseline,
            "ratio": ratio, "unit": unit, "target": "" if target is None else f"≤ {target}×",
            "target_met": None if target is None else bool(ratio <= target)}  # fmt: skip


#: Where explore()'s CDN assets are found on this machine (by file name).
_LOCAL_ASSETS = {
    "leaflet.js": "js_lib_leaflet/static/js_lib_leaflet/leaflet.js",
    "leaflet.css": "js_lib_leaflet/static/js_lib_leaflet/leaflet.css",
    "jquery-3.7.1.min.js": "/usr/share/javascript/jquery/jquery.min.js",
}
#: Time the map is drawn: its polygons are in the page (ours draw into Leaflet's layers
#: too), then two animation frames.
_DRAWN = "document.querySelectorAll('path.leaflet-interactive').length > 0"


def _local_asset(route) -> None:  # noqa: ANN001 - a playwright Route
    """Answer a request from a local file: the page's own file, or an explore() asset (see the docstring)."""
    import site

    url = route.request.url
    if url.startswith("file:"):
        route.continue_()
        return
    name = url.rsplit("/", 1)[-1]
    kind = "text/css" if name.endswith(".css") else "application/javascript"
    local = _LOCAL_ASSETS.get(name)
    if local is not None and not local.startswith("/"):
        local = next(str(Path(d) / local) for d in site.getsitepackages() if (Path(d) / local).exists())
    body = Path(local).read_bytes() if local else b""
    route.fulfill(status=200, body=body, content_type=kind, headers={"Access-Control-Allow-Origin": "*"})


def _browser_load(paths: dict[str, Path], ready: dict[str, str]) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    out: dict[str, float] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, path in paths.items():
            times = []
            for _ in range(REPEAT + 1):
                page = browser.new_page(viewport={"width": 1366, "height": 768})
                page.route("**/*", _local_asset)
                t0 = time.perf_counter()
                page.goto(path.as_uri(), wait_until="load")
                page.wait_for_function(ready[name])
                page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
                times.append(time.perf_counter() - t0)
                page.close()
            out[name] = statistics.median(times[1:])
        browser.close()
    return out


def run() -> list[dict]:
    """Measure size, build time and browser load time of the default maps vs explore()."""
    from geo import maps
    from geo.maps import classify, county_level, geometry
    from geo.reference.stats import load_province_stats

    stats = load_province_stats()
    column = stats[["name_en", "green_space_ha", "geometry"]]
    tmp = Path(tempfile.mkdtemp(prefix="bench_maps_"))

    def ours() -> list[Path]:
        classify.classify.cache_clear()
        geometry._simplified_wkb.cache_clear()
        county_level._county_shapes.cache_clear()
        return maps.build_maps(tmp)

    def explore() -> str:
        return column.explore(column="green_space_ha").get_root().render()

    t_ours, t_explore = _median_times(ours, explore)
    # What a user runs: a new process each time. `geo build` with the subset font already in
    # the disk cache (every build after the first on a machine), and with an empty cache.
    cache = tmp / "font-cache"
    geo_build = [sys.executable, "-m", "geo", "build", "--out", str(tmp / "cli")]
    from geo._paths import data_dir

    explore_cli = [sys.executable, "-c", _EXPLORE_SCRIPT, str(tmp / "cli-explore.html"), str(data_dir())]
    _process_time(geo_build, cache)  # fills the disk cache
    t_proc, t_proc_explore = _median_process_times(geo_build, explore_cli, cache)
    t_first = statistics.median(_process_time(geo_build, tmp / f"empty-cache-{i}") for i in range(3))
    fa, en = ours()
    explore_path = tmp / "explore.html"
    explore_path.write_text(explore(), encoding="utf-8")
    e_size = explore_path.stat().st_size

    rows = [
        _row("size", fa.name, fa.stat().st_size, e_size, "bytes"),
        _row("size", en.name, en.stat().st_size, e_size, "bytes"),
        _row("build_time", "both default maps (fa+en)", t_ours, t_explore, "s"),
        _row("build_time", "`geo build` in a new process (font, classes cached on disk)", t_proc, t_proc_explore, "s"),
        _row("build_time", "first `geo build` on a machine (empty disk cache)", t_first, t_proc_explore, "s", 1.0),
    ]
    ready = {"fa": f"window.geoMap !== undefined && {_DRAWN}", "en": f"window.geoMap !== undefined && {_DRAWN}",
             "explore": _DRAWN}  # fmt: skip
    loads = _browser_load({"fa": fa, "en": en, "explore": explore_path}, ready)
    rows.append(_row("browser_load", f"{fa.name} first draw vs explore()'s (its assets local)", loads["fa"],
                     loads["explore"], "s", 1.0))  # fmt: skip
    rows.append(_row("browser_load", en.name, loads["en"], loads["explore"], "s"))
    return rows


def _print(rows: list[dict]) -> None:
    print(f"{'metric':<13} {'subject':<28} {'value':>12} {'explore()':>12} {'ratio':>7} unit")
    for r in rows:
        fmt = "{:>12,.0f}" if r["unit"] == "bytes" else "{:>12.3f}"
        print(f"{r['metric']:<13} {r['subject']:<28} {fmt.format(r['value'])} {fmt.format(r['baseline'])} "
              f"{r['ratio']:>7.2f} {r['unit']}")  # fmt: skip


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
    _print(run())
