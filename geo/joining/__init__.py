"""Join an estate register to Iran's provinces and counties and aggregate it per province and county.

:func:`join` reads a register (:mod:`geo.registers`), applies the row rules of
:mod:`geo.joining.rules` to its rows (each row to one province and, where it can, one county — by
its province and county columns, by point in polygon, or both — with its status and
reasons), then the rules that need the whole register: duplicate ids are flagged, and the
joined rows are summed per province and per county (:mod:`geo.joining.aggregation`) and, when
asked, compared with published figures (:mod:`geo.joining.reconciliation`).

Every row ends in exactly one of ``joined``, ``flagged`` (joined, with reasons) or
``rejected`` (no province could be assigned; with reasons), so that
``rows_in == rows_joined + rows_flagged + rows_rejected``. Cells that could not be read
(text in a number column, negative amounts) flag their row and are left out of the sums.
A point in a province's territorial sea is joined to it and flagged; a point up to
``coast_km`` (default 25 km) beyond every province's territory is given to the nearest
one and flagged; latitude and longitude found swapped are flagged and joined swapped.
Values whose per-province sum (or national total) would overflow a float are left out of
the sums too (``inf`` is never written).

*Notes* are not problems: what was done to a row that needs no one's attention (a blank
province cell where the point lies cleanly inside a province; control characters removed
from a cell) is a note (``notes``/``notes_fa``). A row with notes and no reasons stays
``joined``; the accounting identity above is unchanged. The files are written by
:mod:`geo.output.outputs`.

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

import warnings as pywarnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, overload

import geopandas as gpd
import pandas as pd

from geo._args import check_join_args
from geo._progress import Progress, no_progress
from geo.engines.result import DaskJoinResult
from geo.errors import EngineError, InputTypeError, RegisterWarning
from geo.i18n import as_given, check_lang, message, whole
from geo.joining.aggregation import aggregate, by_county_table
from geo.joining.display import display_table
from geo.joining.finishing import finish
from geo.joining.locate import county_index, province_index
from geo.joining.rules import (
    COAST_KM,
    Rules,
    add_duplicates,
    check_by,
    check_coast,
    check_rows,
    estates_table,
    status_counts,
    statuses,
)
from geo.registers import ROLES, Register
from geo.registers._database import is_database_url
from geo.registers.build import build_register, read_cells

__all__ = ["JoinResult", "join", "COAST_KM", "Progress"]


@dataclass
class JoinResult:
    """The outcome of :func:`join`.

    Attributes
    ----------
    estates
        One row per input row, in input order: ``row`` (1-based data row), ``id``,
        ``name``, ``province`` (ISO code, None when rejected), ``county`` (county code of
        :func:`geo.load_counties`, None when the row has none), ``province_as_given``,
        ``county_as_given``, ``status`` (``joined``/``flagged``/``rejected``), ``reasons``
        (a list of texts, :class:`geo.reasons.ReasonList`),
        ``reasons_fa`` (the same reasons in Persian, in the same order), ``notes`` and
        ``notes_fa`` (what was done to the row that is not a problem),
        ``lat``, ``lon``, the indicators, and a point ``geometry`` (EPSG:4326; None
        without a usable location).
    by_province
        The 31 provinces (indexed by ISO code, with geometry) and ``estates`` (count of
        joined and flagged rows), ``<column>_sum`` and ``<column>_mean`` of each numeric
        indicator and ``<column>_true`` (count of yes) and ``<column>_share`` (% of the
        rows saying yes or no that say yes) of each yes/no indicator: machine names, which
        :func:`geo.registers.known.column_labels` turns into words (``by_province.csv``).
    reconciliation
        One row per declared comparison: ``column``, ``reference``, ``source``,
        ``province`` (None for a national total), ``label``, ``unit``, ``period``,
        ``register``, ``published``, ``difference`` (register − published) and
        ``coverage`` (register / published).
    summary
        The report without its per-row part (cheap; :attr:`report` adds ``rows``).
    register
        The register as read.
    by_county
        The 478 counties (indexed by county code, with ``province``, names and land
        polygon) and the same columns as ``by_province``, over the rows with a county.

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
    by_county: gpd.GeoDataFrame | None = field(default=None, repr=False)

    @cached_property
    def report(self) -> dict[str, Any]:
        """The report: the summary plus ``rows``, one object per input row.

        Each row object has ``row``, ``id``, ``status``, ``province`` (ISO code or None),
        ``county`` (county code or None), ``reasons`` and ``reasons_fa`` (the same in
        Persian), ``notes`` and ``notes_fa``.
        Built on first use (a register of 10^6 rows makes 10^6 objects).
        """
        e = self.estates
        ids = e["id"].astype(object).where(e["id"].notna(), None).tolist()
        provinces = e["province"].astype(object).where(e["province"].notna(), None).tolist()
        counties = e["county"].astype(object).where(e["county"].notna(), None).tolist()
        texts = [e[c] if c in e.columns else pd.Series([()] * len(e)) for c in ("reasons_fa", "notes", "notes_fa")]
        columns = (e["row"].tolist(), ids, e["status"].tolist(), provinces, counties, e["reasons"].tolist())
        keys = ("row", "id", "status", "province", "county", "reasons", "reasons_fa", "notes", "notes_fa")
        rows = [
            dict(zip(keys, (*head, *map(list, lists)), strict=True))
            for *head, lists in zip(
                *columns[:5], zip(columns[5], *(t.tolist() for t in texts), strict=True), strict=True
            )
        ]
        return {**self.summary, "rows": rows}

    def table(self, lang: str = "fa") -> pd.DataFrame:
        """The estates as a reader sees them: one row per input row, headed by display labels in ``lang``.

        Columns: row, id, name, province and county (their names in ``lang``), status (in
        words), every other column of the register (a known fact headed by its label and
        unit from ``data/registers/facts.csv``, any other as written), reasons and notes
        (one text each, in ``lang``), latitude and longitude. Values keep their types
        (numbers, yes/no as booleans) for computing; the labels are those of
        ``data/i18n/columns.csv``. ``estates`` keeps the machine names.

        Examples
        --------
        >>> r = join(pd.DataFrame({"province": ["Fars"], "تصفیه خانه": ["دارد"], "green space (ha)": ["2.5"]}))
        >>> t = r.table("fa")
        >>> list(t.columns)[:6]
        ['ردیف', 'شناسه', 'نام', 'استان', 'شهرستان', 'وضعیت']
        >>> print(*t.iloc[0].tolist()[3:8])
        فارس None پیوندخورده True 2.5
        >>> list(r.table("en").columns)[6:8]
        ['Treatment plant', 'Green space (ha)']
        """
        return display_table(self.estates, check_lang(lang))

    def _repr_html_(self) -> str:
        """Counts by status, the first flagged and rejected rows, the reconciliation (Jupyter)."""
        from geo._reprs import result_html

        return result_html(self)

    def map(
        self,
        *,
        lang: Literal["fa", "en"] = "fa",
        color: str | None = None,
        filter: Mapping[str, Any] | None = None,  # noqa: A002 (the reader's word for it)
        tiles: str | None = None,
    ) -> Any:
        """The register's map, for inline display in a notebook (a ``folium.Map``).

        The same as :func:`geo.maps.register_map` of this result: ``color`` is what the
        estates are coloured by when the map opens (``"status"`` or a column's header) and
        ``filter`` which are shown (header → ``True``/``False``/``None`` or a ``(low, high)``
        range; ``status``, ``province``, ``county`` → the one kept).

        Examples
        --------
        >>> import pandas as pd, geo
        >>> r = geo.join(pd.DataFrame({"province": ["Fars", "تهران"], "lat": [29.6, 35.7],
        ...                            "lon": [52.5, 51.4], "area": [10.0, 250.0]}))
        >>> from geo.maps import embedded_data, render_html
        >>> embedded_data(render_html(r.map(lang="en", color="area", filter={"area": (100, None)})))["points"]["start"]
        'color=f0&where.f0=100~'
        """
        from geo.maps import register_map

        return register_map(self, lang=lang, tiles=tiles, color=color, filter=filter)

    def write(
        self,
        out_dir: str | Path,
        *,
        lang: Literal["fa", "en"] = "fa",
        formats: Iterable[str] | None = None,
        progress: Progress | None = None,
    ) -> dict[str, Path]:
        """Write the outputs into ``out_dir`` as one set; see :func:`geo.output.outputs.write_outputs`.

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> r = join(pd.DataFrame({"province": ["Fars"]}))
        >>> sorted(r.write(tempfile.mkdtemp()))[:3]
        ['by_county.csv', 'by_province.csv', 'joined.csv']
        """
        from geo.output.outputs import write_outputs  # the writers and the map: only when writing

        return write_outputs(self, out_dir, lang=lang, formats=formats, progress=progress)

    def to_postgis(self, url: str, table: str, *, replace: bool = False, progress: Progress | None = None) -> str:
        """Write every row (status, reasons, province, county, the register's columns, EPSG:4326 points) to a new table.

        In one transaction (:mod:`geo.output.postgis_out`): the table appears whole or not at all.

        Parameters
        ----------
        url
            ``postgresql://…`` of the database (what it leaves out: libpq's ``PG*`` variables).
        table
            ``name`` or ``schema.name``, as written (case kept).
        replace
            Replace the table if it exists; without it, an existing table is refused.
        progress
            Told as the rows are written.

        Returns
        -------
        str
            Where the rows were written, the password masked.

        Raises
        ------
        OutputError
            The database cannot be reached, or the table exists (without ``replace``), is
            the register's source or cannot be written; nothing was written.
        """
        from geo.output.postgis_out import write_table  # psycopg: only when writing to a database

        return write_table(self, url, table, replace=replace, progress=progress)


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
    out: None = None,
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
    out: str | Path | None = None,
    **overrides: str | None,
) -> DaskJoinResult: ...


def join(  # noqa: PLR0913 - keyword-only, as the command line's options
    register: str | Path | pd.DataFrame | Register,
    *,
    by: Literal["attribute", "location", "both"] | None = None,
    reconcile: Mapping[str, str] | Iterable[str] | str | Path | None = None,
    coast_km: float = COAST_KM,
    legacy_codes: bool = False,
    progress: Progress | None = None,
    engine: Literal["memory", "dask"] = "memory",
    client: Any = None,
    out: str | Path | None = None,
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
        :func:`geo.joining.reconciliation.parse_reconcile`), e.g.
        ``{"fire_station_1396": "hse_fire_stations_built"}``. Without it, the columns headed
        as in the register template (:mod:`geo.registers.template`) are compared with the
        figures the template names for them.
    coast_km
        How far outside the polygons a point is still assigned to the nearest province.
    legacy_codes
        Read ``IR-NN`` codes in the earlier edition of ISO 3166-2:IR (see
        :func:`geo.reference.names.resolve_province`).
    progress
        Called as each stage (``reading``, ``checking``, ``joining``, ``summing``) starts
        and ends, with the rows done and their total (see :data:`geo._progress.Progress`).
    engine
        ``"memory"`` (this process) or ``"dask"``: the same rules run per partition on a
        dask.distributed cluster (:mod:`geo.engines.dask`; ``pip install
        "iran-estates[dask]"``), for registers larger than this machine's memory; it
        returns a :class:`~geo.engines.result.DaskJoinResult` (``estates`` lazy).
    client
        With ``engine="dask"``: the :class:`distributed.Client` to run on; None starts a
        local cluster of one worker process per core for the call.
    out
        With ``engine="dask"``: the folder the outputs are written into during the run
        (partitioned GeoParquet, the tables, ``report.json``); see :func:`geo.engines.dask.join`.
    **overrides
        ``id``, ``name``, ``province``, ``county``, ``lat``, ``lon``, ``crs``, ``sheet``, and
        ``table`` or ``sql`` (a ``postgresql://`` URL as ``register``): passed to
        :func:`~geo.registers.read_register` when ``register`` is not read yet. The joined
        rows go to a database table with :meth:`JoinResult.to_postgis`.

    Returns
    -------
    JoinResult
        (:class:`~geo.engines.result.DaskJoinResult` with ``engine="dask"``)

    Raises
    ------
    RegisterError
        The register cannot be used, or ``by`` asks for a column it does not have.
    InputTypeError
        ``register`` is neither a path, a DataFrame nor a :class:`Register` (``None``,
        ``42``, a list of records), or ``coast_km`` is not a number.
    InputValueError
        ``coast_km`` is NaN, infinite or negative.

    Examples
    --------
    >>> import pandas as pd
    >>> r = join(pd.DataFrame({"استان": ["اصفهان", "فارس"], "lat": [29.6, 29.6], "lon": [52.5, 52.5]}))
    >>> r.estates["status"].tolist()
    ['flagged', 'joined']
    """
    coast_km = check_coast(coast_km)
    check_join_args(reconcile, legacy_codes, progress, by=by, engine=engine)
    if engine == "dask":
        named = {"by": by, "reconcile": reconcile, "coast_km": coast_km, "legacy_codes": legacy_codes}
        return _on_dask(register, {**named, "client": client, "out": out, "progress": progress}, overrides)
    if engine != "memory" or client is not None or out is not None:
        raise EngineError(message("errors", "engine_unknown", engine=as_given(engine)), field="engine")
    tick = progress or no_progress
    reg = register if isinstance(register, Register) else _read(register, overrides, tick)
    frame = reg.frame
    n = len(frame)
    prov, counties = province_index(), county_index()
    places = tuple(p for p in ("province", "county") if p in reg.columns)
    rules = Rules(check_by(by, reg.info), legacy_codes, coast_km, places)
    tick("joining", 0, n)
    checked = check_rows(frame, reg.reasons, rules, reg.notes)
    reasons = checked.reasons
    add_duplicates(frame["id"], frame["row"].to_numpy(), reasons)
    tick("joining", n, n)
    tick("summing", 0, n)
    units = (prov.frame, ["code", "name_en", "name_fa"], prov.names)
    by_province = aggregate(frame, checked.province, reg.indicators, units, reasons)
    status = statuses(checked.province, reasons)  # a duplicate id or an overflowing sum flags a joined row
    estates = estates_table(frame, checked, status)
    counts, with_county = status_counts(status), int((checked.county >= 0).sum())
    done = finish(
        reg.info, rules, by_province=by_province, counts=counts, rows_in=n, with_county=with_county, reconcile=reconcile
    )
    by_county = by_county_table(frame, checked.county, reg.indicators, counties)
    tick("summing", n, n)
    return JoinResult(estates, by_province, done.reconciliation, done.summary, reg, by_county)


def _roles(overrides: Mapping[str, str | None]) -> dict[str, str | None]:
    """The role columns named in ``overrides``; an unknown keyword is refused."""
    roles = {k: overrides.get(k) for k in ROLES}
    unknown = set(overrides) - {*roles, "crs", "sheet", "table", "sql"}
    if unknown:
        raise InputTypeError(message("errors", "unexpected_keywords", names=whole(str(sorted(unknown)))))
    return roles


def _read(source: str | Path | pd.DataFrame, overrides: Mapping[str, str | None], tick: Progress) -> Register:
    """Read and check a register, telling progress; its file warnings also go to :mod:`warnings`."""
    roles = _roles(overrides)
    tick("reading", 0, None)
    database = {"table": overrides.get("table"), "sql": overrides.get("sql")}
    found = read_cells(source, overrides.get("sheet"), roles, overrides.get("crs"), **database)
    n = len(found.frame)
    tick("reading", n, n)
    tick("checking", 0, n)
    reg = build_register(found, roles, overrides.get("crs"))
    del found
    tick("checking", n, n)
    for text in reg.warnings:
        pywarnings.warn(str(text), RegisterWarning, stacklevel=3)
    return reg


def _on_dask(
    register: str | Path | pd.DataFrame | Register, options: Mapping[str, Any], overrides: Mapping[str, Any]
) -> DaskJoinResult:
    """:func:`join` on dask (the optional extra: :func:`geo.engines.dask.require_extra` says how to install it).

    ``options`` are :func:`join`'s parameters by name, ``overrides`` its other keywords.
    """
    if isinstance(register, Register):
        raise EngineError(message("errors", "dask_reads_register"), field="engine")
    if is_database_url(register) or overrides.get("table") is not None or overrides.get("sql") is not None:
        raise EngineError(message("errors", "dask_reads_files"), field="engine")
    _roles(overrides)
    from geo.engines.dask import join as dask_join  # imports dask only when it runs

    return dask_join(register, **options, **overrides)
