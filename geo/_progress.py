"""Progress reports: named stages with counts, for a progress display to show.

Library code calls a :data:`Progress` callback; only the command line shows it (with the
elapsed time, and an estimate where the total is known).
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Progress", "no_progress"]

#: A progress callback: the stage (``reading``, ``checking``, ``joining``, ``writing
#: joined.gpkg``, ``map`` …), how much of it is done and its total, in rows (the total
#: None when it is not known). A stage starts with ``done == 0`` and ends with
#: ``done == total``.
Progress = Callable[[str, int, int | None], None]


def no_progress(stage: str, done: int, total: int | None) -> None:
    """A :data:`Progress` that shows nothing."""
