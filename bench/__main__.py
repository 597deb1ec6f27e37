"""Run every benchmark and print its figures: ``python -m bench [maps|join ...]``."""

from __future__ import annotations

import importlib
import json
import sys
import time
import warnings
from pathlib import Path

from rich.console import Console
from rich.table import Table

SUITES = {
    "import": "bench.bench_import",
    "maps": "bench.bench_maps",
    "join": "bench.bench_join",
    "limits": "bench.bench_limits",
    "e2e": "bench.bench_e2e",
    "dask": "bench.bench_dask",
    "postgis": "bench.bench_postgis",
    "estates": "bench.bench_estates",
    "formats": "bench.bench_formats",
    "compare": "bench.bench_compare",
}
RESULTS = Path(__file__).resolve().parent / "results"


def _table(title: str, rows: list[dict]) -> Table:
    table = Table(title=title)
    columns = list(dict.fromkeys(k for row in rows for k in row))
    for col in columns:
        numeric = all(isinstance(r.get(col), (int, float)) and not isinstance(r.get(col), bool) for r in rows if col in r)
        table.add_column("met" if col == "target_met" else col, justify="right" if numeric else "left", no_wrap=True)
    for row in rows:
        cells = []
        for col in columns:
            v = row.get(col, "")
            if isinstance(v, bool):
                cells.append("yes" if v else "NO")
            elif v is None:
                cells.append("")
            else:
                cells.append(f"{v:,.3f}" if isinstance(v, float) else f"{v:,}" if isinstance(v, int) else str(v))
        table.add_row(*cells)
    return table


def main(argv: list[str]) -> int:
    # geo's modules compiled to bytecode, as pip does when it installs the package: a
    # checkout run with PYTHONDONTWRITEBYTECODE would otherwise compile them in every new
    # process the benchmarks time (a third of a second), which no installed copy does
    import compileall

    compileall.compile_dir(Path(__file__).resolve().parent.parent / "geo", quiet=1)
    # the shipped 1394 table does not add up in places: `geo build` and the tests report it,
    # here it would only bury the tables
    from geo.errors import DataQualityWarning

    warnings.filterwarnings("ignore", category=DataQualityWarning)
    console = Console(width=220)  # wide enough for every column, also when not on a terminal
    chosen = argv or list(SUITES)
    RESULTS.mkdir(exist_ok=True)
    failed = False
    for name in chosen:
        module = importlib.import_module(SUITES[name])
        start = time.perf_counter()
        rows = module.run()
        console.print(_table(f"{name} ({time.perf_counter() - start:.0f} s)", rows))
        (RESULTS / f"{name}.json").write_text(json.dumps(rows, indent=2, ensure_ascii=False), encoding="utf-8")
        failed |= any(row.get("target_met") is False for row in rows)
    console.print(f"figures saved in {RESULTS}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
