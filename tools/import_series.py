"""Import ISIPO's national figures for other years from ../shared/data into data/facts/series.csv.

The source (``isipo_national_series.csv``, described in ``../shared/data/README.md``) has one
row per figure as printed in the press: the date as the source gives it, an indicator in
words, the value as printed (a few rows hold two numbers, «729 / 147»), a unit, the
address of the stored copy and a note. This script writes the normalised series: each
figure under a stable indicator key, with its Jalali year (blank where the source names
none: never guessed) and as-of date, its value as a number, and the printed text kept
beside it. Every decision is written down below, row by row (:data:`DECISIONS`, keyed by
the source's 1-based data row); a row split into two indicators, or left out, says why.
Figures the source gives only inside a note are brought in only where a test of the
series needs them (the treatment modules that two copies of one agency's text give
differently) and are marked ``from_note``.

Run by a developer when the source changes: ``python tools/import_series.py``; it stops
when a source row has no decision, or a decision's value is not what the row prints.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "data" / "isipo_national_series.csv"
TARGET = ROOT / "data" / "facts" / "series.csv"

COLUMNS = (
    "indicator",
    "value",
    "unit",
    "year",
    "as_of",
    "as_of_printed",
    "printed_value",
    "source_url",
    "from_note",
    "note",
)

#: source row → (indicator, value as printed, year, as-of date (Jalali), note) for each figure
#: taken from it; a text instead says why the row is left out.
DECISIONS: dict[int, list[tuple[str, str, str, str, str]] | str] = {
    1: [("estates_approved", "931", "1392", "1392-12-29", "549 estates + 382 zones (adds up); speaker Abrishami")],
    2: [("jobs_in_operating_units", "651091", "1392", "1392-12-29", "")],
    3: [("investment_units_started", "325967", "1392", "1392", "the year's flow")],
    4: [("estates_approved", "918", "", "", "the source gives no date (Molaei era): no year assigned")],
    5: [("estates_approved", "976", "1396", "1396-12-29", "ISIPO figures given to reporters")],
    6: [("estates_approved", "993", "1397", "1397-12-29", "")],
    7: [("estates_operating", "802", "1396", "1396-12-29", "")],
    8: [("estates_operating", "811", "1397", "1397-12-29", "")],
    9: [("units_started_in_year", "2576", "1396", "1396", "the article gives 2,007 units in estates for 1396")],
    10: [("units_started_in_year", "2392", "1397", "1397", "")],
    11: [("units_in_operation", "41736", "1396", "1396-12-29", "")],
    12: [("units_in_operation", "43473", "1397", "1397-12-29", "")],
    13: [
        (
            "units_in_operation",
            "42160",
            "",
            "",
            "end of Shahrivar, the year not in the source (the collector says it fits 1397): no year assigned",
        )
    ],
    14: [("units_in_operation", "44432", "1398", "1398-06-31", "sector split sums exactly to 44,432")],
    15: [("estates_total", "980", "1397", "1397-11-17", "speaker Mohammadzadeh")],
    16: [
        (
            "estates_area",
            "143000",
            "1397",
            "1397-11-24",
            "the newspaper's date (Jahan-e Sanat, 2019-02-13); the source gives the month 1397-11",
        )
    ],
    17: [("green_space", "7800", "1397", "1397-12-18", "speaker Mohammadizadeh (Tasnim)")],
    18: [
        ("estates_operating", "729", "", "", "split from «729 / 147» (operating parks / with treatment plant)"),
        ("estates_with_treatment_plant", "147", "", "", "split from «729 / 147»; no date"),
    ],
    19: [
        ("units_in_estates", "37120", "", "", "split from «37120 / 7085» (units in estates / idle units); no date"),
        ("units_idle", "7085", "", "", "split from «37120 / 7085»; no date"),
    ],
    20: (
        "left out: the newspaper's OCR prints the digits reversed («86۷», «۰8۷»); the collector's"
        " reading 768 / 780 is marked 'verify', so neither number is certain"
    ),
    21: [
        ("smes_in_estates", "43650", "1398", "1398-09-27", "split from «43650 / 33800» (SMEs in parks / active)"),
        ("smes_active", "33800", "1398", "1398-09-27", "split from «43650 / 33800»"),
    ],
    22: [
        ("estates_established", "1011", "1400", "1400-04-08", "split from «1011 / 830» (established / handed over)"),
        ("estates_handed_over", "830", "1400", "1400-04-08", "split from «1011 / 830»"),
    ],
    23: [
        ("estates_established", "1011", "1400", "", "split from «1011 / 728» (industrial towns / active); Q1 1400"),
        ("estates_active", "728", "1400", "", "split from «1011 / 728»; Q1 1400"),
    ],
    24: [("units_started_in_year", "2967", "1401", "1401", "")],
    25: [("estates_active", "880", "1401", "1401-11-23", "")],
    26: [("units_in_operation", "50917", "1402", "1402-03-31", "Majlis Research Center report")],
    27: [
        (
            "units_started_nine_months",
            "2103",
            "1404",
            "1404-09",
            "the first nine months of 1404: 1,307 state + 796 private (adds up)",
        )
    ],
}

#: Figures stated only in a source row's note, brought in with their row's address:
#: (source row, indicator, value, year, as-of date, note).
FROM_NOTES: tuple[tuple[int, str, str, str, str, str], ...] = (
    (15, "treatment_modules", "229", "1397", "1397-11-17", "«229 treatment modules in 202 estates» (Tasnim)"),
    (15, "estates_with_treatment_module", "202", "1397", "1397-11-17", "«229 treatment modules in 202 estates»"),
    (
        17,
        "treatment_modules",
        "129",
        "1397",
        "1397-12-18",
        "«129 modules in 201 estates»: a later copy of Tasnim's text; conflicts with 229 in 202",
    ),
    (17, "estates_with_treatment_module", "201", "1397", "1397-12-18", "«129 modules in 201 estates»"),
)

UNITS = {"count": "count", "persons": "person", "billion rials": "billion_IRR", "ha": "hectare"}


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def main() -> int:
    """Write data/facts/series.csv; 1 when the source and the decisions disagree."""
    with SOURCE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if set(DECISIONS) != set(range(1, len(rows) + 1)):
        sys.stderr.write(f"rows without a decision: {sorted(set(range(1, len(rows) + 1)) - set(DECISIONS))}\n")
        return 1
    out = []
    for number, row in enumerate(rows, start=1):
        decision = DECISIONS[number]
        if isinstance(decision, str):
            continue
        printed = row["value"].strip()
        parts = [_digits(p) for p in printed.split("/")]
        for indicator, value, year, as_of, note in decision:
            if value not in parts:
                sys.stderr.write(f"row {number}: {value} is not printed in {printed!r}\n")
                return 1
            unit = UNITS[row["unit"].strip()]
            split = printed if len(parts) > 1 else ""
            out.append(dict(zip(COLUMNS, (indicator, value, unit, year, as_of, row["as_of_sh"], split,
                                          row["source_url"], "false", note), strict=True)))  # fmt: skip
    for number, indicator, value, year, as_of, note in FROM_NOTES:
        row = rows[number - 1]
        if value not in _digits(row["note"].replace(",", " ")) and value not in row["note"]:
            sys.stderr.write(f"row {number}: {value} is not in its note\n")
            return 1
        out.append(dict(zip(COLUMNS, (indicator, value, "count", year, as_of, row["as_of_sh"], "",
                                      row["source_url"], "true", note), strict=True)))  # fmt: skip
    with TARGET.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(out)
    sys.stdout.write(f"wrote {len(out)} figures to {TARGET.relative_to(ROOT)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
