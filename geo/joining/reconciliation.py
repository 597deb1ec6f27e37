"""Comparing a joined register with published figures: a declared column → reference mapping.

A reference is a fact id of the facts ledger (:func:`geo.reference.facts.load_facts`, a national
figure) or an indicator column of the per-province yearbook tables
(:func:`geo.reference.stats.load_province_stats`, compared in total and province by province).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pandas as pd

from geo.errors import RegisterError
from geo.i18n import as_given, message, quoted, whole
from geo.registers import Register, header_key
from geo.registers.plan import RegisterInfo

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["RECONCILIATION_COLUMNS", "empty_reconciliation", "parse_reconcile", "reconcile", "reconciliation_table"]

#: The columns of :attr:`geo.joining.JoinResult.reconciliation`.
RECONCILIATION_COLUMNS = [
    "column",
    "reference",
    "source",
    "province",
    "label",
    "unit",
    "period",
    "register",
    "published",
    "difference",
    "coverage",
]

Spec = Mapping[str, str] | Iterable[str] | str | Path


class Joined(Protocol):
    """What :func:`reconcile` needs of a join's result (a :class:`geo.JoinResult` has it)."""

    @property
    def by_province(self) -> gpd.GeoDataFrame:
        """The per-province table of the register."""

    @property
    def register(self) -> Register | None:
        """The register that was joined."""


def empty_reconciliation() -> pd.DataFrame:
    """A reconciliation table without rows (its columns typed as objects)."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in RECONCILIATION_COLUMNS})


def parse_reconcile(spec: Spec) -> dict[str, str]:
    """Read a declared mapping of register columns to published figures.

    Parameters
    ----------
    spec
        A mapping ``{column: reference}``; ``"column=reference"`` text (or several); or
        the path of a JSON object, a two-column CSV (``column,reference``) or, when
        PyYAML is installed, a YAML mapping. A reference is a fact id of the ledger
        (:func:`geo.reference.facts.load_facts`) or an indicator column of the per-province
        yearbook tables (:func:`geo.reference.stats.load_province_stats`), optionally written
        ``stats:column``.

    Examples
    --------
    >>> parse_reconcile(["fire_station_1396=hse_fire_stations_built"])
    {'fire_station_1396': 'hse_fire_stations_built'}
    """
    if isinstance(spec, Mapping):
        return {str(k): str(v) for k, v in spec.items()}
    items = [spec] if isinstance(spec, (str, Path)) else list(spec)
    out: dict[str, str] = {}
    for item in items:
        text = str(item)
        path = Path(text)
        if "=" not in text or (path.suffix.lower() in (".json", ".csv", ".yaml", ".yml") and path.is_file()):
            out.update(_read_mapping_file(path))
            continue
        column, _, ref = text.rpartition("=")
        if not column.strip() or not ref.strip():
            raise RegisterError(message("errors", "reconcile_pair", text=as_given(text)), field="reconcile")
        out[column.strip()] = ref.strip()
    return out


def _load_yaml(text: str, path: Path) -> Any:
    try:
        import yaml  # optional: only for a YAML mapping
    except ImportError as exc:
        raise RegisterError(message("errors", "reconcile_yaml"), path=path) from exc
    return yaml.safe_load(text)


def _read_mapping_file(path: Path) -> dict[str, str]:
    """The mapping of a JSON, YAML or CSV file: an object of text to text, else one clear error."""
    if not path.is_file():
        raise RegisterError(message("errors", "reconcile_no_file"), path=path, field="reconcile")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegisterError(message("errors", "reconcile_not_utf8", byte=exc.start), path=path) from exc
    except OSError as exc:
        raise RegisterError(
            message("errors", "reconcile_unreadable", problem=whole(str(exc.strerror or exc))), path=path
        ) from exc
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            data = json.loads(text)
        elif suffix in (".yaml", ".yml"):
            data = _load_yaml(text, path)
        else:
            rows = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
            data = dict(zip(rows.iloc[:, 0], rows.iloc[:, 1], strict=True))
    except RecursionError as exc:
        raise RegisterError(message("errors", "reconcile_too_deep"), path=path) from exc
    except (ValueError, IndexError) as exc:
        raise RegisterError(message("errors", "reconcile_unreadable", problem=str(exc)), path=path) from exc
    except Exception as exc:  # YAML's own errors
        raise RegisterError(message("errors", "reconcile_unreadable", problem=str(exc)), path=path) from exc
    if not isinstance(data, dict) or not all(isinstance(v, (str, int, float)) for v in data.values()):
        raise RegisterError(message("errors", "reconcile_not_mapping"), path=path)
    return {str(k): str(v) for k, v in data.items()}


def reconcile(result: Joined, mapping: Spec) -> pd.DataFrame:
    """Compare aggregated register columns with published figures.

    Parameters
    ----------
    result
        A :class:`~geo.joining.JoinResult`.
    mapping
        Anything :func:`parse_reconcile` reads.

    Returns
    -------
    pandas.DataFrame
        The columns of :attr:`~geo.joining.JoinResult.reconciliation`.

    Examples
    --------
    >>> import pandas as pd
    >>> from geo import join
    >>> r = join(pd.DataFrame({"province": ["Fars", "Qom"], "fire_station_1396": ["بله", "خیر"]}))
    >>> table = reconcile(r, {"fire_station_1396": "hse_fire_stations_built"})
    >>> table[["register", "published", "difference"]].iloc[0].tolist()
    [1, 11, -10]
    """
    if result.register is None:
        raise RegisterError(message("errors", "reconcile_no_register"))
    reg = result.register
    return reconciliation_table(result.by_province, reg.info if isinstance(reg, Register) else reg, mapping)


def _register_column(reg: RegisterInfo, column: str) -> str:
    """The indicator of ``reg`` that ``column`` names (as written, else by :func:`header_key`).

    A column renamed so as not to shadow the product's own (``status`` → ``user_status``)
    is found by the name it was written with too.
    """
    column = reg.renamed.get(column, column)
    if column in reg.indicators:
        return column
    col = {header_key(c): c for c in reg.indicators}.get(header_key(column))
    if col is None:
        raise RegisterError(
            message(
                "errors",
                "reconcile_column",
                column=as_given(quoted(column)),
                columns=whole(str(quoted(str(list(reg.indicators)), 400))),
            ),
            path=reg.path,
            field=str(quoted(column)),
        )
    return col


def reconciliation_table(by_province: gpd.GeoDataFrame, reg: RegisterInfo, spec: Spec) -> pd.DataFrame:
    """The comparisons ``spec`` declares, from a per-province table of ``reg``.

    A ledger fact gives one national row; a yearbook column gives a national row and one
    row per province.
    """
    from geo.reference.facts import load_facts
    from geo.reference.stats import load_province_stats

    facts = load_facts()
    stats: gpd.GeoDataFrame | None = None
    rows: list[dict[str, Any]] = []
    for column, ref in parse_reconcile(spec).items():
        col = _register_column(reg, column)
        values = by_province[f"{col}_true" if reg.indicators[col] == "bool" else f"{col}_sum"]
        fact = facts.loc[facts["id"] == ref]
        if len(fact):
            rec = fact.iloc[0]
            of = _Reference(col, ref, "ledger", label=rec["label_en"], unit=rec["unit"], period=rec["period"])
            rows.append(_compare(of, None, register=values.sum(), published=rec["value"]))
            continue
        stats = load_province_stats() if stats is None else stats
        rows += _yearbook_rows(col, ref, values, stats, reg=reg, column=column)
    return pd.DataFrame(rows, columns=RECONCILIATION_COLUMNS) if rows else empty_reconciliation()


def _yearbook_rows(
    col: str, ref: str, values: pd.Series, stats: gpd.GeoDataFrame, *, reg: RegisterInfo, column: str
) -> list[dict[str, Any]]:
    """The national and per-province comparisons of ``values`` with a yearbook column."""
    stat_col = ref.removeprefix("stats:")
    if stat_col not in stats.columns:
        raise RegisterError(
            message("errors", "reconcile_reference", ref=as_given(quoted(ref))),
            path=reg.path,
            field=str(quoted(column)),
        )
    published = pd.to_numeric(stats[stat_col], errors="coerce").reindex(values.index)
    period = stats.attrs.get("period")
    of = _Reference(col, stat_col, "yearbook", label=stat_col, unit=None, period=period)
    rows = [_compare(of, None, register=values.sum(), published=published.sum())]
    for code in values.index:
        rows.append(_compare(of, code, register=values[code], published=published[code]))
    return rows


def _plain(x: float) -> float | int:
    """A whole float as an int (``11.0`` → ``11``), anything else as it is."""
    return int(x) if math.isfinite(x) and x == int(x) else x


@dataclass(frozen=True)
class _Reference:
    """What a comparison compares a register column with: a ledger fact or a yearbook column."""

    column: str
    ref: str
    source: str
    label: Any
    unit: Any
    period: Any


def _compare(of: _Reference, province: str | None, *, register: Any, published: Any) -> dict[str, Any]:
    """One row of the reconciliation table: ``of`` in ``province`` (None: the country)."""
    register, published = (float(v) if math.isfinite(float(v)) else math.nan for v in (register, published))
    coverage = register / published if published and math.isfinite(published) else math.nan
    return {
        "column": of.column,
        "reference": of.ref,
        "source": of.source,
        "province": province,
        "label": of.label,
        "unit": of.unit,
        "period": None if of.period is None else int(of.period),
        "register": _plain(register),
        "published": _plain(published),
        "difference": _plain(register - published),
        "coverage": coverage,
    }
