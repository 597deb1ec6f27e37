"""What is decided once about a register, for all of its rows: its :class:`Plan`.

Steps 0-3 of :mod:`geo.registers.build`: header names made unique text without control
characters (and the column limit); the role columns, named by the caller or found by
header (:func:`geo.registers.columns.find_columns`); the location (lat/lon columns, a
column of «lat, lon» pairs, a WKT/WKB column or a geometry); a province column found by
its content when no header names one; user columns that would shadow the product's own
renamed; and a register with neither a province or county column nor a location refused. A plan
made from a sample of a file reads every batch of its rows alike
(:func:`geo.registers.build.parse_rows`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import numpy as np
import pandas as pd
import shapely

from geo.errors import RegisterError
from geo.i18n import as_listed, message
from geo.registers.cells import CONTROL, Cells
from geo.registers.columns import find_columns, province_by_content, rename_reserved
from geo.registers.coordinates import pair_column, wkt_column
from geo.registers.headers import header_names
from geo.registers.limits import check_columns
from geo.registers.utm import guess_warning, guess_zone
from geo.registers.vocabulary import ROLE_WORDS

__all__ = ["Plan", "RegisterInfo", "clean_headers", "plan_register"]


@dataclass
class RegisterInfo:
    """A register as a whole, without its rows: what the whole-register steps of a join read.

    The join mode (:func:`geo.joining.rules.check_by`), the report's header
    (:func:`geo.joining.rules.summary_of`) and the reconciliation read these, from a
    :class:`~geo.registers.Register` (:attr:`~geo.registers.Register.info`) or, on dask,
    from the plan and what the partitions found (:meth:`Plan.info`).

    Attributes
    ----------
    columns, indicators, warnings, path, source_crs, renamed
        As in :class:`~geo.registers.Register` (``warnings`` is the register's own list).

    Examples
    --------
    >>> info = RegisterInfo(columns={"province": "استان"}, indicators={})
    >>> info.has_province, info.has_county, info.has_location
    (True, False, False)
    """

    columns: dict[str, str]
    indicators: dict[str, str]
    warnings: list[str] = field(default_factory=list)
    path: PurePath | None = None
    source_crs: str | None = None
    renamed: dict[str, str] = field(default_factory=dict)

    @property
    def has_location(self) -> bool:
        """Whether the register has coordinates (lat/lon columns or a geometry)."""
        return "geometry" in self.columns or ("lat" in self.columns and "lon" in self.columns)

    @property
    def has_province(self) -> bool:
        """Whether the register has a province column."""
        return "province" in self.columns

    @property
    def has_county(self) -> bool:
        """Whether the register has a county column (شهرستان)."""
        return "county" in self.columns


@dataclass(frozen=True)
class Plan:
    """What is decided about a register's columns once, for all of its rows.

    A :func:`parse_rows` of any batch of rows with the same plan reads them by the same
    rules: the whole file in memory, or each partition of a file too large for it.

    Attributes
    ----------
    columns
        Role → header, as in :attr:`Register.columns`.
    indicators
        Header → ``"number"`` or ``"bool"``; None to decide each column's kind from the
        cells of the batch (the whole file, when it is read in one piece).
    wkt
        The header of a WKT/WKB column read as the geometry, or None.
    crs, declared_crs
        The CRS the caller gives (wins) and the one the file declares.
    path
        The file, if any.
    renamed
        Header as written → the header it is known by, of user columns renamed so as not
        to shadow the product's own (every batch's cells are renamed so).
    assumed_zone
        The UTM zone (38–41) ``crs`` was assumed to be, for metres without a declared
        CRS (:mod:`geo.registers.utm`); each row read under it is flagged.
    int_ids
        Whether whole-number ids are kept as int64: decided from the whole column (no
        blank, none past int64); None to decide from each batch (the whole file in one).
    """

    columns: dict[str, str]
    indicators: dict[str, str] | None = None
    wkt: str | None = None
    crs: str | None = None
    declared_crs: str | None = None
    path: PurePath | None = None
    renamed: dict[str, str] = field(default_factory=dict)
    int_ids: bool | None = None
    assumed_zone: int | None = None

    def info(self, warnings: list[str], source_crs: str | None = None) -> RegisterInfo:
        """The register as a whole by this plan, with the warnings and source CRS its rows gave."""
        return RegisterInfo(
            columns=dict(self.columns),
            indicators=dict(self.indicators or {}),
            warnings=warnings,
            path=self.path,
            source_crs=source_crs,
            renamed=dict(self.renamed),
        )


def _location_columns(
    cells: pd.DataFrame, geometry: Any, columns: dict[str, str], warnings: list[str], has_geometry: bool | None = None
) -> tuple[Any, str | None]:
    """Complete ``columns`` (in place) with the location; return the geometry column and a WKT column.

    A geometry column with no geometry at all is none; without a geometry or lat/lon
    columns, a WKT/WKB column is read as the geometry, else a column of «lat, lon» pairs
    stands for both lat and lon. A lat (or lon) column without its partner is dropped.
    """
    wkt = None
    if has_geometry is None and geometry is not None:
        has_geometry = not shapely.is_missing(np.asarray(geometry.values, dtype=object)).all()
    if geometry is not None and has_geometry:
        columns["geometry"] = getattr(geometry, "name", "geometry") or "geometry"
    else:
        geometry = None
    if geometry is None and "lat" not in columns and "lon" not in columns:
        taken = set(columns.values())
        wkt = wkt_column(cells, taken)
        if wkt is not None:
            columns["geometry"] = wkt
            warnings.append(message("warnings", "wkt_column", column=wkt))
        elif (pair := pair_column(cells, taken)) is not None:
            columns["lat"] = columns["lon"] = pair
    if ("lat" in columns) != ("lon" in columns):
        have = "lat" if "lat" in columns else "lon"
        warnings.append(message("warnings", "no_partner", column=columns[have], role=ROLE_WORDS[have]))
        columns.pop(have)
    return geometry, wkt


def _require_something_to_join(cells: pd.DataFrame, columns: dict[str, str], path: PurePath | None) -> None:
    """A register without a province or county column and without a location cannot be joined.

    A register with no rows at all is not refused for it: it is read as empty (a warning
    says so), whatever its format (the README's one rule for "no rows").
    """
    if len(cells) and not {"province", "county", "geometry", "lat"} & set(columns):
        said = message("errors", "plan_no_columns", columns=as_listed(list(map(str, cells.columns)), limit=10**9))
        raise RegisterError(said, path=path)


def clean_headers(cells: pd.DataFrame, path: PurePath | None, warnings: list[str]) -> pd.DataFrame:
    """The cells with unique text headers without control characters.

    Raises
    ------
    LimitError
        More columns than :func:`geo.registers.limits.check_columns` allows.
    """
    check_columns(len(cells.columns), path)
    cells = cells.reset_index(drop=True)
    cells = cells.set_axis([CONTROL.sub("", c) if isinstance(c, str) else c for c in cells.columns], axis=1)
    if cells.columns.duplicated().any() or not all(isinstance(c, str) for c in cells.columns):
        names, repeated = header_names(cells.columns)
        cells = cells.set_axis(names, axis=1)
        warnings += repeated
    return cells


def plan_register(
    found: Cells, overrides: Mapping[str, str | None], crs: str | None, *, has_geometry: bool | None = None
) -> tuple[Plan, pd.DataFrame, Any, list[str]]:
    """The :class:`Plan` of a register from its cells (all, or a sample): steps 0-3.

    ``has_geometry``: whether the register's geometry column holds any geometry, when
    ``found`` is a sample of it (default: whether the sample's does).

    Returns the plan, the cells under their final headers, the geometry column and the
    warnings (the file's and the plan's).

    Raises
    ------
    RegisterError
        A column named in ``overrides`` is not there, or there is nothing to join by.
    """
    warnings = list(found.warnings)
    cells = clean_headers(found.frame, found.path, warnings)
    columns = find_columns(cells, overrides, found.path)
    geometry, wkt = _location_columns(cells, found.geometry, columns, warnings, has_geometry)
    province_by_content(cells, columns, overrides, warnings)
    _require_something_to_join(cells, columns, found.path)
    cells, renamed = rename_reserved(cells, columns, warnings)
    zone = None
    if crs is None and found.crs is None and (geometry is not None or "lat" in columns):
        guess = guess_zone(cells, geometry, columns)
        if guess is not None:
            crs, zone = guess.crs, guess.zone
            warnings.append(guess_warning(guess))
    plan = Plan(columns, None, wkt, crs, found.crs, found.path, renamed, assumed_zone=zone)
    return plan, cells, geometry, warnings
