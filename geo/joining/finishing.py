"""The last whole-register step of a join, the same for both engines: the summary and the reconciliation.

Once every row is joined and the rows are summed per province and county (in memory by
:func:`geo.joining.join`, or partition by partition by :mod:`geo.engines.dask`),
:func:`finish` makes the report's header from the register as a whole
(:class:`~geo.registers.plan.RegisterInfo`, never its rows): what was read and how, the
count of each status (:func:`geo.joining.rules.summary_of`), the rows with a county, and the
comparisons with published figures (:mod:`geo.joining.reconciliation`; without ``reconcile``, the
columns headed as in the register template, with the figures it names for them).

Examples
--------
>>> from geo.joining.aggregation import sums_table, unit_sums
>>> from geo.joining.locate import province_index
>>> from geo.registers.plan import RegisterInfo
>>> from geo.joining.rules import Rules
>>> import numpy as np, pandas as pd
>>> info = RegisterInfo(columns={"province": "استان"}, indicators={})
>>> frame = province_index().frame
>>> sums = unit_sums(pd.DataFrame(), np.array([0]), {}, len(frame))
>>> by_province = sums_table(sums, {}, (frame, ["code", "name_en", "name_fa"]))
>>> done = finish(info, Rules("attribute"), by_province=by_province,
...               counts={"joined": 1, "flagged": 0, "rejected": 0}, rows_in=1, with_county=0)
>>> done.summary["rows_in"], done.summary["by"], len(done.reconciliation)
(1, 'attribute', 0)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.joining.reconciliation import Spec, empty_reconciliation, reconciliation_table
from geo.joining.rules import Rules, summary_of
from geo.registers.plan import RegisterInfo
from geo.registers.template import template_references

__all__ = ["Finished", "finish"]


@dataclass(frozen=True)
class Finished:
    """What :func:`finish` gives: the report without its rows, and the reconciliation table."""

    summary: dict[str, Any]
    reconciliation: pd.DataFrame


def finish(
    info: RegisterInfo,
    rules: Rules,
    *,
    by_province: gpd.GeoDataFrame,
    counts: Mapping[str, int],
    rows_in: int,
    with_county: int,
    reconcile: Spec | None = None,
) -> Finished:
    """The summary and the reconciliation of a joined register.

    Parameters
    ----------
    info
        The register as a whole (columns, indicators, warnings, path, source CRS).
    rules
        How its rows were joined (the mode and the coast band are reported).
    by_province
        The per-province sums the reconciliation compares.
    counts, rows_in
        The rows of each status (:func:`geo.joining.rules.status_counts`, added up over batches),
        and of the register (they add up to it).
    with_county
        The rows given a county.
    reconcile
        Declared comparisons (:func:`geo.joining.reconciliation.parse_reconcile`); None: the
        template's columns with their figures.
    """
    summary = summary_of(info, rules.by, rules.coast_km, counts, rows_in)
    summary["rows_with_county"] = with_county
    if reconcile is None:  # columns headed as in the register template: compared with their figures
        reconcile = template_references(info.indicators)
    table = reconciliation_table(by_province, info, reconcile) if reconcile else empty_reconciliation()
    summary["reconciliation"] = table.to_dict("records")
    return Finished(summary=summary, reconciliation=table)
