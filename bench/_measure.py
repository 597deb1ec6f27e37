"""Run a command and write the peak memory of it and its child processes at exit:
``python bench/_measure.py OUT.json -m MODULE ARGS…`` or ``python bench/_measure.py OUT.json SCRIPT.py ARGS…``.

The process's own peak is its VmHWM (``/proc/self/status``), read in the process itself:
``ru_maxrss`` of a child would carry the parent's high-water mark across fork and exec.
A child process it starts (``geo join`` writes a large GeoPackage in one) is watched from
a thread every :data:`POLL` seconds (looked for every ``POLL * _LOOK`` seconds): the last
VmHWM read of each is its peak. The peak written, ``peak_mb``, is the sum of the
process's and every child's peak: an upper bound of the memory the run held at once (the
peaks need not coincide; libraries both map are counted twice, and so are the pages a
forked child shares with the process: ``geo join`` forks for the map up to 10^5 rows).
``own_mb`` and ``children_mb`` are its parts.
Both sides of a comparison run through this wrapper, so its (small) cost is on both.
"""

import atexit
import json
import os
import runpy
import sys
import threading
import time

#: Seconds between two reads of the children's peaks; new children are looked for every
#: :data:`_LOOK` of them.
POLL = 0.02
_LOOK = 5
_CHILDREN: dict[int, int] = {}  # pid → last VmHWM read, kB


def _status(pid: str) -> dict[str, str]:
    with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
        return dict(line.rstrip("\n").split(":\t", 1) for line in fh if ":\t" in line)


def _watch() -> None:
    me, tick = os.getpid(), 0
    while True:
        if tick % _LOOK == 0:  # new children: a look through /proc now and then (it costs)
            for pid in os.listdir("/proc"):
                if pid.isdigit() and int(pid) != me and int(pid) not in _CHILDREN:
                    try:
                        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
                            ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
                    except (OSError, IndexError, ValueError):
                        continue
                    if ppid == me:
                        _CHILDREN[int(pid)] = 0
        for pid in list(_CHILDREN):
            try:
                fields = _status(str(pid))
                # the latest read, not the largest: VmHWM only grows within a program, and a
                # read in the instant between fork and exec would show the parent's
                _CHILDREN[pid] = int(fields["VmHWM"].split()[0])
            except (OSError, KeyError, ValueError):
                continue
        tick += 1
        time.sleep(POLL)


def _report(path: str) -> None:
    own = int(_status("self")["VmHWM"].split()[0]) / 1024
    children = sum(_CHILDREN.values()) / 1024
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({"peak_mb": own + children, "own_mb": own, "children_mb": children}, fh)


def main() -> None:
    out, *command = sys.argv[1:]
    atexit.register(_report, out)
    threading.Thread(target=_watch, daemon=True).start()
    if command[0] == "-m":
        sys.argv = [command[1], *command[2:]]
        runpy.run_module(command[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = command
        runpy.run_path(command[0], run_name="__main__")


if __name__ == "__main__":
    main()
