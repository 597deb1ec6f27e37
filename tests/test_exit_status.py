"""Each failure the README's exit-status table documents, run for real: its status, one line on
stderr, no traceback.

Faults are real: a read-only file system and a full disk are small tmpfs mounts (as root;
skipped with the reason otherwise), a full standard output is /dev/full, an interrupt is a
real SIGINT the process sends itself while the finished set is being moved into place.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "data" / "examples" / "estates_example.csv"
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _geo(*args: str, stdout=subprocess.PIPE, code: str | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "geo", *args]
    return subprocess.run(command, stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=600, cwd=REPO)


def _one_line(done: subprocess.CompletedProcess) -> str:
    err = done.stderr.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    return err


def _mount(where: Path, options: str) -> Path:
    if not ROOT:
        pytest.skip("a read-only or full file system is a tmpfs mount here, which needs root; not root")
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    return where


@pytest.fixture
def read_only(tmp_path):
    mnt = _mount(tmp_path / "ro", "size=64k,ro")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


@pytest.mark.parametrize("args,status,words", [
    (["nope"], 2, "No such command"),
    (["join", str(EXAMPLE), "--by", "locaton"], 2, "did you mean"),
    (["join", "missing.csv", "--out", "OUT"], 3, "no such file"),
    (["join", str(EXAMPLE), "--province", "no such column", "--out", "OUT"], 3, "no such column"),
    (["join", str(EXAMPLE), "--out", str(EXAMPLE)], 3, "is a file"),
    (["resolve", "Atlantis"], 3, "Atlantis"),
    (["counties", "--province", "Atlantis"], 3, "Atlantis"),
])  # fmt: skip
def test_usage_and_input_failures(tmp_path, args, status, words) -> None:
    done = _geo(*(str(tmp_path / "out") if a == "OUT" else a for a in args))
    assert done.returncode == status, done.stderr
    assert words in _one_line(done)


def test_strict_with_problems_is_1(tmp_path) -> None:
    done = _geo("join", str(EXAMPLE), "--out", str(tmp_path / "out"), "--strict")
    assert done.returncode == 1, done.stderr


@pytest.mark.parametrize("command", ["build", "template"])
def test_a_read_only_out_is_4(read_only, command) -> None:
    out = read_only / ("maps" if command == "build" else "estates.xlsx")
    done = _geo(command, "--out", str(out), *(["--lang", "en", "--level", "province"] if command == "build" else []))
    assert done.returncode == 4, done.stderr
    assert "Read-only" in _one_line(done) or "read-only" in done.stderr
    assert list(read_only.iterdir()) == []


@pytest.mark.parametrize("args", [["licenses"], ["provinces"], ["facts", "--format", "json"], ["--version"]])
def test_a_full_standard_output_is_4(args) -> None:
    with open("/dev/full", "w") as full:
        done = _geo(*args, stdout=full)
    assert done.returncode == 4 and "standard output" in _one_line(done)


@pytest.mark.parametrize("size", ["12k", "48k", "160k", "320k"])
def test_join_into_a_full_disk_is_4_at_any_stage(tmp_path, size) -> None:
    """Disks that fill at different files of the set (a temporary folder, the GeoPackage, the
    GeoJSON, the map): always 4, one line, nothing left behind."""
    mnt = _mount(tmp_path / "disk", f"size={size}")
    try:
        done = _geo("join", str(EXAMPLE), "--out", str(mnt / "out"))
        assert done.returncode == 4, done.stderr
        assert "no space left" in _one_line(done)
        assert list(mnt.iterdir()) == []
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def _empty_files(folder: Path) -> list[Path]:
    (folder / "empty.geojson").write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    (folder / "empty.csv").write_text("id,name,province\n", encoding="utf-8")
    book = openpyxl.Workbook()
    book.active.append(["id", "name", "province"])
    book.save(folder / "empty.xlsx")
    pd.DataFrame({"id": pd.Series([], dtype="int64"), "name": pd.Series([], dtype=str)}).to_parquet(folder / "e.parquet")
    return [folder / n for n in ("empty.geojson", "empty.csv", "empty.xlsx", "e.parquet")]


def test_no_rows_is_one_rule_for_every_format(tmp_path) -> None:
    """A register with no data rows (the README's rule): exit 0, a warning, outputs of no rows."""
    for path in _empty_files(tmp_path):
        out = tmp_path / f"out_{path.suffix[1:]}"
        done = _geo("join", str(path), "--out", str(out), "--lang", "en")
        assert done.returncode == 0, (path.name, done.stderr)
        assert "no data rows" in done.stderr, path.name
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        assert report["rows_in"] == 0 and (out / "rows.csv").is_file(), path.name


#: `geo join` with os.replace wrapped: when the first file of the finished set is moved from
#: the temporary folder into --out, the process sends itself a real SIGINT (Ctrl-C), then the
#: move goes on.
INTERRUPT_AT_COMMIT = textwrap.dedent("""
    import os, signal, sys, runpy, threading
    out, real, sent = os.path.realpath(sys.argv[-1]), os.replace, []
    def replace(src, dst, *a, **k):
        if not sent and ".geo-tmp-" in str(src) and os.path.dirname(os.path.realpath(dst)) == out:
            sent.append(1)
            # to the main thread, as a terminal's Ctrl-C reaches a one-threaded run: a signal sent
            # to the process may be taken by an idle pool thread, whose handler can run only after
            # the run has finished (then the whole set is in place and the exit status is 0)
            signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)
        return real(src, dst, *a, **k)
    os.replace = replace
    # as in a terminal: a run started in the background by a non-interactive shell (as a CI job
    # may be) inherits SIGINT ignored, and a Ctrl-C it ignores is no interrupt
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.argv = ["geo", *sys.argv[1:]]
    runpy.run_module("geo", run_name="__main__")
""")


def test_an_interrupt_while_the_set_is_moved_into_place_leaves_a_whole_set(tmp_path) -> None:
    out = tmp_path / "out"
    assert _geo("join", str(EXAMPLE), "--out", str(out), "--formats", "csv").returncode == 0
    (out / "my notes.txt").write_text("mine", encoding="utf-8")
    done = _geo("join", str(EXAMPLE), "--formats", "gpkg", "--out", str(out), code=INTERRUPT_AT_COMMIT)
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr
    assert (out / "report.json").is_file(), (done.stderr, sorted(p.name for p in out.iterdir()))
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    # the move was finished before the interrupt was taken: the whole new set, nothing of the old
    assert all((out / name).is_file() for name in report["outputs"]) and "joined.gpkg" in report["outputs"]
    assert not (out / "joined.csv").exists() and (out / "my notes.txt").read_text(encoding="utf-8") == "mine"
    assert not list(tmp_path.glob(".out.geo-tmp-*"))
