"""``geo join --engine dask`` as the command line runs it: a client, the dashboard's link, the join.

Kept apart from :mod:`geo.cli` so that the command line imports dask only when the dask
engine is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from geo._progress import Progress
from geo.engines.result import DaskJoinResult

__all__ = ["run"]


def run(
    register: Path,
    out: Path,
    options: Mapping[str, Any],
    *,
    scheduler: str | None,
    workers: int | None,
    progress: Progress,
    notice: Callable[[str], None],
) -> DaskJoinResult:
    """Join ``register`` into ``out`` with ``options`` on ``scheduler``, else a local cluster of ``workers``.

    ``notice`` is given the dashboard's address, when the cluster serves one.

    Raises
    ------
    RegisterError
        The register cannot be used.
    EngineError
        The extra is not installed, or the cluster failed; :class:`~geo.errors.SchedulerError`
        when the scheduler cannot be reached.
    """
    from geo.engines.dask import join, require_extra
    from geo.registers.readers import file_format

    require_extra()
    if not register.is_dir():
        file_format(register)  # a missing, empty or unknown file: refused before a cluster starts
    from geo.engines.cluster import client, dashboard_link

    with client(scheduler, workers) as connected:
        if link := dashboard_link(connected):
            notice(f"dask dashboard: {link}")
        return join(register, client=connected, out=out, progress=progress, **options)
