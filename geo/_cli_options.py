"""The command line's option types: choices with a "did you mean", and how a user's value is quoted."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

import typer

__all__ = [
    "BY_CHOICES",
    "ENGINE_CHOICES",
    "FORMAT_CHOICES",
    "LANG_CHOICES",
    "LEVEL_CHOICES",
    "choice_option",
    "dask_usage",
    "format_option",
    "not_one_of",
    "quote",
]

#: Choices of the enumerated options (tests check them against the library's own lists).
LANG_CHOICES = ("fa", "en")
BY_CHOICES = ("attribute", "location", "both")
FORMAT_CHOICES = ("table", "csv", "json")
#: Where ``join`` runs: this process, or a dask cluster.
ENGINE_CHOICES = ("memory", "dask")
#: The finest level a map's reader can switch to.
LEVEL_CHOICES = ("county", "province")


def quote(value: str, limit: int = 60) -> str:
    """A user's value for a message: repr (escapes control characters), shortened."""
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


def not_one_of(value: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(value.lower(), choices, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"{quote(value)} is not one of {', '.join(choices)}{hint}"


def choice_option(default: str | None, *decls: str, choices: Sequence[str], help: str) -> Any:  # noqa: A002
    """A typer option limited to ``choices``, with a "did you mean" suggestion.

    Listed in --help, completed by the shell, upper or lower case both accepted. ``help``
    keeps typer's own parameter name.

    Examples
    --------
    >>> option = choice_option("fa", "--lang", choices=LANG_CHOICES, help="Language.")
    >>> option.metavar
    '[fa|en]'
    """

    def check(value: str | None) -> str | None:
        if value is None or value in choices:
            return value
        if value.lower() in choices:
            return value.lower()
        raise typer.BadParameter(not_one_of(value, choices))

    def complete(incomplete: str) -> list[str]:
        return [c for c in choices if c.startswith(incomplete)]

    return typer.Option(
        default, *decls, metavar=f"[{'|'.join(choices)}]", callback=check, autocompletion=complete, help=help
    )


def format_option() -> Any:
    """``--format/-f table|csv|json``, shared by the listing commands."""
    return choice_option(
        "table", "--format", "-f", choices=FORMAT_CHOICES, help="table (to read), csv or json (for other programs)."
    )


def dask_usage(engine: str, scheduler: str | None, workers: int | None) -> str | None:
    """What is wrong with ``--engine``, ``--scheduler`` and ``--workers`` together (None: nothing).

    Examples
    --------
    >>> dask_usage("memory", "tcp://h:8786", None)
    '--scheduler and --workers go with --engine dask'
    >>> dask_usage("dask", None, 2) is None
    True
    """
    if engine != "dask":
        return "--scheduler and --workers go with --engine dask"
    if scheduler is not None and workers is not None:
        return "--workers sizes a local cluster; a --scheduler has its own workers"
    return None
