"""Make the cache seeds shipped in ``data/cache/``: what a first ``geo build`` computes.

A first ``geo build`` on a machine (an empty cache) subsets the font (not seeded: a
third-party asset), classifies the
indicators (mapclassify, which imports SciPy and Matplotlib), simplifies the province
and county coverages and packs the county level: about three seconds that every machine
spends alike. This tool runs ``python -m geo build`` (both languages, default options)
on an empty cache with no seeds, and copies the entries it made of the namespaces in
:data:`SEEDED` into ``data/cache/<namespace>/<entry>``, in the cache's own format (header
and SHA-256 of the content). ``geo._cache.cached`` looks there after a miss in the user's
cache. Each entry's name is the hash of everything it depends on (the shipped data's
digests, the library versions, the options), so a seed made from other data or versions
is never found: the cache computes the entry as before.

``data/cache/versions.json`` records the versions the seeds were made with; the tests
(``tests/test_cache_seed.py``) check that, under those versions, a first build computes
nothing and gives the same bytes as a build with the cache off.

Usage: ``PYTHONPATH=$PWD python tools/seed_cache.py`` (rewrites ``data/cache/``);
``--check`` makes them in a temporary folder and exits 1 when they differ from the shipped
ones.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zlib
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "data" / "cache"
#: The namespaces of ``geo._cache`` that a first ``geo build`` fills and that are seeded.
#: Not the font subsets and the font's character map: they are made from a third-party font
#: package, and the project ships no third-party assets, only depends on the packages.
SEEDED = ("classes", "palettes", "coverage", "county-shapes", "county-blocks")
#: The libraries whose versions key the seeded entries.
LIBRARIES = ("mapclassify", "branca", "shapely")

README = """# Cache seeds (made by `tools/seed_cache.py`; do not edit)

What a first `geo build` computes on any machine from the project's own data (class
breaks, palettes, simplified coverages, county shapes and block), in the format of `geo/_cache.py`: a miss
in the user's cache is looked up here before it is computed. Each file's name is the hash
of everything its content depends on (the shipped data's digests, library versions,
options), so a stale seed is never used. Regenerate after changing the shipped data, the
map code or the libraries listed in `versions.json`:

    PYTHONPATH=$PWD python tools/seed_cache.py

Sources: the shipped data in `data/` (boundaries, yearbook tables, facts), as `geo build`
reads them (see the provenance READMEs of those folders). The font subsets are not seeded:
they are made from the `fontpkg-noto-sans-arabic` package, and the project keeps no
third-party assets in git.
"""


def versions() -> dict[str, str]:
    """The versions the seeds depend on: the libraries, GEOS and zlib."""
    import shapely

    found = {name: version(name) for name in LIBRARIES}
    found["geos"] = shapely.geos_version_string
    found["zlib"] = zlib.ZLIB_RUNTIME_VERSION
    return found


def make(into: Path) -> None:
    """Run a first ``geo build`` without seeds and copy its seeded entries into ``into``."""
    with tempfile.TemporaryDirectory() as tmp:
        shipped = Path(tmp) / "shipped"
        if SEEDS.exists():  # no seed may answer: every entry is computed
            shutil.move(SEEDS, shipped)
        try:
            env = dict(os.environ, GEO_CACHE_DIR=str(Path(tmp) / "cache"), PYTHONPATH=str(ROOT))
            command = [sys.executable, "-m", "geo", "build", "--out", str(Path(tmp) / "maps")]
            subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
        finally:
            if shipped.exists():
                shutil.move(shipped, SEEDS)
        into.mkdir(parents=True, exist_ok=True)
        for namespace in SEEDED:
            source = Path(tmp) / "cache" / namespace
            if source.is_dir():
                shutil.copytree(source, into / namespace)
    (into / "versions.json").write_text(json.dumps(versions(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    (into / "README.md").write_text(README, encoding="utf-8")


def _same(a: Path, b: Path) -> bool:
    """Whether two folders hold the same files with the same bytes."""
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    if files != sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file()):
        return False
    return all(filecmp.cmp(a / f, b / f, shallow=False) for f in files)


def main() -> int:
    """Rewrite ``data/cache`` (or, with ``--check``, compare it with fresh seeds)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with fresh seeds; exit 1 when they differ")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "seeds"
        make(fresh)
        if options.check:
            same = SEEDS.is_dir() and _same(fresh, SEEDS)
            sys.stdout.write("seeds are current\n" if same else "seeds differ: run tools/seed_cache.py\n")
            return 0 if same else 1
        if SEEDS.exists():
            shutil.rmtree(SEEDS)
        shutil.copytree(fresh, SEEDS)
    count = sum(1 for p in SEEDS.rglob("*") if p.is_file())
    size = sum(p.stat().st_size for p in SEEDS.rglob("*") if p.is_file())
    sys.stdout.write(f"wrote {count} files ({size:,} bytes) into {SEEDS.relative_to(ROOT)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
