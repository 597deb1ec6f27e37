"""Run every hostile case of issue 15 as a user would and print one line per case.

Usage: ``python tools/hostile_outcomes.py CORPUS_DIR [CASE ...]``, where CORPUS_DIR was
written by ``python tests/bad_registers/make_corpus.py CORPUS_DIR``. Each case runs
``python -m geo ...`` (or a Python snippet of the API) in a fresh process with a 4 GB
address-space limit and a time limit, and prints: the case, the exit status, the
seconds taken, the statuses in report.json (j/f/r counts), the sizes of report.json and
map.html, and the first line of stderr. With ``PYTHONPATH`` pointing at another checkout
it shows that checkout's behaviour (the "before" of a change).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LIMIT_BYTES = 4 << 30
TIMEOUT = 150

#: name → (command-line arguments after ``python -m geo``, with {c} for the corpus and {o} for --out)
CLI = {
    "unbalanced_quote": ["join", "{c}/unbalanced_quote.csv", "--out", "{o}"],
    "unclosed_quote": ["join", "{c}/unclosed_quote.csv", "--out", "{o}"],
    "reserved_columns": ["join", "{c}/reserved_columns.csv", "--out", "{o}"],
    "control_characters": ["join", "{c}/control_characters.csv", "--out", "{o}"],
    "huge_cell": ["join", "{c}/huge_cell.csv", "--out", "{o}"],
    "sum_overflow": ["join", "{c}/sum_overflow.csv", "--out", "{o}"],
    "e308": ["join", "{c}/e308.csv", "--out", "{o}"],
    "formula_no_value": ["join", "{c}/formula_no_value.xlsx", "--out", "{o}"],
    "blank_rows": ["join", "{c}/blank_rows.xlsx", "--out", "{o}"],
    "stray_a1048576": ["join", "{c}/stray_a1048576.xlsx", "--out", "{o}"],
    "stray_xfd1048576": ["join", "{c}/stray_xfd1048576.xlsx", "--out", "{o}"],
    "shared_strings_bomb": ["join", "{c}/shared_strings_bomb.xlsx", "--out", "{o}"],
    "numeric_10000_columns": ["join", "{c}/numeric_10000_columns.csv", "--out", "{o}"],
    "text_2100_columns": ["join", "{c}/text_2100_columns.csv", "--out", "{o}"],
    "uint64_ids": ["join", "{c}/uint64_ids.parquet", "--out", "{o}"],
    "bad_crs": ["join", "{c}/bad_crs.geojson", "--out", "{o}"],
    "bad_crs_option": ["join", "{c}/epsg3857_columns.csv", "--out", "{o}", "--crs", "EPSG:999999"],
    "reconcile_deep": ["join", "{c}/negative_counts.csv", "--out", "{o}", "--reconcile", "{c}/reconcile_deep.json"],
    "reconcile_binary": ["join", "{c}/negative_counts.csv", "--out", "{o}", "--reconcile", "{c}/reconcile_binary.json"],
    "iso_code_column": ["join", "{c}/iso_code_column.csv", "--out", "{o}"],
    "abbreviations": ["join", "{c}/abbreviations.csv", "--out", "{o}"],
    "province_blank_located": ["join", "{c}/province_blank_located.csv", "--out", "{o}"],
    "facts_csv": ["facts", "--format", "csv", "--ledger", "{c}/hostile_ledger.csv"],
}

#: name → a Python snippet run with the package imported as ``geo`` (``{c}``: the corpus)
API = {
    "join(None)": "geo.join(None)",
    "join(42)": "geo.join(42)",
    "join(list of dicts)": "geo.join([{'province': 'Fars'}])",
    "read_register(bytes)": "geo.read_register(b'{c}/windows1256.csv')",
    "register_map(None)": "geo.register_map(None)",
    "save_map(under a file)": "import pathlib; f = pathlib.Path('{o}'); f.parent.mkdir(parents=True, exist_ok=True); "
    "f.write_text('x'); geo.save_map(geo.estates_map(lang='en'), f / 'm.html')",
    "join(coast_km=nan)": "import pandas as pd; geo.join(pd.DataFrame({'lat': [27.1], 'lon': [56.3]}), coast_km=float('nan'))",
    "DataFrame, duplicate columns": "import pandas as pd; "
    "r = geo.join(pd.DataFrame([['Fars', 'Qom']], columns=['province', 'province'])); print(r.summary['warnings'])",
    "normalize_name(None)": "print(repr(geo.normalize_name(None)))",
}


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))


def _run(argv: list[str]) -> tuple[str, float, str, str]:
    start = time.perf_counter()
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT, preexec_fn=_limit, check=False)
    except subprocess.TimeoutExpired:
        return f"timeout>{TIMEOUT}s", time.perf_counter() - start, "", ""
    seconds = time.perf_counter() - start
    err = [line for line in done.stderr.splitlines() if line.strip()]
    first = (err[-1] if err and err[0].startswith("Traceback") else err[0]) if err else ""
    lines = f" ({len(err)} lines{', Traceback' if 'Traceback' in done.stderr else ''})" if err else ""
    return str(done.returncode), seconds, first[:140] + lines, done.stdout


def _outputs(out: Path) -> str:
    report = out / "report.json"
    if not report.is_file():
        return "no report.json"
    doc = json.loads(report.read_text(encoding="utf-8"))
    sizes = f"report {report.stat().st_size / 1e6:.2f} MB"
    if (out / "map.html").is_file():
        sizes += f", map {(out / 'map.html').stat().st_size / 1e6:.2f} MB"
    counts = f"in {doc['rows_in']}: j {doc['rows_joined']} f {doc['rows_flagged']} r {doc['rows_rejected']}"
    return f"{counts}; {sizes}"


def _formula_cells(text: str) -> str:
    """How many cells of a CSV a spreadsheet would run as a formula."""
    import csv
    import io

    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    risky = [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or (c[:1] == "-" and not c[1:].isdigit())]
    return f"{len(risky)} formula cells of {len(cells)}" + (f", e.g. {risky[0][:30]!r}" if risky else "")


def main(corpus: Path, wanted: list[str]) -> None:
    for name, args in CLI.items():
        if wanted and name not in wanted:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out"
            argv = [sys.executable, "-m", "geo", *(a.replace("{c}", str(corpus)).replace("{o}", str(out)) for a in args)]
            code, seconds, err, stdout = _run(argv)
            extra = _outputs(out) if args[0] == "join" else _formula_cells(stdout)
            print(f"{name} | exit {code} | {seconds:.1f} s | {extra} | {err}", flush=True)
    for name, snippet in API.items():
        if wanted and name not in wanted:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            code_text = "import geo\n" + snippet.replace("{c}", str(corpus)).replace("{o}", str(Path(tmp) / "file"))
            code, seconds, err, stdout = _run([sys.executable, "-c", code_text])
            print(f"{name} | exit {code} | {seconds:.1f} s | {stdout.strip()[:100]} | {err}", flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2:])
