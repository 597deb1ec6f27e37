"""``geo join --watch``: the register joined again each time its file changes, in one process.

A register is fixed by hand, a few rows at a time, and joined again after each save. A new
process spends most of a small register's run importing libraries and reading the
boundaries; a watching process keeps them (with the spatial indexes, the name tables and
the map's cached parts) between runs, so that each later run costs only that register's
work. Each run writes the output set as a whole, as any run does: the folder holds the
previous run's files until the next one is complete.

The file is looked at every :data:`POLL` seconds (its size and modification time, from
``os.stat``: no file-system events, which differ between systems and network shares); a
change is joined once the file has held still for one more look (an editor may write a
file in steps). A run that fails (the file saved half-way, a cell that stops the read)
says why in one line and the watch goes on; Ctrl-C ends it (exit 130).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import typer

__all__ = ["POLL", "FileState", "file_state", "watch"]

#: Seconds between two looks at the watched file.
POLL = 0.1


@dataclass(frozen=True)
class FileState:
    """What tells a file's versions apart: its size and modification time (ns)."""

    size: int
    mtime_ns: int


def file_state(path: Path) -> FileState | None:
    """The file's :class:`FileState`, or None while it cannot be read (being replaced, removed).

    Examples
    --------
    >>> file_state(Path("no such register.csv")) is None
    True
    """
    try:
        found = os.stat(path)
    except OSError:
        return None
    return FileState(size=found.st_size, mtime_ns=found.st_mtime_ns)


def _once(run: Callable[[], None]) -> None:
    """One run; its failure (already said in one line) does not end the watch."""
    with contextlib.suppress(typer.Exit):
        run()


def watch(path: Path, run: Callable[[], None], *, say: Callable[[str], None], poll: float = POLL) -> None:
    """Run ``run`` now, then again each time ``path`` changes and holds still, until interrupted.

    Parameters
    ----------
    path
        The register file.
    run
        One join and its output set (it says its own summary or error line).
    say
        Where the watch's own line goes (the command line's standard output).
    poll
        Seconds between two looks at the file.
    """
    last = file_state(path)
    _once(run)
    say(f"watching {path}: joined again when it changes (Ctrl-C to stop)")
    while True:
        time.sleep(poll)
        now = file_state(path)
        if now is None or now == last:
            continue
        time.sleep(poll)
        if file_state(path) != now:  # still being written: looked at again next time
            continue
        last = now
        _once(run)
