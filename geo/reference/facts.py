"""The facts ledger: every quantity stated in the source article, with its words.

The ledger (``data/facts/ledger.csv``, schema in ``data/facts/README.md``) holds one
row per quantitative statement of the article on ISIPO's 1396 SH results. Each row
keeps the few words of the article that state the number (``source_phrase``); the
loader reads the number in that phrase with :mod:`geo.numbers` and refuses a row
whose ``value`` does not match it, so a typo in either is caught on load.

Examples
--------
>>> facts = load_facts()
>>> int(facts.set_index("id").loc["hse_fire_stations_built", "value"])
11
>>> facts.loc[facts["hse_panel"], "id"].str.startswith("hse_").all()
np.True_
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

import jdatetime
import pandas as pd

from geo._args import check_path
from geo._io import formula_safe
from geo._paths import data_dir
from geo.errors import GeoError, LedgerError, NumberParseError
from geo.i18n import as_given, message, whole
from geo.numbers import Number, extract_number

__all__ = [
    "REQUIRED_COLUMNS",
    "OPTIONAL_COLUMNS",
    "THEMES",
    "UNITS",
    "SCOPES",
    "FORMATS",
    "default_ledger_path",
    "load_facts",
    "period_bounds",
    "hse_panel_facts",
    "facts_as_records",
    "facts_table",
    "format_facts",
]

REQUIRED_COLUMNS: tuple[str, ...] = (
    "id",
    "theme",
    "label_en",
    "label_fa",
    "value",
    "unit",
    "subject",
    "scope",
    "period",
    "source_phrase",
)
"""Columns every ledger must have, each cell filled."""

OPTIONAL_COLUMNS: tuple[str, ...] = ("approx", "hse_panel", "counterpart", "note")
"""Columns a ledger may have; blank cells allowed."""

THEMES: dict[str, str] = {
    "exports": "export consortia, export-management companies, export values",
    "investment": "foreign investors and their investment",
    "contracts": "investment contracts for land in estates and zones, their area and growth",
    "operations": "units brought into operation, revived, workshop units",
    "employment": "jobs created",
    "training": "training courses, trainees, person-hours, industrial tours",
    "marketing": "presence at exhibitions",
    "clusters": "cluster development projects",
    "e_government": "electronic services and service identifiers",
    "finance": "guarantees of the small-industries investment guarantee fund",
    "hse": "safety, health, environment and energy infrastructure (the map's HSE panel)",
    "national_units": "counts of production units in the country and in estates",
}
"""The theme vocabulary, with what each theme covers."""

UNITS: dict[str, str] = {
    "count": "a number of things (named by subject)",
    "person": "a number of people",
    "person_hour": "person-hours",
    "hectare": "hectares of land",
    "USD": "US dollars",
    "IRR": "Iranian rials",
    "percent": "percent (20 means 20 %)",
}
"""Allowed values of the ``unit`` column."""

SCOPES: dict[str, str] = {
    "national": "the whole country or the organisation's nationwide programme",
    "estates_and_zones": "industrial estates and zones (شهرک‌ها و نواحی صنعتی) only",
}
"""Allowed values of the ``scope`` column."""

FORMATS: tuple[str, ...] = ("table", "json", "csv")
"""Output formats of :func:`format_facts`."""

_ID_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_BOOLS = {"true": True, "false": False, "": False}
_MIN_YEAR, _MAX_YEAR = 1200, 1500  # a plausible range for Solar Hijri report years


def default_ledger_path() -> Path:
    """Return the path of the shipped ledger (``<data>/facts/ledger.csv``)."""
    return data_dir() / "facts" / "ledger.csv"


def period_bounds(year: int) -> tuple[date, date]:
    """Return the first and last Gregorian day of Solar Hijri ``year``.

    Examples
    --------
    >>> period_bounds(1396)
    (datetime.date(2017, 3, 21), datetime.date(2018, 3, 20))
    """
    start = jdatetime.date(year, 1, 1).togregorian()
    end = jdatetime.date(year + 1, 1, 1).togregorian() - timedelta(days=1)
    return start, end


def _read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    """Read header and data rows of a CSV ledger, or raise LedgerError."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise LedgerError(message("errors", "facts_not_found"), path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LedgerError(message("errors", "facts_unreadable", problem=whole(str(exc))), path=path) from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise LedgerError(message("errors", "facts_not_csv", problem=whole(str(exc))), path=path) from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise LedgerError(message("errors", "facts_empty"), path=path)
    return [h.strip() for h in rows[0]], rows[1:]


def _check_header(header: list[str], path: Path) -> None:
    for name in REQUIRED_COLUMNS:
        if name not in header:
            raise LedgerError(message("errors", "ledger_column_missing"), path=path, field=name)
    known = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS)
    for name in header:
        if name not in known:
            known_text = whole(", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS))
            raise LedgerError(message("errors", "facts_unknown_column", known=known_text), path=path, field=name)
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise LedgerError(message("errors", "facts_column_twice"), path=path, field=dup)


def _parse_value(text: str) -> Number:
    """Exact value of a ledger ``value`` cell (plain digits, optional '.' decimals)."""
    if not re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", text):
        raise ValueError(text)
    dec = Decimal(text)
    return int(dec) if dec == dec.to_integral_value() else dec


def _check_codes(cells: dict[str, str], err: Callable[[str, str], LedgerError], seen: dict[str, int]) -> None:
    """The id is new and snake_case; theme, unit and scope are known words."""
    fid = cells["id"]
    if not _ID_RE.match(fid):
        raise err("id", message("errors", "facts_id_case", id=as_given(fid)))
    if fid in seen:
        raise err("id", message("errors", "facts_id_twice", id=as_given(fid), first=seen[fid]))
    for name, allowed in (("theme", THEMES), ("unit", UNITS), ("scope", SCOPES)):
        if cells[name] not in allowed:
            raise err(
                name,
                message(
                    "errors", "facts_word", name=name, value=as_given(cells[name]), allowed=whole(", ".join(allowed))
                ),
            )


def _check_phrase(cells: dict[str, str], value: Number, err: Callable[[str, str], LedgerError]) -> None:
    """The source phrase states the value (and is a percentage exactly when the unit is)."""
    try:
        stated = extract_number(cells["source_phrase"])
    except NumberParseError as exc:
        raise err("source_phrase", exc.args[0] if exc.args else str(exc)) from None  # (its words, in both languages)
    if stated.value != value:
        said = {"text": as_given(stated.text), "stated": stated.value, "value": value}
        raise err("source_phrase", message("errors", "facts_phrase_value", **said))
    if stated.is_percent != (cells["unit"] == "percent"):
        code = "facts_phrase_percent" if stated.is_percent else "facts_phrase_not_percent"
        raise err("source_phrase", message("errors", code, text=as_given(stated.text), unit=as_given(cells["unit"])))


def _flags(cells: dict[str, str], err: Callable[[str, str], LedgerError]) -> dict[str, bool]:
    """The true/false columns; only an HSE fact may be on the HSE panel."""
    flags: dict[str, bool] = {}
    for name in ("approx", "hse_panel"):
        text = cells.get(name, "").lower()
        if text not in _BOOLS:
            raise err(name, message("errors", "facts_not_bool", value=as_given(cells[name])))
        flags[name] = _BOOLS[text]
    if flags["hse_panel"] and cells["theme"] != "hse":
        raise err("hse_panel", message("errors", "facts_hse_panel"))
    return flags


def _validate_row(cells: dict[str, str], row: int, path: Path, seen: dict[str, int]) -> dict[str, Any]:
    """Check one data row and return it with typed values."""

    def err(field: str, message: str) -> LedgerError:
        return LedgerError(message, path=path, row=row, field=field)

    for name in REQUIRED_COLUMNS:
        if not cells.get(name, ""):
            raise err(name, message("errors", "ledger_field_empty"))
    _check_codes(cells, err, seen)
    try:
        value = _parse_value(cells["value"])
    except (ValueError, InvalidOperation):
        raise err("value", message("errors", "facts_value", value=as_given(cells["value"]))) from None
    period_text = cells["period"]
    if not re.fullmatch(r"[0-9]{4}", period_text) or not _MIN_YEAR <= int(period_text) <= _MAX_YEAR:
        said = message("errors", "facts_period", period=as_given(period_text), low=_MIN_YEAR, high=_MAX_YEAR)
        raise err("period", said)
    period = int(period_text)
    start, end = period_bounds(period)
    _check_phrase(cells, value, err)
    flags = _flags(cells, err)
    counterpart = cells.get("counterpart", "")
    if counterpart and not _ID_RE.match(counterpart):
        raise err("counterpart", message("errors", "facts_counterpart", name=as_given(counterpart)))
    seen[cells["id"]] = row
    return {
        **{name: cells[name] for name in ("id", "theme", "label_en", "label_fa", "unit", "subject", "scope")},
        "value": value,
        "period": period,
        "period_start": start,
        "period_end": end,
        "source_phrase": cells["source_phrase"],
        "approx": flags["approx"],
        "hse_panel": flags["hse_panel"],
        "counterpart": counterpart,
        "note": cells.get("note", ""),
    }


#: The columns of :func:`load_facts`: the ledger's, with the period's first and last day.
_OUTPUT_COLUMNS = (
    *REQUIRED_COLUMNS[: REQUIRED_COLUMNS.index("period") + 1],
    "period_start",
    "period_end",
    *REQUIRED_COLUMNS[REQUIRED_COLUMNS.index("period") + 1 :],
    *OPTIONAL_COLUMNS,
)
#: The columns of the table :func:`load_facts` returns (what a map's national panel reads).
OUTPUT_COLUMNS = _OUTPUT_COLUMNS


def load_facts(path: str | Path | None = None) -> pd.DataFrame:
    """Load and validate a facts ledger.

    Parameters
    ----------
    path
        A ledger CSV; ``None`` for the shipped one (:func:`default_ledger_path`).

    Returns
    -------
    pandas.DataFrame
        One row per fact, columns ``id, theme, label_en, label_fa, value, unit,
        subject, scope, period, period_start, period_end, source_phrase, approx,
        hse_panel, counterpart, note``. ``value`` is int64 when every value is whole,
        else float64; ``period`` is the Solar Hijri year (int); ``period_start`` and
        ``period_end`` are :class:`datetime.date` (first and last Gregorian day of
        the year, from jdatetime); ``approx`` and ``hse_panel`` are bool.

    Raises
    ------
    LedgerError
        Naming file, 1-based data row and field, for: a missing column or empty
        required field, a duplicate id, a non-numeric value, a unit, theme or scope
        outside the vocabulary, a period that is not a Solar Hijri year, or a
        ``source_phrase`` that does not hold exactly one number equal to ``value``.

    Examples
    --------
    >>> facts = load_facts()
    >>> facts.loc[facts["id"] == "contracts_investment_signed", "value"].item()
    4244
    """
    ledger = check_path(path, "path") or default_ledger_path()
    header, rows = _read_rows(ledger)
    _check_header(header, ledger)
    seen: dict[str, int] = {}
    records = []
    for number, raw in enumerate(rows, start=1):
        if len(raw) != len(header):
            said = message("errors", "facts_fields", count=len(raw), header=len(header))
            raise LedgerError(said, path=ledger, row=number)
        cells = {name: cell.strip() for name, cell in zip(header, raw, strict=True)}
        records.append(_validate_row(cells, number, ledger, seen))
    facts = pd.DataFrame.from_records(records, columns=list(_OUTPUT_COLUMNS))
    whole = all(isinstance(r["value"], int) for r in records)
    facts["value"] = facts["value"].astype("int64" if whole else "float64")
    facts["period"] = facts["period"].astype("int64")
    facts["approx"] = facts["approx"].astype(bool)
    facts["hse_panel"] = facts["hse_panel"].astype(bool)
    return facts


def hse_panel_facts(facts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the facts the map's HSE/infrastructure panel shows, in ledger order.

    Examples
    --------
    >>> "hse_fire_stations_built" in set(hse_panel_facts()["id"])
    True
    """
    facts = load_facts() if facts is None else facts
    return facts[facts["hse_panel"]].reset_index(drop=True)


def _plain(value: Any) -> Any:
    """A JSON/CSV-friendly Python value."""
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def facts_as_records(facts: pd.DataFrame | None = None) -> list[dict[str, Any]]:
    """Return facts as plain dicts (dates as ISO strings, numbers as int/float).

    Examples
    --------
    >>> rec = facts_as_records()[0]
    >>> rec["period_start"], rec["unit"]
    ('2017-03-21', 'count')
    """
    facts = load_facts() if facts is None else facts
    return [{k: _plain(v) for k, v in row.items()} for row in facts.to_dict(orient="records")]


def _value_text(record: dict[str, Any]) -> str:
    value = record["value"]
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.6g}"
    return ("≈" if record.get("approx") else "") + text + (" %" if record["unit"] == "percent" else "")


def facts_table(facts: pd.DataFrame | None = None) -> Any:
    """Return a :class:`rich.table.Table` of the facts (id, theme, value, unit, scope, label).

    Examples
    --------
    >>> facts_table().row_count > 0
    True
    """
    from rich.table import Table

    table = Table(title="Facts: ISIPO results, 1396 SH")
    for name, justify in (
        ("id", "left"),
        ("theme", "left"),
        ("value", "right"),
        ("unit", "left"),
        ("scope", "left"),
        ("label_en", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]  # the literals rich names
    for rec in facts_as_records(facts):
        table.add_row(rec["id"], rec["theme"], _value_text(rec), rec["unit"], rec["scope"], rec["label_en"])
    return table


def _to_csv(records: Iterable[dict[str, Any]]) -> str:
    """The facts as CSV; a cell a spreadsheet would run as a formula gets a leading quote."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(_OUTPUT_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for rec in records:
        writer.writerow({k: str(v).lower() if isinstance(v, bool) else formula_safe(v) for k, v in rec.items()})
    return out.getvalue()


def format_facts(
    facts: pd.DataFrame | None = None, fmt: Literal["table", "json", "csv"] = "table", *, width: int = 160
) -> str:
    """Render facts as text: ``json`` (a list of objects), ``csv`` or a plain ``table``.

    Parameters
    ----------
    facts
        Facts from :func:`load_facts`; ``None`` loads the shipped ledger.
    fmt
        One of :data:`FORMATS`.
    width
        Width of the ``table`` rendering, in characters.

    Raises
    ------
    GeoError
        For an unknown format.

    Examples
    --------
    >>> import json
    >>> json.loads(format_facts(fmt="json"))[0]["id"]
    'exports_consortia_formed'
    """
    facts = load_facts() if facts is None else facts
    records = facts_as_records(facts)
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return _to_csv(records)
    if fmt == "table":
        from rich.console import Console

        console = Console(file=io.StringIO(), width=width, color_system=None)
        console.print(facts_table(facts))
        return console.file.getvalue()  # type: ignore[attr-defined]  # the StringIO given above
    raise GeoError(message("errors", "facts_format", fmt=as_given(fmt), formats=whole(", ".join(FORMATS))))
