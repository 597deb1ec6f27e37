"""Writing a comparison's outputs as one set (:func:`write_changes`).

The files (in ``--out``), written atomically as a whole like ``geo join``'s
(:class:`geo.output._output_set.OutputSet`):

- ``changes.csv``: one row per estate (:attr:`geo.comparing.CompareResult.changes`): its
  kind, how it was matched, its rows, ids, names, places and points before and after,
  the distance moved, the facts that changed, each fact before and after, the reasons;
- ``by_province_changes.csv``, ``by_county_changes.csv``: the change tables;
- ``map.html`` (Persian) and ``map.en.html`` (English): the change map
  (:func:`geo.maps.change_map.change_map`);
- ``report.json``, written last: the counts of each kind and the identity that every row
  of each register is accounted for once, the years, the facts compared and not, both
  joins' summaries, and every ambiguous estate with its reasons.

CSV cells a spreadsheet would run as a formula are prefixed with a single quote.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geo._progress import Progress, no_progress
from geo.output._output_set import LAST, OutputSet
from geo.output._writers import json_text, jsonable, write_csv
from geo.output.outputs import _write  # the same step: progress, and a writer's failure as an OutputError

__all__ = ["CHANGE_FILES", "write_changes", "write_changes_into"]

#: Every file of a comparison's set, ``report.json`` last.
CHANGE_FILES = ("changes.csv", "by_province_changes.csv", "by_county_changes.csv", "map.html", "map.en.html", LAST)


def write_changes(result: Any, out_dir: str | Path, *, progress: Progress | None = None) -> dict[str, Path]:
    """Write the outputs of ``result`` (a :class:`geo.comparing.CompareResult`) into ``out_dir`` as one set.

    Raises
    ------
    OutputError
        The folder cannot take the set; nothing was changed in it.
    """
    with OutputSet(out_dir, CHANGE_FILES) as target:
        return write_changes_into(result, target, progress=progress)


def write_changes_into(result: Any, target: OutputSet, *, progress: Progress | None = None) -> dict[str, Path]:
    """Write the outputs into an open :class:`~geo.output._output_set.OutputSet` and commit it."""
    from geo.maps.change_map import change_map
    from geo.maps.page import save_map

    tick = progress or no_progress
    ch = result.changes
    _write(target, "changes.csv", len(ch), tick, partial(write_csv, ch))
    for name, table in (("by_province_changes.csv", result.by_province), ("by_county_changes.csv", result.by_county)):
        frame = pd.DataFrame(table.drop(columns="geometry"))
        _write(target, name, len(frame), tick, partial(write_csv, frame))

    def page(lang: str, path: Path, advance: Any) -> None:
        save_map(change_map(result, lang=lang), path)

    for name, lang in (("map.html", "fa"), ("map.en.html", "en")):
        _write(target, name, len(ch), tick, partial(page, lang))
    text = _report(result, target.written)
    _write(target, LAST, 1, tick, lambda p, _: p.write_text(text, encoding="utf-8"))
    target.commit()
    return {name: target.out / name for name in target.written}


def _report(result: Any, written: list[str]) -> str:
    """``report.json``'s text: the summary, the files, and every ambiguous estate with its reasons."""
    ch = result.changes
    at = np.flatnonzero(ch["kind"].to_numpy() == "ambiguous")
    cols = ("old_row", "new_row", "id_old", "id_new", "name_old", "name_new", "reasons", "reasons_fa")
    part = ch.iloc[at][list(cols)].astype(object)
    records = part.where(part.notna(), None).to_dict("records")
    head = {
        **result.summary,
        "changes_file": "changes.csv",
        "map": "geo.maps.change_map: offline, Leaflet inlined, no tiles; map.html (fa), map.en.html (en)",
        "outputs": sorted([*written, LAST]),
        "ambiguous_rows": records,
    }
    return json_text(jsonable(head))
