"""Writing files safely: a failure leaves any previous file in place.

And no CSV cell the package writes runs as a formula in a spreadsheet (:func:`formula_safe`).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["FORMULA_START", "atomic_write_bytes", "atomic_write_text", "formula_safe", "formula_safe_frame"]

#: How a text cell starts that Excel, LibreOffice or Google Sheets would run as a formula
#: (OWASP "CSV injection"): such a cell is written with a single quote in front.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs as a formula: risky text gets a leading ``'``.

    Numbers and other values pass as they are (``-5`` as a number is data, not a formula).

    Examples
    --------
    >>> formula_safe("=HYPERLINK(1)"), formula_safe("@SUM(A1)"), formula_safe(-5), formula_safe("ok")
    ("'=HYPERLINK(1)", "'@SUM(A1)", -5, 'ok')
    """
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def formula_safe_frame(frame: Any) -> Any:
    """A copy of a DataFrame with :func:`formula_safe` applied to its headers and text cells."""
    import pandas as pd

    out = frame.copy()
    out.columns = pd.Index([formula_safe(c) for c in out.columns])
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            s = out[col].astype(object)
            risky = s.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_START)).astype(bool)
            if risky.any():
                out[col] = s.where(~risky, "'" + s[risky].astype(str))
    return out


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
