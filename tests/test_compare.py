"""geo compare: two years of the same estates (data/examples/estates_example.csv), every kind of change.

The registers are written by real tools (pandas' CSV writer, openpyxl's XLSX) from the
shipped example: the old one (1396) is its first 32 estates and an estate without an id;
the new one (1397), an XLSX with other headers in another column order, closes two estates,
adds two, moves one across a county border (Arak → Shazand), nudges one by half a kilometre,
changes facts of three, and has two rows without ids in the id-less estate's county whose
names both fold to its name (ambiguous).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from geo.comparing import MOVE_KM, compare
from geo.errors import InputValueError
from geo.maps import embedded_data, render_html
from geo.maps.change_map import change_map
from geo.maps.contract import check_page_data

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "examples" / "estates_example.csv"
NO_ID = "شهرک صنعتی نمونه سی و سه"
HOSTILE = '<img src=x onerror="window.__pwned=1">'


def _old() -> pd.DataFrame:
    frame = pd.read_csv(EXAMPLE, dtype=str).iloc[:32].copy()
    extra = {c: "" for c in frame.columns} | {"نام شهرک": NO_ID, "استان": "تهران", "عرض جغرافیایی": "35.75",
                                              "طول جغرافیایی": "51.50", "تصفیه خانه": "دارد", "ایزو 14001": "خیر",
                                              "ایستگاه آتش نشانی 1396": "0", "فضای سبز (هکتار)": "3", "تعداد واحد": "30"}  # fmt: skip
    return pd.concat([frame, pd.DataFrame([extra])], ignore_index=True)


def _new(old: pd.DataFrame) -> pd.DataFrame:
    new = old.iloc[:32].copy()
    ids = new["شناسه"].str.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789"))
    new["شناسه"] = ids
    at = {int(i): k for k, i in ids.items()}
    new = new.drop(index=[at[13], at[22]])  # closed
    new.loc[at[10], ["عرض جغرافیایی", "طول جغرافیایی"]] = ["34.09", "49.40"]  # Arak → Shazand, about 27 km
    new.loc[at[11], ["عرض جغرافیایی", "طول جغرافیایی"]] = ["34.643", "50.884"]  # 0.5 km: the same site
    new.loc[at[6], "تصفیه خانه"] = "دارد"  # gained a treatment plant
    new.loc[at[7], "ایزو 14001"] = "بله"
    new.loc[at[9], "فضای سبز (هکتار)"] = "7.5"
    base = {c: "" for c in new.columns} | {"تصفیه خانه": "دارد", "ایزو 14001": "خیر", "ایستگاه آتش نشانی 1396": "1",
                                           "فضای سبز (هکتار)": "2", "تعداد واحد": "12"}  # fmt: skip
    rows = [
        base | {"شناسه": "41", "نام شهرک": "شهرک صنعتی نمونه چهل و یک", "استان": "یزد", "عرض جغرافیایی": "31.80",
                "طول جغرافیایی": "54.30"},
        base | {"شناسه": "42", "نام شهرک": "ناحیه صنعتی نمونه چهل و دو", "استان": "فارس", "عرض جغرافیایی": "29.50",
                "طول جغرافیایی": "52.90"},
        base | {"نام شهرک": NO_ID, "استان": "تهران", "عرض جغرافیایی": "35.75", "طول جغرافیایی": "51.50"},
        base | {"نام شهرک": "شهرك صنعتي نمونه سي و سه", "استان": "تهران", "عرض جغرافیایی": "35.74",
                "طول جغرافیایی": "51.49"},
    ]  # fmt: skip
    new = pd.concat([new, pd.DataFrame(rows)], ignore_index=True)
    # other headers (ZWNJ, Persian digits, other words) in another order
    renamed = {"نام شهرک": "نام", "تصفیه خانه": "تصفیه‌خانه", "ایزو 14001": "ایزو ۱۴۰۰۱",
               "عرض جغرافیایی": "lat", "طول جغرافیایی": "lon"}  # fmt: skip
    new = new.rename(columns=renamed)
    return new[list(reversed(new.columns))]


@pytest.fixture(scope="module")
def registers(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("registers")
    old = _old()
    paths = {"old": folder / "estates_1396.csv", "new": folder / "estates_1397.xlsx"}
    old.to_csv(paths["old"], index=False, encoding="utf-8")
    _new(old).to_excel(paths["new"], index=False)  # openpyxl
    return paths


@pytest.fixture(scope="module")
def result(registers):
    return compare(registers["old"], registers["new"], old_year=1396, new_year="۱۳۹۷")


def _kinds(result) -> dict[str, set[str]]:
    ch = result.changes
    out: dict[str, set[str]] = {}
    for kind, a, b, name in zip(ch["kind"], ch["id_old"], ch["id_new"], ch["name_new"].fillna(ch["name_old"]), strict=True):
        key = b if isinstance(b, str) else a if isinstance(a, str) else name
        out.setdefault(kind, set()).add(key)
    return out


def test_each_kind_of_change_between_two_years(result) -> None:
    kinds = _kinds(result)
    assert kinds["added"] == {"41", "42"} and kinds["removed"] == {"13", "22"}
    assert kinds["moved"] == {"10"} and kinds["changed"] == {"6", "7", "9"}
    assert "11" in kinds["unchanged"] and len(kinds["unchanged"]) == 26
    s = result.summary
    assert (s["rows_old"], s["rows_new"]) == (33, 34)
    assert s["rows_old"] == s["unchanged"] + s["changed"] + s["moved"] + s["removed"] + s["ambiguous_old"]
    assert s["rows_new"] == s["unchanged"] + s["changed"] + s["moved"] + s["added"] + s["ambiguous_new"]
    assert s["years"] == {"old": 1396, "new": 1397} and s["facts_not_compared"] == []
    assert {f["key"] for f in s["facts_compared"]} >= {"name", "تصفیه خانه", "ایزو 14001", "فضای سبز (هکتار)"}


def test_a_move_across_a_county_border_says_how_far_and_where(result) -> None:
    moved = result.changes[result.changes["kind"] == "moved"].iloc[0]
    assert 25 < moved["distance_km"] < 29 and moved["county_old"] != moved["county_new"]
    assert "km" in moved["reasons"] and "county changed" in moved["reasons"] and "کیلومتر" in moved["reasons_fa"]
    nudged = result.changes[result.changes["id_new"] == "11"].iloc[0]
    assert nudged["kind"] == "unchanged" and 0.2 < nudged["distance_km"] < MOVE_KM


def test_changed_facts_before_and_after_in_both_languages(result) -> None:
    ch = result.changes.set_index("id_new")
    assert ch.loc["6", "facts_changed"] == "تصفیه خانه" and ch.loc["6", "reasons"] == "تصفیه خانه: no → yes"
    assert ch.loc["6", "reasons_fa"] == "تصفیه خانه: خیر ← بله"
    assert (ch.loc["9", "فضای سبز (هکتار)_before"], ch.loc["9", "فضای سبز (هکتار)_after"]) == (5.0, 7.5)
    assert "۷٫۵" in ch.loc["9", "reasons_fa"]


def test_a_name_that_fits_two_rows_is_ambiguous_with_both_named(result) -> None:
    amb = result.changes[result.changes["kind"] == "ambiguous"]
    assert len(amb) == 3 and result.summary["ambiguous_old"] == 1
    old_row = amb[amb["old_row"].notna()].iloc[0]
    assert "new row 33" in old_row["reasons"] and "new row 34" in old_row["reasons"]
    assert "ردیف ۳۳ فهرست تازه" in old_row["reasons_fa"]


def test_tables_count_each_kind_and_each_fact_per_place(result) -> None:
    prov = result.by_province
    assert prov.loc["IR-21", "added"] == 1 and prov.loc["IR-00", "moved"] == 1  # Yazd, Markazi
    assert int(prov["removed"].sum()) == 2 and int(prov["changed"].sum()) == 3
    assert prov.loc["IR-06", "تصفیه خانه_gained"] == 1  # Khuzestan's estate gained a treatment plant
    assert prov.loc["IR-06", "تصفیه خانه_difference"] == 1
    assert prov["year_before"].iloc[0] == 1396 and prov["year_after"].iloc[0] == 1397
    county = result.by_county
    moved = result.changes[result.changes["kind"] == "moved"].iloc[0]
    assert county.loc[moved["county_new"], "moved"] == 1


def test_the_outputs_are_one_set_with_the_identity(result, tmp_path) -> None:
    paths = result.write(tmp_path / "out")
    assert sorted(paths) == sorted(["changes.csv", "by_province_changes.csv", "by_county_changes.csv",
                                    "map.html", "map.en.html", "report.json"])  # fmt: skip
    report = json.loads(paths["report.json"].read_text("utf-8"))
    assert report["identity"][0].startswith("rows_old ==") and len(report["ambiguous_rows"]) == 3
    with paths["changes.csv"].open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 26 + 3 + 1 + 2 + 2 + 3
    assert sum(1 for r in rows if r["old_row"]) == 33 and sum(1 for r in rows if r["new_row"]) == 34


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_the_change_map_carries_every_kind_and_the_years(result, lang) -> None:
    data = embedded_data(render_html(change_map(result, lang=lang)))
    check_page_data(data)
    ch = data["changes"]
    assert ch["shown"] == ch["total"] == len(result.changes)
    assert ch["years"] == (["۱۳۹۶", "۱۳۹۷"] if lang == "fa" else ["1396 SH (2017–18)", "1397 SH (2018–19)"])
    kinds = [ch["kinds"][k][0] for k in ch["k"]]
    assert kinds.index("moved") >= 0 and ch["a"][kinds.index("moved")] != ch["b"][kinds.index("moved")]
    ids = [i["id"] for i in data["indicators"]]
    assert {"added", "removed", "moved", "changed", "تصفیه خانه_gained"} <= set(ids)


def test_a_register_compared_with_itself_is_unchanged(registers) -> None:
    s = compare(registers["old"], registers["old"]).summary
    assert s["unchanged"] == s["rows_old"] == 33 and s["ambiguous"] == s["added"] == s["removed"] == 0


def test_duplicate_ids_are_ambiguous_and_an_id_keeps_its_estate_under_another_name() -> None:
    old = pd.DataFrame({"id": [1, 2, 2], "name": ["A", "B", "B2"], "province": ["Fars", "Qom", "Qom"]})
    new = pd.DataFrame({"id": [1, 2], "name": ["B", "B"], "province": ["Fars", "Qom"]})
    r = compare(old, new)
    ch = r.changes
    assert ch["kind"].tolist() == ["changed", "ambiguous", "ambiguous", "ambiguous"]
    assert ch.loc[0, "reasons"] == "name: A → B"  # the id decides, never the name
    assert "old row 3 (B2)" in ch.loc[1, "reasons"] or "old row 3 (B2)" in ch.loc[3, "reasons"]


def test_an_empty_register_on_either_side(tmp_path, registers) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("شناسه,نام شهرک,استان\n", encoding="utf-8")
    gone = compare(registers["old"], empty).summary
    assert gone["removed"] == gone["rows_old"] == 33 and gone["rows_new"] == 0
    came = compare(empty, registers["old"]).summary
    assert came["added"] == came["rows_new"] == 33 and came["rows_old"] == 0


def test_a_year_that_is_not_jalali_is_refused() -> None:
    frame = pd.DataFrame({"province": ["Fars"]})
    with pytest.raises(InputValueError, match="old_year"):
        compare(frame, frame, old_year=2017)
    with pytest.raises(InputValueError, match="2 different years"):
        compare(pd.DataFrame({"province": ["Fars", "Qom"], "year": [1396, 1397]}), frame, year_column="year")


def test_the_command_line_and_hostile_text(tmp_path) -> None:
    old = tmp_path / "old.csv"
    new = tmp_path / "new.csv"
    old.write_text(f'id,name,province,=cmd\n1,"{HOSTILE.replace(chr(34), chr(34) * 2)}",Fars,1\n2,b,Qom,2\n', "utf-8")
    new.write_text('id,name,province,=cmd\n1,"=HYPERLINK(""http://evil"",""x"")",Fars,3\n3,c,Yazd,1\n', "utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "geo", "compare", str(old), str(new), "--out", str(tmp_path / "out"),
         "--old-year", "1396", "--new-year", "1397"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "added 1, removed 1, moved 0, changed 1" in run.stdout
    text = (tmp_path / "out" / "changes.csv").read_text("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=" not in text
    for page in ("map.html", "map.en.html"):
        html = (tmp_path / "out" / page).read_text("utf-8")
        assert "<img src=x" not in html and "=HYPERLINK" in html
    bad = subprocess.run(
        [sys.executable, "-m", "geo", "compare", str(old), str(new), "--out", str(tmp_path / "o2"), "--old-year", "96"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert bad.returncode != 0 and len(bad.stderr.strip().splitlines()) == 1 and "old_year" in bad.stderr


def test_template_headers_in_two_languages_are_the_same_facts() -> None:
    old = pd.DataFrame({"شناسه": [1, 2], "استان": ["فارس", "قم"], "تصفیه‌خانهٔ فاضلاب در حال بهره‌برداری": ["ندارد", "دارد"]})
    new = pd.DataFrame({"id": [1, 2], "province": ["Fars", "Qom"], "wastewater treatment plant in operation": ["yes", "yes"]})
    r = compare(old, new)
    assert [f["key"] for f in r.summary["facts_compared"]] == ["treatment_plant"]
    assert r.changes["kind"].tolist() == ["changed", "unchanged"]
    assert r.changes.loc[0, "reasons"] == "wastewater treatment plant in operation: no → yes"
    assert r.by_province.loc["IR-07", "treatment_plant_gained"] == 1  # Fars


def test_the_identity_check_refuses_a_row_counted_twice_or_lost() -> None:
    from geo.comparing import _identity
    from geo.errors import GeoError

    good = pd.DataFrame({"o": [0, 1, -1], "n": [0, -1, 1], "kind": ["unchanged", "removed", "added"]})
    assert _identity(good, 2, 2)["unchanged"] == 1
    for bad in (good.assign(o=[0, 0, -1]), good.iloc[:2]):
        with pytest.raises(GeoError, match="accounted for once"):
            _identity(bad, 2, 2)
