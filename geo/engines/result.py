"""The result of a join on dask (:func:`geo.engines.dask.join`): light, so that :mod:`geo.joining` can name it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["DaskJoinResult"]


@dataclass
class DaskJoinResult:
    """The outcome of a join on dask.

    Attributes
    ----------
    estates
        One row per input row, as :attr:`geo.JoinResult.estates` (``reasons`` as lists):
        a lazy dask-geopandas GeoDataFrame, computed again on each use.
    by_province, reconciliation, summary, by_county
        As in :class:`geo.JoinResult` (computed).
    register
        The register as a whole, without its rows (columns, indicators, warnings).
    paths
        Output name → path, when the run wrote its outputs.
    """

    estates: Any
    by_province: Any
    reconciliation: Any
    summary: dict[str, Any]
    register: Any = field(default=None, repr=False)
    by_county: Any = field(default=None, repr=False)
    paths: dict[str, Path] = field(default_factory=dict)

    @property
    def report(self) -> dict[str, Any]:
        """The summary: each row's outcome is in ``rows/`` (Parquet), not in the report."""
        return self.summary
