"""Output sets: formats, every row's status, and a folder that never holds half a set.

Faults are made for real: a `geo join` subprocess is sent SIGINT or SIGKILL while it
writes; a full disk is a small tmpfs and a read-only folder a read-only mount (as root;
skipped with the reason otherwise); a second run is started while the folder is locked.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geo.errors import OutputError
from geo.joining import join
from geo.output._output_set import LOCK, MANIFEST, OutputSet
from geo.output.outputs import CSV_DEFAULT_ROWS, default_formats
from geo.reference.provinces import load_provinces

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "data" / "examples" / "estates_example.csv"
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _geo(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo", *args], capture_output=True, text=True, timeout=timeout,
                          cwd=REPO)  # fmt: skip


def _big_register(path: Path, n: int) -> Path:
    """``n`` rows at real points inside the provinces (each named by its own province), 1 % at sea."""
    provinces = load_provinces()
    points = provinces.geometry.sample_points(size=n // len(provinces) + 1, rng=7).explode()
    frame = pd.DataFrame({"id": np.arange(n), "name": [f"estate {i}" for i in range(n)],
                          "province": provinces.loc[points.index[:n], "name_en"].to_numpy(),
                          "lat": points.y.to_numpy()[:n].round(5), "lon": points.x.to_numpy()[:n].round(5),
                          "units": np.arange(n) % 50})  # fmt: skip
    frame.loc[frame.index % 100 == 0, ["lat", "lon"]] = (26.0, 53.0)  # at sea: flagged
    frame.to_csv(path, index=False)
    return path


def _report(out: Path) -> dict:
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def test_formats_write_what_is_asked_and_every_row_has_its_status(tmp_path) -> None:
    out = tmp_path / "out"
    done = _geo("join", str(EXAMPLE), "--out", str(out), "--formats", "parquet,geojson", "--lang", "en")
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert names == ["by_county.csv", "by_province.csv", "joined.geojson", "joined.parquet", "map.html",
                     "rejects.csv", "report.json", "rows.csv"]  # fmt: skip
    report = _report(out)
    rows = pd.read_csv(out / "rows.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert len(rows) == report["rows_in"] == 40
    joined = gpd.read_parquet(out / "joined.parquet")
    assert joined.crs.to_epsg() == 4326 and len(joined) == report["rows_joined"] + report["rows_flagged"]
    assert joined["row"].tolist() == rows.loc[rows["status"] != "rejected", "row"].astype(int).tolist()
    listed = [r["row"] for r in report["rows"]]
    assert listed == rows.loc[rows["status"] != "joined", "row"].astype(int).tolist() and listed
    assert report["rows_listed"] == len(listed) == report["rows_flagged"] + report["rows_rejected"]
    bad = _geo("join", str(EXAMPLE), "--out", str(tmp_path / "x"), "--formats", "gpkg,shp")
    assert bad.returncode == 2 and "shp" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


def test_geojson_is_a_default_only_for_small_registers(tmp_path) -> None:
    register = _big_register(tmp_path / "big.csv", 12_000)
    small = join(EXAMPLE).write(tmp_path / "small")
    big = join(register).write(tmp_path / "big")
    assert "joined.geojson" in small and "joined.gpkg" in small and "joined.csv" in small
    assert "joined.geojson" not in big and {"joined.gpkg", "joined.csv", "rows.csv"} <= set(big)
    # a national register: GeoPackage and GeoParquet (one pass), no CSV of its joined rows
    assert default_formats(CSV_DEFAULT_ROWS) == ("gpkg", "csv")
    assert default_formats(CSV_DEFAULT_ROWS + 1) == ("gpkg", "parquet")


def test_a_second_run_removes_only_the_files_the_first_listed_as_its_own(tmp_path) -> None:
    out = tmp_path / "out"
    first = _geo(
        "join", str(EXAMPLE), "--out", str(out), "--reconcile", "ایستگاه آتش نشانی 1396=hse_fire_stations_built"
    )
    assert first.returncode == 0, first.stderr
    assert (out / "reconciliation.csv").is_file()
    (out / "my notes.txt").write_text("the user's own file", encoding="utf-8")
    second = _geo("join", str(EXAMPLE), "--out", str(out), "--formats", "csv")
    assert second.returncode == 0, second.stderr
    assert not (out / "reconciliation.csv").exists() and not (out / "joined.gpkg").exists()
    assert (out / "my notes.txt").read_text(encoding="utf-8") == "the user's own file"
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert sorted(manifest) == sorted(_report(out)["outputs"])
    assert not list(tmp_path.glob(".out.geo-tmp-*"))


def test_a_second_run_into_a_folder_being_written_is_refused(tmp_path) -> None:
    out = tmp_path / "out"
    assert _geo("join", str(EXAMPLE), "--out", str(out)).returncode == 0
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    with OutputSet(out, ["report.json"]):  # another run holds the folder
        done = _geo("join", str(EXAMPLE), "--out", str(out))
    assert done.returncode == 4 and "another geo run" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.name != LOCK} == {
        k: v for k, v in before.items() if k != LOCK
    }


def _wait_for_writing(tmp_path: Path, proc: subprocess.Popen, name: str = "joined.parquet") -> None:
    """Wait until the run's temporary folder holds a growing ``name``.

    ``joined.parquet`` is written in the run's first pass over the rows, before ``rows.csv``,
    the tables, the map and the wait for the GeoPackage's process: a signal sent then lands
    mid-write even on a loaded machine. (Waiting for the GeoPackage, whose file grows only
    once SQLite spills its page cache, let a signal land after the run had ended, while the
    interpreter was shutting down: seen under load.)
    """
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        found = [p for p in tmp_path.glob(f".out.geo-tmp-*/{name}") if p.stat().st_size > 100_000]
        if found:
            return
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        time.sleep(0.05)
    pytest.fail("the run never started writing")


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["sigint", "sigkill"])
def test_a_run_stopped_mid_write_leaves_the_previous_set_whole(tmp_path, how) -> None:
    out = tmp_path / "out"
    assert _geo("join", str(EXAMPLE), "--out", str(out)).returncode == 0
    old = _report(out)
    old_files = sorted(p.name for p in out.iterdir())
    register = _big_register(tmp_path / "big.csv", 200_000)
    proc = subprocess.Popen([sys.executable, "-m", "geo", "join", str(register), "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)  # fmt: skip
    try:
        _wait_for_writing(tmp_path, proc)
        proc.send_signal(how)
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    if how == signal.SIGINT:
        assert proc.returncode == 130 and "Traceback" not in err, err[-3000:]
        assert not list(tmp_path.glob(".out.geo-tmp-*"))  # cleaned up on the way out
    else:
        assert proc.returncode == -signal.SIGKILL
    assert _report(out) == old and sorted(p.name for p in out.iterdir()) == old_files
    assert not list(tmp_path.rglob("*-journal")) and not list(tmp_path.rglob("*-wal"))
    # the next run tidies a killed run's temporary folder and writes its set
    assert _geo("join", str(EXAMPLE), "--out", str(out), "--lang", "en").returncode == 0
    assert not list(tmp_path.glob(".out.geo-tmp-*")) and _report(out)["rows_in"] == old["rows_in"]


@pytest.fixture
def tmpfs(tmp_path):
    """A 1 MB tmpfs mounted in ``tmp_path`` (needs root)."""
    if not ROOT:
        pytest.skip("a small tmpfs (a full disk) and a read-only mount need root; not root here")
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_a_full_disk_is_one_line_and_leaves_nothing(tmp_path, tmpfs) -> None:
    register = _big_register(tmp_path / "big.csv", 30_000)
    done = _geo("join", str(register), "--out", str(tmpfs / "out"))
    assert done.returncode == 4, done.stderr
    assert "no space left" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmpfs.iterdir()) == []  # the folder it made, and its temporary one, are gone


def test_a_read_only_folder_is_one_line_and_keeps_what_it_holds(tmp_path, tmpfs) -> None:
    out = tmpfs / "out"
    assert _geo("join", str(EXAMPLE), "--out", str(out), "--formats", "csv").returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=False).returncode == 0
    done = _geo("join", str(EXAMPLE), "--out", str(out), "--formats", "csv")
    assert done.returncode == 4 and "read-only" in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_a_report_json_that_is_a_folder_is_refused_before_any_work(tmp_path) -> None:
    out = tmp_path / "out"
    (out / "report.json").mkdir(parents=True)
    done = _geo("join", str(EXAMPLE), "--out", str(out))
    assert done.returncode == 4 and "report.json" in done.stderr and "folder" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in out.iterdir()) == [LOCK, "report.json"] and (out / "report.json").is_dir()
    with pytest.raises(OutputError, match="report.json"):
        join(EXAMPLE).write(out)


def test_writing_into_a_set_needs_its_report_last(tmp_path) -> None:
    with OutputSet(tmp_path / "out", ["a.csv", "report.json"]) as target:
        target.path("a.csv").write_text("a", encoding="utf-8")
        with pytest.raises(OutputError, match="report.json"):
            target.commit()
        with pytest.raises(ValueError):
            target.path("../escape.txt")
    assert not (tmp_path / "out").exists()  # a folder made for a set that never came


def test_a_large_geopackage_is_written_by_a_second_process_and_equals_the_one_written_here(
    tmp_path, monkeypatch
) -> None:
    import geo.output.outputs
    from geo.output import _gpkg_process

    register = _big_register(tmp_path / "big.csv", 3_000)
    result = join(register)
    here = result.write(tmp_path / "here", formats=["gpkg", "csv"])
    started = []
    real_start = _gpkg_process.GpkgProcess.start

    def spied(*args):
        started.append(real_start(*args))
        return started[-1]

    monkeypatch.setattr(geo.output.outputs, "APART_ROWS", 0)  # every size apart: the path a 10^6-row run takes
    monkeypatch.setattr(_gpkg_process.GpkgProcess, "start", staticmethod(spied))
    apart = result.write(tmp_path / "apart", formats=["gpkg", "csv"])
    assert started and started[0] is not None and started[0]._child.returncode == 0
    a, b = gpd.read_file(here["joined.gpkg"], engine="pyogrio"), gpd.read_file(apart["joined.gpkg"], engine="pyogrio")
    assert len(a) == len(b) == result.summary["rows_joined"] + result.summary["rows_flagged"]
    pd.testing.assert_frame_equal(pd.DataFrame(a.drop(columns="geometry")), pd.DataFrame(b.drop(columns="geometry")))
    assert a.geometry.geom_equals_exact(b.geometry, 0).all() and b.crs.to_epsg() == 4326
    import pyogrio

    assert pyogrio.read_info(apart["joined.gpkg"])["capabilities"]["fast_spatial_filter"]  # its R-tree index
    assert "joined.gpkg" in _report(tmp_path / "apart")["outputs"]
    names = [sorted(p.name for p in (tmp_path / d).iterdir()) for d in ("apart", "here")]
    assert names[0] == names[1]
    assert not list(tmp_path.rglob(_gpkg_process.STREAM)) and not list(tmp_path.glob(".*geo-tmp-*"))
    # only the joined GeoPackage asked for: the pass writes just the stream for the second process
    only = result.write(tmp_path / "only", formats=["gpkg"])
    assert len(gpd.read_file(only["joined.gpkg"], engine="pyogrio")) == len(a)
    # no interpreter to start (an embedded Python): written in this process, the same
    monkeypatch.setattr(sys, "executable", "")
    embedded = result.write(tmp_path / "embedded", formats=["gpkg"])
    assert started[-1] is None
    c = gpd.read_file(embedded["joined.gpkg"], engine="pyogrio")
    pd.testing.assert_frame_equal(pd.DataFrame(a.drop(columns="geometry")), pd.DataFrame(c.drop(columns="geometry")))


def test_a_failing_geopackage_process_is_an_output_error_and_nothing_is_committed(tmp_path, monkeypatch) -> None:
    import geo.output.outputs
    from geo.output import _gpkg_process

    # the child process itself fails, for real: its stream is no Arrow stream
    (tmp_path / "g").mkdir()
    with _gpkg_process.GpkgProcess(tmp_path / "g" / "x.gpkg", "Point", "EPSG:4326") as job:
        job.stream.write_bytes(b"\xff\xff\xff\xff" + b"not an arrow stream" * 4)
        with pytest.raises(RuntimeError) as failed:
            job.wait()
    assert "Traceback" not in str(failed.value) and str(failed.value).strip()
    assert not job.stream.exists() and not (tmp_path / "g" / "x.gpkg").exists()
    # stopped while it waits for rows (the run failed, or Ctrl-C): the child is gone
    job = _gpkg_process.GpkgProcess(tmp_path / "g" / "y.gpkg", "Point", None)
    time.sleep(0.5)
    assert job._child.poll() is None  # still waiting for the stream to grow
    job.stop()
    assert job._child.returncode is not None
    # in a run: the set is not committed and the error names the file
    out = tmp_path / "out"
    result = join(EXAMPLE)
    result.write(out, formats=["csv"])
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(estates, paths, advance, rows=None):
        paths["stream"].write_bytes(b"\xff\xff\xff\xff" + b"x" * 64)

    monkeypatch.setattr(geo.output.outputs, "APART_ROWS", 0)
    monkeypatch.setattr(geo.output.outputs, "write_tables", broken)
    with pytest.raises(OutputError, match="joined.gpkg"):
        result.write(out, formats=["gpkg"])
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not list(tmp_path.glob(".out.geo-tmp-*"))


def _set_with_fork(result, out: Path, ticks: list) -> None:
    from geo.output.outputs import output_names, write_into

    with OutputSet(out, output_names(None)) as target:
        write_into(result, target, lang="fa", progress=lambda *t: ticks.append(t), fork=True)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="geo forks only on Linux")
def test_the_map_written_beside_the_files_is_the_map_written_here(tmp_path, monkeypatch) -> None:
    import geo.output.outputs

    result = join(EXAMPLE)
    here = result.write(tmp_path / "here")
    ticks: list = []
    _set_with_fork(result, tmp_path / "beside", ticks)
    assert ticks[0] == ("writing map.html", 0, len(result.estates))  # started before any other file: the copy's
    assert ticks.index(("writing map.html", len(result.estates), len(result.estates))) > ticks.index(
        ("writing rows.csv", len(result.estates), len(result.estates)))  # fmt: skip
    for name in ("map.html", "rows.csv", "report.json", "by_province.csv"):
        assert (tmp_path / "beside" / name).read_bytes() == here[name].read_bytes(), name
    # the copy fails (and only the copy): the map is written here, the same
    parent, real = os.getpid(), geo.output.outputs._write_map

    def fails_in_the_copy(*args):
        if os.getpid() != parent:
            raise RuntimeError("a copy that fails")
        real(*args)

    monkeypatch.setattr(geo.output.outputs, "_write_map", fails_in_the_copy)
    ticks.clear()
    _set_with_fork(result, tmp_path / "again", ticks)
    assert ticks[0][0] == "writing map.html"
    assert (tmp_path / "again" / "map.html").read_bytes() == here["map.html"].read_bytes()

    # it fails here too: the error is the one a run without the copy gives, nothing committed
    def full_disk(result, lang, path, advance):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(geo.output.outputs, "_write_map", full_disk)
    with pytest.raises(OutputError, match="map.html"):
        _set_with_fork(result, tmp_path / "full", [])
    assert not (tmp_path / "full").exists() and not list(tmp_path.glob(".full.geo-tmp-*"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="geo forks only on Linux")
def test_a_forked_copy_hands_back_its_warnings_and_dies_with_ctrl_c_or_its_run() -> None:
    import warnings

    from geo.errors import GeoWarning
    from geo.output._forked import Forked

    with Forked.start(lambda: warnings.warn(GeoWarning("from the copy: «استان»"), stacklevel=1)) as copy:
        with pytest.warns(GeoWarning, match="from the copy: «استان»"):
            assert copy.wait()
    with Forked.start(lambda: 1 / 0) as copy:
        assert not copy.wait()  # an error in the copy: written again by the caller
    with Forked.start(lambda: time.sleep(120)) as copy:
        os.kill(copy.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
        assert not copy.wait()
        assert os.WIFSIGNALED(copy._status) and os.WTERMSIG(copy._status) == signal.SIGINT
    with Forked.start(lambda: time.sleep(120)) as copy:
        pass  # the run stopped (an error) before it waited: the copy is killed and reaped
    assert os.WIFSIGNALED(copy._status) and os.WTERMSIG(copy._status) == signal.SIGKILL
    with pytest.raises(ProcessLookupError):
        os.kill(copy.pid, 0)


def _processes_running(marker: str) -> dict[int, int]:
    """Pid → parent pid of the processes whose command line holds ``marker``."""
    found = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        if marker.encode() in cmdline:
            found[int(pid)] = int(stat.rsplit(")", 1)[1].split()[1])
    return found


def _copy_of(proc: subprocess.Popen, marker: str) -> int:
    """The pid of ``proc``'s forked copy, once there is one."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        copies = [pid for pid, parent in _processes_running(marker).items() if parent == proc.pid]
        if copies:
            return copies[0]
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        time.sleep(0.005)
    pytest.fail("the run never forked")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="geo forks only on Linux")
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "sigkill"])
def test_a_run_stopped_while_its_copy_writes_the_map_leaves_no_copy_and_no_half_set(tmp_path, how) -> None:
    out = tmp_path / "out"
    assert _geo("join", str(EXAMPLE), "--out", str(out)).returncode == 0
    old, old_files = _report(out), sorted(p.name for p in out.iterdir())
    register = _big_register(tmp_path / "mid_sized.csv", 90_000)  # under APART_ROWS: the map is the copy's
    proc = subprocess.Popen([sys.executable, "-m", "geo", "join", str(register), "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
                            start_new_session=True)  # fmt: skip
    try:
        copy = _copy_of(proc, str(register))
        os.kill(copy, signal.SIGSTOP)  # held: the run cannot finish (it waits for the map) before the signal
        if how == signal.SIGINT:
            os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in a terminal: the whole foreground group
        else:
            proc.send_signal(signal.SIGKILL)  # the run alone: its copy is left an orphan
        os.kill(copy, signal.SIGCONT)
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    deadline = time.monotonic() + 120  # an orphaned copy finishes its map and exits
    while how == signal.SIGKILL and _processes_running(str(register)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _processes_running(str(register)) == {}  # after Ctrl-C: gone with its run, not later
    if how == signal.SIGINT:
        assert proc.returncode == 130 and "Traceback" not in err, err[-3000:]
        assert not list(tmp_path.glob(".out.geo-tmp-*"))
    else:
        assert proc.returncode == -signal.SIGKILL
    assert _report(out) == old and sorted(p.name for p in out.iterdir()) == old_files
    # the next run tidies what the killed run and its copy left, and writes its set
    assert _geo("join", str(EXAMPLE), "--out", str(out), "--lang", "en").returncode == 0
    assert not list(tmp_path.glob(".out.geo-tmp-*")) and _report(out)["rows_in"] == old["rows_in"]
