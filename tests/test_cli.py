"""The command line, run as a user runs it: ``python -m geo …`` in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "geo", *args], capture_output=True, text=True, cwd=cwd or REPO, timeout=300
    )


def test_build_writes_html(tmp_path):
    result = run("build", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "iran_estates.html").read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "IR-10" in html and "Isfahan" in html


def test_resolve_prints_codes_and_fails_cleanly_on_ambiguous():
    ok = run("resolve", "استان اصفهان", "Kordestan")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.split() == ["استان", "اصفهان", "IR-10", "Kordestan", "IR-12"]
    bad = run("resolve", "خراسان")
    assert bad.returncode == 2
    assert "ambiguous" in bad.stderr and "Traceback" not in bad.stderr


def test_provinces_lists_31():
    result = run("provinces")
    assert result.returncode == 0, result.stderr
    assert sum(f"IR-{i:02d}" in result.stdout for i in range(31)) == 31


def test_counties_lists_all_or_one_province():
    every = run("counties")
    assert every.returncode == 0, every.stderr
    assert every.stdout.count(" r") >= 478 and "Tabriz County" in every.stdout
    alborz = run("counties", "--province", "Alborz")
    assert alborz.returncode == 0, alborz.stderr
    codes = [line.split()[1] for line in alborz.stdout.splitlines() if line.startswith("│ r")]
    assert len(codes) == 7 and "Karaj County" in alborz.stdout and "Tabriz" not in alborz.stdout
    bad = run("counties", "--province", "Khorasan")
    assert bad.returncode == 2 and "ambiguous" in bad.stderr and "Traceback" not in bad.stderr


def test_no_arguments_shows_help():
    result = run()
    assert "build" in result.stdout + result.stderr
