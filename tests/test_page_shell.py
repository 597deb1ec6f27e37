"""A register's page from its cached shell (geo.maps.shell): folium's bytes, without folium.

Each test runs on its own cache folder; the page of the shipped example (with its county
level, in both languages) and of a small register without counties is compared byte for
byte with folium's rendering of the same map, on a cold cache, a warm one, no cache, a
damaged entry and a shell that lost a marker.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import geo
from geo.maps import render_html
from geo.maps.builders import register_html, register_map
from geo.maps.county_level import packed_block
from geo.maps.shell import LayerParts, filled, marker, shell_key

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "data" / "examples" / "estates_example.csv"


@pytest.fixture(scope="module")
def example():
    """The shipped example joined (its by_county gives the page a county level)."""
    return geo.join(EXAMPLE)


@pytest.fixture(scope="module")
def folium_pages(example):
    """Folium's rendering of the example's map in each language (no cache involved in the shell)."""
    return {lang: render_html(register_map(example, lang=lang)) for lang in ("fa", "en")}


def _entries(folder: Path) -> list[Path]:
    return sorted((folder / "pages").iterdir()) if (folder / "pages").exists() else []


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_the_page_from_the_shell_is_folium_s_page_cold_warm_and_uncached(monkeypatch, tmp_path, example, folium_pages,
                                                                        lang):  # fmt: skip
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    cold = register_html(example, lang=lang)
    assert len(_entries(tmp_path)) == 1  # the shell was stored
    warm = register_html(example, lang=lang)
    monkeypatch.setenv("GEO_CACHE_DIR", "")
    uncached = register_html(example, lang=lang)
    assert cold == warm == uncached == folium_pages[lang]


def test_a_register_without_counties_and_a_hostile_title_like_text(monkeypatch, tmp_path):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    frame = pd.DataFrame({"province": ["Fars", "تهران"], "name": ["<b>&'\"{{x}}</b>", "@@geo-shell-slot:data@@"],
                          "lat": [29.6, 35.7], "lon": [52.5, 51.4]})  # fmt: skip
    result = geo.join(frame)
    for lang in ("fa", "en"):
        assert register_html(result, lang=lang) == render_html(register_map(result, lang=lang))


def test_a_damaged_shell_is_rebuilt_with_the_same_bytes(monkeypatch, tmp_path, example, folium_pages):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    register_html(example, lang="fa")
    (entry,) = _entries(tmp_path)
    raw = entry.read_bytes()
    entry.write_bytes(raw[:-10] + b"@@@@@@@@@@")  # its digest no longer checks out
    assert register_html(example, lang="fa") == folium_pages["fa"]
    assert entry.read_bytes() == raw


def test_a_shell_without_its_markers_is_not_used(monkeypatch, tmp_path):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    parts = LayerParts(style="s", data="{}", counties=None, script="x")
    calls = []

    def broken(lang: str, counties: bool) -> str:
        calls.append((lang, counties))
        return f"<title>{marker('title')}</title>{marker('style')}"  # no data, no script

    assert filled("en", parts, "t", broken) is None
    assert calls == [("en", False)]

    def good(lang: str, counties: bool) -> str:
        return "".join(f"[{marker(s)}]" for s in ("script", "title", "data", "style"))

    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "other"))
    assert filled("en", parts, "<t>", good) == "[x][&lt;t&gt;][{}][s]"


def test_the_shell_key_changes_with_its_inputs(monkeypatch):
    keys = {shell_key(lang, counties) for lang in ("fa", "en") for counties in (True, False)}
    assert len(keys) == 4
    before = shell_key("fa", True)
    monkeypatch.setattr("geo.maps.shell.version", lambda name: "0.0-other")
    assert shell_key("fa", True) != before  # another folium, branca, Jinja or Leaflet: another shell


def test_the_county_block_is_deflated_once(monkeypatch, tmp_path):
    import base64
    import zlib

    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    text = '{"code":["۱"]}' * 50
    first = packed_block(text)
    assert zlib.decompress(base64.b64decode(first)).decode("utf-8") == text
    assert base64.b64encode(zlib.compress(text.encode("utf-8"), 6)).decode("ascii") == first
    (entry,) = (tmp_path / "county-blocks").iterdir()
    entry.write_bytes(b"geo-cache-1\n" + b"\x00" * 32 + b"junk")
    assert packed_block(text) == first


def test_a_small_register_s_map_imports_no_folium(tmp_path):
    """``geo join`` on a warm cache writes map.html without folium, branca or Jinja."""
    out = tmp_path / "out"
    code = (
        "import sys, runpy; sys.argv = ['geo', 'join', sys.argv[1], '--out', sys.argv[2]]\n"
        "try:\n    runpy.run_module('geo', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('folium', 'branca', 'jinja2', 'requests') if m in sys.modules))"
    )
    env = dict(os.environ, GEO_CACHE_DIR=str(tmp_path / "cache"))
    subprocess.run([sys.executable, "-c", code, str(EXAMPLE), str(tmp_path / "warmup")], env=env, check=True,
                   capture_output=True)  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code, str(EXAMPLE), str(out)], env=env, check=True,
                          capture_output=True, text=True)  # fmt: skip
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert (out / "map.html").read_bytes() == (tmp_path / "warmup" / "map.html").read_bytes()
