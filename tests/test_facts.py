"""The facts ledger (data/facts/ledger.csv) and its loader (geo.reference.facts)."""

from __future__ import annotations

import csv
import json
import re
from datetime import date, timedelta
from pathlib import Path

import jdatetime
import pytest
from typer.testing import CliRunner

from geo.errors import LedgerError
from geo.numbers import extract_number, find_numbers
from geo.reference.facts import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    SCOPES,
    THEMES,
    UNITS,
    default_ledger_path,
    facts_as_records,
    format_facts,
    hse_panel_facts,
    load_facts,
    period_bounds,
)

ARTICLE = Path(__file__).resolve().parents[2] / "shared" / "seed" / "article_fa.txt"
README = default_ledger_path().parent / "README.md"


@pytest.fixture(scope="module")
def article() -> str:
    if not ARTICLE.is_file():
        pytest.skip(f"source article not found at {ARTICLE} (../shared is not beside this checkout)")
    return ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def facts():
    return load_facts()


@pytest.fixture(scope="module")
def ledger_rows() -> list[dict[str, str]]:
    with default_ledger_path().open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# --------------------------------------------------------------------------- shipped ledger


def test_shipped_ledger_loads(facts) -> None:
    assert len(facts) >= 41
    assert set(REQUIRED_COLUMNS) <= set(facts.columns)
    assert {"period_start", "period_end", *OPTIONAL_COLUMNS} <= set(facts.columns)
    assert facts["value"].dtype.kind == "i"
    assert facts["id"].is_unique
    assert set(facts["theme"]) <= set(THEMES)
    assert set(facts["unit"]) <= set(UNITS)
    assert set(facts["scope"]) <= set(SCOPES)


def test_every_source_phrase_parses_to_its_value(ledger_rows) -> None:
    for row in ledger_rows:
        stated = extract_number(row["source_phrase"])
        assert stated.value == int(row["value"]), row["id"]
        assert stated.is_percent == (row["unit"] == "percent"), row["id"]


def test_every_source_phrase_is_in_the_article(ledger_rows, article: str) -> None:
    missing = [row["id"] for row in ledger_rows if row["source_phrase"] not in article]
    assert missing == []


def _covered_spans(ledger_rows, article: str) -> list[tuple[int, int]]:
    spans = []
    for row in ledger_rows:
        phrase = row["source_phrase"]
        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(phrase), article)]
    return spans


def test_every_digit_run_in_the_article_is_covered(ledger_rows, article: str) -> None:
    """Nothing is missed: each number written with digits is inside some fact's phrase."""
    spans = _covered_spans(ledger_rows, article)
    uncovered = []
    for m in re.finditer(r"[0-9۰-۹٠-٩]+", article):
        if m.group() in {"1395", "1396", "1397"}:  # calendar years
            continue
        if m.group() == "14001" and article[max(0, m.start() - 4) : m.start()] == "ایزو":  # ISO 14001
            continue
        if not any(s <= m.start() and m.end() <= e for s, e in spans):
            uncovered.append((m.group(), article[max(0, m.start() - 20) : m.end() + 20]))
    assert uncovered == []


def test_every_number_expression_in_the_article_is_covered(ledger_rows, article: str) -> None:
    """Numbers written only in words («هفت پروژه») are covered too."""
    spans = _covered_spans(ledger_rows, article)
    uncovered = []
    for n in find_numbers(article):
        if n.text in {"1395", "1396", "1397", "14001"}:
            continue
        if n.text == "یک" and article[n.end : n.end + 5] == " نهاد":  # «یک نهاد»: 'a body', not a quantity
            continue
        if not any(s <= n.start and n.end <= e for s, e in spans):
            uncovered.append(n.text)
    assert uncovered == []


def test_issue_examples_are_in_the_ledger(facts) -> None:
    by_id = facts.set_index("id")["value"]
    expected = {
        "exports_consortia_formed": 12,
        "exports_value_identified_usd": 2_300_000_000,
        "contracts_investment_signed": 4244,
        "contracts_area_ha": 1982,
        "training_person_hours": 2_418_401,
        "finance_guarantees_value_irr": 1_872_000_000_000,
        "hse_fire_stations_built": 11,
        "hse_green_space_added": 71,
        "national_units_in_estates_active_pct": 65,
    }
    assert {k: int(by_id[k]) for k in expected} == expected


def test_hse_panel(facts) -> None:
    panel = hse_panel_facts(facts)
    assert set(panel["theme"]) == {"hse"}
    assert len(panel) == 10
    counterparts = dict(zip(panel["id"], panel["counterpart"], strict=True))
    assert counterparts["hse_green_space_added"] == "green_space_ha"
    assert counterparts["hse_treatment_plants_opened"] == "treatment_plants_operational"


def test_period_dates_via_jdatetime(facts) -> None:
    assert set(facts["period"]) == {1396}
    start = jdatetime.date(1396, 1, 1).togregorian()
    last_esfand = 30 if jdatetime.date(1396, 1, 1).isleap() else 29
    end = jdatetime.date(1396, 12, last_esfand).togregorian()
    assert (start, end) == (date(2017, 3, 21), date(2018, 3, 20))
    assert set(facts["period_start"]) == {start}
    assert set(facts["period_end"]) == {end}
    assert jdatetime.date.fromgregorian(date=end + timedelta(days=1)) == jdatetime.date(1397, 1, 1)


def test_period_bounds_leap_year() -> None:
    start, end = period_bounds(1399)  # a leap year: 366 days
    assert (end - start).days + 1 == 366


def test_labels_use_persian_letters_and_ids_are_snake_case(facts) -> None:
    for row in facts.itertuples():
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", row.id)
        assert not re.search("[يك]", row.label_fa), row.id
        assert re.search("[\u0600-\u06ff]", row.label_fa), row.id
        assert row.label_en.isascii(), row.id


def test_readme_documents_every_column_theme_and_unit() -> None:
    text = README.read_text(encoding="utf-8")
    for word in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS, *THEMES, *UNITS, *SCOPES):
        assert f"`{word}`" in text, word


# --------------------------------------------------------------------------- bad ledgers


def _write(tmp_path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> Path:
    path = tmp_path / "bad.csv"
    header = header or list(rows[0])
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _expect(path: Path, row: int | None, field: str | None, match: str) -> None:
    with pytest.raises(LedgerError) as info:
        load_facts(path)
    err = info.value
    assert (err.path, err.row, err.field) == (path, row, field)
    message = str(err)
    assert str(path) in message
    if row is not None:
        assert f"row {row}" in message
    if field is not None:
        assert f"field '{field}'" in message
    assert re.search(match, message), message


@pytest.mark.parametrize(
    ("field", "bad", "match"),
    [
        ("value", "12a", "not a number"),
        ("value", "", "required field is empty"),
        ("unit", "dozen", "unit 'dozen' is not one of"),
        ("theme", "sports", "theme 'sports' is not one of"),
        ("scope", "province", "scope 'province' is not one of"),
        ("period", "2017", "not a Solar Hijri year"),
        ("period", "۱۳۹۶x", "not a Solar Hijri year"),
        ("id", "Bad Id", "not snake_case"),
        ("label_fa", "  ", "required field is empty"),
        ("source_phrase", "ساخت ایستگاه آتش نشانی", "found no number"),
        ("source_phrase", "244 تور صنعتی برای پنج هزار و 335 نفر", "found 2 numbers"),
        ("approx", "maybe", "not true or false"),
        ("hse_panel", "yes", "not true or false"),
        ("counterpart", "Green Space", "not a snake_case"),
    ],
)
def test_loader_rejects_bad_field(tmp_path, ledger_rows, field: str, bad: str, match: str) -> None:
    rows = [dict(r) for r in ledger_rows[:3]]
    rows[2][field] = bad
    _expect(_write(tmp_path, rows), 3, field, match)


def test_loader_rejects_phrase_that_does_not_match_value(tmp_path, ledger_rows) -> None:
    rows = [dict(r) for r in ledger_rows[:2]]
    rows[1]["value"] = "230000000"  # one zero short of «2 میلیارد و 300میلیون»
    _expect(_write(tmp_path, rows), 2, "source_phrase", "reads as 2300000000, but value is 230000000")


def test_loader_rejects_percent_mismatch(tmp_path, ledger_rows) -> None:
    rows = [dict(r) for r in ledger_rows if r["id"] == "contracts_growth_pct"]
    rows[0]["unit"] = "count"
    _expect(_write(tmp_path, rows), 1, "source_phrase", "is a percentage but unit is 'count'")


def test_loader_rejects_duplicate_id(tmp_path, ledger_rows) -> None:
    rows = [dict(r) for r in ledger_rows[:4]]
    rows[3]["id"] = rows[1]["id"]
    _expect(_write(tmp_path, rows), 4, "id", r"duplicate id .* \(first used in row 2\)")


def test_loader_rejects_hse_panel_outside_hse(tmp_path, ledger_rows) -> None:
    rows = [dict(r) for r in ledger_rows[:1]]
    rows[0]["hse_panel"] = "true"
    _expect(_write(tmp_path, rows), 1, "hse_panel", "only facts of theme 'hse'")


@pytest.mark.parametrize("column", ["value", "source_phrase", "id"])
def test_loader_rejects_missing_column(tmp_path, ledger_rows, column: str) -> None:
    header = [c for c in ledger_rows[0] if c != column]
    _expect(_write(tmp_path, ledger_rows[:2], header), None, column, "required column is missing")


def test_loader_rejects_unknown_column(tmp_path, ledger_rows) -> None:
    rows = [{**r, "colour": "red"} for r in ledger_rows[:2]]
    _expect(_write(tmp_path, rows), None, "colour", "unknown column")


def test_loader_rejects_ragged_row(tmp_path, ledger_rows) -> None:
    path = _write(tmp_path, ledger_rows[:2])
    with path.open("a", encoding="utf-8") as f:
        f.write("only,three,fields\n")
    _expect(path, 3, None, "has 3 fields, the header has")


def test_loader_rejects_missing_and_empty_files(tmp_path) -> None:
    _expect(tmp_path / "none.csv", None, None, "not found")
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    _expect(empty, None, None, "empty")


def test_loader_accepts_a_decimal_value(tmp_path, ledger_rows) -> None:
    rows = [dict(ledger_rows[0])]
    rows[0].update(value="2.5", unit="percent", source_phrase="رشد ۲/۵ درصدی")
    facts = load_facts(_write(tmp_path, rows))
    assert facts["value"].tolist() == [2.5]


# --------------------------------------------------------------------------- output


def test_records_and_formats(facts) -> None:
    records = facts_as_records(facts)
    assert json.loads(format_facts(facts, "json")) == records
    assert records[0]["period_start"] == "2017-03-21" and records[0]["period_end"] == "2018-03-20"
    parsed = list(csv.DictReader(format_facts(facts, "csv").splitlines()))
    assert [r["id"] for r in parsed] == facts["id"].tolist()
    assert [int(r["value"]) for r in parsed] == facts["value"].tolist()
    table = format_facts(facts, "table", width=200)
    assert "hse_fire_stations_built" in table and "1,872,000,000,000" in table


def test_cli_facts_json() -> None:
    from geo.cli import app

    result = CliRunner().invoke(app, ["facts", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    facts = load_facts()
    assert [d["id"] for d in data] == facts["id"].tolist()
    keys = {"id", "theme", "label_en", "label_fa", "value", "unit", "subject", "scope", "period", "source_phrase"}
    assert all(keys <= set(d) for d in data)
    fire = next(d for d in data if d["id"] == "hse_fire_stations_built")
    assert fire["value"] == 11 and fire["label_fa"] == "ایستگاه‌های آتش‌نشانی ساخته‌شده"


def test_cli_facts_table_and_csv() -> None:
    from geo.cli import app

    runner = CliRunner()
    table = runner.invoke(app, ["facts"], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    assert "hse_green_space_added" in table.stdout
    csv_out = runner.invoke(app, ["facts", "-f", "csv"])
    assert csv_out.exit_code == 0
    assert csv_out.stdout.splitlines()[0].startswith("id,theme,label_en,label_fa,value")


def test_cli_facts_bad_ledger_fails_cleanly(tmp_path, ledger_rows) -> None:
    from geo.cli import app

    rows = [dict(r) for r in ledger_rows[:2]]
    rows[1]["unit"] = "dozen"
    path = _write(tmp_path, rows)
    result = CliRunner().invoke(app, ["facts", "--ledger", str(path), "--format", "json"])
    assert result.exit_code == 3
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "row 2" in lines[0] and "unit" in lines[0]
    assert "Traceback" not in result.stderr


def test_counterparts_name_yearbook_indicators_and_back(facts) -> None:
    """A fact's counterpart is a declared yearbook indicator that points back to the fact."""
    indicators_csv = default_ledger_path().parents[1] / "yearbook" / "indicators.csv"
    if not indicators_csv.is_file():
        pytest.skip(f"no yearbook indicators at {indicators_csv}")
    with indicators_csv.open(encoding="utf-8", newline="") as f:
        back = {row["id"]: row.get("counterpart_fact", "") for row in csv.DictReader(f)}
    linked = facts[facts["counterpart"] != ""]
    assert len(linked) >= 2
    for fact_id, indicator in zip(linked["id"], linked["counterpart"], strict=True):
        assert indicator in back, indicator
        assert back[indicator] == fact_id, (indicator, back[indicator], fact_id)
