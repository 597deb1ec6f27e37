"""The command line's two consoles and what it prints on them (see :mod:`geo.cli`).

Rich markup, highlighting and emoji codes are off on both (:data:`_out`, :data:`_err`): a
file named «estates [final].csv» prints as written. Machine-readable output (CSV, JSON) is
written as it is (:func:`_write`).
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from collections.abc import Sequence
from contextlib import suppress
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.text import Text

from geo._cli_messages import cli_text
from geo.errors import GeoWarning

__all__ = ["EXIT_OUTPUT", "EXIT_PROBLEMS", "print_listing", "summary_line"]

#: The exit status for outputs that cannot be written (see :mod:`geo.cli`).
EXIT_OUTPUT = 4
#: The exit status of ``join --strict`` when a row is flagged or rejected.
EXIT_PROBLEMS = 1

# The one text-output path: no console markup, no highlighting, no emoji codes, no wrapping.
_out = Console(markup=False, highlight=False, emoji=False, soft_wrap=True)
_err = Console(stderr=True, markup=False, highlight=False, emoji=False, soft_wrap=True)


def _say(text: Any) -> None:
    """One line (or a rich renderable) for a person, on stdout, never read as markup."""
    _out.print(text)


def _write(text: str) -> None:
    """Machine-readable output (CSV, JSON) on stdout, exactly as given."""
    typer.echo(text, nl=False)


def _stdout_lost(exc: OSError) -> NoReturn:
    """The standard output cannot be written: one line on stderr, exit 4.

    What is still buffered for it is dropped (stdout is pointed at the null device), so that
    Python's own flush at exit does not fail again with a traceback.
    """
    with suppress(OSError, ValueError):  # (ValueError: no file descriptor, a stream in memory)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    _error_line(f"cannot write to the standard output: {exc.strerror or exc}")
    sys.exit(EXIT_OUTPUT)


def _error_line(message: str) -> None:
    """``error: MESSAGE`` on stderr, on one line whatever the message holds."""
    one_line = " ".join(message.split())
    _err.print(Text.assemble(("error:", "bold red"), " ", one_line))


def _warn(caught: list[warnings.WarningMessage]) -> None:
    """Show the warnings caught while a command ran.

    The package's own (e.g. a printed table that does not add up) as ``warning: MESSAGE``
    on stderr, one line each, once; any other as Python would show it.
    """
    seen: set[str] = set()
    for w in caught:
        text = cli_text(" ".join(str(w.message).split()))
        if not issubclass(w.category, GeoWarning):
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)
        elif text not in seen:
            seen.add(text)
            _err.print(Text.assemble(("warning:", "yellow"), " ", text))


def print_listing(frame: Any, fmt: str, columns: dict[str, str], title: str | None = None) -> None:
    """Print ``frame[columns]`` as a table, CSV or JSON (``columns``: column → table heading).

    The table is for reading (numbers with separators); CSV and JSON keep the values as
    they are, with the column names as keys.
    """
    frame = frame[list(columns)]
    if fmt == "csv":
        _write(frame.to_csv(index=False, lineterminator="\n"))
    elif fmt == "json":
        _write(json.dumps(frame.to_dict(orient="records"), ensure_ascii=False, indent=2) + "\n")
    else:
        from rich.table import Table

        table = Table(*columns.values(), title=title)
        for row in frame.itertuples(index=False):
            table.add_row(*(f"{v:,.0f}" if isinstance(v, float) else str(v) for v in row))
        _say(table)


def _warn_register(texts: Sequence[str], lang: str) -> None:
    """The register's warnings on stderr, one line each, in Persian with ``--lang fa`` (options named as such)."""
    from geo.i18n import message

    words = message("warnings", "label")
    label = words.fa if lang == "fa" else words.en
    for text in texts:
        line = getattr(text, "fa", text) if lang == "fa" else str(text)
        _err.print(Text.assemble((label, "yellow"), " ", cli_text(" ".join(str(line).split()), lang)))


def summary_line(s: dict[str, Any], out: Any, strict: bool) -> None:
    """The counts of a join on one line; exit 1 with ``--strict`` when a row is flagged or rejected."""
    _say(
        f"rows in {s['rows_in']}: joined {s['rows_joined']}, flagged {s['rows_flagged']},"
        f" rejected {s['rows_rejected']}; wrote {out}"
    )
    if strict and (s["rows_flagged"] or s["rows_rejected"]):
        raise typer.Exit(code=EXIT_PROBLEMS)
