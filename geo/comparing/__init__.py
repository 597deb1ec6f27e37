"""What changed between two estate registers: :func:`compare` (``geo.compare``).

(A module named ``geo.compare`` would replace the function on import, as for :mod:`geo.joining`.)

Both registers are read, checked and joined by :func:`geo.join` (the same rules and
reasons as ``geo join``), then matched estate to estate by :mod:`geo.comparing.matching` (by id,
else by the folded name in the same province and county; never by guess: a row with
two candidates is *ambiguous*, both named). Each estate is one of :data:`KINDS`:

- ``added`` / ``removed``: in the new register only / in the old one only;
- ``moved``: its point moved more than ``move_km`` (default :data:`MOVE_KM`, measured on
  the WGS84 ellipsoid with :class:`pyproj.Geod`), or its county or province changed;
- ``changed``: a fact (a column both registers have, by header in either language, or
  the name) differs, before → after;
- ``unchanged``; ``ambiguous``: a row matched more than one row of the other register.

A moved estate's changed facts are listed too. The identity holds and is checked on
every run: ``rows_old == unchanged + changed + moved + removed + ambiguous_old`` and
``rows_new == unchanged + changed + moved + added + ambiguous_new``, each row once.

Why 2 km: registers give points to two decimals of a degree as often as not (0.01° is
1.1 km of latitude and about 0.9 km of longitude in Iran, so a rounded point is up to
~0.7 km off, twice that between two roundings), and an estate of a few hundred hectares
is one to two kilometres across; a point that moved less is the same site written
differently, one that moved more is a move worth a look.

Examples
--------
>>> import pandas as pd
>>> old = pd.DataFrame({"id": [1, 2], "province": ["Fars", "Qom"], "plant": ["yes", "no"]})
>>> new = pd.DataFrame({"id": [2, 3], "province": ["Qom", "Yazd"], "plant": ["yes", "no"]})
>>> result = compare(old, new)
>>> result.changes["kind"].tolist(), result.changes["reasons"].tolist()
(['changed', 'removed', 'added'], ['plant: no → yes', 'not in the new register', 'not in the old register'])
"""

from __future__ import annotations

import warnings as pywarnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geo._progress import Progress, no_progress
from geo.comparing.compare_facts import Fact, compared_facts, fact_changes, year_of
from geo.comparing.matching import Matches, match_rows
from geo.errors import GeoError, InputTypeError, InputValueError
from geo.i18n import Bilingual, as_given, message

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["KINDS", "MOVE_KM", "CompareResult", "compare"]

#: The kinds of change, in the order tables and maps list them.
KINDS = ("added", "removed", "moved", "changed", "unchanged", "ambiguous")
#: How far a point may move (km, on the ellipsoid) and still be the same site (see the module docstring).
MOVE_KM = 2.0


@dataclass
class CompareResult:
    """The outcome of :func:`compare`.

    Attributes
    ----------
    changes
        One row per estate: ``kind``, ``matched_by``, ``old_row``/``new_row`` (1-based data
        rows), ``id_*``, ``name_*``, ``province_*``, ``county_*``, ``lat_*``, ``lon_*``
        (``_old`` and ``_new``), ``distance_km``, ``facts_changed``, ``<fact>_before`` and
        ``<fact>_after`` of each fact compared, ``reasons`` and ``reasons_fa``.
    by_province, by_county
        Per place: the count of each kind, ``year_before``/``year_after``, and per fact
        ``<fact>_before``, ``<fact>_after``, ``<fact>_difference`` (sums, or counts of
        yes), and for a yes/no fact ``<fact>_gained``/``<fact>_lost`` (estates whose answer turned).
    summary
        The counts, the identity, the facts compared, both joins' summaries.
    facts
        The facts compared.
    changed
        Which facts changed for each estate (estates × facts, booleans), in table order.

    Examples
    --------
    >>> import pandas as pd
    >>> old = pd.DataFrame({"name": ["A"], "province": ["Fars"]})
    >>> r = compare(old, pd.DataFrame({"name": ["A", "B"], "province": ["Fars", "Qom"]}))
    >>> {k: r.summary[k] for k in ("rows_old", "rows_new", "unchanged", "added")}
    {'rows_old': 1, 'rows_new': 2, 'unchanged': 1, 'added': 1}
    """

    changes: pd.DataFrame
    by_province: gpd.GeoDataFrame
    by_county: gpd.GeoDataFrame
    summary: dict[str, Any]
    facts: tuple[Fact, ...] = field(default=())
    changed: np.ndarray | None = field(default=None, repr=False)

    def write(self, out_dir: str | Path, *, progress: Progress | None = None) -> dict[str, Path]:
        """Write the outputs into ``out_dir`` as one set; see :func:`geo.output.compare_outputs.write_changes`."""
        from geo.output.compare_outputs import write_changes

        return write_changes(self, out_dir, progress=progress)


@dataclass(frozen=True)
class _Read:
    """What a comparison keeps of a register as read: its indicators (header → kind)."""

    indicators: dict[str, str]


#: The columns of a join's estates a comparison does not use (dropped as soon as each join ends).
_UNUSED = ("geometry", "status", "reasons", "reasons_fa", "notes", "notes_fa", "province_as_given", "county_as_given")


def _slim(result: Any) -> Any:
    """A join's result with only what a comparison reads: the other register is joined with this one's memory freed."""
    result.estates = pd.DataFrame(result.estates.drop(columns=[c for c in _UNUSED if c in result.estates.columns]))
    result.register = _Read(dict(result.register.indicators)) if result.register is not None else None
    return result


def _take(values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """``values[at]`` with None where ``at`` is -1 (the row is on the other side only)."""
    out = np.full(len(at), None, dtype=object)
    some = at >= 0
    out[some] = values[at[some]]
    return out


def _skeleton(m: Matches) -> pd.DataFrame:
    """One row per estate: its old and new positions (-1: none), how it was matched, its first kind."""
    amb = m.ambiguous
    parts = [
        pd.DataFrame({"o": m.pairs["old"].to_numpy(), "n": m.pairs["new"].to_numpy(), "matched_by": m.pairs["by"]}),
        pd.DataFrame({"o": m.removed, "n": -1, "matched_by": None, "kind": "removed"}),
        pd.DataFrame({"o": -1, "n": m.added, "matched_by": None, "kind": "added"}),
        pd.DataFrame(
            {
                "o": np.where(amb["side"] == "old", amb["pos"], -1),
                "n": np.where(amb["side"] == "new", amb["pos"], -1),
                "matched_by": amb["by"].to_numpy(),
                "kind": "ambiguous",
            }
        ),
    ]
    frame = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else parts[0]
    frame = frame.astype({"o": "int64", "n": "int64"})
    if "kind" not in frame.columns:
        frame["kind"] = None
    frame["kind"] = frame["kind"].astype(object)
    return frame


def _identity(frame: pd.DataFrame, rows_old: int, rows_new: int) -> dict[str, Any]:
    """The counts of each kind, checked: every row of each register exactly once (else an error)."""
    counts = {k: int((frame["kind"] == k).sum()) for k in KINDS}
    amb_old = int(((frame["kind"] == "ambiguous") & (frame["o"] >= 0)).sum())
    amb_new = counts["ambiguous"] - amb_old
    o, n = frame["o"].to_numpy(), frame["n"].to_numpy()
    once = np.array_equal(np.sort(o[o >= 0]), np.arange(rows_old)) and np.array_equal(
        np.sort(n[n >= 0]), np.arange(rows_new)
    )
    kept = counts["unchanged"] + counts["changed"] + counts["moved"]
    if not once or rows_old != kept + counts["removed"] + amb_old or rows_new != kept + counts["added"] + amb_new:
        raise GeoError(f"internal error: the rows of the registers are not each accounted for once ({counts})")
    return {
        "rows_old": rows_old,
        "rows_new": rows_new,
        **counts,
        "ambiguous_old": amb_old,
        "ambiguous_new": amb_new,
        "identity": [
            "rows_old == unchanged + changed + moved + removed + ambiguous_old",
            "rows_new == unchanged + changed + moved + added + ambiguous_new",
        ],
    }


def _column(estates: pd.DataFrame, name: str) -> np.ndarray:
    if name not in estates.columns:
        return np.full(len(estates), None, dtype=object)
    col = estates[name]
    return col.astype(object).where(col.notna(), None).to_numpy()


def _as_text(values: np.ndarray) -> np.ndarray:
    """Values as text (None stays None)."""
    out = np.full(len(values), None, dtype=object)
    some = pd.notna(values)
    out[some] = values[some].astype(str).astype(object)
    return out


def _places(frame: pd.DataFrame, old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Ids, names, places and points of each estate, before and after."""
    o, n = frame["o"].to_numpy(), frame["n"].to_numpy()
    cols: dict[str, Any] = {
        "kind": frame["kind"].to_numpy(),
        "matched_by": frame["matched_by"].to_numpy(),
        "old_row": _take(old["row"].to_numpy(), o),
        "new_row": _take(new["row"].to_numpy(), n),
    }
    for c in ("id", "name", "province", "county"):
        values_o, values_n = _column(old, c), _column(new, c)
        if c == "id":  # as text, whatever each register's ids are
            values_o, values_n = (_as_text(v) for v in (values_o, values_n))
        cols[f"{c}_old"], cols[f"{c}_new"] = _take(values_o, o), _take(values_n, n)
    for c in ("lat", "lon"):
        for side, at, estates in (("old", o, old), ("new", n, new)):
            values = estates[c].to_numpy(dtype=float) if len(estates) else np.full(1, np.nan)
            cols[f"{c}_{side}"] = np.where(at >= 0, values[np.maximum(at, 0)], np.nan)
    return pd.DataFrame(cols)


def _moves(ch: pd.DataFrame, move_km: float) -> tuple[np.ndarray, np.ndarray]:
    """Each estate's distance (km, NaN without both points) and whether it moved."""
    from pyproj import Geod

    lat_o, lon_o, lat_n, lon_n = (ch[c].to_numpy(dtype=float) for c in ("lat_old", "lon_old", "lat_new", "lon_new"))
    both = ~(np.isnan(lat_o) | np.isnan(lon_o) | np.isnan(lat_n) | np.isnan(lon_n))
    km = np.full(len(ch), np.nan)
    if both.any():
        _, _, metres = Geod(ellps="WGS84").inv(lon_o[both], lat_o[both], lon_n[both], lat_n[both])
        km[both] = np.asarray(metres) / 1000.0
    paired = ch["kind"].isna().to_numpy()
    place = np.zeros(len(ch), dtype=bool)
    for c in ("province", "county"):
        a, b = ch[f"{c}_old"].to_numpy(), ch[f"{c}_new"].to_numpy()
        place |= pd.notna(a) & pd.notna(b) & (a != b)
    with np.errstate(invalid="ignore"):
        moved = paired & ((km > move_km) | place)
    return km, moved


@lru_cache(maxsize=1024)
def _place_label(level: str, code: str) -> Bilingual:
    """A province or county as a sentence names it (its names and code, in both languages)."""
    from geo.i18n import province_label
    from geo.reference.counties import county_label
    from geo.reference.provinces import province_table

    if level == "county":
        return county_label(code)
    rec = province_table().set_index("code").loc[code]
    return province_label(code, rec["name_en"], rec["name_fa"])


def _move_reasons(ch: pd.DataFrame, at: np.ndarray, km: np.ndarray, move_km: float) -> list[list[Bilingual]]:
    """Why each moved estate (positions ``at``) moved: how far, and which place changed."""
    out: list[list[Bilingual]] = []
    places = {
        c: (ch[f"{c}_old"].to_numpy(dtype=object)[at], ch[f"{c}_new"].to_numpy(dtype=object)[at])
        for c in ("province", "county")
    }
    for k, i in enumerate(at.tolist()):
        why = [message("change", "why.moved_km", km=float(km[i]))] if km[i] > move_km else []
        for c in ("province", "county"):
            a, b = places[c][0][k], places[c][1][k]
            if pd.notna(a) and pd.notna(b) and a != b:
                why.append(message("change", f"why.moved_{c}", before=_place_label(c, a), after=_place_label(c, b)))
        out.append(why)
    return out


def _candidates_text(cands: list[tuple[str, int]], rows: dict[str, pd.DataFrame]) -> Bilingual:
    texts = []
    for side, pos in cands[:5]:
        name = rows[side]["name"].iloc[pos] if "name" in rows[side].columns else None
        side_words = Bilingual(*(message("change", f"side.{side}").en, message("change", f"side.{side}").fa))
        texts.append(
            message("change", "candidate", side=side_words, row=int(rows[side]["row"].iloc[pos]), name=name or "")
        )
    more = " …" if len(cands) > 5 else ""
    return Bilingual("; ".join(t.en for t in texts) + more, "؛ ".join(t.fa for t in texts) + more)


def _reasons(ch: pd.DataFrame, m: Matches, rows: dict[str, pd.DataFrame], extra: dict[int, list[Bilingual]]) -> None:
    """``reasons`` and ``reasons_fa`` of every estate that is not unchanged (in place)."""
    why: list[list[Bilingual]] = [[] for _ in range(len(ch))]
    for i, texts in extra.items():
        why[i] += texts
    kinds = ch["kind"].to_numpy()
    for kind, side, code in (("removed", "old", "why.not_in_new"), ("added", "new", "why.not_in_old")):
        keyless = (ch[f"id_{side}"].isna() & (ch[f"name_{side}"].isna() | ch[f"province_{side}"].isna())).to_numpy()
        for i in np.flatnonzero(kinds == kind).tolist():  # one without a key could not be looked for
            why[i].append(message("change", "why.no_key" if keyless[i] else code))
    amb_at = np.flatnonzero(kinds == "ambiguous").tolist()
    for i, rec in zip(amb_at, m.ambiguous.to_dict("records"), strict=True):
        side = "old" if pd.notna(ch.at[i, "old_row"]) else "new"
        key = ch.at[i, f"id_{side}"] if rec["by"] == "id" else ch.at[i, f"name_{side}"]
        cands = _candidates_text(rec["candidates"], rows)
        if rec["by"] == "id":
            why[i].append(message("change", "why.ambiguous_id", id=key, candidates=cands))
        else:
            place = ch.at[i, f"province_{side}"]
            why[i].append(message("change", "why.ambiguous_name", name=key, place=place, candidates=cands))
    ch["reasons"] = [" | ".join(w) if w else None for w in why]
    ch["reasons_fa"] = [" | ".join(t.fa for t in w) if w else None for w in why]


def _check_compare_args(old_year: object, new_year: object, year_column: object, move_km: object) -> None:
    """The types of :func:`compare`'s years, year column and distance (else an InputTypeError)."""
    for name, value in (("old_year", old_year), ("new_year", new_year)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, str))):
            raise InputTypeError(message("errors", "compare_year_type", name=name, kind=type(value).__name__))
    if year_column is not None and not isinstance(year_column, str):
        raise InputTypeError(message("errors", "compare_year_column_type", kind=type(year_column).__name__))
    if isinstance(move_km, bool) or not isinstance(move_km, (int, float)):
        raise InputTypeError(message("errors", "compare_move_km_type", kind=type(move_km).__name__))


def compare(  # noqa: PLR0913 - keyword-only, as the command line's options
    old: str | Path | pd.DataFrame,
    new: str | Path | pd.DataFrame,
    *,
    old_year: int | str | None = None,
    new_year: int | str | None = None,
    year_column: str | None = None,
    move_km: float = MOVE_KM,
    by: str | None = None,
    legacy_codes: bool = False,
    progress: Progress | None = None,
) -> CompareResult:
    """Compare two estate registers: what was added, removed, moved or changed.

    Parameters
    ----------
    old, new
        The registers (any path :func:`geo.join` reads, or DataFrames); they may differ
        in format, headers and language.
    old_year, new_year
        Their Jalali years (1200–1500), said on the map and in the tables.
    year_column
        A column holding each register's year (one year per register), instead; it is not compared as a fact.
    move_km
        How far a point may move and still be the same site (see :data:`MOVE_KM`).
    by, legacy_codes
        As for :func:`geo.join`, for both registers.
    progress
        Told each stage of both joins, and ``matching``.

    Returns
    -------
    CompareResult

    Raises
    ------
    RegisterError
        A register cannot be read (as :func:`geo.join` says).
    InputValueError
        A year that is not a Jalali year, or a year column with more than one year.

    Examples
    --------
    >>> import pandas as pd
    >>> old = pd.DataFrame({"id": [1], "province": ["Fars"], "lat": [29.6], "lon": [52.5]})
    >>> new = pd.DataFrame({"id": [1], "province": ["Fars"], "lat": [29.9], "lon": [52.5]})
    >>> r = compare(old, new, old_year=1396, new_year=1397)
    >>> r.changes.loc[0, "kind"], float(r.changes.loc[0, "distance_km"]), r.summary["years"]
    ('moved', 33.254, {'old': 1396, 'new': 1397})
    """
    from geo._args import check_join_args
    from geo.joining import join

    _check_compare_args(old_year, new_year, year_column, move_km)
    check_join_args(None, legacy_codes, progress, by=by, engine=None)
    if not np.isfinite(move_km) or move_km < 0:
        raise InputValueError(message("errors", "compare_move_km_value", value=as_given(move_km)))
    tick = progress or no_progress
    with pywarnings.catch_warnings():
        pywarnings.simplefilter("ignore", pd.errors.PerformanceWarning)
        results = [_slim(join(reg, by=by, legacy_codes=legacy_codes, progress=tick)) for reg in (old, new)]  # type: ignore[arg-type]
    years = (
        year_of(results[0], old_year, year_column, "old_year"),
        year_of(results[1], new_year, year_column, "new_year"),
    )
    facts, skipped = compared_facts(results[0], results[1], year_column)
    est_o, est_n = results[0].estates, results[1].estates
    tick("matching", 0, len(est_o) + len(est_n))
    m = match_rows(est_o, est_n)
    frame = _skeleton(m)
    ch = _places(frame, est_o, est_n)
    km, moved = _moves(ch, move_km)
    ch.insert(ch.columns.get_loc("lat_old"), "distance_km", np.round(km, 3))
    changed, fact_cols, fact_why = fact_changes(ch, frame, est_o, est_n, facts)
    paired = ch["kind"].isna().to_numpy()
    kind = np.where(paired & changed.any(axis=1), "changed", np.where(paired, "unchanged", ch["kind"]))
    ch["kind"] = np.where(moved, "moved", kind)
    ch["facts_changed"] = [";".join(f.key for f, c in zip(facts, row, strict=True) if c) or None for row in changed]
    for name, values in fact_cols.items():
        ch[name] = values
    moved_at = np.flatnonzero(moved)
    extra = dict(zip(moved_at.tolist(), _move_reasons(ch, moved_at, km, move_km), strict=True))
    for i, texts in fact_why.items():
        extra.setdefault(i, []).extend(texts)
    _reasons(ch, m, {"old": est_o, "new": est_n}, extra)
    tick("matching", len(est_o) + len(est_n), len(est_o) + len(est_n))
    summary = _identity(frame.assign(kind=ch["kind"].to_numpy()), len(est_o), len(est_n))
    from geo.comparing.compare_tables import change_tables

    by_province, by_county = change_tables(ch, changed, facts, results, years)
    summary |= {
        "move_km": move_km,
        "years": {"old": years[0], "new": years[1]},
        "facts_compared": [f.record() for f in facts],
        "facts_not_compared": skipped,
        "old": {k: v for k, v in results[0].summary.items() if k != "reconciliation"},
        "new": {k: v for k, v in results[1].summary.items() if k != "reconciliation"},
    }
    return CompareResult(ch, by_province, by_county, summary, tuple(facts), changed)
