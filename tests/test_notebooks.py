"""The example notebooks: stored without outputs, and each runs from a clean kernel with
no error, no warning and nothing on stderr in any cell's output."""

from __future__ import annotations

import re
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
TIME_LIMIT_S = 300  # per notebook; each takes a few seconds here


def test_the_two_notebooks_exist():
    assert [p.name for p in NOTEBOOKS] == ["01_quickstart.ipynb", "02_your_register.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a cell has stored outputs"
            assert cell.execution_count is None, f"{path.name}: a cell has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_from_a_clean_kernel(path):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=TIME_LIMIT_S, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError on the first failing cell
    elapsed = time.perf_counter() - start
    assert elapsed < TIME_LIMIT_S
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    noise = [
        (number, _text(output)[:300])
        for number, cell in enumerate((c for c in nb.cells if c.cell_type == "code"), start=1)
        for output in cell.outputs
        if (output.output_type == "stream" and output.name == "stderr") or _WARNING.search(_text(output))
    ]
    assert noise == [], f"{path.name}: warnings or stderr in the outputs of code cells {noise}"
    # the last cell renders a map inline
    last = [c for c in nb.cells if c.cell_type == "code"][-1]
    html = "".join(o.get("data", {}).get("text/html", "") for o in last.outputs)
    assert "leaflet" in html.lower()


# What a warning looks like in an output: "UserWarning: …", "findfont: …" (matplotlib's log)
_WARNING = re.compile(r"\b\w*Warning\b:|\bfindfont:|\bWARNING\b")


def _text(output) -> str:
    """The text of a cell output: a stream's text, or the plain-text form of a result."""
    if output.output_type == "stream":
        return output.get("text", "")
    data = output.get("data", {})
    return str(data.get("text/plain", "")) + str(output.get("evalue", ""))
