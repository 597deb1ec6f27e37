"""The example files shipped with geo, found wherever the package is installed.

In a wheel they sit inside the package (``geo/_data/examples/``); in a source checkout
they are the repository's ``data/examples/``. Each is described in that folder's README.
"""

from __future__ import annotations

from pathlib import Path

from geo._paths import data_dir
from geo.errors import GeoError, InputTypeError
from geo.i18n import as_given, message, whole

__all__ = ["example_path"]


def _examples() -> dict[str, Path]:
    folder = data_dir() / "examples"
    return {p.name: p for p in sorted(folder.iterdir()) if p.is_file() and p.name != "README.md"}


def example_path(name: str = "estates_example.csv") -> Path:
    """The path of a shipped example file, by its name.

    Parameters
    ----------
    name
        The file's name; the default is the example register (an invented, messy estate
        register for trying :func:`geo.read_register` and :func:`geo.join`).

    Returns
    -------
    pathlib.Path
        An existing file inside the installed package.

    Raises
    ------
    GeoError
        For a name that is not a shipped example; the message lists those there are.

    Examples
    --------
    >>> import geo
    >>> path = geo.example_path()
    >>> path.name, path.is_file()
    ('estates_example.csv', True)
    >>> len(geo.join(path).estates)
    40
    """
    examples = _examples()
    if not isinstance(name, str):
        raise InputTypeError(message("errors", "examples_name_type", kind=type(name).__name__))
    if name not in examples:
        raise GeoError(message("errors", "examples_unknown", name=as_given(name), examples=whole(", ".join(examples))))
    return examples[name]
