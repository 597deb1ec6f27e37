"""The register template: an Excel workbook to fill in, which ``geo join`` reads back as it is.

Its columns are declared in ``data/registers/template.csv`` (key, kind, Persian and English
header, what to enter, and the published figure the column adds up to: a fact id of the
facts ledger or an indicator of the yearbook tables). :func:`write_template` writes:

- the data sheet: each header in the workbook's language with the other in parentheses
  («استان (province)»), so that the reader finds every column by either; Excel data
  validation on :data:`TEMPLATE_ROWS` rows: the province from a drop-down of the 31
  provinces, the county from a drop-down of the counties of the province chosen on its
  row (a suggestion, not a check: any spelling the join resolves may be typed), yes/no
  from a drop-down, hectares and counts as numbers of 0 or more,
  latitude and longitude within Iran's range (the shipped polygons' bounds, rounded out);
- the guide sheet: what to enter in each column, what it may hold, and the figure it adds
  up to, with its value, period and source taken from the ledger or the yearbook's
  indicators file (never typed here); then the 31 provinces the drop-down lists;
- the counties sheet: every county of ``data/counties/`` with its province, grouped by
  province, which the county drop-down lists.

Columns headed as in the template are compared with their figure by :func:`geo.join`
without being asked (:func:`template_references`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from geo._args import check_path
from geo._io import atomic_write_bytes
from geo._paths import data_dir
from geo.errors import DataError, InputTypeError, OutputError
from geo.i18n import as_given, check_lang, message, render, whole
from geo.registers.vocabulary import header_key, without_parens

__all__ = ["TEMPLATE_ROWS", "TemplateColumn", "template_columns", "template_references", "write_template"]

#: Rows of the data sheet that carry the drop-downs and checks.
TEMPLATE_ROWS = 5000
_KINDS = ("id", "text", "province", "county", "lat", "lon", "hectares", "count", "yesno")
#: The kinds with their own sentence of allowed values (``allowed.<kind>`` in ``data/i18n/template.csv``).
_ALLOWED = ("province", "county", "hectares", "count")


@dataclass(frozen=True)
class TemplateColumn:
    """One column of the template (a row of ``data/registers/template.csv``)."""

    key: str
    kind: str
    header_fa: str
    header_en: str
    help_fa: str
    help_en: str
    reference: str

    def header(self, lang: str) -> str:
        """The header as written in a workbook in ``lang``: its own words, the other language's in parentheses."""
        first, second = (self.header_fa, self.header_en) if lang == "fa" else (self.header_en, self.header_fa)
        return f"{first} ({second})"


@lru_cache(maxsize=1)
def template_columns() -> tuple[TemplateColumn, ...]:
    """The template's columns, in order (read once).

    Raises
    ------
    DataError
        An unknown kind, or a reference that is neither a ledger fact nor a yearbook indicator.
    """
    from geo.reference.facts import load_facts
    from geo.reference.stats import indicator_ids

    path = data_dir() / "registers" / "template.csv"
    known = set(load_facts()["id"]) | indicator_ids()
    with path.open(encoding="utf-8", newline="") as fh:
        columns = tuple(TemplateColumn(**rec) for rec in csv.DictReader(fh))
    for i, col in enumerate(columns, start=1):
        if col.kind not in _KINDS:
            raise DataError(message("errors", "template_kind", kind=as_given(col.kind)), path=path, row=i, field="kind")
        if col.reference and col.reference not in known:
            said = message("errors", "template_reference", reference=as_given(col.reference))
            raise DataError(said, path=path, row=i, field="reference")
    return columns


def template_references(headers: Iterable[str]) -> dict[str, str]:
    """Header → reference, for the ``headers`` that are a template column's with a figure.

    A header matches in either language, with or without the other in parentheses.

    Examples
    --------
    >>> template_references(["استان (province)", "fire station built in 1396", "notes"])
    {'fire station built in 1396': 'hse_fire_stations_built'}
    """
    keys: dict[str, str] = {}
    for col in template_columns():
        if col.reference:
            keys[header_key(col.header_fa)] = keys[header_key(col.header_en)] = col.reference
    found = {}
    for header in headers:
        ref = keys.get(header_key(without_parens(header))) or keys.get(header_key(header))
        if ref is not None:
            found[str(header)] = ref
    return found


def _text(code: str, lang: str, **fields: Any) -> str:
    en, fa = render("template", code, fields)
    return " ".join((fa if lang == "fa" else en).split())


def _bounds() -> dict[str, tuple[float, float]]:
    """Latitude and longitude ranges: the shipped provinces' bounds, rounded out to half degrees."""
    import math

    from geo.reference.provinces import load_provinces

    x0, y0, x1, y1 = load_provinces().total_bounds
    out = [math.floor(v * 2) / 2 if k < 2 else math.ceil(v * 2) / 2 for k, v in enumerate((y0, x0, y1, x1))]
    return {"lat": (out[0], out[2]), "lon": (out[1], out[3])}


def _allowed(col: TemplateColumn, lang: str, bounds: dict[str, tuple[float, float]]) -> str:
    if col.kind in ("lat", "lon"):
        low, high = bounds[col.kind]
        return _text("allowed.range", lang, low=low, high=high)
    if col.kind == "yesno":
        return _text("allowed.yesno", lang, yes=_text("yes", lang), no=_text("no", lang))
    return _text(f"allowed.{col.kind}" if col.kind in _ALLOWED else "allowed.text", lang)


def _figure(reference: str, lang: str) -> str:
    """The published figure a column adds up to, from the ledger or the yearbook indicators."""
    from geo.reference.facts import load_facts
    from geo.reference.stats import load_indicators

    if not reference:
        return ""
    facts = load_facts().set_index("id")
    if reference in facts.index:
        fact = facts.loc[reference]
        unit = render("map", f"unit.{fact['unit']}", {})[1 if lang == "fa" else 0]  # the units' words
        return _text(
            "figure.ledger", lang, label=fact[f"label_{lang}"], value=int(fact["value"]), unit=unit,
            period=int(fact["period"]), phrase=fact["source_phrase"],
        )  # fmt: skip
    ind = load_indicators().loc[reference]
    return _text(
        "figure.yearbook", lang, label=ind[f"label_{lang}"], value=int(ind["national_total"]),
        unit=ind[f"unit_{lang}"], year=int(ind["year_sh"]), source=ind[f"source_{lang}"],
    )  # fmt: skip


def _validation(col: TemplateColumn, lang: str, bounds: dict[str, tuple[float, float]], lists: _Lists) -> Any:
    """The Excel data validation of a column, or None for free text."""
    from openpyxl.worksheet.datavalidation import DataValidation

    if col.kind == "province":
        rule = DataValidation(type="list", formula1=lists.provinces, allow_blank=True)
    elif col.kind == "county":
        rule = DataValidation(type="list", formula1=lists.counties, allow_blank=True)
    elif col.kind == "yesno":
        rule = DataValidation(type="list", formula1=f'"{_text("yes", lang)},{_text("no", lang)}"', allow_blank=True)
    elif col.kind in ("lat", "lon"):
        low, high = bounds[col.kind]
        rule = DataValidation(type="decimal", operator="between", formula1=str(low), formula2=str(high))
    elif col.kind in ("hectares", "count"):
        kind = "decimal" if col.kind == "hectares" else "whole"
        rule = DataValidation(type=kind, operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    else:
        return None
    rule.error = rule.prompt = _text("check.prompt", lang, allowed=_allowed(col, lang, bounds))
    rule.errorTitle = _text("check.title", lang)
    rule.showErrorMessage = rule.showInputMessage = True
    rule.showErrorMessage = col.kind != "county"  # the county list suggests; the join checks
    return rule


@dataclass(frozen=True)
class _Lists:
    """The sources of the drop-downs, as Excel formulas."""

    provinces: str
    counties: str


def _data_sheet(ws: Any, lang: str, bounds: dict[str, tuple[float, float]], lists: _Lists) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws.sheet_view.rightToLeft = lang == "fa"
    for k, col in enumerate(template_columns(), start=1):
        cell = ws.cell(row=1, column=k, value=col.header(lang))
        cell.font = Font(bold=True)
        letter = get_column_letter(k)
        ws.column_dimensions[letter].width = max(14, min(48, len(col.header(lang)) + 2))
        rule = _validation(col, lang, bounds, lists)
        if rule is not None:
            rule.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            ws.add_data_validation(rule)
    ws.freeze_panes = "A2"


def _guide_sheet(ws: Any, lang: str, bounds: dict[str, tuple[float, float]], file: str) -> str:
    """Fill the guide; return the cell range of its list of provinces (for the drop-down)."""
    from openpyxl.styles import Alignment, Font

    from geo.reference.provinces import load_provinces

    ws.sheet_view.rightToLeft = lang == "fa"
    ws.append([_text("guide.title", lang)])
    ws.append([_text("guide.note", lang, file=file)])
    ws.append([])
    heads = ("guide.column", "guide.what", "guide.allowed", "guide.figure", "guide.reference")
    ws.append([_text(h, lang) for h in heads])
    for col in template_columns():
        help_text = col.help_fa if lang == "fa" else col.help_en
        ws.append(
            [col.header(lang), help_text, _allowed(col, lang, bounds), _figure(col.reference, lang), col.reference]
        )
    for row in (1, 4):
        for cell in ws[row]:
            cell.font = Font(bold=True)
    for letter, width in zip("ABCDE", (40, 50, 30, 90, 36), strict=True):
        ws.column_dimensions[letter].width = width
        for cell in ws[letter]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.append([])
    ws.append([_text("guide.provinces", lang)])
    first = ws.max_row + 1
    names = load_provinces().sort_values("code")[f"name_{lang}"].tolist()
    for name in names:
        ws.append([name])
    return f"{_quoted(ws.title)}!$A${first}:$A${first + len(names) - 1}"


def _counties_sheet(ws: Any, lang: str, province_column: str) -> str:
    """List every county beside its province, grouped by province; return the county drop-down's formula.

    The formula is relative to row 2 of the data sheet: the block of rows whose province is the
    one chosen on the same row (``OFFSET`` over ``MATCH`` and ``COUNTIF``, which Excel and
    LibreOffice evaluate in a list validation).
    """
    from openpyxl.styles import Font

    from geo.reference.counties import county_table
    from geo.reference.provinces import load_provinces

    ws.sheet_view.rightToLeft = lang == "fa"
    ws.append([_text("counties.province", lang), _text("counties.county", lang)])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    province = load_provinces()[f"name_{lang}"]
    table = county_table()
    # a county OpenStreetMap names in Persian only is listed by its Persian name in English too
    short = table["name_fa_short"]
    names = short if lang == "fa" else table["name_en"].where(table["name_en"] != "", short)
    table = table.assign(_province=table["province"].map(province), _name=names).sort_values(["_province", "_name"])
    for prov, name in zip(table["_province"].tolist(), table["_name"].tolist(), strict=True):
        ws.append([prov, name])
    ws.column_dimensions["A"].width = ws.column_dimensions["B"].width = 30
    sheet, last = _quoted(ws.title), len(table) + 1
    column = f"{sheet}!$A$2:$A${last}"
    chosen = f"${province_column}2"
    return f"OFFSET({sheet}!$B$2,MATCH({chosen},{column},0)-1,0,COUNTIF({column},{chosen}),1)"


def _quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def write_template(path: str | Path, *, lang: str = "fa") -> Path:
    """Write the register template workbook (see the module docstring), atomically.

    Parameters
    ----------
    path
        The ``.xlsx`` file to write.
    lang
        ``"fa"`` (right-to-left sheets, Persian headers first) or ``"en"``.

    Returns
    -------
    pathlib.Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from openpyxl import load_workbook
    >>> out = write_template(pathlib.Path(tempfile.mkdtemp()) / "estates.xlsx", lang="en")
    >>> load_workbook(out).sheetnames
    ['estates', 'guide', 'counties']
    """
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.utils import get_column_letter

    check_lang(lang)
    checked = check_path(path, "path")
    if checked is None:
        raise InputTypeError(message("errors", "template_path_none"))
    path = checked
    bounds = _bounds()
    wb = Workbook()
    data = wb.active
    data.title = _text("sheet.data", lang)
    guide = wb.create_sheet(_text("sheet.guide", lang))
    counties = wb.create_sheet(_text("sheet.counties", lang))
    keys = [col.kind for col in template_columns()]
    province_column = get_column_letter(keys.index("province") + 1)
    shown = ILLEGAL_CHARACTERS_RE.sub("", path.name)  # (a control character in the name: not in a cell)
    lists = _Lists(_guide_sheet(guide, lang, bounds, shown), _counties_sheet(counties, lang, province_column))
    _data_sheet(data, lang, bounds, lists)
    buffer = io.BytesIO()
    wb.save(buffer)
    try:
        return atomic_write_bytes(path, buffer.getvalue())
    except OSError as exc:
        raise OutputError(
            message("errors", "template_cannot_write", problem=whole(str(exc.strerror or exc))), path=path
        ) from exc
