"""How the command line shows a long run's stages: names, rows, elapsed time, an estimate.

The library reports stages through a :data:`geo._progress.Progress` callback
(``reading``, ``checking``, ``joining``, ``summing``, ``writing joined.gpkg`` …, each
started with 0 rows done and ended with all of them). :class:`StageDisplay` is that
callback for a terminal — a live line per running stage with its elapsed time and, where
the stage reports its rows as it goes, a bar and an estimate of the time left — and for a
log (stderr not a terminal): one line per finished stage, with its rows, time and rate.
"""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

__all__ = ["StageDisplay"]


class StageDisplay:
    """A :data:`geo._progress.Progress` that shows stages on ``console`` (see the module docstring).

    Parameters
    ----------
    console
        Where to show them (stderr).
    enabled
        Show nothing when False (a small input: its stages take no time worth showing).

    Examples
    --------
    >>> import io
    >>> from rich.console import Console
    >>> out = io.StringIO()
    >>> with StageDisplay(Console(file=out, markup=False), enabled=True) as show:
    ...     show("reading", 0, None)
    ...     show("reading", 1000, 1000)
    >>> out.getvalue().startswith("reading: 1,000 rows in ")
    True
    """

    def __init__(self, console: Console, *, enabled: bool) -> None:
        self.console = console
        self.enabled = enabled
        self.started: dict[str, float] = {}
        self.tasks: dict[str, TaskID] = {}
        self.live: Progress | None = None
        self.begun = time.perf_counter()

    def __enter__(self) -> StageDisplay:
        if self.enabled and self.console.is_terminal:
            self.live = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}", markup=False),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=self.console,
                transient=True,
            )
            self.live.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self.live is not None:
            self.live.stop()

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        """Note that ``stage`` has ``done`` of ``total`` rows done."""
        if not self.enabled:
            return
        now = time.perf_counter()
        if stage not in self.started:  # a stage's first report is its start
            self.started[stage] = now
            if self.live is not None:
                self.tasks[stage] = self.live.add_task(stage, total=total or None)
        elif total is not None and done >= total:
            self._finished(stage, done, now - self.started.pop(stage))
        elif self.live is not None:
            self.live.update(self.tasks[stage], completed=done, total=total or None)

    def _finished(self, stage: str, rows: int, seconds: float) -> None:
        rate = f" ({rows / seconds:,.0f} rows/s)" if seconds > 0 and rows else ""
        line = f"{stage}: {rows:,} rows in {seconds:.2f} s{rate}"
        if self.live is not None:
            self.live.remove_task(self.tasks.pop(stage))
            self.live.console.print(line)
        else:
            self.console.print(line)

    def total_seconds(self) -> float:
        """Seconds since the display was made."""
        return time.perf_counter() - self.begun
