"""Reading a CSV/TSV register: its encoding, its delimiter, and a count of what was read.

A quote opened in a cell and not closed on its line makes a CSV parser read the lines
after it into that one cell, until the next quote character: rows are lost without an
error. After parsing, every cell that spans lines is looked at; when its lines hold as
many delimiters as a row of the file does, they are rows that were swallowed, and the
file is refused with one line naming the row, the column and how many lines were taken
(:func:`check_swallowed_rows`). A quote never closed at all is named the same way.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from geo.errors import RegisterError
from geo.i18n import as_given, message, number_list, whole
from geo.registers.cells import Cells
from geo.registers.headers import HEADER_SCAN, drop_repeated_headers, find_header, header_names, header_warnings
from geo.registers.limits import check_columns
from geo.registers.vocabulary import STRIP

__all__ = ["check_swallowed_rows", "data_offset", "read_delimited"]

#: How much of the start of a text file the header and delimiter are looked for in.
_HEAD_BYTES = 65536
_EOF_IN_STRING = re.compile(r"EOF inside string starting at row (\d+)")


def _decode(data: bytes, path: Path) -> tuple[str, list[str]]:
    """Text of a CSV/TSV file and warnings about its encoding."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError as exc:
            raise RegisterError(message("errors", "utf16_broken", problem=whole(str(exc))), path=path) from exc
    if b"\x00" in data[:_HEAD_BYTES]:
        raise RegisterError(message("errors", "nul_bytes"), path=path)
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    return _decode_mixed(data)


def _decode_mixed(data: bytes) -> tuple[str, list[str]]:
    """Text that is not all UTF-8: line by line, UTF-8 where it can be, else Windows-1256."""
    utf8, legacy, out = [], [], []
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            out.append(line.decode("utf-8"))
            if any(b >= 0x80 for b in line):
                utf8.append(number)
        except UnicodeDecodeError:
            out.append(line.decode("cp1256", errors="replace"))
            legacy.append(number)
    if not utf8:
        return data.decode("cp1256", errors="replace"), []
    lines = number_list(legacy, limit=10)
    return "\n".join(out), [message("warnings", "mixed_encodings", lines=lines)]


def _sniff(
    lines: list[str], sep: str | None, wanted: frozenset[str], path: Path
) -> tuple[str, list[list[str]], int, list[object] | None]:
    """The delimiter whose rows hold the best header, those rows, the header index and merged header."""
    candidates = [sep] if sep is not None else ["\t", ",", ";", "|"]
    found = []
    for order, candidate in enumerate(candidates):
        try:
            rows = [list(r) for r in csv.reader(lines, delimiter=candidate)]
        except csv.Error:
            continue
        index, merged, score = find_header(rows, wanted)
        count = lines[0].count(candidate) if lines else 0
        found.append(((score, count, -order), candidate, rows, index, merged))
    if not found:
        raise RegisterError(message("errors", "not_delimited"), path=path)
    _, best, rows, index, merged = max(found, key=lambda f: f[0])
    if merged is None and index == 0 and best != "\t" and lines and lines[0].count(best) == 0:
        best = ","
    return best, rows, index, merged


def _line_of(text: str, cell: str) -> int | None:
    """The line of ``text`` where a quoted cell beginning with ``cell``'s first line starts."""
    first = cell.split("\n", 1)[0]
    if not first:
        return None
    pos = text.find('"' + first)
    return text.count("\n", 0, pos) + 1 if pos >= 0 else None


def check_swallowed_rows(frame: pd.DataFrame, text: str, sep: str, path: Path) -> None:
    """Refuse a file whose rows were read into one cell through a quote that was not closed.

    A cell spanning lines is legitimate (an address written on two lines); one whose
    inner lines hold as many delimiters as a row has (at least two) is rows swallowed.

    Raises
    ------
    RegisterError
        Naming the data row, the column, the line and how many lines were taken.
    """
    if '"' not in text or len(frame.columns) < 2:
        return
    needed = max(len(frame.columns) - 1, 2)
    for col in frame.columns:
        cells = frame[col]
        if not (pd.api.types.is_object_dtype(cells.dtype) or pd.api.types.is_string_dtype(cells.dtype)):
            continue
        multi = np.flatnonzero(cells.str.contains("\n", regex=False).fillna(False).to_numpy(dtype=bool))
        for i in multi.tolist():
            inner = str(cells.iloc[i]).split("\n")[1:]
            rows = sum(line.count(sep) >= needed for line in inner)
            if rows:
                line = _line_of(text, str(cells.iloc[i]))
                where = message("errors", "delimited_line", line=line) if line else whole("")
                said = {"column": as_given(str(col)), "where": where, "lines": len(inner), "rows": rows}
                raise RegisterError(message("errors", "delimited_quote_late", **said), path=path, row=i + 1)


def _parse(text: str, sep: str, start: int, path: Path) -> pd.DataFrame:
    """The cells of the text from line ``start`` (0-based), all as text."""
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=True,
            skiprows=start or None,
        )
    except (pd.errors.ParserError, ValueError, csv.Error) as exc:
        unclosed = _EOF_IN_STRING.search(str(exc))
        if unclosed:
            line = int(unclosed[1]) + 1 + start
            raise RegisterError(message("errors", "quote_never_closed", line=line), path=path) from exc
        hint = message("errors", "delimited_header_line", line=start + 1) if start else whole("")
        said = message("errors", "delimited_unreadable", hint=hint, problem=whole(str(exc).strip()))
        raise RegisterError(said, path=path) from exc


def _utf8_head(data: bytes) -> str | None:
    """The first 64 KB of a UTF-8 file as text (whole lines), or None when it is not plain UTF-8."""
    head = data[:_HEAD_BYTES]
    if b"\x00" in head or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if len(data) > _HEAD_BYTES:
        head = head[: head.rfind(b"\n") + 1]
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _named(frame: pd.DataFrame, header: Sequence[object], warnings: list[str]) -> pd.DataFrame:
    """``frame`` under its header's names (made unique; a repeated one warned about)."""
    if len(header) == len(frame.columns):
        names, dup_warnings = header_names(header)
        frame.columns = pd.Index(names)
        warnings += dup_warnings
    else:
        frame.columns = pd.Index([str(c).strip(STRIP) for c in frame.columns])
    return frame.reset_index(drop=True)


def _arrow_layout(
    data: bytes, sep: str | None, wanted: frozenset[str], path: Path
) -> tuple[str, list[list[str]], int, list[object] | None, int] | None:
    """Delimiter, first rows, header index, merged header and the byte offset of the data, of a UTF-8 file.

    None when the file is not plain UTF-8 or the lines above the data cannot be counted as
    single lines (a quoted line break above the data).
    """
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    head = _utf8_head(data[bom:])
    if head is None or not head.strip(STRIP):
        return None
    lines = head.splitlines()[: HEADER_SCAN + 1]
    sep, rows, index, merged = _sniff(lines, sep, wanted, path)
    above = head.split("\n")[: index + 1]
    if len(above) <= index or [line.removesuffix("\r") for line in above] != lines[: index + 1]:
        return None
    if len(list(csv.reader(lines[: index + 1], delimiter=sep))) != index + 1:
        return None  # a quoted line break above the data
    return sep, rows, index, merged, bom + sum(len(line.encode("utf-8")) + 1 for line in above)


def data_offset(data: bytes, sep: str | None, wanted: frozenset[str], path: Path) -> int | None:
    """Bytes of a delimited file above its data (title rows, header), from its first 64 KB.

    Those bytes followed by any run of the file's whole data lines read as that part of
    the file (an engine reads a large file so, block by block); None when they cannot be
    told (UTF-16, whose line ends are not single bytes; a quoted line break above the data).
    """
    found = _arrow_layout(data, sep, wanted, path)
    if found is not None:
        return found[-1]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:_HEAD_BYTES]:
        return None
    head = data[:_HEAD_BYTES]
    head = head[: head.rfind(b"\n") + 1] if len(data) > _HEAD_BYTES else head
    text, _ = _decode(head, path)  # Windows-1256, or lines of both: one byte per line end either way
    lines = text.removeprefix("\ufeff").splitlines()[: HEADER_SCAN + 1]
    sep, _, index, _ = _sniff(lines, sep, wanted, path)
    if len(lines) <= index or len(list(csv.reader(lines[: index + 1], delimiter=sep))) != index + 1:
        return None
    offset = 0
    for _ in range(index + 1):
        offset = head.find(b"\n", offset) + 1
        if offset == 0:
            return None
    return offset


def _one_line_each(data: bytes, offset: int, rows: int) -> bool:
    r"""Whether the ``rows`` read from ``data`` below ``offset`` took one line each (so no cell spans lines).

    True when the line feeds there are exactly one per row (none after the last when the
    file does not end with one) and every carriage return is a CRLF's: then no line break
    is inside a cell. Counting bytes takes a few milliseconds for 100 MB, against a
    search of every cell.

    Examples
    --------
    >>> _one_line_each(b"a,b\n1,2\r\n3,4", 4, 2), _one_line_each(b'a,b\n1,"x\ny"\n', 4, 1)
    (True, False)
    """
    feeds = data.count(b"\n", offset)
    returns = data.count(b"\r", offset)
    return feeds == rows - (not data.endswith(b"\n")) and (returns == 0 or returns == data.count(b"\r\n", offset))


def _read_arrow(data: bytes, sep: str | None, wanted: frozenset[str], path: Path) -> Cells | None:
    """The cells of a UTF-8 delimited file read by pyarrow's multithreaded CSV reader.

    Returns None (the file is then read by pandas, whose messages name what is wrong) when
    the file is not plain UTF-8, when the lines above the data cannot be counted as single
    lines, or when pyarrow refuses it (a ragged row, a quote never closed). Cells that span
    lines are checked for swallowed rows as pandas' are.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    found = _arrow_layout(data, sep, wanted, path)
    if found is None:
        return None
    sep, rows, index, merged, offset = found
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    header = merged if merged is not None else rows[index]
    check_columns(len(header), path)
    names = [f"f{k}" for k in range(len(header))]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(data).slice(min(offset, len(data)))),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    spans = not _one_line_each(data, offset, table.num_rows) and any(
        pc.any(pc.match_substring(col, "\n")).as_py() for col in table.columns
    )
    frame = table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow", na_value=np.nan)}.get)
    warnings: list[str] = []
    frame = _named(frame, header, warnings)
    if spans:
        check_swallowed_rows(frame, data[bom:].decode("utf-8"), sep, path)
    warnings += header_warnings(index, merged is not None, rows, "line")
    frame = frame.reset_index(drop=True)
    frame, repeated = drop_repeated_headers(frame, header, "line", range(index + 2, index + 2 + len(frame)))
    return Cells(frame.reset_index(drop=True), warnings=warnings + repeated)


def read_delimited(path: Path, sep: str | None, wanted: frozenset[str], data: bytes | None = None) -> Cells:
    """The cells of a CSV (``sep`` None: sniffed) or TSV file, counted against its lines.

    A plain UTF-8 file is read by pyarrow (:func:`_read_arrow`, a million rows in about a
    second); any other, and any pyarrow refuses, by pandas. ``data``: the file's bytes, or
    a part of it (:func:`data_offset`), when the caller has read them.
    """
    data = path.read_bytes() if data is None else data
    if not data.strip():
        raise RegisterError(message("errors", "file_empty"), path=path)
    fast = _read_arrow(data, sep, wanted, path)
    if fast is not None:
        return fast
    text, warnings = _decode(data, path)
    del data
    if not text.strip(STRIP):
        raise RegisterError(message("errors", "file_empty"), path=path)
    text = text.removeprefix("\ufeff")
    lines = text[:_HEAD_BYTES].splitlines()[: HEADER_SCAN + 1]
    sep, rows, index, merged = _sniff(lines, sep, wanted, path)
    if index < len(rows):
        check_columns(len(rows[index]), path)
    start = index - 1 if merged is not None else index
    frame = _parse(text, sep, start, path)
    header = merged if merged is not None else (rows[index] if index < len(rows) else list(frame.columns))
    if merged is not None:
        frame = frame.iloc[1:]
    frame = _named(frame, header, warnings)
    check_swallowed_rows(frame, text, sep, path)
    warnings += header_warnings(index, merged is not None, rows, "line")
    frame = frame.reset_index(drop=True)
    frame, repeated = drop_repeated_headers(frame, header, "line", range(index + 2, index + 2 + len(frame)))
    return Cells(frame.reset_index(drop=True), warnings=warnings + repeated)
