"""Every entry of every catalogue of data/i18n/, filled in with realistic values in both
languages, read as a reader sees it: no doubled words around the labels, no Python reprs,
options set apart for right-to-left text, no E-notation on the Persian side, and each number
given shown in both languages (Persian digits on the Persian side)."""

from __future__ import annotations

import re

import pytest

from geo._text import persian_digits
from geo.i18n import catalogue, message, province_label, template_fields
from geo.reference.counties import county_label

CATALOGUES = ("reasons", "warnings", "names", "template", "map", "errors")
#: A realistic value for each field, by its name: a county label, a province label, a list of
#: sheets, a large number, text from a user's file.
NUMBER = 1234567
TEXT_FIELDS = {"column": "ایستگاه آتش نشانی", "renamed": "status_1", "example": "35° 41′", "text": "bad row",
               "name": "Fars", "chosen": "Sheet1", "problem": "no province given", "message": "unknown",
               "detail": "Self-intersection", "formula": "=SUM(A1:A3)", "cell": "C7", "file": "estates.xlsx",
               "kept": "a.1", "read": "35.7", "where": "row", "wheres": "rows", "title": "Fire stations",
               "label": "green space", "unit": "ha", "scheme": "quantiles", "kind": "list<string>", "id": "E-7",
               "phrase": "11 ایستگاه", "source": "ISIPO", "note": "as printed", "yes": "بله", "no": "خیر",
               "allowed": "yes, no", "location": "IR-10 Isfahan", "attribute": "IR-07 Fars", "period": "1396",
               "role": "name", "code": "IR-10", "value": "Atlantis", "s": "s", "t": "t", "closest": "Tehran"}  # fmt: skip
LIST_FIELDS = {"names": ["Sheet1", "داده"], "candidates": ["Tehran", "Tabriz"], "columns": ["lat", "lon"],
               "terms": ["yes", "no"]}  # fmt: skip


def _fields(template: str) -> dict[str, object]:
    out: dict[str, object] = {}
    for field in template_fields(template):
        if field == "province":
            out[field] = province_label("IR-03", "East Azerbaijan", "آذربایجان شرقی")
        elif field == "county":
            out[field] = county_label("r6554961")  # Tabriz County
        elif field in LIST_FIELDS:
            out[field] = LIST_FIELDS[field]
        elif field in TEXT_FIELDS:
            out[field] = TEXT_FIELDS[field]
        else:
            out[field] = NUMBER
    return out


ENTRIES = [(name, code) for name in CATALOGUES for code in catalogue(name)]


def _render(name: str, code: str) -> tuple[str, str, dict[str, object]]:
    en, fa = catalogue(name)[code]
    fields = _fields(en)
    try:
        filled = message(name, code, **fields)
    except (ValueError, TypeError):  # a numeric format of a text field: fill it with a number instead
        fields = {k: (NUMBER if isinstance(v, str) else v) for k, v in fields.items()}
        filled = message(name, code, **fields)
    return filled.en, filled.fa, fields


@pytest.mark.parametrize("name", CATALOGUES)
def test_every_entry_filled_in_reads_right(name) -> None:
    problems = []
    for code in catalogue(name):
        en, fa, fields = _render(name, code)
        where = f"{name}.{code}"
        if re.search(r"[\[(]'[^']*', '", en + fa):
            problems.append(f"{where}: a Python repr of a list: {en}")
        for doubled in ("شهرستان شهرستان", "استان استان", "County County", "province province"):
            if doubled in en + fa:
                problems.append(f"{where}: «{doubled}»: {fa}")
        if re.search(r"(?<!\u2068)--[a-z]", fa):
            problems.append(f"{where}: an option not isolated in the Persian: {fa}")
        if re.search(r"\d[eE][+-]?\d", persian_digits(fa).translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))):
            problems.append(f"{where}: E-notation in the Persian: {fa}")
        if re.search(r"\d[eE][+-]?\d", en.replace("1.8e308", "")):  # (the float limit, named as such)
            problems.append(f"{where}: E-notation (6 significant digits) in the English: {en}")
        if any(v == NUMBER for v in fields.values()) and "1" in en.replace("IR-", ""):  # the number is shown
            shown = [m for m in ("۱٬۲۳۴٬۵۶۷", "۱۲۳۴۵۶۷") if m in fa]
            if ("1,234,567" in en or "1234567" in en) and not shown:
                problems.append(f"{where}: the number is not in the Persian in Persian digits: {en} | {fa}")
    assert problems == [], "\n".join(problems)


def test_county_contradicting_province_names_the_county_once() -> None:
    reason = message("reasons", "county_not_in_province", county=county_label("r6554961"),
                     province=province_label("IR-10", "Isfahan", "اصفهان"))  # fmt: skip
    assert reason.fa.count("شهرستان") == 1 and "(IR-03) در استانِ ردیف" not in reason.fa, reason.fa
    assert "نه در استانِ ردیف، اصفهان (IR-10)" in reason.fa
    assert reason.en.count("County") == 1, reason.en


def test_lists_are_sentences_and_parameters_are_named() -> None:
    warning = message("warnings", "sheets_first", count=2, names=["Sheet1", "داده"], chosen="Sheet1")
    assert "«Sheet1»، «داده»" in warning.fa and "“Sheet1”, “داده”" in warning.en
    assert "با `sheet` یکی را برگزینید" in warning.fa and "choose one with `sheet`" in warning.en
    assert "--" not in warning.fa + warning.en  # the command line names the option (geo._cli_messages.cli_text)


#: Catalogue texts that may name a command-line option: each is a command a person types, not a parameter.
CLI_ONLY = {("template", "guide.note")}  # the template's guide: "then run: python -m geo join FILE --out out"


def test_library_texts_name_parameters_not_options() -> None:
    """What the library says (in a notebook, report.json, rows.csv, map.html) names its
    parameters (`sheet`); only the command line says --sheet (rewritten as it prints)."""
    flagged = [
        f"{name}.{code} ({lang}): {text}"
        for name in (*CATALOGUES, "columns", "formats", "database", "change")
        for code, texts in catalogue(name).items()
        for lang, text in zip(("en", "fa"), texts, strict=True)
        if (name, code) not in CLI_ONLY and re.search(r"(?<![\w-])--[a-z]", text)
    ]
    assert flagged == []


def test_register_warnings_read_as_sentences_in_persian():
    """Filled in from real registers: a merged two-row header says rows (plural) in English
    and one header in Persian; the reserved names are shown as the real (Latin) names; the
    role a column's header read as is a Persian word; a decimal comma's reading is in
    Persian digits on the Persian side."""
    import re
    import warnings as pywarnings

    import pandas as pd

    import geo
    from geo.registers.headers import header_warnings

    merged = header_warnings(2, True, [["a", "b"], ["x", "y"], ["1", "2"]], "row")[0]
    assert "rows 2 and 3" in str(merged) and "header" in str(merged)
    assert "ردیف‌های ۲ و ۳" in merged.fa and "یک سرستون" in merged.fa and "یکی خوانده شدند" not in merged.fa

    frame = pd.DataFrame({
        "id": ["Fars", "تهران", "Isfahan", "Fars"], "status": ["a", "b", "c", "d"],
        "lat": ["29,6", "35,7", "32,6", "29,5"], "lon": ["52,5", "51,4", "51,6", "52,4"],
    })  # fmt: skip
    with pywarnings.catch_warnings():
        pywarnings.simplefilter("ignore")
        reg = geo.read_register(frame)
    fa = {w: getattr(w, "fa", str(w)) for w in reg.warnings}
    reserved = next(t for w, t in fa.items() if "is renamed" in str(w))
    assert "status" in reserved and "وضعیت، دلیل‌ها" not in reserved
    role = next(t for w, t in fa.items() if "whose header reads as" in str(w))
    assert "ستون شناسه خوانده می‌شد" in role and not re.search(r"ستون id\b", role)
    comma = next(t for w, t in fa.items() if "decimal comma" in str(w))
    assert "۲۹٫۶" in comma and not re.search(r"\d\.\d", comma)


def test_the_templates_figures_have_thousands_separators_in_both_languages():
    """The guide sheet's published figures: 6,604 in English, ۶٬۶۰۴ in Persian (each figure
    taken from the shipped yearbook table, not written here)."""
    from geo._text import persian_digits
    from geo.reference.stats import load_indicators
    from geo.registers.template import _figure, template_columns

    indicators = load_indicators()
    checked = 0
    for col in template_columns():
        if col.reference in indicators.index and int(indicators.loc[col.reference, "national_total"]) >= 1000:
            total = int(indicators.loc[col.reference, "national_total"])
            assert f"{total:,}" in _figure(col.reference, "en")
            assert persian_digits(f"{total:,}".replace(",", "٬")) in _figure(col.reference, "fa")
            checked += 1
    assert checked
