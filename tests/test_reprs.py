"""Notebook summaries (``_repr_html_``) of JoinResult and Register, on the shipped example."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import geo
from geo._reprs import QUOTE_CHARS, SHOWN_ROWS

FIRE = "ایستگاه آتش نشانی 1396"


@pytest.fixture(scope="module")
def example_result() -> geo.JoinResult:
    return geo.join(geo.example_path(), reconcile={FIRE: "hse_fire_stations_built"})


def _cells(html: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", html)


def test_result_summary_counts_rows_and_reconciliation(example_result):
    html = example_result._repr_html_()
    s = example_result.summary
    counts = _cells(html)[:4]
    assert counts == [f"{s[k]:,}" for k in ("rows_in", "rows_joined", "rows_flagged", "rows_rejected")]
    e = example_result.estates
    for status in ("flagged", "rejected"):
        chosen = e[e["status"] == status]
        assert (f"<h4>{status}" in html) == (len(chosen) > 0)
        for why in chosen.head(SHOWN_ROWS)["reasons"]:
            assert why and all(r[:40].replace("'", "&#x27;") in html for r in why)
    assert "<h4>reconciliation</h4>" in html and "hse_fire_stations_built" in html


def test_register_summary_names_columns_and_warnings():
    reg = geo.read_register(geo.example_path())
    html = reg._repr_html_()
    for role, header in reg.columns.items():
        assert "<td style" in html and header in html and role in html
    assert f"{len(reg):,} rows" in html


def test_hostile_and_huge_cells_stay_short_text():
    frame = pd.DataFrame(
        {"id": ["<script>alert(1)</script>", "x" * 5_000_000], "province": ["<img src=x onerror=1>", "Atlantis"]}
    )
    result = geo.join(frame)
    html = result._repr_html_()
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert len(html) < 20 * QUOTE_CHARS * (SHOWN_ROWS + 10)
    assert "x" * QUOTE_CHARS not in html
