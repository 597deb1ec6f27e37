"""The work of ``geo compare`` (the command's options are in :mod:`geo.cli`): compare, write the set, warn."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from geo.errors import GeoWarning, RegisterWarning

__all__ = ["compare_work", "summary_line"]


def compare_work(
    old: Path,
    new: Path,
    *,
    out: Path,
    years: dict[str, str | None],
    move_km: float,
    console: Any,
    progress: bool,
    warn: Callable[[list[warnings.WarningMessage]], None],
) -> Callable[[], Any]:
    """The comparison of ``old`` and ``new`` written into ``out`` as one set, to run (the set locked first).

    ``console`` shows the stages, live when ``progress`` is asked; ``warn`` is given the warnings
    that are not the registers' own.
    """

    def work() -> Any:
        from geo._stages import StageDisplay
        from geo.comparing import compare
        from geo.output._output_set import OutputSet
        from geo.output.compare_outputs import CHANGE_FILES, write_changes_into

        with OutputSet(out, CHANGE_FILES) as target, StageDisplay(console, enabled=progress) as show:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", GeoWarning)
                result = compare(old, new, **years, move_km=move_km, progress=show)  # type: ignore[arg-type]
                write_changes_into(result, target, progress=show)
            warn([w for w in caught if not issubclass(w.category, RegisterWarning)])
        return result

    return work


def summary_line(s: dict[str, Any], out: Path) -> str:
    """The counts of a comparison on one line."""
    kinds = ", ".join(f"{k} {s[k]}" for k in ("added", "removed", "moved", "changed", "unchanged", "ambiguous"))
    return f"old rows {s['rows_old']}, new rows {s['rows_new']}: {kinds}; wrote {out}"
