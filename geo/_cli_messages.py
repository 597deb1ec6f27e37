"""How the command line says the library's errors: its parameters named by their options.

Library code never names a command-line option: an error names the parameter in
backquotes (`` `sheet` ``) or as its ``field``; :func:`error_message` says it with the
option (``--sheet``), the file and the row.
"""

from __future__ import annotations

import re

from geo.errors import DataError, GeoError

__all__ = ["FLAGS", "error_message"]

#: Library parameter (as errors name it, in backquotes or as their field) → its option here.
FLAGS = {
    "by": "--by",
    "county": "--county",
    "crs": "--crs",
    "formats": "--formats",
    "engine": "--engine",
    "id": "--id",
    "lang": "--lang",
    "lat": "--lat",
    "legacy_codes": "--legacy-codes",
    "lon": "--lon",
    "name": "--name",
    "province": "--province",
    "reconcile": "--reconcile",
    "scheduler": "--scheduler",
    "sheet": "--sheet",
    "workers": "--workers",
    "table": "--table",
    "sql": "--sql",
    "to": "--to",
    "replace": "--replace",
}
_PARAMETER = re.compile(r"`(\w+)`")


def error_message(exc: GeoError) -> str:
    """The error as the command line says it: library parameters named by their options."""

    def flag(match: re.Match[str]) -> str:
        return FLAGS.get(match[1], match[1])

    if not isinstance(exc, DataError):
        return _PARAMETER.sub(flag, str(exc))
    text = _PARAMETER.sub(flag, exc.message)
    where = [str(exc.path)] if exc.path is not None else []
    if exc.row is not None:
        where.append(f"row {exc.row}")
    if exc.field in FLAGS:
        if FLAGS[exc.field] not in text:
            where.append(FLAGS[exc.field])
    elif exc.field is not None:
        where.append(f"field {exc.field!r}")
    return f"{', '.join(where)}: {text}" if where else text
