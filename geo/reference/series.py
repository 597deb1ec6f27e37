"""ISIPO's national figures as a series over the years, each with its source.

``data/facts/series.csv`` holds national figures for years other than 1396 as the press
printed them (imported by ``tools/import_series.py``; ``data/facts/README.md`` says from
where and how), and ``data/facts/series_indicators.csv`` names each indicator in both
languages, with its unit and the ledger fact that measures the same thing, if any.
:func:`load_series` reads both, checks every row, and adds the article's own figure
(:mod:`geo.reference.facts`) to the indicator it belongs to, marked ``origin == "article"``.

Two figures of one indicator for one year that differ are a *disagreement*
(:func:`disagreements`): both are kept and shown, never one picked.

Examples
--------
>>> s = load_series()
>>> sorted(set(s.loc[s["indicator"] == "units_started_in_year", "year"].dropna().astype(int)))
[1396, 1397, 1401]
>>> [(d.indicator, d.year, d.values) for d in disagreements(s)]  # doctest: +NORMALIZE_WHITESPACE
[('units_started_in_year', 1396, (2576, 2007)), ('treatment_modules', 1397, (229, 129)),
 ('estates_with_treatment_module', 1397, (202, 201))]
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

import jdatetime
import pandas as pd

from geo._io import formula_safe
from geo._paths import data_dir
from geo.errors import GeoError, InputTypeError, LedgerError
from geo.i18n import as_given, message, whole

__all__ = ["COLUMNS", "Disagreement", "charted", "disagreements", "format_series", "load_series"]

#: The columns of :func:`load_series`, in order.
COLUMNS = (
    "indicator",
    "label_en",
    "label_fa",
    "value",
    "unit",
    "year",
    "as_of",
    "as_of_printed",
    "printed_value",
    "origin",
    "source",
    "source_url",
    "from_note",
    "note",
)
_UNITS = ("count", "person", "hectare", "billion_IRR")
_KEY = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_AS_OF = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_ARTICLE_SOURCE = "IRNA via Aftab News (the article, 1396)"


@dataclass(frozen=True)
class Disagreement:
    """Two or more figures of one indicator for one year that differ (all kept).

    Attributes
    ----------
    indicator, year
        The indicator key and the Jalali year.
    values, sources
        Each figure and its source, in the order of the series.
    """

    indicator: str
    year: int
    values: tuple[int, ...]
    sources: tuple[str, ...]


def _read(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]
    except OSError as exc:
        raise LedgerError(
            message("errors", "series_unreadable", problem=whole(str(exc.strerror or exc))), path=path
        ) from None


def _indicators(path: Path) -> dict[str, dict[str, str]]:
    known: dict[str, dict[str, str]] = {}
    for row, rec in enumerate(_read(path), start=1):
        if not _KEY.match(rec.get("indicator", "")) or rec["indicator"] in known:
            raise LedgerError(message("errors", "series_indicator_key"), path=path, row=row, field="indicator")
        if rec.get("unit") not in _UNITS or not rec.get("label_en") or not rec.get("label_fa"):
            raise LedgerError(
                message("errors", "series_unit_labels", units=whole(", ".join(_UNITS))), path=path, row=row
            )
        known[rec["indicator"]] = rec
    return known


def _as_of(text: str, year: str, err: Any) -> None:
    """A Jalali date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, checked with jdatetime) in ``year``."""
    if not text:
        return
    m = _AS_OF.match(text)
    if m is None:
        raise err("as_of", message("errors", "series_as_of", text=as_given(text)))
    try:
        jdatetime.date(int(m[1]), int(m[2] or 1), int(m[3] or 1))
    except ValueError:
        raise err("as_of", message("errors", "series_as_of_day", text=as_given(text))) from None
    if m[1] != year:
        raise err("as_of", message("errors", "series_as_of_year", text=as_given(text), year=as_given(year)))


def _check(rec: dict[str, str], known: dict[str, dict[str, str]], path: Path, row: int) -> dict[str, Any]:
    def err(field: str, message: str) -> LedgerError:
        return LedgerError(message, path=path, row=row, field=field)

    ind = known.get(rec.get("indicator", ""))
    if ind is None:
        raise err("indicator", message("errors", "series_indicator", indicator=as_given(rec.get("indicator"))))
    if not re.fullmatch(r"[0-9]+", rec.get("value", "")):
        raise err("value", message("errors", "series_value", value=as_given(rec.get("value"))))
    if rec.get("unit") != ind["unit"]:
        raise err(
            "unit", message("errors", "series_unit", unit=as_given(rec.get("unit")), wanted=as_given(ind["unit"]))
        )
    year = rec.get("year", "")
    if year and not (re.fullmatch(r"[0-9]{4}", year) and 1200 <= int(year) <= 1500):
        raise err("year", message("errors", "series_year", year=as_given(year)))
    _as_of(rec.get("as_of", ""), year, err)
    if rec.get("from_note") not in ("true", "false") or not rec.get("source_url", "").startswith("http"):
        raise err("source_url", message("errors", "series_source"))
    host = urlsplit(rec["source_url"]).hostname or ""
    return {
        **{k: rec.get(k, "") for k in ("indicator", "as_of", "as_of_printed", "printed_value", "source_url", "note")},
        "label_en": ind["label_en"],
        "label_fa": ind["label_fa"],
        "value": int(rec["value"]),
        "unit": rec["unit"],
        "year": int(year) if year else None,
        "origin": "press",
        "source": host.removeprefix("www."),
        "from_note": rec["from_note"] == "true",
    }


def _article_rows(known: dict[str, dict[str, str]], facts: pd.DataFrame) -> list[dict[str, Any]]:
    """The ledger's figure for each indicator that names one (the article's, for its year)."""
    by_id = facts.set_index("id")
    rows = []
    for key, ind in known.items():
        fact = ind.get("ledger_fact", "")
        if not fact:
            continue
        if fact not in by_id.index:  # another ledger (a test's) without it: no article figure to add
            continue
        f = by_id.loc[fact]
        rows.append(
            {
                "indicator": key,
                "label_en": ind["label_en"],
                "label_fa": ind["label_fa"],
                "value": int(f["value"]),
                "unit": ind["unit"],
                "year": int(f["period"]),
                "as_of": str(int(f["period"])),
                "as_of_printed": str(int(f["period"])),
                "printed_value": "",
                "origin": "article",
                "source": _ARTICLE_SOURCE,
                "source_url": "",
                "from_note": False,
                "note": f"{fact}: «{f['source_phrase']}»",
            }
        )
    return rows


def load_series(path: str | Path | None = None, *, facts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read and check the national series, with the article's figures added.

    Parameters
    ----------
    path
        A series CSV (its ``series_indicators.csv`` beside it); None for the shipped one.
    facts
        The ledger (:func:`geo.reference.facts.load_facts`) whose figures join the series; None
        loads the shipped one.

    Returns
    -------
    pandas.DataFrame
        One row per figure, the columns :data:`COLUMNS`: ``value`` int, ``year`` a
        nullable integer (blank where the source names no year), ``origin`` ``press`` or
        ``article``, ``source`` the site's name (or the article's).

    Raises
    ------
    LedgerError
        Naming file, row and field: an unknown indicator, a value that is not one whole
        number, a unit other than the indicator's, a year or as-of date that is not Jalali.

    Examples
    --------
    >>> s = load_series()
    >>> s.loc[s["origin"] == "article", ["indicator", "value", "year"]].values.tolist()[0]
    ['units_started_in_year', 2007, 1396]
    """
    from geo._args import check_frame, check_path
    from geo.reference.facts import load_facts

    given, facts = check_path(path, "path"), check_frame(facts, "facts", "ledger")
    if facts is not None and not {"id", "value", "period", "source_phrase"} <= set(facts.columns):
        raise InputTypeError(message("errors", "series_facts_type"))
    series = given if given is not None else data_dir() / "facts" / "series.csv"
    known = _indicators(series.parent / "series_indicators.csv")
    rows = [_check(rec, known, series, row) for row, rec in enumerate(_read(series), start=1)]
    rows += _article_rows(known, load_facts() if facts is None else facts)
    out = pd.DataFrame.from_records(rows, columns=list(COLUMNS))
    out["year"] = out["year"].astype("Int64")
    return out


def disagreements(series: pd.DataFrame) -> list[Disagreement]:
    """Each indicator and year whose figures differ, with every figure and its source."""
    found = []
    dated = series[series["year"].notna()]
    for (indicator, year), group in dated.groupby(["indicator", "year"], sort=False):
        if group["value"].nunique() > 1:
            found.append(
                Disagreement(str(indicator), int(year), tuple(map(int, group["value"])), tuple(group["source"]))
            )
    return found


def charted(series: pd.DataFrame) -> list[str]:
    """The indicators with figures for at least two years (each gets a chart), in series order.

    Examples
    --------
    >>> charted(load_series())
    ['estates_approved', 'estates_operating', 'units_started_in_year', 'units_in_operation', 'estates_active']
    """
    dated = series[series["year"].notna()]
    years = dated.groupby("indicator", sort=False)["year"].nunique()
    return [str(k) for k, n in years.items() if n >= 2]


def _records(series: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {k: (None if v is pd.NA else (int(v) if k == "year" and v is not None else v)) for k, v in rec.items()}
        for rec in series.astype(object).where(series.notna(), None).to_dict("records")
    ]


def format_series(series: pd.DataFrame | None = None, fmt: Literal["json", "csv"] = "json") -> str:
    """The series as ``json`` (a list of objects) or ``csv`` (formula-safe cells).

    Examples
    --------
    >>> json.loads(format_series(fmt="json"))[0]["indicator"]
    'estates_approved'
    """
    records = _records(load_series() if series is None else series)
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        for rec in records:
            writer.writerow({k: "" if v is None else formula_safe(str(v).lower() if isinstance(v, bool) else v)
                             for k, v in rec.items()})  # fmt: skip
        return out.getvalue()
    raise GeoError(message("errors", "series_format", fmt=as_given(fmt)))


def source_text(rec: dict[str, Any]) -> str:
    """A figure's source as a tooltip says it: the address decoded and without its scheme, else its name.

    A page carries the address as text to read, not as a link it could fetch.

    Examples
    --------
    >>> source_text({"source_url": "https://www.x.ir/%D8%A2", "source": "x.ir"})
    'x.ir/آ'
    """
    if not rec.get("source_url"):
        return str(rec["source"])
    parts = urlsplit(rec["source_url"])
    host = (parts.hostname or "").removeprefix("www.")
    return unquote(host + parts.path + (f"?{parts.query}" if parts.query else ""))
