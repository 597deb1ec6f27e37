"""The disk cache (geo._cache): where it lives, and that a damaged entry heals."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from geo import _cache

REPO = Path(__file__).resolve().parents[1]


def test_default_folder_is_the_platforms_user_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("GEO_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    if sys.platform.startswith("linux"):
        assert _cache.cache_dir() == tmp_path / "iran-estates"
    from platformdirs import user_cache_dir

    assert _cache.cache_dir() == Path(user_cache_dir("iran-estates", appauthor=False))


def test_empty_variable_turns_the_cache_off(monkeypatch, tmp_path):
    monkeypatch.setenv("GEO_CACHE_DIR", "")
    monkeypatch.chdir(tmp_path)
    calls = []
    for _ in range(2):
        assert _cache.cached("demo", ("k",), lambda: calls.append(1) or b"v") == b"v"
    assert len(calls) == 2 and list(tmp_path.iterdir()) == []


def _damage(path: Path, how: str) -> None:
    raw = path.read_bytes()
    if how == "truncated":  # a full disk or a killed writer of an older version
        path.write_bytes(raw[: len(raw) // 2])
    elif how == "flipped":  # one byte of the content changed
        path.write_bytes(raw[:-1] + bytes([raw[-1] ^ 0xFF]))
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "headerless":  # the content alone, as the cache stored it before
        path.write_bytes(raw[len(_cache._MAGIC) + _cache._DIGEST_SIZE :])
    elif how == "folder":  # something else made a folder of that name
        path.unlink()
        path.mkdir()
        (path / "x").write_text("x")


@pytest.mark.parametrize("how", ["truncated", "flipped", "empty", "headerless"])
def test_a_damaged_entry_is_discarded_and_rebuilt(monkeypatch, tmp_path, how):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    assert _cache.cached("demo", ("k", 1), lambda: b"\x00made\xff" * 100) == b"\x00made\xff" * 100
    (entry,) = (tmp_path / "demo").iterdir()
    _damage(entry, how)
    calls = []
    again = _cache.cached("demo", ("k", 1), lambda: calls.append(1) or b"\x00made\xff" * 100)
    assert again == b"\x00made\xff" * 100 and calls == [1]
    # healed: the next read is served from disk
    assert _cache.cached("demo", ("k", 1), lambda: b"not called") == b"\x00made\xff" * 100


def test_a_folder_in_place_of_an_entry_is_a_miss_not_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    _cache.cached("demo", ("k",), lambda: b"v")
    (entry,) = (tmp_path / "demo").iterdir()
    _damage(entry, "folder")
    assert _cache.cached("demo", ("k",), lambda: b"w") == b"w"


def _build(out: Path, cache: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GEO_CACHE_DIR": cache}
    return subprocess.run(
        [sys.executable, "-m", "geo", "build", "--out", str(out), "--lang", "fa"],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=300,
    )  # fmt: skip


def test_build_heals_a_damaged_font_and_classes_cache(tmp_path):
    """Real entries (the font subset, the class breaks, the simplified polygons) damaged between two `geo build`
    runs: the second run exits 0, rewrites them, and its map is byte-identical to a map
    built with the cache off."""
    cache = tmp_path / "cache"
    assert _build(tmp_path / "off", "").returncode == 0
    first = _build(tmp_path / "cold", str(cache))
    assert first.returncode == 0, first.stderr
    entries = sorted(p for p in cache.rglob("*") if p.is_file())
    # (from the shipped seeds of data/cache where they hold them, else computed)
    names = {"fonts", "font-cmaps", "classes", "palettes", "coverage", "county-shapes", "county-blocks"}
    assert {p.parent.name for p in entries} == names
    for i, entry in enumerate(entries):
        _damage(entry, ["truncated", "flipped", "headerless", "empty"][i % 4])
    healed = _build(tmp_path / "healed", str(cache))
    assert healed.returncode == 0, healed.stderr
    assert "Traceback" not in healed.stderr
    off = (tmp_path / "off" / "iran_estates.html").read_bytes()
    assert (tmp_path / "healed" / "iran_estates.html").read_bytes() == off
    assert (tmp_path / "cold" / "iran_estates.html").read_bytes() == off
    for entry in entries:
        assert _cache._read_entry(entry) is not None, f"{entry} was not rebuilt"
