"""Where the package finds its shipped reference data."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent

#: The name the package is installed under (``pip install iran-estates``); it imports as ``geo``.
DISTRIBUTION = "iran-estates"


def data_dir() -> Path:
    """Return the folder of shipped reference data.

    In a wheel the data sits inside the package (``geo/_data``); in a source checkout
    or an editable install it is the repository's ``data/`` folder.
    """
    packaged = _HERE / "_data"
    if packaged.is_dir():
        return packaged
    return _HERE.parent / "data"
