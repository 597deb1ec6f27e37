"""Import the Statistical Yearbook tables from ../shared/data into data/yearbook/.

Each table keeps the province names exactly as printed (``province_as_printed``) and
gains the ISO 3166-2:IR code resolved from them by :func:`geo.resolve_province`. Where
the source also gives the name as read (``province_fa``: the 1394 table prints one name
truncated), that column is kept too and the code is resolved from it. Numbers are copied
as printed, empty cells (printed «.») stay empty, and a table's national row (``کل کشور``)
is not copied: it is compared with the ``national_total`` that ``indicators.csv``
declares for each of the table's columns, and the import stops if any differs.
Run by a developer when a table is added: ``python tools/import_yearbook.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.reference.names import resolve_province  # noqa: E402

SOURCE = ROOT.parent / "shared" / "data"
TARGET = ROOT / "data" / "yearbook"
TABLES = {
    "yearbook_1392_green_space_ha_by_province.csv": "green_space_1392.csv",
    "yearbook_1392_treatment_plants_by_province.csv": "treatment_plants_1392.csv",
    "yearbook_1394_manufacturing_establishments_by_province.csv": "manufacturing_establishments_1394.csv",
}
#: The source's column of printed names, and of the names as read where it has one.
PRINTED = ("province", "province_fa_as_printed")
NATIONAL = "کل کشور"


def _check_national_row(national: pd.Series, dst: str) -> None:
    """The printed national row against the totals declared in indicators.csv."""
    declared = pd.read_csv(TARGET / "indicators.csv", dtype=str, keep_default_na=False)
    for rec in declared[declared["table"] == dst].to_dict("records"):
        printed = national[rec["column"]]
        if rec["national_total"] != printed:
            raise SystemExit(f"{dst}: indicators.csv declares {rec['id']} national_total {rec['national_total']!r}, "
                             f"the printed national row has {printed!r}")  # fmt: skip
    print(f"{dst}: the printed national row matches indicators.csv")


def main() -> None:
    for src, dst in TABLES.items():
        df = pd.read_csv(SOURCE / src, dtype=str, encoding="utf-8")
        printed = next(c for c in PRINTED if c in df.columns)
        df = df.rename(columns={printed: "province_as_printed"})
        named = "province_fa" if "province_fa" in df.columns else "province_as_printed"
        national = df[df[named] == NATIONAL]
        if len(national):
            _check_national_row(national.iloc[0], dst)
            df = df[df[named] != NATIONAL]
        df.insert(0, "code", df[named].map(resolve_province))
        if df["code"].nunique() != 31 or len(df) != 31:
            raise SystemExit(f"{src}: {df['code'].nunique()} distinct provinces in {len(df)} rows, expected 31")
        df = df.sort_values("code")
        out = TARGET / dst
        df.to_csv(out, index=False, encoding="utf-8", lineterminator="\n")
        print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out} ({len(df)} rows)")


if __name__ == "__main__":
    main()
