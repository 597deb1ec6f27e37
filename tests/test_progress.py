"""Honest progress and warnings: named stages with rows and time, the file's warnings on
stderr one line each (English, or Persian with --lang fa) and as RegisterWarning from Python."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console

import geo
from geo._stages import StageDisplay
from geo.errors import GeoWarning, RegisterWarning
from geo.registers import read_register

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "data" / "examples" / "estates_example.csv"


@pytest.fixture
def titled(tmp_path) -> Path:
    """A register below a title row, with a lat column in degrees-minutes-seconds: two warnings."""
    path = tmp_path / "titled.csv"
    path.write_text("Estates of 1402,,\nprovince,lat,lon\nTehran,35°41′24″N,51.39\nFars,29.61,52.53\n", encoding="utf-8")
    return path


def _geo(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo", *args], capture_output=True, text=True, timeout=300, cwd=REPO)


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_the_file_s_warnings_are_one_line_each_on_stderr(titled, tmp_path, lang) -> None:
    done = _geo("join", str(titled), "--out", str(tmp_path / "out"), "--lang", lang)
    assert done.returncode == 0, done.stderr
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = read_register(titled).warnings
    lines = done.stderr.strip().splitlines()
    assert len(lines) == len(expected) == 2
    for line, warning in zip(lines, expected, strict=True):
        label, text = ("هشدار: ", warning.fa) if lang == "fa" else ("warning: ", str(warning))
        assert line == label + " ".join(text.split())
    assert done.stdout.count("\n") == 1  # the summary, alone on stdout


def test_the_api_gives_them_as_register_warnings(titled) -> None:
    with pytest.warns(RegisterWarning) as caught:
        result = geo.join(titled)
    texts = [str(w.message) for w in caught if issubclass(w.category, GeoWarning)]
    assert texts == [str(w) for w in result.summary["warnings"]]
    assert any("header is on line 2" in t for t in texts) and any("degrees-minutes-seconds" in t for t in texts)
    assert issubclass(RegisterWarning, UserWarning)
    with pytest.warns(RegisterWarning, match="header is on line 2"):
        read_register(titled)
    reg = read_register(pd.DataFrame({"province": ["Fars"]}))  # nothing to say: no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        geo.join(reg)


def test_progress_names_every_stage_with_its_rows_and_time(tmp_path) -> None:
    done = _geo("join", str(EXAMPLE), "--out", str(tmp_path / "out"), "--progress", "--lang", "en")
    assert done.returncode == 0, done.stderr
    stages = re.findall(r"^([a-z][\w .]*): ([\d,]+) rows in ([\d.]+) s", done.stderr, flags=re.M)
    names = [s[0] for s in stages]
    assert names[:5] == ["reading", "checking", "joining", "summing", "preparing"]
    # the joined rows go to every table format in one pass (each chunk converted once)
    assert {"writing joined.gpkg and joined.csv", "writing rows.csv", "writing map.html"} <= set(names)
    assert names[-1] == "writing report.json"
    rows = dict((name, int(n.replace(",", ""))) for name, n, _ in stages)
    assert rows["reading"] == rows["writing rows.csv"] == 40 and rows["writing joined.gpkg and joined.csv"] == 38
    assert done.stdout.count("\n") == 1


def test_a_stage_display_without_a_terminal_prints_finished_stages_only() -> None:
    out = io.StringIO()
    with StageDisplay(Console(file=out, markup=False, width=200), enabled=True) as show:
        show("writing joined.gpkg", 0, 300_000)
        show("writing joined.gpkg", 100_000, 300_000)  # under way: nothing yet
        assert out.getvalue() == ""
        show("writing joined.gpkg", 300_000, 300_000)
        show("writing rejects.csv", 0, 0)
        show("writing rejects.csv", 0, 0)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("writing joined.gpkg: 300,000 rows in ") and "rows/s" in lines[0]
    assert lines[1].startswith("writing rejects.csv: 0 rows in ") and len(lines) == 2
    quiet = io.StringIO()
    with StageDisplay(Console(file=quiet), enabled=False) as show:
        show("reading", 0, None)
        show("reading", 5, 5)
    assert quiet.getvalue() == ""
