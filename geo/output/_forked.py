"""One file of an output set written by a forked copy of this process, beside the others.

``map.html`` of a small or middling register is about a third of the output phase (at
10^4 rows: the map 0.32 s, the GeoPackage, CSV and GeoJSON 0.26 s; ``python -m bench
e2e``), and both are Python holding its lock, so no thread can overlap them. A fork can:
the copy has the join's result already in memory (nothing is sent or read again), builds
the map on the second core and exits; this process goes on with the other files. Above
:data:`geo.output._gpkg_process.APART_ROWS` rows the second core is the GeoPackage's, and
the map stays here.

A fork is only a way of going faster, never another outcome:

- the copy writes the same bytes as this process would (the same code on the same data);
- if it fails in any way (an error, a warning it cannot hand back, a signal), the file is
  written again here, where any error is raised as it would have been without the fork;
- the warnings it gave are given again here, in order;
- Ctrl-C stops it at once (it takes SIGINT's default action); leaving the ``with`` block
  without :meth:`Forked.wait` kills it; a copy whose parent was killed (``kill -9``)
  finishes its file in the set's temporary folder, which is never committed (the next run
  tidies it away), and exits.

Only the command line forks (a process it owns); a notebook's kernel is never forked.

The process has threads when it forks: the libraries' idle pools (7 at a 10^4-row run,
counted in ``/proc/self/task``, none of them Python's). POSIX leaves a lock held by
another thread at the fork held for ever in the copy; Arrow and OpenBLAS re-make their
pools in a copy (their at-fork handlers), and the copy takes no lock of its own. Python
3.12 warns of any such fork; that warning is silenced here for this one call.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import sys
import warnings
from collections.abc import Callable
from types import TracebackType

__all__ = ["Forked", "can_fork"]


def can_fork() -> bool:
    """Whether a fork can run beside this process: Linux, and a second CPU for it to use.

    Not on macOS, where a fork of a process whose libraries touched the system frameworks
    may crash in the copy (Python's ``multiprocessing`` no longer forks there by default),
    nor on Windows, which has no fork: the map is then written in the process.
    """
    return sys.platform.startswith("linux") and (os.cpu_count() or 1) >= 2


class Forked:
    """A forked copy of this process running ``write``; see the module docstring.

    Use :meth:`start`, then :meth:`wait` (True: written, and its warnings given again
    here; False: write it here), inside a ``with`` block that kills the copy if left early.
    """

    def __init__(self, pid: int, reader: int) -> None:
        self.pid = pid
        self._reader = reader
        self._status: int | None = None

    @classmethod
    def start(cls, write: Callable[[], object]) -> Forked | None:
        """A running copy calling ``write``, or None where none can be started (write it here)."""
        if not can_fork():
            return None
        reader, writer = os.pipe()
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # none lands between fork and setup
        try:
            with warnings.catch_warnings():  # see the module docstring
                warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
                pid = os.fork()
        except OSError:  # no memory or process left for a copy: written here
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            os.close(reader)
            os.close(writer)
            return None
        if pid == 0:  # the copy: never returns, never runs the parent's clean-up
            code = 1
            try:
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                gc.disable()  # a short life: no collection walks (and so copies) the parent's pages
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
                os.close(reader)
                with warnings.catch_warnings(record=True) as caught:  # the filters as they were here
                    write()
                said = memoryview(pickle.dumps([w.message for w in caught]))
                while said:  # the parent reads it all in wait(); gone, the pipe breaks and this ends
                    said = said[os.write(writer, said) :]
                code = 0
            finally:
                os._exit(code)
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        os.close(writer)
        return cls(pid, reader)

    def wait(self) -> bool:
        """Wait for the copy; True if it wrote the file (its warnings are then given here)."""
        said = b""
        while part := os.read(self._reader, 65536):
            said += part
        _, self._status = os.waitpid(self.pid, 0)
        if not os.WIFEXITED(self._status) or os.WEXITSTATUS(self._status) != 0:
            return False
        try:
            messages = pickle.loads(said)
        except Exception:  # any unreadable answer: the file is written again here
            return False
        for message in messages:
            warnings.warn(message, stacklevel=2)
        return True

    def __enter__(self) -> Forked:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        """Kill the copy if it still runs, and reap it."""
        if self._status is None:
            with contextlib.suppress(ProcessLookupError):  # gone already
                os.kill(self.pid, signal.SIGKILL)
            _, self._status = os.waitpid(self.pid, 0)
        os.close(self._reader)
