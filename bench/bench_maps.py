"""Benchmark of the default maps against ``GeoDataFrame.explore()`` of the same provinces.

``run()`` returns rows ``{"bench", "metric", "subject", "value", "baseline", "ratio", "unit"}``:

* size of each default map file vs the HTML of ``explore()`` (one column, default options;
  its JS/CSS come from CDNs, so its file is small but needs the network);
* time to build both default maps (fa + en, rendered and written) vs ``explore()`` rendered
  to HTML, measured in the same run, median of ``REPEAT`` runs after one warm-up each; our
  map caches (classification, coverage simplification) are cleared before every run, the
  embedded font's subset (made once per character set and process) is kept;
* the same with the font cache cleared too: the first build in a process, which subsets
  Noto Sans Arabic for each page (fontTools, about 0.2 s a page);
* browser load time of each file in Debian's Chromium (file://, every non-file request
  aborted, explore()'s included), from navigation start to the map being drawn.

Run: ``python -m bench.bench_maps`` (or ``python bench/bench_maps.py``).
"""

from __future__ import annotations

import statistics
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


def _row(metric: str, subject: str, value: float, baseline: float, unit: str) -> dict:
    return {"bench": "maps", "metric": metric, "subject": subject, "value": value, "baseline": baseline,
            "ratio": value / baseline if baseline else float("nan"), "unit": unit}  # fmt: skip


def _browser_load(paths: dict[str, Path], ready: dict[str, str]) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    out: dict[str, float] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, path in paths.items():
            times = []
            for _ in range(REPEAT + 1):
                page = browser.new_page(viewport={"width": 1366, "height": 768})
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
                t0 = time.perf_counter()
                page.goto(path.as_uri(), wait_until="load")
                page.wait_for_function(ready[name])
                times.append(time.perf_counter() - t0)
                page.close()
            out[name] = statistics.median(times[1:])
        browser.close()
    return out


def run() -> list[dict]:
    """Measure size, build time and browser load time of the default maps vs explore()."""
    from geo import _assets, maps
    from geo.stats import load_province_stats

    stats = load_province_stats()
    column = stats[["name_en", "green_space_ha", "geometry"]]
    tmp = Path(tempfile.mkdtemp(prefix="bench_maps_"))

    def ours() -> list[Path]:
        maps._classify.cache_clear()
        maps._simplified.cache_clear()
        return maps.build_maps(tmp)

    def ours_cold() -> list[Path]:
        _assets.font_bytes.cache_clear()
        _assets._font_cmap.cache_clear()
        return ours()

    def explore() -> str:
        return column.explore(column="green_space_ha").get_root().render()

    t_ours, t_explore = _median_times(ours, explore)
    t_cold, t_explore_cold = _median_times(ours_cold, explore, repeat=3)
    fa, en = ours()
    explore_path = tmp / "explore.html"
    explore_path.write_text(explore(), encoding="utf-8")
    e_size = explore_path.stat().st_size

    rows = [
        _row("size", fa.name, fa.stat().st_size, e_size, "bytes"),
        _row("size", en.name, en.stat().st_size, e_size, "bytes"),
        _row("build_time", "both default maps (fa+en)", t_ours, t_explore, "s"),
        _row("build_time", "both maps, font subset anew", t_cold, t_explore_cold, "s"),
    ]
    ready = {"fa": "window.geoMap !== undefined", "en": "window.geoMap !== undefined",
             "explore": "document.readyState === 'complete'"}  # fmt: skip
    loads = _browser_load({"fa": fa, "en": en, "explore": explore_path}, ready)
    rows.append(_row("browser_load", fa.name, loads["fa"], loads["explore"], "s"))
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
