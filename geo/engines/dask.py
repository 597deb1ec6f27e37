"""``geo join --engine dask``: the join on dask.distributed, for registers larger than one machine's memory.

The register is read in partitions (:mod:`geo.engines.partitions`) and joined in three
steps, each a dask computation on the cluster:

1. **counting** — per partition, what the plan is decided from
   (:func:`geo.engines.counts.count_part`) and each row's id as text; the ids are
   shuffled by value (:meth:`dask.dataframe.DataFrame.shuffle`) so that every repeated id
   meets its repeats in one partition, where they are found;
2. **deciding**, on the client — the plan (:func:`geo.engines.counts.plan_of`), each
   partition's first row number, the "duplicate id" reasons
   (:func:`geo.rules.duplicate_reasons`);
3. **joining** — per partition, the same rules as the in-memory engine
   (:func:`geo.registers.build.parse_rows`, then :func:`geo.rules.join_batch`), written as
   partitioned GeoParquet by dask-geopandas, with each partition's per-province counts
   and sums (:func:`geo.rules.province_parts`) added up into ``by_province``.

The outputs are written into a temporary folder beside ``out`` and moved into place only
once all of them are written (``report.json`` last), so a run that fails, is interrupted
or loses its workers more often than dask retries leaves nothing that looks complete.
"""

from __future__ import annotations

import functools
import importlib
import io
import operator
import warnings as pywarnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geo.engines.counts import PartCounts, count_part, plan_of
from geo.engines.partitions import BLOCKSIZE, Source, frame_source, open_source
from geo.engines.result import DaskJoinResult
from geo.engines.writing import output_set, write_report, write_tables
from geo.errors import EngineError
from geo.reasons import Reason, RowReasons
from geo.reconciliation import empty_reconciliation, reconciliation_table
from geo.registers.build import Plan, Register, find_columns, id_texts, parse_rows
from geo.registers.readers import Cells
from geo.registers.vocabulary import header_key
from geo.rules import COAST_KM, check_by, duplicate_reasons, join_batch, province_parts, province_table, status_counts
from geo.rules import summary as make_summary

__all__ = ["ROW_COLUMNS", "DaskJoinResult", "join", "require_extra"]

#: The columns of ``rows/``: every input row's outcome.
ROW_COLUMNS = ["row", "id", "status", "province", "reasons", "reasons_fa"]


@dataclass(frozen=True)
class _Settings:
    """What every partition's join is run with."""

    plan: Plan
    mode: str
    coast_km: float
    legacy_codes: bool
    duplicates: Mapping[Any, Reason]


def _id_keys(cells: Cells, column: str | None, part: int) -> pd.DataFrame:
    """Each row's id as text (:func:`~geo.registers.build.id_texts`), its partition and position."""
    n = len(cells.frame)
    keys = id_texts(cells.frame[column]) if column is not None else np.full(n, None, dtype=object)
    frame = pd.DataFrame(
        {"key": pd.Series(keys, dtype=object), "part": np.full(n, part, dtype="int64"), "pos": np.arange(n)}
    )
    return frame[frame["key"].notna()]


def _repeated(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of the ids that occur more than once (the partition holds every row of its ids)."""
    return frame[frame["key"].duplicated(keep=False)]


def _count(
    source: Source, roles: frozenset[str], id_column: str | None, client: Any
) -> tuple[list[PartCounts], pd.DataFrame]:
    """Step 1: the partitions' counts, and the (key, part, pos) of every id that occurs more than once."""
    import dask
    import dask.dataframe as dd
    from dask import delayed

    counts = [delayed(count_part)(part, roles) for part in source.parts]
    meta = pd.DataFrame(
        {"key": pd.Series(dtype=object), "part": pd.Series(dtype="int64"), "pos": pd.Series(dtype="int64")}
    )
    keys = dd.from_delayed([delayed(_id_keys)(p, id_column, i) for i, p in enumerate(source.parts)], meta=meta)
    shuffled = keys.shuffle("key", npartitions=max(1, len(source.parts)))
    repeated = shuffled.map_partitions(_repeated, meta=meta)
    found, dups = dask.compute(counts, repeated, scheduler=client)
    return found, dups


def _join_part(cells: Cells, first_row: int, settings: _Settings) -> tuple[Any, np.ndarray, list[str]]:
    """Step 3 on one partition: its estates (for files), its per-province parts, its warnings."""
    reg = parse_rows(cells.frame, cells.geometry, settings.plan, first_row)
    batch = join_batch(
        reg,
        settings.mode,
        coast_km=settings.coast_km,
        legacy_codes=settings.legacy_codes,
        duplicates=settings.duplicates,
    )
    estates = batch.estates
    estates["reasons"] = estates["reasons"].map(list)
    estates["reasons_fa"] = estates["reasons_fa"].map(list)
    return estates, province_parts(batch, settings.plan.indicators), reg.warnings


def _duplicates(dups: pd.DataFrame, firsts: list[int], plan: Plan) -> dict[Any, Reason]:
    """Step 2: the "duplicate id" reason of each repeated id, naming its rows."""
    if not len(dups):
        return {}
    rows = np.asarray(firsts, dtype="int64")[dups["part"].to_numpy()] + dups["pos"].to_numpy()
    ids = dups["key"].astype("int64") if plan.int_ids else dups["key"].astype(object)
    return duplicate_reasons(ids.reset_index(drop=True), rows)


def _stub(plan: Plan, warnings: list[str]) -> Register:
    """The register as a whole, without its rows: what the summary and the reconciliation read."""
    return Register(pd.DataFrame(), dict(plan.columns), plan.indicators, RowReasons(0), warnings, plan.path)


def _schema(meta: Any, plan: Plan, columns: list[str] | None = None) -> Any:
    """The Parquet schema of every partition, whatever each partition holds (GeoParquet metadata kept).

    Object columns are typed from what the rules put in them: text, or lists of text
    (``reasons``), or whole numbers for ids the plan keeps as numbers.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = meta if columns is None else pd.DataFrame(meta[columns])
    written = io.BytesIO()
    frame.to_parquet(written, index=False)  # GeoParquet's own metadata, as geopandas writes it
    schema = pq.read_schema(written)
    for i, name in enumerate(schema.names):
        if name in ("reasons", "reasons_fa"):
            kind = pa.list_(pa.string())
        elif name == "id" and plan.int_ids:
            kind = pa.int64()
        elif frame[name].dtype == object and name != getattr(frame, "_geometry_column_name", None):
            kind = pa.string()
        else:
            continue
        schema = schema.set(i, pa.field(name, kind))
    return schema


def join(
    register: str | Path | pd.DataFrame,
    *,
    by: str | None = None,
    reconcile: Mapping[str, str] | Iterable[str] | str | Path | None = None,
    coast_km: float = COAST_KM,
    legacy_codes: bool = False,
    client: Any = None,
    out: str | Path | None = None,
    blocksize: int = BLOCKSIZE,
    progress: Any = None,
    **overrides: Any,
) -> DaskJoinResult:
    """Join a register on dask; see :func:`geo.joining.join` for the shared parameters.

    Parameters
    ----------
    client
        A :class:`distributed.Client`; None makes a local cluster for the run
        (:func:`geo.engines.cluster.client`).
    out
        Write the outputs into this folder: ``joined/`` and ``rejects/`` (GeoParquet, one
        file per partition), ``rows/`` (every row's status, province and reasons),
        ``by_province.csv``, ``reconciliation.csv`` when asked, ``report.json``.
    blocksize
        Bytes of the register per partition.

    Raises
    ------
    RegisterError
        As the in-memory engine.
    EngineError
        The cluster failed during the run (workers lost more often than dask retries);
        nothing was written.
    """
    require_extra()
    import dask

    from geo.engines.cluster import client as local
    from geo.engines.cluster import quiet

    args = (register, by, reconcile, coast_km, legacy_codes, client, out, blocksize, progress, overrides)
    # Object columns (reasons as lists, ids and names as text) stay as the rules make them.
    with dask.config.set({"dataframe.convert-string": False}), quiet():
        if client is not None:
            return _join(*args)
        with local() as made:
            return _join(*args[:5], made, *args[6:])


def require_extra() -> None:
    """Raise :class:`EngineError` saying how to install them when dask, distributed or dask-geopandas is missing."""
    missing = []
    for name in ("dask", "distributed", "dask_geopandas"):
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    if missing:
        raise EngineError(
            f'the dask engine needs {", ".join(missing)}: pip install "iran-estates[dask]"', field="engine"
        )


def _join(
    register: str | Path | pd.DataFrame,
    by: str | None,
    reconcile: Any,
    coast_km: float,
    legacy_codes: bool,
    client: Any,
    out: str | Path | None,
    blocksize: int,
    progress: Any,
    overrides: Mapping[str, str | None],
) -> DaskJoinResult:
    """:func:`join` with a client and dask's settings in place."""
    tick = progress or (lambda stage, done: None)
    tick("reading", 0.0)
    source = _open(register, overrides, blocksize)
    first = _first(source)
    plan_overrides = {k: overrides.get(k) for k in ("id", "name", "province", "lat", "lon")}
    roles = find_columns(first.frame, plan_overrides, source.path if isinstance(register, (str, Path)) else None)
    tick("counting", 0.1)
    found, dups = _guarded(lambda: _count(source, frozenset(roles.values()), roles.get("id"), client))
    counts = functools.reduce(operator.add, found)
    warnings = list(source.warnings) + list(counts.warnings)
    path = Path(register) if isinstance(register, (str, Path)) else None
    plan = plan_of(
        counts, plan_overrides, crs=overrides.get("crs"), declared_crs=source.crs, path=path, warnings=warnings
    )
    mode = check_by(by, _stub(plan, warnings))
    firsts = list(np.cumsum([0] + [c.rows for c in found[:-1]]) + 1)
    settings = _Settings(plan, mode, coast_km, legacy_codes, _duplicates(dups, firsts, plan))
    tick("joining", 0.3)
    result = _run(source, first, settings, firsts, client, out, reconcile, warnings, counts.rows)
    tick("done", 1.0)
    return result


def _open(register: str | Path | pd.DataFrame, overrides: Mapping[str, str | None], blocksize: int) -> Source:
    """The register's partitions: a file or folder read by the workers, or a frame in memory cut in slices."""
    if isinstance(register, pd.DataFrame):
        return frame_source(register, rows_per_part=max(1, blocksize // 200))
    if not isinstance(register, (str, Path)):
        raise EngineError(f"the dask engine reads a path or a DataFrame, not {type(register).__name__}")
    wanted = frozenset(header_key(v) for k in ("id", "name", "province", "lat", "lon") if (v := overrides.get(k)))
    return open_source(Path(register), sheet=overrides.get("sheet"), wanted=wanted, blocksize=blocksize)


def _first(source: Source) -> Cells:
    """The first partition, read here: its headers name the columns before the cluster does any work."""
    import dask

    (cells,) = dask.compute(source.parts[0], scheduler="sync")
    return cells


def _guarded(work: Any) -> Any:
    """Run a computation on the cluster; a lost cluster or workers lost too often end in :class:`EngineError`."""
    from distributed import KilledWorker

    try:
        with pywarnings.catch_warnings():
            # The partitions' parts and warnings are dask.delayed beside the dataframe of estates:
            # dask warns that it materialises the expressions to compute them together, as meant.
            pywarnings.filterwarnings("ignore", message="Computing mixed collections", category=UserWarning)
            return work()
    except KilledWorker as exc:
        raise EngineError(
            f"a dask worker died each time it ran one task ({exc.args[0] if exc.args else 'a task'});"
            " dask gave up retrying it, and nothing was written"
        ) from exc
    except (OSError, TimeoutError) as exc:
        if type(exc).__module__.startswith(("distributed", "tornado", "asyncio")) or "Comm" in type(exc).__name__:
            raise EngineError(f"the dask cluster was lost during the run ({exc}); nothing was written") from exc
        raise


def _meta(first: Cells, settings: _Settings) -> tuple[Any, str | None]:
    """The estates of no rows (their columns and types) and the CRS coordinates are reprojected from."""
    empty = Cells(first.frame.iloc[:0], first.geometry.iloc[:0] if first.geometry is not None else None)
    reg = parse_rows(empty.frame, empty.geometry, settings.plan)
    return _join_part(empty, 1, settings)[0], reg.source_crs


def _by_province_csv(by_province: Any) -> pd.DataFrame:
    return pd.DataFrame(by_province.drop(columns="geometry"))


def _writes(estates: Any, tmp: Path, meta: Any, plan: Plan) -> list[Any]:
    """The Parquet outputs, as dask computations (each partition a file)."""
    kept = estates["status"] != "rejected"
    options = {"write_index": False, "compute": False}
    schema = _schema(meta, plan)
    return [
        estates[kept].to_parquet(tmp / "joined", schema=schema, **options),
        estates[~kept].to_parquet(tmp / "rejects", schema=schema, **options),
        estates[ROW_COLUMNS].to_parquet(tmp / "rows", schema=_schema(meta, plan, ROW_COLUMNS), **options),
    ]


def _run(
    source: Source,
    first: Cells,
    settings: _Settings,
    firsts: list[int],
    client: Any,
    out: str | Path | None,
    reconcile: Any,
    warnings: list[str],
    rows_in: int,
) -> DaskJoinResult:
    """Step 3: join every partition, add up its parts, write the set (when ``out`` is given)."""
    import dask
    import dask.dataframe as dd
    import dask_geopandas  # noqa: F401 - registers the GeoDataFrame collection of from_delayed
    from dask import delayed

    shared = delayed(settings, traverse=False)  # one copy on the cluster (the plan, the repeated ids' reasons)
    batches = [delayed(_join_part)(p, f, shared) for p, f in zip(source.parts, firsts, strict=True)]
    meta, source_crs = _meta(first, settings)
    estates = dd.from_delayed([b[0] for b in batches], meta=meta, verify_meta=False)
    wanted: list[Any] = [[b[1] for b in batches], [b[2] for b in batches]]
    stub = _stub(settings.plan, warnings)
    stub.source_crs = source_crs
    zero = province_table(
        np.zeros((32, 1 + 2 * len(stub.indicators)) if stub.indicators else np.zeros((32, 3))), stub.indicators
    )
    if reconcile:
        reconciliation_table(zero, stub, reconcile)  # a reconciliation that names no column fails before the run
    if out is None:
        parts, warns = _guarded(lambda: dask.compute(*wanted, scheduler=client))
        return _result(estates, parts, warns, stub, settings, reconcile, rows_in, client)
    with output_set(Path(out)) as tmp:
        writes = _writes(estates, tmp, meta, settings.plan)
        _, parts, warns = _guarded(lambda: dask.compute(writes, *wanted, scheduler=client))
        result = _result(estates, parts, warns, stub, settings, reconcile, rows_in, client)
        tables = {"by_province.csv": _by_province_csv(result.by_province)}
        if len(result.reconciliation):
            tables["reconciliation.csv"] = result.reconciliation
        names = ["joined", "rejects", "rows", *write_tables(tmp, tables), "report.json"]
        result.summary["outputs"] = sorted(names)
        write_report(tmp, result.summary)
    result.paths = {name: Path(out) / name for name in names}
    return result


def _result(
    estates: Any,
    parts: list[np.ndarray],
    warns: list[list[str]],
    stub: Register,
    settings: _Settings,
    reconcile: Any,
    rows_in: int,
    client: Any,
) -> DaskJoinResult:
    """The result from the partitions' parts and warnings, added up."""
    total = functools.reduce(operator.add, parts)
    for batch_warnings in warns:
        stub.warnings += [w for w in batch_warnings if w not in stub.warnings]
    by_province = province_table(total, stub.indicators)
    head = make_summary(stub, settings.mode, settings.coast_km, status_counts(total), rows_in)
    table = reconciliation_table(by_province, stub, reconcile) if reconcile else empty_reconciliation()
    head["reconciliation"] = table.to_dict("records")
    head["engine"] = {"name": "dask", "partitions": len(parts), "workers": len(client.scheduler_info()["workers"])}
    return DaskJoinResult(estates, by_province, table, head, stub)
