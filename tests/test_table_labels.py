"""The names a reader sees for a join's columns: by_province.csv / by_county.csv headers, the map's indicator menu,
the estates table (``JoinResult.table``); and the rule that tells a yes/no column from a count."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from geo import join, read_register, register_map
from geo.maps import embedded_data, render_html
from geo.registers.known import column_labels, labelled

#: A register as a provincial office types it: Persian headers, Persian digits, «دارد/ندارد», a 0/1/2 count.
REGISTER = """شناسه,نام شهرک,استان,شهرستان,عرض جغرافیایی,طول جغرافیایی,تصفیه خانه,ایزو 14001,ایستگاه آتش‌نشانی ساخته‌شده,فضای سبز (هکتار),توضیحات
1,شهرک صنعتی عباس‌آباد,تهران,,35.52,51.91,دارد,1,2,۱۲٫۵,کنار جاده
2,شهرک صنعتی شمس‌آباد,تهران,,35.37,51.18,ندارد,0,0,8,
3,شهرک صنعتی پرند,تهران,,35.49,50.94,دارد,1,1,,جدید
4,شهرک صنعتی بهارستان,اصفهان,,32.57,51.78,دارد,0,0,۴,
5,شهرک صنعتی محمودآباد,اصفهان,,32.70,51.60,,0,1,3.5,
6,ناحیه صنعتی بی‌مکان,فارس,شیراز,,,ندارد,1,0,2,
"""

#: Its by_province.csv headers on the Persian page (the machine names stay in JoinResult.by_province).
HEADERS_FA = [
    "کد",
    "نام (انگلیسی)",
    "نام (فارسی)",
    "شمار شهرک‌ها",
    "شمار شهرک‌های دارای تصفیه‌خانه",
    "درصد شهرک‌های دارای تصفیه‌خانه",
    "شمار شهرک‌های دارای گواهی ایزو ۱۴۰۰۱",
    "درصد شهرک‌های دارای گواهی ایزو ۱۴۰۰۱",
    "جمع ایستگاه آتش‌نشانی ساخته‌شده",
    "میانگین ایستگاه آتش‌نشانی ساخته‌شده در هر شهرک",
    "جمع فضای سبز (هکتار)",
    "میانگین فضای سبز در هر شهرک (هکتار)",
]
_RAW = re.compile(r"\b(true|sum|mean|share)\b|_", re.IGNORECASE)


@pytest.fixture(scope="module")
def register_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("labels") / "estates.csv"
    path.write_text(REGISTER, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def result(register_path):
    return join(register_path)


def test_a_yes_no_column_and_a_count_are_told_apart() -> None:
    """Words are yes/no; 0/1/2 is a count; 0/1 alone is a count unless the header is a known yes/no fact."""
    reg = read_register(
        pd.DataFrame(
            {
                "province": ["Fars", "Tehran", "Yazd", "Qom"],
                "ایستگاه آتش نشانی ساخته شده": ["0", "1", "2", "۱"],  # a count of stations
                "fire stations built": ["0", "1", "0", "1"],  # 0/1 under an unknown header: a count that adds up
                "ISO 14001": ["1", "0", "۱", ""],  # 0/1 under a known yes/no header: yes/no
                "تصفیه خانه": ["دارد", "ندارد", "دارد", "ندارد"],
                "rail": ["بله", "1", "0", "خیر"],  # words among the digits: yes/no
                "typed": pd.array([True, False, None, True], dtype="boolean"),  # a Parquet/GPKG boolean column
            }
        )
    )
    assert reg.indicators == {
        "ایستگاه آتش نشانی ساخته شده": "number",
        "fire stations built": "number",
        "ISO 14001": "bool",
        "تصفیه خانه": "bool",
        "rail": "bool",
        "typed": "bool",
    }
    assert reg.frame["ایستگاه آتش نشانی ساخته شده"].tolist() == [0.0, 1.0, 2.0, 1.0]
    assert reg.frame["ISO 14001"].tolist()[:3] == [True, False, True]


def test_by_province_csv_is_headed_in_persian_with_the_registers_figures(register_path, tmp_path) -> None:
    """The command line's tables read as Persian in Excel; the figures are the register's; report.json maps them."""
    done = subprocess.run(
        [sys.executable, "-m", "geo", "join", str(register_path), "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(tmp_path / "by_province.csv", encoding="utf-8-sig").set_index("کد")
    assert ["کد", *table.columns] == HEADERS_FA
    tehran, isfahan = table.loc["IR-23"], table.loc["IR-10"]
    assert tehran["شمار شهرک‌ها"] == 3 and tehran["شمار شهرک‌های دارای تصفیه‌خانه"] == 2
    assert tehran["درصد شهرک‌های دارای تصفیه‌خانه"] == pytest.approx(200 / 3)
    assert tehran["شمار شهرک‌های دارای گواهی ایزو ۱۴۰۰۱"] == 2  # 0/1 under the ISO header: yes/no
    assert tehran["جمع ایستگاه آتش‌نشانی ساخته‌شده"] == 3  # 2 + 0 + 1 stations: a count
    assert tehran["جمع فضای سبز (هکتار)"] == 20.5 and tehran["میانگین فضای سبز در هر شهرک (هکتار)"] == 10.25
    assert isfahan["درصد شهرک‌های دارای تصفیه‌خانه"] == 100  # of the estates that say (one left it blank)
    counties = pd.read_csv(tmp_path / "by_county.csv", encoding="utf-8-sig")
    assert list(counties.columns[:5]) == ["کد", "کد استان", "نام (انگلیسی)", "نام (فارسی)", "شمار شهرک‌ها"]
    assert list(counties.columns[5:]) == HEADERS_FA[4:]
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    mapping = {c["label_fa"]: c["name"] for c in report["table_columns"]}
    assert mapping["جمع فضای سبز (هکتار)"] == "فضای سبز (هکتار)_sum"
    assert mapping["درصد شهرک‌های دارای تصفیه‌خانه"] == "تصفیه خانه_share"
    indicators = embedded_data((tmp_path / "map.html").read_text(encoding="utf-8"))["indicators"]
    menu = [i["label"] for i in indicators]
    assert menu == HEADERS_FA[3:]  # the Persian map's indicator menu: the same words, none raw
    assert not [label for label in menu if _RAW.search(label)]
    totals = {i["label"]: i["total"] for i in indicators}
    assert totals["شمار شهرک‌های دارای تصفیه‌خانه"] == "۳"  # 2 in Tehran, 1 in Isfahan
    assert totals["درصد شهرک‌های دارای تصفیه‌خانه"] is None  # shares and means add up to no national figure
    assert totals["میانگین فضای سبز در هر شهرک (هکتار)"] is None


def test_english_labels_on_the_map_and_in_the_tables(result) -> None:
    menu = [i["label"] for i in embedded_data(render_html(register_map(result, lang="en")))["indicators"]]
    assert menu == [
        "Estates",
        "Estates with a treatment plant",
        "Estates with a treatment plant, %",
        "Estates with ISO 14001 certification",
        "Estates with ISO 14001 certification, %",
        "ایستگاه آتش‌نشانی ساخته‌شده, total",  # an unknown header is quoted as written
        "ایستگاه آتش‌نشانی ساخته‌شده, mean per estate",
        "Green space, total (ha)",
        "Green space, mean per estate (ha)",
    ]
    assert list(labelled(pd.DataFrame(result.by_province.drop(columns="geometry")), "en").columns[3:]) == menu
    assert result.by_province.loc["IR-23", "تصفیه خانه_true"] == 2  # machine names kept for programs


def test_two_spellings_of_one_fact_keep_apart_and_labels_never_repeat() -> None:
    labels = column_labels(["تصفیه خانه_true", "تصفیه‌خانه_true", "x_sum", "x_sum"])
    assert labels["تصفیه خانه_true"].en == "Estates with a treatment plant"
    assert labels["تصفیه‌خانه_true"].fa == "تصفیه‌خانه: بله (شمار شهرک‌ها)"


def test_the_estates_table_as_a_dataframe_with_display_labels(result) -> None:
    fa = result.table("fa")
    assert list(fa.columns) == [
        "ردیف", "شناسه", "نام", "استان", "شهرستان", "وضعیت", "تصفیه‌خانه", "ایزو ۱۴۰۰۱",
        "ایستگاه آتش‌نشانی ساخته‌شده", "فضای سبز (هکتار)", "توضیحات", "دلایل", "یادداشت‌ها",
        "عرض جغرافیایی", "طول جغرافیایی",
    ]  # fmt: skip
    assert fa["استان"].tolist() == ["تهران"] * 3 + ["اصفهان"] * 2 + ["فارس"]
    assert fa["شهرستان"].iloc[-1] == "شهرستان شیراز" and fa["وضعیت"].iloc[0] == "پیوندخورده"
    assert fa["تصفیه‌خانه"].tolist()[:4] == [True, False, True, True] and pd.isna(fa["تصفیه‌خانه"].iloc[4])
    assert fa["فضای سبز (هکتار)"].iloc[0] == 12.5 and np.isnan(fa["فضای سبز (هکتار)"].iloc[2])
    en = result.table("en")
    assert list(en.columns[:6]) == ["Row", "ID", "Name", "Province", "County", "Status"]
    assert en["Province"].iloc[0] == "Tehran" and en["Treatment plant"].iloc[0]
