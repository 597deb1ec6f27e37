"""Join an estate register to Iran's provinces and aggregate it per province.

:func:`join` assigns each row of a register (see :mod:`geo.registers`) to one province:

* **by attribute**: the province column, through :func:`geo.names.resolve_province`;
  historical or unknown names are never guessed (the resolver's message and candidates
  become the row's reason);
* **by location**: point in polygon against the 31 provinces through a spatial index
  (:mod:`geo.locate`). A point outside every polygon but within ``coast_km`` (default
  25 km, measured in Iran's Albers equal-area CRS) of one is assigned to the nearest
  province and flagged: just off the coast, or just across a land border (no coastline is
  shipped, so the two are not told apart). A point outside Iran as given that falls inside
  it with latitude and longitude exchanged is flagged as swapped and joined as swapped.
  Anything else outside is rejected;
* **both** (the default when the register has both): a disagreement is flagged with both
  provinces named and the row keeps the province its attribute declares.

Every row ends in exactly one of ``joined``, ``flagged`` (joined, with reasons) or
``rejected`` (no province could be assigned; with reasons), so that
``rows_in == rows_joined + rows_flagged + rows_rejected``. Duplicate ids are flagged.
Cells that could not be read (text in a number column, negative amounts) flag their row
and are left out of the sums. Comparisons with published figures are made by
:mod:`geo.reconciliation`; the files are written by :mod:`geo.outputs`.

Examples
--------
>>> import pandas as pd
>>> reg = pd.DataFrame({"id": [1, 2], "province": ["تهران", "Atlantis"], "lat": [35.7, 0], "lon": [51.4, 0]})
>>> result = join(reg)
>>> result.estates["status"].tolist()
['joined', 'rejected']
>>> int(result.by_province.loc["IR-23", "estates"])
1
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, overload

import geopandas as gpd
import pandas as pd

from geo.engines.result import DaskJoinResult
from geo.errors import EngineError
from geo.reconciliation import empty_reconciliation, reconciliation_table
from geo.registers import Register, read_register
from geo.rules import (
    COAST_KM,
    check_by,
    duplicate_reasons,
    join_batch,
    province_parts,
    province_table,
    status_counts,
    summary,
)

__all__ = ["JoinResult", "join", "COAST_KM", "Progress"]

#: A progress callback: a stage name and the fraction done.
Progress = Callable[[str, float], None]


@dataclass
class JoinResult:
    """The outcome of :func:`join`.

    Attributes
    ----------
    estates
        One row per input row, in input order: ``row`` (1-based data row), ``id``,
        ``name``, ``province`` (ISO code, None when rejected), ``province_as_given``,
        ``status`` (``joined``/``flagged``/``rejected``), ``reasons`` (tuple of text),
        ``reasons_fa`` (the same reasons in Persian, in the same order),
        ``lat``, ``lon``, the indicators, and a point ``geometry`` (EPSG:4326; None
        without a usable location).
    by_province
        The 31 provinces (indexed by ISO code, with geometry) and ``estates`` (count of
        joined and flagged rows), ``<column>_sum`` and ``<column>_mean`` of each numeric
        indicator and ``<column>_true`` of each yes/no indicator.
    reconciliation
        One row per declared comparison: ``column``, ``reference``, ``source``,
        ``province`` (None for a national total), ``label``, ``unit``, ``period``,
        ``register``, ``published``, ``difference`` (register − published) and
        ``coverage`` (register / published).
    summary
        The report without its per-row part (cheap; :attr:`report` adds ``rows``).

    Examples
    --------
    >>> import pandas as pd
    >>> result = join(pd.DataFrame({"province": ["Fars", "Atlantis"]}))
    >>> {k: result.summary[k] for k in ("rows_in", "rows_joined", "rows_flagged", "rows_rejected")}
    {'rows_in': 2, 'rows_joined': 1, 'rows_flagged': 0, 'rows_rejected': 1}
    >>> result.report["rows"][1]["status"], result.report["rows"][1]["province"]
    ('rejected', None)
    """

    estates: gpd.GeoDataFrame
    by_province: gpd.GeoDataFrame
    reconciliation: pd.DataFrame
    summary: dict[str, Any]
    register: Register | None = field(default=None, repr=False)

    @cached_property
    def report(self) -> dict[str, Any]:
        """The report: the summary plus ``rows``, one object per input row.

        Each row object has ``row``, ``id``, ``status``, ``province`` (ISO code or None),
        ``reasons`` and ``reasons_fa`` (the same in Persian). Built on first use (a register
        of 10^6 rows makes 10^6 objects).
        """
        e = self.estates
        ids = e["id"].astype(object).where(e["id"].notna(), None).tolist()
        provinces = e["province"].astype(object).where(e["province"].notna(), None).tolist()
        reasons_fa = e["reasons_fa"] if "reasons_fa" in e.columns else e["reasons"]
        columns = (e["row"].tolist(), ids, e["status"].tolist(), provinces, e["reasons"].tolist(), reasons_fa.tolist())
        rows = [
            {"row": r, "id": i, "status": s, "province": p, "reasons": list(why), "reasons_fa": list(why_fa)}
            for r, i, s, p, why, why_fa in zip(*columns, strict=True)
        ]
        return {**self.summary, "rows": rows}

    def _repr_html_(self) -> str:
        """Counts by status, the first flagged and rejected rows, the reconciliation (Jupyter)."""
        from geo._reprs import result_html

        return result_html(self)

    def write(self, out_dir: str | Path, *, lang: Literal["fa", "en"] = "fa") -> dict[str, Path]:
        """Write the outputs into ``out_dir`` (created if needed); see :func:`geo.outputs.write_outputs`.

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> r = join(pd.DataFrame({"province": ["Fars"]}))
        >>> sorted(r.write(tempfile.mkdtemp()))[:3]
        ['by_province.csv', 'joined.geojson', 'joined.gpkg']
        """
        from geo.outputs import write_outputs  # the writers and the map: only when writing

        return write_outputs(self, out_dir, lang=lang)


@overload
def join(
    register: str | Path | pd.DataFrame | Register,
    *,
    by: Literal["attribute", "location", "both"] | None = None,
    reconcile: Mapping[str, str] | Iterable[str] | str | Path | None = None,
    coast_km: float = COAST_KM,
    legacy_codes: bool = False,
    progress: Progress | None = None,
    engine: Literal["memory"] = "memory",
    client: None = None,
    **overrides: str | None,
) -> JoinResult: ...


@overload
def join(
    register: str | Path | pd.DataFrame | Register,
    *,
    by: Literal["attribute", "location", "both"] | None = None,
    reconcile: Mapping[str, str] | Iterable[str] | str | Path | None = None,
    coast_km: float = COAST_KM,
    legacy_codes: bool = False,
    progress: Progress | None = None,
    engine: Literal["dask"],
    client: Any = None,
    **overrides: str | None,
) -> DaskJoinResult: ...


def join(
    register: str | Path | pd.DataFrame | Register,
    *,
    by: Literal["attribute", "location", "both"] | None = None,
    reconcile: Mapping[str, str] | Iterable[str] | str | Path | None = None,
    coast_km: float = COAST_KM,
    legacy_codes: bool = False,
    progress: Progress | None = None,
    engine: Literal["memory", "dask"] = "memory",
    client: Any = None,
    **overrides: str | None,
) -> JoinResult | DaskJoinResult:
    """Join an estate register to the 31 provinces.

    Parameters
    ----------
    register
        A path (any format :func:`geo.registers.read_register` reads), a (Geo)DataFrame,
        or a :class:`~geo.registers.Register`.
    by
        ``"attribute"`` (the province column), ``"location"`` (point in polygon) or
        ``"both"``; default: both when the register has both, else the one it has.
    reconcile
        Declared comparisons of register columns with published figures (see
        :func:`geo.reconciliation.parse_reconcile`), e.g.
        ``{"fire_station_1396": "hse_fire_stations_built"}``.
    coast_km
        How far outside the polygons a point is still assigned to the nearest province.
    legacy_codes
        Read ``IR-NN`` codes in the earlier edition of ISO 3166-2:IR (see
        :func:`geo.names.resolve_province`).
    progress
        Called with a stage name and the fraction done (for a progress bar).
    engine
        ``"memory"`` (this process) or ``"dask"``: the same rules run per partition on a
        dask.distributed cluster (:mod:`geo.engines.dask`; ``pip install
        "iran-estates[dask]"``), for registers larger than this machine's memory. It
        returns a :class:`~geo.engines.dask.DaskJoinResult` (``estates`` lazy).
    client
        With ``engine="dask"``: the :class:`distributed.Client` to run on; None starts a
        local cluster of one worker process per core for the call.
    **overrides
        ``id``, ``name``, ``province``, ``lat``, ``lon``, ``crs``, ``sheet``: passed to
        :func:`~geo.registers.read_register` when ``register`` is not read yet.

    Returns
    -------
    JoinResult

    Raises
    ------
    RegisterError
        The register cannot be used, or ``by`` asks for a column it does not have.

    Examples
    --------
    >>> import pandas as pd
    >>> r = join(pd.DataFrame({"استان": ["اصفهان", "فارس"], "lat": [29.6, 29.6], "lon": [52.5, 52.5]}))
    >>> r.estates["status"].tolist()
    ['flagged', 'joined']
    """
    if engine == "dask":
        return _on_dask(register, by, reconcile, coast_km, legacy_codes, progress, client, overrides)
    if engine != "memory" or client is not None:
        raise EngineError(f"`engine` is memory or dask, not {engine!r}; `client` is for dask", field="engine")
    tick = progress or (lambda stage, done: None)
    tick("reading", 0.0)
    reg = register if isinstance(register, Register) else read_register(register, **overrides)
    mode = check_by(by, reg)
    tick("checking ids", 0.2)
    duplicates = duplicate_reasons(reg.frame["id"], reg.frame["row"].to_numpy())
    tick("joining", 0.4)
    batch = join_batch(reg, mode, coast_km=coast_km, legacy_codes=legacy_codes, duplicates=duplicates)
    tick("aggregating", 0.8)
    parts = province_parts(batch, reg.indicators)
    by_province = province_table(parts, reg.indicators)
    head = summary(reg, mode, coast_km, status_counts(parts), len(reg.frame))
    tick("reconciling", 0.9)
    table = reconciliation_table(by_province, reg, reconcile) if reconcile else empty_reconciliation()
    head["reconciliation"] = table.to_dict("records")
    tick("done", 1.0)
    return JoinResult(batch.estates, by_province, table, head, reg)


def _on_dask(
    register: str | Path | pd.DataFrame | Register,
    by: str | None,
    reconcile: Any,
    coast_km: float,
    legacy_codes: bool,
    progress: Progress | None,
    client: Any,
    overrides: dict[str, Any],
) -> DaskJoinResult:
    """:func:`join` on dask (the optional extra: :func:`geo.engines.dask.require_extra` says how to install it)."""
    if isinstance(register, Register):
        raise EngineError("the dask engine reads the register itself: give it a path or a DataFrame", field="engine")
    from geo.engines.dask import join as dask_join  # imports dask only when it runs

    return dask_join(
        register,
        by=by,
        reconcile=reconcile,
        coast_km=coast_km,
        legacy_codes=legacy_codes,
        client=client,
        progress=progress,
        **overrides,
    )
