"""``geo join --engine dask``: the same rows, reasons and totals as the in-memory engine, on a real cluster.

The tests share one LocalCluster of two worker processes (each test that kills a worker
has its own). Registers are small and cut into many partitions (a few hundred bytes
each), so that repeated ids, bad cells and every kind of location fall in different
partitions.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from distributed import Client, LocalCluster
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.engines.dask import join as dask_join
from geo.errors import EngineError, GeoError
from geo.joining import join
from geo.reference.provinces import load_provinces
from geo.registers.known import labelled

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "data" / "examples" / "estates_example.csv"


@pytest.fixture(scope="module")
def client():
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as c,
    ):
        yield c


@pytest.fixture(scope="module")
def places() -> dict[str, list[tuple[float, float]]]:
    """Real points of each kind, from the shipped boundaries: inside, just outside, far abroad."""
    provinces = load_provinces()
    inside = provinces.geometry.representative_point()
    iran = shapely.union_all(provinces.geometry.values).buffer(0.08)  # about 8 km outside the border or the coast
    ring = max(shapely.get_parts(iran), key=lambda part: part.area).exterior
    near = [ring.interpolate(f, normalized=True) for f in np.linspace(0, 1, 12, endpoint=False)]
    return {
        "inside": list(zip(inside.y, inside.x, strict=True)),
        "near": [(p.y, p.x) for p in near],
        "abroad": [(10.0, 48.0), (48.85, 2.35), (-33.9, 151.2), (25.2, 55.3)],  # Somalia, Paris, Sydney, Dubai
    }


def _dms(value: float, hemisphere: str) -> str:
    seconds = round(value * 3600)
    return f"{seconds // 3600}°{seconds % 3600 // 60}′{seconds % 60}″{hemisphere}"


def _rows(places, draw_kinds, draw_other) -> list[dict[str, str]]:
    rows = []
    for kind, pick, other in zip(*draw_kinds, draw_other, strict=True):
        lat, lon = "", ""
        if kind in places:
            lat, lon = (str(v) for v in places[kind][pick % len(places[kind])])
        elif kind == "swapped":
            lon, lat = (str(v) for v in places["inside"][pick % 31])
        elif kind == "garbage":
            lat, lon = "north", "51.4"
        elif kind == "dms":  # degrees-minutes-seconds: a warning counting them, the same for the whole file
            lat, lon = (_dms(v, h) for v, h in zip(places["inside"][pick % 31], "NE", strict=True))
        rows.append({"lat": lat, "lon": lon, **other})
    return rows


_OTHER = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["1", "2", "3", "۴", "4", "a", "a ", "", "5", "6", "7"]),
        "province": st.sampled_from(["تهران", "استان فارس", "Isfahan", "IR-10", "Atlantis", "خراسان", "", "Kerman"]),
        "units": st.sampled_from(["12.5", "-3", "abc", "", "۱٬۲۳۴", "7"]),
        "iso 14001": st.sampled_from(["بله", "خیر", "", "maybe", "yes", "no"]),
        # counties: in Tehran, Isfahan and Fars provinces, one unknown, a province's name, blank
        "شهرستان": st.sampled_from(["اسلامشهر", "Isfahan County", "آباده", "Narnia", "Tehran", ""]),
    }
)


@st.composite
def registers(draw, places):
    n = draw(st.integers(1, 30))
    kinds = draw(st.lists(st.sampled_from(["inside", "near", "abroad", "swapped", "blank", "garbage", "dms"]), min_size=n, max_size=n))
    picks = draw(st.lists(st.integers(0, 1000), min_size=n, max_size=n))
    other = draw(st.lists(_OTHER, min_size=n, max_size=n))
    return pd.DataFrame(_rows(places, (kinds, picks), other)), draw(st.sampled_from([150, 400, 2**20]))


def _plain(s: pd.Series) -> list:
    """Values as Python objects, missing ones as None (Parquet text reads back with NaN)."""
    return s.astype(object).where(s.notna(), None).tolist()


def _same_table(memory_table, path: Path, first: int, lang: str = "fa") -> None:
    """A per-province or per-county CSV of the dask run against the in-memory table."""
    by_mem = labelled(pd.DataFrame(memory_table.drop(columns="geometry")), lang).reset_index(drop=True)
    by_dask = pd.read_csv(path, encoding="utf-8-sig")
    assert list(by_dask.columns) == list(by_mem.columns)  # both headed by the same labels
    assert by_dask.iloc[:, 0].tolist() == by_mem.iloc[:, 0].tolist()
    for col in by_mem.columns[first:]:
        assert np.allclose(by_dask[col].to_numpy(float), by_mem[col].to_numpy(float), rtol=1e-12, equal_nan=True), col


def _same(memory, out: Path, result, lang: str = "fa") -> None:
    """Row by row: status, province, county, reasons and notes (both languages), id; totals; counts; warnings."""
    rows = pd.read_parquet(out / "rows").sort_values("row").reset_index(drop=True)
    e = memory.estates
    assert rows["row"].tolist() == e["row"].tolist()
    assert rows["status"].tolist() == e["status"].tolist()
    assert _plain(rows["province"]) == _plain(e["province"])
    assert _plain(rows["county"]) == _plain(e["county"])
    for col in ("reasons", "reasons_fa", "notes", "notes_fa"):
        assert [list(r) for r in rows[col]] == [list(r) for r in e[col]], col
    assert _plain(rows["id"]) == _plain(e["id"])
    _same_table(memory.by_province, out / "by_province.csv", 3, lang)
    _same_table(memory.by_county, out / "by_county.csv", 4, lang)
    keys = ("rows_in", "rows_joined", "rows_flagged", "rows_rejected", "rows_with_county", "columns", "indicators")
    for key in (*keys, "warnings", "by", "source_crs"):
        assert result.summary[key] == memory.summary[key], key
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["rows_in"] == report["rows_joined"] + report["rows_flagged"] + report["rows_rejected"]
    joined = gpd.read_parquet(out / "joined")
    assert len(joined) == (e["status"] != "rejected").sum()
    assert len(gpd.read_parquet(out / "rejects")) == (e["status"] == "rejected").sum()


@settings(max_examples=16, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_both_engines_give_the_same_rows_and_totals(data, client, places, tmp_path_factory):
    frame, blocksize = data.draw(registers(places))
    tmp = tmp_path_factory.mktemp("eq")
    path = tmp / "register.csv"
    frame.to_csv(path, index=False)
    memory = join(path)
    result = dask_join(path, client=client, out=tmp / "out", blocksize=blocksize)
    if blocksize < 400 and len(frame) > 10:
        assert result.summary["engine"]["partitions"] > 1
    _same(memory, tmp / "out", result)


def test_example_register_equal_on_both_engines_with_repeats_across_partitions(client, tmp_path):
    frame = pd.read_csv(EXAMPLE, dtype=str, keep_default_na=False)
    doubled = pd.concat([frame, frame.iloc[::7]], ignore_index=True)  # ids repeated rows apart
    path = tmp_path / "doubled.csv"
    doubled.to_csv(path, index=False)
    memory = join(path, reconcile=["ایستگاه آتش نشانی 1396=hse_fire_stations_built"])
    result = dask_join(
        path, client=client, out=tmp_path / "out", blocksize=300,
        reconcile=["ایستگاه آتش نشانی 1396=hse_fire_stations_built"],
    )  # fmt: skip
    assert result.summary["engine"]["partitions"] >= 10
    assert memory.summary["rows_flagged"] > frame.shape[0] // 7  # the repeats are flagged
    _same(memory, tmp_path / "out", result)
    recon = pd.read_csv(tmp_path / "out" / "reconciliation.csv", encoding="utf-8-sig")
    assert recon["register"].tolist() == memory.reconciliation["register"].tolist()


def test_geoparquet_file_and_folder_of_parts(client, tmp_path, places):
    rows = [{"id": f"E{i}", "name": f"estate {i}", "units": str(i)} for i in range(60)]
    pts = (places["inside"] * 2)[:50] + places["near"][:6] + places["abroad"]
    gdf = gpd.GeoDataFrame(rows, geometry=gpd.points_from_xy([p[1] for p in pts], [p[0] for p in pts]), crs=4326)
    gdf.loc[3, "id"] = "E7"  # a repeat, in another row group
    single = tmp_path / "one.parquet"
    gdf.to_parquet(single, row_group_size=7)
    memory = join(single)
    result = dask_join(single, client=client, out=tmp_path / "out1", blocksize=2000)
    assert result.summary["engine"]["partitions"] > 1
    _same(memory, tmp_path / "out1", result)
    folder = tmp_path / "parts"
    folder.mkdir()
    for k, start in enumerate(range(0, 60, 25)):
        gdf.iloc[start : start + 25].to_parquet(folder / f"part.{k}.parquet")
    in_folder = dask_join(folder, client=client, out=tmp_path / "out2")
    _same(memory, tmp_path / "out2", in_folder)


def test_geo_join_engine_dask_from_python(client, tmp_path):
    result = join(EXAMPLE, engine="dask", client=client)
    memory = join(EXAMPLE)
    assert result.summary["rows_joined"] == memory.summary["rows_joined"]
    estates = result.estates.compute().sort_values("row")
    assert estates["status"].tolist() == memory.estates["status"].tolist()
    with pytest.raises(EngineError, match="memory or dask"):
        join(EXAMPLE, engine="spark")  # type: ignore[call-overload]


def test_cli_on_an_existing_scheduler_replaces_only_its_own_outputs(client, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    address = client.scheduler.address
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-m", "geo", "join", str(EXAMPLE), "--out", str(out), "--engine", "dask", "--scheduler", address],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    assert "rows in 40: joined 31, flagged 7, rejected 2" in done.stdout
    assert "Traceback" not in done.stderr
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith(".geo-"))
    assert names == ["by_county.csv", "by_province.csv", "joined", "map.html", "notes.txt", "rejects", "report.json", "rows"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["rows_in"] == 40 and report["engine"]["name"] == "dask"
    assert "notes.txt" not in report["outputs"] and "joined" in report["outputs"]


def test_unreachable_scheduler_is_a_usage_error_and_writes_nothing(tmp_path):
    for address in ("tcp://127.0.0.1:9", "not an address"):
        out = tmp_path / "out"
        done = subprocess.run(
            [sys.executable, "-m", "geo", "join", str(EXAMPLE), "--out", str(out), "--engine", "dask", "--scheduler", address],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 2, done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: cannot reach the dask scheduler"), done.stderr
        assert not out.exists() and list(tmp_path.iterdir()) == []
    done = subprocess.run(
        [sys.executable, "-m", "geo", "join", str(EXAMPLE), "--out", str(tmp_path / "o"), "--workers", "2"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2 and "--engine dask" in done.stderr


def test_a_missing_or_unreadable_register_is_refused_before_any_cluster_starts(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    for path, why in ((tmp_path / "missing.csv", "no such file"), (empty, "the file is empty")):
        done = subprocess.run(
            [sys.executable, "-m", "geo", "join", str(path), "--out", str(tmp_path / "out"), "--engine", "dask"],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 3, done.stderr
        assert done.stderr.strip() == f"error: {path}: {why}"
        assert "dask dashboard" not in done.stderr and not (tmp_path / "out").exists()


def _big_register(tmp_path: Path, places, n: int = 20000) -> Path:
    inside = places["inside"]
    rows = pd.DataFrame(
        {
            "id": [f"E{i % (n - 50)}" for i in range(n)],  # 50 repeats, far apart
            "lat": [inside[i % 31][0] for i in range(n)],
            "lon": [inside[i % 31][1] for i in range(n)],
            "units": [str(i % 97) for i in range(n)],
        }
    )
    path = tmp_path / "big.csv"
    rows.to_csv(path, index=False)
    return path


def _kill_a_worker_while_joining(client, run) -> dict:
    """Start ``run`` in a thread, SIGKILL one worker process while partitions are being joined."""
    outcome: dict = {}
    thread = threading.Thread(target=lambda: outcome.update(value=_capture(run)))
    thread.start()
    pids = client.run(os.getpid)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and thread.is_alive():
        busy = {w: keys for w, keys in client.processing().items() if any("_join_part" in str(k) for k in keys)}
        if busy:
            os.kill(pids[next(iter(busy))], signal.SIGKILL)
            outcome["killed_while_running"] = thread.is_alive()
            break
        time.sleep(0.02)
    thread.join(300)
    return outcome


def _capture(run):
    try:
        return run()
    except Exception as exc:  # the test looks at it
        return exc


def test_a_worker_killed_mid_run_is_retried_and_the_result_is_complete(tmp_path, places):
    path = _big_register(tmp_path, places)
    memory = join(path)
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as c,
    ):
        outcome = _kill_a_worker_while_joining(c, lambda: dask_join(path, client=c, out=tmp_path / "out", blocksize=20000))
    assert outcome.get("killed_while_running"), "the worker was not killed during the run"
    result = outcome["value"]
    assert not isinstance(result, Exception), result
    _same(memory, tmp_path / "out", result)


def test_a_worker_lost_more_often_than_allowed_fails_cleanly(tmp_path, places):
    import dask

    path = _big_register(tmp_path, places)
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as c,
    ):
        outcome = _kill_a_worker_while_joining(c, lambda: dask_join(path, client=c, out=tmp_path / "out", blocksize=20000))
    assert outcome.get("killed_while_running")
    assert isinstance(outcome["value"], EngineError), outcome["value"]
    assert "nothing was written" in str(outcome["value"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.csv"]  # neither out nor a temporary folder


def test_without_the_dask_extra_the_cli_says_how_to_install_it(tmp_path):
    code = (
        "import sys\n"
        "sys.modules['dask_geopandas'] = None\n"  # as if the extra were not installed
        "from geo.cli import main\n"
        f"sys.argv = ['geo', 'join', {str(EXAMPLE)!r}, '--out', {str(tmp_path / 'out')!r}, '--engine', 'dask']\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 3, done.stderr
    assert done.stderr.strip() == 'error: the dask engine needs dask_geopandas: pip install "iran-estates[dask]"'
    assert not (tmp_path / "out").exists()


def test_whole_register_decisions_are_the_same_when_their_evidence_is_in_later_partitions(client, tmp_path, places):
    """Province by content, reserved names, a column's kind and the int64 id rule, decided over all partitions."""
    inside = places["inside"]
    n = 90
    frame = pd.DataFrame(
        {
            # no province header: a column of ISO codes is taken for it (and the "code" id header given up)
            "code": [f"IR-{(i % 31) + 1:02d}" for i in range(n)],
            "lat": [inside[i % 31][0] for i in range(n)],
            "lon": [inside[i % 31][1] for i in range(n)],
            "status": ["ok"] * n,  # shadows the product's column: renamed user_status in both engines
            # blank in the first partitions, numbers after: a number column for both
            "area": [""] * 60 + [f"{i}.5" for i in range(30)],
            # yes/no words only in the last rows, among blanks
            "fire station": [""] * 70 + ["بله", "خیر"] * 10,
        }
    )
    frame["uid"] = np.arange(n, dtype="uint64")
    frame.loc[n - 1, "uid"] = np.uint64(2**63 + 5)  # past int64 in the last row group only: all ids text
    frame.loc[n - 2, "uid"] = np.uint64(3)  # a repeat of row 4's id, partitions apart
    path = tmp_path / "register.parquet"
    frame.to_parquet(path, row_group_size=10, index=False)
    memory = join(path, id="uid")
    result = dask_join(path, client=client, out=tmp_path / "out", blocksize=400, id="uid")
    assert result.summary["engine"]["partitions"] > 3
    assert memory.summary["columns"]["province"] == "code"
    assert memory.summary["indicators"] == {"area": "number", "fire station": "bool"}
    assert "user_status" in memory.estates.columns
    assert memory.estates["id"].tolist()[-1] == str(2**63 + 5)
    assert memory.estates.loc[3, "status"] == "flagged"
    _same(memory, tmp_path / "out", result)
    joined = pd.read_parquet(tmp_path / "out" / "joined")
    assert "user_status" in joined.columns and "status" in joined.columns


def test_a_header_only_register_and_a_wrong_reconciliation(client, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("id,province,lat,lon\n", encoding="utf-8")
    memory = join(path)
    result = dask_join(path, client=client, out=tmp_path / "out")
    for key in ("rows_in", "rows_joined", "warnings", "columns"):
        assert result.summary[key] == memory.summary[key], key
    assert result.summary["rows_in"] == 0 and len(pd.read_parquet(tmp_path / "out" / "rows")) == 0
    with pytest.raises(GeoError) as in_memory:
        join(EXAMPLE, reconcile=["no such column=hse_fire_stations_built"])
    with pytest.raises(type(in_memory.value)) as on_dask:
        dask_join(EXAMPLE, client=client, out=tmp_path / "out2", reconcile=["no such column=hse_fire_stations_built"])
    assert str(on_dask.value) == str(in_memory.value)
    assert not (tmp_path / "out2").exists()


def test_overflowing_sums_flag_the_same_rows_on_both_engines(client, tmp_path, places):
    """Sums past a float's range: left empty, and their rows flagged, though no partition alone overflows."""
    one, two, three = places["inside"][22], places["inside"][9], places["inside"][6]  # three provinces
    rows = [(one, "1.5e308", "1"), (two, "1", "1e308"), (three, "2", "1e308"), (one, "1.5e308", "3")]
    rows += [(three, "5", "7")] * 6
    frame = pd.DataFrame(
        {"lat": [p[0] for p, _, _ in rows], "lon": [p[1] for p, _, _ in rows], "area": [a for _, a, _ in rows],
         "jobs": [j for _, _, j in rows]}
    )  # fmt: skip
    path = tmp_path / "big_values.csv"
    frame.to_csv(path, index=False)
    memory = join(path)
    assert memory.summary["rows_flagged"] == 10  # area: the two rows of province one; jobs: every row
    result = dask_join(path, client=client, out=tmp_path / "out", blocksize=60)
    assert result.summary["engine"]["partitions"] >= 3
    _same(memory, tmp_path / "out", result)


def test_geometry_only_in_rows_after_the_first_is_found(client, tmp_path, places, monkeypatch):
    """The plan is made from the first rows; whether the geometry column holds anything, from all."""
    import geo.engines.dask

    monkeypatch.setattr(geo.engines.dask, "HEAD_ROWS", 20)  # the first rows: two partitions of 10
    pts = places["inside"] + places["abroad"]
    gdf = gpd.GeoDataFrame(
        {"id": [f"E{i}" for i in range(60)], "units": [str(i) for i in range(60)]},
        geometry=[None] * 30 + [shapely.Point(pts[i % len(pts)][1], pts[i % len(pts)][0]) for i in range(30)],
        crs=4326,
    )
    path = tmp_path / "late.parquet"
    gdf.to_parquet(path, row_group_size=10)
    memory = join(path)
    assert memory.summary["columns"]["geometry"] == "geometry" and memory.summary["rows_joined"] > 20
    result = dask_join(path, client=client, out=tmp_path / "out", blocksize=100)
    assert result.summary["engine"]["partitions"] == 6  # a row group each: the first three without geometry
    _same(memory, tmp_path / "out", result)


def test_a_folder_of_the_users_named_like_an_output_is_left_alone(client, tmp_path):
    from geo.errors import OutputError

    out = tmp_path / "out"
    (out / "joined").mkdir(parents=True)
    (out / "joined" / "mine.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match="joined is there already"):
        dask_join(EXAMPLE, client=client, out=out)
    assert sorted(p.name for p in out.rglob("*") if not p.name.startswith(".geo-")) == ["joined", "mine.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left


def test_a_windows_1256_register_is_cut_into_partitions_and_read_alike(client, tmp_path):
    """A legacy Windows export read block by block (Arabic yeh and kaf, ASCII digits: Windows-1256 has no Persian ones)."""
    digits = {chr(base + d): str(d) for base in (0x0660, 0x06F0) for d in range(10)}
    legacy = str.maketrans({"ی": "ي", "ک": "ك", "٫": ".", **digits})
    text = EXAMPLE.read_text(encoding="utf-8-sig").translate(legacy)
    path = tmp_path / "legacy.csv"
    path.write_bytes(text.encode("cp1256"))
    memory = join(path)
    assert memory.summary["rows_joined"] > 20
    result = dask_join(path, client=client, out=tmp_path / "out", blocksize=400)
    assert result.summary["engine"]["partitions"] >= 5
    _same(memory, tmp_path / "out", result)


def _map_register(places, tmp_path: Path) -> Path:
    """80 rows: inside (joined), near the border (flagged), abroad (rejected), without a location; facts of each kind."""
    spots = places["inside"] + places["near"] + places["abroad"]
    rows = []
    for i in range(80):
        lat, lon = spots[(i * 7) % len(spots)] if i % 9 else ("", "")
        rows.append(
            {
                "id": i + 1, "name": f"estate {i}", "lat": lat, "lon": lon,
                "ISO 14001": str(i % 2),  # 0/1 under a known yes/no header: yes/no
                "fire stations": str(i % 3),  # 0/1/2: a count
                "تصفیه خانه": "دارد" if i % 4 else "ندارد",
                "units": str(i * 3),
            }
        )  # fmt: skip
    path = tmp_path / "register.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_dask_writes_the_in_memory_engines_register_map(client, tmp_path, places, monkeypatch, lang):
    """Every row a point (fa), and above the points threshold (en, lowered here) a grid of cells summed over
    the partitions and the rows' column store with every fact's codes and bins (of all rows): the whole page
    data of map.html is the in-memory engine's for the same register."""
    import geo.maps.points as points
    from geo.maps import embedded_data, register_map, render_html

    if lang == "en":
        monkeypatch.setattr(points, "POINTS_LIMIT", 30)
        monkeypatch.setattr(points, "PROBLEM_POINTS", 4)
    path = _map_register(places, tmp_path)
    memory = join(path)
    result = dask_join(path, client=client, out=tmp_path / "out", blocksize=1200, lang=lang)
    assert result.summary["engine"]["partitions"] > 2
    assert memory.summary["indicators"] == {"ISO 14001": "bool", "fire stations": "number", "تصفیه خانه": "bool", "units": "number"}
    _same(memory, tmp_path / "out", result, lang)
    expected = embedded_data(render_html(register_map(memory, lang=lang)))
    found = embedded_data((tmp_path / "out" / "map.html").read_text(encoding="utf-8"))
    assert found == expected
    tally = found["tally"]
    assert tally["rejected"] > 4 and tally["unplaced"] == 9
    if lang == "en":  # the grid: every located row counted once, the first rejected rows drawn
        assert found["grid"] is not None and len(found["points"]["row"]) == tally["shown"] == 4
        store = found["grid"]["store"]
        kinds = [f["kind"] for f in store["facts"]]  # both yes/no facts and the numbers (fire stations, units …)
        assert store["rows"] == 80 - 9 and kinds.count("yesno") == 2 and kinds.count("number") >= 2
        assert set(found["points"]["status"]) == {"rejected"}
    else:
        assert found["grid"] is None and len(found["points"]["row"]) == 80
