"""Parquet registers as pyarrow and GeoPandas write them: nested columns, one unreadable WKB."""

from __future__ import annotations

import json
import subprocess
import sys

import geopandas as gpd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import geo

CITIES = {"Tehran": (51.39, 35.69), "Isfahan": (51.67, 32.65), "Shiraz": (52.53, 29.59), "Tabriz": (46.29, 38.08)}


def _run(path, out) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo", "join", str(path), "--out", str(out)],
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def test_list_struct_and_map_columns_are_read_as_text_with_one_warning_each(tmp_path) -> None:
    table = pa.table({
        "id": [1, 2, 3], "name": ["a", "b", "c"], "lat": [35.69, 32.65, 29.59], "lon": [51.39, 51.67, 52.53],
        "tags": pa.array([["x", "شهرک"], [], None], pa.list_(pa.string())),
        "meta": pa.array([{"k": 1, "v": "a"}, {"k": 2, "v": None}, None]),
        "extra": pa.array([[("a", 1)], None, []], pa.map_(pa.string(), pa.int64())),
    })  # fmt: skip
    path = tmp_path / "nested.parquet"
    pq.write_table(table, path)
    with pytest.warns(geo.RegisterWarning, match="nested values"):
        reg = geo.read_register(path)
    assert list(reg.frame["tags"][:2]) == ['["x", "شهرک"]', "[]"] and reg.frame["tags"].isna().iloc[2]
    assert json.loads(reg.frame["meta"].iloc[0]) == {"k": 1, "v": "a"}
    nested = [w for w in reg.warnings if "nested values" in w]
    assert len(nested) == 3 and all("JSON text" in w for w in nested)
    done = _run(path, tmp_path / "out")  # the command line: no traceback, every row joined
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["rows_joined"] == 3


@pytest.mark.parametrize("with_metadata", [True, False])
def test_one_unreadable_wkb_rejects_only_its_row(tmp_path, with_metadata) -> None:
    """A GeoParquet (geo metadata) or a plain Parquet of WKB cells with one broken cell:
    that row is rejected with its reason, the others joined, in the file's declared CRS."""
    frame = gpd.GeoDataFrame({"id": list(range(1, 5)), "name": list(CITIES)},
                             geometry=gpd.points_from_xy(*zip(*CITIES.values())), crs=4326)  # fmt: skip
    frame.to_parquet(tmp_path / "good.parquet")
    table = pq.read_table(tmp_path / "good.parquet")
    cells = table.column("geometry").to_pylist()
    cells[2] = b"\x01\x01\x00\x00"  # a point's WKB cut short
    column = table.schema.get_field_index("geometry")
    table = table.set_column(column, "geometry", pa.array(cells, pa.binary()))
    path = tmp_path / "one_bad.parquet"
    pq.write_table(table if with_metadata else table.replace_schema_metadata({}), path)
    done = _run(path, tmp_path / "out")
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert (report["rows_joined"], report["rows_rejected"]) == (3, 1)
    rows = {r["row"]: r for r in report["rows"]} if "rows" in report else None
    text = (tmp_path / "out" / "rows.csv").read_text(encoding="utf-8-sig")
    line = next(x for x in text.splitlines() if x.startswith("3,"))
    assert "rejected" in line and "not a WKT/WKB geometry" in line, line
    assert rows is None or rows[3]["status"] == "rejected"
