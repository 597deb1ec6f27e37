"""Writing files safely: a failure leaves any previous file in place."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write_text(path: str | Path, text: str, *, encoding: str = "utf-8") -> Path:
    r"""Write ``text`` to ``path`` atomically (see :func:`atomic_write_bytes`).

    Line endings are written as they are in ``text`` (no translation on any platform).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = atomic_write_text(pathlib.Path(tempfile.mkdtemp()) / "a.txt", "سلام\n")
    >>> p.read_text(encoding="utf-8")
    'سلام\n'
    """
    return atomic_write_bytes(path, text.encode(encoding))


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    r"""Write ``data`` to ``path`` through a temporary file in the same folder.

    The temporary file is moved over ``path`` with :func:`os.replace` only once it is
    complete, so readers see the old file or the new one, never half of one; a failure
    leaves any previous file in place.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> atomic_write_bytes(pathlib.Path(tempfile.mkdtemp()) / "b.bin", b"\x00\x01").stat().st_size
    2
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
