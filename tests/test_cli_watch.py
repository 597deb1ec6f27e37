"""``geo join --watch``: the shipped example joined, edited, saved half-way and fixed, in one process.

A real ``python -m geo`` process watches a copy of the example; the test edits the copy
as a person would (a row added, the file emptied by a failed save, the file written
again) and waits for what each edit must bring: a new ``report.json`` with the new
counts, or one error line on stderr with the previous set left whole. Ctrl-C (a real
SIGINT) ends the watch with exit 130.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "data" / "examples" / "estates_example.csv"
#: Seconds to wait for a condition before the test fails (a loaded machine is slow, never this slow).
DEADLINE = 120


def _report(out: Path) -> dict | None:
    try:
        return json.loads((out / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _wait(condition, proc: subprocess.Popen, what: str) -> None:
    """Wait until ``condition()`` holds, while the watching process is alive."""
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        if condition():
            return
        assert proc.poll() is None, f"the watch ended ({proc.returncode}) before {what}"
        time.sleep(0.05)
    pytest.fail(f"no {what} within {DEADLINE} s")


def _save(path: Path, text: str) -> None:
    """Write ``text`` as an editor saves: a new file moved over the old one."""
    spare = path.with_suffix(".saving")
    spare.write_text(text, encoding="utf-8")
    os.replace(spare, path)


def test_watch_joins_again_after_each_save_and_outlives_a_bad_one(tmp_path) -> None:
    register, out, err = tmp_path / "estates.csv", tmp_path / "out", tmp_path / "stderr.txt"
    original = EXAMPLE.read_text(encoding="utf-8")
    register.write_text(original, encoding="utf-8")
    with err.open("w", encoding="utf-8") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "geo", "join", str(register), "--out", str(out), "--watch", "--lang", "en"],
            stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=REPO,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # a Ctrl-C reaches it, whoever started us
        )  # fmt: skip
        try:
            _wait(lambda: _report(out) is not None, proc, "first report.json")
            first = _report(out)
            assert first is not None
            _save(register, original.rstrip("\n") + "\n999,شهرک آزمایشی,آتلانتیس,35.7,51.4,دارد,بله,1,2,3\n")
            _wait(lambda: (_report(out) or {}).get("rows_in") == first["rows_in"] + 1, proc, "report of the added row")
            second = _report(out)
            assert second is not None and second["rows_flagged"] + second["rows_rejected"] > (
                first["rows_flagged"] + first["rows_rejected"]
            )
            _save(register, "")  # a failed save: the run says why, the set stays as it was
            _wait(lambda: "empty" in err.read_text(encoding="utf-8"), proc, "error line of the empty file")
            assert _report(out) == second
            _save(register, original)
            _wait(lambda: (_report(out) or {}).get("rows_in") == first["rows_in"], proc, "report of the fixed file")
            assert _report(out) == first
            proc.send_signal(signal.SIGINT)
            stdout, _ = proc.communicate(timeout=DEADLINE)
        finally:
            proc.kill()
    text = err.read_text(encoding="utf-8")
    assert proc.returncode == 130 and "Traceback" not in text, text[-3000:]
    assert stdout.count("rows in ") == 3 and f"watching {register}" in stdout  # three runs, the empty one failed
    assert not list(tmp_path.glob(".out.geo-tmp-*"))


@pytest.mark.parametrize(
    "extra", [["--engine", "dask"], ["--to", "postgresql://localhost/x", "--to-table", "t"]], ids=["dask", "to"]
)
def test_watch_needs_a_file_joined_in_memory_into_out(tmp_path, extra) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "geo", "join", str(EXAMPLE), "--out", str(tmp_path / "o"), "--watch", *extra],
        capture_output=True, text=True, cwd=REPO, timeout=DEADLINE, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and "--watch joins a register file" in done.stderr
    assert not (tmp_path / "o").exists()
