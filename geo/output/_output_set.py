"""An output folder written as a whole: a run's files all appear together, or none do.

:class:`OutputSet` is how every run writes into a folder (``geo join --out``):

1. the folder is checked before any work: created if missing; refused when it is a file,
   read-only, or when a name the run writes is taken there by a folder;
2. a lock (``.geo-lock``, an advisory ``flock`` that dies with its process) refuses a
   second run into the same folder while one is writing;
3. the files are written into a temporary folder beside it (``.NAME.geo-tmp-…``; inside
   it when its parent is read-only), with SQLite's journal off: a run stopped there —
   Ctrl-C, an error, a full disk, ``kill -9`` — leaves the folder as it was (a killed
   run's temporary folder is removed by the next run);
4. :meth:`OutputSet.commit` moves them in, ``report.json`` last, with Ctrl-C held back:
   a folder holds a ``report.json`` only beside the complete set it describes. Files an
   earlier run listed as its own (the manifest ``.geo-manifest.json``) and this run does
   not write are removed; no other file in the folder is touched.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import IO

from geo._io import atomic_write_text
from geo.errors import OutputError
from geo.i18n import message, whole

__all__ = ["LAST", "LOCK", "MANIFEST", "OutputSet", "output_error"]

#: The file written last: its presence says that the set beside it is complete.
LAST = "report.json"
#: The lock file and the list of the files a run wrote, both kept in the folder.
LOCK = ".geo-lock"
MANIFEST = ".geo-manifest.json"
_TMP_MARK = ".geo-partial"


def output_error(exc: BaseException, what: str, out: Path) -> OutputError:
    """An :class:`OutputError` naming ``what`` could not be written and why, in one line."""
    if isinstance(exc, OutputError):
        return exc
    full = message("errors", "output_no_space")
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        why = full
    elif isinstance(exc, OSError) and exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        why = message("errors", "output_read_only")
    elif isinstance(exc, OSError):
        why = whole(exc.strerror or str(exc))
    else:
        text = " ".join(str(exc).split())
        why = (
            full
            if any(words in text for words in ("No space left", "disk is full", "disk full"))
            else whole(text[:200])
        )
    return OutputError(message("errors", "output_cannot_write", what=what, why=why), path=out)


@contextmanager
def _held_signals() -> Iterator[None]:
    """Hold back Ctrl-C (SIGINT) and SIGTERM while the block runs (main thread only); then take them.

    Blocking the signals in this thread is not enough: the kernel gives a signal sent to
    the process to any thread that does not block it (a writer's, a library's pool), and
    Python then runs the handler in this thread, between two moves. So the handlers only
    note the signal meanwhile, and it is raised again once the block is done.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = (signal.SIGINT, signal.SIGTERM)
    caught: list[int] = []
    handlers = {s: signal.signal(s, lambda number, _frame: caught.append(number)) for s in held}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        for s, handler in handlers.items():
            signal.signal(s, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, old)  # a signal pending here goes to its own handler
        for number in dict.fromkeys(caught):
            signal.raise_signal(number)


def _remove(path: Path) -> None:
    """Remove a file, or a folder with what it holds (never following a link)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


class OutputSet:
    """Write a set of files into ``out`` atomically, as a whole (see the module docstring).

    Parameters
    ----------
    out
        The folder; created if missing.
    names
        Every file name the run may write (checked before any work: none may be a folder).
    folders
        The names among them that are folders of files (partitioned Parquet), moved in
        as a whole; one there already is replaced only when an earlier run listed it as
        its own.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "out"
    >>> with OutputSet(out, ["a.txt", "report.json"]) as target:
    ...     _ = target.path("a.txt").write_text("a")
    ...     _ = target.path("report.json").write_text("{}")
    ...     target.commit()
    >>> sorted(p.name for p in out.iterdir())
    ['.geo-lock', '.geo-manifest.json', 'a.txt', 'report.json']
    """

    def __init__(self, out: str | Path, names: Iterable[str], folders: Iterable[str] = ()) -> None:
        self.out = Path(out)
        self.folders = frozenset(folders)
        self.names = tuple(dict.fromkeys([*names, *self.folders]))
        self.written: list[str] = []
        self.tmp: Path | None = None
        self._lock: IO[str] | None = None
        self.committed = False
        self._created = False

    def __enter__(self) -> OutputSet:
        try:
            self._check_folder()
            self._take_lock()
            self._check_names()
            self._remove_stale()
            self.tmp = self._make_tmp()
        except BaseException:
            self._release()
            self._drop_created()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        try:
            if self.tmp is not None:
                shutil.rmtree(self.tmp, ignore_errors=True)
        finally:
            self._release()
            self._drop_created()

    def _drop_created(self) -> None:
        """A folder this run made for nothing (not committed): gone again."""
        if self._created and not self.committed:
            with suppress(OSError):
                (self.out / LOCK).unlink(missing_ok=True)
                self.out.rmdir()

    def path(self, name: str) -> Path:
        """Where to write the file ``name`` of the set (in the temporary folder)."""
        if self.tmp is None or name not in self.names:
            raise ValueError(f"{name!r} is not a file of this output set, or the set is not open")
        if name not in self.written:
            self.written.append(name)
        return self.tmp / name

    def _check_folder(self) -> None:
        out = self.out
        if out.exists() and not out.is_dir():
            raise OutputError(message("errors", "output_file_named"), path=out)
        try:
            self._created = not out.exists()
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise output_error(exc, message("errors", "output_what_folder"), out) from exc

    def _take_lock(self) -> None:
        import fcntl

        try:
            handle = (self.out / LOCK).open("a+", encoding="utf-8")
        except OSError as exc:
            raise output_error(exc, message("errors", "output_what_into"), self.out) from exc
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            handle.seek(0)
            owner = handle.read().strip()[:20]
            handle.close()
            said = (
                message("errors", "output_locked_by", owner=int(owner))
                if owner.isdigit()
                else message("errors", "output_locked")
            )
            raise OutputError(said, path=self.out) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._lock = handle

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.close()  # closing the file releases the flock
            self._lock = None

    def _check_names(self) -> None:
        owned = self._owned() if self.folders else set()
        for name in self.names:
            target = self.out / name
            if name in self.folders:
                if (target.exists() or target.is_symlink()) and (name not in owned or not target.is_dir()):
                    raise OutputError(message("errors", "output_not_our_folder", name=whole(name)), path=self.out)
                continue
            if (target.exists() or target.is_symlink()) and not target.is_file():
                kind = message("errors", "output_kind_folder" if target.is_dir() else "output_kind_other")
                raise OutputError(message("errors", "output_not_a_file", name=whole(name), kind=kind), path=self.out)

    def _tmp_parent(self) -> tuple[Path, str]:
        parent = self.out.resolve().parent
        same_device = parent.stat().st_dev == self.out.stat().st_dev  # a rename cannot cross devices
        if same_device and os.access(parent, os.W_OK | os.X_OK):
            return parent, f".{self.out.resolve().name}.geo-tmp-"
        return self.out, ".geo-tmp-"

    def _remove_stale(self) -> None:
        """Remove the temporary folders of killed runs (the lock is ours: no run is writing)."""
        parent, prefix = self._tmp_parent()
        for folder in (parent, self.out):
            for stale in folder.glob(f"{prefix if folder == parent else '.geo-tmp-'}*"):
                if stale.is_dir() and not stale.is_symlink() and (stale / _TMP_MARK).is_file():
                    shutil.rmtree(stale, ignore_errors=True)

    def _make_tmp(self) -> Path:
        parent, prefix = self._tmp_parent()
        tmp = None
        try:
            tmp = Path(tempfile.mkdtemp(dir=parent, prefix=prefix))
            (tmp / _TMP_MARK).write_text(str(os.getpid()), encoding="utf-8")
        except OSError as exc:
            if tmp is not None:  # made, but its mark could not be written (a full disk): gone again
                shutil.rmtree(tmp, ignore_errors=True)
            raise output_error(exc, message("errors", "output_what_tmp"), parent) from exc
        return tmp

    def _owned(self) -> set[str]:
        """The files an earlier run listed as its own: the manifest, else its report's ``outputs``."""
        for source, key in ((MANIFEST, "files"), (LAST, "outputs")):
            try:
                listed = json.loads((self.out / source).read_text(encoding="utf-8")).get(key, [])
            except (OSError, ValueError, AttributeError):
                continue
            names = {n for n in listed if isinstance(n, str) and n and "/" not in n and n not in (".", "..")}
            if names:
                return names
        return set()

    def _write_manifest(self, names: Iterable[str]) -> None:
        text = json.dumps({"files": sorted(names), "note": "files written by geo; geo replaces them"}, indent=1)
        atomic_write_text(self.out / MANIFEST, text + "\n")

    def commit(self) -> None:
        """Move the written files into the folder, :data:`LAST` last, and forget the earlier set.

        Raises
        ------
        OutputError
            The set has no :data:`LAST`, or moving failed (nothing of the new set is then
            in place that looks complete: :data:`LAST` goes last).
        """
        if self.tmp is None or LAST not in self.written:
            raise OutputError(message("errors", "output_needs_last", last=whole(LAST)), path=self.out)
        new = [n for n in self.written if n != LAST] + [LAST]
        with _held_signals():
            try:
                old = self._owned() & {p.name for p in self.out.iterdir()}
                self._write_manifest(old | set(new))
                (self.out / LAST).unlink(missing_ok=True)
                for name in sorted(old - set(new)):
                    _remove(self.out / name)
                for name in new:
                    if name in self.folders:
                        _remove(self.out / name)
                    os.replace(self.tmp / name, self.out / name)
            except OSError as exc:
                raise output_error(exc, message("errors", "output_what_outputs"), self.out) from exc
            self.committed = True
            with suppress(OSError):  # the manifest then lists these files and some more: the next run tidies up
                self._write_manifest(new)
