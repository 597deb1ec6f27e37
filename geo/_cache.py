"""A small on-disk cache for results that are slow to make and never change.

Subsetting the embedded font (fontTools) and classifying indicator values (mapclassify,
whose import alone brings in SciPy) take longer than building a whole map. Their results
depend only on their inputs, so they are kept between runs, keyed by a hash of every
input, library version and option that shapes them. A cached result is the same bytes
the computation gives, so maps are byte-identical with or without the cache.

Each entry is stored with a header and a SHA-256 digest of its content. An entry that
does not check out (cut short by a full disk, overwritten, from another version of the
format) is discarded and made again: the cache heals itself and never hands back
damaged bytes.

Entries that every machine makes alike on its first ``geo build`` (the default maps'
classes, palettes, simplified coverages, county shapes and block; not the font subsets,
made from a third-party package) are shipped with the
package as seeds (``data/cache/``, made by ``tools/seed_cache.py`` and described in its
README): a miss in the user's cache is looked up there before anything is computed, and
a seed found is stored in the user's cache as a computed entry would be.
Their keys hold every input and library version, so a seed made from other data or
versions is simply never found; a damaged seed is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from geo._io import atomic_write_bytes
from geo._paths import DISTRIBUTION, data_dir

#: Header of every entry: format tag, then the SHA-256 digest of the content.
_MAGIC = b"geo-cache-1\n"
_DIGEST_SIZE = hashlib.sha256().digest_size


def cache_dir() -> Path | None:
    r"""The cache folder: ``$GEO_CACHE_DIR``, else the platform's per-user cache folder.

    The default comes from :func:`platformdirs.user_cache_dir` (``~/.cache/iran-estates``
    on Linux, honouring ``$XDG_CACHE_HOME``; ``~/Library/Caches/iran-estates`` on macOS;
    ``%LOCALAPPDATA%\iran-estates\Cache`` on Windows). ``GEO_CACHE_DIR=""`` (empty)
    turns the cache off.

    Examples
    --------
    >>> import os
    >>> os.environ["GEO_CACHE_DIR"] = ""; cache_dir() is None
    True
    >>> os.environ["GEO_CACHE_DIR"] = "/tmp/c"; cache_dir()
    PosixPath('/tmp/c')
    >>> del os.environ["GEO_CACHE_DIR"]
    """
    explicit = os.environ.get("GEO_CACHE_DIR")
    if explicit is not None:
        return Path(explicit) if explicit else None
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(DISTRIBUTION, appauthor=False))


def _read_entry(path: Path, *, discard: bool = True) -> bytes | None:
    """The content of a sound entry, or None (and the entry removed, if ``discard``) when it is damaged."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None  # missing, a folder in its place, unreadable: simply a miss
    head = len(_MAGIC) + _DIGEST_SIZE
    if raw[: len(_MAGIC)] == _MAGIC and len(raw) >= head:
        data = raw[head:]
        if hashlib.sha256(data).digest() == raw[len(_MAGIC) : head]:
            return data
    if discard:  # the rebuilt entry replaces it, or the cache is read-only: still no harm
        with contextlib.suppress(OSError):
            path.unlink()
    return None


def seed_dir() -> Path:
    """The shipped seeds of the cache (``data/cache``; see the module docstring)."""
    return data_dir() / "cache"


def entry_name(key_parts: tuple[object, ...]) -> str:
    """The file name of the entry of ``key_parts`` (in its namespace's folder)."""
    return hashlib.sha256(repr(key_parts).encode("utf-8")).hexdigest()[:32]


def cached(namespace: str, key_parts: tuple[object, ...], compute: Callable[[], bytes]) -> bytes:
    """Return ``compute()``, from the disk cache when an earlier run stored it.

    Parameters
    ----------
    namespace
        A subfolder per kind of result (``fonts``, ``classes``).
    key_parts
        Everything the result depends on; their ``repr`` is hashed.
    compute
        Makes the result when it is not cached or its entry is damaged. An unwritable
        cache folder is not an error: the result is then simply made again next time.

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
    key = entry_name(key_parts)
    path = folder / namespace / key if folder is not None else None
    data = None
    if path is not None:
        data = _read_entry(path)
        if data is not None:
            return data
        # a shipped seed (never with the cache off: then all is made), kept in the user's cache
        data = _read_entry(seed_dir() / namespace / key, discard=False)
    if data is None:
        data = compute()
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(path, _MAGIC + hashlib.sha256(data).digest() + data)
        except OSError:
            pass
    return data
