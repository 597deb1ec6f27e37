"""Writing files safely: a failure leaves any previous file in place."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write_text(path: str | Path, text: str, *, encoding: str = "utf-8", newline: str | None = "") -> Path:
    """Write ``text`` to ``path`` through a temporary file in the same folder.

    The temporary file is moved over ``path`` with :func:`os.replace` only once it is
    complete, so readers see the old file or the new one, never half of one.

    Parameters
    ----------
    path
        The file to write; its folder must exist.
    text
        The whole content.
    encoding, newline
        As for :func:`open` (``""`` writes line endings as they are in ``text``).

    Returns
    -------
    pathlib.Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = atomic_write_text(pathlib.Path(tempfile.mkdtemp()) / "a.txt", "سلام\\n")
    >>> p.read_text(encoding="utf-8")
    'سلام\\n'
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline=newline) as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
