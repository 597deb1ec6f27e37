"""Import the Statistical Yearbook tables from ../shared/data into data/yearbook/.

Each table keeps the province names exactly as printed (``province_as_printed``) and
gains the ISO 3166-2:IR code resolved from them by :func:`geo.resolve_province`.
Run by a developer when a table is added: ``python tools/import_yearbook.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.names import resolve_province  # noqa: E402

SOURCE = ROOT.parent / "shared" / "data"
TABLES = {
    "yearbook_1392_green_space_ha_by_province.csv": "green_space_1392.csv",
    "yearbook_1392_treatment_plants_by_province.csv": "treatment_plants_1392.csv",
}


def main() -> None:
    for src, dst in TABLES.items():
        df = pd.read_csv(SOURCE / src, dtype=str, encoding="utf-8")
        df = df.rename(columns={"province": "province_as_printed"})
        df.insert(0, "code", df["province_as_printed"].map(resolve_province))
        if df["code"].nunique() != 31:
            raise SystemExit(f"{src}: {df['code'].nunique()} distinct provinces, expected 31")
        df = df.sort_values("code")
        out = ROOT / "data" / "yearbook" / dst
        df.to_csv(out, index=False, encoding="utf-8", lineterminator="\n")
        print(f"wrote {out.relative_to(ROOT)} ({len(df)} rows)")


if __name__ == "__main__":
    main()
