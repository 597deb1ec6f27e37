"""Reading an XLSX sheet into cells, checked before and counted while it is read.

Before openpyxl opens the workbook, the zip archive is checked: a part that expands far
beyond what a spreadsheet compresses to is a zip bomb (:func:`geo.registers.limits.check_expansion`),
and the memory the sheets will take is estimated (:func:`geo.registers.limits.check_memory`). Rows
are read as they are stored, whatever the sheet's declared dimension says: a stray cell at
A1048576 or XFD1048576 is one more row or column, not a million. Blank rows are skipped
(as blank lines of a CSV are); a formula cell whose value was never saved (a file written
by a program, not by Excel) is a reason on its row that names the cell.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geo.errors import RegisterError
from geo.i18n import as_given, as_listed, message, whole
from geo.reasons import Reason, RowReasons
from geo.registers.cells import Cells, blank, clip, is_filled
from geo.registers.headers import HEADER_SCAN, drop_repeated_headers, find_header, header_names, header_warnings
from geo.registers.limits import check_columns, check_expansion, check_memory
from geo.registers.vocabulary import header_key

__all__ = ["choose", "read_xlsx", "sheet_cells", "sheet_warnings"]

_FORMULA = (b"<f>", b"<f ", b":f>", b":f ")


def choose(names: list[str], wanted: str, what: str, path: Path) -> str:
    """The sheet or layer ``wanted`` among ``names``: as written, else by :func:`header_key`.

    Raises
    ------
    RegisterError
        No name matches; the message lists them.
    """
    exact = next((n for n in names if n == wanted), None)
    chosen = exact or next((n for n in names if header_key(n) == header_key(wanted)), None)
    if chosen is None:
        said = message("errors", f"xlsx_no_{what}", wanted=as_given(wanted), names=as_listed(names))
        raise RegisterError(said, path=path, field="sheet")
    return chosen


def _check_archive(path: Path) -> None:
    """Refuse a zip bomb and a workbook that will not fit in memory, before opening it."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise RegisterError(message("formats", "cannot_read", name="XLSX", detail=whole(str(exc))), path=path) from exc
    for part in parts:
        check_expansion(part.filename, part.compress_size, part.file_size, path)
    xml = sum(p.file_size for p in parts if p.filename.startswith(("xl/worksheets/", "xl/sharedStrings")))
    check_memory(xml, "xlsx", path, what=message("errors", "limits_measured_xml", mb=xml / (1 << 20)))


def _rows(ws: Any) -> list[tuple[int, list[object]]]:
    """The rows of a read-only sheet that hold anything, with their sheet row numbers (1-based).

    The sheet's declared dimension is ignored (:meth:`reset_dimensions`): rows are as wide
    as their last cell, and the rows missing from the file come back empty and are skipped.
    """
    ws.reset_dimensions()
    out = []
    for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if row and any(is_filled(c) for c in row):
            out.append((number, list(row)))
    return out


def _has_formulas(path: Path) -> bool:
    """Whether any sheet of the workbook holds a formula element (scanned in chunks, not parsed)."""
    with zipfile.ZipFile(path) as archive:
        for part in archive.namelist():
            if not part.startswith("xl/worksheets/"):
                continue
            tail = b""
            with archive.open(part) as fh:
                while chunk := fh.read(1 << 20):
                    if any(tag in tail + chunk for tag in _FORMULA):
                        return True
                    tail = chunk[-8:]
    return False


def _formulas_without_values(
    path: Path, sheet: str, rows: list[tuple[int, list[object]]]
) -> dict[tuple[int, int], str]:
    """(sheet row, column index) → formula text, of formula cells that have no saved value.

    Reads the sheet a second time, for its formulas, only when the workbook holds any.
    """
    from openpyxl import load_workbook

    if not _has_formulas(path):
        return {}
    wb = load_workbook(path, read_only=True, data_only=False)
    try:
        ws = wb[sheet]
        blanks = dict(rows)
        found: dict[tuple[int, int], str] = {}
        ws.reset_dimensions()
        for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
            values = blanks.get(number)
            for k, cell in enumerate(row or ()):
                text = getattr(cell, "text", cell)  # ArrayFormula, DataTableFormula
                if (
                    isinstance(text, str)
                    and text.startswith("=")
                    and (values is None or k >= len(values) or values[k] is None)
                ):
                    found[(number, k)] = text
        return found
    finally:
        wb.close()


def _sheet_rows(path: Path, sheet: str | None, wanted: frozenset[str]) -> tuple[list[str], str, list[Any]]:
    """The workbook's sheet names, the sheet read and its filled rows (with their numbers).

    The sheet read is the one named, else the first whose header names estate columns.
    """
    from openpyxl import load_workbook

    _check_archive(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise RegisterError(message("formats", "cannot_read", name="XLSX", detail=whole(str(exc))), path=path) from exc
    try:
        names = list(wb.sheetnames)
        order = [choose(names, sheet, "sheet", path)] if sheet is not None else names
        best: tuple[int, str] | None = None
        for name in order:
            wb[name].reset_dimensions()
            top = [list(row) for row in wb[name].iter_rows(values_only=True, max_row=HEADER_SCAN + 1)]
            score = find_header(top, wanted)[2] if top else -1
            if best is None or score > best[0]:
                best = (score, name)
        assert best is not None  # a workbook has at least one sheet
        chosen = best[1]
        try:
            rows = _rows(wb[chosen])
        except Exception as exc:  # a broken sheet part
            said = message("errors", "xlsx_sheet_unreadable", sheet=as_given(chosen), detail=whole(str(exc)))
            raise RegisterError(said, path=path) from exc
    finally:
        wb.close()
    return names, chosen, rows


#: Rows up to this wide are taken as they are (their blank columns are dropped later).
_NARROW = 256


def _used_columns(rows: list[list[object]]) -> list[int]:
    """The columns that hold anything in some row.

    Rows come as wide as their last cell, so a sheet wider than :data:`_NARROW` has a cell
    far to the right: only then are cells scanned, and a stray value at XFD1048576 adds one
    column, not 16,384.
    """
    width = max(len(r) for r in rows)
    if width <= _NARROW:
        return list(range(width))
    used: set[int] = set()
    for row in rows:
        used.update(k for k, cell in enumerate(row) if is_filled(cell))
    return sorted(used)


def sheet_warnings(names: list[str], sheet: str | None, chosen: str) -> list[str]:
    """The warning of a workbook of several sheets: which was read, and why."""
    if len(names) <= 1:
        return []
    code = (
        "sheets_named" if sheet is not None else "sheets_first" if chosen == names[0] else "sheets_first_with_columns"
    )
    return [message("warnings", code, count=len(names), names=list(names), chosen=chosen)]


def _formula_reasons(
    path: Path, chosen: str, numbered: list[tuple[int, list[object]]], data: list[int], keep: list[int]
) -> RowReasons:
    """A reason for every data row with a formula cell that has no saved value, naming the cell."""
    from openpyxl.utils import get_column_letter

    reasons = RowReasons(len(data))
    formulas = _formulas_without_values(path, chosen, numbered)
    position = {number: i for i, number in enumerate(data)}
    kept = set(keep)
    for (number, k), text in sorted(formulas.items()):
        if number in position and k in kept:
            cell = f"{get_column_letter(k + 1)}{number}"
            reasons.add_at(np.array([position[number]]), Reason("formula_without_value", cell=cell, formula=clip(text)))
    return reasons


def read_xlsx(path: Path, sheet: str | None, wanted: frozenset[str]) -> Cells:
    """The cells of one sheet: the one named, else the first whose header names estate columns."""
    names, chosen, numbered = _sheet_rows(path, sheet, wanted)
    return sheet_cells(
        path, numbered, wanted, chosen=chosen, warnings=sheet_warnings(names, sheet, chosen),
        formulas=lambda data, keep: _formula_reasons(path, chosen, numbered, data, keep),
    )  # fmt: skip


def sheet_cells(
    path: Path,
    numbered: list[tuple[int, list[object]]],
    wanted: frozenset[str],
    *,
    chosen: str,
    warnings: list[str],
    formulas: Any = None,
) -> Cells:
    """The cells of a sheet's filled rows (with their row numbers): header found, blank columns dropped.

    Shared by every spreadsheet reader (XLSX here, XLS and ODS in :mod:`geo.registers.sheets`);
    ``formulas(data rows, kept columns)`` gives the reasons of formula cells, when a reader sees them.
    """
    if not numbered:
        raise RegisterError(message("formats", "sheet_empty", sheet=chosen), path=path)
    rows = [row for _, row in numbered]
    index, merged, _ = find_header(rows, wanted)
    header = merged if merged is not None else rows[index]
    keep = _used_columns(rows)
    check_columns(len(keep), path)
    header = [header[k] if k < len(header) else None for k in keep]
    columns, dup_warnings = header_names(header)
    body = [[row[k] if k < len(row) else None for k in keep] for row in rows[index + 1 :]]
    frame = pd.DataFrame(body, columns=columns, dtype=object) if body else pd.DataFrame(columns=columns, dtype=object)
    # Columns with neither a header nor a value (Excel's used range): nothing to keep.
    empty = [c for c, h in zip(columns, header, strict=True) if not is_filled(h) and blank(frame[c]).all()]
    frame = frame.drop(columns=empty)
    data = [number for number, _ in numbered[index + 1 :]]
    frame = frame.reset_index(drop=True)
    frame, repeated = drop_repeated_headers(frame, header, "row", data)
    data = [data[i] for i in frame.index]
    frame = frame.reset_index(drop=True)
    reasons = formulas(data, keep) if formulas is not None else None
    warnings = warnings + dup_warnings + repeated
    warnings += header_warnings(index, merged is not None, rows, "row", [number for number, _ in numbered])
    return Cells(frame, warnings=warnings, reasons=reasons)
