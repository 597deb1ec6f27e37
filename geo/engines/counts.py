"""What the whole-register decisions of a join are made from, counted per partition and added up.

The in-memory engine decides from the whole table at once; the dask engine from
:class:`PartCounts` added up over the partitions (``+``, in file order), which give the
same decision:

* each indicator column's kind (number, yes/no, text): the
  :class:`~geo.registers.cells.KindCounts` of :func:`geo.registers.cells.column_kind`;
* whether whole-number ids stay numbers: :func:`geo.registers.build.fits_int64` of
  every partition (a blank id or one past int64 anywhere makes all of them text);
* the rows of each partition, hence the first row number of each;
* the ids, as text (:func:`geo.registers.build.parse_ids`), for the repeated ones to be
  found by a shuffle (:mod:`geo.engines.dask`).

The role columns, the location, the province column found by its content and the
renamed reserved columns are decided by :func:`geo.registers.plan.plan_register` on the
register's first rows, as many as those decisions read (:data:`HEAD_ROWS`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from geo.reasons import RowReasons
from geo.registers.build import decode_binary, fits_int64, parse_ids
from geo.registers.cells import Cells, KindCounts, kind_counts, parse_numbers, remove_controls
from geo.registers.known import declared_kind
from geo.registers.plan import Plan, clean_headers
from geo.registers.vocabulary import ROLES

__all__ = ["HEAD_ROWS", "PartCounts", "batch_cells", "count_part", "decide", "id_keys"]

#: The first rows the plan is made from: :func:`geo.registers.columns.province_by_content`
#: reads a column's first 10,000 cells, the location finders its first 200 filled ones.
HEAD_ROWS = 10_000


@dataclass
class PartCounts:
    """What the whole-register decisions are made from, for one partition; partitions add up.

    Attributes
    ----------
    rows
        Data rows.
    kinds
        :class:`~geo.registers.cells.KindCounts` of each column that plays no role.
    int_ids
        Whether the id column's cells fit int64 (True without an id column or rows).
    warnings
        The reader's warnings.
    """

    rows: int
    kinds: dict[str, KindCounts]
    int_ids: bool = True
    warnings: list[str] = field(default_factory=list)

    def __add__(self, other: PartCounts) -> PartCounts:
        kinds = dict(self.kinds)
        for col, k in other.kinds.items():
            kinds[col] = kinds.get(col, KindCounts()) + k
        return PartCounts(
            self.rows + other.rows,
            kinds,
            self.int_ids and other.int_ids,
            [*self.warnings, *(w for w in other.warnings if w not in self.warnings)],
        )


def batch_cells(part: Cells) -> pd.DataFrame:
    """A partition's cells under the headers the plan was made with (cleaned as the whole file's)."""
    return clean_headers(part.frame, part.path, [])


def _indicators(cells: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """The columns that play no role, as :func:`geo.registers.build.parse_rows` reads them (controls out)."""
    cells = cells.reset_index(drop=True).rename(columns=plan.renamed)
    used = {plan.columns[r] for r in (*ROLES, "geometry") if r in plan.columns}
    others = cells[[c for c in cells.columns if c not in used]]
    others = remove_controls(others, RowReasons(len(others)))
    decode_binary(others, set())
    return others


def count_part(part: Cells, plan: Plan) -> PartCounts:
    """The counts of one partition, by the plan made from the register's first rows."""
    cells = batch_cells(part)
    others = _indicators(cells, plan)
    kinds = {str(col): kind_counts(others[col], parse_numbers(others[col])) for col in others.columns}
    id_col = plan.columns.get("id")
    ids = cells.rename(columns=plan.renamed)[id_col] if id_col is not None else None
    int_ids = ids is None or not len(ids) or fits_int64(ids)
    return PartCounts(len(cells), kinds, int_ids, list(part.warnings))


def id_keys(part: Cells, plan: Plan, number: int) -> pd.DataFrame:
    """Each filled id of a partition as text (``key``), with the partition's ``number`` and the row's ``pos``."""
    keys = parse_ids(batch_cells(part), plan)
    frame = pd.DataFrame(
        {
            "key": keys.astype(object),
            "part": np.full(len(keys), number, dtype="int64"),
            "pos": np.arange(len(keys), dtype="int64"),
        }
    )
    return frame[frame["key"].notna()]


def decide(plan: Plan, counts: PartCounts) -> Plan:
    """The plan with what the whole register decides: the indicators' kinds, whole-number ids or not."""
    kinds = {col: k.kind(declared_kind(col)) for col, k in counts.kinds.items()}
    indicators: dict[str, str] = {col: kind for col, kind in kinds.items() if kind != "text"}
    int_ids: Any = counts.int_ids if "id" in plan.columns else None
    return replace(plan, indicators=indicators, int_ids=int_ids)
