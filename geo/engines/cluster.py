"""Where a dask join runs: a client of an existing scheduler, or of a local cluster made for the run.

Without a scheduler address, :func:`client` starts a :class:`distributed.LocalCluster` of
worker processes sized to the machine (one single-threaded worker per core, each with an
equal share of the memory), and closes it afterwards. With one, it connects to that
scheduler (``tcp://host:8786``, or any address distributed accepts) and leaves the
cluster as it was. Nothing is downloaded: the dashboard is served by the installed
``bokeh`` when it is there.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
from collections.abc import Iterator
from typing import Any

from geo.errors import SchedulerError
from geo.i18n import as_given, message, whole

__all__ = ["CONNECT_TIMEOUT", "client", "dashboard_link", "local_workers", "quiet"]

#: Seconds to wait for a scheduler before giving up.
CONNECT_TIMEOUT = 10


def local_workers() -> int:
    """The worker processes of a local cluster: one per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def dashboard_link(client: Any) -> str | None:
    """The dashboard's address, when the scheduler serves one (``bokeh`` installed there)."""
    try:
        info = client.scheduler_info()
    except Exception:  # a scheduler that does not answer has no dashboard to show
        return None
    if not info.get("services", {}).get("dashboard"):
        return None
    return str(client.dashboard_link)


@contextlib.contextmanager
def client(scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A :class:`distributed.Client` for the run, closed (with its local cluster) afterwards.

    Parameters
    ----------
    scheduler
        The address of a running scheduler; None starts a local cluster.
    workers
        Worker processes of the local cluster (default: :func:`local_workers`).

    Raises
    ------
    SchedulerError
        The address is not one, or no scheduler answers there within
        :data:`CONNECT_TIMEOUT` seconds; ``workers`` is given with ``scheduler``.
    """
    from distributed import Client, LocalCluster

    if scheduler is not None and workers is not None:
        raise SchedulerError(message("errors", "workers_with_scheduler"), field="workers")
    if workers is not None and workers < 1:
        raise SchedulerError(message("errors", "workers_too_few", workers=workers), field="workers")
    if scheduler is None:
        n = workers or local_workers()
        with (
            quiet(),
            LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=True,
                dashboard_address=_dashboard(),
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster) as made,
        ):
            yield made
        return
    _check_address(scheduler)
    with quiet():
        try:
            connected = Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, ValueError, TypeError) as exc:
            one_line = " ".join(str(exc).split())
            found = message("errors", "scheduler_unreachable", scheduler=as_given(scheduler), problem=whole(one_line))
            raise SchedulerError(found, field="scheduler") from exc
        with connected:
            yield connected


def _check_address(address: str) -> None:
    """Refuse a TCP/TLS address without a host and port before any connection is tried."""
    from distributed.comm.addressing import get_address_host_port, parse_address

    try:
        if parse_address(address)[0] in ("tcp", "tls"):
            get_address_host_port(address)
    except ValueError as exc:
        raise SchedulerError(
            message("errors", "scheduler_unreachable", scheduler=as_given(address), problem=whole(str(exc))),
            field="scheduler",
        ) from exc


def _dashboard() -> str | None:
    """Where a local cluster serves its dashboard: any free port, when bokeh is installed."""
    return "127.0.0.1:0" if importlib.util.find_spec("bokeh") is not None else None


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Notices of distributed (start-up, shut-down, shuffles) kept off the user's terminal; errors still shown."""
    loggers = [logging.getLogger(name) for name in ("distributed", "tornado", "bokeh")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)
