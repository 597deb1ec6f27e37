"""Official per-province statistics (Statistical Yearbook of Iran), declared as indicators.

Each indicator is a row of ``data/yearbook/indicators.csv``: which table and column hold
it, its labels and unit in both languages, its year, its source and the published
national total its 31 values must sum to. Adding a table and a row there adds a layer
to the maps without code changes.

A printed table that does not add up (a column that does not sum to its printed national
total, a province whose parts do not sum to its printed total: ``parts``) is an error,
unless its indicators declare ``on_mismatch=warn``: then each disagreement is issued as a
:class:`geo.errors.DataQualityWarning` with both numbers and kept in the indicator's
metadata (``quality``), and every number stays as printed.
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo._args import check_path
from geo._paths import data_dir
from geo.errors import DataQualityWarning, LedgerError
from geo.i18n import as_given, message, whole
from geo.reference._quality import QualityIssue, check_column, check_parts
from geo.reference.names import resolve_province
from geo.reference.provinces import load_provinces

__all__ = ["load_indicators", "load_province_stats"]

_REQUIRED = [
    "id",
    "table",
    "column",
    "label_en",
    "label_fa",
    "unit",
    "unit_en",
    "unit_fa",
    "year_sh",
    "year_en",
    "scheme",
    "source_en",
    "source_fa",
]
_SCHEMES = {"NaturalBreaks", "Quantiles", "EqualInterval", "FisherJenks", "HeadTailBreaks", "BoxPlot"}


_MISMATCH = {"": "error", "error": "error", "warn": "warn"}


def _folder() -> Path:
    return data_dir() / "yearbook"


def _indicators_path(path: object) -> Path:
    """The indicators table to read: ``path`` checked (type, an existing file), or the shipped one."""
    given = check_path(path, "path")
    if given is None:
        return (_folder() / "indicators.csv").resolve()
    resolved = given.resolve()
    if not resolved.is_file():
        raise LedgerError(message("errors", "no_such_file" if not resolved.exists() else "not_a_file"), path=resolved)
    return resolved


def _read_indicators(path: Path) -> pd.DataFrame:
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        problem = whole(" ".join(str(exc).split())[:200])
        raise LedgerError(message("errors", "stats_unreadable", problem=problem), path=path) from exc
    for col in _REQUIRED:
        if col not in df.columns:
            raise LedgerError(message("errors", "ledger_column_missing"), path=path, field=col)
    for col in ("parts", "on_mismatch"):
        if col not in df.columns:
            df[col] = ""
    for i, rec in enumerate(df.to_dict("records"), start=1):
        for col in _REQUIRED:
            if not rec[col].strip():
                raise LedgerError(message("errors", "ledger_field_empty"), path=path, row=i, field=col)
        if rec["scheme"] not in _SCHEMES:
            said = message(
                "errors", "stats_scheme", scheme=as_given(rec["scheme"]), schemes=whole(str(sorted(_SCHEMES)))
            )
            raise LedgerError(said, path=path, row=i, field="scheme")
        if rec["on_mismatch"].strip() not in _MISMATCH:
            raise LedgerError(
                message("errors", "stats_on_mismatch", value=as_given(rec["on_mismatch"])),
                path=path,
                row=i,
                field="on_mismatch",
            )
    dup = df["id"][df["id"].duplicated()]
    if len(dup):
        row = int(dup.index[0]) + 1
        raise LedgerError(
            message("errors", "ledger_duplicate_id", id=as_given(dup.iloc[0])), path=path, row=row, field="id"
        )
    out = df.copy()
    out["national_total"] = pd.to_numeric(out["national_total"].replace("", np.nan))
    out["per_factor"] = pd.to_numeric(out["per_factor"].replace("", np.nan))
    out["on_mismatch"] = out["on_mismatch"].str.strip().map(_MISMATCH)
    return out.set_index("id", drop=False).rename_axis(None)


def indicator_ids() -> frozenset[str]:
    """The ids of the shipped declared indicators (``indicators.csv`` alone, no table read).

    Examples
    --------
    >>> "green_space_ha" in indicator_ids()
    True
    """
    return frozenset(_read_indicators(_indicators_path(None))["id"])


def load_indicators(path: str | Path | None = None) -> pd.DataFrame:
    """Load the declared per-province indicators (metadata, no values).

    Parameters
    ----------
    path
        An indicators CSV; default: the shipped ``data/yearbook/indicators.csv``.

    Returns
    -------
    pandas.DataFrame
        Indexed by indicator ``id``, with labels, units, year, source, national total,
        classification scheme, the paired 1396 fact (``counterpart_fact``) and
        ``quality``: a tuple of the places where the printed table behind the
        indicator does not add up (:class:`geo.reference._quality.QualityIssue`, each with both
        numbers; empty for a table that adds up).

    Raises
    ------
    LedgerError
        A required field is missing or invalid, or (with ``on_mismatch`` ``error``, the
        default) a table does not add up.

    Examples
    --------
    >>> load_indicators().loc["green_space_ha", "unit_en"]
    'ha'
    >>> [i.note("en") for i in load_indicators().loc["manufacturing_private_100plus", "quality"]][:1]
    ['the provinces sum to 2,438, the printed national total is 2,338']
    """
    resolved = _indicators_path(path)
    out = _read_indicators(resolved).copy()
    issues = _stats(resolved)[1]
    out["quality"] = [issues.get(i, ()) for i in out.index]
    return out


@lru_cache(maxsize=16)
def _read_table(path: Path) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """A table's raw text cells and the ISO codes of its rows (checked against the names)."""
    if not path.is_file():
        raise LedgerError(message("errors", "stats_table_missing"), path=path)
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    for col in ("code", "province_as_printed"):
        if col not in df.columns:
            raise LedgerError(message("errors", "ledger_column_missing"), path=path, field=col)
    # the name the code was resolved from: the printed one, or the source's reading of
    # it where the print is damaged (``province_fa``, e.g. a truncated name)
    field = "province_fa" if "province_fa" in df.columns else "province_as_printed"
    read = df[field].where(df[field] != "", df["province_as_printed"])
    for i, (name, code) in enumerate(zip(read, df["code"], strict=True), start=1):
        try:
            found = resolve_province(name)
        except LookupError as exc:
            said = message("errors", "stats_not_province", name=as_given(name), problem=whole(str(exc)))
            raise LedgerError(said, path=path, row=i, field=field) from None
        if found != code:
            said = message(
                "errors", "stats_resolves_elsewhere", name=as_given(name), found=whole(found), code=whole(code)
            )
            raise LedgerError(said, path=path, row=i, field="code")
    if df["code"].duplicated().any():
        row = int(df.index[df["code"].duplicated()][0]) + 1
        raise LedgerError(message("errors", "stats_province_twice"), path=path, row=row, field="code")
    return df, tuple(df["code"])


def _values(path: Path, column: str) -> pd.Series:
    """One column as numbers indexed by code: an empty cell (printed «.») is NaN, no data, never 0."""
    df, codes = _read_table(path)
    if column not in df.columns:
        raise LedgerError(message("errors", "ledger_column_missing"), path=path, field=column)
    values = pd.to_numeric(df[column].replace("", np.nan), errors="coerce")
    for i, (raw, val) in enumerate(zip(df[column], values, strict=True), start=1):
        if raw != "" and (not np.isfinite(val) or val < 0):
            said = message("errors", "stats_not_non_negative", value=as_given(raw))
            raise LedgerError(said, path=path, row=i, field=column)
    return pd.Series(values.to_numpy(), index=list(codes), name=column)


def _checks(ind: Any, path: Path, series: pd.Series, provinces: gpd.GeoDataFrame) -> list[QualityIssue]:
    """The indicator's printed table against its national total and its declared parts.

    ``ind`` is the indicator's row of indicators.csv (a named tuple).
    """
    table = path.parent / ind.table
    issues: list[QualityIssue] = []
    if pd.notna(ind.national_total):
        issues += check_column(table.name, ind.column, series, ind.national_total)
    parts = ind.parts.split()
    if parts:
        frame = pd.concat([series, *(_values(table, p) for p in parts)], axis=1)
        issues += check_parts(table.name, frame, ind.column, parts, provinces[["name_en", "name_fa"]])
    if issues and ind.on_mismatch != "warn":
        first = issues[0]
        if first.kind == "national_total":
            total = message("errors", "stats_sum_total", computed=first.computed, printed=first.printed)
            raise LedgerError(total, path=table, field=ind.column)
        sums = {"parts": whole(" + ".join(parts)), "column": whole(ind.column)}
        row = message("errors", "stats_sum_parts", **sums, computed=first.computed, printed=first.printed)
        raise LedgerError(row, path=table, row=first.row, field=ind.column)
    return issues


@lru_cache(maxsize=4)
def _stats(path: Path) -> tuple[gpd.GeoDataFrame, dict[str, tuple[QualityIssue, ...]]]:
    indicators = _read_indicators(path)
    provinces = load_provinces()
    out = provinces.copy()
    found: dict[tuple[str, str, str], list[QualityIssue]] = {}  # (table, column, kind/code) -> issues
    per_table: dict[str, list[QualityIssue]] = {}
    for ind in indicators.itertuples():
        series = _values(path.parent / ind.table, ind.column)
        missing = sorted(set(provinces.index) - set(series.index))
        if missing and len(missing) == len(provinces):
            raise LedgerError(message("errors", "stats_no_codes"), path=path.parent / ind.table)
        for issue in _checks(ind, path, series, provinces):
            key = (issue.table, issue.column, issue.code or "")
            if key not in found:
                found[key] = [issue]
                per_table.setdefault(issue.table, []).append(issue)
        values = series.reindex(provinces.index)
        if ind.per:
            values = values / provinces[ind.per] * ind.per_factor
        out[ind.id] = values
    # each indicator carries every disagreement its column takes part in: its own column
    # against the national total, and each row whose total or parts include it
    issues = {
        ind.id: tuple(
            sorted(
                (i for i in per_table.get(ind.table, []) if ind.column in i.columns and not ind.per),
                key=lambda i: (i.column != ind.column, i.kind != "national_total", i.row or 0),
            )
        )
        for ind in indicators.itertuples()
    }
    return out, issues


def load_province_stats(path: str | Path | None = None) -> gpd.GeoDataFrame:
    """Load the per-province yearbook tables joined to the province polygons.

    Parameters
    ----------
    path
        An indicators CSV (tables are read from its folder); default: the shipped one.

    Returns
    -------
    geopandas.GeoDataFrame
        :func:`geo.load_provinces` plus one column per indicator id (e.g.
        ``green_space_ha``, ``treatment_plants_operational``); a province missing from a
        table, or with an empty cell there, has NaN (no data), never 0.

    Raises
    ------
    LedgerError
        A table is missing, a value is not a non-negative number, a printed name does
        not resolve to its code, or the values do not sum to the published total (for
        indicators declared ``on_mismatch=warn``, a :class:`geo.errors.DataQualityWarning`
        is issued instead, once per disagreement, and the numbers are kept as printed).

    Examples
    --------
    >>> stats = load_province_stats()
    >>> int(stats["green_space_ha"].sum())
    6604
    """
    resolved = _indicators_path(path)
    stats, issues = _stats(resolved)
    seen: set[QualityIssue] = set()
    for issue in (i for found in issues.values() for i in found):
        if issue not in seen:
            seen.add(issue)
            warnings.warn(DataQualityWarning(issue.message(), issue=issue), stacklevel=2)
    return stats.copy()
