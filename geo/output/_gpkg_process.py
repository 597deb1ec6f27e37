"""A large GeoPackage written by a second process while this one goes on with the other files.

Writing a GeoPackage is most of the time of a national register's run (SQLite inserts
and the spatial index: 3.3 s of 10^6 rows here), and pyogrio holds Python's lock while
GDAL writes, so no thread can work beside it. Above :data:`APART_ROWS` rows the writing
goes to a child process (``python -m geo.output._gpkg_process``), started before the rows are
ready so that its imports are done by then:

1. the parent writes the rows once, as an Arrow IPC stream, into a hidden file of the
   output set's temporary folder (in the same pass as GeoParquet and CSV);
2. the child reads that stream as it grows (it follows the file until the stream's end
   marker) and hands it to :func:`pyogrio.write_arrow`: the GeoPackage is built on the
   second core while the parent writes ``rows.csv``, the tables and the map;
3. the parent waits for it before ``report.json``; a failure of the child (a full disk,
   a GDAL error) is the run's :class:`~geo.errors.OutputError`, with the child's message.

The child stops when the parent goes (Ctrl-C, an error, ``kill -9``): the parent kills it
on its way out, and the child gives up when it finds itself orphaned. The set is never
committed without the child's success. Where no child can be started (no interpreter
to run), the GeoPackage is written in this process as below the threshold.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Any

__all__ = ["APART_ROWS", "STREAM", "GpkgProcess"]

#: Above this many rows the GeoPackage is written by a second process.
APART_ROWS = 100_000
#: The hidden file of the temporary folder that carries the rows to the child.
STREAM = ".joined.arrows"
#: SQLite settings for a GeoPackage built in a temporary folder: no journal file (the
#: whole file is thrown away if the run stops), no waiting for the disk, a 16 MB page
#: cache (the default 2 MB takes a quarter longer to build the spatial index of 10^6
#: points; 64 MB took no less time than 16 MB and 48 MB more memory).
GPKG_CONFIG = {"OGR_SQLITE_JOURNAL": "OFF", "OGR_SQLITE_SYNCHRONOUS": "OFF", "OGR_SQLITE_CACHE": "16"}
#: The folder holding this package: the child imports the same ``geo``.
_ROOT = str(Path(__file__).resolve().parents[2])
#: How often the child looks for more of the stream, in seconds.
_POLL = 0.005


class GpkgProcess:
    """A child process that writes ``dest`` from the Arrow stream :attr:`stream` (see the module docstring).

    Use as a context manager: leaving it without :meth:`wait` (an error, Ctrl-C) kills the child.

    Parameters
    ----------
    dest
        The GeoPackage to write (its layer ``estates``).
    kind
        The layer's geometry type (``Point`` or ``Unknown``).
    crs
        The layer's CRS, as text for GDAL; None for none.
    """

    def __init__(self, dest: Path, kind: str, crs: str | None) -> None:
        self.dest = dest
        self.stream = dest.parent / STREAM
        self.stream.touch()
        self._done = dest.parent / (STREAM + ".done")
        self._errors: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed by wait or stop)
        self._child = subprocess.Popen(  # the interpreter running this one, on a module of this package
            [sys.executable, "-m", "geo.output._gpkg_process"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._errors,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (_ROOT, os.environ.get("PYTHONPATH"))))},
        )  # fmt: skip
        assert self._child.stdin is not None
        job: dict[str, Any] = {"stream": str(self.stream), "done": str(self._done), "dest": str(dest)}
        job.update(kind=kind, crs=crs, parent=os.getpid())
        self._child.stdin.write((json.dumps(job) + "\n").encode("utf-8"))
        self._child.stdin.close()

    @classmethod
    def start(cls, dest: Path, kind: str, crs: str | None) -> GpkgProcess | None:
        """A running child for ``dest``, or None where no process can be started (no interpreter known)."""
        if not sys.executable:  # an embedded Python: nothing to start
            return None
        try:
            return cls(dest, kind, crs)
        except OSError:
            return None

    def __enter__(self) -> GpkgProcess:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def wait(self) -> None:
        """Say that the stream is whole, wait for the GeoPackage, and remove the stream.

        Raises
        ------
        RuntimeError
            The child failed; the message is its last line (a GDAL or disk error).
        """
        self._done.touch()  # the child reads no further than the end of the file from now on
        code = self._child.wait()
        self.stream.unlink(missing_ok=True)
        self._done.unlink(missing_ok=True)
        if code != 0:
            self._errors.seek(0)
            lines = self._errors.read()[-4000:].decode("utf-8", "replace").strip().splitlines()
            self._errors.close()
            raise RuntimeError(lines[-1] if lines else f"the GeoPackage writer stopped (exit code {code})")
        self._errors.close()

    def stop(self) -> None:
        """Kill the child if it still runs (nothing it wrote is kept: the set is not committed)."""
        if self._child.poll() is None:
            self._child.kill()
            self._child.wait()
        if not self._errors.closed:
            self._errors.close()


class _Following:
    """A file read as another process appends to it: :meth:`read` waits for the bytes asked for.

    Gives up (``OSError``) when the file ``done`` exists and holds no more (the stream was
    cut short or is not one), or when the process ``parent`` is gone: this one is then an
    orphan.
    """

    def __init__(self, raw: IO[bytes], done: str, parent: int) -> None:
        self.raw = raw
        self.done = done
        self.parent = parent
        self.closed = False

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            raise OSError("the stream is read in parts of known size")
        parts, need = [], size
        while need:
            whole = os.path.exists(self.done)  # looked at first: all its bytes were written before it
            part = self.raw.read(need)
            if part:
                parts.append(part)
                need -= len(part)
            elif whole:
                raise OSError("the rows for the GeoPackage end before their stream does")
            elif os.getppid() != self.parent:
                raise OSError("the run that started this writer is gone")
            else:
                time.sleep(_POLL)
        return b"".join(parts)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self.closed = True


def _main() -> int:
    """The child: read the job from stdin, write the GeoPackage from the stream it names."""
    import pyarrow as pa  # imported before the job arrives: ready by the time the rows are
    import pyogrio

    job: dict[str, Any] = json.loads(sys.stdin.readline() or "null")
    if not job:
        return 0
    pyogrio.set_gdal_config_options(GPKG_CONFIG)
    with open(job["stream"], "rb", buffering=0) as raw:
        reader = pa.ipc.open_stream(_Following(raw, job["done"], int(job["parent"])))
        pyogrio.write_arrow(reader, job["dest"], layer="estates", driver="GPKG", geometry_name="geometry",
                            geometry_type=job["kind"], crs=job["crs"])  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(_main())
