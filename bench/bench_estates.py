"""Benchmark of a register's map with its estates' facts (issue 22), in Debian's Chromium.

Size, first draw, and applying a style or a filter.

``run()`` returns rows ``{"bench", "metric", "subject", "value", "baseline", "ratio", "unit",
"target", "target_met"}``. Registers of 10⁵ and 10⁶ rows (above
:data:`geo.maps.points.POINTS_LIMIT`: a grid of counts and the flagged rows one by one) and
of :data:`~geo.maps.points.POINTS_LIMIT` rows (every estate a point), each with a yes/no and
a number fact, at random places in Iran; the shipped example register
(``data/examples/estates_example.csv``) joined as a user joins it. Baselines are measured
in the same run: the default map (``geo build``'s Persian page) for sizes and first draw,
the shipped example's map for applying a style or filter.

* ``first_draw``: navigation start to the estates drawn (median of 5, after one warm-up);
* ``apply``: ``geoMap.estates.apply(fragment)`` (filters, key, points redrawn; synchronous
  in the page: above the point limit one pass over the column store, every cell, the key and
  the choropleth counted again), median of 10, alternating a style by a number fact, a
  yes/no filter, a range, all filters at once (status, province, yes/no, range) and none.

Run: ``python -m bench estates``.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]  # fmt: skip
READY = ("window.geoMap !== undefined && geoMap.estates && geoMap.drawn().clusters + geoMap.drawn().dots > 0"
         " && document.documentElement.getAttribute('data-geo-ready') === '1'")
STATES = ["color=f1", "color=f1&where.f0=no", "where.f0=yes&where.f1=100~",
          "color=f0&where.status=joined&where.province=IR-23&where.f0=no&where.f1=50~200", ""]  # fmt: skip


def _register(n: int, seed: int = 7) -> SimpleNamespace:
    """``n`` estates at random points inside the provinces, 3 % flagged, with two facts."""
    import geopandas as gpd

    from geo.reference.provinces import load_provinces

    rng = np.random.default_rng(seed)
    provinces = load_provinces()
    points = provinces.geometry.sample_points(size=n // len(provinces) + 1, rng=seed).explode().to_numpy()[:n]
    status = np.where(rng.random(n) < 0.03, "flagged", "joined").astype(object)
    estates = gpd.GeoDataFrame(
        {"row": np.arange(1, n + 1), "name": [f"estate {i}" for i in range(n)], "status": status,
         "province": ["IR-23"] * n, "reasons": [()] * n, "reasons_fa": [()] * n,
         "treatment plant": rng.random(n) < 0.4, "area (ha)": np.round(rng.gamma(2.0, 60.0, n), 1)},
        geometry=points, crs=4326,
    )  # fmt: skip
    by_province = provinces.copy()
    by_province["estates"] = np.bincount(rng.integers(0, 31, n), minlength=31)
    return SimpleNamespace(estates=estates, by_province=by_province)


def _browser(paths: dict[str, Path]) -> dict[str, dict[str, float]]:
    from playwright.sync_api import sync_playwright

    out: dict[str, dict[str, float]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, path in paths.items():
            loads = []
            for _ in range(6):
                page = browser.new_page(viewport={"width": 1366, "height": 768})
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
                t0 = time.perf_counter()
                page.goto(path.as_uri(), wait_until="load")
                page.wait_for_function(READY if name != "default" else "window.geoMap !== undefined")
                loads.append(time.perf_counter() - t0)
                page.close()
            out[name] = {"first_draw": statistics.median(loads[1:])}
            if name != "default":
                page = browser.new_page(viewport={"width": 1366, "height": 768})
                page.goto(path.as_uri())
                page.wait_for_function(READY)
                ms = [page.evaluate(f"geoMap.estates.apply({STATES[k % len(STATES)]!r})") for k in range(10)]
                out[name]["apply"] = statistics.median(ms) / 1000
                page.close()
        browser.close()
    return out


def _row(metric: str, subject: str, value: float, baseline: float, unit: str, target: float | None) -> dict:
    return {"bench": "estates", "metric": metric, "subject": subject, "value": value, "baseline": baseline,
            "ratio": value / baseline if baseline else float("nan"), "unit": unit, "target": target,
            "target_met": None if target is None else value <= target}  # fmt: skip


def run() -> list[dict]:
    """Measure the register maps (see the module docstring)."""
    import geo
    from geo._paths import data_dir
    from geo.maps import build_maps, register_map, save_map
    from geo.maps.points import POINTS_LIMIT

    tmp = Path(tempfile.mkdtemp(prefix="bench_estates_"))
    paths = {"default": build_maps(tmp, langs=["fa"])[0]}
    example = geo.join(data_dir() / "examples" / "estates_example.csv")
    paths["example"] = save_map(register_map(example, lang="fa"), tmp / "example.html")
    for n in (POINTS_LIMIT, 100_000, 1_000_000):
        paths[f"{n:,} rows"] = save_map(register_map(_register(n), lang="fa"), tmp / f"register_{n}.html")
    sizes = {k: p.stat().st_size for k, p in paths.items()}
    seen = _browser(paths)
    d, ex = sizes["default"], seen["example"]["apply"]
    rows = [_row("size", "shipped example's register map (fa)", sizes["example"], d, "bytes", 700_000)]
    targets = {"100,000 rows": (None, 1.5, 0.100), "1,000,000 rows": (5_000_000, None, 0.300)}
    for k in paths:
        if k in ("default", "example"):
            continue
        size_t, draw_t, apply_t = targets.get(k, (None, None, None))
        rows.append(_row("size", f"register map, {k}", sizes[k], d, "bytes", size_t))
        base = seen["default"]["first_draw"]
        rows.append(_row("first_draw", f"register map, {k}", seen[k]["first_draw"], base, "s", draw_t))
        rows.append(_row("apply", f"style/filter, {k} (median of 10)", seen[k]["apply"], ex, "s", apply_t))
    return rows
