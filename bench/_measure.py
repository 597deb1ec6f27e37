"""Run a command and write its own peak memory at exit: ``python bench/_measure.py OUT.json -m MODULE ARGS…``
or ``python bench/_measure.py OUT.json SCRIPT.py ARGS…``.

The peak is the process's VmHWM (``/proc/self/status``), read in the process itself:
``ru_maxrss`` of a child would carry the parent's high-water mark across fork and exec.
Both sides of a comparison run through this wrapper, so its (small) cost is on both.
"""

import atexit
import json
import runpy
import sys


def _report(path: str) -> None:
    with open("/proc/self/status", encoding="ascii") as fh:
        hwm = next(line for line in fh if line.startswith("VmHWM:"))
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({"peak_mb": int(hwm.split()[1]) / 1024}, fh)


def main() -> None:
    out, *command = sys.argv[1:]
    atexit.register(_report, out)
    if command[0] == "-m":
        sys.argv = [command[1], *command[2:]]
        runpy.run_module(command[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = command
        runpy.run_path(command[0], run_name="__main__")


if __name__ == "__main__":
    main()
