"""The plan of a register read in partitions: counts per partition, added up, one decision.

What :func:`geo.registers.build.make_plan` decides from a whole table, it decides here from
:class:`PartCounts` added up over the partitions in file order: the number of rows, each
column's dtype, its first non-blank cells (enough for finding a WKT column or a column of
«lat, lon» pairs), the :class:`~geo.registers.cells.KindCounts` of each other column,
whether a column has missing cells, and whether the geometry column holds any geometry.
The plan is the one the in-memory engine would make from the whole file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from geo.errors import RegisterError
from geo.registers.build import Plan, decode_binary, make_plan
from geo.registers.cells import KindCounts, blank, kind_counts
from geo.registers.readers import Cells

__all__ = ["SAMPLE", "PartCounts", "count_part", "plan_of"]

#: Non-blank cells kept per column: :func:`geo.registers.coordinates.pair_column` looks at 200.
SAMPLE = 200


@dataclass
class PartCounts:
    """What the plan is decided from, for one partition; partitions add up (``+``, in file order).

    Attributes
    ----------
    rows
        Data rows.
    columns
        The headers, in order.
    dtypes
        Each column's dtype (of the first partition that has rows).
    samples
        Each column's first :data:`SAMPLE` non-blank cells.
    kinds
        :class:`~geo.registers.cells.KindCounts` of each column that plays no role.
    blanks
        Whether each column has missing cells.
    geometry
        The geometry column's name, when it holds any geometry.
    warnings
        The reader's warnings.
    """

    rows: int
    columns: list[str]
    dtypes: dict[str, Any]
    samples: dict[str, pd.Series]
    kinds: dict[str, KindCounts]
    blanks: dict[str, bool]
    geometry: str | None = None
    warnings: list[str] = field(default_factory=list)

    def __add__(self, other: PartCounts) -> PartCounts:
        if other.columns != self.columns:
            raise RegisterError(f"a part of the register has other columns: {other.columns} (first: {self.columns})")
        samples = {
            col: pd.concat([s, other.samples[col]], ignore_index=True).head(SAMPLE) if len(s) < SAMPLE else s
            for col, s in self.samples.items()
        }
        return PartCounts(
            self.rows + other.rows,
            self.columns,
            self.dtypes if self.rows or not other.rows else other.dtypes,
            samples,
            {col: k + other.kinds[col] for col, k in self.kinds.items()},
            {col: b or other.blanks[col] for col, b in self.blanks.items()},
            self.geometry or other.geometry,
            [*self.warnings, *(w for w in other.warnings if w not in self.warnings)],
        )

    def sample(self) -> pd.DataFrame:
        """The samples as one frame (columns padded with blanks), each column of its dtype where it can be."""
        columns = {}
        for col in self.columns:
            s = self.samples[col]
            try:
                columns[col] = s.astype(self.dtypes[col])
            except (TypeError, ValueError):  # padding an integer column with blanks
                columns[col] = s
        frame = pd.DataFrame(columns, columns=self.columns)
        return frame.reset_index(drop=True)


def _first_filled(s: pd.Series) -> pd.Series:
    """The first :data:`SAMPLE` non-blank cells of a column, looking at as few cells as it can."""
    n = 4 * SAMPLE
    while True:
        head = s.iloc[:n]
        filled = head[~blank(head)]
        if len(filled) >= SAMPLE or n >= len(s):
            return filled.head(SAMPLE).reset_index(drop=True)
        n *= 8


def count_part(cells: Cells, roles: frozenset[str]) -> PartCounts:
    """The counts of one partition; ``roles``: the headers that play a role (not indicators)."""
    frame = cells.frame.reset_index(drop=True)
    samples = {col: _first_filled(frame[col]) for col in frame.columns}
    decoded = frame.copy(deep=False)
    decode_binary(decoded, set(roles))
    kinds = {col: kind_counts(decoded[col]) for col in frame.columns if col not in roles}
    geometry = None
    if cells.geometry is not None:
        geoms = np.asarray(cells.geometry.values, dtype=object)
        if not shapely.is_missing(geoms).all():
            geometry = getattr(cells.geometry, "name", "geometry") or "geometry"
    return PartCounts(
        len(frame),
        [str(c) for c in frame.columns],
        dict(frame.dtypes.items()),
        samples,
        kinds,
        {col: bool(frame[col].hasnans) for col in frame.columns},
        geometry,
        list(cells.warnings),
    )


def plan_of(
    counts: PartCounts,
    overrides: Mapping[str, str | None],
    *,
    crs: str | None,
    declared_crs: str | None,
    path: Path | None,
    warnings: list[str],
) -> Plan:
    """The plan of the whole register from its partitions' counts added up.

    Raises
    ------
    RegisterError
        As :func:`geo.registers.build.make_plan`.
    """
    return make_plan(
        counts.sample(),
        geometry=counts.geometry,
        kind=lambda col: counts.kinds[col].kind() if col in counts.kinds else "text",
        has_blanks=lambda col: counts.blanks[col],
        rows=counts.rows,
        overrides=overrides,
        crs=crs,
        declared_crs=declared_crs,
        path=path,
        warnings=warnings,
    )
