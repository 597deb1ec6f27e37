"""A small on-disk cache for results that are slow to make and never change.

Subsetting the embedded font (fontTools) and classifying indicator values (mapclassify,
whose import alone brings in SciPy) take longer than building a whole map. Their results
depend only on their inputs, so they are kept between runs, keyed by a hash of every
input, library version and option that shapes them. A cached result is the same bytes
the computation gives, so maps are byte-identical with or without the cache.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from geo._io import atomic_write_bytes


def cache_dir() -> Path | None:
    """The cache folder: ``GEO_CACHE_DIR``, else ``$XDG_CACHE_HOME/geo``, else ``~/.cache/geo``.

    ``GEO_CACHE_DIR=""`` (empty) turns the cache off.

    Examples
    --------
    >>> import os
    >>> os.environ["GEO_CACHE_DIR"] = ""; cache_dir() is None
    True
    >>> del os.environ["GEO_CACHE_DIR"]
    """
    explicit = os.environ.get("GEO_CACHE_DIR")
    if explicit is not None:
        return Path(explicit) if explicit else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "geo"


def cached(namespace: str, key_parts: tuple[object, ...], compute: Callable[[], bytes]) -> bytes:
    """Return ``compute()``, from the disk cache when an earlier run stored it.

    Parameters
    ----------
    namespace
        A subfolder per kind of result (``fonts``, ``classes``).
    key_parts
        Everything the result depends on; their ``repr`` is hashed.
    compute
        Makes the result when it is not cached. An unwritable cache folder is not an
        error: the result is then simply made again next time.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["GEO_CACHE_DIR"] = tempfile.mkdtemp()
    >>> cached("demo", ("a", 1), lambda: b"made")
    b'made'
    >>> cached("demo", ("a", 1), lambda: b"not called")
    b'made'
    >>> del os.environ["GEO_CACHE_DIR"]
    """
    folder = cache_dir()
    key = hashlib.sha256(repr(key_parts).encode("utf-8")).hexdigest()[:32]
    path = folder / namespace / key if folder is not None else None
    if path is not None and path.is_file():
        return path.read_bytes()
    data = compute()
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(path, data)
        except OSError:
            pass
    return data
