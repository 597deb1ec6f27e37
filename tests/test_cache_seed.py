"""The cache seeds shipped in data/cache (tools/seed_cache.py): used on a first build, same bytes.

A first ``geo build`` on an empty cache answers from the seeds and gives the bytes of a
build with the cache off (everything computed); under the versions the seeds were made
with it computes nothing (a seed left stale by new data or code fails here: run
``tools/seed_cache.py``). A damaged seed is ignored, never deleted, and the entry made.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from geo import _cache

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "data" / "cache"


def _tool():
    """tools/seed_cache.py as a module (its list of seeded namespaces and its versions)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("seed_cache", REPO / "tools" / "seed_cache.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _build(out: Path, cache: str) -> dict[str, bytes]:
    env = dict(os.environ, GEO_CACHE_DIR=cache)
    subprocess.run([sys.executable, "-m", "geo", "build", "--out", str(out)], env=env, check=True, capture_output=True)
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


@pytest.fixture(scope="module")
def computed(tmp_path_factory) -> dict[str, bytes]:
    """Both default maps with the cache off: nothing read from a cache or a seed."""
    return _build(tmp_path_factory.mktemp("computed"), "")


def test_a_first_build_answers_from_the_seeds_with_the_computed_bytes(tmp_path, computed):
    cache = tmp_path / "cache"
    assert _build(tmp_path / "maps", str(cache)) == computed
    tool = _tool()
    # a seed found is stored in the user's cache as it is; an entry computed has no seed of its name
    made = sorted(
        str(p.relative_to(cache))
        for p in cache.rglob("*")
        if p.is_file() and p.parent.name in tool.SEEDED and not (SEEDS / p.relative_to(cache)).is_file()
    )
    shipped = json.loads((SEEDS / "versions.json").read_text(encoding="utf-8"))
    if shipped != tool.versions():
        pytest.skip(f"seeds made with {shipped}, installed {tool.versions()}: they are not found, all is computed")
    assert made == [], f"a first build computed {made}: the seeds are stale, run tools/seed_cache.py"


def test_a_damaged_seed_is_ignored_and_kept(monkeypatch, tmp_path):
    seeds = tmp_path / "seeds"
    monkeypatch.setattr(_cache, "seed_dir", lambda: seeds)
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    entry = seeds / "demo" / _cache.entry_name(("k", 1))
    entry.parent.mkdir(parents=True)
    good = _cache._MAGIC + __import__("hashlib").sha256(b"seeded").digest() + b"seeded"
    entry.write_bytes(good)
    assert _cache.cached("demo", ("k", 1), lambda: b"computed") == b"seeded"
    assert (tmp_path / "cache" / "demo" / entry.name).read_bytes() == good  # kept in the user's cache
    (tmp_path / "cache" / "demo" / entry.name).unlink()
    entry.write_bytes(good[:-1] + b"X")  # its digest no longer checks out
    assert _cache.cached("demo", ("k", 1), lambda: b"computed") == b"computed"
    (tmp_path / "cache" / "demo" / entry.name).unlink()
    assert entry.read_bytes() == good[:-1] + b"X"  # shipped files are never deleted
    monkeypatch.setenv("GEO_CACHE_DIR", "")  # the cache off: no seed either
    entry.write_bytes(good)
    assert _cache.cached("demo", ("k", 1), lambda: b"computed") == b"computed"
