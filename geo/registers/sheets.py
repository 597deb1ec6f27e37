"""Reading an Excel 97-2003 (``.xls``) or OpenDocument (``.ods``) sheet into cells.

``.xls`` is read by calamine (python-calamine, the reader pandas uses as
``engine="calamine"``); ``.ods`` by GDAL's ODS driver, with its header guessing and
field typing turned off so that every cell comes as written (calamine refuses the
indented XML that GDAL and other tools write). The rows then go the way an XLSX sheet's
go (:func:`geo.registers.xlsx.sheet_cells`): the header row found, blank columns dropped.
Both archives are checked first: an ODS is a zip (its parts' expansion checked by
:mod:`geo.registers.formats`), and the memory a sheet will take is estimated.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from geo.errors import RegisterError
from geo.i18n import message
from geo.registers.cells import Cells, is_filled
from geo.registers.formats import FORMATS, one_line
from geo.registers.headers import HEADER_SCAN, find_header
from geo.registers.xlsx import choose, sheet_cells, sheet_warnings

__all__ = ["read_ods", "read_xls"]

Rows = list[tuple[int, list[object]]]


def _filled(rows: list[list[object]]) -> Rows:
    """The rows that hold anything, numbered from 1 as the sheet numbers them."""
    return [(i, row) for i, row in enumerate(rows, start=1) if row and any(is_filled(c) for c in row)]


def _pick(
    names: list[str], sheet: str | None, wanted: frozenset[str], rows_of: Callable[[str], Rows], path: Path
) -> str:
    """The sheet named, else the first whose header names the most estate columns."""
    if sheet is not None:
        return choose(names, sheet, "sheet", path)
    best: tuple[int, str] | None = None
    for name in names:
        top = [row for _, row in rows_of(name)[: HEADER_SCAN + 1]]
        score = find_header(top, wanted)[2] if top else -1
        if best is None or score > best[0]:
            best = (score, name)
    return best[1] if best is not None else names[0]


def _cell(value: object) -> object:
    """A calamine cell as the other readers give it: blank as None, a whole float as it is."""
    if value == "":
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def read_xls(path: Path, sheet: str | None, wanted: frozenset[str]) -> Cells:
    """The cells of one sheet of an ``.xls`` workbook (calamine)."""
    from python_calamine import CalamineWorkbook

    name = FORMATS["xls"].name
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = list(workbook.sheet_names)
        cache: dict[str, Rows] = {}

        def rows_of(sheet_name: str) -> Rows:
            if sheet_name not in cache:
                raw = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
                cache[sheet_name] = _filled([[_cell(v) for v in row] for row in raw])
            return cache[sheet_name]

        chosen = _pick(names, sheet, wanted, rows_of, path)
        numbered = rows_of(chosen)
    except RegisterError:
        raise
    except Exception as exc:  # calamine raises CalamineError, ValueError, …
        raise RegisterError(message("formats", "cannot_read", name=name, detail=one_line(exc)), path=path) from exc
    return sheet_cells(path, numbered, wanted, chosen=chosen, warnings=sheet_warnings(names, sheet, chosen))


def _ods_rows(path: Path, layer: str) -> Rows:
    """The rows of one ODS sheet as written (GDAL with header guessing and typing off)."""
    import pyogrio

    frame = pyogrio.read_dataframe(path, layer=layer, read_geometry=False)
    rows = frame.astype(object).where(frame.notna(), None).to_numpy().tolist()
    return _filled(rows)


def read_ods(path: Path, sheet: str | None, wanted: frozenset[str]) -> Cells:
    """The cells of one sheet of an ``.ods`` spreadsheet (GDAL's ODS driver)."""
    import pyogrio

    name = FORMATS["ods"].name
    options = {"OGR_ODS_HEADERS": "DISABLE", "OGR_ODS_FIELD_TYPES": "STRING"}
    previous = {k: pyogrio.get_gdal_config_option(k) for k in options}
    pyogrio.set_gdal_config_options(options)
    try:
        names = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
        cache: dict[str, Rows] = {}

        def rows_of(sheet_name: str) -> Rows:
            if sheet_name not in cache:
                cache[sheet_name] = _ods_rows(path, sheet_name)
            return cache[sheet_name]

        chosen = _pick(names, sheet, wanted, rows_of, path)
        numbered = rows_of(chosen)
    except RegisterError:
        raise
    except Exception as exc:  # pyogrio raises its own classes
        raise RegisterError(message("formats", "cannot_read", name=name, detail=one_line(exc)), path=path) from exc
    finally:
        pyogrio.set_gdal_config_options(previous)
    return sheet_cells(path, numbered, wanted, chosen=chosen, warnings=sheet_warnings(names, sheet, chosen))
