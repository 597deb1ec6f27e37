"""``geo join --engine dask``: the join on dask.distributed, for registers larger than one machine's memory.

The register is read in partitions (:mod:`geo.engines.partitions`) and joined in steps:

1. **planning**, on the client — :func:`geo.registers.plan.plan_register` on the
   register's first rows (:data:`geo.engines.counts.HEAD_ROWS`): the role columns, the
   location, a province column found by its content, reserved names renamed;
2. **counting**, on the cluster — per partition, :class:`geo.engines.counts.PartCounts`
   (rows, each indicator column's kind counts, whether its ids fit int64), added up; and
   each row's id as text, shuffled by value (:meth:`dask.dataframe.DataFrame.shuffle`)
   so that every repeated id meets its repeats in one partition, where they are found;
3. **deciding**, on the client — the plan completed by the counts
   (:func:`geo.engines.counts.decide`), each partition's first row number, the
   "duplicate id" reasons (:func:`geo.joining.rules.duplicate_reasons`);
4. **joining**, on the cluster — per partition, the same code as the in-memory engine:
   :func:`geo.registers.build.parse_rows`, :func:`geo.joining.rules.check_rows`,
   :func:`geo.joining.rules.add_duplicates`, :func:`geo.joining.rules.estates_table`; the rows written as
   partitioned GeoParquet by dask-geopandas, and each partition's per-province and
   per-county sums (:func:`geo.joining.aggregation.unit_sums`) and status counts added up into
   ``by_province``, ``by_county`` and the report's counts.

The outputs are written as one :class:`geo.output._output_set.OutputSet` (a temporary folder
beside ``out``, moved into place with ``report.json`` last), so a run that fails, is
interrupted or loses its workers more often than dask retries leaves ``out`` as it was.
"""

from __future__ import annotations

import functools
import importlib
import operator
import warnings as pywarnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geo._progress import Progress, no_progress
from geo.engines.counts import HEAD_ROWS, PartCounts, batch_cells, count_part, decide, id_keys
from geo.engines.mapping import map_parts, map_rows, write_map
from geo.engines.partitions import BLOCKSIZE, Source, frame_source, open_source
from geo.engines.result import DaskJoinResult
from geo.engines.writing import write_set
from geo.errors import EngineError
from geo.i18n import message, whole
from geo.joining.rules import (
    COAST_KM,
    ROW_COLUMNS,
    Rules,
    add_duplicates,
    check_by,
    check_rows,
    duplicate_reasons,
    estates_table,
    status_counts,
    statuses,
)
from geo.reasons import Reason
from geo.registers.build import parse_rows, read_cells
from geo.registers.cells import Cells
from geo.registers.coordinates import add_warnings
from geo.registers.plan import Plan, RegisterInfo, plan_register
from geo.registers.vocabulary import ROLES, header_key

__all__ = ["ROW_COLUMNS", "DaskJoinResult", "join", "require_extra"]


@dataclass(frozen=True)
class _Settings:
    """What every partition's join is run with (sent to the cluster once)."""

    plan: Plan
    rules: Rules
    duplicates: Mapping[Any, Reason]
    #: The whole register's per-province sums, when one of them overflows (its rows are flagged).
    totals: Mapping[str, np.ndarray] | None = None


@dataclass(frozen=True)
class _Job:
    """A dask join as asked (:func:`join`'s parameters): the register, how to join it, where it is written."""

    register: str | Path | pd.DataFrame
    by: str | None
    reconcile: Any
    coast_km: float
    legacy_codes: bool
    #: The folder the set is written into (None: nothing written), and the language of its map and tables.
    out: str | Path | None
    lang: str
    blocksize: int
    progress: Progress | None
    overrides: Mapping[str, str | None]


@dataclass
class _Parts:
    """What a partition adds to the whole: sums per province and county, status counts, warnings."""

    provinces: dict[str, np.ndarray]
    counties: dict[str, np.ndarray]
    counts: dict[str, int]
    with_county: int
    warnings: list[str] = field(default_factory=list)
    source_crs: str | None = None

    def __add__(self, other: _Parts) -> _Parts:
        return _Parts(
            {k: v + other.provinces[k] for k, v in self.provinces.items()},
            {k: v + other.counties[k] for k, v in self.counties.items()},
            {k: v + other.counts[k] for k, v in self.counts.items()},
            self.with_county + other.with_county,
            _warnings(self.warnings, other.warnings),
            self.source_crs or other.source_crs,
        )


def _warnings(first: list[str], then: list[str]) -> list[str]:
    """The warnings of two batches of a register as the whole's (:func:`geo.registers.coordinates.add_warnings`)."""
    merged = list(first)
    add_warnings(merged, then)
    return merged


def _join_part(part: Cells, first_row: int, settings: _Settings) -> tuple[Any, _Parts]:
    """Step 4 on one partition: its estates and what it adds to the whole."""
    from geo.joining.aggregation import flag_overflow, unit_sums
    from geo.joining.locate import county_index, province_index

    plan, indicators = settings.plan, settings.plan.indicators or {}
    geometry = part.geometry if "geometry" in plan.columns and plan.wkt is None else None
    reg = parse_rows(batch_cells(part), geometry, plan, first_row, part.reasons)
    checked = check_rows(reg.frame, reg.reasons, settings.rules, reg.notes)
    rows = reg.frame["row"].to_numpy()
    add_duplicates(reg.frame["id"], rows, checked.reasons, settings.duplicates)
    if settings.totals is not None:
        flag_overflow(
            reg.frame, checked.province, indicators, (settings.totals, province_index().names), checked.reasons
        )
    status = statuses(checked.province, checked.reasons)
    estates = estates_table(reg.frame, checked, status)
    parts = _Parts(
        unit_sums(reg.frame, checked.province, indicators, len(province_index().frame)),
        unit_sums(reg.frame, checked.county, indicators, len(county_index().frame)),
        status_counts(status),
        int((checked.county >= 0).sum()),
        list(reg.warnings),
        reg.source_crs,
    )
    return estates, parts


def _repeated(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of the ids that occur more than once (the partition holds every row of its ids)."""
    return frame[frame["key"].duplicated(keep=False)]


def _count(source: Source, plan: Plan, client: Any) -> tuple[list[PartCounts], pd.DataFrame]:
    """Step 2: the partitions' counts, and the (key, part, pos) of every id that occurs more than once."""
    import dask
    import dask.dataframe as dd
    from dask import delayed

    counts = [delayed(count_part)(part, plan) for part in source.parts]
    if "id" not in plan.columns:
        return list(_guarded(lambda: dask.compute(counts, scheduler=client))[0]), pd.DataFrame()
    meta = pd.DataFrame(
        {"key": pd.Series(dtype=object), "part": pd.Series(dtype="int64"), "pos": pd.Series(dtype="int64")}
    )
    keys = dd.from_delayed([delayed(id_keys)(p, plan, i) for i, p in enumerate(source.parts)], meta=meta)
    repeated = keys.shuffle("key", npartitions=max(1, len(source.parts))).map_partitions(_repeated, meta=meta)
    found, dups = _guarded(lambda: dask.compute(counts, repeated, scheduler=client))
    return list(found), dups


def _duplicates(dups: pd.DataFrame, firsts: np.ndarray, plan: Plan) -> dict[Any, Reason]:
    """Step 3: the "duplicate id" reason of each repeated id, naming its rows (keys typed as the ids are)."""
    if not len(dups):
        return {}
    rows = firsts[dups["part"].to_numpy()] + dups["pos"].to_numpy()
    ids = dups["key"].astype("int64") if plan.int_ids else dups["key"].astype(object)
    return duplicate_reasons(ids.reset_index(drop=True), rows)


def join(  # noqa: PLR0913 - keyword-only: joining.join's parameters and the engine's own
    register: str | Path | pd.DataFrame,
    *,
    by: str | None = None,
    reconcile: Mapping[str, str] | Iterable[str] | str | Path | None = None,
    coast_km: float = COAST_KM,
    legacy_codes: bool = False,
    client: Any = None,
    out: str | Path | None = None,
    blocksize: int = BLOCKSIZE,
    progress: Progress | None = None,
    lang: str = "fa",
    **overrides: str | None,
) -> DaskJoinResult:
    """Join a register on dask; see :func:`geo.joining.join` for the shared parameters.

    Parameters
    ----------
    client
        A :class:`distributed.Client`; None makes a local cluster for the run
        (:func:`geo.engines.cluster.client`).
    out
        Write the outputs into this folder as one set: ``joined/`` and ``rejects/``
        (GeoParquet, one file per partition), ``rows/`` (every row's status, province,
        county, reasons and notes), ``by_province.csv``, ``by_county.csv``,
        ``reconciliation.csv`` when there is one, ``report.json`` last.
    blocksize
        Bytes of the register per partition.
    lang
        The language of ``map.html`` and of the tables' headers, when ``out`` is given.

    Raises
    ------
    RegisterError
        As the in-memory engine.
    EngineError
        The extra is not installed, or the cluster failed during the run (workers lost
        more often than dask retries); nothing was written.
    OutputError
        ``out`` cannot take the set; nothing in it was changed.
    """
    require_extra()
    import dask

    from geo.engines.cluster import client as local
    from geo.engines.cluster import quiet

    job = _Job(
        register,
        by=by,
        reconcile=reconcile,
        coast_km=coast_km,
        legacy_codes=legacy_codes,
        out=out,
        lang=lang,
        blocksize=blocksize,
        progress=progress,
        overrides=overrides,
    )
    run = functools.partial(_run, job)
    # Object columns (reasons as lists, ids and names as text) stay as the rules make them.
    with dask.config.set({"dataframe.convert-string": False}), quiet():
        if client is not None:
            return run(client)
        with local() as made:
            return run(made)


def require_extra() -> None:
    """Raise :class:`EngineError` saying how to install them when dask, distributed or dask-geopandas is missing."""
    missing = []
    for name in ("dask", "distributed", "dask_geopandas"):
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    if missing:
        raise EngineError(message("errors", "dask_extra_missing", missing=whole(", ".join(missing))), field="engine")


def _open(register: str | Path | pd.DataFrame, overrides: Mapping[str, str | None], blocksize: int) -> Source:
    """The register's partitions: a file or folder read by the workers, or a frame in memory cut in slices."""
    if isinstance(register, pd.DataFrame):
        return frame_source(read_cells(register, None, {}), rows_per_part=max(1, blocksize // 200))
    if not isinstance(register, (str, Path)) or not str(register).strip():
        raise EngineError(message("errors", "dask_register_type", kind=type(register).__name__))
    wanted = frozenset(header_key(v) for k in ROLES if (v := overrides.get(k)))
    return open_source(Path(register), sheet=overrides.get("sheet"), wanted=wanted, blocksize=blocksize)


def _head(source: Source) -> Cells:
    """The register's first partitions (at least :data:`HEAD_ROWS` rows, or all), read here, as one."""
    import dask

    found: list[Cells] = []
    for part in source.parts:
        (cells,) = dask.compute(part, scheduler="sync")
        found.append(cells)
        if sum(len(c.frame) for c in found) >= HEAD_ROWS:
            break
    first = found[0]
    if len(found) == 1:
        return first
    frame = pd.concat([c.frame for c in found], ignore_index=True)
    geometry = None if first.geometry is None else pd.concat([c.geometry for c in found], ignore_index=True)
    return Cells(frame, geometry, first.crs, list(first.warnings), path=first.path)


def _geometry_in(part: Cells) -> bool:
    """Whether a partition's geometry column holds any geometry."""
    import shapely

    return part.geometry is not None and not shapely.is_missing(np.asarray(part.geometry.values, dtype=object)).all()


def _has_geometry(source: Source, head: Cells, client: Any) -> bool | None:
    """Whether the register's geometry column holds any geometry: the first rows tell, else the others are read."""
    import dask

    if head.geometry is None or _geometry_in(head) or len(source.parts) == 1:
        return None  # the first rows decide as they would alone
    found = [dask.delayed(_geometry_in)(p) for p in source.parts]
    return any(_guarded(lambda: dask.compute(found, scheduler=client)[0]))


def _guarded(work: Any) -> Any:
    """Run a computation on the cluster; a lost cluster or workers lost too often end in :class:`EngineError`."""
    from distributed import KilledWorker

    try:
        with pywarnings.catch_warnings():
            # The partitions' parts are dask.delayed beside the dataframe of estates: dask warns
            # that it materialises the expressions to compute them together, as meant.
            pywarnings.filterwarnings("ignore", message="Computing mixed collections", category=UserWarning)
            return work()
    except KilledWorker as exc:
        task = whole(f"{exc.args[0] if exc.args else 'a task'}")
        raise EngineError(message("errors", "dask_worker_died", task=task)) from exc
    except (OSError, TimeoutError) as exc:
        if type(exc).__module__.startswith(("distributed", "tornado", "asyncio")) or "Comm" in type(exc).__name__:
            raise EngineError(message("errors", "dask_cluster_lost", problem=whole(str(exc)))) from exc
        raise


def _plan(
    source: Source, head: Cells, overrides: Mapping[str, str | None], client: Any, tick: Progress
) -> tuple[Plan, list[int], dict[Any, Reason], list[str]]:
    """Steps 1-3: the plan, each partition's first row, the repeated ids' reasons, the warnings."""
    roles = {k: overrides.get(k) for k in ROLES}
    plan, _, _, warnings = plan_register(
        head, roles, overrides.get("crs"), has_geometry=_has_geometry(source, head, client)
    )
    tick("planning", len(head.frame), len(head.frame))
    tick("counting", 0, None)
    found, dups = _count(source, plan, client)
    total = functools.reduce(operator.add, found)
    warnings += [w for w in total.warnings if w not in warnings]
    plan = decide(plan, total)
    firsts = np.cumsum([1] + [c.rows for c in found[:-1]]).astype("int64")
    tick("counting", total.rows, total.rows)
    return plan, firsts.tolist(), _duplicates(dups, firsts, plan), warnings


def _run(job: _Job, client: Any) -> DaskJoinResult:
    """:func:`join` with a client and dask's settings in place."""
    from geo.engines.writing import OUTPUT_FILES, OUTPUT_FOLDERS
    from geo.output._output_set import OutputSet

    tick = job.progress or no_progress
    tick("planning", 0, None)
    source = _open(job.register, job.overrides, job.blocksize)
    if job.out is None:
        return _joined(job, source, client=client, tick=tick, target=None)
    with OutputSet(job.out, OUTPUT_FILES, OUTPUT_FOLDERS) as target:
        return _joined(job, source, client=client, tick=tick, target=target)


def _joined(job: _Job, source: Source, *, client: Any, tick: Progress, target: Any) -> DaskJoinResult:
    """Steps 1-4, and the outputs written into ``target``'s set (in ``job.lang``) when there is one.

    A per-province sum that overflows a float is known only once every partition is
    joined: its rows are then flagged as the in-memory engine flags them, by joining again.
    """
    from geo.joining.aggregation import overflows

    head = _head(source)
    plan, firsts, duplicates, warnings = _plan(source, head, job.overrides, client, tick)
    info = plan.info(warnings)
    places = tuple(p for p in ("province", "county") if p in plan.columns)
    settings = _Settings(plan, Rules(check_by(job.by, info), job.legacy_codes, job.coast_km, places), duplicates)
    if job.reconcile:  # a comparison that names no column of the register fails before the run
        _check_reconcile(info, job.reconcile)
    tick("joining", 0, None)
    estates, parts, found = _join_all(source, firsts, settings, head, client=client, target=target)
    if overflows(functools.reduce(operator.add, parts).provinces, plan.indicators or {}):  # rare: flag, join again
        settings = replace(settings, totals=functools.reduce(operator.add, parts).provinces)
        estates, parts, found = _join_all(source, firsts, settings, head, client=client, target=target)
    result = _result(estates, parts, info, settings, reconcile=job.reconcile, client=client)
    tick("joining", result.summary["rows_in"], result.summary["rows_in"])
    if target is not None:
        lang = job.lang
        rows = map_rows(found, estates)
        if rows is estates:  # a small register's rows, joined again, to be drawn one by one
            rows = _guarded(lambda: estates.compute(scheduler=client))
        result.paths = write_set(target, result, lang, lambda path: write_map(path, result, found, rows, lang))
    return result


def _join_all(
    source: Source, firsts: list[int], settings: _Settings, head: Cells, *, client: Any, target: Any
) -> tuple[Any, list[_Parts], dict[str, Any]]:
    """Step 4 on every partition: the estates (lazy; written into ``target`` when there is one), the map's counts."""
    import dask
    import dask.dataframe as dd
    import dask_geopandas  # noqa: F401 - registers the GeoDataFrame collection of from_delayed
    from dask import delayed

    shared = delayed(settings, traverse=False)  # one copy on the cluster (the plan, the repeated ids' reasons)
    batches = [delayed(_join_part, nout=2)(p, f, shared) for p, f in zip(source.parts, firsts, strict=True)]
    meta = _join_part(_empty(head), 1, settings)[0]
    estates = dd.from_delayed([b[0] for b in batches], meta=meta, verify_meta=False)
    wanted = [b[1] for b in batches]
    writes = _parquet_writes(estates, target, meta, settings.plan) if target is not None else []
    mapped = map_parts(estates) if target is not None else {}
    # flat, dataframes before delayed objects: dask.compute returns a mix in that order, whatever it is given
    done = _guarded(lambda: dask.compute(*writes, *mapped.values(), *wanted, scheduler=client))
    found = dict(zip(mapped, done[len(writes) : len(writes) + len(mapped)], strict=True))
    return estates, list(done[len(writes) + len(mapped) :]), found


def _empty(head: Cells) -> Cells:
    """The register's first rows without their rows: what every partition's estates look like."""
    geometry = head.geometry.iloc[:0] if head.geometry is not None else None
    return Cells(head.frame.iloc[:0], geometry, head.crs, path=head.path)


def _check_reconcile(info: RegisterInfo, reconcile: Any) -> None:
    """Raise what :func:`geo.joining.reconciliation.reconciliation_table` raises for ``reconcile``, on empty sums."""
    from geo.joining.aggregation import sums_table, unit_sums
    from geo.joining.locate import province_index
    from geo.joining.reconciliation import reconciliation_table

    prov = province_index()
    nothing = pd.DataFrame({col: pd.Series(dtype="float64") for col in info.indicators})
    sums = unit_sums(nothing, np.zeros(0, dtype="int64"), info.indicators, len(prov.frame))
    zero = sums_table(sums, info.indicators, (prov.frame, ["code", "name_en", "name_fa"]))
    reconciliation_table(zero, info, reconcile)


def _parquet_writes(estates: Any, target: Any, meta: Any, plan: Plan) -> list[Any]:
    """The Parquet outputs, as dask computations (each partition a file)."""
    import shutil

    from geo.engines.writing import parquet_schema

    for folder in ("joined", "rejects", "rows"):  # a run joined again (an overflowing sum) writes them anew
        shutil.rmtree(target.path(folder), ignore_errors=True)
    kept = estates["status"] != "rejected"
    options = {"write_index": False, "compute": False}
    schema = parquet_schema(meta, plan.int_ids)
    rows = parquet_schema(meta, plan.int_ids, ROW_COLUMNS)
    return [
        estates[kept].to_parquet(target.path("joined"), schema=schema, **options),
        estates[~kept].to_parquet(target.path("rejects"), schema=schema, **options),
        estates[ROW_COLUMNS].to_parquet(target.path("rows"), schema=rows, **options),
    ]


def _result(
    estates: Any, parts: list[_Parts], info: RegisterInfo, settings: _Settings, *, reconcile: Any, client: Any
) -> DaskJoinResult:
    """The result from the partitions' parts, added up: the same tables and counts as the in-memory engine's."""
    from geo.joining.aggregation import sums_table
    from geo.joining.finishing import finish
    from geo.joining.locate import county_index, province_index

    total = functools.reduce(operator.add, parts)
    add_warnings(info.warnings, total.warnings)
    rows_in = sum(total.counts.values())
    if not rows_in:
        info.warnings.append(message("warnings", "no_rows"))
    info.source_crs = total.source_crs
    prov, counties = province_index(), county_index()
    by_province = sums_table(total.provinces, info.indicators, (prov.frame, ["code", "name_en", "name_fa"]))
    units = counties.frame.set_index("code", drop=False).rename_axis(None)
    by_county = sums_table(total.counties, info.indicators, (units, ["code", "province", "name_en", "name_fa"]))
    done = finish(
        info,
        settings.rules,
        by_province=by_province,
        counts=total.counts,
        rows_in=rows_in,
        with_county=total.with_county,
        reconcile=reconcile,
    )
    summary = done.summary
    summary["engine"] = {"name": "dask", "partitions": len(parts), "workers": len(client.scheduler_info()["workers"])}
    return DaskJoinResult(estates, by_province, done.reconciliation, summary, info, by_county=by_county)
