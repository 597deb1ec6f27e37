"""The change tables of :func:`geo.compare`: per province and per county.

Each place gets the count of each kind of change (an estate counts where it is after;
a removed one where it was), the two registers' years, and per fact compared the total
before (the old register's sum, or count of yes, from its own join's table), after, and
the difference; per yes/no fact also the estates that gained it and lost it (no → yes,
yes → no).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geo.comparing.compare_facts import Fact

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["change_tables", "fact_columns"]

_KINDS = ("added", "removed", "moved", "changed", "unchanged", "ambiguous")


def fact_columns(fact: Fact) -> tuple[str, ...]:
    """The columns a fact gives a change table.

    Examples
    --------
    >>> fact_columns(Fact("iso14001", "ISO", "ایزو", "a", "b", "bool"))
    ('iso14001_before', 'iso14001_after', 'iso14001_difference', 'iso14001_gained', 'iso14001_lost')
    """
    base = (f"{fact.key}_before", f"{fact.key}_after", f"{fact.key}_difference")
    return (*base, f"{fact.key}_gained", f"{fact.key}_lost") if fact.kind == "bool" else base


def _table(
    base: pd.DataFrame, place: pd.Series, ch: pd.DataFrame, facts: list[Fact], sums: tuple[Any, Any]
) -> pd.DataFrame:
    table = base.copy()
    kinds = ch["kind"].to_numpy()
    for kind in _KINDS:
        counts = place[kinds == kind].value_counts()
        table[kind] = counts.reindex(table.index, fill_value=0).to_numpy(dtype="int64")
    paired = np.isin(kinds, ("moved", "changed", "unchanged"))
    for fact in facts:
        if fact.kind == "text":
            continue
        suffix = "_true" if fact.kind == "bool" else "_sum"
        cols = fact_columns(fact)
        before, after = (
            pd.to_numeric(t[f"{c}{suffix}"], errors="coerce").reindex(table.index) if t is not None else np.nan
            for t, c in ((sums[0], fact.old), (sums[1], fact.new))
        )
        table[cols[0]], table[cols[1]] = before, after
        table[cols[2]] = table[cols[1]] - table[cols[0]]
        if fact.kind == "bool":
            b = ch[f"{fact.key}_before"].to_numpy()
            a = ch[f"{fact.key}_after"].to_numpy()
            for name, turned in ((cols[3], (b == False) & (a == True)), (cols[4], (b == True) & (a == False))):  # noqa: E712
                counts = place[paired & turned].value_counts()
                table[name] = counts.reindex(table.index, fill_value=0).to_numpy(dtype="int64")
    return table


def change_tables(
    ch: pd.DataFrame, changed: np.ndarray, facts: list[Fact], results: list[Any], years: tuple[int | None, int | None]
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """``by_province`` and ``by_county``: counts of each kind and each fact's totals (see the module docstring)."""
    import geopandas as gpd

    old, new = results
    province = ch["province_new"].where(ch["province_new"].notna(), ch["province_old"])
    county = ch["county_new"].where(ch["county_new"].notna(), ch["county_old"])
    prov_base = new.by_province[["code", "name_en", "name_fa", "geometry"]]
    county_cols = [c for c in ("code", "province", "name_en", "name_fa", "geometry") if c in new.by_county.columns]
    county_base = new.by_county[county_cols]
    tables = []
    for base, place, level in ((prov_base, province, "by_province"), (county_base, county, "by_county")):
        sums = (getattr(old, level), getattr(new, level))
        frame = pd.DataFrame(base.drop(columns="geometry"))
        frame.insert(len(frame.columns), "year_before", pd.array([years[0]] * len(frame), dtype="Int64"))
        frame.insert(len(frame.columns), "year_after", pd.array([years[1]] * len(frame), dtype="Int64"))
        table = _table(frame, place, ch, facts, sums)
        tables.append(gpd.GeoDataFrame(table, geometry=base.geometry.to_numpy(), crs=base.crs))
    return tables[0], tables[1]
