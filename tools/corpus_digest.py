"""Run the project's output corpus and print a manifest of SHA-256 digests, one per file.

The corpus (issue 25 and 21, "outputs unchanged, byte for byte"): the shipped example and
the test registers (``tests/data/**`` registers) through ``geo join`` in both languages,
the example once more with every joined-rows format, and both default maps of
``geo build``. Each is run as a user runs it (``python -m geo`` in a new process) into
one folder, with an empty cache folder first (the shipped seeds of ``data/cache`` answer
what they hold); ``--warm`` runs everything a second time on the now filled cache and
checks that the bytes are the same (a cached part must give the uncached bytes), and
``--no-cache`` runs with the cache off (no seed either: everything computed).

Compare two checkouts (main and a branch) by running this tool in each and diffing the
manifests::

    cd /work/wt/base && PYTHONPATH=$PWD python tools/corpus_digest.py /tmp/base > /tmp/base.txt
    cd /work/wt/speed && PYTHONPATH=$PWD python tools/corpus_digest.py /tmp/speed > /tmp/speed.txt
    diff /tmp/base.txt /tmp/speed.txt

What is masked, and why (nothing else is):

- a GeoPackage is compared as the SQL text of its database (``sqlite3`` ``iterdump``), not
  as file bytes: SQLite's page layout and free pages depend on the write path, not on
  the content; in that text GDAL's ``last_change`` stamps (the time of writing, ISO
  8601) are replaced by ``<time>``;
- a GeoParquet file is compared as its table (schema with its ``geo`` metadata, and every
  value), not as file bytes: which columns are stored as
  dictionaries and how pages are compressed is the writer's choice, not the content;
- ``.geo-lock`` holds the writing process's id and is left out (``.geo-manifest.json``,
  the list of files, is kept).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: GDAL's ``last_change`` of ``gpkg_contents`` and the like: the time of writing.
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z")
#: Files of an output set that say which process wrote it, not what it wrote.
_SKIPPED = {".geo-lock"}


@dataclass(frozen=True)
class Case:
    """One run of the corpus: its folder name and the ``geo`` arguments after ``--out``."""

    name: str
    args: tuple[str, ...]


def cases() -> list[Case]:
    """Every run of the corpus, in a fixed order."""
    example = "data/examples/estates_example.csv"
    registers = [example, *sorted(_test_registers())]
    runs = [
        Case(name="build", args=("build",)),
    ]
    for register in registers:
        stem = Path(register).name.replace(".", "_")
        for lang in ("fa", "en"):
            runs.append(Case(name=f"join_{stem}_{lang}", args=("join", register, "--lang", lang)))
    all_formats = ("--formats", "gpkg,parquet,geojson,csv")
    runs.append(Case(name="join_example_all_formats", args=("join", example, *all_formats)))
    return runs


def _test_registers() -> list[str]:
    """The registers under ``tests/data`` (spreadsheets and delimited files of estates)."""
    found = []
    for path in (ROOT / "tests" / "data").rglob("*"):
        if path.suffix.lower() in {".csv", ".xls", ".xlsx", ".ods"} and "gazetteer" not in path.parts:
            found.append(str(path.relative_to(ROOT)))
    return found


def digest(path: Path) -> str:
    """The SHA-256 of a file, a GeoPackage by its masked SQL text, a GeoParquet file by its table (module docstring)."""
    if path.suffix == ".gpkg":
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            text = "\n".join(connection.iterdump())
        finally:
            connection.close()
        return hashlib.sha256(_TIMESTAMP.sub("<time>", text).encode("utf-8")).hexdigest()
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        content = repr((table.schema.to_string(show_schema_metadata=True), table.to_pydict()))
        return hashlib.sha256(content.encode("utf-8")).hexdigest()
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_case(case: Case, *, out: Path, env: dict[str, str]) -> int:
    """Run one case into ``out/case.name``; its exit status (a flagged row is not a failure)."""
    target = out / case.name
    command = [sys.executable, "-m", "geo", *case.args, "--out", str(target)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=False)
    (out / f"{case.name}.stderr").write_bytes(done.stderr)
    return done.returncode


def manifest(out: Path, names: list[str]) -> list[str]:
    """``digest  case/relative/path`` lines of every file the cases wrote, sorted."""
    lines = []
    for name in names:
        for path in sorted((out / name).rglob("*")):
            if path.is_file() and path.name not in _SKIPPED:
                lines.append(f"{digest(path)}  {path.relative_to(out)}")
    return lines


def main() -> int:
    """Run the corpus, print the manifest (and write it as ``manifest.txt`` in the folder)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="an empty or new folder for the outputs")
    parser.add_argument("--warm", action="store_true", help="run again on the filled cache and compare")
    parser.add_argument("--no-cache", action="store_true", help="GEO_CACHE_DIR empty: everything computed, no seed")
    options = parser.parse_args()
    out: Path = options.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    cache = "" if options.no_cache else tempfile.mkdtemp(prefix="geo-corpus-cache-")
    env = dict(os.environ, GEO_CACHE_DIR=cache)
    runs = cases()
    statuses = [f"exit {run_case(case, out=out, env=env)}  {case.name}" for case in runs]
    lines = manifest(out, [case.name for case in runs])
    text = "\n".join([*statuses, *lines]) + "\n"
    (out / "manifest.txt").write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    if options.warm:
        warm = out / "warm"
        warm.mkdir(exist_ok=True)
        for case in runs:
            run_case(case, out=warm, env=env)
        again = manifest(warm, [case.name for case in runs])
        if again != lines:
            differ = sorted(set(again) ^ set(lines))
            sys.stderr.write("warm cache gave other bytes:\n" + "\n".join(differ) + "\n")
            return 1
        sys.stderr.write(f"warm cache: the same {len(lines)} digests\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
