"""Official per-province statistics (Statistical Yearbook of Iran), declared as indicators.

Each indicator is a row of ``data/yearbook/indicators.csv``: which table and column hold
it, its labels and unit in both languages, its year, its source and the published
national total its 31 values must sum to. Adding a table and a row there adds a layer
to the maps without code changes.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo._paths import data_dir
from geo.errors import LedgerError
from geo.names import resolve_province
from geo.provinces import load_provinces

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


def _folder() -> Path:
    return data_dir() / "yearbook"


def _read_indicators(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    for col in _REQUIRED:
        if col not in df.columns:
            raise LedgerError("required column is missing", path=path, field=col)
    for i, rec in enumerate(df.to_dict("records"), start=1):
        for col in _REQUIRED:
            if not rec[col].strip():
                raise LedgerError("required field is empty", path=path, row=i, field=col)
        if rec["scheme"] not in _SCHEMES:
            raise LedgerError(
                f"unknown scheme {rec['scheme']!r}; use one of {sorted(_SCHEMES)}", path=path, row=i, field="scheme"
            )
    dup = df["id"][df["id"].duplicated()]
    if len(dup):
        row = int(dup.index[0]) + 1
        raise LedgerError(f"duplicate id {dup.iloc[0]!r}", path=path, row=row, field="id")
    out = df.copy()
    out["national_total"] = pd.to_numeric(out["national_total"].replace("", np.nan))
    out["per_factor"] = pd.to_numeric(out["per_factor"].replace("", np.nan))
    return out.set_index("id", drop=False).rename_axis(None)


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
        classification scheme and the paired 1396 fact (``counterpart_fact``).

    Examples
    --------
    >>> load_indicators().loc["green_space_ha", "unit_en"]
    'ha'
    """
    return _read_indicators(Path(path) if path else _folder() / "indicators.csv").copy()


def _read_table(path: Path, column: str) -> pd.Series:
    if not path.is_file():
        raise LedgerError("table listed in indicators.csv does not exist", path=path)
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    for col in ("code", "province_as_printed", column):
        if col not in df.columns:
            raise LedgerError("required column is missing", path=path, field=col)
    values = pd.to_numeric(df[column], errors="coerce")
    for i, (raw, val, printed, code) in enumerate(
        zip(df[column], values, df["province_as_printed"], df["code"], strict=True), start=1
    ):
        if not np.isfinite(val) or val < 0:
            raise LedgerError(f"value {raw!r} is not a non-negative number", path=path, row=i, field=column)
        if resolve_province(printed) != code:
            raise LedgerError(
                f"{printed!r} resolves to {resolve_province(printed)}, not {code}", path=path, row=i, field="code"
            )
    if df["code"].duplicated().any():
        row = int(df.index[df["code"].duplicated()][0]) + 1
        raise LedgerError("province appears twice", path=path, row=row, field="code")
    return pd.Series(values.to_numpy(), index=df["code"].to_numpy(), name=column)


@lru_cache(maxsize=4)
def _stats(path: Path) -> gpd.GeoDataFrame:
    indicators = _read_indicators(path)
    provinces = load_provinces()
    out = provinces.copy()
    for ind in indicators.itertuples():
        series = _read_table(path.parent / ind.table, ind.column)
        missing = sorted(set(provinces.index) - set(series.index))
        if missing and len(missing) == len(provinces):
            raise LedgerError("no province codes match the boundaries", path=path.parent / ind.table)
        if pd.notna(ind.national_total) and not np.isclose(series.sum(), ind.national_total):
            raise LedgerError(
                f"the 31 values sum to {series.sum():g}, not the published national total {ind.national_total:g}",
                path=path.parent / ind.table,
                field=ind.column,
            )
        values = series.reindex(provinces.index)
        if ind.per:
            values = values / provinces[ind.per] * ind.per_factor
        out[ind.id] = values
    return out


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
        table has NaN there (no data), never 0.

    Raises
    ------
    LedgerError
        A table is missing, a value is not a non-negative number, a printed name does
        not resolve to its code, or the values do not sum to the published total.

    Examples
    --------
    >>> stats = load_province_stats()
    >>> int(stats["green_space_ha"].sum())
    6604
    """
    resolved = Path(path).resolve() if path else (_folder() / "indicators.csv").resolve()
    return _stats(resolved).copy()
