"""Checking the arguments of the public functions before any work.

A wrong type is an :class:`~geo.errors.InputTypeError` (also a ``TypeError``), a right
type with an unusable value an :class:`~geo.errors.InputValueError` (also a
``ValueError``): a caller never gets a built-in exception from deep inside a library for
a mistake in what it passed. Each message names the parameter in backquotes, as library
errors do (the command line names its option instead).
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

from geo.errors import InputTypeError, InputValueError
from geo.i18n import as_given, message, whole

__all__ = ["check_choice", "check_flag", "check_frame", "check_join_args", "check_path", "check_whole"]


def _kind(value: object) -> str:
    return type(value).__name__


def check_path(value: object, name: str) -> Path | None:
    """``value`` as a :class:`~pathlib.Path` (None stays None).

    Examples
    --------
    >>> check_path("a.csv", "path")
    PosixPath('a.csv')
    >>> check_path(1, "path")
    Traceback (most recent call last):
    geo.errors.InputTypeError: `path` is a file path (str or pathlib.Path), not int
    """
    if value is None:
        return None
    if not isinstance(value, (str, os.PathLike)) or isinstance(value, bytes):
        raise InputTypeError(message("errors", "args_path_type", name=name, kind=_kind(value)))
    text = os.fspath(value)
    if not isinstance(text, str) or not text.strip() or "\x00" in text:
        raise InputValueError(message("errors", "args_path_value", name=name, path=as_given(str(text)[:80])))
    return Path(text)


def check_frame(value: object, name: str, what: str) -> Any:
    """``value`` if a pandas DataFrame (or None), else an InputTypeError naming ``what``: ``ledger`` or ``stats``."""
    import pandas as pd

    if value is not None and not isinstance(value, pd.DataFrame):
        raise InputTypeError(message("errors", f"args_frame_{what}", name=name, kind=_kind(value)))
    return value


def check_flag(value: object, name: str) -> bool:
    """``value`` if it is a bool.

    Examples
    --------
    >>> check_flag("yes", "group")
    Traceback (most recent call last):
    geo.errors.InputTypeError: `group` is True or False, not str
    """
    if not isinstance(value, bool):
        raise InputTypeError(message("errors", "args_flag", name=name, kind=_kind(value)))
    return value


def check_whole(value: object, name: str, *, low: int, high: int) -> int:
    """``value`` if it is a whole number from ``low`` to ``high`` (not a bool).

    Examples
    --------
    >>> check_whole(-1, "decimals", low=0, high=20)
    Traceback (most recent call last):
    geo.errors.InputValueError: `decimals` is a whole number from 0 to 20, not -1
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputTypeError(message("errors", "args_whole_type", name=name, kind=_kind(value)))
    if not low <= value <= high:
        raise InputValueError(message("errors", "args_whole_range", name=name, low=low, high=high, value=value))
    return value


def check_choice(value: object, name: str, choices: Collection[str]) -> str:
    """``value`` if it is one of ``choices`` (strings).

    Examples
    --------
    >>> check_choice(["a"], "geometry", ("land", "territorial"))
    Traceback (most recent call last):
    geo.errors.InputTypeError: `geometry` is one of 'land', 'territorial', not list
    """
    listed = ", ".join(map(repr, choices))
    if not isinstance(value, str):
        raise InputTypeError(message("errors", "args_choice_type", name=name, listed=whole(listed), kind=_kind(value)))
    if value not in choices:
        raise InputValueError(
            message("errors", "args_choice_value", name=name, listed=whole(listed), value=as_given(value[:80]))
        )
    return value


def check_join_args(reconcile: object, legacy_codes: object, progress: object, *, by: object, engine: object) -> None:
    """The types of :func:`geo.join`'s parameters beside the register (else an InputTypeError)."""
    import pandas as pd

    check_flag(legacy_codes, "legacy_codes")
    for name, value in (("by", by), ("engine", engine)):
        if value is not None and not isinstance(value, str):
            raise InputTypeError(message("errors", "args_word", name=name, kind=_kind(value)))
    if progress is not None and not callable(progress):
        raise InputTypeError(message("errors", "args_progress", kind=_kind(progress)))
    wrong = isinstance(reconcile, (pd.DataFrame, pd.Series, bytes)) or not isinstance(
        reconcile, (str, Path, Mapping, Iterable)
    )
    if reconcile is not None and wrong:
        raise InputTypeError(message("errors", "args_reconcile_type", kind=_kind(reconcile)))
