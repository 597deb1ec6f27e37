"""Exception classes of the ``geo`` package.

Every error the package raises on purpose is a :class:`GeoError`, so a caller can
catch them all at once; each subclass says what kind of input was wrong. Messages
name the file, row and field where there is one, so a person can act on them.
"""

from __future__ import annotations

from pathlib import Path, PurePath

__all__ = [
    "GeoError",
    "DataError",
    "NameResolutionError",
    "UnknownNameError",
    "AmbiguousNameError",
    "NumberParseError",
    "LedgerError",
    "RegisterError",
    "LimitError",
    "MapError",
    "MapWriteError",
    "EngineError",
    "SchedulerError",
    "InputTypeError",
    "InputValueError",
    "OutputError",
    "GeoWarning",
    "DataQualityWarning",
    "RegisterWarning",
]


class GeoError(Exception):
    """Base class of every error raised on purpose by ``geo``."""


class DataError(GeoError):
    """A data file (shipped or the user's) is missing, unreadable or malformed.

    Parameters
    ----------
    message
        What is wrong, in words a person can act on.
    path
        The file, if there is one (a :class:`~pathlib.PurePath` that is not a file, such
        as a database table, is kept as given: its text names it).
    row
        The 1-based data row (header excluded), if the problem is in one row.
    field
        The column or field name, if the problem is in one field.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | PurePath | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.path = path if isinstance(path, PurePath) else Path(path) if path is not None else None
        self.row = row
        self.field = field
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.path is not None:
            where.append(str(self.path))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class NameResolutionError(GeoError, LookupError):
    """A province name or code could not be resolved to one ISO 3166-2:IR code.

    ``message_fa`` says the same in Persian (for Persian maps and reports).
    """

    def __init__(
        self, message: str, *, value: object, candidates: tuple[str, ...] = (), message_fa: str | None = None
    ) -> None:
        self.value = value
        self.candidates = candidates
        self.message_fa = message_fa or message
        super().__init__(message)


class UnknownNameError(NameResolutionError):
    """No province is known by this name or code."""


class AmbiguousNameError(NameResolutionError):
    """The name is known but stands for more than one current province (e.g. «خراسان»)."""


class NumberParseError(GeoError, ValueError):
    """Text that should hold a number (digits, Persian number words) does not."""


class LedgerError(DataError):
    """The facts ledger (or a per-province statistics table) fails validation."""


class RegisterError(DataError):
    """A user's estate register cannot be used at all (missing, unreadable, no usable column)."""


class LimitError(RegisterError):
    """A register is beyond a resource limit of :mod:`geo.registers.limits` (memory, columns, expansion).

    The message names the limit, the environment variable that lifts it and, for memory,
    the ``dask`` engine meant for registers that do not fit.
    """


class MapError(GeoError):
    """A map cannot be built from the inputs given (unknown indicator, tiles, language)."""


class InputTypeError(GeoError, TypeError):
    """A function of ``geo`` was given an argument of the wrong type (``geo.join(None)``).

    It is a :class:`TypeError` too, the contract Python callers expect for that mistake.
    """


class InputValueError(GeoError, ValueError):
    """A function of ``geo`` was given an argument of the right type but an unusable value.

    ``coast_km=float("nan")``, for one. It is a :class:`ValueError` too.
    """


class OutputError(DataError):
    """The outputs cannot be written; nothing was changed in the folder.

    The folder is read-only or full, a name there is taken by a folder, or another run is
    writing into it.
    """


class MapWriteError(OutputError, MapError):
    """A map's HTML file cannot be written; any previous file is left in place.

    A read-only or full disk, or a file where a folder should be.

    Both an :class:`OutputError` (the command line's exit 4) and a :class:`MapError`.
    """


class EngineError(GeoError):
    """A join could not be run on its engine (the dask extra missing, a run that lost its workers).

    Nothing that looks complete is written when a run fails: a run's outputs are moved
    into place only once all of them are written.

    Parameters
    ----------
    message
        What failed, in words a person can act on.
    field
        The parameter at fault, if one is (``engine``: not installed; ``scheduler``, ``workers``).
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.message = message
        self.field = field
        super().__init__(message)


class SchedulerError(EngineError):
    """The dask scheduler named cannot be reached, or its address is not one."""


class GeoWarning(UserWarning):
    """Base class of every warning issued by ``geo`` (filter them all with this class)."""


class DataQualityWarning(GeoWarning):
    """A shipped or given table disagrees with itself as printed.

    For example a row that does not add up to its printed total. The numbers are kept as
    printed, never "fixed"; ``issue`` holds the details (:class:`geo.reference._quality.QualityIssue`),
    with both numbers.
    """

    def __init__(self, message: str, *, issue: object = None) -> None:
        self.issue = issue
        super().__init__(message)


class RegisterWarning(GeoWarning):
    """Something about a register file that does not stop it being used.

    A title row skipped, a guessed encoding, several sheets: each is also kept in the
    report's ``warnings``.
    """
