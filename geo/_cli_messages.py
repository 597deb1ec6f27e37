"""How the command line says the library's errors: its parameters named by their options.

Library code never names a command-line option: an error names the parameter in
backquotes (`` `sheet` ``) or as its ``field``; :func:`error_message` says it with the
option (``--sheet``), the file and the row.
"""

from __future__ import annotations

import re

from geo.errors import DataError, GeoError
from geo.i18n import as_given, isolate_options, message

__all__ = ["FLAGS", "cli_text", "error_message"]

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


def _flag(match: re.Match[str]) -> str:
    return FLAGS.get(match[1], match[1])


def cli_text(text: str, lang: str = "en") -> str:
    """A library text (an error, a warning, a reason) as the command line shows it.

    Each parameter in backquotes is named by its option; in Persian each option is then set
    apart for the bidi algorithm (:func:`geo.i18n.isolate_options`), so that it reads as typed.

    Examples
    --------
    >>> cli_text("choose one with `sheet`")
    'choose one with --sheet'
    >>> cli_text("با `sheet` یکی را برگزینید", "fa") == "با \u2068--sheet\u2069 یکی را برگزینید"
    True
    """
    text = _PARAMETER.sub(_flag, text)
    return isolate_options(text) if lang == "fa" else text


def _in(text: object, lang: str) -> str:
    """``text`` in ``lang``: the Persian wording of a bilingual text, else the text."""
    return str(getattr(text, "fa", text)) if lang == "fa" else str(text)


def error_message(exc: GeoError, lang: str = "en") -> str:
    """The error as the command line says it, in ``lang``: library parameters named by their options."""
    if not isinstance(exc, DataError):
        said = exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], str) else str(exc)
        if lang == "fa" and not hasattr(said, "fa"):
            said = getattr(exc, "message_fa", said)  # (a name not resolved says it in Persian too)
        return cli_text(_in(said, lang), lang)
    text = cli_text(_in(exc.message, lang), lang)
    where = [str(exc.path)] if exc.path is not None else []
    if exc.row is not None:
        where.append(_in(message("errors", "cli_row", row=exc.row), lang))
    if exc.field in FLAGS:
        if FLAGS[exc.field] not in text:
            where.append(cli_text(FLAGS[exc.field], lang))
    elif exc.field is not None:
        where.append(_in(message("errors", "cli_field", field=as_given(exc.field)), lang))
    comma = "، " if lang == "fa" else ", "
    return f"{comma.join(where)}: {text}" if where else text
